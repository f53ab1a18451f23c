/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Finer buckets for the crowded buckets of an elementary-interval index
 * (elem4.h, elem6.h).
 *
 * The index's buckets divide the window of all its cuts evenly, about four
 * per cut, so most hold none or one. Cuts that cluster do not spread that
 * way: the member addresses of a group all sit in a few subnets, and the
 * /128s of an IPv6 subnet share one high word, so at 1000 rules hundreds
 * of cuts can fall into one bucket. A lookup there was a binary search
 * whose branches went one way or the other from packet to packet (about
 * half of them mispredicted); the packets a rule allows, whose addresses
 * are where the rules are, met it most.
 *
 * A crowded bucket gets a node of its own: the narrowest aligned window of
 * its cuts divided again into about four buckets per cut, and so on for a
 * bucket of that node that is still crowded, to CROWD_DEPTH levels. For
 * 128-bit cuts, a node whose cuts all share one high word divides their low
 * words. A lookup then ends, as in an uncrowded bucket, in at most
 * CUT_PAD compares without a branch. */
#ifndef ENI_EVAL_CROWD_H
#define ENI_EVAL_CROWD_H

#include <stdint.h>

#include "cuts.h"

/* Levels below the index's own buckets. Each narrows the window to its
 * cuts; three reach a cluster of /128s inside a /64 inside a larger spread. */
enum { CROWD_DEPTH = 3 };

struct cls_crowd_node {
    uint64_t base; /* the window's first value of the word divided */
    uint64_t hi;   /* low-word nodes: the high word every cut of the node has */
    uint32_t shift; /* log2 of a bucket's width */
    uint32_t n;     /* buckets */
    uint32_t first; /* its n + 1 ranks at rank[first..], its n children at child[first..] */
    uint32_t low;   /* 1: the node divides low words (128-bit cuts only) */
};

struct cls_crowd {
    uint32_t *top;  /* [the index's n_bucket]: the node of each of its buckets, + 1; 0: none */
    struct cls_crowd_node *node;
    uint32_t n_node;
    uint32_t *rank;  /* cuts below each bucket's start, counted from the index's first cut */
    uint32_t *child; /* the node of each bucket, + 1; 0: none */
    uint32_t n_rank; /* entries of rank (and of child) */
};

/* The cuts [*k, *k + *n) of a crowded bucket, narrowed node by node from
 * the index's bucket j to one bucket of at most CUT_PAD cuts (or of cuts
 * that no node could divide further): -1, with *k and *n that bucket's.
 * A node compares a's high word, or its low word once the high word is
 * the one all the node's cuts share. When a falls outside a node's
 * window, its rank is known: 0 when every cut of the node is above a
 * (rank *k), 1 when every one is at or below it (rank *k + *n). */
static inline int eni__crowd_narrow(const struct cls_crowd *c, uint32_t j, uint64_t ahi,
                                    uint64_t alo, uint32_t *k, uint32_t *n)
{
    uint32_t ch = c->top[j];
    while (ch) {
        const struct cls_crowd_node *nd = &c->node[ch - 1];
        uint64_t v = ahi;
        if (nd->low) {
            if (ahi != nd->hi)
                return ahi < nd->hi ? 0 : 1;
            v = alo;
        }
        if (v < nd->base)
            return 0;
        uint64_t b = (v - nd->base) >> nd->shift;
        if (b >= nd->n)
            return 1;
        uint32_t i = nd->first + (uint32_t)b;
        *k = c->rank[i];
        *n = c->rank[i + 1] - *k;
        if (*n <= CUT_PAD)
            return -1;
        ch = c->child[i];
    }
    return -1;
}

/* eni__cuts32_rank for the crowded bucket j of elem4's index: its cuts
 * cut[k..k+n), n > CUT_PAD. */
static inline uint32_t eni__crowd_rank32(const struct cls_crowd *c, const uint32_t *cut,
                                         uint32_t j, uint32_t k, uint32_t n, uint32_t a)
{
    int out = eni__crowd_narrow(c, j, a, 0, &k, &n);
    if (out >= 0)
        return out ? k + n : k;
    return eni__cuts32_rank(cut, k, n, a);
}

/* The same for elem6's 128-bit cuts. */
static inline uint32_t eni__crowd_rank128(const struct cls_crowd *c, const struct cls_cut6 *cut,
                                          uint32_t j, uint32_t k, uint32_t n, uint64_t ahi,
                                          uint64_t alo)
{
    int out = eni__crowd_narrow(c, j, ahi, alo, &k, &n);
    if (out >= 0)
        return out ? k + n : k;
    return eni__cuts128_rank(cut, k, n, ahi, alo);
}

struct eni_ctx;
/* Nodes for every crowded bucket of an index of n_bucket buckets (counts
 * bucket[0..n_bucket]): its cuts as 32-bit values (cut32) or as 128-bit
 * ones (cut6), exactly one not NULL. None at all unless some bucket holds
 * more than `over` cuts (CUT_PAD: any crowded bucket gets its node; more
 * for an index that weighs its build time over its lookups', jump.c).
 * 0, or -1 when out of memory (c then holds nothing). An index with no
 * node gets c->top NULL. */
int eni__crowd_build(struct eni_ctx *ctx, struct cls_crowd *c, const uint32_t *cut32,
                     const struct cls_cut6 *cut6, const uint32_t *bucket, uint32_t n_bucket,
                     uint32_t over);
void eni__crowd_free(struct eni_ctx *ctx, struct cls_crowd *c);
/* Bytes it holds (eni_nic_get_eval_memory). */
uint64_t eni__crowd_bytes(const struct cls_crowd *c, uint32_t n_bucket);

#endif
