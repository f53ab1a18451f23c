/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* An interface's tracked flows as plain records, out and back in: what a
 * graceful restart hands to the next process (lib/store). A record holds
 * the flow's key words, ports, protocol, state bits, packet count and
 * expiry, so the next process's table (sized by its own allowance, hashed
 * its own way) takes them whatever its layout. */
#include <string.h>

#include "eval_internal.h"

struct export_ctx {
    eni_flow_rec_fn fn;
    void *ud;
    uint64_t now;
    bool stopped;
};

static bool export_one(const struct flow_table *ft, struct flow_slot *s, void *ud)
{
    struct export_ctx *x = ud;
    if (x->stopped)
        return false;
    struct eni_flow_rec r;
    memset(&r, 0, sizeof r);
    r.expires = atomic_load_explicit(&s->expires, memory_order_relaxed);
    if (r.expires <= x->now)
        return false; /* idle past its timeout: nothing to hand over */
    r.words = (uint8_t)ft->words;
    for (uint32_t w = 0; w < ft->words; w++)
        r.key[w] = atomic_load_explicit(&s->key[w], memory_order_relaxed);
    r.ports = atomic_load_explicit(&s->ports, memory_order_relaxed);
    r.meta = atomic_load_explicit(&s->meta, memory_order_relaxed);
    r.pkts = atomic_load_explicit(&s->pkts, memory_order_relaxed);
    r.proto = (uint8_t)(r.meta >> 8);
    if (!x->fn(&r, x->ud))
        x->stopped = true;
    return false; /* never clear it */
}

bool eni__flows_export(struct eni_nic_dp *dp, uint64_t now, eni_flow_rec_fn fn, void *ud)
{
    struct export_ctx x = {fn, ud, now, false};
    (void)eni__flows_walk(atomic_load(&dp->flows), export_one, &x);
    return !x.stopped;
}

int eni__flows_import(eni_ctx *ctx, struct eni_nic_dp *dp, const struct eni_flow_rec *r,
                      uint64_t now)
{
    if ((r->words != 1 && r->words != 4) || !(r->meta & FLOW_VALID) ||
        (uint8_t)(r->meta >> 8) != r->proto)
        return ENI_ECORRUPT;
    if (r->expires <= now)
        return ENI_OK; /* it idled out while no process held it */
    struct eni_flows *fl = atomic_load(&dp->flows);
    if (eni__flows_tracked(fl) >= fl->allowance)
        return ENI_ELIMIT;
    if (r->words == 4 && !fl->v6 && eni__flows_enable_v6(ctx, fl) != ENI_OK)
        return ENI_ENOMEM;
    struct fkey k;
    memset(&k, 0, sizeof k);
    k.words = r->words;
    memcpy(k.w, r->key, r->words * sizeof k.w[0]);
    k.ports = r->ports;
    k.proto = r->proto;
    k.hash = key_hash(&k);
    struct flow_table *ft = r->words == 1 ? fl->ft4 : atomic_load(&fl->ft6);
    if (!ft_insert(fl, ft, &k, r->meta, r->expires, now, false, NULL))
        return ENI_ELIMIT;
    /* ft_insert counts the creating packet; the record knows better. */
    struct flow_slot *s = ft_find_h(ft, &k, k.hash, now);
    if (s)
        atomic_store_explicit(&s->pkts, r->pkts, memory_order_relaxed);
    return ENI_OK;
}
