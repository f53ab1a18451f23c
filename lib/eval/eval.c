/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The evaluator's lifecycle: the ctx layer that creates its state (the
 * interface directory, the dp states, the workers, the retired list and the
 * global epoch, which starts at 1), hooks republishing to every model change,
 * and frees all of it with the ctx. Publishing is publish.c's job,
 * reclamation qsbr.c's. */
#include "eval_internal.h"

static void on_model_change(eni_ctx *ctx)
{
    eni__eval_republish(ctx);
}

int eni__eval_init(eni_ctx *ctx)
{
    struct eni_eval *ev = eni__calloc(ctx, 1, sizeof *ev);
    if (!ev)
        return ENI_ENOMEM;
    atomic_init(&ev->epoch, 1);
    ctx->eval = ev;
    ctx->on_model_change = on_model_change;
    return ENI_OK;
}

void eni__eval_fini(eni_ctx *ctx)
{
    struct eni_eval *ev = ctx->eval;
    if (!ev)
        return;
    for (struct eni_retired *r = ev->retired, *next; r; r = next) {
        next = r->next;
        r->free_fn(ctx, r->p);
        eni__free(ctx, r);
    }
    for (struct eni_nic_dp *dp = ev->dps, *next; dp; dp = next) {
        next = dp->next;
        eni__dp_free(ctx, dp);
    }
    for (uint32_t i = 0; i < DIR_TOP; i++)
        eni__free(ctx, (void *)atomic_load(&ev->dir[i]));
    /* Workers not freed by the caller are freed here. */
    for (struct eni_eval_worker *w = ev->workers, *next; w; w = next) {
        next = w->next;
        eni__free(ctx, w);
    }
    eni__free(ctx, ev);
    ctx->eval = NULL;
}
