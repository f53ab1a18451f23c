/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Matching a packet against a compiled classifier (classify.h): the
 * packet path's rule lookup. A table answers one bit for (protocol, port or
 * ICMP type/code, remote address): through a port index when compile.c built
 * one (one array read, then the IPv4 bit rows or one or two binary searches),
 * else by scanning its few entries; eni__cls_match_rule names the first
 * allowing rule as written, for explain and ENI_EVAL_WANT_RULE. Reads only
 * immutable compiled data: no lock, no allocation. */
#include <string.h>

#include "classify.h"

struct cls_iv eni__iv_point(const uint8_t *addr, unsigned family)
{
    struct cls_iv iv = {0, 0, 0, 0};
    if (family == 4) {
        iv.lo_lo = ((uint64_t)addr[0] << 24) | ((uint64_t)addr[1] << 16) | ((uint64_t)addr[2] << 8) | addr[3];
    } else {
        for (int i = 0; i < 8; i++) {
            iv.lo_hi = iv.lo_hi << 8 | addr[i];
            iv.lo_lo = iv.lo_lo << 8 | addr[8 + i];
        }
    }
    iv.hi_hi = iv.lo_hi;
    iv.hi_lo = iv.lo_lo;
    return iv;
}

static bool port_fits(uint8_t kind, int32_t from, int32_t to, const eni_pkt *p)
{
    switch (kind) {
    case CLS_PORTS:
        if (p->flags & ENI_PKT_FRAGMENT) /* no ports to check: only an all-ports rule fits */
            return from == 0 && to == 65535;
        return p->dport >= from && p->dport <= to;
    case CLS_ICMP:
        if (p->flags & ENI_PKT_FRAGMENT) /* no type to check: only an all-types rule fits */
            return from == -1 && to == -1;
        return (from == -1 || from == p->icmp_type) && (to == -1 || to == p->icmp_code);
    default:
        return true;
    }
}

static bool in_set(const struct cls_iv *iv, uint32_t n, const struct cls_iv *a)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) { /* first interval whose lo > a */
        uint32_t mid = (lo + hi) / 2;
        if (eni__le128(iv[mid].lo_hi, iv[mid].lo_lo, a->lo_hi, a->lo_lo))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && eni__le128(a->lo_hi, a->lo_lo, iv[lo - 1].hi_hi, iv[lo - 1].hi_lo);
}

/* Branch-free search: the last interval starting at or below a, then one compare. */
static bool in_set4(const struct cls_iv4 *iv, uint32_t n, uint32_t a)
{
    if (n == 0)
        return false;
    const struct cls_iv4 *base = iv;
    while (n > 1) {
        uint32_t half = n / 2;
        base = base[half].lo <= a ? base + half : base;
        n -= half;
    }
    return base->lo <= a && a <= base->hi;
}

static bool ports_match4(const struct cls_ports *P, const eni_pkt *p, uint32_t a, bool *open)
{
    if (P->el) {
        /* One bit: the segment's row holds the all-port union too. open
         * is only read when the packet is allowed; then either a /0 rule
         * of its segment or an open all-port rule allows it (or both). */
        bool frag = p->flags & ENI_PKT_FRAGMENT;
        uint32_t row = frag ? P->n_segs : P->seg_of_port[p->dport];
        *open = frag ? P->full.open : P->segs[row].open | P->full.open;
        return eni__elem4_test(P->el, row, eni__elem4_find(P->el, a));
    }
    if (!(p->flags & ENI_PKT_FRAGMENT)) {
        const struct cls_seg *s = &P->segs[P->seg_of_port[p->dport]];
        if (in_set4(P->iv4 + s->first_iv, s->n_iv, a)) {
            /* an open all-port rule allows it too (section 5.2 (a)) */
            *open = s->open | P->full.open;
            return true;
        }
    }
    if (in_set4(P->iv4 + P->full.first_iv, P->full.n_iv, a)) {
        *open = P->full.open;
        return true;
    }
    return false;
}

static bool ports_match(const struct cls_ports *P, const eni_pkt *p, const struct cls_iv *a,
                        bool *open)
{
    const struct cls_seg *sg = &P->full;
    if (!(p->flags & ENI_PKT_FRAGMENT)) {
        const struct cls_seg *s = &P->segs[P->seg_of_port[p->dport]];
        if (s->n_iv && in_set(P->iv + s->first_iv, s->n_iv, a)) {
            *open = s->open | sg->open;
            return true;
        }
    }
    if (sg->n_iv && in_set(P->iv + sg->first_iv, sg->n_iv, a)) {
        *open = sg->open;
        return true;
    }
    return false;
}

bool eni__cls_match(const struct cls_table *t, const eni_pkt *p, const uint8_t *remote, bool *open)
{
    *open = false;
    const struct cls_ports *P = p->proto == 6 ? t->ports[0] : p->proto == 17 ? t->ports[1] : NULL;
    if (P && P->iv4) {
        uint32_t a;
        memcpy(&a, remote, 4);
        return ports_match4(P, p, __builtin_bswap32(a), open);
    }
    struct cls_iv a = eni__iv_point(remote, p->family);
    bool hit = false;
    if (P)
        return ports_match(P, p, &a, open);
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if ((e->proto != -1 && e->proto != p->proto) || !port_fits(e->kind, e->from, e->to, p))
            continue;
        if (in_set(t->iv + e->first_iv, e->n_iv, &a)) {
            hit = true;
            if (e->open) {
                *open = true;
                return true;
            }
        }
    }
    return hit;
}

const struct cls_rule *eni__cls_match_rule(const struct cls_table *t, const eni_pkt *p,
                                           const uint8_t *remote)
{
    struct cls_iv a = eni__iv_point(remote, p->family);
    for (uint32_t i = 0; i < t->n_rules; i++) {
        const struct cls_rule *r = &t->rules[i];
        if ((r->proto == -1 || r->proto == p->proto) && port_fits(r->kind, r->from, r->to, p) &&
            in_set(t->rule_iv + r->first_iv, r->n_iv, &a))
            return r;
    }
    return NULL;
}
