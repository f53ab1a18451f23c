/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Publishing what the packet path reads. The interface directory maps an
 * interface's id slot to its dp state without locks (chunks allocated once
 * and never moved); lookups never create, eni__eval_dp_get does (control
 * path). After every model change (under the ctx lock) each interface the
 * evaluator knows gets a fresh immutable snapshot: its addresses, flags,
 * timeouts and compiled rules, shared between interfaces with the same
 * groups. The new snapshot replaces the old with one pointer swap and the
 * old one is retired (qsbr.c); a gone interface is unpublished and retired
 * whole. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "model/model.h"

void eni__snap_free(eni_ctx *ctx, void *p)
{
    struct eni_snap *s = p;
    if (!s)
        return;
    eni__ruleset_free(ctx, s->rules);
    eni__free(ctx, s->v4);
    eni__free(ctx, s->v6);
    eni__free(ctx, s->acl);
    eni__free(ctx, s->p4);
    eni__free(ctx, s->p6);
    eni__free(ctx, s);
}

void eni__dp_free(eni_ctx *ctx, void *p)
{
    struct eni_nic_dp *dp = p;
    eni__snap_free(ctx, atomic_load(&dp->snap));
    eni__flows_free(ctx, atomic_load(&dp->flows));
    eni__free(ctx, dp);
}

static _Atomic(struct eni_nic_dp *) *dir_cell(const eni_ctx *ctx, uint64_t nic, bool create,
                                              eni_ctx *mctx)
{
    struct eni_eval *ev = ctx->eval;
    uint32_t slot = eni__id_slot(nic);
    uint32_t top = slot >> DIR_CHUNK_BITS;
    if (top >= DIR_TOP)
        return NULL;
    _Atomic(struct eni_nic_dp *) *chunk = atomic_load_explicit(&ev->dir[top], memory_order_acquire);
    if (!chunk && create) {
        chunk = eni__calloc(mctx, DIR_CHUNK, sizeof *chunk);
        if (!chunk)
            return NULL;
        atomic_store_explicit(&ev->dir[top], chunk, memory_order_release);
    }
    return chunk ? &chunk[slot & (DIR_CHUNK - 1)] : NULL;
}

struct eni_nic_dp *eni__eval_dp_lookup(const eni_ctx *ctx, uint64_t nic)
{
    _Atomic(struct eni_nic_dp *) *cell = dir_cell(ctx, nic, false, NULL);
    struct eni_nic_dp *dp = cell ? atomic_load_explicit(cell, memory_order_acquire) : NULL;
    return dp && dp->nic == nic ? dp : NULL;
}

int eni__eval_dp_get(eni_ctx *ctx, uint64_t nic, struct eni_nic_dp **out)
{
    struct eni_nic_dp *dp = eni__eval_dp_lookup(ctx, nic);
    if (dp) {
        *out = dp;
        return ENI_OK;
    }
    _Atomic(struct eni_nic_dp *) *cell = dir_cell(ctx, nic, true, ctx);
    if (!cell)
        return eni__fail(ENI_ENOMEM, NULL, "evaluator: cannot index this interface");
    dp = eni__calloc(ctx, 1, sizeof *dp);
    struct eni_flows *fl = dp ? eni__flows_new(ctx, ENI_EVAL_DEFAULT_ALLOWANCE, false) : NULL;
    if (!fl) {
        eni__free(ctx, dp);
        return eni__fail(ENI_ENOMEM, NULL, "evaluator: out of memory for a flow table");
    }
    dp->nic = nic;
    atomic_init(&dp->flows, fl);
    dp->next = ctx->eval->dps;
    ctx->eval->dps = dp;
    /* A previous interface in this slot was unpublished when it went. */
    atomic_store_explicit(cell, dp, memory_order_release);
    *out = dp;
    return ENI_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* A snapshot of one interface as the model says now. NULL on ENOMEM. */
struct eni_snap *eni__eval_snapshot(eni_ctx *ctx, const struct eni_nic *nic,
                                    struct eni_ruleset *shared)
{
    struct eni_snap *s = eni__calloc(ctx, 1, sizeof *s);
    if (!s)
        return NULL;
    s->nic = nic->id;
    s->attached = nic->status == ENI_NIC_IN_USE;
    s->sdc = nic->source_dest_check;
    eni_conntrack_timeouts ct;
    eni__nic_effective_ct(ctx, nic, &ct);
    s->tcp_established_s = ct.tcp_established;
    s->udp_stream_s = ct.udp_stream;
    s->udp_s = ct.udp;
    s->v4 = eni__calloc(ctx, nic->v4_count + 1, sizeof *s->v4);
    s->v6 = eni__calloc(ctx, nic->v6_count + 1, sizeof *s->v6);
    s->p4 = eni__calloc(ctx, nic->p4_count + 1, sizeof *s->p4);
    s->p6 = eni__calloc(ctx, nic->p6_count + 1, sizeof *s->p6);
    int acl_rc = eni__acl_snap_build(ctx, nic, &s->acl);
    if (shared)
        shared->refs++;
    s->rules = shared ? shared : eni__ruleset_build(ctx, nic->groups, nic->group_count);
    if (!s->v4 || !s->v6 || !s->rules || !s->p4 || !s->p6 || acl_rc != ENI_OK) {
        eni__snap_free(ctx, s);
        return NULL;
    }
    if (nic->v4_count) /* an efa-only interface has no address array at all */
        memcpy(s->v4, nic->v4, nic->v4_count * sizeof *s->v4);
    s->n_v4 = nic->v4_count;
    qsort(s->v4, s->n_v4, sizeof *s->v4, cmp_u32);
    for (uint32_t i = 0; i < nic->v6_count; i++) {
        eni_addr a = eni__addr_from_v6(nic->v6[i].hi, nic->v6[i].lo);
        s->v6[i] = eni__iv_point(a.b, 6);
    }
    s->n_v6 = nic->v6_count;
    /* Delegated prefixes: every address in them is the interface's own. */
    if (nic->p4_count)
        memcpy(s->p4, nic->p4, nic->p4_count * sizeof *s->p4);
    s->n_p4 = nic->p4_count;
    for (uint32_t i = 0; i < nic->p6_count; i++) {
        eni_addr lo = eni__addr_from_v6(nic->p6[i].hi, nic->p6[i].lo);
        eni_addr hi = eni__addr_from_v6(nic->p6[i].hi, nic->p6[i].lo | 0xffffffffffffULL);
        s->p6[i] = eni__iv_point(lo.b, 6);
        struct cls_iv last = eni__iv_point(hi.b, 6);
        s->p6[i].hi_hi = last.hi_hi;
        s->p6[i].hi_lo = last.hi_lo;
    }
    s->n_p6 = nic->p6_count;
    struct eni_vpc *vpc;
    if (eni__registry_peek(ctx, ENI_KIND_VPC, nic->vpc, (void **)&vpc) == ENI_OK)
        s->vpc_dns_v4 = eni__addr_v4(&vpc->cidr.addr) + 2;
    return s;
}

struct compiled {
    const uint64_t *groups;
    uint32_t n;
    struct eni_ruleset *rules;
};

/* The ruleset compiled in this pass for the interface's groups, or NULL.
 * Order matters: it decides which rule explain names first. */
static struct eni_ruleset *compiled_for(const struct compiled *done, uint32_t n,
                                        const struct eni_nic *nic)
{
    for (uint32_t i = 0; i < n; i++)
        if (done[i].n == nic->group_count &&
            (nic->group_count == 0 ||
             !memcmp(done[i].groups, nic->groups, nic->group_count * sizeof *nic->groups)))
            return done[i].rules;
    return NULL;
}

void eni__eval_republish(eni_ctx *ctx)
{
    struct eni_eval *ev = ctx->eval;
    struct eni_model *m = ctx->model;
    if (!ev || !m || ev->seen_version == m->version)
        return;
    bool complete = true;
    /* Every attached (or attaching) interface is known to the evaluator. */
    ENI__FOR_EACH(ctx, ENI_KIND_ATTACHMENT, struct eni_attachment, a)
    {
        struct eni_nic_dp *dp;
        if (eni__eval_dp_get(ctx, a->nic, &dp) != ENI_OK)
            complete = false;
    }
    /* The group sets compiled in this pass: interfaces with the same
     * groups share one ruleset. Without memory for the list, each
     * interface is compiled on its own. */
    uint32_t cap_done = 0, n_done = 0;
    for (struct eni_nic_dp *dp = ev->dps; dp; dp = dp->next)
        cap_done++;
    struct compiled *done = cap_done ? eni__calloc(ctx, cap_done, sizeof *done) : NULL;
    for (struct eni_nic_dp **pp = &ev->dps; *pp;) {
        struct eni_nic_dp *dp = *pp;
        struct eni_nic *nic;
        if (eni__registry_peek(ctx, ENI_KIND_NIC, dp->nic, (void **)&nic) != ENI_OK) {
            /* The interface is gone: unpublish, then free once quiescent. */
            /* Clear the directory cell only if it is still ours: a new
             * interface reusing the slot may already have its own there. */
            _Atomic(struct eni_nic_dp *) *cell = dir_cell(ctx, dp->nic, false, NULL);
            struct eni_nic_dp *expected = dp;
            if (cell)
                atomic_compare_exchange_strong(cell, &expected, NULL);
            *pp = dp->next;
            eni__eval_retire(ctx, dp, eni__dp_free);
            continue;
        }
        /* IPv6 traffic can reach the flow table once the interface has an
         * IPv6 address or stops checking source/destination: the full
         * table goes in before the snapshot that lets that traffic in. */
        bool sees_v6 = nic->v6_count > 0 || !nic->source_dest_check;
        struct eni_snap *s = NULL;
        if (!sees_v6 || eni__flows_enable_v6(ctx, atomic_load(&dp->flows)) == ENI_OK) {
            struct eni_ruleset *same = compiled_for(done, n_done, nic);
            s = eni__eval_snapshot(ctx, nic, same);
            if (s && !same && done && n_done < cap_done)
                done[n_done++] = (struct compiled){nic->groups, nic->group_count, s->rules};
        }
        if (!s) {
            complete = false; /* keep the old snapshot; retried at the next change */
            eni__log(ctx, ENI_LOG_ERROR, "evaluator: out of memory publishing an interface");
        } else {
            struct eni_snap *old = atomic_exchange(&dp->snap, s);
            eni__eval_retire(ctx, old, eni__snap_free);
        }
        pp = &dp->next;
    }
    eni__free(ctx, done);
    if (complete)
        ev->seen_version = m->version;
    /* attachments, detachments and moves change who shares which budget */
    eni__conntrack_rebalance(ctx, 0);
    eni__eval_reclaim(ctx);
}
