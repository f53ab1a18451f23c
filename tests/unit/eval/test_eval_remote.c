/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A rule that references a group admits members on other hosts (section 4.4
 * across hosts): once a source states them they pass like local members, in
 * both families, their delegated prefixes whole (D35) and nothing next to
 * them; when it takes them back, new flows are dropped while tracked ones
 * continue (section 5.3). */
#include <arpa/inet.h>

#include "eval_host.h"

struct fx {
    struct eval_host h;
    eni_sg_id app;
    eni_eval_worker *w;
    char ip4[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eval_host_new(&f->h, NULL, "db");
    eval_host_addresses(&f->h, f->ip4, f->ip6);
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = f->h.vpc;
    g.name = "app";
    g.description = "app tier (its members run elsewhere)";
    assert_eni_ok(eni_sg_create(f->h.ctx, &g, &f->app));
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = 5432;
    r.peer_kind = ENI_PEER_GROUP;
    r.group = f->app;
    assert_eni_ok(eni_sg_authorize(f->h.ctx, f->h.group, ENI_INGRESS, &r, 1, NULL));
    assert_eni_ok(eni_eval_worker_new(f->h.ctx, &f->w));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_eval_worker_free(f->w);
    eni_ctx_free(f->h.ctx);
    free(f);
    return 0;
}

static uint8_t verdict(struct fx *f, const char *src, const char *dst, uint16_t sport,
                       uint8_t flags, uint32_t dir, uint64_t now)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    int v6 = strchr(src, ':') != NULL;
    p.family = v6 ? 6 : 4;
    p.proto = 6;
    p.tcp_flags = flags;
    p.sport = sport;
    p.dport = dir == ENI_DIR_INBOUND ? 5432 : sport;
    if (dir == ENI_DIR_OUTBOUND) {
        p.sport = 5432;
        p.dport = sport;
    }
    assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, src, p.src), 1);
    assert_int_equal(inet_pton(v6 ? AF_INET6 : AF_INET, dst, p.dst), 1);
    eni_verdict v;
    assert_eni_ok(eni_eval_burst(f->w, f->h.nic, dir, &p, 1, now, 0, &v));
    return v.reason;
}

static void test_4_4_remote_members_pass_like_local_ones(void **state)
{
    struct fx *f = *state;
    const char *a4 = "10.0.7.9", *a6 = "2001:db8:0:100::7:9";
    uint64_t t = 1000000000ull;
    assert_int_equal(verdict(f, a4, f->ip4, 40000, 0x02, ENI_DIR_INBOUND, t), ENI_REASON_NO_RULE);
    assert_int_equal(verdict(f, a6, f->ip6, 40000, 0x02, ENI_DIR_INBOUND, t), ENI_REASON_NO_RULE);
    const char *members[] = {a4, a6};
    assert_eni_ok(eni_sg_set_remote_members(f->h.ctx, f->app, "host-a", members, 2));
    assert_int_equal(verdict(f, a4, f->ip4, 40001, 0x02, ENI_DIR_INBOUND, t), ENI_REASON_RULE);
    assert_int_equal(verdict(f, a6, f->ip6, 40001, 0x02, ENI_DIR_INBOUND, t), ENI_REASON_RULE);
    /* A neighbour that is not a member stays out. */
    assert_int_equal(verdict(f, "10.0.7.10", f->ip4, 40001, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_NO_RULE);
    /* Another source's statement adds to it; replacing one source's set
     * leaves the other's. */
    const char *b[] = {"10.0.8.8"};
    assert_eni_ok(eni_sg_set_remote_members(f->h.ctx, f->app, "host-b", b, 1));
    assert_eni_ok(eni_sg_set_remote_members(f->h.ctx, f->app, "host-a", members, 1));
    assert_int_equal(verdict(f, "10.0.8.8", f->ip4, 40002, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_RULE);
    assert_int_equal(verdict(f, a6, f->ip6, 40002, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_NO_RULE);
}

/* A remote member's delegated /28 and /80 are admitted whole, exactly as a
 * local member's are; the addresses either side of them are not; the
 * source's next statement without them drops them. */
static void test_4_4_remote_members_prefixes_pass_whole(void **state)
{
    struct fx *f = *state;
    uint64_t t = 1000000000ull;
    const char *in4[] = {"10.0.7.32", "10.0.7.40", "10.0.7.47"};
    const char *out4[] = {"10.0.7.31", "10.0.7.48"};
    const char *in6[] = {"2001:db8:0:100:7::", "2001:db8:0:100:7:ffff:ffff:ffff"};
    const char *out6[] = {"2001:db8:0:100:6:ffff:ffff:ffff", "2001:db8:0:100:8::"};
    uint16_t port = 41000;
    for (int i = 0; i < 3; i++)
        assert_int_equal(verdict(f, in4[i], f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                         ENI_REASON_NO_RULE);
    const char *addrs[] = {"10.0.9.1"};
    const char *prefixes[] = {"2001:db8:0:100:7::/80", "10.0.7.32/28"};
    eni_remote_members m = ENI_REMOTE_MEMBERS_INIT;
    m.addresses = addrs;
    m.address_count = 1;
    m.prefixes = prefixes;
    m.prefix_count = 2;
    assert_eni_ok(eni_sg_set_remote(f->h.ctx, f->app, "host-a", &m));
    for (int i = 0; i < 3; i++)
        assert_int_equal(verdict(f, in4[i], f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                         ENI_REASON_RULE);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(verdict(f, out4[i], f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                         ENI_REASON_NO_RULE);
        assert_int_equal(verdict(f, in6[i], f->ip6, port++, 0x02, ENI_DIR_INBOUND, t),
                         ENI_REASON_RULE);
        assert_int_equal(verdict(f, out6[i], f->ip6, port++, 0x02, ENI_DIR_INBOUND, t),
                         ENI_REASON_NO_RULE);
    }
    assert_int_equal(verdict(f, "10.0.9.1", f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_RULE);
    /* The same source states addresses only: its prefixes go. */
    assert_eni_ok(eni_sg_set_remote_members(f->h.ctx, f->app, "host-a", addrs, 1));
    assert_int_equal(verdict(f, "10.0.7.40", f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_NO_RULE);
    assert_int_equal(verdict(f, in6[0], f->ip6, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_NO_RULE);
    assert_int_equal(verdict(f, "10.0.9.1", f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_RULE);
    /* Prefixes only, and from two sources: each replaces its own. */
    m.address_count = 0;
    m.addresses = NULL;
    m.prefix_count = 1; /* the /80 only */
    assert_eni_ok(eni_sg_set_remote(f->h.ctx, f->app, "host-a", &m));
    const char *other[] = {"10.0.7.32/28"};
    m.prefixes = other;
    assert_eni_ok(eni_sg_set_remote(f->h.ctx, f->app, "host-b", &m));
    assert_int_equal(verdict(f, "10.0.9.1", f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_NO_RULE);
    assert_int_equal(verdict(f, in6[1], f->ip6, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_RULE);
    assert_int_equal(verdict(f, "10.0.7.33", f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_RULE);
    assert_eni_ok(eni_ctx_clear_remote_source(f->h.ctx, "host-b", NULL));
    assert_int_equal(verdict(f, "10.0.7.33", f->ip4, port++, 0x02, ENI_DIR_INBOUND, t),
                     ENI_REASON_NO_RULE);
    assert_eni_ok(eni_ctx_check(f->h.ctx));
}

static void test_5_3_taking_members_back_keeps_tracked_flows(void **state)
{
    struct fx *f = *state;
    const char *a4 = "10.0.7.9";
    uint64_t t = 1000000000ull;
    assert_eni_ok(eni_sg_set_remote_members(f->h.ctx, f->app, "host-a", &a4, 1));
    assert_int_equal(verdict(f, a4, f->ip4, 40000, 0x02, ENI_DIR_INBOUND, t), ENI_REASON_RULE);
    assert_eni_ok(eni_ctx_clear_remote_source(f->h.ctx, "host-a", NULL));
    t += 1000000;
    /* The established flow goes on, both ways; a new one is dropped. */
    assert_int_equal(verdict(f, a4, f->ip4, 40000, 0x10, ENI_DIR_INBOUND, t), ENI_REASON_TRACKED);
    assert_int_equal(verdict(f, f->ip4, a4, 40000, 0x12, ENI_DIR_OUTBOUND, t), ENI_REASON_TRACKED);
    assert_int_equal(verdict(f, a4, f->ip4, 40001, 0x02, ENI_DIR_INBOUND, t), ENI_REASON_NO_RULE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_4_4_remote_members_pass_like_local_ones, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_4_4_remote_members_prefixes_pass_whole, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_5_3_taking_members_back_keeps_tracked_flows, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
