/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The classifier against a brute-force oracle (ec2-semantics.md 5.1, 5.2).
 *
 * Each round authorizes a random set of inbound rules (TCP, UDP, all
 * traffic; single ports, ranges, all ports; narrow CIDRs, /0 and ::/0),
 * sometimes with an all-traffic ::/0 egress rule, and asks eni_eval_explain
 * about random packets, fragments included. The oracle is written from the
 * rules as authorized, not from the compiled tables: a packet is allowed
 * when some rule's protocol, ports and CIDR fit it, and untracked when such
 * a rule allows all addresses and egress allows all traffic to all
 * addresses of the family. Small sets are judged by scanning and large ones
 * through the port index, so both paths meet the same oracle. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>

#include "eval/classify.h"
#include "eval/eval_host.h"
#include "test_helpers.h"

struct orule {
    int proto; /* 6, 17 or -1 */
    int from, to;
    unsigned family;
    uint8_t addr[16];
    unsigned len;
    eni_sg_rule_id id;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
    return (uint32_t)((test_xorshift64(&rng) >> 16) % n);
}

static bool prefix_has(const uint8_t *net, unsigned len, const uint8_t *a)
{
    for (unsigned bit = 0; bit < len; bit++) {
        unsigned m = 0x80u >> (bit % 8);
        if ((net[bit / 8] & m) != (a[bit / 8] & m))
            return false;
    }
    return true;
}

struct world {
    eni_ctx *ctx;
    eni_sg_id sg;
    eni_nic_id nic;
    uint8_t ip4[4], ip6[16];
};

static void world_new(struct world *w)
{
    struct eval_host h;
    eval_host_new(&h, NULL, "fuzz");
    w->ctx = h.ctx, w->sg = h.group, w->nic = h.nic;
    eni_quotas q = {.size = sizeof q, .rules_per_group = 200, .groups_per_nic = 5};
    assert_eni_ok(eni_ctx_set_quotas(w->ctx, &q)); /* 5 x 200 = EC2's 1000 */
    char ip4[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
    eval_host_addresses(&h, ip4, ip6);
    assert_int_equal(inet_pton(AF_INET, ip4, w->ip4), 1);
    assert_int_equal(inet_pton(AF_INET6, ip6, w->ip6), 1);
}

/* Peers come from two small blocks per family so that rules overlap, and
 * now and then from the ends and the middle of the address space (where
 * the classifier's index windows and first/last intervals are). */
static void random_addr(unsigned family, uint8_t *out)
{
    memset(out, 0, 16);
    unsigned bytes = family == 4 ? 4 : 16;
    if (rnd(10) == 0) {
        switch (rnd(4)) {
        case 0: /* 0.0.0.0, ::, or just above */
            out[bytes - 1] = (uint8_t)rnd(2);
            break;
        case 1: /* the top address, or just below */
            memset(out, 0xff, bytes);
            out[bytes - 1] = (uint8_t)(0xff - rnd(2));
            break;
        default: /* either side of the middle */
            if (rnd(2))
                out[0] = 0x80;
            else
                memset(out, 0xff, bytes), out[0] = 0x7f;
            break;
        }
        return;
    }
    if (family == 4) {
        out[0] = 198, out[1] = 51, out[2] = (uint8_t)(100 + rnd(2)), out[3] = (uint8_t)rnd(256);
    } else {
        out[0] = 0x20, out[1] = 0x01, out[2] = 0x0d, out[3] = 0xb8, out[4] = 0xbe,
        out[5] = (uint8_t)rnd(2);
        out[15] = (uint8_t)rnd(256);
    }
}

static bool random_rule(struct world *w, struct orule *r)
{
    r->family = rnd(3) ? 4 : 6;
    uint32_t k = rnd(10);
    r->proto = k < 6 ? 6 : k < 9 ? 17 : -1;
    static const int common[] = {22, 80, 443, 8080};
    uint32_t shape = rnd(10);
    if (r->proto == -1 || shape == 0) {
        r->from = 0, r->to = 65535;
    } else if (shape < 6) {
        r->from = r->to = rnd(2) ? common[rnd(4)] : (int)(1000 + rnd(40));
    } else {
        r->from = (int)(1000 + rnd(40));
        r->to = r->from + (int)rnd(30);
    }
    random_addr(r->family, r->addr);
    unsigned bits = r->family == 4 ? 32 : 128;
    r->len = rnd(12) == 0 ? 0 : bits - rnd(9);
    for (unsigned bit = r->len; bit < bits; bit++) /* clear the host bits */
        r->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
    char text[INET6_ADDRSTRLEN], cidr[INET6_ADDRSTRLEN + 4];
    inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->addr, text, sizeof text);
    snprintf(cidr, sizeof cidr, "%s/%u", text, r->len);
    eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
    s.protocol = r->proto;
    s.from_port = r->proto == -1 ? -1 : r->from;
    s.to_port = r->proto == -1 ? -1 : r->to;
    s.peer_kind = ENI_PEER_CIDR;
    s.cidr = cidr;
    int rc = eni_sg_authorize(w->ctx, w->sg, ENI_INGRESS, &s, 1, &r->id);
    if (rc == ENI_EEXIST)
        return false; /* the same rule drawn twice */
    assert_eni_ok(rc);
    return true;
}

static bool rule_allows(const struct orule *r, const eni_pkt *p)
{
    if (r->family != p->family || (r->proto != -1 && r->proto != p->proto))
        return false;
    bool all_ports = r->from == 0 && r->to == 65535;
    if (p->flags & ENI_PKT_FRAGMENT ? !all_ports : (p->dport < r->from || p->dport > r->to))
        return false;
    return prefix_has(r->addr, r->len, p->src);
}

static void one_round(unsigned nrules)
{
    struct world w;
    world_new(&w);
    bool egress6_open = rnd(2);
    if (!egress6_open) { /* a new group of an IPv6 VPC starts with it (section 4.2) */
        eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
        s.protocol = ENI_PROTO_ALL;
        s.peer_kind = ENI_PEER_CIDR;
        s.cidr = "::/0";
        assert_eni_ok(eni_sg_revoke(w.ctx, w.sg, ENI_EGRESS, &s, 1));
    }
    struct orule *rules = calloc(nrules, sizeof *rules);
    unsigned n = 0;
    for (unsigned i = 0; i < nrules; i++)
        if (random_rule(&w, &rules[n]))
            n++;
    for (int i = 0; i < 400; i++) {
        eni_pkt p;
        memset(&p, 0, sizeof p);
        p.family = (uint8_t)(rnd(3) ? 4 : 6);
        p.proto = (uint8_t)(rnd(4) ? 6 : 17);
        if (rnd(10) == 0) {
            p.flags = ENI_PKT_FRAGMENT;
        } else {
            p.sport = (uint16_t)(1024 + rnd(60000));
            p.dport = (uint16_t)(rnd(4) ? 1000 + rnd(80) : rnd(65536));
            if (rnd(4) == 0)
                p.dport = (uint16_t)(rnd(2) ? 80 : 443);
        }
        p.tcp_flags = p.proto == 6 ? 0x02 : 0;
        random_addr(p.family, p.src);
        memcpy(p.dst, p.family == 4 ? w.ip4 : w.ip6, p.family == 4 ? 4 : 16);
        p.len = 60;

        bool allowed = false, open = false;
        for (unsigned r = 0; r < n; r++)
            if (rule_allows(&rules[r], &p)) {
                allowed = true;
                open |= rules[r].len == 0;
            }
        bool reverse_open = p.family == 4 || egress6_open; /* the default egress is IPv4 only */
        uint8_t want = !allowed ? ENI_REASON_NO_RULE
                       : open && reverse_open ? ENI_REASON_UNTRACKED
                                              : ENI_REASON_RULE;
        eni_verdict v;
        assert_eni_ok(eni_eval_explain(w.ctx, w.nic, ENI_DIR_INBOUND, &p, 0, &v, NULL, 0));
        if (v.reason != want)
            fail_msg("round of %u rules, packet %d: family %u proto %u dport %u frag %u: "
                     "reason %u, the oracle says %u",
                     n, i, p.family, p.proto, p.dport, p.flags, v.reason, want);
        if (allowed) { /* the rule named is one that allows the packet */
            bool found = false;
            for (unsigned r = 0; r < n; r++)
                found |= rules[r].id.v == v.rule.v && rule_allows(&rules[r], &p);
            assert_true(found);
            assert_int_equal(v.group.v, w.sg.v);
        }
    }
    free(rules);
    eni_ctx_free(w.ctx);
}

static void test_s5_classifier_matches_oracle_few_rules(void **state)
{
    (void)state;
    for (int round = 0; round < 40; round++)
        one_round(1 + rnd(6)); /* judged by scanning the entries */
}

static void test_s5_classifier_matches_oracle_many_rules(void **state)
{
    (void)state;
    for (int round = 0; round < 25; round++)
        one_round(8 + rnd(120)); /* through the port index */
}

/* One rule of `proto` (all ports) from `cidr`. */
static void allow_from(struct world *w, int proto, const char *cidr)
{
    eni_sg_rule_spec s = ENI_SG_RULE_SPEC_INIT;
    s.protocol = proto;
    s.peer_kind = ENI_PEER_CIDR;
    s.cidr = cidr;
    eni_sg_rule_id id;
    assert_eni_ok(eni_sg_authorize(w->ctx, w->sg, ENI_INGRESS, &s, 1, &id));
}

/* explain's reason for an inbound packet of `proto` from `src`. */
static uint8_t reason_from(struct world *w, unsigned family, uint8_t proto, const char *src)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = (uint8_t)family;
    p.proto = proto;
    p.len = 60;
    assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, src, p.src), 1);
    memcpy(p.dst, family == 4 ? w->ip4 : w->ip6, family == 4 ? 4 : 16);
    eni_verdict v;
    assert_eni_ok(eni_eval_explain(w->ctx, w->nic, ENI_DIR_INBOUND, &p, 0, &v, NULL, 0));
    return v.reason;
}

/* Large per-protocol sets go through a bucket index over their intervals'
 * starts (lib/eval/jump.h), built per set a lookup reads; a set equal to
 * the all-protocol set borrows that set's index. 40 all-traffic rules
 * from single addresses make the all-protocol set large; GRE's rules add
 * a network outside it (its own index), ESP's one inside it (the same set:
 * a borrowed index); protocol 99 has no rule (the all-protocol set). Each
 * is asked about an address of its own set, of the all-protocol set, and
 * of neither, in both families. */
static void test_s5_large_protocol_sets_through_their_index(void **state)
{
    (void)state;
    struct world w;
    world_new(&w);
    char cidr[64];
    for (int k = 0; k < 40; k++) {
        snprintf(cidr, sizeof cidr, "198.51.100.%d/32", 2 * k + 2);
        allow_from(&w, ENI_PROTO_ALL, cidr);
        snprintf(cidr, sizeof cidr, "2001:db8:be00::%x/128", 2 * k + 2);
        allow_from(&w, ENI_PROTO_ALL, cidr);
    }
    allow_from(&w, 47, "203.0.113.0/24");
    allow_from(&w, 47, "2001:db8:cafe::/48");
    allow_from(&w, 50, "198.51.100.2/32");
    allow_from(&w, 50, "2001:db8:be00::2/128");
    static const struct {
        uint8_t proto;
        const char *src4, *src6;
        uint8_t want;
    } cases[] = {
        {47, "203.0.113.7", "2001:db8:cafe::7", ENI_REASON_RULE},  /* GRE's own network */
        {47, "198.51.100.80", "2001:db8:be00::50", ENI_REASON_RULE}, /* the all-protocol set */
        {47, "198.51.100.3", "2001:db8:be00::3", ENI_REASON_NO_RULE}, /* between its members */
        {50, "198.51.100.2", "2001:db8:be00::2", ENI_REASON_RULE},
        {50, "198.51.100.42", "2001:db8:be00::2a", ENI_REASON_RULE},
        {50, "203.0.113.7", "2001:db8:cafe::7", ENI_REASON_NO_RULE}, /* GRE's, not ESP's */
        {99, "198.51.100.4", "2001:db8:be00::4", ENI_REASON_RULE},
        {99, "203.0.113.7", "2001:db8:cafe::7", ENI_REASON_NO_RULE},
        {99, "192.0.2.1", "2001:db8:1::1", ENI_REASON_NO_RULE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (reason_from(&w, 4, cases[i].proto, cases[i].src4) != cases[i].want)
            fail_msg("case %zu: proto %u from %s", i, cases[i].proto, cases[i].src4);
        if (reason_from(&w, 6, cases[i].proto, cases[i].src6) != cases[i].want)
            fail_msg("case %zu: proto %u from %s", i, cases[i].proto, cases[i].src6);
    }
    eni_ctx_free(w.ctx);
}

/* A key index whose bit rows would pass their limit keeps each segment's
 * set as sorted intervals; IPv6 lookups then go through
 * eni__cls_lists_match6: the segment's set, then the all-key set (the
 * only one a fragment, which has no port, is asked about). Built by hand:
 * ports 1000-1999 allow 2001:db8::/64, every port 2001:db8:1::5. */
static void test_s5_ipv6_key_index_without_rows(void **state)
{
    (void)state;
    struct cls_keys *K = calloc(1, sizeof *K);
    assert_non_null(K);
    for (uint32_t key = 0; key < 65536; key++) /* segments 0, 1, 2 */
        K->seg_off[key] = (uint8_t)(key < 1000 ? 0 : key < 2000 ? 1 : 2);
    struct cls_seg segs[3] = {{0, 0, 0}, {0, 1, 0}, {0, 0, 0}};
    struct cls_iv iv[2] = {
        {0x20010db800000000ull, 0, 0x20010db800000000ull, UINT64_MAX},
        {0x20010db800010000ull, 5, 0x20010db800010000ull, 5},
    };
    K->segs = segs;
    K->n_segs = 3;
    K->iv = iv;
    K->n_iv = 2;
    K->full = (struct cls_seg){1, 1, 0};
    static const struct {
        uint16_t dport;
        bool frag;
        uint64_t lo; /* low word; the high word is 2001:db8::/64's, or 2001:db8:1::'s for lo 5 */
        bool want;
    } cases[] = {
        {1500, false, 9, true},  {80, false, 9, false}, {2000, false, 9, false},
        {80, false, 5, true},    {1500, false, 5, true}, {0, true, 9, false},
        {0, true, 5, true},      {999, false, 9, false}, {1000, false, 9, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        eni_pkt p;
        memset(&p, 0, sizeof p);
        p.family = 6;
        p.proto = 6;
        p.dport = cases[i].dport;
        p.flags = cases[i].frag ? ENI_PKT_FRAGMENT : 0;
        uint64_t hi = cases[i].lo == 5 ? 0x20010db800010000ull : 0x20010db800000000ull;
        bool open = true;
        bool got = eni__cls_lists_match6(K, &p, hi, cases[i].lo, &open);
        if (got != cases[i].want)
            fail_msg("case %zu: port %u frag %d", i, cases[i].dport, cases[i].frag);
        if (got)
            assert_false(open);
    }
    segs[1].open = 1; /* a /0 rule among the segment's: it says so */
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 6;
    p.proto = 6;
    p.dport = 1500;
    bool open = false;
    assert_true(eni__cls_lists_match6(K, &p, 0x20010db800000000ull, 9, &open));
    assert_true(open);
    free(K);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s5_classifier_matches_oracle_few_rules),
        cmocka_unit_test(test_s5_classifier_matches_oracle_many_rules),
        cmocka_unit_test(test_s5_large_protocol_sets_through_their_index),
        cmocka_unit_test(test_s5_ipv6_key_index_without_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
