/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Quiescent-state based reclamation of what workers may still read. A
 * worker publishes the global epoch when it enters a burst and 0 when it
 * leaves (api.c); the control path, under the ctx lock, swaps a pointer,
 * then retires the old object with the epoch it bumped, and frees it once
 * no worker is inside a burst that began at or before that epoch. Without
 * memory to defer a free, it waits for the workers instead. */
#include "eval_internal.h"

/* Is a worker inside a burst entered at or before `epoch`? */
static bool workers_busy(const struct eni_eval *ev, uint64_t epoch)
{
    for (const struct eni_eval_worker *w = ev->workers; w; w = w->next) {
        uint64_t e = atomic_load(&w->epoch);
        if (e != 0 && e <= epoch)
            return true;
    }
    return false;
}

void eni__eval_retire(eni_ctx *ctx, void *p, void (*free_fn)(eni_ctx *, void *))
{
    struct eni_eval *ev = ctx->eval;
    if (!p)
        return;
    struct eni_retired *r = eni__malloc(ctx, sizeof *r);
    uint64_t epoch = atomic_fetch_add(&ev->epoch, 1); /* after the pointer swap (seq_cst) */
    if (!r) {
        /* No memory to defer: wait for the workers instead (rare, bounded). */
        while (workers_busy(ev, epoch))
            ;
        free_fn(ctx, p);
        return;
    }
    r->epoch = epoch;
    r->free_fn = free_fn;
    r->p = p;
    r->next = ev->retired;
    ev->retired = r;
}

void eni__eval_reclaim(eni_ctx *ctx)
{
    struct eni_eval *ev = ctx->eval;
    struct eni_retired **pp = &ev->retired;
    while (*pp) {
        struct eni_retired *r = *pp;
        if (workers_busy(ev, r->epoch)) {
            pp = &r->next;
            continue;
        }
        *pp = r->next;
        r->free_fn(ctx, r->p);
        eni__free(ctx, r);
    }
}
