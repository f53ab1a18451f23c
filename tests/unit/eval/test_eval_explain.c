/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* explain's diagnosis, both halves (section 5: a security group never
 * answers, it only drops, so the client of a dropped packet sees a timeout):
 * for an allowed connection attempt, a refused connection comes from the
 * instance, not the groups; for a drop, the closest rule and what it got
 * wrong, the question every user asks next. */
#include <arpa/inet.h>

#include "eval_host.h"

#define IN ENI_DIR_INBOUND
#define OUT ENI_DIR_OUTBOUND

struct fx {
    struct eval_host h;
    char ip4[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
    char text[ENI_EXPLAIN_TEXT_MAX];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eval_host_new(&f->h, NULL, "web");
    eval_host_addresses(&f->h, f->ip4, f->ip6);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eval_host_free(&f->h, NULL);
    free(f);
    return 0;
}

/* A packet from an ephemeral port (eval_host_pkt with sport 40000). */
static eni_pkt pkt(uint8_t proto, const char *src, const char *dst, uint16_t dport,
                   uint8_t tcp_flags)
{
    return eval_host_pkt(proto, src, 40000, dst, dport, tcp_flags);
}

/* Explain p in direction dir; the verdict's reason, the text in f->text. */
static uint32_t explain(struct fx *f, unsigned dir, eni_pkt p)
{
    eni_verdict v;
    assert_eni_ok(eni_eval_explain(f->h.ctx, f->h.nic, dir, &p, 1, &v, f->text, sizeof f->text));
    return v.reason;
}

/* The sentence naming rule id of the interface's group as the closest. */
static void assert_closest(struct fx *f, eni_sg_rule_id rule, const char *why)
{
    char g[ENI_ID_STRING_MAX], r[ENI_ID_STRING_MAX], want[ENI_EXPLAIN_TEXT_MAX];
    assert_eni_ok(eni_id_format(f->h.ctx, f->h.group.v, g, sizeof g));
    assert_eni_ok(eni_id_format(f->h.ctx, rule.v, r, sizeof r));
    snprintf(want, sizeof want,
             "dropped: no rule matched — the client would see a timeout; the closest rule is "
             "%s rule %s: %s",
             g, r, why);
    assert_string_equal(f->text, want);
}

static void test_s5_allowed_syn_means_a_refusal_is_the_instance(void **state)
{
    struct fx *f = *state;
    eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 22, 0x02)), ENI_REASON_RULE);
    assert_non_null(strstr(f->text, "; a tracked flow would be created; the security groups let "
                                    "this connection attempt through, so a refused connection "
                                    "comes from the instance (nothing listening on the port, or "
                                    "a host firewall)"));
    /* not a connection attempt: a SYN-ACK, a bare ACK */
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 22, 0x12)), ENI_REASON_RULE);
    assert_null(strstr(f->text, "refused"));
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 22, 0x10)), ENI_REASON_RULE);
    assert_null(strstr(f->text, "refused"));
    /* nor UDP, which has no refusal a group could be blamed for */
    eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 17, 53, 53, "198.51.100.0/24");
    assert_int_equal(explain(f, IN, pkt(17, "198.51.100.9", f->ip4, 53, 0)), ENI_REASON_RULE);
    assert_null(strstr(f->text, "refused"));
}

static void test_s5_allowed_outbound_syn_means_a_refusal_is_the_remote(void **state)
{
    struct fx *f = *state;
    /* a new group allows all IPv4 outbound */
    assert_int_equal(explain(f, OUT, pkt(6, f->ip4, "192.0.2.8", 443, 0x02)), ENI_REASON_RULE);
    assert_non_null(strstr(f->text, "so a refused connection comes from the remote host"));
}

static void test_s5_allowed_syn_on_an_open_rule_says_it_too(void **state)
{
    struct fx *f = *state;
    /* open both ways: untracked, and the note still holds */
    eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 0, 65535, "0.0.0.0/0");
    eval_host_allow(f->h.ctx, f->h.group, ENI_EGRESS, 6, 0, 65535, "0.0.0.0/0");
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 22, 0x02)),
                     ENI_REASON_UNTRACKED);
    assert_non_null(strstr(f->text, "refused connection comes from the instance"));
}

static void test_s5_drop_names_a_wrong_port(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id ssh =
        eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 80, 0x02)),
                     ENI_REASON_NO_RULE);
    assert_closest(f, ssh, "wrong port (the packet is to port 80, the rule allows 22-22)");
}

static void test_s5_drop_names_a_wrong_peer(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id ssh =
        eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    assert_int_equal(explain(f, IN, pkt(6, "203.0.113.7", f->ip4, 22, 0x02)), ENI_REASON_NO_RULE);
    assert_closest(f, ssh, "wrong peer (203.0.113.7 is not in 198.51.100.0/24)");
    /* the other family: an IPv4 range cannot match an IPv6 client */
    assert_int_equal(explain(f, IN, pkt(6, "2001:db8:ffff::7", f->ip6, 22, 0x02)),
                     ENI_REASON_NO_RULE);
    assert_closest(f, ssh, "wrong peer (198.51.100.0/24 is an IPv4 range; the packet is IPv6)");
}

static void test_s5_drop_names_a_wrong_protocol(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id dns =
        eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 17, 53, 53, "198.51.100.0/24");
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 53, 0x02)), ENI_REASON_NO_RULE);
    assert_closest(f, dns, "wrong protocol (the packet is tcp, the rule allows udp)");
}

static void test_s5_drop_names_every_miss_of_the_closest(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id ssh =
        eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    assert_int_equal(explain(f, IN, pkt(6, "203.0.113.7", f->ip4, 80, 0x02)), ENI_REASON_NO_RULE);
    assert_closest(f, ssh, "wrong port (the packet is to port 80, the rule allows 22-22); "
                           "wrong peer (203.0.113.7 is not in 198.51.100.0/24)");
}

static void test_s5_closest_is_the_one_with_fewest_misses(void **state)
{
    struct fx *f = *state;
    /* two misses (protocol, peer), then one (port), then one (peer): the
     * first rule with one miss wins */
    eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 17, 53, 53, "192.0.2.0/24");
    eni_sg_rule_id alt =
        eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 8443, 8443, "198.51.100.0/24");
    eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 443, 443, "192.0.2.0/24");
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 443, 0x02)),
                     ENI_REASON_NO_RULE);
    assert_closest(f, alt, "wrong port (the packet is to port 443, the rule allows 8443-8443)");
}

static void test_s4_4_drop_names_a_group_peer(void **state)
{
    struct fx *f = *state;
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = f->h.vpc;
    gs.name = "app";
    gs.description = "app";
    eni_sg_id app;
    assert_eni_ok(eni_sg_create(f->h.ctx, &gs, &app));
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = 5432;
    r.peer_kind = ENI_PEER_GROUP;
    r.group = app;
    eni_sg_rule_id id;
    assert_eni_ok(eni_sg_authorize(f->h.ctx, f->h.group, ENI_INGRESS, &r, 1, &id));
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.77", f->ip4, 5432, 0x02)), ENI_REASON_NO_RULE);
    char a[ENI_ID_STRING_MAX], why[160];
    assert_eni_ok(eni_id_format(f->h.ctx, app.v, a, sizeof a));
    snprintf(why, sizeof why, "wrong peer (10.0.1.77 is not a member of %s)", a);
    assert_closest(f, id, why);
    /* once a host reports 10.0.1.77 as a member, it passes */
    const char *member = "10.0.1.77";
    assert_eni_ok(eni_sg_set_remote_members(f->h.ctx, app, "host-b", &member, 1));
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.77", f->ip4, 5432, 0x02)), ENI_REASON_RULE);
}

/* A rule of f's group allowing tcp `port` from the members of a new group
 * "pods"; the rule's id, the group in *pods. */
static eni_sg_rule_id allow_pods(struct fx *f, uint16_t port, eni_sg_id *pods)
{
    *pods = eval_host_group(f->h.ctx, f->h.vpc, "pods");
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = port;
    r.peer_kind = ENI_PEER_GROUP;
    r.group = *pods;
    eni_sg_rule_id id;
    assert_eni_ok(eni_sg_authorize(f->h.ctx, f->h.group, ENI_INGRESS, &r, 1, &id));
    return id;
}

/* Section 4.4, decisions.md D35: a group's members include the prefixes
 * delegated to them, for explain as for the classifier. A packet from inside
 * a member's /28 or /80 that misses only on the port is a port miss of the
 * group rule, not a wrong peer. */
static void test_s4_4_drop_from_a_local_members_prefix_is_a_port_miss(void **state)
{
    struct fx *f = *state;
    eni_sg_id pods;
    eni_sg_rule_id id = allow_pods(f, 9000, &pods);
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = f->h.subnet;
    ns.groups = &pods;
    ns.group_count = 1;
    eni_nic_id node;
    assert_eni_ok(eni_nic_create(f->h.ctx, &ns, &node));
    const char *p4[] = {"10.0.1.64/28"}, *p6[] = {"2001:db8:0:100:8::/80"};
    assert_eni_ok(eni_nic_assign_prefixes(f->h.ctx, node, 4, p4, 1, 0));
    assert_eni_ok(eni_nic_assign_prefixes(f->h.ctx, node, 6, p6, 1, 0));
    /* the classifier admits the prefixes on the rule's port */
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.70", f->ip4, 9000, 0x02)), ENI_REASON_RULE);
    assert_int_equal(explain(f, IN, pkt(6, "2001:db8:0:100:8::77", f->ip6, 9000, 0x02)),
                     ENI_REASON_RULE);
    /* on another port, only the port is wrong */
    const char *why = "wrong port (the packet is to port 9001, the rule allows 9000-9000)";
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.70", f->ip4, 9001, 0x02)), ENI_REASON_NO_RULE);
    assert_closest(f, id, why);
    assert_int_equal(explain(f, IN, pkt(6, "2001:db8:0:100:8::77", f->ip6, 9001, 0x02)),
                     ENI_REASON_NO_RULE);
    assert_closest(f, id, why);
    /* just outside the /28: the peer is wrong too */
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.80", f->ip4, 9001, 0x02)), ENI_REASON_NO_RULE);
    char g[ENI_ID_STRING_MAX], both[200];
    assert_eni_ok(eni_id_format(f->h.ctx, pods.v, g, sizeof g));
    snprintf(both, sizeof both, "%s; wrong peer (10.0.1.80 is not a member of %s)", why, g);
    assert_closest(f, id, both);
}

/* The same for prefixes other hosts reported for their members
 * (eni_sg_set_remote, sg_remote.c). */
static void test_s4_4_drop_from_a_remote_members_prefix_is_a_port_miss(void **state)
{
    struct fx *f = *state;
    eni_sg_id pods;
    eni_sg_rule_id id = allow_pods(f, 9000, &pods);
    const char *prefixes[] = {"2001:db8:0:100:7::/80", "10.0.1.96/28"};
    eni_remote_members m = ENI_REMOTE_MEMBERS_INIT;
    m.prefixes = prefixes;
    m.prefix_count = 2;
    assert_eni_ok(eni_sg_set_remote(f->h.ctx, pods, "host-b", &m));
    assert_int_equal(explain(f, IN, pkt(6, "2001:db8:0:100:7:ffff:1:2", f->ip6, 9000, 0x02)),
                     ENI_REASON_RULE);
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.111", f->ip4, 9000, 0x02)), ENI_REASON_RULE);
    const char *why = "wrong port (the packet is to port 22, the rule allows 9000-9000)";
    assert_int_equal(explain(f, IN, pkt(6, "2001:db8:0:100:7:ffff:1:2", f->ip6, 22, 0x02)),
                     ENI_REASON_NO_RULE);
    assert_closest(f, id, why);
    assert_int_equal(explain(f, IN, pkt(6, "10.0.1.111", f->ip4, 22, 0x02)), ENI_REASON_NO_RULE);
    assert_closest(f, id, why);
    /* just past the /80: the peer is wrong too */
    assert_int_equal(explain(f, IN, pkt(6, "2001:db8:0:100:8::", f->ip6, 22, 0x02)),
                     ENI_REASON_NO_RULE);
    char g[ENI_ID_STRING_MAX], both[200];
    assert_eni_ok(eni_id_format(f->h.ctx, pods.v, g, sizeof g));
    snprintf(both, sizeof both, "%s; wrong peer (2001:db8:0:100:8:: is not a member of %s)", why,
             g);
    assert_closest(f, id, both);
}

static void test_s5_drop_names_a_wrong_icmp_type(void **state)
{
    struct fx *f = *state;
    eni_sg_rule_id echo =
        eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 1, 8, -1, "198.51.100.0/24");
    eni_pkt p = pkt(1, "198.51.100.9", f->ip4, 0, 0);
    p.icmp_type = 13; /* timestamp */
    assert_int_equal(explain(f, IN, p), ENI_REASON_NO_RULE);
    assert_closest(f, echo, "wrong ICMP type (the packet is type 13 code 0, the rule allows type 8)");
}

static void test_s5_drop_with_no_rules_in_that_direction(void **state)
{
    struct fx *f = *state;
    /* a new group has no inbound rule at all */
    assert_int_equal(explain(f, IN, pkt(6, "198.51.100.9", f->ip4, 22, 0x02)), ENI_REASON_NO_RULE);
    assert_string_equal(f->text, "dropped: no rule matched — the client would see a timeout; "
                                 "the interface's groups have no inbound rules");
}

static void test_s5_explain_text_cut_short_is_terminated(void **state)
{
    struct fx *f = *state;
    eval_host_allow(f->h.ctx, f->h.group, ENI_INGRESS, 6, 22, 22, "198.51.100.0/24");
    char small[24];
    memset(small, 'x', sizeof small);
    eni_verdict v;
    eni_pkt p = pkt(6, "198.51.100.9", f->ip4, 80, 0x02);
    assert_eni_ok(eni_eval_explain(f->h.ctx, f->h.nic, IN, &p, 1, &v, small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, "dropped: no rule matched", sizeof small - 1);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s5_allowed_syn_means_a_refusal_is_the_instance),
        T(test_s5_allowed_outbound_syn_means_a_refusal_is_the_remote),
        T(test_s5_allowed_syn_on_an_open_rule_says_it_too),
        T(test_s5_drop_names_a_wrong_port),
        T(test_s5_drop_names_a_wrong_peer),
        T(test_s5_drop_names_a_wrong_protocol),
        T(test_s5_drop_names_every_miss_of_the_closest),
        T(test_s5_closest_is_the_one_with_fewest_misses),
        T(test_s4_4_drop_names_a_group_peer),
        T(test_s4_4_drop_from_a_local_members_prefix_is_a_port_miss),
        T(test_s4_4_drop_from_a_remote_members_prefix_is_a_port_miss),
        T(test_s5_drop_names_a_wrong_icmp_type),
        T(test_s5_drop_with_no_rules_in_that_direction),
        T(test_s5_explain_text_cut_short_is_terminated),
    };
    return cmocka_run_group_tests_name("eval_explain", tests, NULL, NULL);
}
