/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building the bucket index over an interval set's starts (jump.h). A
 * table has a set per protocol it names, mostly the same intervals, and
 * dividing every crowded bucket of every set (crowd.h) was a quarter of
 * publishing 1000 IPv6 all-traffic rules: only a bucket of more than
 * JUMP_CROWD starts, which a search would cross in more than five steps,
 * has the set divided. */
#include <string.h>

#include "classify.h"
#include "eval_internal.h"
#include "jump.h"

/* A set's crowded buckets get crowd.h's nodes only when one of them holds
 * more than this many starts (a search of it: five steps at most). */
enum { JUMP_CROWD = 32 };

static int build4(eni_ctx *ctx, struct cls_jump *J, const struct cls_iv *iv, uint32_t n)
{
    struct cls_elem4 *el = eni__calloc(ctx, 1, sizeof *el);
    uint32_t *cut = eni__calloc(ctx, (size_t)n + CUT_PAD, sizeof *cut);
    J->el4 = el;
    if (!el || !cut) {
        eni__free(ctx, cut);
        return -1;
    }
    uint32_t m = 0;
    for (uint32_t i = J->zero; i < n; i++)
        cut[m++] = (uint32_t)iv[i].lo_lo;
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[m + i] = UINT32_MAX;
    el->cut = cut;
    el->n_cut = m;
    return eni__elem4_index(ctx, el, JUMP_CROWD);
}

static int build6(eni_ctx *ctx, struct cls_jump *J, const struct cls_iv *iv, uint32_t n)
{
    struct cls_elem6 *el = eni__calloc(ctx, 1, sizeof *el);
    struct cls_cut6 *cut = eni__calloc(ctx, (size_t)n + CUT_PAD, sizeof *cut);
    J->el6 = el;
    if (!el || !cut) {
        eni__free(ctx, cut);
        return -1;
    }
    uint32_t m = 0;
    for (uint32_t i = J->zero; i < n; i++)
        cut[m++] = (struct cls_cut6){iv[i].lo_hi, iv[i].lo_lo};
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[m + i] = (struct cls_cut6){UINT64_MAX, UINT64_MAX};
    el->cut = cut;
    el->n_cut = m;
    return eni__elem6_index(ctx, el, JUMP_CROWD);
}

int eni__jump_build(eni_ctx *ctx, struct cls_jump *J, const struct cls_iv *iv, uint32_t n,
                    unsigned family)
{
    memset(J, 0, sizeof *J);
    J->zero = n && !iv[0].lo_hi && !iv[0].lo_lo;
    int r = family == 4 ? build4(ctx, J, iv, n) : build6(ctx, J, iv, n);
    if (r < 0)
        eni__jump_free(ctx, J);
    return r;
}

void eni__jump_free(eni_ctx *ctx, struct cls_jump *J)
{
    if (!J->borrowed) {
        eni__elem4_free(ctx, J->el4);
        eni__elem6_free(ctx, J->el6);
    }
    memset(J, 0, sizeof *J);
}
