/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network ACLs in the evaluator (lib/eval/acl.c, acl.h), against
 * docs/ec2-sections.md section 9.5: stateless, lowest rule number first,
 * the implicit deny, inbound before the groups and outbound after them,
 * traffic inside the subnet and to the services not filtered; and section
 * 1.8's delegated prefixes as the interface's own addresses (the
 * source/destination check, group references). The interface under test is
 * the primary of a running m5.large in 10.0.1.0/24 (with an IPv6 /64) whose
 * group allows inbound TCP 22 and all outbound. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

#include "eval/eval_host.h"
#include "model/acl_fixture.h"
#include "test_helpers.h"

#define CLIENT "203.0.113.7"
#define IN ENI_DIR_INBOUND
#define OUT ENI_DIR_OUTBOUND
#define SYN 0x02
#define ACK 0x10

struct fx {
    struct eval_host h;
    char ip[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
    eni_acl_id acl; /* a custom ACL, associated with the host's subnet */
    eni_eval_worker *w;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eval_host_new(&f->h, NULL, "web");
    eval_host_addresses(&f->h, f->ip, f->ip6);
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "0.0.0.0/0");
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "::/0");
    f->acl = mk_acl(f->h.ctx, f->h.vpc);
    assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet, f->acl));
    assert_eni_ok(eni_eval_worker_new(f->h.ctx, &f->w));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eval_host_free(&f->h, f->w);
    free(f);
    return 0;
}

#define pkt(...) eval_host_pkt(__VA_ARGS__)

/* A burst of one, and explain's answer for the same packet beforehand: both
 * must agree on the reason (explain commits nothing). */
static eni_verdict eval(struct fx *f, uint32_t dir, eni_pkt p, uint64_t now)
{
    eni_verdict e, v;
    char text[256];
    assert_eni_ok(eni_eval_explain(f->h.ctx, f->h.nic, dir, &p, now, &e, text, sizeof text));
    assert_eni_ok(eni_eval_burst(f->w, f->h.nic, dir, &p, 1, now, 0, &v));
    if (e.reason != v.reason)
        fail_msg("explain said %s (%s), the burst %s", eni_reason_name(e.reason), text,
                 eni_reason_name(v.reason));
    return v;
}

/* explain's sentence for p names the fixture's ACL and then `rule`. */
static void assert_denied_by(struct fx *f, uint32_t dir, eni_pkt p, const char *rule)
{
    eni_verdict v;
    char text[256], id[ENI_ID_STRING_MAX], want[160];
    assert_eni_ok(eni_eval_explain(f->h.ctx, f->h.nic, dir, &p, 1, &v, text, sizeof text));
    assert_eni_ok(eni_id_format(f->h.ctx, f->acl.v, id, sizeof id));
    snprintf(want, sizeof want, "denied by %s %s", id, rule);
    if (!strstr(text, want))
        fail_msg("explain said \"%s\", not \"%s\"", text, want);
}

static void add(struct fx *f, eni_acl_entry_spec e)
{
    acl_add(f->h.ctx, f->acl, e);
}

static uint32_t flows(struct fx *f, uint64_t now)
{
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(f->h.ctx, f->h.nic, now, NULL, 0, &n));
    return n;
}

/* ---- 9.5 ------------------------------------------------------------------- */

static void test_s9_5_default_acl_lets_the_groups_decide(void **state)
{
    struct fx *f = *state;
    eni_acl_id dflt = default_acl(f->h.ctx, f->h.vpc);
    assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet, dflt));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 23, SYN), 1), ENI_DROP,
                   ENI_REASON_NO_RULE);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:9::1", 40000, f->ip6, 22, SYN), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
}

static void test_s9_5_new_acl_denies_everything(void **state)
{
    struct fx *f = *state;
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, CLIENT, 443, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, IN, pkt(17, "2001:db8:9::1", 53, f->ip6, 5353, 0), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_denied_by(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), "rule *");
    assert_int_equal(flows(f, 2), 0); /* nothing the ACL dropped left a flow */
}

static void test_s9_5_inbound_acl_before_the_groups(void **state)
{
    struct fx *f = *state;
    add(f, acl_ports(ENI_INGRESS, 100, ENI_ACL_DENY, 6, 22, 22, CLIENT "/32"));
    add(f, acl_entry(ENI_INGRESS, 200, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    add(f, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.8", 40000, f->ip, 22, SYN), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    /* rule 100 is port 22 only: rule 200 lets port 23 through to the groups */
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 23, SYN), 1), ENI_DROP,
                   ENI_REASON_NO_RULE);
    assert_denied_by(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN),
                     "rule 100 (deny tcp 22 from 203.0.113.7/32)");
}

static void test_s9_5_lowest_rule_number_decides(void **state)
{
    struct fx *f = *state;
    add(f, acl_ports(ENI_INGRESS, 100, ENI_ACL_ALLOW, 6, 22, 22, "0.0.0.0/0"));
    add(f, acl_entry(ENI_INGRESS, 90, ENI_ACL_DENY, -1, "203.0.113.0/24"));
    add(f, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, IN, pkt(6, "198.51.100.1", 40000, f->ip, 22, SYN), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_eni_ok(eni_acl_delete_entry(f->h.ctx, f->acl, ENI_INGRESS, 90));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), 2), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    eni_acl_entry_spec deny = acl_ports(ENI_INGRESS, 100, ENI_ACL_DENY, 6, 22, 22, "0.0.0.0/0");
    assert_eni_ok(eni_acl_replace_entry(f->h.ctx, f->acl, &deny));
    assert_verdict(eval(f, IN, pkt(6, "198.51.100.1", 40000, f->ip, 22, SYN), 3), ENI_DROP,
                   ENI_REASON_ACL_DENY);
}

/* Section 5.3's advice: a network ACL cuts a tracked flow at once. */
static void test_s9_5_stateless_replies_are_judged_again(void **state)
{
    struct fx *f = *state;
    add(f, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    /* out to 203.0.113.7:443 starts a tracked flow (inbound is not open on all ports) */
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, CLIENT, 443, SYN), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    /* the reply is tracked for the group, but no inbound entry allows it */
    eni_pkt reply = pkt(6, CLIENT, 443, f->ip, 40000, SYN | ACK);
    assert_verdict(eval(f, IN, reply, 2), ENI_DROP, ENI_REASON_ACL_DENY);
    /* the ephemeral ports, as AWS's examples allow them */
    add(f, acl_ports(ENI_INGRESS, 100, ENI_ACL_ALLOW, 6, 1024, 65535, "0.0.0.0/0"));
    assert_verdict(eval(f, IN, reply, 3), ENI_ALLOW, ENI_REASON_TRACKED);
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, CLIENT, 443, ACK), 4), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    /* a deny in front cuts the live flow both ways, in bursts too (the IPv4 short path) */
    add(f, acl_ports(ENI_EGRESS, 50, ENI_ACL_DENY, 6, 0, 65535, CLIENT "/32"));
    eni_pkt burst[3] = {pkt(6, f->ip, 40000, CLIENT, 443, ACK),
                        pkt(6, f->ip, 40000, CLIENT, 443, ACK),
                        pkt(6, f->ip, 40000, "203.0.113.9", 443, SYN)};
    eni_verdict v[3];
    assert_eni_ok(eni_eval_burst(f->w, f->h.nic, OUT, burst, 3, 5, 0, v));
    assert_verdict(v[0], ENI_DROP, ENI_REASON_ACL_DENY);
    assert_verdict(v[1], ENI_DROP, ENI_REASON_ACL_DENY);
    assert_verdict(v[2], ENI_ALLOW, ENI_REASON_RULE);
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(f->w, &c));
    assert_int_equal(c.acl_denied, 3); /* the reply at 2 and the two here */
    assert_int_equal(c.dropped, 3);
}

static void test_s9_5_outbound_acl_after_the_groups(void **state)
{
    struct fx *f = *state;
    add(f, acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    add(f, acl_ports(ENI_EGRESS, 100, ENI_ACL_DENY, 6, 25, 25, "0.0.0.0/0"));
    add(f, acl_entry(ENI_EGRESS, 200, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    /* groups allow all outbound: the ACL decides, and the dropped packet leaves no flow */
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, CLIENT, 25, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_int_equal(flows(f, 1), 0);
    /* with no outbound group rule, the groups' drop is the one reported */
    eni_sg_rule_id ids[4];
    uint32_t n;
    assert_eni_ok(eni_sg_list_rules(f->h.ctx, f->h.group, ENI_EGRESS, ids, 4, &n));
    assert_eni_ok(eni_sg_revoke_rules(f->h.ctx, f->h.group, ids, n));
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, CLIENT, 25, SYN), 2), ENI_DROP,
                   ENI_REASON_NO_RULE);
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_EGRESS, 6, 25, 25, "0.0.0.0/0");
    assert_denied_by(f, OUT, pkt(6, f->ip, 40000, CLIENT, 25, SYN),
                     "rule 100 (deny tcp 25 to 0.0.0.0/0)");
}

static void test_s9_5_protocols_ports_and_icmp(void **state)
{
    struct fx *f = *state;
    add(f, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    add(f, acl_ports(ENI_INGRESS, 100, ENI_ACL_ALLOW, 17, 53, 53, "0.0.0.0/0"));
    eni_acl_entry_spec echo = acl_entry(ENI_INGRESS, 110, ENI_ACL_ALLOW, 1, "0.0.0.0/0");
    echo.icmp_type = 8;
    add(f, echo);
    add(f, acl_entry(ENI_INGRESS, 120, ENI_ACL_ALLOW, 50, "0.0.0.0/0"));
    add(f, acl_ports(ENI_INGRESS, 130, ENI_ACL_ALLOW, 6, 0, 65535, "198.51.100.0/24"));
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, -1, -1, -1, "0.0.0.0/0");
    assert_verdict(eval(f, IN, pkt(17, CLIENT, 5000, f->ip, 53, 0), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_verdict(eval(f, IN, pkt(17, CLIENT, 5000, f->ip, 54, 0), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    eni_pkt ping = pkt(1, CLIENT, 9, f->ip, 9, 0);
    ping.icmp_type = 8;
    assert_verdict(eval(f, IN, ping, 1), ENI_ALLOW, ENI_REASON_RULE);
    ping.icmp_type = 13; /* timestamp: another type */
    assert_verdict(eval(f, IN, ping, 1), ENI_DROP, ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, IN, pkt(50, CLIENT, 0, f->ip, 0, 0), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(51, CLIENT, 0, f->ip, 0, 0), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    /* a non-first fragment has no ports: only an entry of all ports covers it */
    eni_pkt frag = pkt(17, CLIENT, 0, f->ip, 0, 0);
    frag.flags = ENI_PKT_FRAGMENT;
    assert_verdict(eval(f, IN, frag, 1), ENI_DROP, ENI_REASON_ACL_DENY);
    frag = pkt(6, "198.51.100.4", 0, f->ip, 0, 0);
    frag.flags = ENI_PKT_FRAGMENT;
    assert_verdict(eval(f, IN, frag, 1), ENI_ALLOW, ENI_REASON_UNTRACKED); /* open both ways */
}

static void test_s9_5_ipv6_entries(void **state)
{
    struct fx *f = *state;
    add(f, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "::/0"));
    add(f, acl_ports(ENI_INGRESS, 100, ENI_ACL_DENY, 6, 22, 22, "2001:db8:9::/48"));
    add(f, acl_entry(ENI_INGRESS, 101, ENI_ACL_ALLOW, -1, "::/0"));
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:9::1", 40000, f->ip6, 22, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:a::1", 40000, f->ip6, 22, SYN), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    /* IPv4 has no entries of its own: its implicit rule denies it */
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    /* ICMPv6 type and code with an IPv6 CIDR */
    eni_acl_entry_spec nd = acl_entry(ENI_INGRESS, 90, ENI_ACL_DENY, 58, "::/0");
    nd.icmp_type = 128;
    nd.icmp_code = 0;
    add(f, nd);
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 58, -1, -1, "::/0");
    eni_pkt echo = pkt(58, "2001:db8:a::1", 1, f->ip6, 1, 0);
    echo.icmp_type = 128;
    assert_verdict(eval(f, IN, echo, 2), ENI_DROP, ENI_REASON_ACL_DENY);
    echo.icmp_type = 135; /* neighbour solicitation: rule 101 */
    assert_verdict(eval(f, IN, echo, 2), ENI_ALLOW, ENI_REASON_RULE);
}

/* The VPC User Guide: an ACL controls what enters and leaves its subnet. */
static void test_s9_5_same_subnet_and_services_not_filtered(void **state)
{
    struct fx *f = *state;
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, -1, -1, -1, "10.0.0.0/8");
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, -1, -1, -1, "::/0");
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.200", 40000, f->ip, 80, SYN), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, "10.0.1.200", 80, SYN), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(6, "10.0.2.200", 40000, f->ip, 80, SYN), 1), ENI_DROP,
                   ENI_REASON_ACL_DENY);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:0:100::99", 40000, f->ip6, 80, SYN), 1),
                   ENI_ALLOW, ENI_REASON_UNTRACKED);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:0:101::99", 40000, f->ip6, 80, SYN), 1),
                   ENI_DROP, ENI_REASON_ACL_DENY);
    /* section 4.7: the services pass whatever the ACL says */
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 40000, "169.254.169.254", 80, SYN), 1), ENI_ALLOW,
                   ENI_REASON_SERVICE);
    assert_verdict(eval(f, OUT, pkt(17, f->ip, 40000, "10.0.0.2", 53, 0), 1), ENI_ALLOW,
                   ENI_REASON_SERVICE);
}

/* An ACL change republishes the snapshot: a new association too. */
static void test_s9_4_association_change_takes_effect(void **state)
{
    struct fx *f = *state;
    eni_pkt p = pkt(6, CLIENT, 40000, f->ip, 22, SYN);
    assert_verdict(eval(f, IN, p, 1), ENI_DROP, ENI_REASON_ACL_DENY);
    assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet,
                                              default_acl(f->h.ctx, f->h.vpc)));
    assert_verdict(eval(f, IN, p, 2), ENI_ALLOW, ENI_REASON_UNTRACKED);
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(f->w, &c));
    assert_int_equal(c.acl_denied, 1);
    /* a caller of the first layout (before acl_denied) still gets its counters */
    c.size = offsetof(eni_eval_counters, acl_denied);
    c.packets = 0;
    assert_eni_ok(eni_eval_worker_counters(f->w, &c));
    assert_int_equal(c.packets, 2);
    assert_string_equal(eni_reason_name(ENI_REASON_ACL_DENY), "acl-deny");
}

/* Random ACLs of up to the quota's 40 entries against a first-match oracle
 * written from EC2's rules (9.3), both families, through explain and bursts
 * (eval() compares them), fragments included. */
static uint64_t rng = 0x5eed;
static uint32_t rnd(uint32_t n)
{
    return (uint32_t)(test_xorshift64(&rng) % n);
}

struct oentry {
    uint32_t number;
    bool allow;
    int proto, from, to, type, code;
    unsigned family, len;
    uint8_t net[16];
};

/* Does one of e[0..n) have this rule number (a direction's numbers are unique)? */
static bool number_taken(const struct oentry *e, unsigned n, uint32_t number)
{
    for (unsigned j = 0; j < n; j++)
        if (e[j].number == number)
            return true;
    return false;
}

static bool prefix_has(const uint8_t *net, unsigned len, const uint8_t *a)
{
    for (unsigned i = 0; i < len; i++)
        if (((net[i / 8] ^ a[i / 8]) >> (7 - i % 8)) & 1)
            return false;
    return true;
}

static bool oracle_matches(const struct oentry *e, const eni_pkt *p)
{
    if (e->family != p->family || (e->proto != -1 && e->proto != p->proto))
        return false;
    if (!prefix_has(e->net, e->len, p->src))
        return false;
    bool frag = p->flags & ENI_PKT_FRAGMENT;
    if (e->proto == 6 || e->proto == 17) {
        if (e->from == 0 && e->to == 65535)
            return true;
        return !frag && p->dport >= e->from && p->dport <= e->to;
    }
    if (e->type >= 0) /* ICMP, or ICMPv6 with an IPv6 CIDR */
        return !frag && p->icmp_type == e->type && (e->code < 0 || p->icmp_code == e->code);
    return true;
}

/* The random-ACL tests' host: its group lets everything in (both
 * families), so the ACL alone decides, with room for 40 entries. */
static void groups_open_acl_quota_full(struct fx *f)
{
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, -1, -1, -1, "0.0.0.0/0");
    (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, -1, -1, -1, "::/0");
    eni_quotas q = ENI_QUOTAS_INIT;
    q.acl_rules = 40;
    assert_eni_ok(eni_ctx_set_quotas(f->h.ctx, &q));
}

static void random_net(unsigned family, uint8_t *out)
{
    memset(out, 0, 16);
    if (family == 4) { /* 198.51.100.0/23 or 203.0.113.0/24: overlapping CIDRs */
        out[0] = rnd(2) ? 198 : 203;
        out[1] = out[0] == 198 ? 51 : 0;
        out[2] = (uint8_t)(out[0] == 198 ? 100 + rnd(2) : 113);
        out[3] = (uint8_t)rnd(256);
    } else { /* 2001:db8:77::/48 */
        out[0] = 0x20, out[1] = 0x01, out[2] = 0x0d, out[3] = 0xb8, out[5] = 0x77;
        out[15] = (uint8_t)rnd(256);
        out[14] = (uint8_t)rnd(2);
    }
}

static void test_s9_5_matches_a_first_match_oracle(void **state)
{
    struct fx *f = *state;
    groups_open_acl_quota_full(f);
    static const int protos[] = {-1, 6, 17, 1, 58, 50};
    unsigned outcome[2] = {0, 0}; /* denied, allowed: both must be seen */
    for (int round = 0; round < 30; round++) {
        eni_acl_spec as = ENI_ACL_SPEC_INIT;
        as.vpc = f->h.vpc;
        eni_acl_id acl;
        assert_eni_ok(eni_acl_create(f->h.ctx, &as, &acl));
        struct oentry e[80];
        unsigned n = 0, per[2] = {0, 0};
        unsigned want = 1 + rnd(39);
        for (unsigned i = 0; i < 2 * want; i++) {
            struct oentry *o = &e[n];
            memset(o, 0, sizeof *o);
            o->family = i % 2 ? 6 : 4;
            if (per[o->family == 6] >= want)
                continue;
            o->number = 1 + rnd(300) * 3 + (o->family == 6);
            if (number_taken(e, n, o->number))
                continue;
            o->allow = rnd(2);
            o->proto = protos[rnd(6)];
            o->from = o->to = o->type = o->code = -1;
            o->len = o->family == 4 ? (rnd(4) ? 24 + rnd(9) : rnd(2) ? 0 : 23)
                                    : (rnd(4) ? 120 + rnd(9) : rnd(2) ? 0 : 48);
            random_net(o->family, o->net);
            char text[64], cidr[80];
            inet_ntop(o->family == 4 ? AF_INET : AF_INET6, o->net, text, sizeof text);
            snprintf(cidr, sizeof cidr, "%s/%u", text, o->len);
            eni_acl_entry_spec s = acl_entry(ENI_INGRESS, o->number,
                                             o->allow ? ENI_ACL_ALLOW : ENI_ACL_DENY, o->proto,
                                             cidr);
            if (o->proto == 6 || o->proto == 17) {
                o->from = rnd(4) ? (int)rnd(100) : 0;
                o->to = rnd(4) ? o->from + (int)rnd(10) : 65535;
                s.from_port = o->from, s.to_port = o->to;
            } else if (o->proto == 1 || (o->proto == 58 && o->family == 6)) {
                o->type = rnd(3) ? (int)rnd(4) : -1;
                o->code = o->type >= 0 && rnd(2) ? (int)rnd(2) : -1;
                s.icmp_type = o->type, s.icmp_code = o->code;
            }
            /* the model stores the prefix canonical; so does the oracle */
            for (unsigned b = o->len; b < 128; b++)
                o->net[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
            assert_eni_ok(eni_acl_create_entry(f->h.ctx, acl, &s));
            per[o->family == 6]++;
            n++;
        }
        acl_add(f->h.ctx, acl, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
        acl_add(f->h.ctx, acl, acl_entry(ENI_EGRESS, 101, ENI_ACL_ALLOW, -1, "::/0"));
        assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet, acl));
        for (int k = 0; k < 200; k++) {
            unsigned family = rnd(2) ? 4 : 6;
            int proto = protos[1 + rnd(5)];
            eni_pkt p = pkt((uint8_t)proto, family == 4 ? "198.51.100.1" : "2001:db8:77::1",
                            (uint16_t)(1 + rnd(60000)), family == 4 ? f->ip : f->ip6,
                            (uint16_t)rnd(120), 0x02);
            random_net(family, p.src);
            if (proto == 1 || proto == 58) {
                p.icmp_type = (uint8_t)rnd(5);
                p.icmp_code = (uint8_t)rnd(2);
            }
            if (rnd(8) == 0)
                p.flags = ENI_PKT_FRAGMENT;
            /* the first matching entry by rule number */
            const struct oentry *hit = NULL;
            for (unsigned j = 0; j < n; j++)
                if (oracle_matches(&e[j], &p) && (!hit || e[j].number < hit->number))
                    hit = &e[j];
            eni_verdict v = eval(f, IN, p, 10 + (uint64_t)round);
            if ((v.reason == ENI_REASON_ACL_DENY) != !(hit && hit->allow))
                fail_msg("round %d packet %d: proto %d port %u type %u frag %u: %s, oracle %s "
                         "rule %u",
                         round, k, proto, p.dport, p.icmp_type, p.flags != 0,
                         eni_reason_name(v.reason), hit ? (hit->allow ? "allow" : "deny") : "*",
                         hit ? hit->number : 0);
            outcome[v.reason != ENI_REASON_ACL_DENY]++;
        }
        assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet, f->acl));
        assert_eni_ok(eni_acl_delete(f->h.ctx, acl));
    }
    assert_true(outcome[0] > 1000 && outcome[1] > 1000);
}

/* The first-match index (lib/eval/acl_index.c) cuts the address and key
 * spaces at every entry's ends: random ACLs with CIDRs anywhere in either
 * space (/0 to /32 and /128, IPv6 prefixes that differ in the high word or
 * share one /64; every third round no IPv6 prefix longer than /64, whose
 * cuts the index compares by their high words alone) and ports up to
 * 65535, probed at every edge (an entry's first and last address and port,
 * and one past each), against the oracle; a denied packet must name the
 * entry that denies it. */
static uint64_t rnd64(void)
{
    return (uint64_t)rnd(1u << 30) << 34 ^ (uint64_t)rnd(1u << 30) << 17 ^ rnd(1u << 30);
}

/* out = net with the host bits of a /len all `ones`, plus `step` (-1, 0, 1)
 * as a 128-bit (or 32-bit) number; false when that leaves the space. */
static bool edge_addr(const struct oentry *o, bool ones, int step, uint8_t *out)
{
    unsigned bytes = o->family == 4 ? 4 : 16;
    memcpy(out, o->net, 16);
    for (unsigned b = o->len; b < 8 * bytes; b++)
        if (ones)
            out[b / 8] |= (uint8_t)(0x80u >> (b % 8));
    for (int i = (int)bytes - 1; step && i >= 0; i--) {
        int v = out[i] + step;
        out[i] = (uint8_t)v;
        if (v >= 0 && v <= 255)
            return true;
    }
    return step == 0;
}

static void test_s9_5_first_match_at_every_edge(void **state)
{
    struct fx *f = *state;
    groups_open_acl_quota_full(f);
    uint8_t own6[16], vpc6[8];
    assert_int_equal(inet_pton(AF_INET6, f->ip6, own6), 1);
    memcpy(vpc6, own6, 8);
    static const int protos[] = {-1, 6, 17, 1, 58, 47};
    unsigned checked = 0, named = 0, allowed = 0;
    for (int round = 0; round < 40; round++) {
        eni_acl_spec as = ENI_ACL_SPEC_INIT;
        as.vpc = f->h.vpc;
        eni_acl_id acl;
        assert_eni_ok(eni_acl_create(f->h.ctx, &as, &acl));
        struct oentry e[78];
        unsigned n = 0;
        for (unsigned family = 4; family <= 6; family += 2) {
            unsigned want = 1 + rnd(39), bits = family == 4 ? 32 : 128;
            for (unsigned i = 0; i < want; i++) {
                struct oentry *o = &e[n];
                memset(o, 0, sizeof *o);
                o->family = family;
                o->number = 1 + 2 * i + (family == 6) + 100 * rnd(2);
                if (number_taken(e, n, o->number))
                    continue;
                o->allow = rnd(2);
                o->proto = protos[rnd(6)];
                o->from = o->to = o->type = o->code = -1;
                unsigned shape = rnd(4);
                o->len = shape == 0 ? rnd(bits + 1) : shape == 1 ? bits : bits - rnd(bits / 4);
                if (family == 6 && round % 3 == 0)
                    o->len %= 65; /* /0../64: the cuts' low words are all 0 */
                uint64_t w[2] = {rnd64(), rnd64()};
                if (family == 6 && rnd(2)) /* share one /64: cuts inside one bucket */
                    w[0] = 0x20010db800770000ull;
                for (unsigned b = 0; b < 8; b++) {
                    o->net[b] = (uint8_t)(w[0] >> (56 - 8 * b));
                    o->net[8 + b] = (uint8_t)(w[1] >> (56 - 8 * b));
                }
                if (family == 4 && o->net[0] == 10)
                    o->net[0] = 11; /* not the VPC: the subnet is never filtered */
                for (unsigned b = o->len; b < 128; b++)
                    o->net[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
                char text[64], cidr[80];
                inet_ntop(family == 4 ? AF_INET : AF_INET6, o->net, text, sizeof text);
                snprintf(cidr, sizeof cidr, "%s/%u", text, o->len);
                eni_acl_entry_spec s = acl_entry(ENI_INGRESS, o->number,
                                                 o->allow ? ENI_ACL_ALLOW : ENI_ACL_DENY,
                                                 o->proto, cidr);
                if (o->proto == 6 || o->proto == 17) {
                    o->from = rnd(3) ? (int)rnd(65536) : 0;
                    o->to = rnd(3) ? o->from + (int)rnd((uint32_t)(65536 - o->from)) : 65535;
                    s.from_port = o->from, s.to_port = o->to;
                } else if (o->proto == 1 || (o->proto == 58 && family == 6)) {
                    o->type = rnd(3) ? (int)rnd(256) : -1;
                    o->code = o->type >= 0 && rnd(2) ? (int)rnd(256) : -1;
                    s.icmp_type = o->type, s.icmp_code = o->code;
                }
                assert_eni_ok(eni_acl_create_entry(f->h.ctx, acl, &s));
                n++;
            }
        }
        acl_add(f->h.ctx, acl, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
        acl_add(f->h.ctx, acl, acl_entry(ENI_EGRESS, 101, ENI_ACL_ALLOW, -1, "::/0"));
        assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet, acl));
        for (int k = 0; k < 400; k++) {
            const struct oentry *o = &e[rnd(n)];
            int proto = o->proto >= 0 && rnd(4) ? o->proto : protos[1 + rnd(5)];
            if (proto == 58 && o->family == 4)
                proto = 1;
            eni_pkt p = pkt((uint8_t)proto, o->family == 4 ? "198.51.100.1" : "2001:db8:77::1",
                            1000, o->family == 4 ? f->ip : f->ip6, 0, 0x02);
            if (!edge_addr(o, rnd(2), (int)rnd(3) - 1, p.src))
                continue;
            if (k % 50 == 0) /* the ends of the space, whatever the entries */
                memset(p.src, k % 100 ? 0xff : 0, o->family == 4 ? 4 : 16);
            int ends[4] = {o->from - 1, o->from, o->to, o->to + 1};
            int port = o->from >= 0 ? ends[rnd(4)] : (int)rnd(65536);
            if (port < 0 || port > 65535)
                port = (int)rnd(65536);
            p.dport = (uint16_t)port;
            if (proto == 1 || proto == 58) {
                int type = o->type >= 0 && rnd(4) ? o->type + (int)rnd(3) - 1 : (int)rnd(256);
                int code = o->code >= 0 && rnd(4) ? o->code + (int)rnd(3) - 1 : (int)rnd(256);
                p.icmp_type = (uint8_t)type;
                p.icmp_code = (uint8_t)code;
            }
            if (rnd(10) == 0)
                p.flags = ENI_PKT_FRAGMENT;
            /* never filtered: the VPC's own addresses and the services */
            if ((o->family == 4 && (p.src[0] == 10 || (p.src[0] == 169 && p.src[1] == 254))) ||
                (o->family == 6 && (memcmp(p.src, vpc6, 8) == 0 || p.src[0] == 0xfd)))
                continue;
            const struct oentry *hit = NULL;
            for (unsigned j = 0; j < n; j++)
                if (oracle_matches(&e[j], &p) && (!hit || e[j].number < hit->number))
                    hit = &e[j];
            eni_verdict v;
            char text[256], want[32];
            assert_eni_ok(eni_eval_explain(f->h.ctx, f->h.nic, IN, &p, 1, &v, text, sizeof text));
            bool denied = v.reason == ENI_REASON_ACL_DENY;
            if (denied != !(hit && hit->allow))
                fail_msg("round %d packet %d: %s, oracle %s rule %u (%s)", round, k,
                         eni_reason_name(v.reason), hit ? (hit->allow ? "allow" : "deny") : "*",
                         hit ? hit->number : 0, text);
            if (denied) {
                if (hit)
                    snprintf(want, sizeof want, " rule %u (", hit->number);
                else
                    snprintf(want, sizeof want, " rule * (");
                if (!strstr(text, want))
                    fail_msg("round %d packet %d: explain said \"%s\", want \"%s\"", round, k,
                             text, want);
                named += hit != NULL;
            }
            allowed += !denied;
            checked++;
        }
        assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet, f->acl));
        assert_eni_ok(eni_acl_delete(f->h.ctx, acl));
    }
    printf("# %u packets at entry edges: %u allowed, %u denied by a named entry\n", checked,
           allowed, named);
    assert_true(checked > 10000 && allowed > 2000 && named > 2000);
}

/* ---- what the evaluator holds for an interface ------------------------------ */

static eni_eval_memory memory_of(struct fx *f, eni_nic_id nic)
{
    eni_eval_memory m = ENI_EVAL_MEMORY_INIT;
    memset(&m.reserved0, 0xa5, sizeof m - offsetof(eni_eval_memory, reserved0));
    assert_eni_ok(eni_nic_get_eval_memory(f->h.ctx, nic, &m));
    assert_int_equal(m.size, sizeof m);
    assert_int_equal(m.reserved0, 0);
    return m;
}

/* eni_nic_get_eval_memory follows what is compiled: rules, ACL entries and
 * the allowance each grow their own figure by at least what they hold;
 * an interface never attached holds nothing; bad input is refused. */
static void test_eval_memory_follows_rules_acl_and_allowance(void **state)
{
    struct fx *f = *state;
    eni_eval_memory a = memory_of(f, f->h.nic);
    assert_true(a.rules_bytes > 0 && a.acl_bytes > 0 && a.flow_bytes > 0 && a.snapshot_bytes > 0);
    for (int i = 0; i < 50; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "198.51.100.%d/32", i);
        (void)eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 1000 + i, 1000 + i, cidr);
    }
    eni_eval_memory b = memory_of(f, f->h.nic);
    /* each rule as written (group, rule, ports) and its interval: >= 48 bytes */
    assert_true(b.rules_bytes >= a.rules_bytes + 50 * 48);
    assert_int_equal(b.acl_bytes, a.acl_bytes);
    assert_int_equal(b.flow_bytes, a.flow_bytes);
    for (uint32_t i = 1; i <= 15; i++) /* within the default quota of 20 */
        add(f, acl_entry(ENI_INGRESS, 10 * i, ENI_ACL_DENY, -1, "203.0.113.0/24"));
    eni_eval_memory c = memory_of(f, f->h.nic);
    assert_true(c.acl_bytes >= b.acl_bytes + 15 * 48); /* an entry is 48 bytes, and its bit */
    assert_int_equal(c.rules_bytes, b.rules_bytes);
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->h.ctx, f->h.nic, 100000));
    eni_eval_memory d = memory_of(f, f->h.nic);
    assert_true(d.flow_bytes >= (uint64_t)100000 * 32); /* 32-byte IPv4 slots, 1.6 a flow */
    assert_true(d.flow_bytes > c.flow_bytes);

    /* an interface the evaluator never saw attached holds nothing */
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->h.subnet;
    ns.groups = &f->h.group;
    ns.group_count = 1;
    eni_nic_id idle;
    assert_eni_ok(eni_nic_create(f->h.ctx, &ns, &idle));
    eni_eval_memory z = memory_of(f, idle);
    assert_true(z.rules_bytes == 0 && z.acl_bytes == 0 && z.flow_bytes == 0 &&
                z.snapshot_bytes == 0);

    eni_eval_memory m = ENI_EVAL_MEMORY_INIT;
    assert_eni_fail(eni_nic_get_eval_memory(NULL, f->h.nic, &m), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_nic_get_eval_memory(f->h.ctx, f->h.nic, NULL), ENI_EINVAL,
                    "InvalidParameterValue");
    m.size = 4;
    assert_eni_fail(eni_nic_get_eval_memory(f->h.ctx, f->h.nic, &m), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_ok(eni_nic_delete(f->h.ctx, idle));
    m.size = sizeof m;
    assert_eni_fail(eni_nic_get_eval_memory(f->h.ctx, idle, &m), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    /* an id of another kind */
    assert_int_not_equal(eni_nic_get_eval_memory(f->h.ctx, (eni_nic_id){f->h.group.v}, &m), ENI_OK);
}

/* ---- 1.8: delegated prefixes are the interface's own ----------------------- */

static void test_s1_8_prefix_addresses_pass_the_source_dest_check(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet,
                                              default_acl(f->h.ctx, f->h.vpc)));
    const char *p4[] = {"10.0.1.32/28"}, *p6[] = {"2001:db8:0:100:5::/80"};
    assert_eni_ok(eni_nic_assign_prefixes(f->h.ctx, f->h.nic, 4, p4, 1, 0));
    assert_eni_ok(eni_nic_assign_prefixes(f->h.ctx, f->h.nic, 6, p6, 1, 0));
    for (int i = 0; i < 3; i++) { /* the second and third through the flow (short path) */
        assert_int_equal(eval(f, OUT, pkt(6, "10.0.1.47", 40000, CLIENT, 443, SYN), 1).action,
                         ENI_ALLOW);
        assert_int_equal(
            eval(f, IN, pkt(6, CLIENT, 443, "10.0.1.47", 40000, SYN | ACK), 2).reason,
            ENI_REASON_TRACKED);
    }
    assert_verdict(eval(f, OUT, pkt(6, "10.0.1.48", 40000, CLIENT, 443, SYN), 1), ENI_DROP,
                   ENI_REASON_SRC_DST_CHECK);
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, "10.0.1.33", 22, SYN), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, "10.0.1.31", 22, SYN), 1), ENI_DROP,
                   ENI_REASON_SRC_DST_CHECK);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:9::1", 40000, "2001:db8:0:100:5:ffff:1:2", 22,
                                   SYN), 1),
                   ENI_ALLOW, ENI_REASON_UNTRACKED);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:9::1", 40000, "2001:db8:0:100:6::", 22, SYN), 1),
                   ENI_DROP, ENI_REASON_SRC_DST_CHECK);
    /* taken back: no longer its own */
    assert_eni_ok(eni_nic_unassign_prefixes(f->h.ctx, f->h.nic, p4, 1));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, "10.0.1.33", 22, SYN), 3), ENI_DROP,
                   ENI_REASON_SRC_DST_CHECK);
}

/* Section 4.4, decisions.md D35: a referenced group's members include what
 * is delegated to them. */
static void test_s4_4_group_reference_covers_delegated_prefixes(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_acl_replace_association(f->h.ctx, f->h.subnet,
                                              default_acl(f->h.ctx, f->h.vpc)));
    eni_sg_id pods = eval_host_group(f->h.ctx, f->h.vpc, "pods");
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = 9000;
    r.peer_kind = ENI_PEER_GROUP;
    r.group = pods;
    assert_eni_ok(eni_sg_authorize(f->h.ctx, f->h.group, ENI_INGRESS, &r, 1, NULL));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->h.subnet;
    ns.groups = &pods;
    ns.group_count = 1;
    eni_nic_id node;
    assert_eni_ok(eni_nic_create(f->h.ctx, &ns, &node));
    const char *p4[] = {"10.0.1.64/28"}, *p6[] = {"2001:db8:0:100:8::/80"};
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.70", 40000, f->ip, 9000, SYN), 1), ENI_DROP,
                   ENI_REASON_NO_RULE);
    assert_eni_ok(eni_nic_assign_prefixes(f->h.ctx, node, 4, p4, 1, 0));
    assert_eni_ok(eni_nic_assign_prefixes(f->h.ctx, node, 6, p6, 1, 0));
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.70", 40000, f->ip, 9000, SYN), 2), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.80", 40000, f->ip, 9000, SYN), 2), ENI_DROP,
                   ENI_REASON_NO_RULE);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:0:100:8::77", 40000, f->ip6, 9000, SYN), 2),
                   ENI_ALLOW, ENI_REASON_RULE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s9_5_default_acl_lets_the_groups_decide),
        T(test_s9_5_new_acl_denies_everything),
        T(test_s9_5_inbound_acl_before_the_groups),
        T(test_s9_5_lowest_rule_number_decides),
        T(test_s9_5_stateless_replies_are_judged_again),
        T(test_s9_5_outbound_acl_after_the_groups),
        T(test_s9_5_protocols_ports_and_icmp),
        T(test_s9_5_ipv6_entries),
        T(test_s9_5_same_subnet_and_services_not_filtered),
        T(test_s9_4_association_change_takes_effect),
        T(test_s9_5_matches_a_first_match_oracle),
        T(test_s9_5_first_match_at_every_edge),
        T(test_eval_memory_follows_rules_acl_and_allowance),
        T(test_s1_8_prefix_addresses_pass_the_source_dest_check),
        T(test_s4_4_group_reference_covers_delegated_prefixes),
    };
#undef T
    return cmocka_run_group_tests_name("eval_acl", tests, NULL, NULL);
}
