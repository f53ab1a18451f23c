/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Sorted cuts and the buckets over them: what the elementary-interval
 * indexes (elem4.h, elem6.h), their crowded buckets' nodes (crowd.h) and
 * the network ACL's index (acl_index.h) share. A value's rank (how many
 * cuts are at or below it) is found through a bucket read, then a few
 * compares without a branch. */
#ifndef ENI_EVAL_CUTS_H
#define ENI_EVAL_CUTS_H

#include <stdint.h>

struct cls_cut6 {
    uint64_t hi, lo;
};

#ifdef __SIZEOF_INT128__
/* A 128-bit unsigned integer where the compiler has one (GCC and Clang on
 * 64-bit targets): a compare of two (high, low) pairs is then one
 * subtraction with borrow. __extension__: not ISO C. */
__extension__ typedef unsigned __int128 eni__u128;
#define ENI__U128(hi, lo) ((eni__u128)(hi) << 64 | (lo))
#endif

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
 * The indexes over rules divide their crowded buckets further first
 * (crowd.h), so a search is left only where CROWD_DEPTH levels could not
 * spread a cluster, and in the ACL index (at most 78 cuts). Shared by
 * elem4, crowd.h and the ACL index's narrow dimensions. */
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

/* eni__cuts32_rank for 64-bit cuts (an IPv6 dimension whose cuts all
 * have a zero low word: prefixes no longer than /64). */
static inline uint32_t eni__cuts64_rank(const uint64_t *cut, uint32_t k, uint32_t n, uint64_t a)
{
    const uint64_t *c = cut + k;
    if (n <= CUT_PAD) {
        uint32_t in = (uint32_t)(c[0] <= a) + (c[1] <= a) + (c[2] <= a) + (c[3] <= a);
        return k + (in < n ? in : n);
    }
    while (n > 1) { /* the last cut at or below a, branch-free, then one compare */
        uint32_t half = n / 2;
        c = c[half] <= a ? c + half : c;
        n -= half;
    }
    return (uint32_t)(c - cut) + (uint32_t)(*c <= a);
}

/* a <= b for 128-bit (high, low) pairs, without branches (the searches
 * then compile to conditional moves, not mispredicted jumps): where the
 * compiler has a 128-bit integer, one compare of the pairs (a subtraction
 * with borrow: two instructions, where the three word compares took six). */
static inline int eni__le128_nb(uint64_t ah, uint64_t al, uint64_t bh, uint64_t bl)
{
#ifdef __SIZEOF_INT128__
    return ENI__U128(ah, al) <= ENI__U128(bh, bl);
#else
    return (ah < bh) | ((ah == bh) & (al <= bl));
#endif
}

/* c <= a, for 128-bit values, without branches. */
static inline int eni__cut6_le(const struct cls_cut6 *c, uint64_t ahi, uint64_t alo)
{
    return eni__le128_nb(c->hi, c->lo, ahi, alo);
}

/* eni__cuts32_rank for 128-bit cuts: k plus how many of cut[k..k+n) are
 * <= a. Shared by elem6 and the ACL index's IPv6 addresses. */
static inline uint32_t eni__cuts128_rank(const struct cls_cut6 *cut, uint32_t k, uint32_t n,
                                         uint64_t ahi, uint64_t alo)
{
    const struct cls_cut6 *c = cut + k;
    if (n <= CUT_PAD) {
        uint32_t in = (uint32_t)eni__cut6_le(&c[0], ahi, alo) + eni__cut6_le(&c[1], ahi, alo) +
                      eni__cut6_le(&c[2], ahi, alo) + eni__cut6_le(&c[3], ahi, alo);
        return k + (in < n ? in : n);
    }
    /* a crowded bucket (member addresses sharing a /64): the last cut at
     * or below a, branch-free, then one compare */
    while (n > 1) {
        uint32_t half = n / 2;
        c = eni__cut6_le(&c[half], ahi, alo) ? c + half : c;
        n -= half;
    }
    return (uint32_t)(c - cut) + (uint32_t)eni__cut6_le(c, ahi, alo);
}

#endif
