/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The rule-set and packet generator of shapes.h. Every choice draws from
 * one seeded generator per set, so a set depends only on its name, size
 * and packet count, never on what ran before it. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shapes.h"

const char *const shape_names[] = {
    "tcpudp",    "mix",    "icmp",    "all",    "groupref",    "prefixlist",    "acl",
    "v6-tcpudp", "v6-mix", "v6-icmp", "v6-all", "v6-groupref", "v6-prefixlist", "v6-acl",
    /* the stress shapes (--stress) */
    "ranges",    "hosts",    "protos",    "icmptypes",    "cluster",    "sameport",
    "v6-ranges", "v6-hosts", "v6-protos", "v6-icmptypes", "v6-cluster", "v6-sameport",
};
const uint32_t shape_count = 14; /* the standard shapes: the entries before the stress ones */
const uint32_t shape_count_all = sizeof shape_names / sizeof shape_names[0];
_Static_assert(sizeof shape_names / sizeof shape_names[0] <= SHAPE_MAX, "raise SHAPE_MAX");

int shape_index(const char *name)
{
    for (uint32_t i = 0; i < shape_count_all; i++)
        if (!strcmp(name, shape_names[i]))
            return (int)i;
    return -1;
}

/* ---- the generator -------------------------------------------------------- */

struct gen {
    uint64_t s;
    unsigned fam;
};

static uint32_t rn(struct gen *g, uint32_t n)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return n ? (uint32_t)((g->s >> 16) % n) : 0;
}

static void rand_bytes(struct gen *g, uint8_t *a, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++)
        a[i] = (uint8_t)rn(g, 256);
}

static void clear_host_bits(struct sh_prefix *x, unsigned fam)
{
    unsigned bits = fam == 4 ? 32 : 128;
    for (unsigned i = x->len; i < bits; i++)
        x->a[i / 8] &= (uint8_t) ~(0x80u >> (i % 8));
    if (fam == 4)
        memset(x->a + 4, 0, 12);
}

bool sh_prefix_has(const struct sh_prefix *x, const uint8_t *p, unsigned fam)
{
    (void)fam;
    unsigned full = x->len / 8, rest = x->len % 8;
    if (memcmp(x->a, p, full) != 0)
        return false;
    return !rest || ((x->a[full] ^ p[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

const char *sh_prefix_str(const struct sh_prefix *x, unsigned fam, char *buf)
{
    char ip[INET6_ADDRSTRLEN];
    inet_ntop(fam == 4 ? AF_INET : AF_INET6, x->a, ip, sizeof ip);
    snprintf(buf, 64, "%s/%u", ip, x->len);
    return buf;
}

/* Where rule CIDRs are drawn from: the private ranges and public space in
 * the proportions seen in real groups. Packets that miss come from here too
 * (so that they are near the rules), and from anywhere. */
static void rand_universe(struct gen *g, uint8_t *a)
{
    memset(a, 0, 16);
    uint32_t k = rn(g, 100);
    if (g->fam == 4) {
        rand_bytes(g, a, 0, 4);
        if (k < 40)
            a[0] = 172, a[1] = (uint8_t)(16 | (a[1] & 15));
        else if (k < 65)
            a[0] = 10;
        else if (k < 75)
            a[0] = 192, a[1] = 168;
        else
            a[0] = (uint8_t)(11 + rn(g, 116)); /* public unicast below 127, none of the above */
        return;
    }
    rand_bytes(g, a, 0, 16);
    if (k < 40)
        a[0] = 0x26, a[1] = 0x00, a[2] = 0x1f;
    else if (k < 60)
        a[0] = 0xfd, a[1] = (uint8_t)(a[1] | 1); /* ULA, never fd00:ec2:: */
    else if (k < 75)
        a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
    else
        a[0] = (uint8_t)(0x20 | (a[0] & 0x1f)); /* 2000::/3 */
}

static void rand_anywhere(struct gen *g, uint8_t *a)
{
    memset(a, 0, 16);
    rand_bytes(g, a, 0, g->fam == 4 ? 4 : 16);
    if (g->fam == 4)
        a[0] = (uint8_t)(1 + rn(g, 222));
    else
        a[0] = (uint8_t)(0x20 | (a[0] & 0x1f));
}

/* Sources no packet may have: the interface's subnet (not filtered by the
 * network ACL), VPC service addresses (not filtered by groups), and
 * addresses that are not unicast. */
static bool excluded(const uint8_t *a, unsigned fam)
{
    if (fam == 4)
        return (a[0] == 10 && a[1] == 0 && (a[2] == 1 || (a[2] == 0 && a[3] == 2))) ||
               (a[0] == 169 && a[1] == 254) || a[0] == 0 || a[0] == 127 || a[0] >= 224;
    static const uint8_t sub6[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1};
    static const uint8_t svc6[4] = {0xfd, 0x00, 0x0e, 0xc2};
    return !memcmp(a, sub6, 8) || !memcmp(a, svc6, 4) || a[0] == 0xff || a[0] == 0;
}

/* Prefix lengths "from /0 to /32" as groups use them: mostly single hosts
 * and /16../24 networks, a few very wide ones. `min` clips the wide end. */
static uint8_t rand_len(struct gen *g, unsigned min)
{
    uint32_t k = rn(g, 100);
    unsigned len;
    if (g->fam == 4)
        len = k < 3    ? 0
              : k < 5  ? 8
              : k < 8  ? 12
              : k < 20 ? 16
              : k < 28 ? 20
              : k < 53 ? 22 + rn(g, 3)
              : k < 65 ? 25 + rn(g, 7)
                       : 32;
    else
        len = k < 3    ? 0
              : k < 10 ? 32
              : k < 25 ? 48
              : k < 40 ? 56
              : k < 65 ? 64
              : k < 75 ? 80 + 8 * rn(g, 6)
                       : 128;
    return (uint8_t)(len < min ? min : len);
}

static struct sh_prefix rand_prefix(struct gen *g, unsigned min_len)
{
    struct sh_prefix x;
    rand_universe(g, x.a);
    x.len = rand_len(g, min_len);
    clear_host_bits(&x, g->fam);
    return x;
}

/* The shortest prefix a rule open to many ports may have: wide sources get
 * single ports ("443 from 0.0.0.0/0"), so that most traffic still misses. */
static unsigned narrow(const struct gen *g)
{
    return g->fam == 4 ? 16 : 48;
}

/* ---- rules ----------------------------------------------------------------- */

static const uint16_t tcp_common[] = {22,  80,   443,  3306, 5432, 6379,  8080, 8443, 9092, 27017,
                                      25,  587,  993,  3389, 9200, 11211, 2049, 5672, 9090, 8000};
static const uint16_t udp_common[] = {53,   123,  161,   500,  514, 1194, 4500, 5353,
                                      3478, 1812, 51820, 67,   69,  137,  443,  8125};
static const uint16_t ranges[][2] = {
    {1024, 65535}, {32768, 60999}, {49152, 65535}, {8000, 8999}, {30000, 32767}};

/* ICMP types with how many codes each has (RFC 792 and successors; RFC 4443). */
struct icmp_type {
    uint8_t type, codes;
};
static const struct icmp_type icmp4[] = {{0, 1}, {3, 16}, {4, 1},  {5, 4},  {8, 1},
                                         {9, 1}, {10, 1}, {11, 2}, {12, 3}, {13, 1},
                                         {14, 1}, {17, 1}, {18, 1}};
static const struct icmp_type icmp6[] = {{1, 7},   {2, 1},   {3, 2},   {4, 3},   {128, 1},
                                         {129, 1}, {133, 1}, {134, 1}, {135, 1}, {136, 1},
                                         {137, 1}, {139, 3}, {140, 3}, {143, 1}};

static const struct icmp_type *icmp_table(const struct gen *g, uint32_t *n)
{
    *n = g->fam == 4 ? sizeof icmp4 / sizeof icmp4[0] : sizeof icmp6 / sizeof icmp6[0];
    return g->fam == 4 ? icmp4 : icmp6;
}

static int32_t icmp_proto(const struct gen *g)
{
    return g->fam == 4 ? 1 : 58;
}

static void rand_ports(struct gen *g, int32_t proto, bool wide_source, int32_t *from, int32_t *to)
{
    const uint16_t *common = proto == 6 ? tcp_common : udp_common;
    uint32_t ncommon = proto == 6 ? sizeof tcp_common / 2 : sizeof udp_common / 2;
    uint32_t k = wide_source ? rn(g, 65) : rn(g, 100);
    if (k < 45) {
        *from = *to = common[rn(g, ncommon)];
    } else if (k < 65) {
        *from = *to = (int32_t)(1024 + rn(g, 64512));
    } else if (k < 75) {
        const uint16_t *r = ranges[rn(g, sizeof ranges / sizeof ranges[0])];
        *from = r[0], *to = r[1];
    } else if (k < 90) {
        *from = (int32_t)(1024 + rn(g, 60000));
        *to = *from + (int32_t)rn(g, 2000);
    } else {
        *from = 0, *to = 65535;
    }
}

/* ICMP type and code: all types (-1/-1), one type (t/-1), or one code, in
 * the proportions all_pct, type_pct and the rest. */
static void rand_icmp(struct gen *g, uint32_t all_pct, uint32_t type_pct, int32_t *from, int32_t *to)
{
    uint32_t n, k = rn(g, 100);
    const struct icmp_type *t = icmp_table(g, &n);
    const struct icmp_type *x = &t[rn(g, n)];
    if (k < all_pct)
        *from = *to = -1;
    else if (k < all_pct + type_pct)
        *from = x->type, *to = -1;
    else
        *from = x->type, *to = (int32_t)rn(g, x->codes);
}

/* Protocol mixes by shape: TCP, UDP, ICMP, all traffic (percent), and how
 * ICMP rules split into all types / one type / one code. */
struct mix {
    uint8_t tcp, udp, icmp, all;
    uint8_t icmp_all, icmp_type;
};
static const struct mix mix_tcpudp = {80, 20, 0, 0, 0, 0}, mix_mix = {60, 25, 10, 5, 40, 30},
                        mix_icmp = {15, 5, 80, 0, 20, 40}, mix_all = {15, 5, 0, 80, 0, 0},
                        mix_ref = {50, 20, 15, 15, 40, 30};

/* A rule's protocol and ports (or type/code) drawn from `m`, for a source of length `len`. */
static void rand_proto(struct gen *g, const struct mix *m, unsigned len, struct sh_rule *r)
{
    uint32_t k = rn(g, 100), tcp = m->tcp, udp = tcp + m->udp, icmp = udp + m->icmp;
    bool wide = len < narrow(g);
    if (k < udp) {
        r->proto = k < tcp ? 6 : 17;
        rand_ports(g, r->proto, wide, &r->from, &r->to);
    } else if (k < icmp) {
        r->proto = icmp_proto(g);
        rand_icmp(g, m->icmp_all, m->icmp_type, &r->from, &r->to);
    } else {
        r->proto = -1, r->from = r->to = -1;
    }
}

/* CIDR rules: all-traffic rules are never wider than narrow(), or one rule
 * would allow nearly every packet. */
static void cidr_rules(struct gen *g, struct shape_set *s, const struct mix *m)
{
    s->nrules = s->size;
    s->rules = calloc(s->nrules, sizeof *s->rules);
    for (uint32_t i = 0; i < s->nrules; i++) {
        struct sh_rule *r = &s->rules[i];
        r->kind = SH_CIDR;
        r->cidr = rand_prefix(g, 0);
        if (m == &mix_tcpudp) { /* the first bench's set: /16../32 (/48../128), evenly */
            rand_universe(g, r->cidr.a);
            r->cidr.len = (uint8_t)(g->fam == 4 ? 16 + rn(g, 17) : 48 + 8 * rn(g, 11));
            clear_host_bits(&r->cidr, g->fam);
        }
        rand_proto(g, m, r->cidr.len, r);
        if (r->proto == -1 && r->cidr.len < narrow(g)) {
            uint8_t keep = r->cidr.len;
            rand_universe(g, r->cidr.a);
            r->cidr.len = (uint8_t)(narrow(g) + (keep ? rn(g, 9) : 0));
            clear_host_bits(&r->cidr, g->fam);
        }
    }
}

/* A member address of a referenced group: private addresses of the VPC
 * (10.0.64.0/18, 2001:db8:0:40::/58), outside the interface's subnet,
 * distinct for distinct k. */
static struct sh_prefix member(struct gen *g, uint32_t k)
{
    struct sh_prefix x;
    memset(&x, 0, sizeof x);
    if (g->fam == 4) {
        uint32_t i = (k * 7919u) % (64 * 254); /* 7919 is prime to 64 * 254: no repeats */
        x.a[0] = 10, x.a[2] = (uint8_t)(64 + i / 254), x.a[3] = (uint8_t)(1 + i % 254);
        x.len = 32;
    } else {
        x.a[0] = 0x20, x.a[1] = 0x01, x.a[2] = 0x0d, x.a[3] = 0xb8;
        x.a[7] = (uint8_t)(0x40 + k % 64);
        rand_bytes(g, x.a, 8, 14);
        x.a[14] = (uint8_t)(k >> 8), x.a[15] = (uint8_t)k;
        x.len = 128;
    }
    return x;
}

/* groupref: every rule references one of 40 groups whose members hold 1000
 * addresses in all (a few large groups, many small ones). */
static void group_rules(struct gen *g, struct shape_set *s)
{
    enum { GROUPS = 40, MEMBERS = 1000, MIN = 5 };
    uint32_t sizes[GROUPS];
    for (uint32_t i = 0; i < GROUPS; i++)
        sizes[i] = MIN;
    for (uint32_t i = 0; i < MEMBERS - GROUPS * MIN; i++) {
        uint32_t a = rn(g, GROUPS), b = rn(g, GROUPS);
        sizes[a < b ? a : b]++;
    }
    s->ngroups = GROUPS;
    s->groups = calloc(GROUPS, sizeof *s->groups);
    for (uint32_t i = 0, k = 0; i < GROUPS; i++) {
        s->groups[i].n = sizes[i];
        s->groups[i].v = calloc(sizes[i], sizeof *s->groups[i].v);
        for (uint32_t j = 0; j < sizes[i]; j++)
            s->groups[i].v[j] = member(g, k++);
    }
    s->nrules = s->size;
    s->rules = calloc(s->nrules, sizeof *s->rules);
    for (uint32_t i = 0; i < s->nrules; i++) {
        s->rules[i].kind = SH_GROUP;
        s->rules[i].ref = rn(g, GROUPS);
        rand_proto(g, &mix_ref, 128, &s->rules[i]);
    }
}

/* prefixlist: rules whose peer is a managed prefix list of up to 100
 * entries, each list referenced once; a rule costs its list's max entries,
 * so the set's size is the sum of the lists' sizes. */
static void list_rules(struct gen *g, struct shape_set *s)
{
    uint32_t per = s->size < 100 ? s->size : 100;
    s->nlists = s->nrules = s->size / per;
    s->lists = calloc(s->nlists, sizeof *s->lists);
    s->rules = calloc(s->nrules, sizeof *s->rules);
    for (uint32_t i = 0; i < s->nlists; i++) {
        struct sh_list *l = &s->lists[i];
        l->v = calloc(per, sizeof *l->v);
        while (l->n < per) { /* distinct entries (EC2 refuses a repeated one) */
            struct sh_prefix x = rand_prefix(g, narrow(g));
            bool dup = false;
            for (uint32_t j = 0; j < l->n && !dup; j++)
                dup = l->v[j].len == x.len && !memcmp(l->v[j].a, x.a, 16);
            if (!dup)
                l->v[l->n++] = x;
        }
        s->rules[i].kind = SH_PLIST;
        s->rules[i].ref = i;
        rand_proto(g, &mix_ref, 128, &s->rules[i]);
    }
}

/* acl: a subnet's inbound network ACL of 19..39 numbered entries (the
 * implicit deny makes 20..40, EC2's range): deny entries for bad ranges and
 * ports, allow entries for services and return traffic, and a last "allow
 * all" (deny lists first, then everything else: the usual custom ACL). */
static void acl_entries(struct gen *g, struct shape_set *s)
{
    static const uint16_t bad_tcp[] = {23, 445, 3389, 135, 139, 1433, 21, 25};
    s->nacl = 19 + rn(g, 21);
    s->acl = calloc(s->nacl, sizeof *s->acl);
    unsigned wide = g->fam == 4 ? 8 : 24, span = g->fam == 4 ? 16 : 40;
    for (uint32_t i = 0; i < s->nacl; i++) {
        struct sh_acl_entry *e = &s->acl[i];
        e->number = 100 + 10 * i;
        rand_universe(g, e->cidr.a);
        e->cidr.len = (uint8_t)(wide + rn(g, span + 1));
        e->from = e->to = -1;
        uint32_t k = rn(g, 100), sub = rn(g, 5);
        e->allow = k >= 35;
        if (i == s->nacl - 1) {
            e->allow = true, e->proto = -1, e->cidr.len = 0;
        } else if (!e->allow && sub < 2) {
            e->proto = -1;
        } else if (!e->allow && sub < 4) {
            e->proto = 6, e->from = e->to = bad_tcp[rn(g, 8)], e->cidr.len = 0;
        } else if (!e->allow) {
            e->proto = 17;
            e->from = (int32_t)(1024 + rn(g, 60000)), e->to = e->from + (int32_t)rn(g, 5000);
        } else if (sub == 0) {
            e->proto = 6, e->from = e->to = tcp_common[rn(g, 10)], e->cidr.len = 0;
        } else if (sub == 1) {
            e->proto = 6, e->from = 1024, e->to = 65535;
        } else if (sub == 2) {
            e->proto = 17, e->from = e->to = udp_common[rn(g, 8)];
        } else if (sub == 3) {
            e->proto = icmp_proto(g);
            rand_icmp(g, 30, 40, &e->from, &e->to);
        } else {
            e->proto = -1;
        }
        if (e->to > 65535)
            e->to = 65535;
        clear_host_bits(&e->cidr, g->fam);
    }
}

/* ---- stress shapes ---------------------------------------------------------- */

/* Rule sets the shapes above do not generate, of the kinds an independent
 * bench might write, to look for a slow shape before its users do
 * (docs/benchmarks.md, "Stress shapes"). Sources are no wider than
 * narrow() unless said otherwise, so most traffic still misses.
 *   ranges     TCP/UDP rules of arbitrary port ranges, narrow to all ports
 *   hosts      single-host sources (/32, /128), one high port each
 *   protos     rules for other IP protocols: IP-in-IP, IPv6-in-IPv4, GRE,
 *              ESP, AH, OSPF, PIM, VRRP, L2TP, SCTP, UDP-Lite, MPLS-in-IP
 *   icmptypes  ICMP (ICMPv6) rules of one type or one type and code, a
 *              third of them echo request
 *   cluster    sources packed into one /22 (one /64): host routes and
 *              small networks of one subnet, the mix's protocols
 *   sameport   TCP 443 alone, from each rule's own source */
static void stress_rules(struct gen *g, struct shape_set *s, const char *base)
{
    static const uint8_t other[] = {4, 41, 47, 50, 51, 89, 103, 112, 115, 132, 136, 137};
    unsigned full = g->fam == 4 ? 32 : 128;
    struct sh_prefix hub;
    do {
        rand_universe(g, hub.a);
        hub.len = (uint8_t)(g->fam == 4 ? 22 : 64);
        clear_host_bits(&hub, g->fam);
    } while (excluded(hub.a, g->fam));
    s->nrules = s->size;
    s->rules = calloc(s->nrules, sizeof *s->rules);
    for (uint32_t i = 0; i < s->nrules; i++) {
        struct sh_rule *r = &s->rules[i];
        r->kind = SH_CIDR;
        r->cidr = rand_prefix(g, narrow(g));
        if (!strcmp(base, "ranges")) {
            r->proto = rn(g, 2) ? 6 : 17;
            r->from = (int32_t)rn(g, 65536);
            r->to = r->from + (int32_t)rn(g, 65536 - (uint32_t)r->from);
        } else if (!strcmp(base, "hosts")) {
            rand_universe(g, r->cidr.a);
            r->cidr.len = (uint8_t)full;
            r->proto = rn(g, 2) ? 6 : 17;
            r->from = r->to = (int32_t)(1024 + rn(g, 64512));
        } else if (!strcmp(base, "protos")) {
            r->proto = other[rn(g, sizeof other)];
            r->from = r->to = -1;
        } else if (!strcmp(base, "icmptypes")) {
            r->proto = icmp_proto(g);
            rand_icmp(g, 0, 40, &r->from, &r->to);
            if (rn(g, 3) == 0) /* echo request: what pings, and starts a flow */
                r->from = g->fam == 4 ? 8 : 128, r->to = rn(g, 2) ? 0 : -1;
        } else if (!strcmp(base, "cluster")) {
            uint8_t rnd[16];
            rand_bytes(g, rnd, 0, 16);
            r->cidr = hub;
            for (unsigned b = hub.len; b < full; b++)
                r->cidr.a[b / 8] |= rnd[b / 8] & (uint8_t)(0x80u >> (b % 8));
            r->cidr.len = (uint8_t)(full - (rn(g, 4) ? 0 : 1 + rn(g, 6)));
            rand_proto(g, &mix_mix, r->cidr.len, r);
        } else { /* sameport */
            r->proto = 6;
            r->from = r->to = 443;
        }
        clear_host_bits(&r->cidr, g->fam);
    }
}

/* Is `base` (a name without its v6- prefix) a stress shape's? */
static bool stress_shape(const char *base)
{
    return shape_index(base) >= (int)shape_count;
}

/* ---- packets --------------------------------------------------------------- */

static uint8_t rand_other_proto(struct gen *g)
{
    static const uint8_t p[] = {47, 50, 132};
    return p[rn(g, 3)];
}

static void rand_icmp_pkt(struct gen *g, struct sh_pkt *p, int32_t type, int32_t code)
{
    uint32_t n;
    const struct icmp_type *t = icmp_table(g, &n);
    if (type < 0) /* most ICMP a host receives is echo */
        type = rn(g, 10) < 6 ? (g->fam == 4 ? 8 : 128) : t[rn(g, n)].type;
    uint8_t codes = 1;
    for (uint32_t i = 0; i < n; i++)
        if (t[i].type == type)
            codes = t[i].codes;
    p->icmp_type = (uint8_t)type;
    p->icmp_code = (uint8_t)(code >= 0 ? code : (int32_t)rn(g, codes));
}

/* Protocol, ports or type/code for a packet matching (proto, from, to) of a
 * rule or entry; proto -1 takes any protocol. */
static void aim_proto(struct gen *g, struct sh_pkt *p, int32_t proto, int32_t from, int32_t to)
{
    if (proto < 0) {
        uint32_t k = rn(g, 100);
        proto = k < 50 ? 6 : k < 75 ? 17 : k < 90 ? icmp_proto(g) : rand_other_proto(g);
        from = to = -1;
    }
    p->proto = (uint8_t)proto;
    if (proto == 6 || proto == 17)
        p->dport = from < 0 ? (uint16_t)rn(g, 65536) : (uint16_t)(from + (int32_t)rn(g, (uint32_t)(to - from) + 1));
    else if (proto == icmp_proto(g))
        rand_icmp_pkt(g, p, from, to);
}

static void random_pkt(struct gen *g, struct sh_pkt *p)
{
    uint32_t k = rn(g, 100);
    int32_t proto = k < 60 ? 6 : k < 85 ? 17 : k < 95 ? icmp_proto(g) : rand_other_proto(g);
    aim_proto(g, p, proto, -1, -1);
    if ((proto == 6 || proto == 17) && rn(g, 10) < 4)
        p->dport = proto == 6 ? tcp_common[rn(g, 20)] : udp_common[rn(g, 16)];
    do {
        if (rn(g, 2))
            rand_universe(g, p->src);
        else
            rand_anywhere(g, p->src);
    } while (excluded(p->src, g->fam));
}

/* A source inside x, host bits random; false when every try was excluded. */
static bool aim_src(struct gen *g, const struct sh_prefix *x, uint8_t *src)
{
    for (int tries = 0; tries < 16; tries++) {
        struct sh_prefix y = *x;
        uint8_t rnd[16];
        memset(rnd, 0, 16);
        rand_bytes(g, rnd, 0, g->fam == 4 ? 4 : 16);
        for (unsigned i = x->len; i < (g->fam == 4 ? 32u : 128u); i++)
            y.a[i / 8] |= rnd[i / 8] & (uint8_t)(0x80u >> (i % 8));
        if (!excluded(y.a, g->fam)) {
            memcpy(src, y.a, 16);
            return true;
        }
    }
    return false;
}

static void make_pkts(struct gen *g, struct shape_set *s)
{
    s->pkts = calloc(s->npkts, sizeof *s->pkts);
    uint32_t denies = 0;
    for (uint32_t i = 0; i < s->nacl; i++)
        denies += !s->acl[i].allow;
    for (uint32_t i = 0; i < s->npkts; i++) {
        struct sh_pkt *p = &s->pkts[i];
        /* a third aimed at the ACL's deny entries (the flood it stops), a
         * third (half without an ACL) at the rules, the rest anywhere */
        uint32_t k = rn(g, s->nacl ? 3 : 2);
        bool aimed = false;
        if (k == 2 && denies) {
            uint32_t d = rn(g, denies);
            const struct sh_acl_entry *e = s->acl;
            for (;; e++)
                if (!e->allow && d-- == 0)
                    break;
            aim_proto(g, p, e->proto, e->from, e->to);
            aimed = aim_src(g, &e->cidr, p->src);
        } else if (k == 0) {
            const struct sh_rule *r = &s->rules[rn(g, s->nrules)];
            uint32_t n;
            const struct sh_prefix *x = shape_rule_prefixes(s, r, &n);
            aim_proto(g, p, r->proto, r->from, r->to);
            aimed = aim_src(g, &x[rn(g, n)], p->src);
        }
        if (!aimed) {
            memset(p, 0, sizeof *p);
            random_pkt(g, p);
        }
        /* every packet its own flow (TCP, UDP, ICMP queries): a distinct
         * source port or identifier */
        p->sport = (uint16_t)(1024 + i % 64000);
    }
}

const struct sh_prefix *shape_rule_prefixes(const struct shape_set *s, const struct sh_rule *r,
                                            uint32_t *n)
{
    if (r->kind == SH_GROUP) {
        *n = s->groups[r->ref].n;
        return s->groups[r->ref].v;
    }
    if (r->kind == SH_PLIST) {
        *n = s->lists[r->ref].n;
        return s->lists[r->ref].v;
    }
    *n = 1;
    return &r->cidr;
}

void shape_make(struct shape_set *s, const char *name, uint32_t size, uint32_t npkts)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    const char *base = strncmp(name, "v6-", 3) ? name : name + 3;
    struct gen g = {0x9e3779b97f4a7c15ull ^ ((uint64_t)size << 32) ^ npkts, 4};
    for (const char *c = name; *c; c++) /* FNV-1a of the name */
        g.s = (g.s ^ (uint8_t)*c) * 0x100000001b3ull;
    g.fam = base == name ? 4 : 6;
    s->family = g.fam;
    s->size = size;
    s->npkts = npkts;
    if (!strcmp(base, "groupref"))
        group_rules(&g, s);
    else if (!strcmp(base, "prefixlist"))
        list_rules(&g, s);
    else if (stress_shape(base))
        stress_rules(&g, s, base);
    else
        cidr_rules(&g, s,
                   !strcmp(base, "tcpudp") ? &mix_tcpudp
                   : !strcmp(base, "icmp") ? &mix_icmp
                   : !strcmp(base, "all")  ? &mix_all
                                           : &mix_mix);
    if (!strcmp(base, "acl"))
        acl_entries(&g, s);
    make_pkts(&g, s);
}

void shape_free(struct shape_set *s)
{
    for (uint32_t i = 0; i < s->ngroups; i++)
        free(s->groups[i].v);
    for (uint32_t i = 0; i < s->nlists; i++)
        free(s->lists[i].v);
    free(s->groups), free(s->lists), free(s->rules), free(s->acl), free(s->pkts);
    memset(s, 0, sizeof *s);
}
