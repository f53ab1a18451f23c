/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Sets of addresses as sorted, disjoint intervals (struct cls_iv, both
 * families in 128 bits), built on the control path: a growable vector, the
 * interval of a prefix, sorting and merging, and the union of two merged
 * lists. The classifier's compile step (compile.c, keyidx.c) is made of
 * these; the packet path only searches the result (classify.c). */
#ifndef ENI_EVAL_IVSET_H
#define ENI_EVAL_IVSET_H

#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "util/addr.h"

struct eni_ctx;

/* A growable interval vector. An allocation failure sets nomem and makes
 * every later push a no-op, so a builder checks once at the end. */
struct ivvec {
    struct cls_iv *v;
    uint32_t n, cap;
    bool nomem;
};

void eni__ivpush(struct eni_ctx *ctx, struct ivvec *vec, struct cls_iv iv);
/* Room for `extra` more intervals without growing again; false (and
 * nomem set) when there is none to be had. */
bool eni__ivreserve(struct eni_ctx *ctx, struct ivvec *vec, uint32_t extra);
/* The interval a prefix covers (IPv4 in the low word). */
struct cls_iv eni__iv_prefix(const eni_prefix *p);
/* Order by low end. */
int eni__iv_cmp_lo(const struct cls_iv *a, const struct cls_iv *b);
/* Sort v[0..n) and merge overlapping or adjacent intervals in place;
 * returns the new count. Input made of a few sorted lists is merged
 * through scratch memory from ctx (sorted in place without it: the same
 * result, so it cannot fail). */
uint32_t eni__iv_merge(struct eni_ctx *ctx, struct cls_iv *v, uint32_t n);
/* Append the union of two merged lists to out, merged. */
void eni__iv_union2(struct eni_ctx *ctx, struct ivvec *out, const struct cls_iv *a, uint32_t na,
                    const struct cls_iv *b, uint32_t nb);

#endif
