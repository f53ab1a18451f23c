/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* elem4.h's elementary-interval index for IPv6 key indexes: the sets of one
 * keyed protocol of one direction as rows of bits over the pieces their
 * 128-bit interval ends cut the space into, so a lookup is one search for
 * the address's piece and one bit test, where the sorted intervals took two
 * binary searches of 128-bit compares.
 *
 * Finding the piece: a table of buckets over the high 64 bits of the window
 * that holds every cut, each giving the count of cuts below its start; the
 * cuts inside a bucket (many, when member addresses share a /64) are
 * searched, branch-free. */
#ifndef ENI_EVAL_ELEM6_H
#define ENI_EVAL_ELEM6_H

#include <stdint.h>

#include "crowd.h"
#include "cuts.h"

struct cls_elem6 {
    struct cls_cut6 *cut; /* sorted distinct cuts (never 0): piece k is [cut[k-1], cut[k]);
                             CUT_PAD sentinels follow */
    uint32_t n_cut;
    uint32_t *bucket;     /* [n_bucket + 1]: cuts below each bucket's start */
    uint32_t n_bucket;    /* a power of two */
    uint64_t base;        /* the window's first high word */
    uint32_t shift;       /* log2 of a bucket's width in high words (0..63) */
    uint64_t *rows;       /* one row per segment, then the all-key union's row */
    uint8_t shared;       /* cut, bucket and crowd are the table's (cls_table.pieces6):
                             neither freed nor counted with this index */
    uint32_t row_words;
    struct cls_crowd crowd; /* finer buckets for the crowded ones (crowd.h) */
};

/* The piece holding a (how many cuts are <= a): elem4's method. */
static inline uint32_t eni__elem6_find(const struct cls_elem6 *el, uint64_t ahi, uint64_t alo)
{
    if (ahi < el->base)
        return 0;
    uint64_t j = (ahi - el->base) >> el->shift;
    if (j >= el->n_bucket)
        return el->n_cut;
    uint32_t k = el->bucket[j], n = el->bucket[j + 1] - k;
    if (n <= CUT_PAD || !el->crowd.top)
        return eni__cuts128_rank(el->cut, k, n, ahi, alo);
    return eni__crowd_rank128(&el->crowd, el->cut, (uint32_t)j, k, n, ahi, alo);
}

static inline int eni__elem6_test(const struct cls_elem6 *el, uint32_t row, uint32_t k)
{
    return (int)((el->rows[(uint64_t)row * el->row_words + (k >> 6)] >> (k & 63)) & 1);
}

struct cls_iv;
struct cls_keys;
struct eni_ctx;
struct key_sweep;
/* Build the index of the IPv6 sets of K as eni__elem4_build does (ks: the
 * segments, parts and events; full[K->full.first_iv ..]: the all-key
 * union); NULL when there is no address or the rows would be too large
 * (the binary searches are used then), or on allocation failure (*nomem
 * set). */
struct cls_elem6 *eni__elem6_build(struct eni_ctx *ctx, int proto, const struct cls_keys *K,
                                   const struct key_sweep *ks, const struct cls_iv *full,
                                   int *nomem);
/* eni__elem4_build_shared and eni__elem4_pieces for IPv6. */
struct cls_elem6 *eni__elem6_build_shared(struct eni_ctx *ctx, int proto,
                                          const struct cls_keys *K, const struct key_sweep *ks,
                                          const struct cls_iv *full,
                                          const struct cls_elem6 *pieces, int *nomem);
struct cls_elem6 *eni__elem6_pieces(struct eni_ctx *ctx, const struct key_sweep *ks,
                                    const uint8_t *take, int *nomem);
/* The lookup over el's n_cut sorted distinct cuts (cut set, CUT_PAD
 * sentinels after them): its window, buckets and crowded buckets' nodes
 * (eni__crowd_build's `over`: CUT_PAD, or more where crowded buckets are
 * left to a search), allocated through ctx. 0, or -1 out of memory (what
 * was allocated is el's, for eni__elem6_free). */
int eni__elem6_index(struct eni_ctx *ctx, struct cls_elem6 *el, uint32_t crowd_over);
void eni__elem6_free(struct eni_ctx *ctx, struct cls_elem6 *el);

#endif
