/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The classifier's data and its packet-path lookups: what compile.c builds
 * from a security-group set (entries of merged address intervals, per-rule
 * intervals, TCP/UDP port indexes, the IPv4 bit-row index of elem4.h) and
 * the read-only matching the verdict engine calls (classify.c). Nothing
 * here allocates or takes a lock. */
#ifndef ENI_EVAL_CLASSIFY_H
#define ENI_EVAL_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "eni/eval.h"
#include "elem4.h"

enum { CLS_ANY = 0, CLS_PORTS = 1, CLS_ICMP = 2 };

/* An address interval [lo, hi], 128-bit for both families (IPv4 in lo words). */
struct cls_iv {
    uint64_t lo_hi, lo_lo, hi_hi, hi_lo;
};

/* Rules of one (direction, family) with the same protocol and port range or
 * ICMP type/code, their peers merged into sorted disjoint intervals. */
struct cls_entry {
    int16_t proto;   /* -1 = all protocols */
    uint8_t kind;    /* CLS_ANY / CLS_PORTS / CLS_ICMP */
    uint8_t open;    /* one of its rules allows all addresses (/0) */
    int32_t from, to;
    uint32_t first_iv, n_iv;
};

/* One rule as written, for naming the rule that allowed a packet. */
struct cls_rule {
    int16_t proto;
    uint8_t kind;
    uint8_t open;
    int32_t from, to;
    uint32_t first_iv, n_iv; /* unmerged peer intervals */
    uint64_t group, rule;
};

/* A port index for one protocol (TCP or UDP) of a table: the port space cut
 * at every rule's range ends into segments; each segment holds the union of
 * the peers of the rules covering it. Rules of all ports (and of all
 * protocols) form one more union, checked when the segment does not match:
 * a lookup is one array read and at most two binary searches. */
struct cls_seg {
    uint32_t first_iv, n_iv;
    uint8_t open;
};

/* An IPv4 interval, host order: half the size of cls_iv, for the hot path. */
struct cls_iv4 {
    uint32_t lo, hi;
};

struct cls_ports {
    uint16_t seg_of_port[65536];
    struct cls_seg *segs;
    uint32_t n_segs;
    struct cls_iv *iv;
    struct cls_iv4 *iv4; /* the same intervals, IPv4 tables only */
    uint32_t n_iv;
    struct cls_seg full;  /* rules of all ports of this protocol (and all protocols) */
    struct cls_elem4 *el; /* IPv4: the sets as bit rows (elem4.h), or NULL to search iv4 */
};

struct cls_table {
    struct cls_ports *ports[2]; /* TCP, UDP; NULL for small tables (a scan is faster) */
    struct cls_entry *entries;
    uint32_t n_entries;
    struct cls_iv *iv;       /* merged intervals of all entries */
    uint32_t n_iv;
    struct cls_rule *rules;
    uint32_t n_rules;
    struct cls_iv *rule_iv;  /* per-rule intervals */
    uint32_t n_rule_iv;
    /* Section 5.2 (b): the *other* direction allows all addresses on all
     * ports for this protocol (index 0 TCP, 1 UDP). */
    uint8_t reverse_open[2];
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

/* The interval holding just addr (network order; family 4 or 6). */
struct cls_iv eni__iv_point(const uint8_t *addr, unsigned family);
/* Does the table allow (proto, port or type/code, remote address)? *open says
 * whether an allowing entry is a /0 one. */
bool eni__cls_match(const struct cls_table *t, const eni_pkt *p, const uint8_t *remote,
                    bool *open);
/* The first rule (in group and rule order) that allows it, or NULL. */
const struct cls_rule *eni__cls_match_rule(const struct cls_table *t, const eni_pkt *p,
                                           const uint8_t *remote);

#endif
