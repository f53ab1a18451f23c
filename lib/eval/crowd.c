/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building the nodes of an index's crowded buckets (crowd.h). On the
 * control path, while a snapshot is compiled. */
#include <stdbool.h>

#include "crowd.h"
#include "eval_internal.h"

struct build {
    eni_ctx *ctx;
    struct cls_crowd *c;
    uint32_t node_cap, rank_cap;
    const uint32_t *cut32;
    const struct cls_cut6 *cut6;
};

static uint64_t hi_of(const struct build *b, uint32_t i)
{
    return b->cut32 ? b->cut32[i] : b->cut6[i].hi;
}

static uint64_t lo_of(const struct build *b, uint32_t i)
{
    return b->cut32 ? 0 : b->cut6[i].lo;
}

/* Room for one more node and `ranks` more ranks and children. */
static bool reserve(struct build *b, uint32_t ranks)
{
    struct cls_crowd *c = b->c;
    if (c->n_node == b->node_cap) {
        uint32_t cap = b->node_cap ? 2 * b->node_cap : 16;
        void *p = eni__realloc_array(b->ctx, c->node, cap, sizeof *c->node);
        if (!p)
            return false;
        c->node = p;
        b->node_cap = cap;
    }
    if ((uint64_t)c->n_rank + ranks > b->rank_cap) {
        uint64_t cap = b->rank_cap ? b->rank_cap : 1024;
        while (cap < (uint64_t)c->n_rank + ranks)
            cap *= 2;
        if (cap > UINT32_MAX)
            return false;
        void *r = eni__realloc_array(b->ctx, c->rank, cap, sizeof *c->rank);
        if (!r)
            return false;
        c->rank = r;
        void *ch = eni__realloc_array(b->ctx, c->child, cap, sizeof *c->child);
        if (!ch)
            return false;
        c->child = ch;
        b->rank_cap = (uint32_t)cap;
    }
    return true;
}

/* The node of the cuts [k, k + n) at `depth` levels below the index's
 * buckets: its number + 1, 0 when they need none (few enough) or get none
 * (the depth reached), -1 when out of memory. */
static int64_t node_for(struct build *b, uint32_t k, uint32_t n, int depth)
{
    if (n <= CUT_PAD || depth >= CROWD_DEPTH)
        return 0;
    /* Distinct cuts sharing one high word differ in their low words: the
     * node divides those (the /128s of one /64). */
    bool low = b->cut6 && hi_of(b, k) == hi_of(b, k + n - 1);
    uint64_t first = low ? lo_of(b, k) : hi_of(b, k);
    uint64_t last = low ? lo_of(b, k + n - 1) : hi_of(b, k + n - 1);
    uint32_t nb = eni__bucket_count(n);
    if (!reserve(b, nb + 1))
        return -1;
    struct cls_crowd *c = b->c;
    uint32_t id = c->n_node++, f = c->n_rank;
    c->n_rank += nb + 1;
    uint64_t base;
    uint32_t shift = eni__bucket_window(first, last, nb, &base);
    c->node[id] = (struct cls_crowd_node){
        .base = base, .hi = low ? hi_of(b, k) : 0, .shift = shift, .n = nb, .first = f,
        .low = low};
    /* Every cut of the node is at or above base: one is below bucket j
     * when its bucket number is (no sum that could pass 2^64). */
    for (uint32_t j = 0, r = k; j <= nb; j++) {
        while (r < k + n && (((low ? lo_of(b, r) : hi_of(b, r)) - base) >> shift) < j)
            r++;
        c->rank[f + j] = r;
        c->child[f + j] = 0;
    }
    for (uint32_t j = 0; j < nb; j++) {
        /* (the recursion may move rank and child: indexes, not pointers) */
        uint32_t rk = c->rank[f + j], rn = c->rank[f + j + 1] - rk;
        int64_t ch = node_for(b, rk, rn, depth + 1);
        if (ch < 0)
            return -1;
        c->child[f + j] = (uint32_t)ch;
    }
    return (int64_t)id + 1;
}

void eni__crowd_free(eni_ctx *ctx, struct cls_crowd *c)
{
    eni__free(ctx, c->top);
    eni__free(ctx, c->node);
    eni__free(ctx, c->rank);
    eni__free(ctx, c->child);
    *c = (struct cls_crowd){0};
}

/* Does some bucket hold more than `over` cuts? */
static bool any_over(const uint32_t *bucket, uint32_t n_bucket, uint32_t over)
{
    for (uint32_t j = 0; j < n_bucket; j++)
        if (bucket[j + 1] - bucket[j] > over)
            return true;
    return false;
}

int eni__crowd_build(eni_ctx *ctx, struct cls_crowd *c, const uint32_t *cut32,
                     const struct cls_cut6 *cut6, const uint32_t *bucket, uint32_t n_bucket,
                     uint32_t over)
{
    *c = (struct cls_crowd){0};
    if (over > CUT_PAD && !any_over(bucket, n_bucket, over))
        return 0;
    struct build b = {.ctx = ctx, .c = c, .cut32 = cut32, .cut6 = cut6};
    for (uint32_t j = 0; j < n_bucket; j++) {
        uint32_t k = bucket[j], n = bucket[j + 1] - k;
        if (n <= CUT_PAD)
            continue;
        if (!c->top && !(c->top = eni__calloc(ctx, n_bucket, sizeof *c->top)))
            goto nomem;
        int64_t id = node_for(&b, k, n, 0);
        if (id < 0)
            goto nomem;
        c->top[j] = (uint32_t)id;
    }
    return 0;
nomem:
    eni__crowd_free(ctx, c);
    return -1;
}

uint64_t eni__crowd_bytes(const struct cls_crowd *c, uint32_t n_bucket)
{
    if (!c->top)
        return 0;
    return (uint64_t)n_bucket * sizeof *c->top + (uint64_t)c->n_node * sizeof *c->node +
           (uint64_t)c->n_rank * (sizeof *c->rank + sizeof *c->child);
}
