/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* An elementary-interval index over the IPv4 address sets of one key
 * index (one keyed protocol of one direction: TCP or UDP ports, ICMP types).
 *
 * Every interval end of every set of the key index (its segments and its
 * all-key union) cuts the address space; the pieces between cuts are the
 * elementary intervals, each wholly inside or wholly outside every set. A
 * set is then a row of bits, one per elementary interval, and a lookup is:
 * find the address's elementary interval once, then test one bit in the
 * row of the packet's key segment. The all-key union is ORed into every
 * segment's row at compile time, so one test answers what took two binary
 * searches (and their branch mispredictions) before.
 *
 * Finding the elementary interval: a table of buckets over the window that
 * holds every cut, each bucket giving the count of cuts below its start;
 * the few cuts inside a bucket (usually none) are scanned. */
#ifndef ENI_EVAL_ELEM4_H
#define ENI_EVAL_ELEM4_H

#include <stddef.h>
#include <stdint.h>

struct cls_elem4 {
    uint32_t *cut;      /* sorted distinct cuts (never 0), then CUT_PAD sentinels:
                           elementary interval k is [cut[k-1], cut[k]) */
    uint32_t n_cut;
    uint32_t *bucket;   /* [n_bucket + 1]: cuts below each bucket's start */
    uint32_t n_bucket;  /* a power of two */
    uint32_t base;      /* the window's first address */
    uint32_t shift;     /* log2 of a bucket's width (0..32) */
    uint64_t *rows;     /* one row per segment, then the all-key union's row */
    uint32_t row_words;
};

/* Cut arrays end in this many sentinels past their last cut, so a bucket's
 * cuts are counted four at a time without a bound check (elem4, elem6 and
 * the ACL index): a count that runs past the bucket's own cuts meets only
 * larger cuts (the next buckets') or sentinels, and is clamped to the
 * bucket's size for the one address a sentinel equals. */
enum { CUT_PAD = 4 };

/* About four buckets per cut, a power of two from 64 to 65536: most
 * buckets then hold no cut, and a lookup is one read (elem4, elem6). */
static inline uint32_t eni__bucket_count(uint32_t cuts)
{
    uint32_t nb = 64;
    while (nb < 65536 && nb < 4 * cuts)
        nb *= 2;
    return nb;
}

/* The narrowest aligned window of `buckets` buckets of 2^shift values
 * holding every value from first to last (their high words, for 128-bit
 * cuts): its shift, and its first value in *base (elem4, elem6 and the
 * ACL index). */
static inline uint32_t eni__bucket_window(uint64_t first, uint64_t last, uint64_t buckets,
                                          uint64_t *base)
{
    uint32_t shift = 0;
    while (shift < 63 && ((last - ((first >> shift) << shift)) >> shift) >= buckets)
        shift++;
    *base = (first >> shift) << shift;
    return shift;
}

/* k plus how many of the sorted cuts cut[k..k+n) are <= a: a bucket of at
 * most CUT_PAD cuts (nearly all: about four buckets per cut) is counted
 * without a branch, since a loop whose trip count changed from packet to
 * packet was a mispredicted branch per packet; a crowded one is searched.
 * (A branch-free search there made dropped packets at 1000 TCP/UDP rules
 * 8-14% slower and new ones 20-30% faster: kept as it was measured.)
 * Shared by elem4 and the ACL index's narrow dimensions. */
static inline uint32_t eni__cuts32_rank(const uint32_t *cut, uint32_t k, uint32_t n, uint32_t a)
{
    const uint32_t *c = cut + k;
    if (n <= CUT_PAD) {
        uint32_t in = (uint32_t)(c[0] <= a) + (c[1] <= a) + (c[2] <= a) + (c[3] <= a);
        return k + (in < n ? in : n);
    }
    uint32_t end = k + n;
    while (k < end) {
        uint32_t mid = k + (end - k) / 2;
        if (cut[mid] <= a)
            k = mid + 1;
        else
            end = mid;
    }
    return k;
}

/* The elementary interval holding a (how many cuts are <= a). */
static inline uint32_t eni__elem4_find(const struct cls_elem4 *el, uint32_t a)
{
    if (a < el->base)
        return 0;
    uint64_t j = (uint64_t)(a - el->base) >> el->shift;
    if (j >= el->n_bucket)
        return el->n_cut;
    return eni__cuts32_rank(el->cut, el->bucket[j], el->bucket[j + 1] - el->bucket[j], a);
}

static inline int eni__elem4_test(const struct cls_elem4 *el, uint32_t row, uint32_t k)
{
    return (int)((el->rows[(uint64_t)row * el->row_words + (k >> 6)] >> (k & 63)) & 1);
}

/* Rows of bits over elementary intervals, shared with elem6.h: set bits
 * from..to of a row; OR the all-key union's row (the last of n_segs + 1)
 * into every segment's row. */
static inline void eni__row_set_bits(uint64_t *row, uint32_t from, uint32_t to)
{
    for (uint32_t k = from; k <= to;) {
        if ((k & 63) == 0 && to - k >= 63) {
            row[k >> 6] = ~0ull;
            k += 64;
        } else {
            row[k >> 6] |= 1ull << (k & 63);
            k++;
        }
    }
}

static inline void eni__rows_or_full(uint64_t *rows, uint32_t n_segs, uint32_t row_words)
{
    const uint64_t *full = rows + (size_t)n_segs * row_words;
    for (uint32_t s = 0; s < n_segs; s++)
        for (uint32_t w = 0; w < row_words; w++)
            rows[(size_t)s * row_words + w] |= full[w];
}

struct cls_keys;
struct cls_table;
struct eni_ctx;
/* Build the index of the IPv4 sets of P, the key index of `proto` built
 * from t; NULL when it would take more memory than it saves time (the
 * binary searches are used then) or on allocation failure (*nomem set). */
struct cls_elem4 *eni__elem4_build(struct eni_ctx *ctx, const struct cls_table *t, int proto,
                                   const struct cls_keys *P, int *nomem);
void eni__elem4_free(struct eni_ctx *ctx, struct cls_elem4 *el);

#endif
