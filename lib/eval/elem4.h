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
 * the few cuts inside a bucket (usually none) are counted, and a bucket
 * with more than CUT_PAD (a cluster: a subnet's member addresses) is
 * divided again by the nodes of crowd.h. */
#ifndef ENI_EVAL_ELEM4_H
#define ENI_EVAL_ELEM4_H

#include <stddef.h>
#include <stdint.h>

#include "crowd.h"
#include "cuts.h"

struct cls_elem4 {
    uint32_t *cut;      /* sorted distinct cuts (never 0), then CUT_PAD sentinels:
                           elementary interval k is [cut[k-1], cut[k]) */
    uint32_t n_cut;
    uint32_t *bucket;   /* [n_bucket + 1]: cuts below each bucket's start */
    uint32_t n_bucket;  /* a power of two */
    uint32_t base;      /* the window's first address */
    uint32_t shift;     /* log2 of a bucket's width (0..32) */
    uint64_t *rows;     /* one row per segment, then the all-key union's row */
    uint8_t shared;     /* cut, bucket and crowd are the table's (cls_table.pieces4):
                           neither freed nor counted with this index */
    uint32_t row_words;
    struct cls_crowd crowd; /* finer buckets for the crowded ones (crowd.h) */
};

/* The elementary interval holding a (how many cuts are <= a). */
static inline uint32_t eni__elem4_find(const struct cls_elem4 *el, uint32_t a)
{
    if (a < el->base)
        return 0;
    uint64_t j = (uint64_t)(a - el->base) >> el->shift;
    if (j >= el->n_bucket)
        return el->n_cut;
    uint32_t k = el->bucket[j], n = el->bucket[j + 1] - k;
    if (n <= CUT_PAD || !el->crowd.top)
        return eni__cuts32_rank(el->cut, k, n, a);
    return eni__crowd_rank32(&el->crowd, el->cut, (uint32_t)j, k, n, a);
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

struct cls_iv;
struct cls_keys;
struct eni_ctx;
struct key_sweep;
/* Build the index of the IPv4 sets of P, the key index of `proto`, whose
 * segments, parts and their events are ks (rowsweep.h) and whose all-key
 * union is full[P->full.first_iv ..] (P's segments' lists not needed);
 * NULL when there is no address or the rows would take more memory than
 * they save time (the binary searches are used then), or on allocation
 * failure (*nomem set). */
struct cls_elem4 *eni__elem4_build(struct eni_ctx *ctx, int proto, const struct cls_keys *P,
                                   const struct key_sweep *ks, const struct cls_iv *full,
                                   int *nomem);
/* The same over the table's shared cuts (eni__elem4_pieces): its rows
 * only. NULL when they would pass the rows' limit (then build its own) or
 * on allocation failure (*nomem set). */
struct cls_elem4 *eni__elem4_build_shared(struct eni_ctx *ctx, int proto,
                                          const struct cls_keys *P, const struct key_sweep *ks,
                                          const struct cls_iv *full,
                                          const struct cls_elem4 *pieces, int *nomem);
/* The cuts of the parts of ks that take[] marks, sorted, and their lookup
 * (buckets, crowded buckets' nodes), without rows: what several key
 * indexes of a table share. NULL when there is no address, or on
 * allocation failure (*nomem set). */
struct cls_elem4 *eni__elem4_pieces(struct eni_ctx *ctx, const struct key_sweep *ks,
                                    const uint8_t *take, int *nomem);
/* The lookup over el's n_cut sorted distinct cuts (cut set, CUT_PAD
 * sentinels after them): its window, buckets and crowded buckets' nodes
 * (eni__crowd_build's `over`: CUT_PAD, or more where crowded buckets are
 * left to a search), allocated through ctx. 0, or -1 out of memory (what
 * was allocated is el's, for eni__elem4_free). */
int eni__elem4_index(struct eni_ctx *ctx, struct cls_elem4 *el, uint32_t crowd_over);
void eni__elem4_free(struct eni_ctx *ctx, struct cls_elem4 *el);

#endif
