/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* VPCs, subnets and model-wide operations (include/eni/vpc.h, include/eni/model.h).
 *
 * Test names carry the section of /work/shared/reference/ec2-semantics.md
 * they check (test_s4_2_...). The reference has no VPC/subnet section: rules
 * that come only from the header contract are named test_h_... .
 *
 * Every mutation is followed by eni_ctx_check(); every refused call is
 * wrapped so that the model dump before and after must be identical. */
#include <stdlib.h>

#include "describe_helpers.h"
#include "model_build.h"
#include "model_refuse.h"

/* ---- helpers (the fixture is model_refuse.h's, mk_vpc and mk_subnet model_build.h's) */

static eni_nic_id mk_nic(eni_ctx *ctx, eni_subnet_id subnet, const char *ip)
{
    eni_nic_spec spec = ENI_NIC_SPEC_INIT;
    spec.subnet = subnet;
    spec.private_ip = ip;
    eni_nic_id id = {0};
    MUTATE(ctx, eni_nic_create(ctx, &spec, &id));
    assert_int_not_equal(id.v, 0);
    return id;
}

static const char *nic_ip(eni_ctx *ctx, eni_nic_id nic, char *buf)
{
    eni_nic_info info = describe_nic(ctx, nic);
    snprintf(buf, ENI_IP_STRING_MAX, "%s", info.private_ip);
    return buf;
}

/* Try to create a VPC and expect a refusal that changes nothing. */
static void vpc_refused(eni_ctx *ctx, const char *cidr, uint32_t flags, const char *v6,
                        int want_rc, const char *want_ec2)
{
    eni_vpc_spec spec = ENI_VPC_SPEC_INIT;
    spec.cidr_block = cidr;
    spec.flags = flags;
    spec.ipv6_cidr_block = v6;
    eni_vpc_id id = {0x1234};
    if (want_ec2)
        REFUSE(ctx, eni_vpc_create(ctx, &spec, &id), want_rc, want_ec2);
    else
        REFUSE_RC(ctx, eni_vpc_create(ctx, &spec, &id), want_rc);
    assert_int_equal(id.v, 0x1234); /* out-parameter untouched */
}

static void subnet_refused(eni_ctx *ctx, const eni_subnet_spec *spec, int want_rc,
                           const char *want_ec2)
{
    eni_subnet_id id = {0x1234};
    if (want_ec2)
        REFUSE(ctx, eni_subnet_create(ctx, spec, &id), want_rc, want_ec2);
    else
        REFUSE_RC(ctx, eni_subnet_create(ctx, spec, &id), want_rc);
    assert_int_equal(id.v, 0x1234);
}

/* ---- VPC creation --------------------------------------------------------- */

static void test_h_vpc_create_prefix_16_to_28(void **state)
{
    eni_ctx *ctx = *state;
    static const char *ok[] = {"10.0.0.0/16", "10.1.0.0/17", "10.2.0.0/20", "10.3.0.0/24",
                               "10.4.0.0/27", "10.5.0.16/28", "192.168.0.0/16"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        eni_vpc_id v = mk_vpc(ctx, ok[i], 0, NULL);
        eni_vpc_info info = describe_vpc(ctx, v);
        assert_string_equal(info.cidr_block, ok[i]);
        assert_string_equal(info.ipv6_cidr_block, "");
        assert_int_equal(info.subnet_count, 0);
        assert_int_equal(info.group_count, 1);
        assert_int_equal(eni_id_kind(info.default_group.v), ENI_KIND_SG);
    }
    static const char *bad[] = {"10.0.0.0/15", "10.0.0.0/8", "0.0.0.0/0", "10.6.0.0/29",
                                "10.6.0.0/30", "10.6.0.1/32"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        vpc_refused(ctx, bad[i], 0, NULL, ENI_EINVAL, "InvalidVpc.Range");
    uint32_t n = 0;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, sizeof ok / sizeof ok[0]);
}

static void test_h_vpc_create_host_bits(void **state)
{
    eni_ctx *ctx = *state;
    vpc_refused(ctx, "10.0.0.1/16", 0, NULL, ENI_EINVAL, "InvalidVpc.Range");
    vpc_refused(ctx, "10.0.128.0/16", 0, NULL, ENI_EINVAL, "InvalidVpc.Range");
    vpc_refused(ctx, "10.0.0.8/28", 0, NULL, ENI_EINVAL, "InvalidVpc.Range");
    vpc_refused(ctx, "10.0.1.0/20", 0, NULL, ENI_EINVAL, "InvalidVpc.Range");
    uint32_t n = 99;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 0);
}

static void test_h_vpc_create_malformed_cidr(void **state)
{
    eni_ctx *ctx = *state;
    static const char *bad[] = {
        "10.1", "010.0.0.0/16", "10.0.0.0/16x", "10.0.0.0/255.255.0.0", "", "10.0.0.0",
        "10.0.0.0/", "256.0.0.0/16", "10.0.0/16", "10.0.0.0.0/16", " 10.0.0.0/16",
        "10.0.0.0/16 ", "10.0.0.0/-16", "10.0.0.0/016", "vpc", "10.0.0.0//16",
        "2001:db8::/56" /* not an IPv4 block */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        vpc_refused(ctx, bad[i], 0, NULL, ENI_EINVAL, "InvalidParameterValue");
    uint32_t n = 99;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 0);
}

static void test_h_vpc_create_ipv6_explicit_56(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, "2001:db8:1200::/56");
    eni_vpc_info info = describe_vpc(ctx, v);
    assert_string_equal(info.cidr_block, "10.0.0.0/16");
    assert_string_equal(info.ipv6_cidr_block, "2001:db8:1200::/56");
    /* Not a /56, host bits, malformed: refused. */
    vpc_refused(ctx, "10.1.0.0/16", 0, "2001:db8:1300::/48", ENI_EINVAL, NULL);
    vpc_refused(ctx, "10.1.0.0/16", 0, "2001:db8:1300::/64", ENI_EINVAL, NULL);
    vpc_refused(ctx, "10.1.0.0/16", 0, "2001:db8:1300::1/56", ENI_EINVAL, NULL);
    vpc_refused(ctx, "10.1.0.0/16", 0, "2001:db8:1300::zz/56", ENI_EINVAL,
                "InvalidParameterValue");
    vpc_refused(ctx, "10.1.0.0/16", 0, "10.9.0.0/16", ENI_EINVAL, NULL);
    uint32_t n = 0;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 1);
}

static void test_h_vpc_create_amazon_ipv6(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id a = mk_vpc(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    eni_vpc_id b = mk_vpc(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    eni_vpc_info ia = describe_vpc(ctx, a), ib = describe_vpc(ctx, b);
    size_t la = strlen(ia.ipv6_cidr_block), lb = strlen(ib.ipv6_cidr_block);
    assert_true(la > 4 && lb > 4);
    assert_string_equal(ia.ipv6_cidr_block + la - 3, "/56");
    assert_string_equal(ib.ipv6_cidr_block + lb - 3, "/56");
    /* Drawn from 2001:db8::/32 and one per VPC. */
    assert_memory_equal(ia.ipv6_cidr_block, "2001:db8:", 9);
    assert_memory_equal(ib.ipv6_cidr_block, "2001:db8:", 9);
    assert_string_not_equal(ia.ipv6_cidr_block, ib.ipv6_cidr_block);
}

static void test_s8_vpc_create_ipv6_both_is_combination(void **state)
{
    eni_ctx *ctx = *state;
    vpc_refused(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, "2001:db8:1200::/56", ENI_EINVAL,
                "InvalidParameterCombination");
    uint32_t n = 99;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 0);
}

static void test_h_vpc_create_bad_arguments(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_spec spec = ENI_VPC_SPEC_INIT;
    spec.cidr_block = "10.0.0.0/16";
    eni_vpc_id id = {0x77};
    REFUSE(ctx, eni_vpc_create(NULL, &spec, &id), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_vpc_create(ctx, NULL, &id), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_vpc_create(ctx, &spec, NULL), ENI_EINVAL, "InvalidParameterValue");
    /* Missing CIDR, unknown flags. */
    vpc_refused(ctx, NULL, 0, NULL, ENI_EINVAL, NULL);
    vpc_refused(ctx, "10.0.0.0/16", 1u << 7, NULL, ENI_EINVAL, NULL);
    vpc_refused(ctx, "10.0.0.0/16", 0x80000000u, NULL, ENI_EINVAL, NULL);
    /* Bad size: too small, or larger with unknown non-zero bytes. */
    spec.size = 4;
    REFUSE_RC(ctx, eni_vpc_create(ctx, &spec, &id), ENI_EVERSION);
    spec.size = 0;
    REFUSE_RC(ctx, eni_vpc_create(ctx, &spec, &id), ENI_EVERSION);
    struct {
        eni_vpc_spec s;
        uint64_t extra;
    } big;
    memset(&big, 0, sizeof big);
    big.s.size = sizeof big;
    big.s.cidr_block = "10.0.0.0/16";
    big.extra = 1;
    REFUSE_RC(ctx, eni_vpc_create(ctx, &big.s, &id), ENI_EVERSION);
    assert_int_equal(id.v, 0x77);
    /* A larger struct with zero tail is accepted. */
    big.extra = 0;
    MUTATE(ctx, eni_vpc_create(ctx, &big.s, &id));
    assert_string_equal(describe_vpc(ctx, id).cidr_block, "10.0.0.0/16");
}

/* ---- default security group (section 4.2) ----------------------------------- */

static void check_default_group(eni_ctx *ctx, eni_vpc_id vpc, int has_v6)
{
    eni_vpc_info vi = describe_vpc(ctx, vpc);
    eni_sg_info gi = describe_sg(ctx, vi.default_group);
    assert_string_equal(gi.name, "default");
    assert_int_equal(gi.is_default, 1);
    assert_int_equal(gi.vpc.v, vpc.v);
    assert_int_equal(gi.ingress_count, 1);
    assert_int_equal(gi.egress_count, has_v6 ? 2 : 1);
    assert_int_equal(gi.nic_count, 0);

    /* The VPC's groups: only the default one. */
    eni_sg_id groups[4];
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list(ctx, vpc, groups, 4, &n));
    assert_int_equal(n, 1);
    assert_int_equal(groups[0].v, vi.default_group.v);

    /* Inbound: all protocols from itself. */
    eni_sg_rule_id rules[8];
    assert_eni_ok(eni_sg_list_rules(ctx, vi.default_group, ENI_INGRESS, rules, 8, &n));
    assert_int_equal(n, 1);
    eni_sg_rule_info r = describe_sg_rule(ctx, rules[0]);
    assert_int_equal(r.direction, ENI_INGRESS);
    assert_int_equal(r.group.v, vi.default_group.v);
    assert_int_equal(r.peer_kind, ENI_PEER_GROUP);
    assert_int_equal(r.peer_group.v, vi.default_group.v);
    assert_int_equal(r.protocol, ENI_PROTO_ALL);
    assert_int_equal(r.from_port, -1);
    assert_int_equal(r.to_port, -1);
    assert_string_equal(r.cidr, "");
    assert_int_equal(r.family, 0);

    /* Outbound: all to 0.0.0.0/0, plus ::/0 only with IPv6. */
    assert_eni_ok(eni_sg_list_rules(ctx, vi.default_group, ENI_EGRESS, rules, 8, &n));
    assert_int_equal(n, has_v6 ? 2 : 1);
    int seen4 = 0, seen6 = 0;
    for (uint32_t i = 0; i < n; i++) {
        r = describe_sg_rule(ctx, rules[i]);
        assert_int_equal(r.direction, ENI_EGRESS);
        assert_int_equal(r.group.v, vi.default_group.v);
        assert_int_equal(r.peer_kind, ENI_PEER_CIDR);
        assert_int_equal(r.protocol, ENI_PROTO_ALL);
        if (r.family == 4) {
            assert_string_equal(r.cidr, "0.0.0.0/0");
            seen4++;
        } else {
            assert_int_equal(r.family, 6);
            assert_string_equal(r.cidr, "::/0");
            seen6++;
        }
    }
    assert_int_equal(seen4, 1);
    assert_int_equal(seen6, has_v6 ? 1 : 0);
    /* Both directions together: inbound first. */
    assert_eni_ok(eni_sg_list_rules(ctx, vi.default_group, 0, rules, 8, &n));
    assert_int_equal(n, has_v6 ? 3 : 2);
    assert_int_equal(describe_sg_rule(ctx, rules[0]).direction, ENI_INGRESS);
}

static void test_s4_2_default_group_ipv4_vpc(void **state)
{
    eni_ctx *ctx = *state;
    check_default_group(ctx, mk_vpc(ctx, "10.0.0.0/16", 0, NULL), 0);
}

static void test_s4_2_default_group_ipv6_vpc(void **state)
{
    eni_ctx *ctx = *state;
    check_default_group(ctx, mk_vpc(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL), 1);
    check_default_group(ctx, mk_vpc(ctx, "10.1.0.0/16", 0, "2001:db8:4400::/56"), 1);
}

static void test_s4_2_default_group_per_vpc(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id a = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id b = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id ga = describe_vpc(ctx, a).default_group, gb = describe_vpc(ctx, b).default_group;
    assert_int_not_equal(ga.v, gb.v);
    assert_int_equal(describe_sg(ctx, ga).vpc.v, a.v);
    assert_int_equal(describe_sg(ctx, gb).vpc.v, b.v);
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list(ctx, (eni_vpc_id){0}, NULL, 0, &n));
    assert_int_equal(n, 2);
}

static void test_s4_2_interface_without_groups_gets_default(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id g = describe_vpc(ctx, v).default_group;
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    eni_nic_id n = mk_nic(ctx, s, NULL);
    eni_sg_id groups[4];
    uint32_t count = 0;
    assert_eni_ok(eni_nic_get_groups(ctx, n, groups, 4, &count));
    assert_int_equal(count, 1);
    assert_int_equal(groups[0].v, g.v);
    assert_int_equal(describe_sg(ctx, g).nic_count, 1);
    /* In use or not, the default group still cannot be deleted. */
    REFUSE(ctx, eni_sg_delete(ctx, g), ENI_EPERM, "CannotDelete");
    MUTATE(ctx, eni_nic_delete(ctx, n));
    assert_int_equal(describe_sg(ctx, g).nic_count, 0);
}

static void test_s4_5_default_group_cannot_delete(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    eni_sg_id g = describe_vpc(ctx, v).default_group;
    REFUSE(ctx, eni_sg_delete(ctx, g), ENI_EPERM, "CannotDelete");
    assert_string_equal(describe_sg(ctx, g).name, "default");
    assert_int_equal(describe_vpc(ctx, v).group_count, 1);
}

static void test_s4_1_vpc_create_needs_room_for_default_group(void **state)
{
    eni_ctx *ctx = *state;
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.security_groups = 2;
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id b = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    vpc_refused(ctx, "10.2.0.0/16", 0, NULL, ENI_ELIMIT, "SecurityGroupLimitExceeded");
    uint32_t n = 0;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 2);
    /* Lowering below use is allowed; existing objects stay. */
    q.security_groups = 1;
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 2);
    vpc_refused(ctx, "10.2.0.0/16", 0, NULL, ENI_ELIMIT, "SecurityGroupLimitExceeded");
    /* Deleting frees room again once use drops below the quota. */
    q.security_groups = 2;
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    MUTATE(ctx, eni_vpc_delete(ctx, b));
    mk_vpc(ctx, "10.2.0.0/16", 0, NULL);
}

/* ---- VPC deletion ----------------------------------------------------------- */

static void test_h_vpc_delete_with_subnet_is_dependency(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 1);
    REFUSE(ctx, eni_vpc_delete(ctx, v), ENI_EDEPEND, "DependencyViolation");
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 1);
    MUTATE(ctx, eni_subnet_delete(ctx, s));
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 0);
    MUTATE(ctx, eni_vpc_delete(ctx, v));
    uint32_t n = 99;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 0);
}

static void test_s4_5_vpc_delete_with_custom_group_is_dependency(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_spec gs = ENI_SG_SPEC_INIT;
    gs.vpc = v;
    gs.name = "web";
    gs.description = "web servers";
    eni_sg_id g;
    MUTATE(ctx, eni_sg_create(ctx, &gs, &g));
    assert_int_equal(describe_vpc(ctx, v).group_count, 2);
    REFUSE(ctx, eni_vpc_delete(ctx, v), ENI_EDEPEND, "DependencyViolation");
    MUTATE(ctx, eni_sg_delete(ctx, g));
    assert_int_equal(describe_vpc(ctx, v).group_count, 1);
    MUTATE(ctx, eni_vpc_delete(ctx, v));
}

static void test_h_vpc_delete_removes_default_group(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    eni_sg_id g = describe_vpc(ctx, v).default_group;
    eni_sg_rule_id rules[4];
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list_rules(ctx, g, 0, rules, 4, &n));
    assert_int_equal(n, 3);
    MUTATE(ctx, eni_vpc_delete(ctx, v));

    eni_sg_info gi;
    memset(&gi, 0, sizeof gi);
    gi.size = sizeof gi;
    REFUSE(ctx, eni_sg_describe(ctx, g, &gi), ENI_ESTALE, "InvalidGroup.NotFound");
    REFUSE(ctx, eni_sg_delete(ctx, g), ENI_ESTALE, "InvalidGroup.NotFound");
    eni_sg_rule_info ri;
    memset(&ri, 0, sizeof ri);
    ri.size = sizeof ri;
    for (uint32_t i = 0; i < 3; i++)
        REFUSE(ctx, eni_sg_rule_describe(ctx, rules[i], &ri), ENI_ESTALE,
               "InvalidSecurityGroupRuleId.NotFound");
    assert_eni_ok(eni_sg_list(ctx, (eni_vpc_id){0}, NULL, 0, &n));
    assert_int_equal(n, 0);
}

/* ---- VPC id handling -------------------------------------------------------- */

static void test_h_vpc_id_errors(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id live = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, live, "10.0.0.0/24", NULL);
    eni_vpc_id stale = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    MUTATE(ctx, eni_vpc_delete(ctx, stale));
    eni_vpc_id wrong = {s.v};      /* a subnet id */
    eni_vpc_id wrong2 = {describe_vpc(ctx, live).default_group.v}; /* a group id */
    eni_vpc_id null = {0};

    eni_vpc_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    REFUSE(ctx, eni_vpc_describe(ctx, stale, &info), ENI_ESTALE, "InvalidVpcID.NotFound");
    REFUSE(ctx, eni_vpc_delete(ctx, stale), ENI_ESTALE, "InvalidVpcID.NotFound");
    REFUSE(ctx, eni_vpc_describe(ctx, wrong, &info), ENI_EINVAL, "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_vpc_delete(ctx, wrong), ENI_EINVAL, "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_vpc_delete(ctx, wrong2), ENI_EINVAL, "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_vpc_describe(ctx, null, &info), ENI_EINVAL, "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_vpc_delete(ctx, null), ENI_EINVAL, "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_vpc_delete(NULL, live), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(info.id.v, 0); /* untouched by the failures */

    /* The VPC argument of subnet calls. */
    eni_subnet_spec sp = subnet_spec(stale, "us-east-1a", "10.1.0.0/24", NULL);
    subnet_refused(ctx, &sp, ENI_ESTALE, "InvalidVpcID.NotFound");
    sp.vpc = wrong;
    subnet_refused(ctx, &sp, ENI_EINVAL, "InvalidVpcID.Malformed");
    sp.vpc = null;
    subnet_refused(ctx, &sp, ENI_EINVAL, "InvalidVpcID.Malformed");
    uint32_t n = 99;
    REFUSE(ctx, eni_subnet_list(ctx, stale, NULL, 0, &n), ENI_ESTALE, "InvalidVpcID.NotFound");
    REFUSE(ctx, eni_subnet_list(ctx, wrong, NULL, 0, &n), ENI_EINVAL, "InvalidVpcID.Malformed");
    assert_int_equal(n, 99);
}

static void test_h_vpc_stale_id_never_aliases(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id old = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    char old_str[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, old.v, old_str, sizeof old_str));
    MUTATE(ctx, eni_vpc_delete(ctx, old));
    eni_vpc_id fresh = mk_vpc(ctx, "10.9.0.0/16", 0, NULL);
    assert_int_not_equal(fresh.v, old.v);
    eni_vpc_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    REFUSE(ctx, eni_vpc_describe(ctx, old, &info), ENI_ESTALE, "InvalidVpcID.NotFound");
    uint64_t out = 0x55;
    REFUSE(ctx, eni_id_parse(ctx, old_str, ENI_KIND_VPC, &out), ENI_ENOTFOUND,
           "InvalidVpcID.NotFound");
    assert_int_equal(out, 0x55);
    assert_string_equal(describe_vpc(ctx, fresh).cidr_block, "10.9.0.0/16");
}

static void test_h_vpc_describe_out_size(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_info info;
    memset(&info, 0x5a, sizeof info);
    info.size = sizeof info - 1;
    REFUSE_RC(ctx, eni_vpc_describe(ctx, v, &info), ENI_EINVAL);
    info.size = 4;
    REFUSE_RC(ctx, eni_vpc_describe(ctx, v, &info), ENI_EINVAL);
    info.size = 0;
    REFUSE_RC(ctx, eni_vpc_describe(ctx, v, &info), ENI_EINVAL);
    REFUSE_RC(ctx, eni_vpc_describe(ctx, v, NULL), ENI_EINVAL);
    REFUSE_RC(ctx, eni_vpc_describe(NULL, v, &info), ENI_EINVAL);
    /* A failing describe wrote nothing past size. */
    assert_int_equal(info.subnet_count, 0x5a5a5a5a);
    info.size = sizeof info;
    assert_eni_ok(eni_vpc_describe(ctx, v, &info));
    assert_string_equal(info.cidr_block, "10.0.0.0/16");
}

static void test_h_vpc_list_cap_and_order(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id made[3];
    made[0] = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    made[1] = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    made[2] = mk_vpc(ctx, "10.2.0.0/16", 0, NULL);
    eni_vpc_id all[8];
    uint32_t n = 0;
    assert_eni_ok(eni_vpc_list(ctx, all, 8, &n));
    assert_int_equal(n, 3);
    for (uint32_t i = 0; i < 3; i++) {
        int found = 0;
        for (uint32_t j = 0; j < 3; j++)
            found += all[j].v == made[i].v;
        assert_int_equal(found, 1);
    }
    assert_true(all[0].v < all[1].v && all[1].v < all[2].v); /* id order */

    eni_vpc_id part[3] = {{0xbeef}, {0xbeef}, {0xbeef}};
    n = 0;
    assert_eni_ok(eni_vpc_list(ctx, part, 2, &n));
    assert_int_equal(n, 3); /* the total, beyond cap */
    assert_int_equal(part[0].v, all[0].v);
    assert_int_equal(part[1].v, all[1].v);
    assert_int_equal(part[2].v, 0xbeef); /* not written past cap */
    n = 0;
    assert_eni_ok(eni_vpc_list(ctx, NULL, 0, &n));
    assert_int_equal(n, 3);

    n = 77;
    REFUSE_RC(ctx, eni_vpc_list(NULL, part, 3, &n), ENI_EINVAL);
    REFUSE_RC(ctx, eni_vpc_list(ctx, part, 3, NULL), ENI_EINVAL);
    REFUSE_RC(ctx, eni_vpc_list(ctx, NULL, 1, &n), ENI_EINVAL);
    assert_int_equal(n, 77);
}

/* ---- subnets ---------------------------------------------------------------- */

static void test_h_subnet_inside_vpc(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id whole = mk_subnet(ctx, mk_vpc(ctx, "10.5.0.0/16", 0, NULL), "10.5.0.0/16", NULL);
    assert_string_equal(describe_subnet(ctx, whole).cidr_block, "10.5.0.0/16");

    eni_subnet_id s = mk_subnet(ctx, v, "10.0.255.0/24", NULL);
    eni_subnet_info si = describe_subnet(ctx, s);
    assert_int_equal(si.vpc.v, v.v);
    assert_string_equal(si.cidr_block, "10.0.255.0/24");
    assert_string_equal(si.availability_zone, "us-east-1a");
    assert_string_equal(si.ipv6_cidr_block, "");
    assert_int_equal(si.flags, 0);
    assert_int_equal(si.nic_count, 0);

    static const char *outside[] = {"10.1.0.0/24", "11.0.0.0/24", "10.0.0.0/15", "9.255.255.0/24"};
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        eni_subnet_spec sp = subnet_spec(v, "us-east-1a", outside[i], NULL);
        subnet_refused(ctx, &sp, ENI_EINVAL, "InvalidSubnet.Range");
    }
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 1);
}

static void test_h_subnet_prefix_16_to_28_and_host_bits(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id big = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id small = mk_vpc(ctx, "10.1.0.0/28", 0, NULL);
    mk_subnet(ctx, big, "10.0.0.0/20", NULL);
    mk_subnet(ctx, big, "10.0.16.0/28", NULL);
    mk_subnet(ctx, small, "10.1.0.0/28", NULL);
    static const char *bad[] = {"10.0.32.0/29", "10.0.32.0/32", "10.0.32.1/24", "10.0.33.0/20"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eni_subnet_spec sp = subnet_spec(big, "us-east-1a", bad[i], NULL);
        subnet_refused(ctx, &sp, ENI_EINVAL, "InvalidSubnet.Range");
    }
    static const char *malformed[] = {"10.1", "010.0.32.0/24", "10.0.32.0/24x",
                                      "10.0.32.0/255.255.255.0", ""};
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        eni_subnet_spec sp = subnet_spec(big, "us-east-1a", malformed[i], NULL);
        subnet_refused(ctx, &sp, ENI_EINVAL, "InvalidParameterValue");
    }
    eni_subnet_spec sp = subnet_spec(big, "us-east-1a", NULL, NULL);
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    assert_int_equal(describe_vpc(ctx, big).subnet_count, 2);
}

static void test_h_subnet_overlap_is_conflict(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    static const char *clash[] = {"10.0.1.0/24", "10.0.1.128/25", "10.0.1.240/28", "10.0.0.0/23",
                                  "10.0.0.0/16"};
    for (size_t i = 0; i < sizeof clash / sizeof clash[0]; i++) {
        eni_subnet_spec sp = subnet_spec(v, "us-east-1b", clash[i], NULL);
        subnet_refused(ctx, &sp, ENI_EINUSE, "InvalidSubnet.Conflict");
    }
    /* Neighbours do not overlap; another VPC may reuse the block. */
    mk_subnet(ctx, v, "10.0.0.0/24", NULL);
    mk_subnet(ctx, v, "10.0.2.0/24", NULL);
    eni_vpc_id other = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    mk_subnet(ctx, other, "10.0.1.0/24", NULL);
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 3);
    assert_int_equal(describe_vpc(ctx, other).subnet_count, 1);
}

static void test_h_subnet_ipv6_64_inside_vpc_56(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, "2001:db8:1200::/56");
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", "2001:db8:1200:1::/64");
    assert_string_equal(describe_subnet(ctx, s).ipv6_cidr_block, "2001:db8:1200:1::/64");
    mk_subnet(ctx, v, "10.0.3.0/24", "2001:db8:1200:ff::/64");

    eni_subnet_spec sp = subnet_spec(v, "us-east-1a", "10.0.2.0/24", "2001:db8:1200:100::/64");
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL); /* outside the /56 */
    sp.ipv6_cidr_block = "2001:db8:1300:1::/64";
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    sp.ipv6_cidr_block = "2001:db8:1200::/56"; /* not a /64 */
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    sp.ipv6_cidr_block = "2001:db8:1200:2::/80";
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    sp.ipv6_cidr_block = "2001:db8:1200:2::1/64"; /* host bits */
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    sp.ipv6_cidr_block = "2001:db8:1200:1::/64"; /* the first subnet's /64 */
    subnet_refused(ctx, &sp, ENI_EINUSE, "InvalidSubnet.Conflict");

    /* A VPC without IPv6 refuses an IPv6 subnet. */
    eni_vpc_id v4 = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    sp = subnet_spec(v4, "us-east-1a", "10.1.0.0/24", "2001:db8:1200:2::/64");
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 2);
    assert_int_equal(describe_vpc(ctx, v4).subnet_count, 0);
}

static void test_h_subnet_availability_zone(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    char az31[32];
    memset(az31, 'a', 31);
    az31[31] = '\0';
    char az32[33];
    memset(az32, 'a', 32);
    az32[32] = '\0';
    const char *ok[] = {"us-east-1a", "eu-west-3c", "x", az31};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char cidr[32];
        snprintf(cidr, sizeof cidr, "10.0.%zu.0/24", i);
        eni_subnet_spec sp = subnet_spec(v, ok[i], cidr, NULL);
        eni_subnet_id s;
        MUTATE(ctx, eni_subnet_create(ctx, &sp, &s));
        assert_string_equal(describe_subnet(ctx, s).availability_zone, ok[i]);
    }
    const char *bad[] = {NULL, "", "US-EAST-1A", "us_east_1a", "us east", "us-east-1a\n", az32,
                         "us-east-1\xc3\xa9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eni_subnet_spec sp = subnet_spec(v, bad[i], "10.0.100.0/24", NULL);
        subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
    }
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 4);
}

static void test_h_subnet_five_reserved_addresses(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    assert_int_equal(
        describe_subnet(ctx, mk_subnet(ctx, v, "10.0.0.0/28", NULL)).available_ip_count, 11);
    assert_int_equal(
        describe_subnet(ctx, mk_subnet(ctx, v, "10.0.1.0/24", NULL)).available_ip_count, 251);
    assert_int_equal(
        describe_subnet(ctx, mk_subnet(ctx, v, "10.0.4.0/22", NULL)).available_ip_count, 1019);
    eni_vpc_id w = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    assert_int_equal(
        describe_subnet(ctx, mk_subnet(ctx, w, "10.1.0.0/16", NULL)).available_ip_count, 65531);
}

static void test_h_subnet_deterministic_allocation(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    char ip[ENI_IP_STRING_MAX];
    eni_nic_id a = mk_nic(ctx, s, NULL);
    assert_string_equal(nic_ip(ctx, a, ip), "10.0.1.4");
    eni_nic_id b = mk_nic(ctx, s, NULL);
    assert_string_equal(nic_ip(ctx, b, ip), "10.0.1.5");
    eni_subnet_info si = describe_subnet(ctx, s);
    assert_int_equal(si.available_ip_count, 249);
    assert_int_equal(si.nic_count, 2);
    /* An explicit address is skipped by later picks. */
    eni_nic_id c = mk_nic(ctx, s, "10.0.1.6");
    assert_string_equal(nic_ip(ctx, c, ip), "10.0.1.6");
    eni_nic_id d = mk_nic(ctx, s, NULL);
    assert_string_equal(nic_ip(ctx, d, ip), "10.0.1.7");
    /* Deleting returns the address to the subnet. */
    MUTATE(ctx, eni_nic_delete(ctx, a));
    si = describe_subnet(ctx, s);
    assert_int_equal(si.available_ip_count, 248);
    assert_int_equal(si.nic_count, 3);
    /* The same calls in a fresh ctx give the same addresses. */
    eni_ctx *ctx2;
    assert_eni_ok(eni_ctx_new(NULL, &ctx2));
    eni_subnet_id s2 = mk_subnet(ctx2, mk_vpc(ctx2, "10.0.0.0/16", 0, NULL), "10.0.1.0/24", NULL);
    assert_string_equal(nic_ip(ctx2, mk_nic(ctx2, s2, NULL), ip), "10.0.1.4");
    assert_string_equal(nic_ip(ctx2, mk_nic(ctx2, s2, NULL), ip), "10.0.1.5");
    eni_ctx_free(ctx2);
}

static void test_h_subnet_explicit_reserved_refused(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    static const char *reserved[] = {"10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3",
                                     "10.0.1.255"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        eni_nic_spec spec = ENI_NIC_SPEC_INIT;
        spec.subnet = s;
        spec.private_ip = reserved[i];
        eni_nic_id id = {0x99};
        REFUSE_RC(ctx, eni_nic_create(ctx, &spec, &id), ENI_EINVAL);
        assert_int_equal(id.v, 0x99);
    }
    assert_int_equal(describe_subnet(ctx, s).available_ip_count, 251);
    char ip[ENI_IP_STRING_MAX];
    assert_string_equal(nic_ip(ctx, mk_nic(ctx, s, "10.0.1.254"), ip), "10.0.1.254");
    assert_string_equal(nic_ip(ctx, mk_nic(ctx, s, "10.0.1.4"), ip), "10.0.1.4");
    assert_int_equal(describe_subnet(ctx, s).available_ip_count, 249);
}

static void test_s1_6_subnet_exhaustion_28(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.0.16/28", NULL);
    char ip[ENI_IP_STRING_MAX], want[ENI_IP_STRING_MAX];
    for (unsigned i = 0; i < 11; i++) {
        eni_nic_id n = mk_nic(ctx, s, NULL);
        snprintf(want, sizeof want, "10.0.0.%u", 16 + 4 + i);
        assert_string_equal(nic_ip(ctx, n, ip), want);
        assert_int_equal(describe_subnet(ctx, s).available_ip_count, 10 - i);
    }
    eni_nic_spec spec = ENI_NIC_SPEC_INIT;
    spec.subnet = s;
    eni_nic_id id = {0x99};
    REFUSE(ctx, eni_nic_create(ctx, &spec, &id), ENI_ELIMIT, "InsufficientFreeAddressesInSubnet");
    assert_int_equal(id.v, 0x99);
    eni_subnet_info si = describe_subnet(ctx, s);
    assert_int_equal(si.available_ip_count, 0);
    assert_int_equal(si.nic_count, 11);
}

static void test_h_subnet_delete_with_interface_is_dependency(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    eni_nic_id n = mk_nic(ctx, s, NULL);
    REFUSE(ctx, eni_subnet_delete(ctx, s), ENI_EDEPEND, "DependencyViolation");
    assert_int_equal(describe_subnet(ctx, s).nic_count, 1);
    MUTATE(ctx, eni_nic_delete(ctx, n));
    MUTATE(ctx, eni_subnet_delete(ctx, s));
    assert_int_equal(describe_vpc(ctx, v).subnet_count, 0);
    eni_subnet_info si;
    memset(&si, 0, sizeof si);
    si.size = sizeof si;
    REFUSE(ctx, eni_subnet_describe(ctx, s, &si), ENI_ESTALE, "InvalidSubnetID.NotFound");
}

static void test_h_subnet_set_flags(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    eni_vpc_info vi = describe_vpc(ctx, v);
    /* A /64 at the start of the VPC's /56: same text up to the "::". */
    char v6[ENI_CIDR_STRING_MAX];
    const char *colons = strstr(vi.ipv6_cidr_block, "::");
    assert_non_null(colons);
    snprintf(v6, sizeof v6, "%.*s::/64", (int)(colons - vi.ipv6_cidr_block),
             vi.ipv6_cidr_block);
    eni_subnet_id s4 = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    eni_subnet_id s6 = mk_subnet(ctx, v, "10.0.2.0/24", v6);
    assert_string_equal(describe_subnet(ctx, s6).ipv6_cidr_block, v6);

    MUTATE(ctx, eni_subnet_set_flags(ctx, s4, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    assert_int_equal(describe_subnet(ctx, s4).flags, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH);
    REFUSE_RC(ctx, eni_subnet_set_flags(ctx, s4, ENI_SUBNET_ASSIGN_IPV6_ON_CREATION), ENI_EINVAL);
    REFUSE_RC(ctx, eni_subnet_set_flags(ctx, s4, 1u << 2), ENI_EINVAL);
    REFUSE_RC(ctx, eni_subnet_set_flags(ctx, s4, 0xffffffffu), ENI_EINVAL);
    assert_int_equal(describe_subnet(ctx, s4).flags, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH);
    MUTATE(ctx, eni_subnet_set_flags(ctx, s4, 0));
    assert_int_equal(describe_subnet(ctx, s4).flags, 0);

    MUTATE(ctx, eni_subnet_set_flags(ctx, s6, ENI_SUBNET_ASSIGN_IPV6_ON_CREATION |
                                                  ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    assert_int_equal(describe_subnet(ctx, s6).flags,
                     ENI_SUBNET_ASSIGN_IPV6_ON_CREATION | ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH);
    MUTATE(ctx, eni_subnet_set_flags(ctx, s6, ENI_SUBNET_ASSIGN_IPV6_ON_CREATION));
    assert_int_equal(describe_subnet(ctx, s6).flags, ENI_SUBNET_ASSIGN_IPV6_ON_CREATION);

    /* Flags given at creation are reported. */
    eni_subnet_spec sp = subnet_spec(v, "us-east-1a", "10.0.3.0/24", NULL);
    sp.flags = ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH;
    eni_subnet_id s;
    MUTATE(ctx, eni_subnet_create(ctx, &sp, &s));
    assert_int_equal(describe_subnet(ctx, s).flags, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH);
    sp.cidr_block = "10.0.4.0/24";
    sp.flags = 1u << 9;
    subnet_refused(ctx, &sp, ENI_EINVAL, NULL);
}

static void test_h_subnet_id_errors(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id live = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    eni_subnet_id stale = mk_subnet(ctx, v, "10.0.2.0/24", NULL);
    MUTATE(ctx, eni_subnet_delete(ctx, stale));
    eni_subnet_id wrong = {v.v};
    eni_subnet_id null = {0};
    eni_subnet_info si;
    memset(&si, 0, sizeof si);
    si.size = sizeof si;

    REFUSE(ctx, eni_subnet_describe(ctx, stale, &si), ENI_ESTALE, "InvalidSubnetID.NotFound");
    REFUSE(ctx, eni_subnet_delete(ctx, stale), ENI_ESTALE, "InvalidSubnetID.NotFound");
    REFUSE(ctx, eni_subnet_set_flags(ctx, stale, 0), ENI_ESTALE, "InvalidSubnetID.NotFound");
    REFUSE(ctx, eni_subnet_describe(ctx, wrong, &si), ENI_EINVAL, "InvalidSubnetID.Malformed");
    REFUSE(ctx, eni_subnet_delete(ctx, wrong), ENI_EINVAL, "InvalidSubnetID.Malformed");
    REFUSE(ctx, eni_subnet_set_flags(ctx, wrong, 0), ENI_EINVAL, "InvalidSubnetID.Malformed");
    REFUSE(ctx, eni_subnet_describe(ctx, null, &si), ENI_EINVAL, "InvalidSubnetID.Malformed");
    REFUSE(ctx, eni_subnet_delete(ctx, null), ENI_EINVAL, "InvalidSubnetID.Malformed");
    REFUSE(ctx, eni_subnet_set_flags(ctx, null, 0), ENI_EINVAL, "InvalidSubnetID.Malformed");
    /* A subnet id used by an interface create. */
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = stale;
    eni_nic_id nid;
    REFUSE(ctx, eni_nic_create(ctx, &ns, &nid), ENI_ESTALE, "InvalidSubnetID.NotFound");
    ns.subnet = wrong;
    REFUSE(ctx, eni_nic_create(ctx, &ns, &nid), ENI_EINVAL, "InvalidSubnetID.Malformed");

    /* NULL arguments and output sizes. */
    REFUSE(ctx, eni_subnet_delete(NULL, live), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_subnet_set_flags(NULL, live, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_subnet_describe(NULL, live, &si), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_subnet_describe(ctx, live, NULL), ENI_EINVAL, "InvalidParameterValue");
    si.size = sizeof si - 1;
    REFUSE_RC(ctx, eni_subnet_describe(ctx, live, &si), ENI_EINVAL);
    si.size = 0;
    REFUSE_RC(ctx, eni_subnet_describe(ctx, live, &si), ENI_EINVAL);
    assert_int_equal(si.id.v, 0);

    eni_subnet_spec sp = subnet_spec(v, "us-east-1a", "10.0.3.0/24", NULL);
    eni_subnet_id out;
    REFUSE(ctx, eni_subnet_create(NULL, &sp, &out), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_subnet_create(ctx, NULL, &out), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_subnet_create(ctx, &sp, NULL), ENI_EINVAL, "InvalidParameterValue");
    sp.size = 8;
    subnet_refused(ctx, &sp, ENI_EVERSION, NULL);
    sp.size = 0;
    subnet_refused(ctx, &sp, ENI_EVERSION, NULL);
}

static void test_h_subnet_list_cap_and_vpc_filter(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id a = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id b = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    eni_subnet_id a1 = mk_subnet(ctx, a, "10.0.1.0/24", NULL);
    eni_subnet_id b1 = mk_subnet(ctx, b, "10.1.1.0/24", NULL);
    eni_subnet_id a2 = mk_subnet(ctx, a, "10.0.2.0/24", NULL);
    eni_subnet_id out[4] = {{0}, {0}, {0}, {0}};
    uint32_t n = 0;
    assert_eni_ok(eni_subnet_list(ctx, (eni_vpc_id){0}, out, 4, &n));
    assert_int_equal(n, 3);
    assert_eni_ok(eni_subnet_list(ctx, a, out, 4, &n));
    assert_int_equal(n, 2);
    assert_true((out[0].v == a1.v && out[1].v == a2.v) || (out[0].v == a2.v && out[1].v == a1.v));
    assert_true(out[0].v < out[1].v);
    assert_eni_ok(eni_subnet_list(ctx, b, out, 4, &n));
    assert_int_equal(n, 1);
    assert_int_equal(out[0].v, b1.v);
    /* cap below the total: the total is still reported, nothing past cap written. */
    eni_subnet_id part[2] = {{0xbeef}, {0xbeef}};
    assert_eni_ok(eni_subnet_list(ctx, a, part, 1, &n));
    assert_int_equal(n, 2);
    assert_true(part[0].v == a1.v || part[0].v == a2.v);
    assert_int_equal(part[1].v, 0xbeef);
    assert_eni_ok(eni_subnet_list(ctx, (eni_vpc_id){0}, NULL, 0, &n));
    assert_int_equal(n, 3);
    n = 42;
    REFUSE_RC(ctx, eni_subnet_list(NULL, (eni_vpc_id){0}, out, 4, &n), ENI_EINVAL);
    REFUSE_RC(ctx, eni_subnet_list(ctx, (eni_vpc_id){0}, out, 4, NULL), ENI_EINVAL);
    REFUSE_RC(ctx, eni_subnet_list(ctx, (eni_vpc_id){0}, NULL, 2, &n), ENI_EINVAL);
    assert_int_equal(n, 42);
}

/* ---- quotas (section 4.6, defaults from 1.6, 3, 4.1, 4.6) --------------------- */

static eni_quotas get_q(eni_ctx *ctx)
{
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    assert_eni_ok(eni_ctx_get_quotas(ctx, &q));
    return q;
}

static void test_s4_6_quota_defaults(void **state)
{
    eni_ctx *ctx = *state;
    eni_quotas q = get_q(ctx);
    assert_int_equal(q.eips, 5);
    assert_int_equal(q.nics, 5000);
    assert_int_equal(q.security_groups, 2500);
    assert_int_equal(q.rules_per_group, 60);
    assert_int_equal(q.groups_per_nic, 5);
}

static void test_s4_6_quota_groups_per_nic_at_most_16(void **state)
{
    eni_ctx *ctx = *state;
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.groups_per_nic = 17;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EINVAL);
    q.groups_per_nic = 1000;
    q.rules_per_group = 1;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EINVAL);
    assert_int_equal(get_q(ctx).groups_per_nic, 5);
    assert_int_equal(get_q(ctx).rules_per_group, 60);
    q.groups_per_nic = 16;
    q.rules_per_group = 62;
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    assert_int_equal(get_q(ctx).groups_per_nic, 16);
    assert_int_equal(get_q(ctx).rules_per_group, 62);
}

static void test_s4_6_quota_groups_times_rules_at_most_1000(void **state)
{
    eni_ctx *ctx = *state;
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.groups_per_nic = 10;
    q.rules_per_group = 101;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EINVAL);
    q.groups_per_nic = 16;
    q.rules_per_group = 63;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EINVAL);
    q.groups_per_nic = 10;
    q.rules_per_group = 100; /* exactly 1000 */
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    eni_quotas got = get_q(ctx);
    assert_int_equal(got.groups_per_nic, 10);
    assert_int_equal(got.rules_per_group, 100);
    /* The product uses the kept value of a 0 field. */
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.rules_per_group = 101;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EINVAL);
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.groups_per_nic = 11;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EINVAL);
    got = get_q(ctx);
    assert_int_equal(got.groups_per_nic, 10);
    assert_int_equal(got.rules_per_group, 100);
}

static void test_s4_6_quota_zero_fields_keep_values(void **state)
{
    eni_ctx *ctx = *state;
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    char *before = snap(ctx);
    assert_eni_ok(eni_ctx_set_quotas(ctx, &q)); /* all zero: nothing changes */
    same_as(ctx, before);
    q.eips = 7;
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    eni_quotas got = get_q(ctx);
    assert_int_equal(got.eips, 7);
    assert_int_equal(got.nics, 5000);
    assert_int_equal(got.security_groups, 2500);
    assert_int_equal(got.rules_per_group, 60);
    assert_int_equal(got.groups_per_nic, 5);
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.nics = 9;
    q.security_groups = 3;
    MUTATE(ctx, eni_ctx_set_quotas(ctx, &q));
    got = get_q(ctx);
    assert_int_equal(got.eips, 7);
    assert_int_equal(got.nics, 9);
    assert_int_equal(got.security_groups, 3);
    assert_int_equal(got.rules_per_group, 60);
    assert_int_equal(got.groups_per_nic, 5);
}

static void test_h_quota_arguments(void **state)
{
    eni_ctx *ctx = *state;
    eni_quotas q;
    memset(&q, 0x5a, sizeof q);
    q.size = sizeof q;
    REFUSE_RC(ctx, eni_ctx_get_quotas(NULL, &q), ENI_EINVAL);
    REFUSE_RC(ctx, eni_ctx_get_quotas(ctx, NULL), ENI_EINVAL);
    q.size = offsetof(eni_quotas, acl_rules) - 1; /* below the first layout */
    REFUSE_RC(ctx, eni_ctx_get_quotas(ctx, &q), ENI_EINVAL);
    q.size = 0;
    REFUSE_RC(ctx, eni_ctx_get_quotas(ctx, &q), ENI_EINVAL);
    assert_int_equal(q.eips, 0x5a5a5a5a); /* untouched */

    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.eips = 1;
    REFUSE_RC(ctx, eni_ctx_set_quotas(NULL, &q), ENI_EINVAL);
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, NULL), ENI_EINVAL);
    q.size = 4;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EVERSION);
    q.size = 0;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &q), ENI_EVERSION);
    struct {
        eni_quotas q;
        uint32_t extra;
    } big;
    memset(&big, 0, sizeof big);
    big.q.size = sizeof big;
    big.q.eips = 1;
    big.extra = 3;
    REFUSE_RC(ctx, eni_ctx_set_quotas(ctx, &big.q), ENI_EVERSION);
    assert_int_equal(get_q(ctx).eips, 5);
}

/* ---- check and dump ---------------------------------------------------------- */

static void test_h_model_check_arguments(void **state)
{
    eni_ctx *ctx = *state;
    assert_eni_ok(eni_ctx_check(ctx)); /* the empty model is consistent */
    REFUSE_RC(ctx, eni_ctx_check(NULL), ENI_EINVAL);
}

static void test_h_model_dump_size_negotiation(void **state)
{
    eni_ctx *ctx = *state;
    size_t empty = 0;
    assert_eni_ok(eni_ctx_dump(ctx, NULL, 0, &empty));
    assert_true(empty >= 1);
    mk_vpc(ctx, "10.77.0.0/16", 0, NULL);
    size_t need = 0;
    assert_eni_ok(eni_ctx_dump(ctx, NULL, 0, &need));
    assert_true(need > empty);
    /* NULL buf with a length: still only measures. */
    size_t need2 = 0;
    assert_eni_ok(eni_ctx_dump(ctx, NULL, 12345, &need2));
    assert_int_equal(need2, need);

    char *buf = malloc(need + 16);
    assert_non_null(buf);
    memset(buf, 'X', need + 16);
    size_t got = 0;
    eni_error_clear();
    assert_int_equal(eni_ctx_dump(ctx, buf, need - 1, &got), ENI_ELIMIT);
    assert_int_equal(eni_error_last()->code, ENI_ELIMIT);
    assert_int_equal(got, need);
    assert_int_equal(buf[0], 'X'); /* a failing call leaves the buffer alone */
    got = 0;
    assert_int_equal(eni_ctx_dump(ctx, buf, 1, &got), ENI_ELIMIT);
    assert_int_equal(got, need);
    got = 0;
    assert_int_equal(eni_ctx_dump(ctx, buf, 0, &got), ENI_ELIMIT);
    assert_int_equal(got, need);

    got = 0;
    assert_eni_ok(eni_ctx_dump(ctx, buf, need, &got));
    assert_int_equal(got, need);
    assert_int_equal(strlen(buf) + 1, need);
    assert_non_null(strstr(buf, "10.77.0.0/16")); /* every object and attribute appears */
    /* A larger buffer is fine; the same dump again. */
    char *again = malloc(need + 100);
    assert_non_null(again);
    assert_eni_ok(eni_ctx_dump(ctx, again, need + 100, &got));
    assert_int_equal(got, need);
    assert_string_equal(buf, again);
    free(again);
    free(buf);

    REFUSE_RC(ctx, eni_ctx_dump(NULL, NULL, 0, &got), ENI_EINVAL);
    char small[4];
    REFUSE_RC(ctx, eni_ctx_dump(ctx, small, sizeof small, NULL), ENI_EINVAL);
}

static void test_h_model_dump_tracks_changes(void **state)
{
    eni_ctx *ctx = *state;
    char *d0 = snap(ctx);
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    char *d1 = snap(ctx);
    assert_string_not_equal(d0, d1);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    char *d2 = snap(ctx);
    assert_string_not_equal(d1, d2);
    MUTATE(ctx, eni_subnet_set_flags(ctx, s, ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH));
    char *d3 = snap(ctx);
    assert_string_not_equal(d2, d3);
    MUTATE(ctx, eni_subnet_set_flags(ctx, s, 0));
    same_as(ctx, d2); /* back to the same model, same dump */
    MUTATE(ctx, eni_subnet_delete(ctx, s));
    MUTATE(ctx, eni_vpc_delete(ctx, v));
    same_as(ctx, d0);
    free(d1);
    free(d3);
}

/* ---- id strings --------------------------------------------------------------- */

static void test_h_id_parse_vpc_round_trip(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    char str[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, v.v, str, sizeof str));
    assert_int_equal(strlen(str), 4 + 17);
    assert_memory_equal(str, "vpc-0", 5);
    uint64_t got = 0;
    assert_eni_ok(eni_id_parse(ctx, str, ENI_KIND_VPC, &got));
    assert_int_equal(got, v.v);
    got = 0;
    assert_eni_ok(eni_id_parse(ctx, str, ENI_KIND_NONE, &got));
    assert_int_equal(got, v.v);
    /* Of another kind than asked. */
    got = 0x31;
    char *before = snap(ctx);
    eni_error_clear();
    assert_int_equal(eni_id_parse(ctx, str, ENI_KIND_SUBNET, &got), ENI_EINVAL);
    assert_non_null(strstr(eni_error_last()->ec2_code, ".Malformed"));
    same_as(ctx, before);
    assert_int_equal(got, 0x31);
    /* Upper-case digits are not an id string; a well-formed unknown one is not found. */
    char upper[ENI_ID_STRING_MAX];
    snprintf(upper, sizeof upper, "%s", str);
    int has_letter = 0;
    for (char *c = upper + 4; *c; c++)
        if (*c >= 'a' && *c <= 'f') {
            *c = (char)(*c - 'a' + 'A');
            has_letter = 1;
        }
    if (has_letter)
        REFUSE(ctx, eni_id_parse(ctx, upper, ENI_KIND_VPC, &got), ENI_EINVAL,
               "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_id_parse(ctx, "vpc-10123456789abcdef", ENI_KIND_VPC, &got), ENI_ENOTFOUND,
           "InvalidVpcID.NotFound");
    assert_int_equal(got, 0x31);
    /* The subnet and default group strings round-trip too. */
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.0.0/24", NULL);
    assert_eni_ok(eni_id_format(ctx, s.v, str, sizeof str));
    assert_memory_equal(str, "subnet-0", 8);
    assert_eni_ok(eni_id_parse(ctx, str, ENI_KIND_SUBNET, &got));
    assert_int_equal(got, s.v);
    eni_sg_id g = describe_vpc(ctx, v).default_group;
    assert_eni_ok(eni_id_format(ctx, g.v, str, sizeof str));
    assert_memory_equal(str, "sg-0", 4);
    assert_eni_ok(eni_id_parse(ctx, str, ENI_KIND_SG, &got));
    assert_int_equal(got, g.v);
}

static void test_h_id_parse_deleted_vpc(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id g = describe_vpc(ctx, v).default_group;
    char str[ENI_ID_STRING_MAX], gstr[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, v.v, str, sizeof str));
    assert_eni_ok(eni_id_format(ctx, g.v, gstr, sizeof gstr));
    MUTATE(ctx, eni_vpc_delete(ctx, v));
    /* Formatting works for a deleted object and gives the same string. */
    char again[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, v.v, again, sizeof again));
    assert_string_equal(again, str);
    uint64_t got = 0x42;
    REFUSE(ctx, eni_id_parse(ctx, str, ENI_KIND_VPC, &got), ENI_ENOTFOUND,
           "InvalidVpcID.NotFound");
    REFUSE(ctx, eni_id_parse(ctx, str, ENI_KIND_NONE, &got), ENI_ENOTFOUND,
           "InvalidVpcID.NotFound");
    REFUSE(ctx, eni_id_parse(ctx, gstr, ENI_KIND_SG, &got), ENI_ENOTFOUND,
           "InvalidGroup.NotFound");
    REFUSE(ctx, eni_id_parse(ctx, "vpc-0123", ENI_KIND_VPC, &got), ENI_EINVAL,
           "InvalidVpcID.Malformed");
    REFUSE(ctx, eni_id_parse(ctx, "vpc-0123456789abcdefg", ENI_KIND_VPC, &got), ENI_EINVAL,
           "InvalidVpcID.Malformed");
    assert_int_equal(got, 0x42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, ctx_setup, ctx_teardown)
        T(test_h_vpc_create_prefix_16_to_28),
        T(test_h_vpc_create_host_bits),
        T(test_h_vpc_create_malformed_cidr),
        T(test_h_vpc_create_ipv6_explicit_56),
        T(test_h_vpc_create_amazon_ipv6),
        T(test_s8_vpc_create_ipv6_both_is_combination),
        T(test_h_vpc_create_bad_arguments),
        T(test_s4_2_default_group_ipv4_vpc),
        T(test_s4_2_default_group_ipv6_vpc),
        T(test_s4_2_default_group_per_vpc),
        T(test_s4_2_interface_without_groups_gets_default),
        T(test_s4_5_default_group_cannot_delete),
        T(test_s4_1_vpc_create_needs_room_for_default_group),
        T(test_h_vpc_delete_with_subnet_is_dependency),
        T(test_s4_5_vpc_delete_with_custom_group_is_dependency),
        T(test_h_vpc_delete_removes_default_group),
        T(test_h_vpc_id_errors),
        T(test_h_vpc_stale_id_never_aliases),
        T(test_h_vpc_describe_out_size),
        T(test_h_vpc_list_cap_and_order),
        T(test_h_subnet_inside_vpc),
        T(test_h_subnet_prefix_16_to_28_and_host_bits),
        T(test_h_subnet_overlap_is_conflict),
        T(test_h_subnet_ipv6_64_inside_vpc_56),
        T(test_h_subnet_availability_zone),
        T(test_h_subnet_five_reserved_addresses),
        T(test_h_subnet_deterministic_allocation),
        T(test_h_subnet_explicit_reserved_refused),
        T(test_s1_6_subnet_exhaustion_28),
        T(test_h_subnet_delete_with_interface_is_dependency),
        T(test_h_subnet_set_flags),
        T(test_h_subnet_id_errors),
        T(test_h_subnet_list_cap_and_vpc_filter),
        T(test_s4_6_quota_defaults),
        T(test_s4_6_quota_groups_per_nic_at_most_16),
        T(test_s4_6_quota_groups_times_rules_at_most_1000),
        T(test_s4_6_quota_zero_fields_keep_values),
        T(test_h_quota_arguments),
        T(test_h_model_check_arguments),
        T(test_h_model_dump_size_negotiation),
        T(test_h_model_dump_tracks_changes),
        T(test_h_id_parse_vpc_round_trip),
        T(test_h_id_parse_deleted_vpc),
#undef T
    };
    return cmocka_run_group_tests_name("model_vpc", tests, NULL, NULL);
}
