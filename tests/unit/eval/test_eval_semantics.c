/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The evaluator's semantics, named after ec2-semantics.md section 5 (and
 * 1.1 for the source/destination check, 4.4 for group references, 4.7 for
 * the services security groups never filter). The interface under test is
 * the primary of a running m5.large in 10.0.1.0/24 (with an IPv6 /64). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>

#include <eni/sys/mock.h>

#include "eval/eval_internal.h"
#include "eval/eval_host.h"
#include "model/acl_fixture.h"
#include "test_helpers.h"

#define SEC 1000000000ull
#define CLIENT "203.0.113.5"

struct fx {
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_sg_id web, db;
    eni_instance_id inst;
    eni_nic_id nic;
    char ip[ENI_IP_STRING_MAX];
    char ip6[ENI_IP_STRING_MAX];
    eni_eval_worker *w;
};

static void poll_all(struct fx *f)
{
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(f->ctx, 0, NULL, NULL, &n));
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct eval_host h;
    eval_host_new(&h, NULL, "web");
    f->ctx = h.ctx, f->vpc = h.vpc, f->subnet = h.subnet, f->web = h.group;
    f->inst = h.inst, f->nic = h.nic;
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = f->vpc;
    gs.name = "db";
    gs.description = "db";
    assert_eni_ok(eni_sg_create(f->ctx, &gs, &f->db));
    eval_host_addresses(&h, f->ip, f->ip6);
    assert_eni_ok(eni_eval_worker_new(f->ctx, &f->w));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_eval_worker_free(f->w);
    eni_ctx_free(f->ctx);
    free(f);
    return 0;
}

#define pkt(...) eval_host_pkt(__VA_ARGS__)

/* The flags every eval() passes: the tests run twice, naming the allowing
 * rule (new flows through the general engine) and not (through the burst
 * loop's short path for new flows). */
static uint32_t eval_flags = ENI_EVAL_WANT_RULE;

static eni_verdict eval(struct fx *f, uint32_t dir, eni_pkt p, uint64_t now)
{
    eni_verdict v;
    assert_eni_ok(eni_eval_burst(f->w, f->nic, dir, &p, 1, now, eval_flags, &v));
    return v;
}

#define IN ENI_DIR_INBOUND
#define OUT ENI_DIR_OUTBOUND
static eni_sg_rule_id allow(struct fx *f, eni_sg_id sg, eni_direction dir, int proto, int from,
                            int to, const char *cidr)
{
    return eval_host_allow(f->ctx, sg, dir, proto, from, to, cidr);
}

static void revoke(struct fx *f, eni_sg_id sg, eni_sg_rule_id id)
{
    assert_eni_ok(eni_sg_revoke_rules(f->ctx, sg, &id, 1));
}

static uint32_t flows(struct fx *f, uint64_t now)
{
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(f->ctx, f->nic, now, NULL, 0, &n));
    return n;
}

static void test_s5_1_default_deny_inbound_allow_outbound(void **state)
{
    struct fx *f = *state;
    /* a new group: no inbound rule, all IPv4 outbound */
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 22, 0x02), 1), ENI_DROP,
                   ENI_REASON_NO_RULE);
    eni_verdict v = eval(f, OUT, pkt(6, f->ip, 50000, CLIENT, 443, 0x02), 1);
    assert_verdict(v, ENI_ALLOW, ENI_REASON_RULE);
    assert_int_equal(v.group.v, eval_flags & ENI_EVAL_WANT_RULE ? f->web.v : 0);
    /* the reply passes because the flow is tracked, not because of a rule */
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 443, f->ip, 50000, 0x12), 2), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    assert_int_equal(flows(f, 3), 1);
    /* IPv6 outbound: a new group of an IPv6 VPC allows all of it too (section 4.2) */
    assert_verdict(eval(f, OUT, pkt(6, f->ip6, 50000, "2001:db8:ffff::1", 443, 0x02), 4),
                   ENI_ALLOW, ENI_REASON_RULE);
}

static void test_s5_1_stateful_both_ways(void **state)
{
    struct fx *f = *state;
    allow(f, f->web, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    eni_sg_rule_id egress;
    uint32_t n;
    assert_eni_ok(eni_sg_list_rules(f->ctx, f->web, ENI_EGRESS, &egress, 1, &n));
    revoke(f, f->web, egress); /* no outbound rule at all */
    assert_verdict(eval(f, IN, pkt(6, "198.51.100.7", 41000, f->ip, 22, 0x02), 10), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 22, "198.51.100.7", 41000, 0x12), 11), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    /* not the flow: dropped */
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 22, "198.51.100.8", 41000, 0x12), 12), ENI_DROP,
                   ENI_REASON_NO_RULE);
    assert_verdict(eval(f, IN, pkt(6, "198.51.100.7", 41000, f->ip, 23, 0x02), 13), ENI_DROP,
                   ENI_REASON_NO_RULE);
}

/* Two remote ports whose flows' keys (inbound TCP to local:22 from
 * remote) are homed in the last slot of ft. */
static void ports_homed_last(const struct flow_table *ft, unsigned family, const char *local,
                             const char *remote, uint16_t port[2])
{
    uint8_t l[16], r[16];
    int af = family == 4 ? AF_INET : AF_INET6;
    assert_int_equal(inet_pton(af, local, l), 1);
    assert_int_equal(inet_pton(af, remote, r), 1);
    uint32_t found = 0;
    for (uint32_t p = 1024; p < 65536 && found < 2; p++) {
        struct fkey k;
        memset(&k, 0, sizeof k);
        make_key(&k, family, 6, l, r, 22, (uint16_t)p);
        if (home_slot(ft, key_hash(&k)) == ft->cap - 1)
            port[found++] = (uint16_t)p;
    }
    assert_int_equal(found, 2);
}

/* The burst loop's probe (engine.c, probe_hit) continues past the table's
 * last slot at slot 0: two flows homed in the last slot, the second stored
 * in slot 0, and the second flow's next packet is a tracked hit, not a
 * new flow under a key already stored. */
static void tracked_past_the_end(struct fx *f, const char *local, const char *remote,
                                 const char *net)
{
    unsigned family = strchr(local, ':') ? 6 : 4;
    /* a small table (its size follows the interface's allowance), so
     * that some ports' keys are homed in its last slot */
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->ctx, f->nic, 64));
    allow(f, f->web, ENI_INGRESS, 6, 22, 22, net);
    /* the IPv6 table is made at the first IPv6 flow: one from elsewhere */
    if (family == 6)
        assert_verdict(eval(f, IN, pkt(6, remote, 1000, local, 22, 0x02), 1), ENI_ALLOW,
                       ENI_REASON_RULE);
    const struct eni_nic_dp *dp = eni__eval_dp_lookup(f->ctx, f->nic.v);
    assert_non_null(dp);
    const struct eni_flows *fl = atomic_load(&dp->flows);
    const struct flow_table *ft = family == 4 ? fl->ft4 : atomic_load(&fl->ft6);
    uint16_t port[2];
    ports_homed_last(ft, family, local, remote, port);
    uint32_t before = flows(f, 2);
    for (int i = 0; i < 2; i++)
        assert_verdict(eval(f, IN, pkt(6, remote, port[i], local, 22, 0x02), 2), ENI_ALLOW,
                       ENI_REASON_RULE);
    assert_int_equal(flows(f, 3), before + 2);
    for (int i = 0; i < 2; i++) {
        assert_verdict(eval(f, IN, pkt(6, remote, port[i], local, 22, 0x10), 3), ENI_ALLOW,
                       ENI_REASON_TRACKED);
        assert_verdict(eval(f, OUT, pkt(6, local, 22, remote, port[i], 0x10), 3), ENI_ALLOW,
                       ENI_REASON_TRACKED);
    }
    assert_int_equal(flows(f, 4), before + 2);
}

static void test_s5_1_tracked_flow_past_the_table_end(void **state)
{
    struct fx *f = *state;
    tracked_past_the_end(f, f->ip, "198.51.100.7", "198.51.100.0/24");
    tracked_past_the_end(f, f->ip6, "2001:db8:ffff::7", "2001:db8:ffff::/48");
}

static void test_s5_2_untracked_when_open_both_ways(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id http = allow(f, f->web, ENI_INGRESS, 6, 80, 80, "0.0.0.0/0");
    /* default egress: all traffic to 0.0.0.0/0 -> HTTP over IPv4 is untracked */
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 80, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_int_equal(flows(f, 2), 0);
    /* removing the rule cuts the untracked flow at once (section 5.3) */
    revoke(f, f->web, http);
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 80, 0x10), 3), ENI_DROP,
                   ENI_REASON_NO_RULE);
}

/* (a) holds when any rule that allows the packet allows all addresses:
 * a narrower rule that also allows it does not make the flow tracked, with
 * a few rules (judged by scanning them) or many (the port index). */
static void test_s5_2_any_open_rule_makes_untracked(void **state)
{
    struct fx *f = *state;
    allow(f, f->web, ENI_INGRESS, 6, 80, 80, CLIENT "/32");
    allow(f, f->web, ENI_INGRESS, 6, 0, 65535, "0.0.0.0/0");
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 80, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    for (int i = 0; i < 20; i++) { /* past the size where the port index is built */
        char cidr[32];
        snprintf(cidr, sizeof cidr, "198.51.100.%d/32", i);
        allow(f, f->web, ENI_INGRESS, 6, 1000 + i, 1000 + i, cidr);
    }
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40001, f->ip, 80, 0x02), 2), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_verdict(eval(f, IN, pkt(6, "198.51.100.3", 40001, f->ip, 1003, 0x02), 2), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    assert_int_equal(flows(f, 3), 0);
}

static void test_s5_2_judged_per_family(void **state)
{
    struct fx *f = *state;
    allow(f, f->web, ENI_INGRESS, 6, 80, 80, "0.0.0.0/0");
    allow(f, f->web, ENI_INGRESS, 6, 80, 80, "::/0");
    eni_sg_rule_spec all6 = ENI_SG_RULE_SPEC_INIT;
    all6.protocol = ENI_PROTO_ALL;
    all6.peer_kind = ENI_PEER_CIDR;
    all6.cidr = "::/0";
    assert_eni_ok(eni_sg_revoke(f->ctx, f->web, ENI_EGRESS, &all6, 1));
    /* IPv6 has no ::/0 egress now: IPv6 HTTP is tracked, IPv4 is not */
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:9::1", 40000, f->ip6, 80, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 80, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    allow(f, f->web, ENI_EGRESS, -1, -1, -1, "::/0");
    assert_verdict(eval(f, IN, pkt(6, "2001:db8:9::2", 40001, f->ip6, 80, 0x02), 2), ENI_ALLOW,
                   ENI_REASON_UNTRACKED);
    /* a narrow rule keeps its flows tracked */
    allow(f, f->web, ENI_INGRESS, 6, 22, 22, "203.0.113.1/32");
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.1", 40000, f->ip, 22, 0x02), 3), ENI_ALLOW,
                   ENI_REASON_RULE);
    /* ICMP is always tracked, open or not */
    allow(f, f->web, ENI_INGRESS, 1, -1, -1, "0.0.0.0/0");
    eni_pkt echo = pkt(1, CLIENT, 7, f->ip, 7, 0);
    echo.icmp_type = 8;
    assert_verdict(eval(f, IN, echo, 4), ENI_ALLOW, ENI_REASON_RULE);
    assert_int_equal(flows(f, 5), 3);
}

static void test_s5_3_removed_rule_keeps_tracked_flow_until_idle(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id ssh = allow(f, f->web, ENI_INGRESS, 6, 22, 22, "203.0.113.1/32");
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.1", 40000, f->ip, 22, 0x02), 1 * SEC), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 22, "203.0.113.1", 40000, 0x12), 2 * SEC),
                   ENI_ALLOW, ENI_REASON_TRACKED);
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.1", 40000, f->ip, 22, 0x10), 3 * SEC), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    revoke(f, f->web, ssh);
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.1", 40000, f->ip, 22, 0x10), 4 * SEC), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    /* established idle timeout (default 432000 s) */
    uint64_t idle = 4 * SEC + 432000 * SEC + 1;
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.1", 40000, f->ip, 22, 0x10), idle), ENI_DROP,
                   ENI_REASON_NO_RULE);
}

static void test_s5_4_configured_timeouts(void **state)
{
    struct fx *f = *state;
    eni_conntrack_timeouts t = {60, 60, 30};
    assert_eni_ok(eni_nic_set_conntrack_timeouts(f->ctx, f->nic, &t));
    allow(f, f->web, ENI_INGRESS, 6, 22, 22, "203.0.113.1/32");
    allow(f, f->web, ENI_INGRESS, 17, 53, 53, "203.0.113.1/32");
    /* TCP: established after the handshake, then 60 s */
    assert_verdict(eval(f, IN, pkt(6, "203.0.113.1", 1, f->ip, 22, 0x02), 0), ENI_ALLOW,
                   ENI_REASON_RULE);
    eval(f, OUT, pkt(6, f->ip, 22, "203.0.113.1", 1, 0x12), 1);
    eval(f, IN, pkt(6, "203.0.113.1", 1, f->ip, 22, 0x10), 2);
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 22, "203.0.113.1", 1, 0x10), 2 + 59 * SEC),
                   ENI_ALLOW, ENI_REASON_TRACKED);
    assert_eni_ok(eni_sg_revoke(f->ctx, f->web, ENI_EGRESS,
                                &(eni_sg_rule_spec){sizeof(eni_sg_rule_spec), ENI_PEER_CIDR, -1, 0, 0, 0,
                                                    "0.0.0.0/0", {0}, {0}, NULL},
                                1));
    assert_verdict(eval(f, OUT, pkt(6, f->ip, 22, "203.0.113.1", 1, 0x10), 2 + 120 * SEC),
                   ENI_DROP, ENI_REASON_NO_RULE);
    /* UDP one-way: 30 s; a stream (more exchanges): 60 s as configured */
    assert_verdict(eval(f, IN, pkt(17, "203.0.113.1", 5000, f->ip, 53, 0), 0), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, OUT, pkt(17, f->ip, 53, "203.0.113.1", 5000, 0), 29 * SEC), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    eval(f, IN, pkt(17, "203.0.113.1", 5000, f->ip, 53, 0), 30 * SEC);
    assert_verdict(eval(f, OUT, pkt(17, f->ip, 53, "203.0.113.1", 5000, 0), 85 * SEC), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    assert_verdict(eval(f, OUT, pkt(17, f->ip, 53, "203.0.113.1", 5000, 0), 150 * SEC), ENI_DROP,
                   ENI_REASON_NO_RULE);
}

static void test_s5_1_other_protocols_by_address_pair(void **state)
{
    struct fx *f = *state;
    /* GRE (47) out under the default egress rule; the peer's GRE comes back */
    assert_verdict(eval(f, OUT, pkt(47, f->ip, 0, "192.0.2.10", 0, 0), 0), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(47, "192.0.2.10", 0, f->ip, 0, 0), 599 * SEC), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    assert_verdict(eval(f, IN, pkt(47, "192.0.2.11", 0, f->ip, 0, 0), 1), ENI_DROP,
                   ENI_REASON_NO_RULE);
    /* 600 s after the last packet it is gone */
    assert_verdict(eval(f, IN, pkt(47, "192.0.2.10", 0, f->ip, 0, 0), 1200 * SEC), ENI_DROP,
                   ENI_REASON_NO_RULE);
}

static void test_s5_1_icmp_echo_and_related_errors(void **state)
{
    struct fx *f = *state;
    eni_pkt req = pkt(1, f->ip, 99, "192.0.2.1", 99, 0);
    req.icmp_type = 8;
    assert_verdict(eval(f, OUT, req, 0), ENI_ALLOW, ENI_REASON_RULE);
    eni_pkt rep = pkt(1, "192.0.2.1", 99, f->ip, 99, 0);
    rep.icmp_type = 0;
    assert_verdict(eval(f, IN, rep, 1), ENI_ALLOW, ENI_REASON_TRACKED);
    rep.sport = rep.dport = 100; /* another echo id: not the flow */
    assert_verdict(eval(f, IN, rep, 2), ENI_DROP, ENI_REASON_NO_RULE);

    /* an outbound TCP connection, then an ICMP "port unreachable" about it */
    eval(f, OUT, pkt(6, f->ip, 40000, "192.0.2.7", 8080, 0x02), 3);
    eni_pkt err = pkt(1, "192.0.2.7", 0, f->ip, 0, 0);
    err.icmp_type = 3;
    err.icmp_code = 3;
    err.flags = ENI_PKT_ICMP_ERROR;
    err.inner_proto = 6;
    memcpy(err.inner_src, req.src, 16); /* our address */
    inet_pton(AF_INET, "192.0.2.7", err.inner_dst);
    err.inner_sport = 40000;
    err.inner_dport = 8080;
    assert_verdict(eval(f, IN, err, 4), ENI_ALLOW, ENI_REASON_RELATED_ICMP);
    err.inner_dport = 8081; /* about nothing we track */
    assert_verdict(eval(f, IN, err, 5), ENI_DROP, ENI_REASON_NO_RULE);
}

static void test_s1_1_source_destination_check(void **state)
{
    struct fx *f = *state;
    assert_verdict(eval(f, OUT, pkt(6, "10.0.1.200", 1, CLIENT, 443, 0x02), 0), ENI_DROP,
                   ENI_REASON_SRC_DST_CHECK);
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 1, "10.0.1.200", 443, 0x02), 0), ENI_DROP,
                   ENI_REASON_SRC_DST_CHECK);
    assert_eni_ok(eni_nic_set_source_dest_check(f->ctx, f->nic, 0)); /* a NAT instance */
    assert_verdict(eval(f, OUT, pkt(6, "10.0.1.200", 1, CLIENT, 443, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
}

static void test_s4_4_group_reference_follows_membership(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = 5432, r.to_port = 5432;
    r.peer_kind = ENI_PEER_GROUP, r.group = f->db;
    assert_eni_ok(eni_sg_authorize(f->ctx, f->web, ENI_INGRESS, &r, 1, NULL));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->subnet;
    ns.groups = &f->db;
    ns.group_count = 1;
    ns.private_ip = "10.0.1.50";
    eni_nic_id member;
    assert_eni_ok(eni_nic_create(f->ctx, &ns, &member));
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.50", 1, f->ip, 5432, 0x02), 0), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.51", 1, f->ip, 5432, 0x02), 0), ENI_DROP,
                   ENI_REASON_NO_RULE);
    /* a new address of a member matches; leaving the group stops it */
    const char *ip = "10.0.1.51";
    assert_eni_ok(eni_nic_assign_private_ips(f->ctx, member, &ip, 1, 0, 0));
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.51", 2, f->ip, 5432, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_eni_ok(eni_nic_set_groups(f->ctx, member, &f->web, 1));
    assert_verdict(eval(f, IN, pkt(6, "10.0.1.51", 3, f->ip, 5432, 0x02), 2), ENI_DROP,
                   ENI_REASON_NO_RULE);
}

static void test_s4_3_prefix_list_peer(void **state)
{
    struct fx *f = *state;
    eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
    ps.family = 4;
    ps.name = "office";
    ps.max_entries = 5;
    eni_prefix_list_id pl;
    assert_eni_ok(eni_prefix_list_create(f->ctx, &ps, &pl));
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6, r.from_port = 443, r.to_port = 443;
    r.peer_kind = ENI_PEER_PREFIX_LIST, r.prefix_list = pl;
    assert_eni_ok(eni_sg_authorize(f->ctx, f->web, ENI_INGRESS, &r, 1, NULL));
    assert_verdict(eval(f, IN, pkt(6, "192.0.2.9", 1, f->ip, 443, 0x02), 0), ENI_DROP,
                   ENI_REASON_NO_RULE);
    const char *add[] = {"192.0.2.0/24"};
    assert_eni_ok(eni_prefix_list_modify(f->ctx, pl, add, 1, NULL, 0));
    assert_verdict(eval(f, IN, pkt(6, "192.0.2.9", 2, f->ip, 443, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
}

static void test_s5_5_conntrack_allowance(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->ctx, f->nic, 2));
    for (uint16_t i = 0; i < 2; i++)
        assert_verdict(eval(f, OUT, pkt(17, f->ip, (uint16_t)(1000 + i), CLIENT, 53, 0), 0),
                       ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(eval(f, OUT, pkt(17, f->ip, 1002, CLIENT, 53, 0), 0), ENI_DROP,
                   ENI_REASON_CONNTRACK_FULL);
    /* existing flows keep working */
    assert_verdict(eval(f, IN, pkt(17, CLIENT, 53, f->ip, 1000, 0), 1), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    eni_conntrack_stats st = {.size = sizeof st};
    assert_eni_ok(eni_nic_get_conntrack(f->ctx, f->nic, &st));
    assert_int_equal(st.allowance, 2);
    assert_int_equal(st.tracked, 2);
    assert_int_equal(st.conntrack_allowance_available, 0);
    assert_int_equal(st.conntrack_allowance_exceeded, 1);
    eni_eval_counters c = {.size = sizeof c};
    assert_eni_ok(eni_eval_worker_counters(f->w, &c));
    assert_int_equal(c.conntrack_allowance_exceeded, 1);
    assert_int_equal(c.by_reason[ENI_REASON_CONNTRACK_FULL], 1);
    /* once they idle out (UDP one-way 30 s) a new flow takes a slot lazily,
     * as explain says beforehand */
    eni_verdict ev;
    char text[256];
    eni_pkt late = pkt(17, f->ip, 1003, CLIENT, 53, 0);
    assert_eni_ok(eni_eval_explain(f->ctx, f->nic, OUT, &late, 100 * SEC, &ev, text, sizeof text));
    assert_verdict(ev, ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(eval(f, OUT, pkt(17, f->ip, 1003, CLIENT, 53, 0), 100 * SEC), ENI_ALLOW,
                   ENI_REASON_RULE);
    /* and it is tracked where a probe finds it: its reply comes in */
    assert_verdict(eval(f, IN, pkt(17, CLIENT, 53, f->ip, 1003, 0), 100 * SEC + 1), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    uint32_t removed;
    assert_eni_ok(eni_nic_sweep_flows(f->ctx, f->nic, 100 * SEC, &removed));
    assert_int_equal(removed, 1);
    assert_eni_ok(eni_nic_get_conntrack(f->ctx, f->nic, &st));
    assert_int_equal(st.tracked, 1);
    assert_eni_fail(eni_nic_set_conntrack_allowance(f->ctx, f->nic, 0), ENI_EINVAL,
                    "InvalidParameterValue");
}

/* The IPv6 flow table costs memory only once IPv6 traffic can reach it:
 * an IPv4-only interface that checks source/destination holds the minimum
 * table; assigning an IPv6 address or turning the check off gives it one
 * sized to the allowance before that traffic is let in. */
static uint32_t v6_table_slots(struct fx *f, eni_nic_id nic)
{
    struct eni_nic_dp *dp = eni__eval_dp_lookup(f->ctx, nic.v);
    assert_non_null(dp);
    return atomic_load(&atomic_load(&dp->flows)->ft6)->cap;
}

/* A new interface in the subnet and the web group: one private IPv4. */
static eni_nic_id new_v4_only(struct fx *f)
{
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->subnet;
    ns.groups = &f->web;
    ns.group_count = 1;
    eni_nic_id nic;
    assert_eni_ok(eni_nic_create(f->ctx, &ns, &nic));
    return nic;
}

static eni_nic_id attach_nic(struct fx *f, eni_nic_id nic, uint32_t index)
{
    eni_attachment_id att;
    assert_eni_ok(eni_nic_attach(f->ctx, nic, f->inst, index, 0, &att));
    poll_all(f);
    return nic;
}

static eni_nic_id attach_v4_only(struct fx *f, uint32_t index)
{
    return attach_nic(f, new_v4_only(f), index);
}

static void test_s5_5_ipv6_table_only_when_reachable(void **state)
{
    struct fx *f = *state;
    uint32_t full = v6_table_slots(f, f->nic); /* the fixture has an IPv6 address */
    assert_true(full > 16384);
    eni_nic_id a = attach_v4_only(f, 1);
    assert_true(v6_table_slots(f, a) < 128);
    char ip6[ENI_IP_STRING_MAX];
    uint32_t n;
    assert_eni_ok(eni_nic_assign_ipv6(f->ctx, a, NULL, 0, 1));
    eni_nic_address ad[4];
    assert_eni_ok(eni_nic_get_addresses(f->ctx, a, ad, 4, &n));
    assert_int_equal(n, 2);
    snprintf(ip6, sizeof ip6, "%s", ad[1].address);
    assert_int_equal(v6_table_slots(f, a), full);
    /* IPv6 flows are tracked from the first packet the snapshot lets in */
    allow(f, f->web, ENI_EGRESS, 6, 443, 443, "2001:db8::/64");
    eni_nic_id keep = f->nic;
    f->nic = a;
    assert_verdict(eval(f, OUT, pkt(6, ip6, 40000, "2001:db8::9", 443, 0x02), 0), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_verdict(eval(f, IN, pkt(6, "2001:db8::9", 443, ip6, 40000, 0x12), 1), ENI_ALLOW,
                   ENI_REASON_TRACKED);
    f->nic = keep;
    /* a new allowance keeps the IPv6 table's size class... */
    eni_nic_id b = attach_v4_only(f, 2);
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->ctx, b, 100));
    assert_true(v6_table_slots(f, b) < 128);
    /* ...and a NAT instance sees IPv6 traffic without an IPv6 address */
    assert_eni_ok(eni_nic_set_source_dest_check(f->ctx, b, 0));
    assert_int_equal(v6_table_slots(f, b), 100 * 8 / 5 + 64);
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->ctx, b, 200));
    assert_int_equal(v6_table_slots(f, b), 200 * 8 / 5 + 64);
}

/* Interfaces with the same groups share one compiled rule set per model
 * change, and each still follows its own groups. */
static const struct eni_ruleset *rules_of(struct fx *f, eni_nic_id nic)
{
    struct eni_nic_dp *dp = eni__eval_dp_lookup(f->ctx, nic.v);
    assert_non_null(dp);
    return atomic_load(&dp->snap)->rules;
}

static void test_s4_4_same_groups_share_rules(void **state)
{
    struct fx *f = *state;
    eni_nic_id b = attach_v4_only(f, 1);
    assert_ptr_equal(rules_of(f, b), rules_of(f, f->nic));
    allow(f, f->web, ENI_INGRESS, 6, 8443, 8443, CLIENT "/32");
    assert_ptr_equal(rules_of(f, b), rules_of(f, f->nic));
    eni_nic_address a[2];
    uint32_t n;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, b, a, 2, &n));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, f->ip, 8443, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    eni_nic_id keep = f->nic;
    f->nic = b;
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40000, a[0].address, 8443, 0x02), 1), ENI_ALLOW,
                   ENI_REASON_RULE);
    assert_eni_ok(eni_nic_set_groups(f->ctx, b, &f->db, 1));
    assert_ptr_not_equal(rules_of(f, b), rules_of(f, keep));
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40001, a[0].address, 8443, 0x02), 2), ENI_DROP,
                   ENI_REASON_NO_RULE);
    f->nic = keep;
    assert_verdict(eval(f, IN, pkt(6, CLIENT, 40001, f->ip, 8443, 0x02), 2), ENI_ALLOW,
                   ENI_REASON_RULE);
    /* explain answers from the published rules, and agrees */
    eni_verdict v;
    eni_pkt p = pkt(6, CLIENT, 40002, f->ip, 8443, 0x02);
    assert_eni_ok(eni_eval_explain(f->ctx, f->nic, IN, &p, 3, &v, NULL, 0));
    assert_int_equal(v.reason, ENI_REASON_RULE);
    assert_eni_ok(eni_nic_set_groups(f->ctx, b, &f->web, 1));
    assert_ptr_equal(rules_of(f, b), rules_of(f, f->nic));
}

static void test_s5_flows_listed(void **state)
{
    struct fx *f = *state;
    eval(f, OUT, pkt(6, f->ip, 50000, CLIENT, 443, 0x02), 5);
    eni_flow_info fi[2];
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(f->ctx, f->nic, 6, fi, 2, &n));
    assert_int_equal(n, 1);
    assert_int_equal(fi[0].family, 4);
    assert_int_equal(fi[0].proto, 6);
    assert_int_equal(fi[0].initiator, ENI_DIR_OUTBOUND);
    assert_int_equal(fi[0].local_port, 50000);
    assert_int_equal(fi[0].remote_port, 443);
    uint8_t client[4];
    inet_pton(AF_INET, CLIENT, client);
    assert_memory_equal(fi[0].remote, client, 4);
    assert_true(fi[0].expires_ns > 5);
}

/* The state a flow starts in, and so its first deadline, follows the
 * packet that created it (decisions.md D11): a SYN opens (60 s), a TCP
 * packet seen mid-stream is established (the configured timeout, 432000 s
 * by default), a FIN or RST is closing (10 s), UDP is one-way (30 s). The
 * initiator is the creating packet's direction. */
static void test_s5_flow_starts_in_its_packets_state(void **state)
{
    struct fx *f = *state;
    allow(f, f->web, ENI_INGRESS, 6, 8000, 8003, CLIENT "/32");
    static const struct {
        uint8_t proto, flags, state;
        uint64_t life_s;
    } want[] = {{6, 0x02, 1, 60}, {6, 0x10, 2, 432000}, {6, 0x11, 3, 10}, {17, 0, 1, 30}};
    const uint64_t now = 7 * SEC;
    for (uint16_t i = 0; i < 4; i++) {
        uint16_t port = (uint16_t)(8000 + i);
        eni_pkt p = want[i].proto == 6 ? pkt(6, CLIENT, 50000, f->ip, port, want[i].flags)
                                       : pkt(17, f->ip, port, CLIENT, 53, 0);
        assert_verdict(eval(f, want[i].proto == 6 ? IN : OUT, p, now), ENI_ALLOW, ENI_REASON_RULE);
    }
    eni_flow_info fi[8];
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(f->ctx, f->nic, 0, fi, 8, &n));
    assert_int_equal(n, 4);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t i = fi[k].local_port - 8000;
        assert_true(i < 4);
        assert_int_equal(fi[k].proto, want[i].proto);
        assert_int_equal(fi[k].state, want[i].state);
        assert_int_equal(fi[k].initiator, want[i].proto == 6 ? ENI_DIR_INBOUND : ENI_DIR_OUTBOUND);
        assert_int_equal(fi[k].expires_ns, now + want[i].life_s * SEC);
    }
}

static void test_s4_7_services_never_filtered(void **state)
{
    struct fx *f = *state;
    assert_verdict(eval(f, IN, pkt(6, "169.254.169.254", 80, f->ip, 40000, 0x12), 0), ENI_ALLOW,
                   ENI_REASON_SERVICE);
    assert_verdict(eval(f, IN, pkt(17, "10.0.0.2", 53, f->ip, 40000, 0), 0), ENI_ALLOW,
                   ENI_REASON_SERVICE);
}

/* Every link-local service address, both families, both directions; and
 * the neighbours one bit away, which the groups do filter (docs/decisions.md
 * D30 cites AWS's list). The group of the fixture allows nothing in. */
static void test_s4_7_every_service_address_and_no_neighbour(void **state)
{
    struct fx *f = *state;
    static const char *const services[] = {
        "169.254.169.253", "169.254.169.254", "169.254.169.123", "10.0.0.2",
        "fd00:ec2::253",   "fd00:ec2::254",   "fd00:ec2::123",
    };
    static const char *const neighbours[] = {
        "169.254.169.252", "169.254.169.255", "169.254.169.122", "169.254.169.125",
        "169.254.168.254", "10.0.0.3",        "10.0.0.0",
        "fd00:ec2::252",   "fd00:ec2::255",   "fd00:ec2::122",   "fd00:ec2::125",
        "fd00:ec2::1:254", "fd00:ec3::254",   "fd01:ec2::254",   "fd00:0:0:ec2::254",
        "fd00:0:0:ec2::54", "fd00:0:0:ec2::53", "fd00:ec2:0:0:1::254",
    };
    uint64_t t = 1;
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        const char *self = strchr(services[i], ':') ? f->ip6 : f->ip;
        assert_verdict(eval(f, IN, pkt(17, services[i], 53, self, 40000, 0), t++), ENI_ALLOW,
                       ENI_REASON_SERVICE);
        assert_verdict(eval(f, OUT, pkt(6, self, 40001, services[i], 80, 0x02), t++), ENI_ALLOW,
                       ENI_REASON_SERVICE);
    }
    for (size_t i = 0; i < sizeof neighbours / sizeof neighbours[0]; i++) {
        const char *self = strchr(neighbours[i], ':') ? f->ip6 : f->ip;
        eni_verdict v = eval(f, IN, pkt(17, neighbours[i], 53, self, 40002, 0), t++);
        if (v.reason == ENI_REASON_SERVICE)
            fail_msg("%s is exempt but is no service address", neighbours[i]);
        assert_verdict(v, ENI_DROP, ENI_REASON_NO_RULE);
    }
}

static void test_s1_3_not_attached(void **state)
{
    struct fx *f = *state;
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->subnet;
    eni_nic_id second;
    assert_eni_ok(eni_nic_create(f->ctx, &ns, &second));
    eni_attachment_id att;
    assert_eni_ok(eni_nic_attach(f->ctx, second, f->inst, 1, 0, &att));
    eni_pkt p = pkt(6, CLIENT, 1, "10.0.1.5", 22, 0x02);
    eni_verdict v;
    /* attaching: the evaluator knows it, traffic does not pass yet */
    assert_eni_ok(eni_eval_burst(f->w, second, IN, &p, 1, 0, 0, &v));
    assert_verdict(v, ENI_DROP, ENI_REASON_NOT_ATTACHED);
    poll_all(f);
    assert_eni_ok(eni_nic_detach(f->ctx, att, 0));
    poll_all(f);
    assert_eni_ok(eni_eval_burst(f->w, second, IN, &p, 1, 0, 0, &v));
    assert_verdict(v, ENI_DROP, ENI_REASON_NOT_ATTACHED);
    /* deleted: the evaluator forgets it */
    assert_eni_ok(eni_nic_delete(f->ctx, second));
    assert_eni_fail(eni_eval_burst(f->w, second, IN, &p, 1, 0, 0, &v), ENI_ENOTFOUND,
                    "InvalidNetworkInterfaceID.NotFound");
}

/* Queries about an interface the evaluator holds no state for (never
 * attached) answer without creating any: no flows, the default allowance,
 * and explain's verdict from a snapshot built for the question. Setting the
 * allowance is not a query: the interface gets its state then, and keeps
 * the setting when it attaches. */
static void test_s5_queries_create_no_state(void **state)
{
    struct fx *f = *state;
    eni_nic_id idle = new_v4_only(f);
    eni_nic_address a[2];
    uint32_t n;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, idle, a, 2, &n));
    allow(f, f->web, ENI_INGRESS, 6, 22, 22, CLIENT "/32");
    eni_pkt p = pkt(6, CLIENT, 40000, a[0].address, 22, 0x02);
    eni_verdict v;
    char text[256];
    assert_eni_ok(eni_eval_explain(f->ctx, idle, IN, &p, 1, &v, text, sizeof text));
    assert_verdict(v, ENI_DROP, ENI_REASON_NOT_ATTACHED);
    assert_string_equal(text, "dropped: the interface is not attached");
    assert_null(eni__eval_dp_lookup(f->ctx, idle.v));
    eni_flow_info fi[1];
    n = 99;
    assert_eni_ok(eni_nic_list_flows(f->ctx, idle, 1, fi, 1, &n));
    assert_int_equal(n, 0);
    assert_null(eni__eval_dp_lookup(f->ctx, idle.v));
    eni_conntrack_stats st = {.size = sizeof st};
    assert_eni_ok(eni_nic_get_conntrack(f->ctx, idle, &st));
    assert_int_equal(st.tracked, 0);
    assert_int_equal(st.allowance, 16384);
    assert_int_equal(st.conntrack_allowance_available, 16384);
    assert_int_equal(st.conntrack_allowance_exceeded, 0);
    assert_null(eni__eval_dp_lookup(f->ctx, idle.v));
    uint32_t removed = 99;
    assert_eni_ok(eni_nic_sweep_flows(f->ctx, idle, 1, &removed));
    assert_int_equal(removed, 0);
    assert_null(eni__eval_dp_lookup(f->ctx, idle.v));
    /* the next republish does not pick it up either: bursts do not know it */
    allow(f, f->web, ENI_INGRESS, 6, 23, 23, CLIENT "/32");
    assert_null(eni__eval_dp_lookup(f->ctx, idle.v));
    assert_eni_fail(eni_eval_burst(f->w, idle, IN, &p, 1, 0, 0, &v), ENI_ENOTFOUND,
                    "InvalidNetworkInterfaceID.NotFound");
    /* the allowance is a setting, kept for the attachment */
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->ctx, idle, 100));
    assert_non_null(eni__eval_dp_lookup(f->ctx, idle.v));
    attach_nic(f, idle, 1);
    assert_eni_ok(eni_nic_get_conntrack(f->ctx, idle, &st));
    assert_int_equal(st.allowance, 100);
    assert_eni_ok(eni_eval_explain(f->ctx, idle, IN, &p, 1, &v, NULL, 0));
    assert_verdict(v, ENI_ALLOW, ENI_REASON_RULE);
}

/* An Ethernet frame of an IPv4 TCP SYN from src:50000 to dst:443. */
static void syn_frame(uint8_t frame[54], const char *src, const char *dst)
{
    memset(frame, 0, 54);
    frame[12] = 0x08; /* IPv4 */
    uint8_t *ip = frame + 14;
    ip[0] = 0x45;
    ip[3] = 40;
    ip[9] = 6;
    inet_pton(AF_INET, src, ip + 12);
    inet_pton(AF_INET, dst, ip + 16);
    ip[20] = 0xc3, ip[21] = 0x50;  /* sport 50000 */
    ip[22] = 0x01, ip[23] = 0xbb;  /* dport 443 */
    ip[32] = 0x50;
    ip[33] = 0x02;
}

static void test_s5_frames_and_malformed(void **state)
{
    struct fx *f = *state;
    uint8_t frame[54];
    syn_frame(frame, f->ip, CLIENT);
    const uint8_t *frames[2] = {frame, frame};
    uint32_t lens[2] = {sizeof frame, 20};
    eni_verdict v[2];
    assert_eni_ok(eni_eval_frames(f->w, f->nic, OUT, frames, lens, 2, 0, 0, v));
    assert_verdict(v[0], ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(v[1], ENI_DROP, ENI_REASON_MALFORMED);
}

static void test_s5_explain_in_words(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id id = allow(f, f->web, ENI_INGRESS, 6, 443, 443, "198.51.100.0/24");
    eni_verdict v;
    char text[256];
    assert_eni_ok(eni_eval_explain(f->ctx, f->nic, IN, &(eni_pkt){0}, 0, &v, text, sizeof text));
    assert_int_equal(v.reason, ENI_REASON_MALFORMED);
    eni_pkt p = pkt(6, "198.51.100.9", 1, f->ip, 443, 0x02);
    assert_eni_ok(eni_eval_explain(f->ctx, f->nic, IN, &p, 0, &v, text, sizeof text));
    assert_verdict(v, ENI_ALLOW, ENI_REASON_RULE);
    assert_int_equal(v.rule.v, id.v);
    assert_non_null(strstr(text, "tcp 443-443 from 198.51.100.0/24"));
    assert_int_equal(flows(f, 1), 0); /* explain creates nothing */
    p = pkt(6, "198.51.100.9", 1, f->ip, 444, 0x02);
    assert_eni_ok(eni_eval_explain(f->ctx, f->nic, IN, &p, 0, &v, text, sizeof text));
    assert_verdict(v, ENI_DROP, ENI_REASON_NO_RULE);
    assert_non_null(strstr(text, "timeout"));
}

static void test_s5_argument_errors(void **state)
{
    struct fx *f = *state;
    eni_pkt p = pkt(6, CLIENT, 1, f->ip, 22, 0x02);
    eni_verdict v;
    assert_eni_fail(eni_eval_burst(NULL, f->nic, IN, &p, 1, 0, 0, &v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_burst(f->w, f->nic, 3, &p, 1, 0, 0, &v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_burst(f->w, f->nic, IN, &p, 1, 0, 0x80, &v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_burst(f->w, f->nic, IN, NULL, 1, 0, 0, &v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_ok(eni_eval_burst(f->w, f->nic, IN, NULL, 0, 0, 0, NULL));
    assert_eni_fail(eni_eval_burst(f->w, (eni_nic_id){0}, IN, &p, 1, 0, 0, &v), ENI_ENOTFOUND,
                    "InvalidNetworkInterfaceID.NotFound");
    /* ENI_EVAL_L3 is for frames: records refuse it */
    assert_eni_fail(eni_eval_burst(f->w, f->nic, IN, &p, 1, 0, ENI_EVAL_L3, &v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_worker_new(NULL, NULL), ENI_EINVAL, "InvalidParameterValue");
    eni_eval_counters c = {.size = 4};
    assert_eni_fail(eni_eval_worker_counters(f->w, &c), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_nic_get_conntrack(f->ctx, (eni_nic_id){f->web.v}, &(eni_conntrack_stats){
                                                                              .size = sizeof(eni_conntrack_stats)}),
                    ENI_EINVAL, "InvalidNetworkInterfaceId.Malformed");
}

/* A record is data: one of an unknown family is MALFORMED and counted,
 * the rest of its burst is judged, and the call succeeds (the header says
 * so; refusing would mean checking every record first, or half a burst). */
static void test_s5_bad_record_in_a_burst_is_malformed_not_refused(void **state)
{
    struct fx *f = *state;
    eni_pkt b[3] = {pkt(6, f->ip, 50000, CLIENT, 443, 0x02), pkt(6, f->ip, 50001, CLIENT, 443, 0x02),
                    pkt(6, f->ip, 50002, CLIENT, 443, 0x02)};
    b[1].family = 5;
    eni_verdict v[3];
    eni_eval_counters before = ENI_EVAL_COUNTERS_INIT, after = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(f->w, &before));
    assert_eni_ok(eni_eval_burst(f->w, f->nic, OUT, b, 3, 1, 0, v));
    assert_verdict(v[0], ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(v[1], ENI_DROP, ENI_REASON_MALFORMED);
    assert_verdict(v[2], ENI_ALLOW, ENI_REASON_RULE);
    assert_eni_ok(eni_eval_worker_counters(f->w, &after));
    assert_int_equal(after.packets - before.packets, 3);
    assert_int_equal(after.by_reason[ENI_REASON_MALFORMED] - before.by_reason[ENI_REASON_MALFORMED], 1);
    /* explain answers the same for it */
    eni_verdict e;
    assert_eni_ok(eni_eval_explain(f->ctx, f->nic, OUT, &b[1], 1, &e, NULL, 0));
    assert_verdict(e, ENI_DROP, ENI_REASON_MALFORMED);
}

/* A worker is one thread's: a burst on a worker that is inside another
 * burst is refused with ENI_EBUSY, nothing written and nothing counted.
 * "Inside another burst" is staged by hand (the worker's epoch is what a
 * running burst holds), so the test cannot depend on timing;
 * eval_threads races two real threads on one worker. */
static void test_s5_worker_in_use_is_refused_busy(void **state)
{
    struct fx *f = *state;
    eni_pkt p = pkt(6, f->ip, 50000, CLIENT, 443, 0x02);
    uint8_t dirs[1] = {OUT};
    const uint8_t *frames[1] = {(const uint8_t *)&p};
    uint32_t lens[1] = {sizeof p};
    eni_eval_counters before = ENI_EVAL_COUNTERS_INIT, after = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(f->w, &before));
    atomic_store(&f->w->epoch, atomic_load(&f->ctx->eval->epoch)); /* another thread's burst */
    eni_verdict v;
    memset(&v, 0x5a, sizeof v);
    assert_eni_fail(eni_eval_burst(f->w, f->nic, OUT, &p, 1, 1, 0, &v), ENI_EBUSY,
                    eni_err_ec2_code(ENI_EBUSY));
    assert_eni_fail(eni_eval_burst_dirs(f->w, f->nic, dirs, &p, 1, 1, 0, &v), ENI_EBUSY,
                    eni_err_ec2_code(ENI_EBUSY));
    assert_eni_fail(eni_eval_frames(f->w, f->nic, OUT, frames, lens, 1, 1, 0, &v), ENI_EBUSY,
                    eni_err_ec2_code(ENI_EBUSY));
    assert_eni_fail(eni_eval_frames_dirs(f->w, f->nic, dirs, frames, lens, 1, 1, 0, &v), ENI_EBUSY,
                    eni_err_ec2_code(ENI_EBUSY));
    assert_int_equal(v.action, 0x5a); /* nothing written */
    assert_eni_ok(eni_eval_worker_counters(f->w, &after));
    assert_memory_equal(&before, &after, sizeof before); /* nothing counted */
    assert_int_equal(flows(f, 1), 0);
    atomic_store(&f->w->epoch, 0); /* that burst ends */
    assert_eni_ok(eni_eval_burst(f->w, f->nic, OUT, &p, 1, 1, 0, &v));
    assert_verdict(v, ENI_ALLOW, ENI_REASON_RULE);
}

/* Directions per packet: checked before anything is judged. */
static void test_s5_burst_dirs_argument_errors(void **state)
{
    struct fx *f = *state;
    eni_pkt b[3] = {pkt(6, f->ip, 50000, CLIENT, 443, 0x02), pkt(6, CLIENT, 443, f->ip, 50000, 0x12),
                    pkt(6, f->ip, 50001, CLIENT, 443, 0x02)};
    uint8_t dirs[3] = {OUT, 3, OUT};
    eni_verdict v[3];
    memset(v, 0x5a, sizeof v);
    assert_eni_fail(eni_eval_burst_dirs(f->w, f->nic, dirs, b, 3, 1, 0, v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_burst_dirs(f->w, f->nic, NULL, b, 3, 1, 0, v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_burst_dirs(NULL, f->nic, dirs, b, 3, 1, 0, v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_eval_burst_dirs(f->w, f->nic, dirs, b, 3, 1, 0x80, v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(v[0].action, 0x5a); /* the good first packet was not judged either */
    assert_int_equal(flows(f, 1), 0);
    const uint8_t *frames[1] = {NULL};
    uint32_t lens[1] = {0};
    assert_eni_fail(eni_eval_frames_dirs(f->w, f->nic, dirs + 1, frames, lens, 1, 1, 0, v),
                    ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_eval_frames_dirs(f->w, f->nic, dirs, NULL, lens, 1, 1, 0, v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_ok(eni_eval_burst_dirs(f->w, f->nic, NULL, NULL, 0, 1, 0, NULL));
    assert_eni_fail(eni_eval_burst_dirs(f->w, (eni_nic_id){0}, dirs, b, 1, 1, 0, v),
                    ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound");
    /* a capture replay: SYN out, SYN-ACK in, in one call */
    dirs[1] = IN;
    assert_eni_ok(eni_eval_burst_dirs(f->w, f->nic, dirs, b, 3, 1, 0, v));
    assert_verdict(v[0], ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(v[1], ENI_ALLOW, ENI_REASON_TRACKED);
    assert_verdict(v[2], ENI_ALLOW, ENI_REASON_RULE);
}

/* Bare IP packets (ENI_EVAL_L3), with a direction each: a TUN device's or
 * a raw capture's traffic, judged as the same packets in Ethernet frames. */
static void test_s5_l3_packets_judged_as_their_frames(void **state)
{
    struct fx *f = *state;
    uint8_t frame[54], back[54];
    syn_frame(frame, f->ip, CLIENT);
    syn_frame(back, CLIENT, f->ip);
    const uint8_t *ip = frame + 14;
    uint8_t *reply = back + 14; /* CLIENT:443 -> us:50000, SYN-ACK */
    memcpy(reply + 20, ip + 22, 2);
    memcpy(reply + 22, ip + 20, 2);
    reply[33] = 0x12;
    eni_pkt a, b;
    assert_eni_ok(eni_pkt_parse(frame, sizeof frame, &a));
    assert_eni_ok(eni_pkt_parse_ip(ip, 40, &b));
    assert_memory_equal(&a, &b, sizeof a);
    const uint8_t *pk[3] = {ip, reply, frame};
    uint32_t lens[3] = {40, 40, sizeof frame};
    uint8_t dirs[3] = {OUT, IN, OUT};
    eni_verdict v[3];
    assert_eni_ok(eni_eval_frames_dirs(f->w, f->nic, dirs, pk, lens, 3, 1, ENI_EVAL_L3, v));
    assert_verdict(v[0], ENI_ALLOW, ENI_REASON_RULE);
    assert_verdict(v[1], ENI_ALLOW, ENI_REASON_TRACKED);
    assert_verdict(v[2], ENI_DROP, ENI_REASON_MALFORMED); /* a frame is not an IP packet */
    assert_eni_ok(eni_eval_frames(f->w, f->nic, IN, pk + 1, lens + 1, 1, 2, ENI_EVAL_L3, v));
    assert_verdict(v[0], ENI_ALLOW, ENI_REASON_TRACKED);
    /* and without the flag, the same bytes are not Ethernet frames */
    assert_eni_ok(eni_eval_frames(f->w, f->nic, OUT, pk, lens, 1, 3, 0, v));
    assert_verdict(v[0], ENI_DROP, ENI_REASON_MALFORMED);
}

/* The burst path (grouped keys, prefetching, the short paths for flow
 * hits, for misses and for new flows) must judge exactly as packets taken
 * one at a time through the general engine. Two identical hosts see the
 * same random traffic: one in bursts of 1..150 packets, half of them
 * naming no rule (so new flows take the short path), the other one packet
 * per call naming the rule (so they take the general engine), each packet
 * first asked of eni_eval_explain (the general engine, without
 * committing). Verdicts, allowing rules where named, and counters must all
 * agree, and the counters must add up to explain's verdicts. The traffic
 * includes untracked flows, and an allowance small enough that some new
 * flows are refused. With `acl`, the subnet's network ACL denies some of
 * the traffic each way and family. */
static void add_traffic_rules(struct fx *f)
{
    allow(f, f->web, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    allow(f, f->web, ENI_INGRESS, 17, 53, 53, "203.0.113.0/24");
    allow(f, f->web, ENI_INGRESS, 1, -1, -1, "0.0.0.0/0");
    allow(f, f->web, ENI_INGRESS, 6, 443, 443, "2001:db8:ffff::/48");
    /* open to all, and all egress open: untracked (section 5.2) */
    allow(f, f->web, ENI_INGRESS, 6, 8080, 8080, "0.0.0.0/0");
}

static void add_traffic_acl(struct fx *f)
{
    eni_acl_id acl = mk_acl(f->ctx, f->vpc);
    acl_add(f->ctx, acl, acl_ports(ENI_INGRESS, 10, ENI_ACL_DENY, 6, 22, 22, "198.51.100.9/32"));
    acl_add(f->ctx, acl, acl_ports(ENI_INGRESS, 20, ENI_ACL_DENY, 6, 443, 443, "2001:db8:ffff::1/128"));
    acl_add(f->ctx, acl, acl_entry(ENI_INGRESS, 30, ENI_ACL_DENY, 47, "0.0.0.0/0"));
    acl_add(f->ctx, acl, acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    acl_add(f->ctx, acl, acl_entry(ENI_INGRESS, 101, ENI_ACL_ALLOW, -1, "::/0"));
    acl_add(f->ctx, acl, acl_ports(ENI_EGRESS, 10, ENI_ACL_DENY, 17, 53, 53, "203.0.113.0/24"));
    acl_add(f->ctx, acl, acl_entry(ENI_EGRESS, 20, ENI_ACL_DENY, 58, "2001:db8:eeee::/48"));
    acl_add(f->ctx, acl, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    acl_add(f->ctx, acl, acl_entry(ENI_EGRESS, 101, ENI_ACL_ALLOW, -1, "::/0"));
    assert_eni_ok(eni_acl_replace_association(f->ctx, f->subnet, acl));
}

enum { TIGHT_ALLOWANCE = 32 };

static void burst_agreement(void **state, bool per_packet, bool acl)
{
    struct fx *f = *state, *g;
    assert_int_equal(setup((void **)&g), 0);
    assert_string_equal(f->ip, g->ip); /* addresses are deterministic */
    add_traffic_rules(f);
    add_traffic_rules(g);
    /* few enough flows that new ones are sometimes refused (section 5.5) */
    assert_eni_ok(eni_nic_set_conntrack_allowance(f->ctx, f->nic, TIGHT_ALLOWANCE));
    assert_eni_ok(eni_nic_set_conntrack_allowance(g->ctx, g->nic, TIGHT_ALLOWANCE));
    if (acl) {
        add_traffic_acl(f);
        add_traffic_acl(g);
    }
    /* what explain said of each packet, as the counters count it */
    uint64_t said[ENI_REASON_ACL_DENY + 1] = {0}, said_allowed = 0, said_total = 0;
    static const char *const remotes4[] = {"198.51.100.7", "198.51.100.9", "203.0.113.5",
                                           "192.0.2.1",    "169.254.169.254", "10.0.1.200"};
    static const char *const remotes6[] = {"2001:db8:ffff::1", "2001:db8:eeee::2", "fd00:ec2::123"};
    static const uint8_t protos[] = {6, 17, 1, 47};
    enum { TOTAL = 3000, MAXB = 150 };
    eni_pkt b[MAXB];
    eni_verdict vb[MAXB];
    uint8_t dirs[MAXB];
    uint32_t seed = 12345, done = 0, hits = 0, created_unnamed = 0;
#define RND(n) ((seed = seed * 1103515245u + 12345u) >> 16) % (n)
    while (done < TOTAL) {
        /* The middle third runs with the check off (a NAT instance): flows
         * of foreign local addresses are created, and must be dropped
         * again, tracked or not, once the check is back on. */
        int sdc = done < TOTAL / 3 || done >= 2 * TOTAL / 3;
        assert_eni_ok(eni_nic_set_source_dest_check(f->ctx, f->nic, sdc));
        assert_eni_ok(eni_nic_set_source_dest_check(g->ctx, g->nic, sdc));
        uint32_t dir = RND(2) ? IN : OUT, m = 1 + RND(MAXB), burst_dir = dir;
        /* half the bursts name no rule: those create flows on the short
         * path for new flows, the others through the general engine */
        uint32_t flags = RND(2) ? ENI_EVAL_WANT_RULE : 0;
        uint64_t now = (uint64_t)(done / 100 + 1) * 7 * SEC;
        for (uint32_t i = 0; i < m; i++) {
            if (per_packet) /* a capture replay: both ways interleaved */
                dir = dirs[i] = RND(2) ? IN : OUT;
            bool six = RND(4) == 0;
            const char *remote = six ? remotes6[RND(3)] : remotes4[RND(6)];
            const char *local = six ? g->ip6 : RND(10) == 0 ? "10.0.1.99" /* not ours */ : g->ip;
            uint8_t proto = protos[RND(4)];
            uint16_t rport = (uint16_t)(RND(3) == 0   ? 22 + RND(2)
                                        : RND(3) == 0 ? 8080 /* untracked inbound */
                                        : RND(2)      ? 53
                                                      : 443);
            uint16_t lport = (uint16_t)(40000 + RND(4));
            if (six && proto == 1)
                proto = 58;
            b[i] = dir == IN ? pkt(proto, remote, rport, local, rport == 53 ? 53 : rport, 0)
                             : pkt(proto, local, lport, remote, rport, 0);
            if (dir == IN)
                b[i].sport = lport, b[i].dport = rport;
            b[i].tcp_flags = proto == 6 ? (uint8_t)(RND(3) == 0 ? 0x02 : 0x10) : 0;
            if (proto == 1 || proto == 58)
                b[i].icmp_type = (uint8_t)(six ? (RND(2) ? 128 : 129) : (RND(2) ? 8 : 0));
            if (RND(50) == 0)
                b[i].family = 0; /* malformed */
        }
        if (per_packet)
            assert_eni_ok(eni_eval_burst_dirs(f->w, f->nic, dirs, b, m, now, flags, vb));
        else
            assert_eni_ok(eni_eval_burst(f->w, f->nic, burst_dir, b, m, now, flags, vb));
        for (uint32_t i = 0; i < m; i++) {
            if (per_packet)
                dir = dirs[i];
            eni_verdict ve, v1;
            char text[256];
            if (b[i].family != 0) {
                assert_eni_ok(eni_eval_explain(g->ctx, g->nic, dir, &b[i], now, &ve, text, sizeof text));
                assert_int_equal(ve.action, vb[i].action);
                assert_int_equal(ve.reason, vb[i].reason);
            } else {
                ve = (eni_verdict){.action = ENI_DROP, .reason = ENI_REASON_MALFORMED};
            }
            assert_true(ve.reason <= ENI_REASON_ACL_DENY);
            said[ve.reason]++;
            said_allowed += ve.action == ENI_ALLOW;
            said_total++;
            assert_eni_ok(
                eni_eval_burst(g->w, g->nic, dir, &b[i], 1, now, ENI_EVAL_WANT_RULE, &v1));
            assert_int_equal(v1.action, vb[i].action);
            assert_int_equal(v1.reason, vb[i].reason);
            if (flags) {
                assert_int_equal(v1.group.v, vb[i].group.v);
                assert_int_equal(v1.rule.v, vb[i].rule.v);
            } else {
                assert_int_equal(vb[i].group.v, 0);
                assert_int_equal(vb[i].rule.v, 0);
            }
            hits += vb[i].reason == ENI_REASON_TRACKED;
            created_unnamed += !flags && vb[i].reason == ENI_REASON_RULE;
        }
        done += m;
    }
#undef RND
    eni_eval_counters cf = {.size = sizeof cf}, cg = {.size = sizeof cg};
    assert_eni_ok(eni_eval_worker_counters(f->w, &cf));
    assert_eni_ok(eni_eval_worker_counters(g->w, &cg));
    assert_memory_equal(&cf, &cg, sizeof cf);
    /* the bursts' counters (short paths included) add up to explain's verdicts */
    assert_int_equal(cf.packets, said_total);
    assert_int_equal(cf.allowed, said_allowed);
    assert_int_equal(cf.dropped, said_total - said_allowed);
    for (uint32_t r = 0; r < sizeof cf.by_reason / sizeof cf.by_reason[0]; r++)
        assert_int_equal(cf.by_reason[r], said[r]);
    assert_int_equal(cf.acl_denied, said[ENI_REASON_ACL_DENY]);
    if (acl)
        assert_true(cf.acl_denied > 0);
    assert_true(hits > TOTAL / 10); /* the short path was exercised */
    assert_true(created_unnamed > 0); /* and the one for new flows */
    assert_true(cf.flows_created > 0);
    assert_true(cf.by_reason[ENI_REASON_UNTRACKED] > 0);
    assert_true(cf.by_reason[ENI_REASON_CONNTRACK_FULL] > 0);
    assert_int_equal(cf.conntrack_allowance_exceeded, cf.by_reason[ENI_REASON_CONNTRACK_FULL]);
    assert_true(cf.by_reason[ENI_REASON_SRC_DST_CHECK] > 0);
    assert_true(cf.by_reason[ENI_REASON_SERVICE] > 0);
    assert_true(cf.by_reason[ENI_REASON_NO_RULE] > 0);
    assert_true(cf.by_reason[ENI_REASON_MALFORMED] > 0);
    teardown((void **)&g);
}

static void test_s5_burst_agrees_with_single_packets(void **state)
{
    burst_agreement(state, false, false);
}

/* The same with a direction per packet (eni_eval_burst_dirs). */
static void test_s5_burst_dirs_agrees_with_single_packets(void **state)
{
    burst_agreement(state, true, false);
}

/* Both again behind a network ACL that denies some traffic each way. */
static void test_s5_burst_agrees_with_single_packets_behind_an_acl(void **state)
{
    burst_agreement(state, false, true);
}

static void test_s5_burst_dirs_agrees_with_single_packets_behind_an_acl(void **state)
{
    burst_agreement(state, true, true);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
/* Each test again without rule names (eval_flags 0). */
#define U(t) {#t " without rule names", t, setup_unnamed, teardown_unnamed, NULL}

static int setup_unnamed(void **state)
{
    eval_flags = 0;
    return setup(state);
}

static int teardown_unnamed(void **state)
{
    eval_flags = ENI_EVAL_WANT_RULE;
    return teardown(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s5_1_default_deny_inbound_allow_outbound),
        T(test_s5_1_stateful_both_ways),
        T(test_s5_1_tracked_flow_past_the_table_end),
        U(test_s5_1_tracked_flow_past_the_table_end),
        T(test_s5_2_untracked_when_open_both_ways),
        T(test_s5_2_any_open_rule_makes_untracked),
        T(test_s5_2_judged_per_family),
        T(test_s5_3_removed_rule_keeps_tracked_flow_until_idle),
        T(test_s5_4_configured_timeouts),
        T(test_s5_1_other_protocols_by_address_pair),
        T(test_s5_1_icmp_echo_and_related_errors),
        T(test_s1_1_source_destination_check),
        T(test_s4_4_group_reference_follows_membership),
        T(test_s4_4_same_groups_share_rules),
        T(test_s4_3_prefix_list_peer),
        T(test_s5_5_conntrack_allowance),
        T(test_s5_5_ipv6_table_only_when_reachable),
        T(test_s5_flows_listed),
        T(test_s5_flow_starts_in_its_packets_state),
        T(test_s4_7_services_never_filtered),
        T(test_s4_7_every_service_address_and_no_neighbour),
        T(test_s1_3_not_attached),
        T(test_s5_queries_create_no_state),
        T(test_s5_frames_and_malformed),
        T(test_s5_explain_in_words),
        T(test_s5_argument_errors),
        T(test_s5_bad_record_in_a_burst_is_malformed_not_refused),
        T(test_s5_worker_in_use_is_refused_busy),
        T(test_s5_burst_dirs_argument_errors),
        T(test_s5_l3_packets_judged_as_their_frames),
        T(test_s5_burst_agrees_with_single_packets),
        T(test_s5_burst_dirs_agrees_with_single_packets),
        T(test_s5_burst_agrees_with_single_packets_behind_an_acl),
        T(test_s5_burst_dirs_agrees_with_single_packets_behind_an_acl),
        U(test_s5_1_default_deny_inbound_allow_outbound),
        U(test_s5_1_stateful_both_ways),
        U(test_s5_2_untracked_when_open_both_ways),
        U(test_s5_2_any_open_rule_makes_untracked),
        U(test_s5_2_judged_per_family),
        U(test_s5_3_removed_rule_keeps_tracked_flow_until_idle),
        U(test_s5_4_configured_timeouts),
        U(test_s5_1_other_protocols_by_address_pair),
        U(test_s5_1_icmp_echo_and_related_errors),
        U(test_s1_1_source_destination_check),
        U(test_s4_4_group_reference_follows_membership),
        U(test_s4_4_same_groups_share_rules),
        U(test_s4_3_prefix_list_peer),
        U(test_s5_5_conntrack_allowance),
        U(test_s5_5_ipv6_table_only_when_reachable),
        U(test_s5_flows_listed),
        U(test_s5_flow_starts_in_its_packets_state),
        U(test_s4_7_services_never_filtered),
        U(test_s4_7_every_service_address_and_no_neighbour),
        U(test_s1_3_not_attached),
        U(test_s5_queries_create_no_state),
        U(test_s5_frames_and_malformed),
        U(test_s5_explain_in_words),
        U(test_s5_argument_errors),
        U(test_s5_bad_record_in_a_burst_is_malformed_not_refused),
        U(test_s5_worker_in_use_is_refused_busy),
        U(test_s5_burst_dirs_argument_errors),
        U(test_s5_l3_packets_judged_as_their_frames),
        U(test_s5_burst_agrees_with_single_packets),
        U(test_s5_burst_dirs_agrees_with_single_packets),
        U(test_s5_burst_agrees_with_single_packets_behind_an_acl),
        U(test_s5_burst_dirs_agrees_with_single_packets_behind_an_acl),
    };
    return cmocka_run_group_tests_name("eval_semantics", tests, NULL, NULL);
}
