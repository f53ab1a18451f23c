/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The conntrack allowance belongs to the instance (ec2-semantics.md 5.5,
 * decisions.md D38): all of an instance's interfaces draw on one budget.
 * The packet path must not share a counter between them, so the budget is
 * cut into per-interface shares here, on the control path: an interface may
 * track what it tracks now plus an even part of what the instance has left,
 * never more than its own allowance (the size its tables were made for).
 * Shares are re-divided at every model change (attach, detach, a move to
 * another instance), when an allowance changes, and when an interface of
 * the instance is swept. Between two re-divisions a busy interface can be
 * refused a flow while a quiet one still has room; the sum of the shares
 * never passes the budget. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "model/model.h"

uint32_t eni__instance_budget(const struct eni_instance *inst)
{
    return inst->conntrack_allowance ? inst->conntrack_allowance : ENI_EVAL_DEFAULT_ALLOWANCE;
}

int eni__flows_resize(eni_ctx *ctx, struct eni_nic_dp *dp, uint32_t allowance)
{
    struct eni_flows *old = atomic_load(&dp->flows);
    if (old->allowance == allowance)
        return ENI_OK;
    struct eni_flows *fresh = eni__flows_new(ctx, allowance, old->v6);
    if (!fresh)
        return ENI_ENOMEM;
    eni__flows_copy(fresh, old, 0);
    struct eni_flows *was = atomic_exchange(&dp->flows, fresh);
    eni__eval_retire(ctx, was, eni__flows_free);
    return ENI_OK;
}

struct member {
    uint64_t instance;
    struct eni_nic_dp *dp;
    const struct eni_nic *nic;
};

static int cmp_member(const void *x, const void *y)
{
    const struct member *a = x, *b = y;
    if (a->instance != b->instance)
        return a->instance < b->instance ? -1 : 1;
    return (a->dp->nic > b->dp->nic) - (a->dp->nic < b->dp->nic);
}

static uint64_t tracked_of(const struct eni_nic_dp *dp)
{
    return eni__flows_tracked(atomic_load(&dp->flows));
}

/* Size an interface's tables for what it may ever hold: its own allowance
 * when set, else its instance's whole budget. A failed resize keeps the
 * old tables; the share is then clamped to them. */
static void size_for(eni_ctx *ctx, struct eni_nic_dp *dp, const struct eni_nic *nic,
                     uint32_t budget)
{
    uint32_t own = nic->conntrack_allowance; /* eni_nic_set_conntrack_allowance, 0: none */
    if (eni__flows_resize(ctx, dp, own ? own : budget) != ENI_OK)
        eni__log(ctx, ENI_LOG_ERROR, "evaluator: out of memory resizing a flow table");
}

static void set_share(struct eni_nic_dp *dp, uint64_t share)
{
    struct eni_flows *fl = atomic_load(&dp->flows);
    atomic_store_explicit(&fl->share, share < fl->allowance ? (uint32_t)share : fl->allowance,
                          memory_order_relaxed);
}

/* One instance's interfaces m[0..n): divide what is left of the budget. */
static void divide(eni_ctx *ctx, const struct member *m, uint32_t n, uint32_t budget)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_for(ctx, m[i].dp, m[i].nic, budget);
        sum += tracked_of(m[i].dp);
    }
    uint64_t left = budget > sum ? budget - sum : 0;
    for (uint32_t i = 0; i < n; i++)
        set_share(m[i].dp, tracked_of(m[i].dp) + left / n + (i < left % n));
}

void eni__conntrack_rebalance(eni_ctx *ctx, uint64_t only_instance)
{
    struct eni_eval *ev = ctx->eval;
    if (!ev)
        return;
    uint32_t cap = 0, n = 0;
    for (struct eni_nic_dp *dp = ev->dps; dp; dp = dp->next)
        cap++;
    struct member *m = cap ? eni__calloc(ctx, cap, sizeof *m) : NULL;
    if (cap && !m) {
        /* the shares stay as they were: still within the budget */
        eni__log(ctx, ENI_LOG_ERROR, "evaluator: out of memory dividing conntrack budgets");
        return;
    }
    for (struct eni_nic_dp *dp = ev->dps; dp; dp = dp->next) {
        struct eni_nic *nic;
        struct eni_instance *inst;
        if (eni__registry_peek(ctx, ENI_KIND_NIC, dp->nic, (void **)&nic) != ENI_OK)
            continue; /* gone: unpublished at the next republish */
        if (only_instance && nic->instance != only_instance)
            continue;
        if (!nic->instance ||
            eni__registry_peek(ctx, ENI_KIND_INSTANCE, nic->instance, (void **)&inst) != ENI_OK) {
            /* on no instance: it sees no traffic; its own allowance stands */
            size_for(ctx, dp, nic, ENI_EVAL_DEFAULT_ALLOWANCE);
            set_share(dp, UINT32_MAX);
            continue;
        }
        m[n++] = (struct member){nic->instance, dp, nic};
    }
    if (n > 1)
        qsort(m, n, sizeof *m, cmp_member);
    for (uint32_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && m[j].instance == m[i].instance; j++)
            ;
        struct eni_instance *inst;
        (void)eni__registry_peek(ctx, ENI_KIND_INSTANCE, m[i].instance, (void **)&inst);
        divide(ctx, m + i, j - i, eni__instance_budget(inst));
    }
    eni__free(ctx, m);
    eni__eval_reclaim(ctx);
}

int eni__instance_conntrack(eni_ctx *ctx, uint64_t instance, uint64_t *tracked,
                            uint64_t *available, uint64_t *exceeded)
{
    struct eni_instance *inst;
    int rc = eni__get_instance(ctx, instance, &inst);
    if (rc != ENI_OK)
        return rc;
    uint64_t sum = 0, over = 0;
    for (struct eni_nic_dp *dp = ctx->eval ? ctx->eval->dps : NULL; dp; dp = dp->next) {
        struct eni_nic *nic;
        if (eni__registry_peek(ctx, ENI_KIND_NIC, dp->nic, (void **)&nic) != ENI_OK ||
            nic->instance != instance)
            continue;
        sum += tracked_of(dp);
        over += atomic_load_explicit(&dp->allowance_exceeded, memory_order_relaxed);
    }
    uint32_t budget = eni__instance_budget(inst);
    if (tracked)
        *tracked = sum;
    if (available)
        *available = budget > sum ? budget - sum : 0;
    if (exceeded)
        *exceeded = over;
    return ENI_OK;
}

int eni_instance_set_conntrack_allowance(eni_ctx *ctx, eni_instance_id id, uint32_t max_flows)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_set_conntrack_allowance: ctx is NULL");
    if (max_flows < 1 || max_flows > ENI_CONNTRACK_ALLOWANCE_MAX)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "the conntrack allowance must be 1..%u", ENI_CONNTRACK_ALLOWANCE_MAX);
    eni__lock(ctx);
    struct eni_instance *inst;
    int rc = eni__get_instance(ctx, id.v, &inst);
    if (rc == ENI_OK) {
        /* Tables that follow the budget are resized by the rebalance; one
         * that cannot be keeps its size and its share is clamped to it. */
        inst->conntrack_allowance = max_flows;
        rc = eni__model_changed(ctx);
    }
    if (rc == ENI_OK) {
        eni__conntrack_rebalance(ctx, id.v);
        eni__log(ctx, ENI_LOG_INFO, "instance conntrack allowance set to %u", max_flows);
    }
    eni__unlock(ctx);
    return rc;
}

int eni_instance_get_conntrack(eni_ctx *ctx, eni_instance_id id, eni_conntrack_stats *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_instance_get_conntrack: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    eni_conntrack_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    int rc = eni__instance_conntrack(ctx, id.v, &st.tracked, &st.conntrack_allowance_available,
                                     &st.conntrack_allowance_exceeded);
    if (rc == ENI_OK) {
        struct eni_instance *inst;
        (void)eni__get_instance(ctx, id.v, &inst);
        st.allowance = eni__instance_budget(inst);
        rc = eni__info_out(out, &st, sizeof st, "eni_instance_get_conntrack");
    }
    eni__unlock(ctx);
    return rc;
}
