/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Seeded rule sets of named shapes, and the inbound packets that hit and miss
 * them: plain data, so the libeni host (host.c) and the DPDK peer
 * (peer_dpdk.c) are built from the same description and judged on the same
 * packets. Nothing here calls libeni.
 *
 * Shapes (docs/benchmarks.md, "Classifier by rule shape"): tcpudp, mix,
 * icmp, all, groupref, prefixlist, acl, and v6-NAME for each, the same over
 * IPv6 (ICMPv6 for icmp); and the stress shapes ranges, hosts, protos,
 * icmptypes, cluster, sameport and v6-NAME of each ("Stress shapes", rule
 * sets those do not generate). A set's size is what its rules cost toward
 * EC2's rules-per-group quota: one per rule, a prefix list's max entries
 * for a rule that references one. */
#ifndef ENI_BENCH_SHAPES_H
#define ENI_BENCH_SHAPES_H

#include <stdbool.h>
#include <stdint.h>

/* What a rule matches the remote address against (eni_peer_kind's values). */
enum { SH_CIDR = 1, SH_GROUP = 2, SH_PLIST = 3 };

/* A prefix: network-order bytes (IPv4 in the first 4), host bits clear. */
struct sh_prefix {
    uint8_t a[16];
    uint8_t len;
};

/* One inbound security-group rule, as eni_sg_rule_spec says it: protocol -1
 * for all; from/to a TCP/UDP port range, or an ICMP type and code (-1 any),
 * or -1/-1 for protocols without ports. */
struct sh_rule {
    int32_t proto, from, to;
    uint32_t kind; /* SH_* */
    uint32_t ref;  /* the group (SH_GROUP) or prefix list (SH_PLIST), by index */
    struct sh_prefix cidr; /* SH_CIDR */
};

/* A referenced group's member addresses (/32 or /128), or a prefix list's entries. */
struct sh_list {
    uint32_t n;
    struct sh_prefix *v;
};

/* One inbound network-ACL entry: ports (TCP/UDP) or ICMP type/code as in a
 * rule (-1 any), in rule-number order. */
struct sh_acl_entry {
    uint32_t number;
    bool allow;
    int32_t proto, from, to;
    struct sh_prefix cidr;
};

/* One inbound packet to the interface, from src. For ICMP the identifier is
 * the source port (a query's flow key); ports are 0 for other protocols. */
struct sh_pkt {
    uint8_t proto, icmp_type, icmp_code;
    uint16_t sport, dport;
    uint8_t src[16];
};

struct shape_set {
    char name[24];
    unsigned family; /* 4 or 6 */
    uint32_t size;   /* quota cost of the rules */
    struct sh_rule *rules;
    uint32_t nrules;
    struct sh_list *groups; /* referenced groups, by SH_GROUP's ref */
    uint32_t ngroups;
    struct sh_list *lists;  /* prefix lists, by SH_PLIST's ref */
    uint32_t nlists;
    struct sh_acl_entry *acl; /* the subnet's inbound ACL entries; 0: the VPC's default ACL */
    uint32_t nacl;
    struct sh_pkt *pkts;
    uint32_t npkts;
};

/* Where the host lives, so that no packet comes from the interface's own
 * subnet (which the network ACL does not filter) or from a VPC service
 * address (which groups do not filter). host.c builds the VPC from these. */
#define SH_VPC4 "10.0.0.0/16"
#define SH_SUBNET4 "10.0.1.0/24"
#define SH_VPC6 "2001:db8::/56"
#define SH_SUBNET6 "2001:db8:0:1::/64"

/* The shape names, in the order the bench runs them: the first
 * shape_count are the standard shapes (a default run), the rest up to
 * shape_count_all the stress shapes (--stress). */
extern const char *const shape_names[];
extern const uint32_t shape_count, shape_count_all;
/* At least shape_count_all: the size of a program's per-shape arrays. */
enum { SHAPE_MAX = 32 };

/* The index of `name` in shape_names, or -1 for no shape. */
int shape_index(const char *name);

/* Generate shape `name` at `size` (quota cost, 1..1000) with `npkts`
 * packets; the same name, size and packet count give the same set. */
void shape_make(struct shape_set *s, const char *name, uint32_t size, uint32_t npkts);
void shape_free(struct shape_set *s);

/* The rule's or entry's remote prefixes, expanded: the CIDR, or the
 * group's members, or the list's entries. */
const struct sh_prefix *shape_rule_prefixes(const struct shape_set *s, const struct sh_rule *r,
                                            uint32_t *n);

/* Does `p` fall in `x` (family `fam`)? */
bool sh_prefix_has(const struct sh_prefix *x, const uint8_t *p, unsigned fam);

/* A prefix as text ("172.16.4.0/22", "2600:1f00::/40"); buf holds 64 bytes. */
const char *sh_prefix_str(const struct sh_prefix *x, unsigned fam, char *buf);

#endif
