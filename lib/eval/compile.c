/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Building a security-group set into the classifier (classify.h), on the
 * control path under the ctx lock; matching packets against it is
 * classify.c's job. Security groups only allow, so rules commute: the answer
 * for a packet is one bit, and rules with the same protocol and port range
 * are merged into one sorted set of address intervals, with a port index
 * (and IPv4 bit rows, elem4.c) for larger tables. Group references become
 * the private addresses of the group's members; prefix lists become their
 * entries. The unmerged rules are kept too, to name the rule that allowed a
 * packet when the caller asks. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "model/model.h"

struct ivvec {
    struct cls_iv *v;
    uint32_t n, cap;
    bool nomem;
};

static void ivpush(eni_ctx *ctx, struct ivvec *vec, struct cls_iv iv)
{
    if (vec->nomem)
        return;
    if (vec->n == vec->cap) {
        uint32_t cap = vec->cap ? vec->cap * 2 : 16;
        struct cls_iv *v = eni__realloc_array(ctx, vec->v, cap, sizeof *v);
        if (!v) {
            vec->nomem = true;
            return;
        }
        vec->v = v;
        vec->cap = cap;
    }
    vec->v[vec->n++] = iv;
}

static int iv_cmp_lo(const struct cls_iv *a, const struct cls_iv *b)
{
    if (a->lo_hi != b->lo_hi)
        return a->lo_hi < b->lo_hi ? -1 : 1;
    if (a->lo_lo != b->lo_lo)
        return a->lo_lo < b->lo_lo ? -1 : 1;
    return 0;
}

static struct cls_iv prefix_iv(const eni_prefix *p)
{
    struct cls_iv iv = eni__iv_point(p->addr.b, p->addr.family);
    if (p->addr.family == 4) {
        uint64_t host = p->len == 0 ? 0xffffffffu : (1ull << (32 - p->len)) - 1;
        iv.lo_lo &= ~host & 0xffffffffu;
        iv.hi_lo = iv.lo_lo | host;
    } else {
        unsigned len = p->len;
        uint64_t mhi = len >= 64 ? ~0ull : len == 0 ? 0 : ~0ull << (64 - len);
        uint64_t mlo = len >= 128 ? ~0ull : len <= 64 ? 0 : ~0ull << (128 - len);
        iv.lo_hi &= mhi;
        iv.lo_lo &= mlo;
        iv.hi_hi = iv.lo_hi | ~mhi;
        iv.hi_lo = iv.lo_lo | ~mlo;
    }
    return iv;
}

static int kind_of(int proto)
{
    if (proto == 6 || proto == 17)
        return CLS_PORTS;
    if (proto == 1 || proto == 58)
        return CLS_ICMP;
    return CLS_ANY;
}

/* Collect the peer intervals of one rule for one family. */
static void peer_intervals(eni_ctx *ctx, const struct eni_sg_rule *r, unsigned family,
                           struct ivvec *out)
{
    if (r->peer_kind == ENI_PEER_CIDR) {
        if (r->cidr.addr.family == family)
            ivpush(ctx, out, prefix_iv(&r->cidr));
    } else if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
        struct eni_prefix_list *pl;
        if (eni__registry_peek(ctx, ENI_KIND_PREFIX_LIST, r->peer, (void **)&pl) == ENI_OK &&
            pl->family == family)
            for (uint32_t i = 0; i < pl->entry_count; i++)
                ivpush(ctx, out, prefix_iv(&pl->entries[i]));
    } else {
        /* A referenced group matches the private addresses of its members (section 4.4). */
        ENI__FOR_EACH(ctx, ENI_KIND_NIC, struct eni_nic, nic)
        {
            bool member = false;
            for (uint32_t g = 0; g < nic->group_count; g++)
                member |= nic->groups[g] == r->peer;
            if (!member)
                continue;
            if (family == 4) {
                for (uint32_t i = 0; i < nic->v4_count; i++) {
                    eni_addr a = eni__addr_from_v4(nic->v4[i]);
                    ivpush(ctx, out, eni__iv_point(a.b, 4));
                }
                /* ... and their delegated prefixes (section 1.8, decisions.md D35) */
                for (uint32_t i = 0; i < nic->p4_count; i++)
                    ivpush(ctx, out, prefix_iv(&(eni_prefix){eni__addr_from_v4(nic->p4[i]), 28}));
            } else {
                for (uint32_t i = 0; i < nic->v6_count; i++) {
                    eni_addr a = eni__addr_from_v6(nic->v6[i].hi, nic->v6[i].lo);
                    ivpush(ctx, out, eni__iv_point(a.b, 6));
                }
                for (uint32_t i = 0; i < nic->p6_count; i++)
                    ivpush(ctx, out, prefix_iv(&(eni_prefix){
                                         eni__addr_from_v6(nic->p6[i].hi, nic->p6[i].lo), 80}));
            }
        }
        /* ... wherever they run: members other hosts reported (sg_remote.c). */
        struct eni_sg *peer;
        if (eni__registry_peek(ctx, ENI_KIND_SG, r->peer, (void **)&peer) != ENI_OK)
            return;
        for (uint32_t s = 0; s < peer->remote_count; s++) {
            const struct eni_remote_set *set = &peer->remote[s];
            uint32_t n = family == 4 ? set->n4 : set->n6;
            for (uint32_t i = 0; i < n; i++) {
                eni_addr a = family == 4 ? eni__addr_from_v4(set->v4[i])
                                         : eni__addr_from_v6(set->v6[i].hi, set->v6[i].lo);
                ivpush(ctx, out, eni__iv_point(a.b, family));
            }
        }
    }
}

static int cmp_iv(const void *x, const void *y)
{
    return iv_cmp_lo(x, y);
}

/* Sort and merge intervals in place; returns the new count. */
static uint32_t merge(struct cls_iv *v, uint32_t n)
{
    if (n < 2)
        return n;
    qsort(v, n, sizeof *v, cmp_iv);
    uint32_t out = 0;
    for (uint32_t i = 1; i < n; i++) {
        struct cls_iv *cur = &v[out];
        /* overlapping or adjacent (hi + 1 >= next lo) */
        uint64_t nh = cur->hi_hi, nl = cur->hi_lo + 1;
        if (nl == 0)
            nh++;
        bool touches = (cur->hi_hi == UINT64_MAX && cur->hi_lo == UINT64_MAX) ||
                       eni__le128(v[i].lo_hi, v[i].lo_lo, nh, nl);
        if (touches) {
            if (!eni__le128(v[i].hi_hi, v[i].hi_lo, cur->hi_hi, cur->hi_lo)) {
                cur->hi_hi = v[i].hi_hi;
                cur->hi_lo = v[i].hi_lo;
            }
        } else {
            v[++out] = v[i];
        }
    }
    return out + 1;
}

/* qsort has no context argument: the rule array being sorted (compile runs
 * under the ctx lock, one compile at a time per ctx; the variable is
 * thread-local so separate contexts on separate threads do not collide). */
static _Thread_local const struct cls_rule *sort_rules;

static int cmp_rule_key(const void *x, const void *y)
{
    const struct cls_rule *a = &sort_rules[*(const uint32_t *)x];
    const struct cls_rule *b = &sort_rules[*(const uint32_t *)y];
    if (a->proto != b->proto)
        return a->proto < b->proto ? -1 : 1;
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    return 0;
}

static bool build_table(eni_ctx *ctx, const uint64_t *groups, uint32_t ngroups, unsigned d,
                        unsigned family, struct cls_table *t)
{
    struct ivvec rule_iv = {0}, tmp = {0};
    struct cls_rule *rules = NULL;
    uint32_t n_rules = 0, cap_rules = 0;
    bool ok = true;
    for (uint32_t g = 0; g < ngroups && ok; g++) {
        struct eni_sg *sg;
        if (eni__registry_peek(ctx, ENI_KIND_SG, groups[g], (void **)&sg) != ENI_OK)
            continue;
        const struct eni_rule_vec *vec = &sg->rules[d];
        for (uint32_t i = 0; i < vec->count && ok; i++) {
            const struct eni_sg_rule *r = vec->v[i];
            tmp.n = 0;
            peer_intervals(ctx, r, family, &tmp);
            if (tmp.nomem) {
                ok = false;
                break;
            }
            if (tmp.n == 0)
                continue;
            if (n_rules == cap_rules) {
                uint32_t cap = cap_rules ? cap_rules * 2 : 16;
                struct cls_rule *nr = eni__realloc_array(ctx, rules, cap, sizeof *nr);
                if (!nr) {
                    ok = false;
                    break;
                }
                rules = nr;
                cap_rules = cap;
            }
            struct cls_rule *cr = &rules[n_rules++];
            cr->proto = r->protocol;
            cr->kind = (uint8_t)kind_of(r->protocol);
            cr->open = r->peer_kind == ENI_PEER_CIDR && r->cidr.len == 0;
            cr->from = r->from_port;
            cr->to = r->to_port;
            cr->first_iv = rule_iv.n;
            cr->group = sg->id;
            cr->rule = r->id;
            for (uint32_t k = 0; k < tmp.n; k++)
                ivpush(ctx, &rule_iv, tmp.v[k]);
            cr->n_iv = merge(rule_iv.v + cr->first_iv, tmp.n);
            rule_iv.n = cr->first_iv + cr->n_iv;
            ok = !rule_iv.nomem;
        }
    }
    eni__free(ctx, tmp.v);

    /* Entries: rules with equal (proto, from, to) share one merged set. */
    struct cls_entry *entries = ok && n_rules ? eni__calloc(ctx, n_rules, sizeof *entries) : NULL;
    uint32_t *owner = ok && n_rules ? eni__calloc(ctx, n_rules, sizeof *owner) : NULL;
    struct cls_iv *iv = ok && rule_iv.n ? eni__calloc(ctx, rule_iv.n, sizeof *iv) : NULL;
    if (n_rules && (!entries || !owner || !iv))
        ok = false;
    uint32_t n_entries = 0, n_iv = 0;
    /* Group rules by (proto, from, to) through a sorted index: O(n log n). */
    uint32_t *byk = ok && n_rules ? eni__calloc(ctx, n_rules, sizeof *byk) : NULL;
    if (n_rules && !byk)
        ok = false;
    for (uint32_t i = 0; ok && i < n_rules; i++)
        byk[i] = i;
    if (ok && n_rules) {
        sort_rules = rules;
        qsort(byk, n_rules, sizeof *byk, cmp_rule_key);
    }
    for (uint32_t j = 0; ok && j < n_rules; j++) {
        const struct cls_rule *r = &rules[byk[j]];
        if (j == 0 || cmp_rule_key(&byk[j - 1], &byk[j]) != 0) {
            struct cls_entry *e = &entries[n_entries++];
            e->proto = r->proto;
            e->kind = r->kind;
            e->from = r->from;
            e->to = r->to;
            e->first_iv = n_iv;
        }
        struct cls_entry *e = &entries[n_entries - 1];
        e->open |= r->open;
        for (uint32_t k = 0; k < r->n_iv; k++)
            iv[n_iv++] = rule_iv.v[r->first_iv + k];
        owner[byk[j]] = n_entries - 1;
        /* close the entry when the next rule starts another one */
        if (j + 1 == n_rules || cmp_rule_key(&byk[j], &byk[j + 1]) != 0) {
            e->n_iv = merge(iv + e->first_iv, n_iv - e->first_iv);
            n_iv = e->first_iv + e->n_iv;
        }
    }
    eni__free(ctx, byk);
    eni__free(ctx, owner);
    if (!ok) {
        eni__free(ctx, entries);
        eni__free(ctx, iv);
        eni__free(ctx, rules);
        eni__free(ctx, rule_iv.v);
        return false;
    }
    t->entries = entries;
    t->n_entries = n_entries;
    t->iv = iv;
    t->n_iv = n_iv;
    t->rules = rules;
    t->n_rules = n_rules;
    t->rule_iv = rule_iv.v;
    t->n_rule_iv = rule_iv.n;
    return true;
}

/* Section 5.2 (b): a rule in the other direction allowing all addresses on
 * all ports of the protocol. */
static uint8_t all_open(const struct cls_table *t, int proto)
{
    for (uint32_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        if (r->open && (r->proto == -1 || (r->proto == proto && r->from == 0 && r->to == 65535)))
            return 1;
    }
    return 0;
}

/* Below this many entries a scan is as fast as the index (and saves its 128 KiB). */
enum { PORT_INDEX_MIN_ENTRIES = 4 };

static bool covers_all(const struct cls_entry *e)
{
    return e->proto == -1 || (e->from == 0 && e->to == 65535);
}

static int cmp_u32v(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

struct ends {
    uint32_t port;
    uint32_t entry; /* entry index; bit 31 set for an end (hi + 1) */
};

static int cmp_ends(const void *a, const void *b)
{
    const struct ends *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    return (x->entry > y->entry) - (x->entry < y->entry);
}

/* Union of two sorted, merged interval lists, appended to out (merged). */
static void union2(eni_ctx *ctx, struct ivvec *out, const struct cls_iv *a, uint32_t na,
                   const struct cls_iv *b, uint32_t nb)
{
    uint32_t i = 0, j = 0, start = out->n;
    while (i < na || j < nb) {
        const struct cls_iv *next;
        if (j == nb || (i < na && iv_cmp_lo(&a[i], &b[j]) <= 0))
            next = &a[i++];
        else
            next = &b[j++];
        struct cls_iv *last = out->n > start ? &out->v[out->n - 1] : NULL;
        if (last) {
            uint64_t nh = last->hi_hi, nl = last->hi_lo + 1;
            if (nl == 0)
                nh++;
            bool touches = (last->hi_hi == UINT64_MAX && last->hi_lo == UINT64_MAX) ||
                           eni__le128(next->lo_hi, next->lo_lo, nh, nl);
            if (touches) {
                if (!eni__le128(next->hi_hi, next->hi_lo, last->hi_hi, last->hi_lo)) {
                    last->hi_hi = next->hi_hi;
                    last->hi_lo = next->hi_lo;
                }
                continue;
            }
        }
        ivpush(ctx, out, *next);
        if (out->nomem)
            return;
    }
}

static bool build_ports(eni_ctx *ctx, const struct cls_table *t, int proto, unsigned family,
                        struct cls_ports **out)
{
    *out = NULL;
    uint32_t n_part = 0;
    for (uint32_t i = 0; i < t->n_entries; i++)
        if (t->entries[i].proto == proto && !covers_all(&t->entries[i]))
            n_part++;
    if (n_part == 0)
        return true; /* nothing port-specific: the scan handles it */
    struct cls_ports *P = eni__calloc(ctx, 1, sizeof *P);
    struct ends *ev = eni__calloc(ctx, 2 * (size_t)n_part, sizeof *ev);
    uint32_t *cuts = eni__calloc(ctx, 2 * (size_t)n_part + 2, sizeof *cuts);
    uint32_t *active = eni__calloc(ctx, n_part + 1, sizeof *active);
    struct ivvec out_iv = {0}, tmp = {0};
    bool ok = P && ev && cuts && active;
    uint32_t nev = 0, ncut = 0;
    for (uint32_t i = 0; ok && i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if (e->proto != proto || covers_all(e))
            continue;
        ev[nev++] = (struct ends){(uint32_t)e->from, i};
        ev[nev++] = (struct ends){(uint32_t)e->to + 1, i | 0x80000000u};
        cuts[ncut++] = (uint32_t)e->from;
        cuts[ncut++] = (uint32_t)e->to + 1;
    }
    if (ok) {
        cuts[ncut++] = 0;
        qsort(cuts, ncut, sizeof *cuts, cmp_u32v);
        uint32_t u = 0;
        for (uint32_t i = 0; i < ncut; i++)
            if (cuts[i] < 65536 && (u == 0 || cuts[u - 1] != cuts[i]))
                cuts[u++] = cuts[i];
        ncut = u;
        qsort(ev, nev, sizeof *ev, cmp_ends);
        P->segs = eni__calloc(ctx, ncut, sizeof *P->segs);
        ok = P->segs != NULL;
    }
    /* The all-port (and all-protocol) union, once. */
    struct ivvec wide = {0}, acc = {0};
    uint8_t wide_open = 0;
    for (uint32_t i = 0; ok && i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if ((e->proto == proto && covers_all(e)) || e->proto == -1) {
            for (uint32_t k = 0; k < e->n_iv; k++)
                ivpush(ctx, &wide, t->iv[e->first_iv + k]);
            wide_open |= e->open;
        }
    }
    ok = ok && !wide.nomem;
    if (ok)
        wide.n = merge(wide.v, wide.n);

    uint32_t nactive = 0, e_at = 0;
    for (uint32_t sgi = 0; ok && sgi < ncut; sgi++) {
        uint32_t start = cuts[sgi], end = sgi + 1 < ncut ? cuts[sgi + 1] : 65536;
        /* apply the events at `start`: ends first (sorted by the high bit) */
        for (; e_at < nev && ev[e_at].port <= start; e_at++) {
            uint32_t idx = ev[e_at].entry & 0x7fffffffu;
            if (ev[e_at].entry & 0x80000000u) {
                for (uint32_t a = 0; a < nactive; a++)
                    if (active[a] == idx) {
                        active[a] = active[--nactive];
                        break;
                    }
            } else {
                active[nactive++] = idx;
            }
        }
        /* Fold the covering entries' sorted sets into one, with linear
         * merges: no sorting here. The all-port union stays apart: merged
         * into every segment it made segments large and compiling slow. */
        uint8_t open = 0;
        acc.n = 0;
        for (uint32_t a = 0; a < nactive && !acc.nomem; a++) {
            const struct cls_entry *e = &t->entries[active[a]];
            tmp.n = 0;
            union2(ctx, &tmp, acc.v, acc.n, t->iv + e->first_iv, e->n_iv);
            struct ivvec swap = acc;
            acc = tmp;
            tmp = swap;
            open |= e->open;
        }
        ok = !acc.nomem && !tmp.nomem;
        uint32_t n = ok ? acc.n : 0;
        P->segs[sgi].first_iv = out_iv.n;
        P->segs[sgi].n_iv = n;
        P->segs[sgi].open = open;
        for (uint32_t k = 0; ok && k < n; k++)
            ivpush(ctx, &out_iv, acc.v[k]);
        ok = ok && !out_iv.nomem;
        for (uint32_t port = start; ok && port < end; port++)
            P->seg_of_port[port] = (uint16_t)sgi;
    }
    /* the all-port union: for fragments, and when not merged above */
    if (ok) {
        P->full = (struct cls_seg){out_iv.n, wide.n, wide_open};
        for (uint32_t k = 0; k < wide.n; k++)
            ivpush(ctx, &out_iv, wide.v[k]);
    }
    ok = ok && !tmp.nomem && !out_iv.nomem;
    eni__free(ctx, ev);
    eni__free(ctx, cuts);
    eni__free(ctx, active);
    eni__free(ctx, tmp.v);
    eni__free(ctx, acc.v);
    eni__free(ctx, wide.v);
    if (!ok) {
        if (P)
            eni__free(ctx, P->segs);
        eni__free(ctx, P);
        eni__free(ctx, out_iv.v);
        return false;
    }
    if (family == 4 && out_iv.n) {
        P->iv4 = eni__calloc(ctx, out_iv.n, sizeof *P->iv4);
        if (!P->iv4) {
            eni__free(ctx, P->segs);
            eni__free(ctx, P);
            eni__free(ctx, out_iv.v);
            return false;
        }
        for (uint32_t k = 0; k < out_iv.n; k++)
            P->iv4[k] = (struct cls_iv4){(uint32_t)out_iv.v[k].lo_lo, (uint32_t)out_iv.v[k].hi_lo};
    }
    P->n_segs = ncut;
    P->iv = out_iv.v;
    P->n_iv = out_iv.n;
    if (P->iv4) {
        int nomem;
        P->el = eni__elem4_build(ctx, t, proto, P, &nomem);
        if (nomem) {
            eni__free(ctx, P->iv4);
            eni__free(ctx, P->segs);
            eni__free(ctx, P);
            eni__free(ctx, out_iv.v);
            return false;
        }
    }
    *out = P;
    return true;
}

void eni__ruleset_free(eni_ctx *ctx, struct eni_ruleset *rs)
{
    if (!rs || --rs->refs > 0)
        return;
    for (int d = 0; d < 2; d++)
        for (int f = 0; f < 2; f++) {
            for (int k = 0; k < 2; k++)
                if (rs->t[d][f].ports[k]) {
                    eni__free(ctx, rs->t[d][f].ports[k]->segs);
                    eni__free(ctx, rs->t[d][f].ports[k]->iv);
                    eni__free(ctx, rs->t[d][f].ports[k]->iv4);
                    eni__elem4_free(ctx, rs->t[d][f].ports[k]->el);
                    eni__free(ctx, rs->t[d][f].ports[k]);
                }
            eni__free(ctx, rs->t[d][f].entries);
            eni__free(ctx, rs->t[d][f].iv);
            eni__free(ctx, rs->t[d][f].rules);
            eni__free(ctx, rs->t[d][f].rule_iv);
        }
    eni__free(ctx, rs);
}

struct eni_ruleset *eni__ruleset_build(eni_ctx *ctx, const uint64_t *groups, uint32_t n)
{
    struct eni_ruleset *rs = eni__calloc(ctx, 1, sizeof *rs);
    if (!rs)
        return NULL;
    rs->refs = 1;
    for (unsigned d = 0; d < 2; d++)
        for (unsigned f = 0; f < 2; f++)
            if (!build_table(ctx, groups, n, d, f ? 6 : 4, &rs->t[d][f])) {
                eni__ruleset_free(ctx, rs);
                return NULL;
            }
    for (unsigned d = 0; d < 2; d++)
        for (unsigned f = 0; f < 2; f++)
            for (int k = 0; k < 2; k++)
                if (rs->t[d][f].n_entries > PORT_INDEX_MIN_ENTRIES &&
                    !build_ports(ctx, &rs->t[d][f], k ? 17 : 6, f ? 6 : 4, &rs->t[d][f].ports[k])) {
                    eni__ruleset_free(ctx, rs);
                    return NULL;
                }
    for (unsigned d = 0; d < 2; d++)
        for (unsigned f = 0; f < 2; f++) {
            rs->t[d][f].reverse_open[0] = all_open(&rs->t[1 - d][f], 6);
            rs->t[d][f].reverse_open[1] = all_open(&rs->t[1 - d][f], 17);
        }
    return rs;
}
