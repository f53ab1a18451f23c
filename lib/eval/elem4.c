/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building the elementary-interval index of a key index (elem4.h). */
#include <stdlib.h>
#include <string.h>

#include "elem4.h"
#include "eval_internal.h"
#include "radix.h"
#include "rowsweep.h"

/* The pieces of v (the lookup is built by then: exact, and cheaper than
 * a search over all cuts): one search for a single address (a member's /32),
 * two otherwise. */
static struct piece_span span_of(const void *index, const struct cls_iv *v)
{
    const struct cls_elem4 *el = index;
    uint32_t from = eni__elem4_find(el, (uint32_t)v->lo_lo);
    bool point = v->lo_lo == v->hi_lo;
    return (struct piece_span){from, point ? from : eni__elem4_find(el, (uint32_t)v->hi_lo)};
}

void eni__elem4_free(eni_ctx *ctx, struct cls_elem4 *el)
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

int eni__elem4_index(eni_ctx *ctx, struct cls_elem4 *el, uint32_t crowd_over)
{
    /* Buckets over the narrowest aligned window holding every cut (32-bit
     * values fit a window of 64 buckets by shift 26). */
    const uint32_t *cut = el->cut;
    uint32_t u = el->n_cut, nb = eni__bucket_count(u);
    el->n_bucket = nb;
    uint64_t base;
    el->shift = eni__bucket_window(u ? cut[0] : 0, u ? cut[u - 1] : 0, nb, &base);
    el->base = (uint32_t)base;
    el->bucket = eni__calloc(ctx, (size_t)nb + 1, sizeof *el->bucket);
    if (!el->bucket)
        return -1;
    for (uint32_t j = 0, k = 0; j <= nb; j++) {
        uint64_t start = (uint64_t)el->base + ((uint64_t)j << el->shift);
        while (k < u && cut[k] < start)
            k++;
        el->bucket[j] = k;
    }
    return eni__crowd_build(ctx, &el->crowd, el->cut, NULL, el->bucket, el->n_bucket, crowd_over);
}

struct cls_elem4 *eni__elem4_pieces(eni_ctx *ctx, const struct key_sweep *ks, const uint8_t *take,
                                    int *nomem)
{
    *nomem = 0;
    uint64_t max_cuts = eni__rows_max_cuts(ks, take);
    if (max_cuts == 0 || max_cuts > UINT32_MAX - CUT_PAD)
        return NULL; /* no address at all (or more cuts than an index counts) */
    struct cls_elem4 *el = eni__calloc(ctx, 1, sizeof *el);
    uint32_t *cut = eni__calloc(ctx, max_cuts + CUT_PAD, sizeof *cut);
    if (!el || !cut) {
        eni__free(ctx, el);
        eni__free(ctx, cut);
        *nomem = 1;
        return NULL;
    }
    el->cut = cut;
    uint32_t n = 0;
    for (uint32_t i = 0; i < ks->n_part; i++) {
        const struct cls_entry *e = &ks->part[i];
        for (uint32_t k = 0; take[i] && k < e->n_iv; k++) {
            uint32_t lo = (uint32_t)ks->iv[e->first_iv + k].lo_lo;
            uint32_t hi = (uint32_t)ks->iv[e->first_iv + k].hi_lo;
            if (lo != 0)
                cut[n++] = lo;
            if (hi != UINT32_MAX)
                cut[n++] = hi + 1;
        }
    }
    eni__sort_u32(ctx, cut, n);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++)
        if (u == 0 || cut[u - 1] != cut[i])
            cut[u++] = cut[i];
    el->n_cut = u;
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[u + i] = UINT32_MAX;
    el->row_words = (u + 1 + 63) / 64;
    if (eni__elem4_index(ctx, el, CUT_PAD) < 0) {
        eni__elem4_free(ctx, el);
        *nomem = 1;
        return NULL;
    }
    return el;
}

/* el's rows (el has its cuts and lookup): NULL when they would pass the
 * limit (el freed), or on allocation failure (*nomem set, el freed). */
static struct cls_elem4 *with_rows(eni_ctx *ctx, struct cls_elem4 *el, int proto,
                                   const struct cls_keys *P, const struct key_sweep *ks,
                                   const struct cls_iv *full, int *nomem)
{
    int r = eni__rows_make(ctx, proto, P, ks, full, span_of, el, el->row_words, &el->rows);
    if (r == 0)
        return el;
    eni__elem4_free(ctx, el);
    *nomem = r < 0;
    return NULL;
}

struct cls_elem4 *eni__elem4_build(eni_ctx *ctx, int proto, const struct cls_keys *P,
                                   const struct key_sweep *ks, const struct cls_iv *full,
                                   int *nomem)
{
    uint8_t *take = eni__rows_take(ctx, ks, proto, P, nomem);
    if (!take)
        return NULL;
    struct cls_elem4 *el = eni__elem4_pieces(ctx, ks, take, nomem);
    eni__free(ctx, take);
    return el ? with_rows(ctx, el, proto, P, ks, full, nomem) : NULL;
}

struct cls_elem4 *eni__elem4_build_shared(eni_ctx *ctx, int proto, const struct cls_keys *P,
                                          const struct key_sweep *ks, const struct cls_iv *full,
                                          const struct cls_elem4 *pieces, int *nomem)
{
    *nomem = 0;
    struct cls_elem4 *el = eni__calloc(ctx, 1, sizeof *el);
    if (!el) {
        *nomem = 1;
        return NULL;
    }
    *el = *pieces;
    el->shared = 1;
    el->rows = NULL;
    return with_rows(ctx, el, proto, P, ks, full, nomem);
}
