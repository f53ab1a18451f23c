/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A bucket index over the starts of a large sorted, disjoint interval set
 * (a protocol's set of a classifier table, classify.h psets): elem4.h's
 * and elem6.h's lookup (buckets, crowded buckets' nodes), without rows,
 * whose cuts are the intervals' starts. The count of starts at or below an
 * address names the one interval that can hold it, so membership is a
 * bucket read, a few compares and one more against that interval's end,
 * where a binary search over thousands of intervals took a dependent load
 * per step (an IPv6 prefix list of 2000 entries: eleven, a third of a
 * dropped packet's time). */
#ifndef ENI_EVAL_JUMP_H
#define ENI_EVAL_JUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "elem4.h"
#include "elem6.h"

/* Sets smaller than this are searched: a few steps in cache beat the
 * bucket read. */
enum { JUMP_MIN_INTERVALS = 32 };

struct cls_jump {
    struct cls_elem4 *el4; /* IPv4 sets: their starts (never 0: see zero) */
    struct cls_elem6 *el6; /* IPv6 sets: the same */
    uint8_t zero;          /* the first interval starts at address 0: counted apart,
                              as a cut is never 0 */
    uint8_t borrowed;      /* el4/el6 are another set's (an equal one): not freed or
                              counted with this one */
};

/* How many of the set's intervals start at or below a. */
static inline uint32_t eni__jump_rank4(const struct cls_jump *J, uint32_t a)
{
    return eni__elem4_find(J->el4, a) + J->zero;
}

static inline uint32_t eni__jump_rank6(const struct cls_jump *J, uint64_t ahi, uint64_t alo)
{
    return eni__elem6_find(J->el6, ahi, alo) + J->zero;
}

struct cls_iv;
struct eni_ctx;
/* The index of the sorted disjoint intervals iv[0 .. n) of `family` (4:
 * host-order addresses in the low words). 0, or -1 out of memory (J then
 * holds nothing). */
int eni__jump_build(struct eni_ctx *ctx, struct cls_jump *J, const struct cls_iv *iv, uint32_t n,
                    unsigned family);
void eni__jump_free(struct eni_ctx *ctx, struct cls_jump *J);

#endif
