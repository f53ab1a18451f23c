/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Matching a packet against a compiled classifier (classify.h): the
 * packet path's rule lookup. A table answers one bit for (protocol, port or
 * ICMP type/code, remote address). A keyed protocol (TCP, UDP, ICMP,
 * ICMPv6) whose rules name ports or types goes through its key index: one
 * array read, then the IPv4 bit rows or one or two binary searches. Every
 * other protocol, and a keyed one whose rules all cover every key, is one
 * binary search in its own address set. Only a table of at most
 * CLS_SCAN_MAX_ENTRIES entries is scanned. No path depends on the number of
 * rules beyond a logarithm (docs/eval.md, "Cost per packet").
 * eni__cls_match_rule names the first allowing rule as written, for explain
 * and ENI_EVAL_WANT_RULE. Reads only immutable compiled data: no lock, no
 * allocation. */
#include <string.h>

#include "classify.h"

struct cls_iv eni__iv_point(const uint8_t *addr, unsigned family)
{
    /* network order to host-order words: loads and byte swaps, not a byte
     * loop (the scan of a small IPv6 table starts here for every packet) */
    struct cls_iv iv = {0, 0, 0, 0};
    if (family == 4) {
        uint32_t v;
        memcpy(&v, addr, 4);
        iv.lo_lo = __builtin_bswap32(v);
    } else {
        uint64_t hi, lo;
        memcpy(&hi, addr, 8);
        memcpy(&lo, addr + 8, 8);
        iv.lo_hi = __builtin_bswap64(hi);
        iv.lo_lo = __builtin_bswap64(lo);
    }
    iv.hi_hi = iv.lo_hi;
    iv.hi_lo = iv.lo_lo;
    return iv;
}

bool eni__cls_key_range(uint8_t kind, int32_t from, int32_t to, uint32_t *lo, uint32_t *hi)
{
    switch (kind) {
    case CLS_PORTS:
        if (from == 0 && to == 65535)
            return false;
        *lo = (uint32_t)from;
        *hi = (uint32_t)to;
        return true;
    case CLS_ICMP:
        if (from == -1) /* all types (the code is then -1 too) */
            return false;
        *lo = (uint32_t)from << 8 | (to == -1 ? 0 : (uint32_t)to);
        *hi = (uint32_t)from << 8 | (to == -1 ? 255 : (uint32_t)to);
        return true;
    default:
        return false;
    }
}

/* A fragment has no port or type to check: only an all-key rule fits. */
static bool key_fits(uint8_t kind, int32_t from, int32_t to, const eni_pkt *p)
{
    uint32_t lo, hi;
    if (!eni__cls_key_range(kind, from, to, &lo, &hi))
        return true;
    if (p->flags & ENI_PKT_FRAGMENT)
        return false;
    uint32_t k = eni__cls_pkt_key(p);
    return k >= lo && k <= hi;
}

bool eni__cls_lists_match6(const struct cls_keys *K, const eni_pkt *p, uint64_t ahi,
                           uint64_t alo, bool *open)
{
    const struct cls_seg *full = &K->full;
    if (!(p->flags & ENI_PKT_FRAGMENT)) {
        const struct cls_seg *s = &K->segs[eni__cls_seg_of(K, eni__cls_pkt_key(p))];
        if (eni__cls_in_set6(K->iv, s->first_iv, s->n_iv, ahi, alo)) {
            *open = s->open | full->open;
            return true;
        }
    }
    if (eni__cls_in_set6(K->iv, full->first_iv, full->n_iv, ahi, alo)) {
        *open = full->open;
        return true;
    }
    return false;
}

bool eni__cls_match(const struct cls_table *t, const eni_pkt *p, const uint8_t *remote, bool *open)
{
    *open = false;
    if (p->family == 4) {
        uint32_t a;
        memcpy(&a, remote, 4);
        return eni__cls_match4(t, p, __builtin_bswap32(a), open);
    }
    struct cls_iv a = eni__iv_point(remote, 6);
    int slot = eni__cls_keyed_slot(p->proto);
    const struct cls_keys *K = slot >= 0 ? t->keyed[slot] : NULL;
    /* the one case eni__cls_match6 hands back here: a key index without
     * rows (a scanned table has no key index, so the order is the same) */
    if (K && !K->el6)
        return eni__cls_lists_match6(K, p, a.lo_hi, a.lo_lo, open);
    return eni__cls_match6(t, p, remote, a.lo_hi, a.lo_lo, open);
}

const struct cls_rule *eni__cls_match_rule(const struct cls_table *t, const eni_pkt *p,
                                           const uint8_t *remote)
{
    struct cls_iv a = eni__iv_point(remote, p->family);
    int slot = eni__cls_keyed_slot(p->proto);
    uint32_t k = slot >= 0 ? (uint32_t)slot : CLS_N_KEYED;
    for (uint32_t j = t->by_proto_first[k]; j < t->by_proto_first[k + 1]; j++) {
        const struct cls_rule *r = &t->rules[t->by_proto[j]];
        if ((r->proto == -1 || r->proto == p->proto) && key_fits(r->kind, r->from, r->to, p) &&
            eni__cls_in_set6(t->rule_iv, r->first_iv, r->n_iv, a.lo_hi, a.lo_lo))
            return r;
    }
    return NULL;
}
