/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network ACLs in the model (include/eni/acl.h, lib/model/acl.c), against
 * docs/ec2-sections.md section 9: the default ACL, custom ACLs, entries,
 * subnet associations and quotas. Every refused call is checked to leave
 * the model dump unchanged; packets are test_eval_acl.c's. */
#include "sg_fixture.h"
#include "acl_fixture.h"

/* ---- 9.1, 9.2: the default ACL -------------------------------------------- */

static void check_allow_all(eni_ctx *ctx, eni_acl_id acl, uint32_t dir, uint32_t number,
                            const char *cidr, uint32_t family)
{
    eni_acl_entry_info e = acl_get(ctx, acl, dir, number);
    assert_int_equal(e.rule_action, ENI_ACL_ALLOW);
    assert_int_equal(e.protocol, -1);
    assert_int_equal(e.from_port, -1);
    assert_int_equal(e.to_port, -1);
    assert_int_equal(e.icmp_type, -1);
    assert_int_equal(e.icmp_code, -1);
    assert_int_equal(e.family, family);
    assert_string_equal(e.cidr, cidr);
}

static void test_s9_2_default_acl_allows_all_both_ways(void **state)
{
    fx *f = *state;
    for (int v6 = 0; v6 <= 1; v6++) {
        eni_vpc_id vpc = mk_vpc(f->ctx, v6 ? "10.1.0.0/16" : "10.0.0.0/16",
                                v6 ? ENI_VPC_AMAZON_IPV6 : 0, NULL);
        eni_acl_id acl = default_acl(f->ctx, vpc);
        char text[ENI_ID_STRING_MAX];
        assert_eni_ok(eni_id_format(f->ctx, acl.v, text, sizeof text));
        assert_memory_equal(text, "acl-", 4);
        eni_acl_info in = describe_acl(f->ctx, acl);
        assert_int_equal(in.is_default, 1);
        assert_true(in.vpc.v == vpc.v);
        /* rule 100: all IPv4; rule 101: all IPv6 when the VPC has a block (the VPC
         * User Guide, "Default network ACL"); the * rules are implicit */
        assert_int_equal(in.ingress_count, v6 ? 2 : 1);
        assert_int_equal(in.egress_count, v6 ? 2 : 1);
        for (uint32_t dir = ENI_INGRESS; dir <= ENI_EGRESS; dir++) {
            uint32_t nums[4], n;
            acl_numbers(f->ctx, acl, dir, nums, 4, &n);
            assert_int_equal(n, v6 ? 2 : 1);
            assert_int_equal(nums[0], 100);
            check_allow_all(f->ctx, acl, dir, 100, "0.0.0.0/0", 4);
            if (v6) {
                assert_int_equal(nums[1], 101);
                check_allow_all(f->ctx, acl, dir, 101, "::/0", 6);
            }
        }
    }
}

static void test_s9_1_given_default_acl_id(void **state)
{
    fx *f = *state;
    eni_vpc_spec sp = ENI_VPC_SPEC_INIT;
    sp.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc = {0};
    static const char *const bad[] = {"acl-xyz", "sg-0a1b2c3d4e5f60718", "acl-", "acl"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sp.default_acl_id = bad[i];
        REFUSED(f, eni_vpc_create(f->ctx, &sp, &vpc), ENI_EINVAL, ACL_MALFORMED);
    }
    sp.default_acl_id = "acl-0a1b2c3d4e5f60718";
    MUTATE(f, eni_vpc_create(f->ctx, &sp, &vpc));
    uint64_t got;
    assert_eni_ok(eni_id_parse(f->ctx, "acl-0a1b2c3d4e5f60718", ENI_KIND_NETWORK_ACL, &got));
    assert_true(got == default_acl(f->ctx, vpc).v);
    /* in use: refused whole, the second VPC is not made */
    sp.cidr_block = "10.1.0.0/16";
    REFUSED(f, eni_vpc_create(f->ctx, &sp, &vpc), ENI_EEXIST, EINVAL_CODE);
    /* a custom ACL takes a given id too */
    eni_acl_spec as = ENI_ACL_SPEC_INIT;
    as.vpc = vpc;
    as.id = "acl-0a1b2c3d4e5f60718";
    eni_acl_id acl = {0};
    REFUSED(f, eni_acl_create(f->ctx, &as, &acl), ENI_EEXIST, EINVAL_CODE);
    as.id = "acl-1a2b3c4d";
    MUTATE(f, eni_acl_create(f->ctx, &as, &acl));
    assert_eni_ok(eni_id_parse(f->ctx, "acl-1a2b3c4d", ENI_KIND_NETWORK_ACL, &got));
    assert_true(got == acl.v);
    /* deleting the VPC frees the default ACL's given id */
    MUTATE(f, eni_acl_delete(f->ctx, acl));
    MUTATE(f, eni_vpc_delete(f->ctx, vpc));
    assert_eni_fail(eni_id_parse(f->ctx, "acl-0a1b2c3d4e5f60718", ENI_KIND_NETWORK_ACL, &got),
                    ENI_ENOTFOUND, ACL_NOTFOUND);
}

/* ---- 9.1: custom ACLs -------------------------------------------------------- */

static void test_s9_1_create_describe_list_delete(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id other = mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    eni_acl_info in = describe_acl(f->ctx, acl);
    assert_int_equal(in.is_default, 0);
    assert_true(in.vpc.v == vpc.v);
    assert_int_equal(in.ingress_count, 0); /* a new ACL denies everything */
    assert_int_equal(in.egress_count, 0);
    assert_int_equal(in.subnet_count, 0);
    uint32_t n = 0;
    eni_acl_id ids[4] = {{0}, {0}, {0}, {0}};
    assert_eni_ok(eni_acl_list(f->ctx, vpc, ids, 4, &n));
    assert_int_equal(n, 2);
    assert_true(ids[0].v == default_acl(f->ctx, vpc).v && ids[1].v == acl.v);
    assert_eni_ok(eni_acl_list(f->ctx, (eni_vpc_id){0}, NULL, 0, &n));
    assert_int_equal(n, 3);
    assert_eni_ok(eni_acl_list(f->ctx, other, ids, 4, &n));
    assert_int_equal(n, 1);
    REFUSED(f, eni_acl_list(f->ctx, vpc, NULL, 2, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_list(NULL, vpc, ids, 2, &n), ENI_EINVAL, EINVAL_CODE);
    /* refusals of create */
    eni_acl_spec sp = ENI_ACL_SPEC_INIT;
    eni_acl_id out = {7};
    REFUSED(f, eni_acl_create(f->ctx, &sp, &out), ENI_EINVAL, "InvalidVpcID.Malformed");
    sp.vpc = vpc;
    sp.flags = 1;
    REFUSED(f, eni_acl_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp.flags = 0;
    sp.size = 4;
    REFUSED(f, eni_acl_create(f->ctx, &sp, &out), ENI_EVERSION, "");
    sp.size = sizeof sp;
    sp.id = "acl-nothex";
    REFUSED(f, eni_acl_create(f->ctx, &sp, &out), ENI_EINVAL, ACL_MALFORMED);
    REFUSED(f, eni_acl_create(NULL, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_create(f->ctx, NULL, &out), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_create(f->ctx, &sp, NULL), ENI_EINVAL, EINVAL_CODE);
    assert_true(out.v == 7);
    /* delete */
    MUTATE(f, eni_acl_delete(f->ctx, acl));
    eni_acl_info gone = ENI_ACL_INFO_INIT;
    REFUSED(f, eni_acl_describe(f->ctx, acl, &gone), ENI_ESTALE, ACL_NOTFOUND);
    REFUSED(f, eni_acl_delete(f->ctx, acl), ENI_ESTALE, ACL_NOTFOUND);
    REFUSED(f, eni_acl_delete(f->ctx, (eni_acl_id){vpc.v}), ENI_EINVAL, ACL_MALFORMED);
    REFUSED(f, eni_acl_describe(f->ctx, default_acl(f->ctx, vpc), NULL), ENI_EINVAL,
            EINVAL_CODE);
}

static void test_s9_1_default_acl_cannot_be_deleted(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_acl_id dflt = default_acl(f->ctx, vpc);
    /* AWS: InvalidParameterValue, "cannot delete default network ACL acl-…" (D32) */
    REFUSED(f, eni_acl_delete(f->ctx, dflt), ENI_EPERM, EINVAL_CODE);
    assert_non_null(strstr(eni_error_last()->message, "cannot delete default network ACL"));
}

static void test_s9_1_associated_acl_is_a_dependency(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id sub = mk_subnet(f->ctx, vpc, "10.0.1.0/24", NULL);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    MUTATE(f, eni_acl_replace_association(f->ctx, sub, acl));
    REFUSED(f, eni_acl_delete(f->ctx, acl), ENI_EDEPEND, "DependencyViolation");
    /* DeleteVpc: the subnet, and the custom ACL, are dependencies */
    REFUSED(f, eni_vpc_delete(f->ctx, vpc), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_subnet_delete(f->ctx, sub));
    assert_int_equal(describe_acl(f->ctx, acl).subnet_count, 0);
    REFUSED(f, eni_vpc_delete(f->ctx, vpc), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_acl_delete(f->ctx, acl));
    eni_acl_id dflt = default_acl(f->ctx, vpc);
    MUTATE(f, eni_vpc_delete(f->ctx, vpc));
    eni_acl_info in = ENI_ACL_INFO_INIT;
    REFUSED(f, eni_acl_describe(f->ctx, dflt, &in), ENI_ESTALE, ACL_NOTFOUND);
}

static void test_s9_6_acls_per_vpc_quota(void **state)
{
    fx *f = *state;
    eni_quotas q = ENI_QUOTAS_INIT;
    assert_eni_ok(eni_ctx_get_quotas(f->ctx, &q));
    assert_int_equal(q.acls_per_vpc, 200); /* Amazon VPC quotas */
    assert_int_equal(q.acl_rules, 20);
    q.acls_per_vpc = 3;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    (void)mk_acl(f->ctx, vpc);
    (void)mk_acl(f->ctx, vpc); /* the default one counts */
    eni_acl_spec sp = ENI_ACL_SPEC_INIT;
    sp.vpc = vpc;
    eni_acl_id out;
    REFUSED(f, eni_acl_create(f->ctx, &sp, &out), ENI_ELIMIT, "NetworkAclLimitExceeded");
    (void)mk_acl(f->ctx, mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL)); /* per VPC */
}

/* ---- 9.3: entries -------------------------------------------------------- */

static void test_s9_3_entries_stored_as_ec2_does(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    /* the CIDR canonical, as EC2 stores it */
    acl_add(f->ctx, acl, acl_ports(ENI_INGRESS, 100, ENI_ACL_DENY, 6, 22, 22, "203.0.113.7/32"));
    acl_add(f->ctx, acl, acl_ports(ENI_INGRESS, 200, ENI_ACL_ALLOW, 17, 1024, 65535,
                                   "100.68.0.18/18"));
    eni_acl_entry_spec echo = acl_entry(ENI_INGRESS, 150, ENI_ACL_ALLOW, 1, "0.0.0.0/0");
    echo.icmp_type = 8;
    echo.from_port = 7; /* ignored for ICMP */
    acl_add(f->ctx, acl, echo);
    /* ICMPv6 with an IPv4 CIDR, and other protocols: all types, all ports */
    eni_acl_entry_spec v6on4 = acl_entry(ENI_INGRESS, 300, ENI_ACL_ALLOW, 58, "10.0.0.0/8");
    v6on4.icmp_type = 128;
    v6on4.icmp_code = 0;
    acl_add(f->ctx, acl, v6on4);
    acl_add(f->ctx, acl, acl_ports(ENI_INGRESS, 400, ENI_ACL_ALLOW, 50, 1, 2, "0.0.0.0/0"));
    eni_acl_entry_spec pmtu = acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, 58, "2001:db8::5/48");
    pmtu.icmp_type = 2;
    pmtu.icmp_code = 0;
    acl_add(f->ctx, acl, pmtu);
    uint32_t nums[8], n;
    acl_numbers(f->ctx, acl, ENI_INGRESS, nums, 8, &n);
    assert_int_equal(n, 5);
    static const uint32_t order[] = {100, 150, 200, 300, 400}; /* evaluated lowest first */
    for (uint32_t i = 0; i < n; i++)
        assert_int_equal(nums[i], order[i]);
    eni_acl_entry_info e = acl_get(f->ctx, acl, ENI_INGRESS, 100);
    assert_int_equal(e.rule_action, ENI_ACL_DENY);
    assert_int_equal(e.protocol, 6);
    assert_int_equal(e.from_port, 22);
    assert_int_equal(e.to_port, 22);
    assert_int_equal(e.icmp_type, -1);
    assert_string_equal(e.cidr, "203.0.113.7/32");
    assert_int_equal(e.family, 4);
    e = acl_get(f->ctx, acl, ENI_INGRESS, 200);
    assert_string_equal(e.cidr, "100.68.0.0/18");
    assert_int_equal(e.from_port, 1024);
    assert_int_equal(e.to_port, 65535);
    e = acl_get(f->ctx, acl, ENI_INGRESS, 150);
    assert_int_equal(e.icmp_type, 8);
    assert_int_equal(e.icmp_code, -1);
    assert_int_equal(e.from_port, -1);
    e = acl_get(f->ctx, acl, ENI_INGRESS, 300);
    assert_int_equal(e.icmp_type, -1); /* ICMPv6 with an IPv4 CIDR: all of it */
    assert_int_equal(e.icmp_code, -1);
    e = acl_get(f->ctx, acl, ENI_INGRESS, 400);
    assert_int_equal(e.from_port, -1);
    assert_int_equal(e.to_port, -1);
    e = acl_get(f->ctx, acl, ENI_EGRESS, 100);
    assert_string_equal(e.cidr, "2001:db8::/48");
    assert_int_equal(e.family, 6);
    assert_int_equal(e.icmp_type, 2);
    assert_int_equal(e.icmp_code, 0);
    eni_acl_info in = describe_acl(f->ctx, acl);
    assert_int_equal(in.ingress_count, 5);
    assert_int_equal(in.egress_count, 1);
    /* a short list: the total, a prefix of the numbers */
    uint32_t two[2] = {0, 0};
    assert_eni_ok(eni_acl_list_entries(f->ctx, acl, ENI_INGRESS, two, 2, &n));
    assert_int_equal(n, 5);
    assert_true(two[0] == 100 && two[1] == 150);
    REFUSED(f, eni_acl_list_entries(f->ctx, acl, 0, two, 2, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_list_entries(f->ctx, acl, ENI_INGRESS, NULL, 2, &n), ENI_EINVAL,
            EINVAL_CODE);
    eni_acl_entry_info info = ENI_ACL_ENTRY_INFO_INIT;
    REFUSED(f, eni_acl_get_entry(f->ctx, acl, ENI_INGRESS, 101, &info), ENI_ENOTFOUND,
            ENTRY_NOTFOUND);
    REFUSED(f, eni_acl_get_entry(f->ctx, acl, ENI_EGRESS, 150, &info), ENI_ENOTFOUND,
            ENTRY_NOTFOUND);
    REFUSED(f, eni_acl_get_entry(f->ctx, acl, ENI_INGRESS, 100, NULL), ENI_EINVAL, EINVAL_CODE);
    info.size = 3;
    REFUSED(f, eni_acl_get_entry(f->ctx, acl, ENI_INGRESS, 100, &info), ENI_EINVAL, EINVAL_CODE);
}

static void test_s9_3_bad_entries_refused(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    struct {
        eni_acl_entry_spec e;
        int rc;
        const char *code;
    } bad[] = {
        {acl_entry(ENI_INGRESS, 0, ENI_ACL_ALLOW, -1, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 32767, ENI_ACL_ALLOW, -1, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(0, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(3, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, 0, -1, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, 3, -1, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -2, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, 256, "0.0.0.0/0"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, NULL), ENI_EINVAL, "MissingParameter"},
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "10.0.0.0/33"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "10.0.0/8"), ENI_EINVAL, EINVAL_CODE},
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "2001:db8::/129"), ENI_EINVAL, EINVAL_CODE},
        /* TCP and UDP need a range; it must be one */
        {acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, 6, "0.0.0.0/0"), ENI_EINVAL,
         "InvalidParameterCombination"},
        {acl_ports(ENI_INGRESS, 100, ENI_ACL_ALLOW, 17, 10, 9, "0.0.0.0/0"), ENI_EINVAL,
         EINVAL_CODE},
        {acl_ports(ENI_INGRESS, 100, ENI_ACL_ALLOW, 6, -1, 80, "0.0.0.0/0"), ENI_EINVAL,
         EINVAL_CODE},
        {acl_ports(ENI_INGRESS, 100, ENI_ACL_ALLOW, 6, 0, 65536, "0.0.0.0/0"), ENI_EINVAL,
         EINVAL_CODE},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        REFUSED(f, eni_acl_create_entry(f->ctx, acl, &bad[i].e), bad[i].rc, bad[i].code);
    eni_acl_entry_spec e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "10.0.0.0/33");
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EINVAL, EINVAL_CODE);
    assert_string_equal(eni_error_last()->message, "CIDR block 10.0.0.0/33 is malformed");
    /* ICMP type and code: -1 or 0..255, and no code without a type */
    e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, 1, "0.0.0.0/0");
    e.icmp_type = 256;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EINVAL, EINVAL_CODE);
    e.icmp_type = -1;
    e.icmp_code = 3;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EINVAL, EINVAL_CODE);
    e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, 58, "::/0");
    e.icmp_code = -2;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EINVAL, EINVAL_CODE);
    /* the struct itself */
    e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0");
    e.reserved0 = 1;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EINVAL, EINVAL_CODE);
    e.reserved0 = 0;
    e.size = 4;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EVERSION, "");
    e.size = sizeof e;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, NULL), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_create_entry(NULL, acl, &e), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_create_entry(f->ctx, (eni_acl_id){0}, &e), ENI_EINVAL, ACL_MALFORMED);
    assert_int_equal(describe_acl(f->ctx, acl).ingress_count, 0);
    /* the bounds themselves are fine */
    acl_add(f->ctx, acl, acl_entry(ENI_INGRESS, 1, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    acl_add(f->ctx, acl, acl_entry(ENI_INGRESS, 32766, ENI_ACL_DENY, 255, "::/0"));
    acl_add(f->ctx, acl, acl_ports(ENI_INGRESS, 5, ENI_ACL_ALLOW, 6, 0, 65535, "0.0.0.0/0"));
}

static void test_s9_3_rule_number_once_per_direction(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    acl_add(f->ctx, acl, acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "0.0.0.0/0"));
    eni_acl_entry_spec e = acl_entry(ENI_INGRESS, 100, ENI_ACL_DENY, 6, "10.0.0.0/8");
    e.from_port = e.to_port = 22;
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EEXIST, "NetworkAclEntryAlreadyExists");
    /* the number space is shared by the families... */
    e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "::/0");
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_EEXIST, "NetworkAclEntryAlreadyExists");
    /* ...but not by the directions */
    acl_add(f->ctx, acl, acl_entry(ENI_EGRESS, 100, ENI_ACL_ALLOW, -1, "::/0"));
}

static void test_s9_3_replace_and_delete_entries(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_acl_id acl = default_acl(f->ctx, vpc);
    eni_acl_entry_spec e = acl_ports(ENI_INGRESS, 100, ENI_ACL_DENY, 6, 22, 22, "0.0.0.0/0");
    MUTATE(f, eni_acl_replace_entry(f->ctx, acl, &e));
    eni_acl_entry_info in = acl_get(f->ctx, acl, ENI_INGRESS, 100);
    assert_int_equal(in.rule_action, ENI_ACL_DENY);
    assert_int_equal(in.protocol, 6);
    check_allow_all(f->ctx, acl, ENI_EGRESS, 100, "0.0.0.0/0", 4); /* the other direction */
    /* the family may change too */
    e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "2001:db8::/32");
    MUTATE(f, eni_acl_replace_entry(f->ctx, acl, &e));
    assert_int_equal(acl_get(f->ctx, acl, ENI_INGRESS, 100).family, 6);
    e.rule_number = 110;
    REFUSED(f, eni_acl_replace_entry(f->ctx, acl, &e), ENI_ENOTFOUND, ENTRY_NOTFOUND);
    e.rule_number = 0;
    REFUSED(f, eni_acl_replace_entry(f->ctx, acl, &e), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_delete_entry(f->ctx, acl, ENI_INGRESS, 110), ENI_ENOTFOUND,
            ENTRY_NOTFOUND);
    REFUSED(f, eni_acl_delete_entry(f->ctx, acl, ENI_INGRESS, 0), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_delete_entry(f->ctx, acl, 7, 100), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_delete_entry(NULL, acl, ENI_INGRESS, 100), ENI_EINVAL, EINVAL_CODE);
    MUTATE(f, eni_acl_delete_entry(f->ctx, acl, ENI_INGRESS, 100));
    MUTATE(f, eni_acl_delete_entry(f->ctx, acl, ENI_EGRESS, 100));
    eni_acl_info ai = describe_acl(f->ctx, acl);
    assert_int_equal(ai.ingress_count, 0);
    assert_int_equal(ai.egress_count, 0);
    REFUSED(f, eni_acl_delete_entry(f->ctx, acl, ENI_EGRESS, 100), ENI_ENOTFOUND,
            ENTRY_NOTFOUND);
}

/* ---- 9.6: the entry quota ------------------------------------------------- */

static void fill(fx *f, eni_acl_id acl, uint32_t dir, uint32_t first, uint32_t n,
                 const char *cidr)
{
    for (uint32_t i = 0; i < n; i++)
        acl_add(f->ctx, acl, acl_entry(dir, first + i, ENI_ACL_ALLOW, -1, cidr));
}

static void test_s9_6_entry_quota_per_direction_and_family(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", ENI_VPC_AMAZON_IPV6, NULL);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    /* 20 with the implicit deny rule (Amazon VPC quotas, "Rules per network ACL"): 19 */
    fill(f, acl, ENI_INGRESS, 1, 19, "10.0.0.0/8");
    eni_acl_entry_spec e = acl_entry(ENI_INGRESS, 100, ENI_ACL_ALLOW, -1, "10.0.0.0/8");
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_ELIMIT, "NetworkAclEntryLimitExceeded");
    /* the IPv6 bucket and the other direction are their own */
    fill(f, acl, ENI_INGRESS, 101, 19, "::/0");
    fill(f, acl, ENI_EGRESS, 1, 19, "10.0.0.0/8");
    e.cidr = "::/0";
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_ELIMIT, "NetworkAclEntryLimitExceeded");
    /* a replacement within a full family is fine; moving into a full one is not */
    e = acl_entry(ENI_INGRESS, 1, ENI_ACL_DENY, 6, "192.0.2.0/24");
    e.from_port = e.to_port = 80;
    MUTATE(f, eni_acl_replace_entry(f->ctx, acl, &e));
    e.cidr = "2001:db8::/32";
    REFUSED(f, eni_acl_replace_entry(f->ctx, acl, &e), ENI_ELIMIT, "NetworkAclEntryLimitExceeded");
    /* adjustable up to 40 */
    eni_quotas q = ENI_QUOTAS_INIT;
    q.acl_rules = 41;
    REFUSED(f, eni_ctx_set_quotas(f->ctx, &q), ENI_EINVAL, EINVAL_CODE);
    q.acl_rules = 40;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    fill(f, acl, ENI_INGRESS, 20, 20, "10.0.0.0/8");
    e = acl_entry(ENI_INGRESS, 1000, ENI_ACL_ALLOW, -1, "10.0.0.0/8");
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_ELIMIT, "NetworkAclEntryLimitExceeded");
    /* lowered below use: what is there stays, nothing more fits */
    q.acl_rules = 5;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    assert_int_equal(describe_acl(f->ctx, acl).ingress_count, 58);
    REFUSED(f, eni_acl_create_entry(f->ctx, acl, &e), ENI_ELIMIT, "NetworkAclEntryLimitExceeded");
}

/* ---- 9.4: associations ------------------------------------------------------- */

static void test_s9_4_every_subnet_has_exactly_one_acl(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id other = mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL);
    eni_acl_id dflt = default_acl(f->ctx, vpc);
    eni_subnet_id a = mk_subnet(f->ctx, vpc, "10.0.1.0/24", NULL);
    eni_subnet_id b = mk_subnet(f->ctx, vpc, "10.0.2.0/24", NULL);
    eni_acl_id got = {0};
    assert_eni_ok(eni_subnet_get_acl(f->ctx, a, &got));
    assert_true(got.v == dflt.v); /* CreateSubnet has no ACL parameter */
    assert_int_equal(describe_acl(f->ctx, dflt).subnet_count, 2);
    eni_acl_id acl = mk_acl(f->ctx, vpc);
    MUTATE(f, eni_acl_replace_association(f->ctx, a, acl));
    assert_eni_ok(eni_subnet_get_acl(f->ctx, a, &got));
    assert_true(got.v == acl.v);
    assert_int_equal(describe_acl(f->ctx, dflt).subnet_count, 1);
    assert_int_equal(describe_acl(f->ctx, acl).subnet_count, 1);
    eni_subnet_id subs[3] = {{0}, {0}, {0}};
    uint32_t n = 0;
    assert_eni_ok(eni_acl_list_subnets(f->ctx, acl, subs, 3, &n));
    assert_int_equal(n, 1);
    assert_true(subs[0].v == a.v);
    assert_eni_ok(eni_acl_list_subnets(f->ctx, dflt, subs, 3, &n));
    assert_int_equal(n, 1);
    assert_true(subs[0].v == b.v);
    /* again with the same ACL: nothing changes, and it is no error */
    snap(f->ctx, &f->before);
    assert_eni_ok(eni_acl_replace_association(f->ctx, a, acl));
    UNCHANGED(f);
    /* an ACL of another VPC; bad ids */
    REFUSED(f, eni_acl_replace_association(f->ctx, a, default_acl(f->ctx, other)), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_acl_replace_association(f->ctx, a, (eni_acl_id){0}), ENI_EINVAL,
            ACL_MALFORMED);
    REFUSED(f, eni_acl_replace_association(f->ctx, (eni_subnet_id){0}, acl), ENI_EINVAL,
            "InvalidSubnetID.Malformed");
    REFUSED(f, eni_acl_replace_association(NULL, a, acl), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_subnet_get_acl(f->ctx, a, NULL), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_acl_list_subnets(f->ctx, acl, NULL, 1, &n), ENI_EINVAL, EINVAL_CODE);
    /* back to the default one */
    MUTATE(f, eni_acl_replace_association(f->ctx, a, dflt));
    assert_int_equal(describe_acl(f->ctx, dflt).subnet_count, 2);
    MUTATE(f, eni_acl_delete(f->ctx, acl));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s9_2_default_acl_allows_all_both_ways),
        T(test_s9_1_given_default_acl_id),
        T(test_s9_1_create_describe_list_delete),
        T(test_s9_1_default_acl_cannot_be_deleted),
        T(test_s9_1_associated_acl_is_a_dependency),
        T(test_s9_6_acls_per_vpc_quota),
        T(test_s9_3_entries_stored_as_ec2_does),
        T(test_s9_3_bad_entries_refused),
        T(test_s9_3_rule_number_once_per_direction),
        T(test_s9_3_replace_and_delete_entries),
        T(test_s9_6_entry_quota_per_direction_and_family),
        T(test_s9_4_every_subnet_has_exactly_one_acl),
    };
#undef T
    return cmocka_run_group_tests_name("model_acl", tests, NULL, NULL);
}
