/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building the IPv6 elementary-interval index of a key index (elem6.h):
 * elem4.c's method with 128-bit cuts and buckets over the high word. */
#include <stdlib.h>
#include <string.h>

#include "elem6.h"
#include "eval_internal.h"
#include "radix.h"
#include "rowsweep.h"

/* The pieces of v: one search for a single address (a member's /128),
 * two otherwise. */
static struct piece_span span_of(const void *index, const struct cls_iv *v)
{
    const struct cls_elem6 *el = index;
    uint32_t from = eni__elem6_find(el, v->lo_hi, v->lo_lo);
    bool point = v->lo_hi == v->hi_hi && v->lo_lo == v->hi_lo;
    return (struct piece_span){from, point ? from : eni__elem6_find(el, v->hi_hi, v->hi_lo)};
}

void eni__elem6_free(eni_ctx *ctx, struct cls_elem6 *el)
{
    if (!el)
        return;
    if (!el->shared) {
        eni__free(ctx, el->cut);
        eni__free(ctx, el->bucket);
        eni__crowd_free(ctx, &el->crowd);
    }
    eni__free(ctx, el->rows);
    eni__free(ctx, el);
}

/* The sorted distinct cuts of the rules the index was built from, each
 * distinct peer set once (take[i], rowsweep.c). */
static uint32_t collect_cuts(eni_ctx *ctx, const struct key_sweep *ks, const uint8_t *take,
                             struct cls_cut6 *cut)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < ks->n_part; i++) {
        const struct cls_entry *e = &ks->part[i];
        for (uint32_t k = 0; take[i] && k < e->n_iv; k++) {
            const struct cls_iv *v = &ks->iv[e->first_iv + k];
            if (v->lo_hi || v->lo_lo)
                cut[n++] = (struct cls_cut6){v->lo_hi, v->lo_lo};
            if (v->hi_hi != UINT64_MAX || v->hi_lo != UINT64_MAX) /* hi + 1 */
                cut[n++] = (struct cls_cut6){v->hi_hi + (v->hi_lo == UINT64_MAX), v->hi_lo + 1};
        }
    }
    eni__sort_cut6(ctx, cut, n);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++)
        if (u == 0 || cut[u - 1].hi != cut[i].hi || cut[u - 1].lo != cut[i].lo)
            cut[u++] = cut[i];
    return u;
}

int eni__elem6_index(eni_ctx *ctx, struct cls_elem6 *el, uint32_t crowd_over)
{
    /* About four buckets per cut, over the narrowest aligned window of
     * high words holding them all. */
    uint32_t u = el->n_cut;
    el->n_bucket = eni__bucket_count(u);
    el->shift = eni__bucket_window(u ? el->cut[0].hi : 0, u ? el->cut[u - 1].hi : 0,
                                   el->n_bucket, &el->base);
    el->bucket = eni__calloc(ctx, (size_t)el->n_bucket + 1, sizeof *el->bucket);
    if (!el->bucket)
        return -1;
    /* bucket j starts at high word base + (j << shift), low word 0; every
     * cut's high word is at or above base, so "below bucket j" is its
     * bucket number below j (no sum that could overflow) */
    for (uint32_t j = 0, k = 0; j <= el->n_bucket; j++) {
        while (k < u && ((el->cut[k].hi - el->base) >> el->shift) < j)
            k++;
        el->bucket[j] = k;
    }
    return eni__crowd_build(ctx, &el->crowd, NULL, el->cut, el->bucket, el->n_bucket, crowd_over);
}

struct cls_elem6 *eni__elem6_pieces(eni_ctx *ctx, const struct key_sweep *ks, const uint8_t *take,
                                    int *nomem)
{
    *nomem = 0;
    uint64_t max_cuts = eni__rows_max_cuts(ks, take);
    if (max_cuts == 0 || max_cuts > UINT32_MAX - CUT_PAD)
        return NULL; /* no address at all (or more cuts than an index counts) */
    struct cls_elem6 *el = eni__calloc(ctx, 1, sizeof *el);
    struct cls_cut6 *cut = eni__calloc(ctx, max_cuts + CUT_PAD, sizeof *cut);
    if (!el || !cut) {
        eni__free(ctx, el);
        eni__free(ctx, cut);
        *nomem = 1;
        return NULL;
    }
    el->cut = cut;
    el->n_cut = collect_cuts(ctx, ks, take, cut);
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[el->n_cut + i] = (struct cls_cut6){UINT64_MAX, UINT64_MAX};
    el->row_words = (el->n_cut + 1 + 63) / 64;
    if (eni__elem6_index(ctx, el, CUT_PAD) < 0) {
        eni__elem6_free(ctx, el);
        *nomem = 1;
        return NULL;
    }
    return el;
}

/* el's rows (el has its cuts and lookup): NULL when they would pass the
 * limit (el freed), or on allocation failure (*nomem set, el freed). */
static struct cls_elem6 *with_rows(eni_ctx *ctx, struct cls_elem6 *el, int proto,
                                   const struct cls_keys *K, const struct key_sweep *ks,
                                   const struct cls_iv *full, int *nomem)
{
    int r = eni__rows_make(ctx, proto, K, ks, full, span_of, el, el->row_words, &el->rows);
    if (r == 0)
        return el;
    eni__elem6_free(ctx, el);
    *nomem = r < 0;
    return NULL;
}

struct cls_elem6 *eni__elem6_build(eni_ctx *ctx, int proto, const struct cls_keys *K,
                                   const struct key_sweep *ks, const struct cls_iv *full,
                                   int *nomem)
{
    uint8_t *take = eni__rows_take(ctx, ks, proto, K, nomem);
    if (!take)
        return NULL;
    struct cls_elem6 *el = eni__elem6_pieces(ctx, ks, take, nomem);
    eni__free(ctx, take);
    return el ? with_rows(ctx, el, proto, K, ks, full, nomem) : NULL;
}

struct cls_elem6 *eni__elem6_build_shared(eni_ctx *ctx, int proto, const struct cls_keys *K,
                                          const struct key_sweep *ks, const struct cls_iv *full,
                                          const struct cls_elem6 *pieces, int *nomem)
{
    *nomem = 0;
    struct cls_elem6 *el = eni__calloc(ctx, 1, sizeof *el);
    if (!el) {
        *nomem = 1;
        return NULL;
    }
    *el = *pieces;
    el->shared = 1;
    el->rows = NULL;
    return with_rows(ctx, el, proto, K, ks, full, nomem);
}
