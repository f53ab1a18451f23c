/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The flow table of a replay (flows.h). */
#include "flows.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static uint32_t why_index(flows *f, const char *why)
{
    if (!why)
        return 0;
    for (size_t i = 0; i < f->nwhy; i++)
        if (!strcmp(f->why[i], why))
            return (uint32_t)i + 1;
    XGROW(f->why, f->capwhy, f->nwhy);
    f->why[f->nwhy++] = xstrdup(why);
    return (uint32_t)f->nwhy;
}

static void make_key(flow *k, uint8_t dir, const eni_pkt *p, uint32_t why)
{
    memset(k, 0, sizeof *k);
    k->why = why;
    if (why)
        return;
    bool in = dir == ENI_DIR_INBOUND;
    k->family = p->family;
    k->proto = p->proto;
    k->lport = in ? p->dport : p->sport;
    k->rport = in ? p->sport : p->dport;
    memcpy(k->local, in ? p->dst : p->src, 16);
    memcpy(k->remote, in ? p->src : p->dst, 16);
}

static bool same_key(const flow *a, const flow *b)
{
    return a->family == b->family && a->proto == b->proto && a->lport == b->lport &&
           a->rport == b->rport && a->why == b->why && !memcmp(a->local, b->local, 16) &&
           !memcmp(a->remote, b->remote, 16);
}

static size_t hash_key(const flow *k)
{
    uint64_t h = 1469598103934665603u;
    const uint8_t *parts[] = {k->local, k->remote};
    for (int p = 0; p < 2; p++)
        for (int i = 0; i < 16; i++)
            h = (h ^ parts[p][i]) * 1099511628211u;
    h = (h ^ ((uint64_t)k->family << 40 | (uint64_t)k->proto << 32 | (uint64_t)k->lport << 16 |
              k->rport)) * 1099511628211u;
    return (size_t)(h ^ (h >> 29) ^ k->why);
}

static void rehash(flows *f)
{
    free(f->slot);
    f->nslot = f->nslot ? f->nslot * 2 : 1024;
    f->slot = xcalloc(f->nslot, sizeof *f->slot);
    for (size_t i = 0; i < f->n; i++) {
        size_t s = hash_key(&f->v[i]) & (f->nslot - 1);
        while (f->slot[s])
            s = (s + 1) & (f->nslot - 1);
        f->slot[s] = i + 1;
    }
}

static flow *find_or_add(flows *f, const flow *key, bool *fresh)
{
    if ((f->n + 1) * 2 > f->nslot)
        rehash(f);
    size_t s = hash_key(key) & (f->nslot - 1);
    for (; f->slot[s]; s = (s + 1) & (f->nslot - 1)) {
        if (same_key(&f->v[f->slot[s] - 1], key)) {
            *fresh = false;
            return &f->v[f->slot[s] - 1];
        }
    }
    XGROW(f->v, f->cap, f->n);
    f->v[f->n] = *key;
    f->slot[s] = ++f->n;
    *fresh = true;
    return &f->v[f->n - 1];
}

void flows_add(flows *f, uint64_t number, uint64_t ts_ns, uint8_t dir, const eni_pkt *pkt,
               const eni_verdict *v, const char *why)
{
    flow key;
    bool fresh;
    make_key(&key, dir, pkt, why_index(f, why));
    flow *fl = find_or_add(f, &key, &fresh);
    if (fresh) {
        fl->initiator = dir;
        fl->first_pkt = *pkt;
        fl->first = number;
        fl->first_ns = ts_ns;
    }
    fl->last_ns = ts_ns;
    fl->packets++;
    if (v->action == ENI_ALLOW)
        fl->allowed++;
    else
        fl->dropped++;
    for (size_t i = 0; i < fl->nout; i++) {
        outcome *o = &fl->out[i];
        if (o->dir == dir && o->action == v->action && o->reason == v->reason &&
            o->group.v == v->group.v && o->rule.v == v->rule.v) {
            o->packets++;
            return;
        }
    }
    XGROW(fl->out, fl->capout, fl->nout);
    fl->out[fl->nout++] = (outcome){dir, v->action, v->reason, v->group, v->rule, 1, number};
}

const char *flows_why(const flows *f, const flow *fl)
{
    return fl->why ? f->why[fl->why - 1] : NULL;
}

void flows_free(flows *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].out);
    for (size_t i = 0; i < f->nwhy; i++)
        free(f->why[i]);
    free(f->v);
    free(f->slot);
    free(f->why);
    memset(f, 0, sizeof *f);
}
