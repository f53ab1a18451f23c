/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The classifier's data and its packet-path lookups: what compile.c builds
 * from a security-group set (entries of merged address intervals, per-rule
 * intervals, key indexes for TCP/UDP ports and ICMP types, one address set
 * per other protocol, the IPv4 bit-row index of elem4.h) and
 * the read-only matching the verdict engine calls (classify.c, and the
 * IPv4 and IPv6 bit-row lookups inline here for the burst loop). Nothing
 * here allocates or takes a lock. */
#ifndef ENI_EVAL_CLASSIFY_H
#define ENI_EVAL_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "eni/eval.h"
#include "elem4.h"
#include "elem6.h"
#include "jump.h"

enum { CLS_ANY = 0, CLS_PORTS = 1, CLS_ICMP = 2 };

/* The protocols whose rules can name part of a key space: TCP and UDP
 * (destination ports), ICMP and ICMPv6 (type and code, keyed type << 8 |
 * code). Each gets a key index (struct cls_keys) when its rules need one;
 * every other protocol's rules cover all of it and are one address set. */
enum { CLS_KEY_TCP, CLS_KEY_UDP, CLS_KEY_ICMP, CLS_KEY_ICMPV6, CLS_N_KEYED };

static inline int eni__cls_keyed_slot(int proto)
{
    switch (proto) {
    case 6:
        return CLS_KEY_TCP;
    case 17:
        return CLS_KEY_UDP;
    case 1:
        return CLS_KEY_ICMP;
    case 58:
        return CLS_KEY_ICMPV6;
    default:
        return -1;
    }
}

/* An address interval [lo, hi], 128-bit for both families (IPv4 in lo words). */
struct cls_iv {
    uint64_t lo_hi, lo_lo, hi_hi, hi_lo;
};

/* Rules of one (direction, family) with the same protocol and port range or
 * ICMP type/code, and their peers' intervals: merged into sorted disjoint
 * intervals, or (merged 0) each rule's set one after another until
 * something needs them merged (eni__entry_merge): a table's entries are
 * only read by its key indexes when they take them as parts (keyidx.c)
 * and by the scan of a small table, and merging the copies of large groups
 * that the entries of other tables' rules hold was a fifth of a
 * publication. */
struct cls_entry {
    int16_t proto;   /* -1 = all protocols */
    uint8_t kind;    /* CLS_ANY / CLS_PORTS / CLS_ICMP */
    uint8_t open;    /* one of its rules allows all addresses (/0) */
    uint8_t merged;  /* its intervals are sorted and disjoint */
    uint8_t all_keys; /* it covers every key of its protocol (then klo, khi are unused) */
    int32_t from, to;
    uint32_t klo, khi; /* the keys it covers (eni__cls_key_range), for the scan */
    uint32_t first_iv, n_iv;
};

/* One rule as written, for naming the rule that allowed a packet. */
struct cls_rule {
    int16_t proto;
    uint8_t kind;
    uint8_t open;
    int32_t from, to;
    /* its peer's intervals, merged, in rule_iv: rules with the same group
     * or prefix list as peer share them (same first_iv) */
    uint32_t first_iv, n_iv;
    uint64_t group, rule;
};

/* An address set inside a larger interval array: intervals
 * [first_iv, first_iv + n_iv), and whether a /0 rule is among its parts. */
struct cls_seg {
    uint32_t first_iv, n_iv;
    uint8_t open;
};

/* An IPv4 interval, host order: half the size of cls_iv, for the hot path. */
struct cls_iv4 {
    uint32_t lo, hi;
};

/* The key index of one keyed protocol of a table: its key space (ports, or
 * ICMP type << 8 | code) cut at every rule's range ends into segments; each
 * segment holds the union of the peers of the rules covering it. Rules of
 * all keys (and of all protocols) form one more union, checked when the
 * segment does not match and alone for a fragment: a lookup is one array
 * read (eni__cls_seg_of) and one bit test (IPv4 bit rows) or at most two
 * binary searches. */
struct cls_keys {
    /* The segment of key k is seg_base[k >> 8] + seg_off[k]: segments are
     * numbered in key order, so the 256 keys of a block span at most 256
     * of them. Two independent reads, and 66 KiB where a plain uint16_t
     * map took 128 KiB (which, past malloc's mmap threshold, cost page
     * faults on every compile). */
    uint8_t seg_off[65536];
    uint32_t seg_base[256];
    struct cls_seg *segs;
    uint32_t n_segs;
    struct cls_iv *iv;
    struct cls_iv4 *iv4; /* the same intervals, IPv4 tables only */
    uint32_t n_iv;
    struct cls_seg full;  /* rules of all keys of this protocol (and all protocols) */
    struct cls_elem4 *el; /* IPv4: the sets as bit rows (elem4.h), or NULL to search iv4 */
    struct cls_elem6 *el6; /* IPv6: the same (elem6.h), or NULL to search iv */
};

/* The packet's key in its protocol's key space (keyed protocols only). */
static inline uint32_t eni__cls_pkt_key(const eni_pkt *p)
{
    if (p->proto == 6 || p->proto == 17)
        return p->dport;
    return (uint32_t)p->icmp_type << 8 | p->icmp_code;
}

static inline uint32_t eni__cls_seg_of(const struct cls_keys *K, uint32_t key)
{
    return K->seg_base[key >> 8] + K->seg_off[key];
}

struct cls_table {
    /* Per keyed protocol: its index, or NULL when no rule of it names keys
     * (then its set in psets answers) or the table is small enough that a
     * scan of its entries is as fast (scan_keyed has its bit). */
    struct cls_keys *keyed[CLS_N_KEYED];
    uint8_t scan_keyed;
    /* Per protocol number: the union of its all-key rules and the
     * all-protocol rules, index into psets (0: the all-protocol rules alone,
     * for protocols no rule names). */
    uint16_t pset_of_proto[256];
    struct cls_seg *psets;
    uint32_t n_psets;
    struct cls_iv *piv;
    struct cls_iv4 *piv4;    /* the same intervals, IPv4 tables only */
    uint32_t n_piv;
    /* Per set in psets, the bucket index of a large one (jump.h; el4 and
     * el6 NULL for a small one), or NULL when every set is small. */
    struct cls_jump *pjump;
    struct cls_entry *entries;
    uint32_t n_entries;
    struct cls_iv *iv;       /* merged intervals of all entries */
    uint32_t n_iv;
    struct cls_iv4 *iv4;     /* the same, IPv4 tables with a scanned protocol only */
    struct cls_rule *rules;
    uint32_t n_rules;
    struct cls_iv *rule_iv;  /* per-rule intervals */
    uint32_t n_rule_iv;
    /* Rule indexes by protocol, in rule order, for naming the allowing rule:
     * the rules of keyed protocol k (and all-protocol rules) are
     * by_proto[by_proto_first[k] .. by_proto_first[k + 1]); slot
     * CLS_N_KEYED holds the rules of every other protocol. */
    uint32_t *by_proto;
    uint32_t by_proto_first[CLS_N_KEYED + 2];
    /* Section 5.2 (b): the *other* direction allows all addresses on all
     * ports for this protocol (index 0 TCP, 1 UDP). */
    uint8_t reverse_open[2];
    /* The cuts and their lookup that the key indexes of this table share
     * (their rows' pieces) when their address sets are mostly the same
     * (keyidx.c, eni__keyidx_share), or NULL: the family's one. */
    struct cls_elem4 *pieces4;
    struct cls_elem6 *pieces6;
};

/* Shared by the snapshots of interfaces with the same groups in the same
 * order (one compile per group set and model change); `refs` counts them
 * and is touched only on the control path, under the ctx lock. */
struct eni_ruleset {
    struct cls_table t[2][2]; /* [direction index: 0 in, 1 out][family: 0 v4, 1 v6] */
    uint32_t refs;
};

/* a <= b for 128-bit values given as (high, low) words. */
static inline bool eni__le128(uint64_t ah, uint64_t al, uint64_t bh, uint64_t bl)
{
    return ah < bh || (ah == bh && al <= bl);
}

/* The keys [*lo, *hi] a rule of this kind and range covers in its
 * protocol's key space; false when it covers them all. */
bool eni__cls_key_range(uint8_t kind, int32_t from, int32_t to, uint32_t *lo, uint32_t *hi);

/* The interval holding just addr (network order; family 4 or 6). */
struct cls_iv eni__iv_point(const uint8_t *addr, unsigned family);
/* Does the table allow (proto, port or type/code, remote address)? *open says
 * whether an allowing entry is a /0 one. */
bool eni__cls_match(const struct cls_table *t, const eni_pkt *p, const uint8_t *remote,
                    bool *open);
/* Is a in the IPv4 set iv[first .. first + n)? A branch-free search for
 * the last interval starting at or below a, then one compare. iv may be
 * NULL when n is 0 (no pointer arithmetic on it then). */
static inline bool eni__cls_in_set4(const struct cls_iv4 *iv, uint32_t first, uint32_t n,
                                    uint32_t a)
{
    if (n == 0)
        return false;
    const struct cls_iv4 *base = iv + first;
    while (n > 1) {
        uint32_t half = n / 2;
        base = base[half].lo <= a ? base + half : base;
        n -= half;
    }
    return base->lo <= a && a <= base->hi;
}

/* A keyed protocol's IPv4 lookup: one bit of its rows, or the segment's
 * set and then the all-key set searched. */
static inline bool eni__cls_keys_match4(const struct cls_keys *K, const eni_pkt *p, uint32_t a,
                                        bool *open)
{
    bool frag = p->flags & ENI_PKT_FRAGMENT;
    if (K->el) {
        /* One bit: the segment's row holds the all-key union too. open
         * is only read when the packet is allowed; then either a /0 rule
         * of its segment or an open all-key rule allows it (or both). It
         * is looked up only then: a dropped packet has no use for it, and
         * the segment's record was one more cache miss. */
        uint32_t row = frag ? K->n_segs : eni__cls_seg_of(K, eni__cls_pkt_key(p));
        if (!eni__elem4_test(K->el, row, eni__elem4_find(K->el, a)))
            return false;
        *open = frag ? K->full.open : K->segs[row].open | K->full.open;
        return true;
    }
    if (!frag) {
        const struct cls_seg *s = &K->segs[eni__cls_seg_of(K, eni__cls_pkt_key(p))];
        if (eni__cls_in_set4(K->iv4, s->first_iv, s->n_iv, a)) {
            /* an open all-key rule allows it too (section 5.2 (a)) */
            *open = s->open | K->full.open;
            return true;
        }
    }
    if (eni__cls_in_set4(K->iv4, K->full.first_iv, K->full.n_iv, a)) {
        *open = K->full.open;
        return true;
    }
    return false;
}

/* A keyed protocol's IPv6 bit rows (K->el6 not NULL): one search and one
 * bit, as eni__cls_keys_match4; a = (ahi, alo), host order. */
static inline bool eni__cls_rows_match6(const struct cls_keys *K, const eni_pkt *p, uint64_t ahi,
                                        uint64_t alo, bool *open)
{
    bool frag = p->flags & ENI_PKT_FRAGMENT;
    uint32_t row = frag ? K->n_segs : eni__cls_seg_of(K, eni__cls_pkt_key(p));
    if (!eni__elem6_test(K->el6, row, eni__elem6_find(K->el6, ahi, alo)))
        return false;
    *open = frag ? K->full.open : K->segs[row].open | K->full.open;
    return true;
}

/* Does entry e's key range hold the packet's (or, for a fragment, which
 * has none, is e of all keys)? key: eni__cls_pkt_key(p). */
static inline bool eni__cls_entry_fits(const struct cls_entry *e, const eni_pkt *p, uint32_t key)
{
    return e->all_keys || (!(p->flags & ENI_PKT_FRAGMENT) && key >= e->klo && key <= e->khi);
}

/* A small IPv4 table's entries, one by one (scan_keyed): the entries of
 * its protocol (or of all) whose keys hold the packet's, each one binary
 * search of its 32-bit intervals; stops at an allowing /0 entry, which
 * sets *open. */
static inline bool eni__cls_scan4(const struct cls_table *t, const eni_pkt *p, uint32_t a,
                                  bool *open)
{
    bool hit = false;
    uint32_t key = eni__cls_pkt_key(p);
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if ((e->proto != -1 && e->proto != p->proto) || !eni__cls_entry_fits(e, p, key) ||
            !eni__cls_in_set4(t->iv4, e->first_iv, e->n_iv, a))
            continue;
        hit = true;
        if (e->open) {
            *open = true;
            return true;
        }
    }
    return hit;
}

/* Is (ahi, alo) in the sorted disjoint intervals iv[first .. first + n)?
 * As eni__cls_in_set4, over 128-bit values; iv may be NULL when n is 0 (an
 * empty set of a table with no interval: no pointer arithmetic on it). */
static inline bool eni__cls_in_set6(const struct cls_iv *iv, uint32_t first, uint32_t n,
                                    uint64_t ahi, uint64_t alo)
{
    if (n == 0)
        return false;
    const struct cls_iv *base = iv + first;
    while (n > 1) {
        uint32_t half = n / 2;
        base = eni__le128_nb(base[half].lo_hi, base[half].lo_lo, ahi, alo) ? base + half : base;
        n -= half;
    }
    return eni__le128_nb(base->lo_hi, base->lo_lo, ahi, alo) &
           eni__le128_nb(ahi, alo, base->hi_hi, base->hi_lo);
}

/* eni__cls_scan4 for a small IPv6 table, over its 128-bit intervals. */
static inline bool eni__cls_scan6(const struct cls_table *t, const eni_pkt *p, uint64_t ahi,
                                  uint64_t alo, bool *open)
{
    bool hit = false;
    uint32_t key = eni__cls_pkt_key(p);
    for (uint32_t i = 0; i < t->n_entries; i++) {
        const struct cls_entry *e = &t->entries[i];
        if ((e->proto != -1 && e->proto != p->proto) || !eni__cls_entry_fits(e, p, key) ||
            !eni__cls_in_set6(t->iv, e->first_iv, e->n_iv, ahi, alo))
            continue;
        hit = true;
        if (e->open) {
            *open = true;
            return true;
        }
    }
    return hit;
}

/* A protocol's set (psets) holding a, IPv4 host order: through its
 * bucket index when it has one, else one binary search. */
static inline bool eni__cls_pset_match4(const struct cls_table *t, uint32_t ps, uint32_t a,
                                        bool *open)
{
    const struct cls_seg *s = &t->psets[ps];
    *open = s->open;
    const struct cls_jump *J = t->pjump ? &t->pjump[ps] : NULL;
    if (J && J->el4) {
        uint32_t r = eni__jump_rank4(J, a);
        return r && a <= t->piv4[s->first_iv + r - 1].hi;
    }
    return eni__cls_in_set4(t->piv4, s->first_iv, s->n_iv, a);
}

/* The same for an IPv6 address (ahi, alo), host order. */
static inline bool eni__cls_pset_match6(const struct cls_table *t, uint32_t ps, uint64_t ahi,
                                        uint64_t alo, bool *open)
{
    const struct cls_seg *s = &t->psets[ps];
    *open = s->open;
    const struct cls_jump *J = t->pjump ? &t->pjump[ps] : NULL;
    if (J && J->el6) {
        uint32_t r = eni__jump_rank6(J, ahi, alo);
        return r && eni__le128_nb(ahi, alo, t->piv[s->first_iv + r - 1].hi_hi,
                                  t->piv[s->first_iv + r - 1].hi_lo);
    }
    return eni__cls_in_set6(t->piv, s->first_iv, s->n_iv, ahi, alo);
}

/* eni__cls_match for an IPv4 packet whose remote address is a (host
 * order): inline, for the burst loop's short path for flow-table misses. */
static inline bool eni__cls_match4(const struct cls_table *t, const eni_pkt *p, uint32_t a,
                                   bool *open)
{
    *open = false;
    int slot = eni__cls_keyed_slot(p->proto);
    if (slot >= 0 && (t->scan_keyed >> slot & 1)) /* a small table, scanned */
        return eni__cls_scan4(t, p, a, open);
    const struct cls_keys *K = slot >= 0 ? t->keyed[slot] : NULL;
    if (K)
        return eni__cls_keys_match4(K, p, a, open);
    return eni__cls_pset_match4(t, t->pset_of_proto[p->proto], a, open);
}

/* A keyed protocol's IPv6 lookup when its index keeps sorted intervals
 * (rows past their limit): the segment's set, then the all-key set, each
 * one binary search (classify.c, for eni__cls_match). */
bool eni__cls_lists_match6(const struct cls_keys *K, const eni_pkt *p, uint64_t ahi,
                           uint64_t alo, bool *open);

/* eni__cls_match for an IPv6 packet whose remote address is both `remote`
 * (network order) and (ahi, alo) (host order): inline but for a key index
 * without bit rows, which eni__cls_match searches. (Calling
 * eni__cls_lists_match6 from here instead cost the burst loop 1.5% more
 * instructions an IPv6 packet, through its register allocation.) */
static inline bool eni__cls_match6(const struct cls_table *t, const eni_pkt *p,
                                   const uint8_t *remote, uint64_t ahi, uint64_t alo, bool *open)
{
    *open = false;
    int slot = eni__cls_keyed_slot(p->proto);
    if (slot >= 0 && (t->scan_keyed >> slot & 1)) /* a small table, scanned */
        return eni__cls_scan6(t, p, ahi, alo, open);
    const struct cls_keys *K = slot >= 0 ? t->keyed[slot] : NULL;
    if (K && K->el6)
        return eni__cls_rows_match6(K, p, ahi, alo, open);
    if (K) /* intervals without rows: up to two searches */
        return eni__cls_match(t, p, remote, open);
    return eni__cls_pset_match6(t, t->pset_of_proto[p->proto], ahi, alo, open);
}

/* The first rule (in group and rule order) that allows it, or NULL. */
const struct cls_rule *eni__cls_match_rule(const struct cls_table *t, const eni_pkt *p,
                                           const uint8_t *remote);

#endif
