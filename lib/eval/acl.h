/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A subnet's network ACL as the packet path reads it (section 9), built by
 * acl.c into each interface's snapshot: per direction and family, the
 * entries in rule order (at most 39 by EC2's quota of 40 with the implicit
 * deny), and the first match decides, found through a first-match index of
 * one bit per entry (acl_index.h) at the same cost whatever the entries
 * are. A table that allows everything (the default ACL's rule 100 or 101
 * first) is flagged and costs one test; a family the VPC has no block of
 * and the ACL no entry of is not filtered (decisions.md D32). Traffic
 * whose other end is in the interface's own subnet never crosses the ACL. */
#ifndef ENI_EVAL_ACL_H
#define ENI_EVAL_ACL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "acl_index.h"
#include "eni/eval.h"

enum { ACL_SCAN = 0, ACL_ALLOW_ALL = 1, ACL_DENY_ALL = 2 };

/* The key a packet is matched on: a TCP/UDP destination port, or ICMP
 * type << 8 | code; ACL_NO_PORT for a non-first fragment of those, which
 * only entries of all ports (all types) cover. */
#define ACL_NO_PORT 0x10000u

struct acl_ent {
    uint64_t net_hi, net_lo;   /* the CIDR, host-order words (IPv4 in net_lo) */
    uint64_t mask_hi, mask_lo;
    uint32_t key_lo, key_hi;   /* inclusive */
    int16_t proto;             /* -1: all */
    uint8_t allow;
    uint8_t reserved;
    uint16_t number;           /* the rule number, for explain */
    uint16_t reserved2;
};

struct acl_table {
    const struct acl_ent *e;
    uint32_t n;
    uint32_t all; /* ACL_SCAN, or a verdict for every packet */
    struct acl_index ix; /* ACL_SCAN tables: the first-match index */
};

struct eni_acl_snap {
    uint64_t acl;                 /* the ACL's id */
    struct acl_table t[2][2];     /* [0 inbound, 1 outbound][0 IPv4, 1 IPv6] */
    uint32_t sub4_net, sub4_mask; /* the interface's subnet */
    uint64_t sub6_hi;             /* its IPv6 /64, when has6 */
    uint32_t has6;
    uint32_t n;                   /* entries in ent[]; the indexes' arrays follow them */
    struct acl_ent ent[];
};

/* A packet's key in its ACL entries' key space: TCP and UDP by
 * destination port, ICMP and ICMPv6 by type and code, a fragment by none
 * (ACL_NO_PORT), any other protocol 0. The protocols as bits of one word:
 * two tests where four compares were. */
static inline uint32_t eni__acl_key(const eni_pkt *p)
{
    const uint64_t ported = 1ull << 6 | 1ull << 17, icmp = 1ull << 1 | 1ull << 58;
    uint64_t bit = p->proto < 64 ? 1ull << p->proto : 0;
    if (!(bit & (ported | icmp)))
        return 0;
    if (p->flags & ENI_PKT_FRAGMENT)
        return ACL_NO_PORT;
    return (bit & ported) ? p->dport : (uint32_t)p->icmp_type << 8 | p->icmp_code;
}

/* The first entry that matches, or NULL (the implicit deny): the remote
 * address as two host-order words (IPv4 in lo). */
static inline const struct acl_ent *eni__acl_first(const struct acl_table *t, unsigned family,
                                                   uint64_t hi, uint64_t lo, uint8_t proto,
                                                   uint32_t key)
{
    uint64_t m = family == 4 ? eni__acl_index_match4(&t->ix, proto, key, (uint32_t)lo)
                             : eni__acl_index_match6(&t->ix, proto, key, hi, lo);
    return m ? &t->e[__builtin_ctzll(m)] : NULL;
}

/* Is the remote end (network order) in the interface's own subnet? */
static inline bool eni__acl_same_subnet(const struct eni_acl_snap *a, unsigned family,
                                        uint64_t hi, uint64_t lo)
{
    if (family == 4)
        return ((uint32_t)lo & a->sub4_mask) == a->sub4_net;
    return a->has6 && hi == a->sub6_hi;
}

/* The remote address of p as two host-order words (IPv4 in lo): loads
 * and byte swaps, where a loop over the bytes cost an IPv6 lookup a third
 * of its instructions. */
static inline void eni__acl_words(const uint8_t *addr, unsigned family, uint64_t *hi, uint64_t *lo)
{
    if (family == 4) {
        uint32_t a;
        memcpy(&a, addr, 4);
        *hi = 0;
        *lo = __builtin_bswap32(a);
    } else {
        uint64_t h, l;
        memcpy(&h, addr, 8);
        memcpy(&l, addr + 8, 8);
        *hi = __builtin_bswap64(h);
        *lo = __builtin_bswap64(l);
    }
}

/* Does table t (not one that allows all) drop p, of this family, whose
 * remote end is (hi, lo) in host order? *hit: the deciding entry, NULL
 * for the implicit deny (or nothing, when it passes). What every form
 * below shares; the burst loop's pass the family as a constant. */
static inline bool eni__acl_denies_at(const struct eni_acl_snap *a, const struct acl_table *t,
                                      unsigned family, const eni_pkt *p, uint64_t hi,
                                      uint64_t lo, const struct acl_ent **hit)
{
    if (eni__acl_same_subnet(a, family, hi, lo))
        return false;
    if (t->all == ACL_DENY_ALL)
        return true;
    *hit = eni__acl_first(t, family, hi, lo, p->proto, eni__acl_key(p));
    return !*hit || !(*hit)->allow;
}

/* eni__acl_denies past its first test: a table that filters. */
static inline bool eni__acl_denies_filtered(const struct eni_acl_snap *a,
                                            const struct acl_table *t, const eni_pkt *p,
                                            const uint8_t *remote, const struct acl_ent **hit)
{
    uint64_t hi, lo;
    eni__acl_words(remote, p->family, &hi, &lo);
    return eni__acl_denies_at(a, t, p->family, p, hi, lo, hit);
}

/* Does the ACL drop a packet crossing the subnet's edge this way? NULL
 * entry out: the implicit deny (or nothing, when it passes). Always
 * inlined: the default ACL's answer is two tests, where the whole lookup
 * out of line cost every packet a call (4% of a burst's instructions). */
static inline __attribute__((always_inline)) bool
eni__acl_denies(const struct eni_acl_snap *a, bool out, const eni_pkt *p, const uint8_t *remote,
                const struct acl_ent **hit)
{
    *hit = NULL;
    if (!a)
        return false;
    const struct acl_table *t = &a->t[out][p->family == 6];
    if (t->all == ACL_ALLOW_ALL)
        return false;
    return eni__acl_denies_filtered(a, t, p, remote, hit);
}

/* The burst loop's IPv4 form: the remote end in host order. */
static inline bool eni__acl_denies4(const struct eni_acl_snap *a, bool out, const eni_pkt *p,
                                    uint32_t remote)
{
    const struct acl_table *t = &a->t[out][0];
    const struct acl_ent *hit = NULL;
    return t->all != ACL_ALLOW_ALL && eni__acl_denies_at(a, t, 4, p, 0, remote, &hit);
}

/* And its IPv6 form: the remote end as the flow key holds it (two
 * host-order words), which the burst loop has built already. */
static inline bool eni__acl_denies6(const struct eni_acl_snap *a, bool out, const eni_pkt *p,
                                    uint64_t hi, uint64_t lo)
{
    const struct acl_table *t = &a->t[out][1];
    const struct acl_ent *hit = NULL;
    return t->all != ACL_ALLOW_ALL && eni__acl_denies_at(a, t, 6, p, hi, lo, &hit);
}

#endif
