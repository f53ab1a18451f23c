/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptions (section
 * 4.3): a rule edited in place keeps its id; what both versions allow never
 * sees a gap; tracked flows of what was taken away live on (section 5.3). */
#include <arpa/inet.h>

#include "model_fixture.h"
#include "../eval/eval_host.h"

struct fx {
    eni_ctx *ctx; /* for the fixture macros: the host's ctx */
    char *before, *after;
    struct eval_host h;
    eni_sg_rule_id rule;
    eni_eval_worker *w;
    char ip4[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
};

static eni_sg_rule_id allow(eni_ctx *ctx, eni_sg_id sg, int port, const char *cidr)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = 6;
    r.from_port = r.to_port = port;
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = cidr;
    eni_sg_rule_id id;
    assert_eni_ok(eni_sg_authorize(ctx, sg, ENI_INGRESS, &r, 1, &id));
    return id;
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eval_host_new(&f->h, NULL, "web");
    f->ctx = f->h.ctx;
    eval_host_addresses(&f->h, f->ip4, f->ip6);
    f->rule = allow(f->ctx, f->h.group, 22, "10.0.0.0/8");
    assert_eni_ok(eni_eval_worker_new(f->ctx, &f->w));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_eval_worker_free(f->w);
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

static uint8_t ssh(struct fx *f, const char *src, uint16_t sport, uint8_t flags, uint64_t now)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = 4;
    p.proto = 6;
    p.tcp_flags = flags;
    p.sport = sport;
    p.dport = 22;
    inet_pton(AF_INET, src, p.src);
    inet_pton(AF_INET, f->ip4, p.dst);
    eni_verdict v;
    assert_eni_ok(eni_eval_burst(f->w, f->h.nic, ENI_DIR_INBOUND, &p, 1, now, 0, &v));
    return v.reason;
}

static eni_sg_rule_spec cidr_rule(int proto, int from, int to, const char *cidr)
{
    eni_sg_rule_spec r = ENI_SG_RULE_SPEC_INIT;
    r.protocol = proto;
    r.from_port = from;
    r.to_port = to;
    r.peer_kind = ENI_PEER_CIDR;
    r.cidr = cidr;
    return r;
}

static void test_4_3_modify_keeps_the_id_and_applies_at_once(void **state)
{
    struct fx *f = *state;
    uint64_t t = 1000000000ull;
    assert_int_equal(ssh(f, "10.1.2.3", 40000, 0x02, t), ENI_REASON_RULE);
    assert_int_equal(ssh(f, "10.2.2.2", 40000, 0x02, t), ENI_REASON_RULE);
    eni_sg_rule_spec narrower = cidr_rule(6, 22, 22, "10.1.0.0/16");
    narrower.description = "from the bastion subnet";
    MUTATE(f, eni_sg_rule_modify(f->ctx, f->rule, &narrower));
    eni_sg_rule_info ri = ENI_SG_RULE_INFO_INIT;
    assert_eni_ok(eni_sg_rule_describe(f->ctx, f->rule, &ri));
    assert_string_equal(ri.cidr, "10.1.0.0/16");
    assert_string_equal(ri.description, "from the bastion subnet");
    t += 1000;
    /* Both versions allow 10.1.x: still allowed, new flows and old. */
    assert_int_equal(ssh(f, "10.1.2.3", 40001, 0x02, t), ENI_REASON_RULE);
    /* 10.2.x was taken away: its tracked flow lives on, new flows are dropped. */
    assert_int_equal(ssh(f, "10.2.2.2", 40000, 0x10, t), ENI_REASON_TRACKED);
    assert_int_equal(ssh(f, "10.2.2.2", 40001, 0x02, t), ENI_REASON_NO_RULE);
}

static void test_4_3_modify_refusals_change_nothing(void **state)
{
    struct fx *f = *state;
    allow(f->ctx, f->h.group, 443, "0.0.0.0/0");
    eni_sg_rule_spec same_as_other = cidr_rule(6, 443, 443, "0.0.0.0/0");
    REFUSED(f, eni_sg_rule_modify(f->ctx, f->rule, &same_as_other), ENI_EEXIST,
            "InvalidPermission.Duplicate");
    eni_sg_rule_spec bad_ports = cidr_rule(6, 30, 20, "10.0.0.0/8");
    REFUSED(f, eni_sg_rule_modify(f->ctx, f->rule, &bad_ports), ENI_EINVAL,
            "InvalidPermission.Malformed");
    REFUSED(f, eni_sg_rule_modify(f->ctx, (eni_sg_rule_id){0}, &bad_ports), ENI_EINVAL,
            "InvalidSecurityGroupRuleId.Malformed");
    REFUSED(f, eni_sg_rule_modify(f->ctx, f->rule, NULL), ENI_EINVAL, "InvalidParameterValue");
    /* Itself unchanged is no duplicate. */
    eni_sg_rule_spec same = cidr_rule(6, 22, 22, "10.0.0.0/8");
    MUTATE(f, eni_sg_rule_modify(f->ctx, f->rule, &same));
}

static void test_4_3_a_group_peer_moves_its_reference(void **state)
{
    struct fx *f = *state;
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = f->h.vpc;
    g.name = "admins";
    g.description = "admins";
    eni_sg_id admins;
    MUTATE(f, eni_sg_create(f->ctx, &g, &admins));
    eni_sg_rule_spec from_group = ENI_SG_RULE_SPEC_INIT;
    from_group.protocol = 6, from_group.from_port = from_group.to_port = 22;
    from_group.peer_kind = ENI_PEER_GROUP, from_group.group = admins;
    MUTATE(f, eni_sg_rule_modify(f->ctx, f->rule, &from_group));
    /* Referenced now: admins cannot be deleted; back to a CIDR, it can. */
    REFUSED(f, eni_sg_delete(f->ctx, admins), ENI_EDEPEND, "DependencyViolation");
    eni_sg_rule_spec back = cidr_rule(6, 22, 22, "10.0.0.0/8");
    MUTATE(f, eni_sg_rule_modify(f->ctx, f->rule, &back));
    MUTATE(f, eni_sg_delete(f->ctx, admins));
}

static void test_4_3_descriptions_set_and_clear(void **state)
{
    struct fx *f = *state;
    MUTATE(f, eni_sg_rule_set_description(f->ctx, f->rule, "ssh from the office"));
    eni_sg_rule_info ri = ENI_SG_RULE_INFO_INIT;
    assert_eni_ok(eni_sg_rule_describe(f->ctx, f->rule, &ri));
    assert_string_equal(ri.description, "ssh from the office");
    REFUSED(f, eni_sg_rule_set_description(f->ctx, f->rule, "tab\there"), ENI_EINVAL,
            "InvalidParameterValue");
    MUTATE(f, eni_sg_rule_set_description(f->ctx, f->rule, NULL));
    assert_eni_ok(eni_sg_rule_describe(f->ctx, f->rule, &ri));
    assert_string_equal(ri.description, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_4_3_modify_keeps_the_id_and_applies_at_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_4_3_modify_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_4_3_a_group_peer_moves_its_reference, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_4_3_descriptions_set_and_clear, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
