/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Security groups (include/eni/sg.h, lib/model/sg.c): create, describe,
 * list and delete, and the rules a new group starts with, against
 * ec2-semantics.md sections 4.1, 4.2 and 4.5. One test per rule, named after
 * its section. Every refused call is checked to leave the model dump
 * unchanged. Rules are test_model_sg_rule.c's, prefix lists
 * test_model_prefix_list.c's. */
#include "sg_fixture.h"

#define VPC_NOTFOUND "InvalidVpcID.NotFound"
#define VPC_MALFORMED "InvalidVpcID.Malformed"

/* ======================================================================== */
/* 4.1 Scope and identity                                                   */
/* ======================================================================== */

static void test_s4_1_create_and_describe(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 1);
    eni_sg_spec sp = sg_spec(vpc, "web", "web servers (HTTP/HTTPS)");
    eni_sg_id sg = {0};
    MUTATE(f, eni_sg_create(f->ctx, &sp, &sg));
    assert_int_equal(eni_id_kind(sg.v), ENI_KIND_SG);
    eni_sg_info in = describe_sg(f->ctx, sg);
    assert_int_equal(in.size, sizeof in);
    assert_true(in.id.v == sg.v);
    assert_true(in.vpc.v == vpc.v);
    assert_int_equal(in.is_default, 0);
    assert_string_equal(in.name, "web");
    assert_string_equal(in.description, "web servers (HTTP/HTTPS)");
    assert_int_equal(in.nic_count, 0);
    assert_int_equal(in.referenced_by, 0);
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 2);
    char text[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(f->ctx, sg.v, text, sizeof text));
    assert_memory_equal(text, "sg-", 3);
}

static void test_s4_1_name_unique_per_vpc(void **state)
{
    fx *f = *state;
    eni_vpc_id a = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id b = mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL);
    eni_sg_id web = mk_sg(f, a, "web");
    eni_sg_spec sp = sg_spec(a, "web", "another description");
    eni_sg_id out = {77};
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EEXIST, "InvalidGroup.Duplicate");
    assert_true(out.v == 77);
    /* The same name in another VPC is another group. */
    eni_sg_id web_b = mk_sg(f, b, "web");
    assert_true(web_b.v != web.v);
    assert_true(describe_sg(f->ctx, web_b).vpc.v == b.v);
    /* Once deleted, the name is free again. */
    MUTATE(f, eni_sg_delete(f->ctx, web));
    eni_sg_id again = mk_sg(f, a, "web");
    assert_string_equal(describe_sg(f->ctx, again).name, "web");
}

static void test_s4_1_name_trailing_spaces_trimmed(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id sg = mk_sg(f, vpc, "web   ");
    assert_string_equal(describe_sg(f->ctx, sg).name, "web");
    eni_sg_spec sp = sg_spec(vpc, "web ", "d");
    eni_sg_id out = {0};
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EEXIST, "InvalidGroup.Duplicate");
    sp.name = "web";
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EEXIST, "InvalidGroup.Duplicate");
    /* Only trailing spaces go: a leading space makes another name. */
    eni_sg_id lead = mk_sg(f, vpc, " web");
    assert_string_equal(describe_sg(f->ctx, lead).name, " web");
    /* 255 characters plus trailing spaces fit once trimmed. */
    char name[260];
    memset(name, 'n', 255);
    memcpy(name + 255, "  ", 3);
    eni_sg_id longest = mk_sg(f, vpc, name);
    eni_sg_info in = describe_sg(f->ctx, longest);
    assert_int_equal(strlen(in.name), 255);
    name[255] = '\0';
    assert_string_equal(in.name, name);
}

static void test_s4_1_name_reserved(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    static const char *const reserved[] = {"default", "default  ", "sg-x", "sg-", "sg-0123"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        eni_sg_spec sp = sg_spec(vpc, reserved[i], "d");
        eni_sg_id out = {0};
        REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, "InvalidGroup.Reserved");
        assert_true(out.v == 0);
    }
    /* Only the exact name and the prefix are reserved. */
    assert_string_equal(describe_sg(f->ctx, mk_sg(f, vpc, "default-web")).name, "default-web");
    assert_string_equal(describe_sg(f->ctx, mk_sg(f, vpc, "my-sg-x")).name, "my-sg-x");
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 3);
}

static void test_s4_1_name_or_description_empty(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id out = {0};
    eni_sg_spec sp = sg_spec(vpc, "", "d");
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp.name = "   "; /* nothing left after trimming */
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp = sg_spec(vpc, "web", "");
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 1);
}

/* EC2 answers a missing name or description with MissingParameter. */
static void test_s4_1_name_or_description_missing(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id out = {0};
    eni_sg_spec sp = sg_spec(vpc, NULL, "d");
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, "MissingParameter");
    sp = sg_spec(vpc, "web", NULL);
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, "MissingParameter");
    assert_true(out.v == 0);
}

static void test_s4_1_name_and_description_length(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    char t255[256], t256[257];
    memset(t255, 'a', 255);
    t255[255] = '\0';
    memset(t256, 'b', 256);
    t256[256] = '\0';
    eni_sg_id out = {0};
    eni_sg_spec sp = sg_spec(vpc, t256, "d");
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp = sg_spec(vpc, "web", t256);
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp = sg_spec(vpc, t255, t255);
    MUTATE(f, eni_sg_create(f->ctx, &sp, &out));
    eni_sg_info in = describe_sg(f->ctx, out);
    assert_string_equal(in.name, t255);
    assert_string_equal(in.description, t255);
}

static void test_s4_1_invalid_characters(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    static const char *const bad[] = {"we\tb", "web%", "a\nb", "caf\xc3\xa9", "q\"uote",
                                      "a<b", "back\\slash", "tick`", "a|b", "a?b", "a'b"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eni_sg_id out = {0};
        eni_sg_spec sp = sg_spec(vpc, bad[i], "d");
        REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
        sp = sg_spec(vpc, "ok", bad[i]);
        REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    }
    /* Every character of EC2's set is accepted, in both fields. */
    static const char all[] = "aZ09 ._-:/()#,@[]+=&;{}!$*";
    eni_sg_spec sp = sg_spec(vpc, all, all);
    eni_sg_id sg = {0};
    MUTATE(f, eni_sg_create(f->ctx, &sp, &sg));
    eni_sg_info in = describe_sg(f->ctx, sg);
    assert_string_equal(in.name, all);
    assert_string_equal(in.description, all);
}

static void test_s4_1_group_quota(void **state)
{
    fx *f = *state;
    eni_vpc_id a = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id b = mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL);
    /* Two default groups already count: a quota of 4 leaves room for 2. */
    set_quotas(f, 4, 0);
    eni_sg_id g1 = mk_sg(f, a, "one");
    (void)mk_sg(f, b, "two");
    eni_sg_id out = {0};
    eni_sg_spec sp = sg_spec(a, "three", "d");
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_ELIMIT, "SecurityGroupLimitExceeded");
    sp.vpc = b;
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_ELIMIT, "SecurityGroupLimitExceeded");
    assert_true(out.v == 0);
    /* A new VPC needs room for its default group too. */
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.2.0.0/16";
    eni_vpc_id vout = {0};
    REFUSED(f, eni_vpc_create(f->ctx, &vs, &vout), ENI_ELIMIT, "SecurityGroupLimitExceeded");
    /* Deleting a group makes room again. */
    MUTATE(f, eni_sg_delete(f->ctx, g1));
    sp.vpc = a;
    MUTATE(f, eni_sg_create(f->ctx, &sp, &out));
    assert_string_equal(describe_sg(f->ctx, out).name, "three");
    /* Lowering the quota below use keeps the groups but refuses new ones. */
    set_quotas(f, 1, 0);
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list(f->ctx, (eni_vpc_id){0}, NULL, 0, &n));
    assert_int_equal(n, 4);
    sp.name = "four";
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_ELIMIT, "SecurityGroupLimitExceeded");
}

static void test_s4_1_create_args(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_spec sp = sg_spec(vpc, "web", "d");
    eni_sg_id out = {0};
    REFUSED(f, eni_sg_create(NULL, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_create(f->ctx, NULL, &out), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_create(f->ctx, &sp, NULL), ENI_EINVAL, EINVAL_CODE);
    sp.flags = 1;
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, EINVAL_CODE);
    sp.flags = 0;
    sp.size = 8;
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EVERSION, "");
    sp.size = 0;
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EVERSION, "");
    /* A larger struct with zero tail is accepted (D5). */
    struct {
        eni_sg_spec s;
        uint64_t future;
    } big;
    memset(&big, 0, sizeof big);
    big.s = sg_spec(vpc, "big", "d");
    big.s.size = sizeof big;
    big.future = 1;
    REFUSED(f, eni_sg_create(f->ctx, &big.s, &out), ENI_EVERSION, "");
    big.future = 0;
    MUTATE(f, eni_sg_create(f->ctx, &big.s, &out));
    assert_string_equal(describe_sg(f->ctx, out).name, "big");
    /* VPC id errors. */
    sp = sg_spec((eni_vpc_id){0}, "web", "d");
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, VPC_MALFORMED);
    sp.vpc.v = out.v; /* a group id where a VPC id belongs */
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_EINVAL, VPC_MALFORMED);
    sp.vpc.v = vpc.v + 1000; /* a slot never issued */
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_ENOTFOUND, VPC_NOTFOUND);
    eni_vpc_id gone = mk_vpc(f->ctx, "10.9.0.0/16", 0, NULL);
    MUTATE(f, eni_vpc_delete(f->ctx, gone));
    sp.vpc = gone;
    eni_sg_id keep = out;
    REFUSED(f, eni_sg_create(f->ctx, &sp, &out), ENI_ESTALE, VPC_NOTFOUND);
    assert_true(out.v == keep.v);
}

static void test_s4_1_list_groups(void **state)
{
    fx *f = *state;
    eni_vpc_id a = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_vpc_id b = mk_vpc(f->ctx, "10.1.0.0/16", 0, NULL);
    eni_sg_id a1 = mk_sg(f, a, "a1");
    eni_sg_id b1 = mk_sg(f, b, "b1");
    eni_sg_id a2 = mk_sg(f, a, "a2");
    eni_sg_id ids[8];
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list(f->ctx, (eni_vpc_id){0}, ids, 8, &n));
    assert_int_equal(n, 5);
    assert_eni_ok(eni_sg_list(f->ctx, a, ids, 8, &n));
    assert_int_equal(n, 3);
    assert_true(ids[0].v == describe_vpc(f->ctx, a).default_group.v);
    assert_true(ids[1].v == a1.v);
    assert_true(ids[2].v == a2.v);
    assert_eni_ok(eni_sg_list(f->ctx, b, ids, 8, &n));
    assert_int_equal(n, 2);
    assert_true(ids[1].v == b1.v);
    /* A short buffer: the total is reported, only cap ids are written. */
    ids[1].v = 0x5151;
    assert_eni_ok(eni_sg_list(f->ctx, a, ids, 1, &n));
    assert_int_equal(n, 3);
    assert_true(ids[1].v == 0x5151);
    assert_eni_ok(eni_sg_list(f->ctx, a, NULL, 0, &n));
    assert_int_equal(n, 3);
    /* Argument and id errors. */
    REFUSED(f, eni_sg_list(NULL, a, ids, 8, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_list(f->ctx, a, ids, 8, NULL), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_list(f->ctx, a, NULL, 1, &n), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_list(f->ctx, (eni_vpc_id){a1.v}, ids, 8, &n), ENI_EINVAL,
            VPC_MALFORMED);
    eni_vpc_id gone = mk_vpc(f->ctx, "10.9.0.0/16", 0, NULL);
    MUTATE(f, eni_vpc_delete(f->ctx, gone));
    n = 99;
    REFUSED(f, eni_sg_list(f->ctx, gone, ids, 8, &n), ENI_ESTALE, VPC_NOTFOUND);
    assert_int_equal(n, 99);
}

static void test_s4_1_list_groups_id_order(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id a = mk_sg(f, vpc, "a");
    eni_sg_id b = mk_sg(f, vpc, "b");
    (void)mk_sg(f, vpc, "c");
    MUTATE(f, eni_sg_delete(f->ctx, a));
    eni_sg_id d = mk_sg(f, vpc, "d");
    assert_true(d.v != a.v);
    MUTATE(f, eni_sg_delete(f->ctx, b));
    (void)mk_sg(f, vpc, "e");
    eni_sg_id ids[8];
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list(f->ctx, vpc, ids, 8, &n));
    assert_int_equal(n, 4);
    for (uint32_t i = 1; i < n; i++)
        assert_true(ids[i - 1].v < ids[i].v);
}

static void test_s4_1_describe_args(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id sg = mk_sg(f, vpc, "web");
    eni_sg_info in;
    memset(&in, 0x3c, sizeof in);
    in.size = sizeof in;
    REFUSED(f, eni_sg_describe(NULL, sg, &in), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_describe(f->ctx, sg, NULL), ENI_EINVAL, EINVAL_CODE);
    in.size = sizeof in - 1;
    REFUSED(f, eni_sg_describe(f->ctx, sg, &in), ENI_EINVAL, EINVAL_CODE);
    assert_int_equal(in.size, sizeof in - 1);
    assert_int_equal((unsigned char)in.name[0], 0x3c); /* untouched */
    in.size = 0;
    REFUSED(f, eni_sg_describe(f->ctx, sg, &in), ENI_EINVAL, EINVAL_CODE);
    in.size = sizeof in;
    REFUSED(f, eni_sg_describe(f->ctx, (eni_sg_id){0}, &in), ENI_EINVAL, SG_MALFORMED);
    REFUSED(f, eni_sg_describe(f->ctx, (eni_sg_id){vpc.v}, &in), ENI_EINVAL, SG_MALFORMED);
    REFUSED(f, eni_sg_describe(f->ctx, (eni_sg_id){sg.v + 1000}, &in), ENI_ENOTFOUND,
            SG_NOTFOUND);
    MUTATE(f, eni_sg_delete(f->ctx, sg));
    REFUSED(f, eni_sg_describe(f->ctx, sg, &in), ENI_ESTALE, SG_NOTFOUND);
    assert_int_equal((unsigned char)in.name[0], 0x3c);
    /* A newer group in the same slot does not answer to the old id. */
    eni_sg_id again = mk_sg(f, vpc, "web");
    assert_true(again.v != sg.v);
    REFUSED(f, eni_sg_describe(f->ctx, sg, &in), ENI_ESTALE, SG_NOTFOUND);
}

/* ======================================================================== */
/* 4.2 Default rules                                                        */
/* ======================================================================== */

static void check_all_ipv4_egress(fx *f, eni_sg_id sg, eni_sg_rule_id r)
{
    eni_sg_rule_info ri = describe_sg_rule(f->ctx, r);
    assert_int_equal(ri.size, sizeof ri);
    assert_true(ri.id.v == r.v);
    assert_true(ri.group.v == sg.v);
    assert_int_equal(ri.direction, ENI_EGRESS);
    assert_int_equal(ri.peer_kind, ENI_PEER_CIDR);
    assert_int_equal(ri.protocol, -1);
    assert_int_equal(ri.from_port, -1);
    assert_int_equal(ri.to_port, -1);
    assert_string_equal(ri.cidr, "0.0.0.0/0");
    assert_int_equal(ri.family, 4);
    assert_true(ri.peer_group.v == 0);
    assert_true(ri.prefix_list.v == 0);
    assert_string_equal(ri.description, "");
}

static void check_all_ipv6_egress(fx *f, eni_sg_id sg, eni_sg_rule_id r)
{
    eni_sg_rule_info all6 = describe_sg_rule(f->ctx, r);
    assert_true(all6.group.v == sg.v);
    assert_int_equal(all6.direction, ENI_EGRESS);
    assert_int_equal(all6.peer_kind, ENI_PEER_CIDR);
    assert_int_equal(all6.protocol, -1);
    assert_string_equal(all6.cidr, "::/0");
    assert_int_equal(all6.family, 6);
}

/* Section 4.2, fixed in issue 13: EC2 gives every new group of an IPv6 VPC
 * both egress rules (moto's tests against AWS; decisions.md D34). */
static void test_s4_2_new_group_rules(void **state)
{
    fx *f = *state;
    for (int v6 = 0; v6 <= 1; v6++) {
        eni_vpc_id vpc = mk_vpc(f->ctx, v6 ? "10.1.0.0/16" : "10.0.0.0/16",
                                v6 ? ENI_VPC_AMAZON_IPV6 : 0, NULL);
        if (v6)
            assert_string_not_equal(describe_vpc(f->ctx, vpc).ipv6_cidr_block, "");
        eni_sg_id sg = mk_sg(f, vpc, "web");
        eni_sg_info in = describe_sg(f->ctx, sg);
        assert_int_equal(in.ingress_count, 0);
        /* all traffic to 0.0.0.0/0, and to ::/0 in an IPv6 VPC, as the default group */
        assert_int_equal(in.egress_count, v6 ? 2 : 1);
        eni_sg_rule_id ids[4];
        uint32_t n = 0;
        assert_eni_ok(eni_sg_list_rules(f->ctx, sg, ENI_INGRESS, ids, 4, &n));
        assert_int_equal(n, 0);
        assert_eni_ok(eni_sg_list_rules(f->ctx, sg, 0, ids, 4, &n));
        assert_int_equal(n, v6 ? 2u : 1u);
        check_all_ipv4_egress(f, sg, ids[0]);
        if (v6)
            check_all_ipv6_egress(f, sg, ids[1]);
    }
}

static void test_s4_2_default_group_rules(void **state)
{
    fx *f = *state;
    for (int v6 = 0; v6 <= 1; v6++) {
        eni_vpc_id vpc = mk_vpc(f->ctx, v6 ? "10.1.0.0/16" : "10.0.0.0/16",
                                v6 ? ENI_VPC_AMAZON_IPV6 : 0, NULL);
        eni_sg_id def = describe_vpc(f->ctx, vpc).default_group;
        eni_sg_info in = describe_sg(f->ctx, def);
        assert_int_equal(in.is_default, 1);
        assert_string_equal(in.name, "default");
        assert_true(in.vpc.v == vpc.v);
        assert_int_equal(in.ingress_count, 1);
        assert_int_equal(in.egress_count, v6 ? 2 : 1);
        assert_int_equal(in.referenced_by, 0); /* its self-reference is not counted */
        eni_sg_rule_id ids[4];
        uint32_t n = 0;
        assert_eni_ok(eni_sg_list_rules(f->ctx, def, 0, ids, 4, &n));
        assert_int_equal(n, v6 ? 3u : 2u);
        eni_sg_rule_info self = describe_sg_rule(f->ctx, ids[0]);
        assert_int_equal(self.direction, ENI_INGRESS);
        assert_int_equal(self.peer_kind, ENI_PEER_GROUP);
        assert_true(self.peer_group.v == def.v);
        assert_int_equal(self.protocol, -1);
        assert_int_equal(self.from_port, -1);
        assert_int_equal(self.to_port, -1);
        assert_int_equal(self.family, 0);
        assert_string_equal(self.cidr, "");
        check_all_ipv4_egress(f, def, ids[1]);
        if (v6)
            check_all_ipv6_egress(f, def, ids[2]);
        /* Its rules can be changed. */
        MUTATE(f, eni_sg_revoke_rules(f->ctx, def, &ids[0], 1));
        assert_int_equal(describe_sg(f->ctx, def).ingress_count, 0);
        (void)add1(f, def, ENI_INGRESS, r_group(-1, 0, 0, def));
        assert_int_equal(describe_sg(f->ctx, def).ingress_count, 1);
    }
}

/* ======================================================================== */
/* 4.5 Deletion                                                             */
/* ======================================================================== */

static void test_s4_5_delete_group(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id sg = mk_sg(f, vpc, "web");
    eni_sg_rule_id r = add1(f, sg, ENI_INGRESS, r_cidr(6, 22, 22, "10.0.0.0/8"));
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 2);
    MUTATE(f, eni_sg_delete(f->ctx, sg));
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 1);
    eni_sg_rule_info ri;
    ri.size = sizeof ri;
    REFUSED(f, eni_sg_rule_describe(f->ctx, r, &ri), ENI_ESTALE, RULE_NOTFOUND);
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list(f->ctx, vpc, NULL, 0, &n));
    assert_int_equal(n, 1);
    /* Deleting twice: the id is stale now. */
    REFUSED(f, eni_sg_delete(f->ctx, sg), ENI_ESTALE, SG_NOTFOUND);
}

static void test_s4_5_delete_default_group(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id def = describe_vpc(f->ctx, vpc).default_group;
    REFUSED(f, eni_sg_delete(f->ctx, def), ENI_EPERM, "CannotDelete");
    /* Even with no rules left. */
    eni_sg_rule_id ids[4];
    uint32_t n = 0;
    assert_eni_ok(eni_sg_list_rules(f->ctx, def, 0, ids, 4, &n));
    MUTATE(f, eni_sg_revoke_rules(f->ctx, def, ids, n));
    REFUSED(f, eni_sg_delete(f->ctx, def), ENI_EPERM, "CannotDelete");
    assert_int_equal(describe_sg(f->ctx, def).is_default, 1);
    /* It goes with its VPC. */
    MUTATE(f, eni_vpc_delete(f->ctx, vpc));
    eni_sg_info in;
    in.size = sizeof in;
    REFUSED(f, eni_sg_describe(f->ctx, def, &in), ENI_ESTALE, SG_NOTFOUND);
}

static void test_s4_5_delete_group_in_use(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id sub = mk_subnet(f->ctx, vpc, "10.0.1.0/24", NULL);
    eni_sg_id web = mk_sg(f, vpc, "web");
    eni_sg_id db = mk_sg(f, vpc, "db");
    eni_sg_id both[2] = {web, db};
    eni_nic_id n1 = mk_nic(f, sub, both, 2);
    eni_nic_id n2 = mk_nic(f, sub, &web, 1);
    assert_int_equal(describe_sg(f->ctx, web).nic_count, 2);
    assert_int_equal(describe_sg(f->ctx, db).nic_count, 1);
    eni_sg_id def = describe_vpc(f->ctx, vpc).default_group;
    assert_int_equal(describe_sg(f->ctx, def).nic_count, 0);
    REFUSED(f, eni_sg_delete(f->ctx, web), ENI_EDEPEND, "DependencyViolation");
    REFUSED(f, eni_sg_delete(f->ctx, db), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_nic_delete(f->ctx, n1));
    assert_int_equal(describe_sg(f->ctx, web).nic_count, 1);
    assert_int_equal(describe_sg(f->ctx, db).nic_count, 0);
    MUTATE(f, eni_sg_delete(f->ctx, db));
    REFUSED(f, eni_sg_delete(f->ctx, web), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_nic_delete(f->ctx, n2));
    assert_int_equal(describe_sg(f->ctx, web).nic_count, 0);
    MUTATE(f, eni_sg_delete(f->ctx, web));
    /* An interface created without groups uses the default group. */
    eni_nic_id n3 = mk_nic(f, sub, NULL, 0);
    assert_int_equal(describe_sg(f->ctx, def).nic_count, 1);
    MUTATE(f, eni_nic_delete(f->ctx, n3));
    assert_int_equal(describe_sg(f->ctx, def).nic_count, 0);
}

static void test_s4_5_delete_group_referenced(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id web = mk_sg(f, vpc, "web");
    eni_sg_id lb = mk_sg(f, vpc, "lb");
    eni_sg_rule_id in = add1(f, web, ENI_INGRESS, r_group(6, 80, 80, lb));
    eni_sg_rule_id out = add1(f, web, ENI_EGRESS, r_group(6, 9000, 9000, lb));
    assert_int_equal(describe_sg(f->ctx, lb).referenced_by, 2);
    assert_int_equal(describe_sg(f->ctx, web).referenced_by, 0);
    REFUSED(f, eni_sg_delete(f->ctx, lb), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_sg_revoke_rules(f->ctx, web, &in, 1));
    assert_int_equal(describe_sg(f->ctx, lb).referenced_by, 1);
    REFUSED(f, eni_sg_delete(f->ctx, lb), ENI_EDEPEND, "DependencyViolation");
    eni_sg_rule_spec s = r_group(6, 9000, 9000, lb);
    MUTATE(f, eni_sg_revoke(f->ctx, web, ENI_EGRESS, &s, 1));
    assert_int_equal(describe_sg(f->ctx, lb).referenced_by, 0);
    MUTATE(f, eni_sg_delete(f->ctx, lb));
    eni_sg_rule_info ri;
    ri.size = sizeof ri;
    REFUSED(f, eni_sg_rule_describe(f->ctx, out, &ri), ENI_ESTALE, RULE_NOTFOUND);
    /* The default group can be referenced (and then blocks nothing but itself). */
    eni_sg_id def = describe_vpc(f->ctx, vpc).default_group;
    (void)add1(f, web, ENI_INGRESS, r_group(-1, -1, -1, def));
    assert_int_equal(describe_sg(f->ctx, def).referenced_by, 1);
}

static void test_s4_5_referenced_by_drops_with_referencing_group(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id a = mk_sg(f, vpc, "a");
    eni_sg_id b = mk_sg(f, vpc, "b");
    eni_sg_id c = mk_sg(f, vpc, "c");
    (void)add1(f, a, ENI_INGRESS, r_group(6, 1, 1, c));
    (void)add1(f, b, ENI_INGRESS, r_group(6, 1, 1, c));
    (void)add1(f, b, ENI_EGRESS, r_group(6, 2, 2, c));
    assert_int_equal(describe_sg(f->ctx, c).referenced_by, 3);
    MUTATE(f, eni_sg_delete(f->ctx, b));
    assert_int_equal(describe_sg(f->ctx, c).referenced_by, 1);
    REFUSED(f, eni_sg_delete(f->ctx, c), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_sg_delete(f->ctx, a));
    assert_int_equal(describe_sg(f->ctx, c).referenced_by, 0);
    MUTATE(f, eni_sg_delete(f->ctx, c));
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 1);
}

static void test_s4_5_delete_mutual_references(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id a = mk_sg(f, vpc, "a");
    eni_sg_id b = mk_sg(f, vpc, "b");
    eni_sg_rule_id ab = add1(f, a, ENI_INGRESS, r_group(6, 1, 1, b));
    (void)add1(f, b, ENI_INGRESS, r_group(6, 1, 1, a));
    REFUSED(f, eni_sg_delete(f->ctx, a), ENI_EDEPEND, "DependencyViolation");
    REFUSED(f, eni_sg_delete(f->ctx, b), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_sg_revoke_rules(f->ctx, a, &ab, 1));
    MUTATE(f, eni_sg_delete(f->ctx, b)); /* its own rule referencing a goes with it */
    assert_int_equal(describe_sg(f->ctx, a).referenced_by, 0);
    MUTATE(f, eni_sg_delete(f->ctx, a));
}

static void test_s4_5_delete_self_referencing_group(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id efa = mk_sg(f, vpc, "efa");
    eni_sg_rule_id in = add1(f, efa, ENI_INGRESS, r_group(-1, -1, -1, efa));
    (void)add1(f, efa, ENI_EGRESS, r_group(-1, -1, -1, efa));
    assert_int_equal(describe_sg(f->ctx, efa).referenced_by, 0);
    MUTATE(f, eni_sg_delete(f->ctx, efa));
    eni_sg_rule_info ri;
    ri.size = sizeof ri;
    REFUSED(f, eni_sg_rule_describe(f->ctx, in, &ri), ENI_ESTALE, RULE_NOTFOUND);
    assert_int_equal(describe_vpc(f->ctx, vpc).group_count, 1);
}

static void test_s4_5_delete_args(void **state)
{
    fx *f = *state;
    eni_vpc_id vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, NULL);
    eni_sg_id sg = mk_sg(f, vpc, "web");
    REFUSED(f, eni_sg_delete(NULL, sg), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_sg_delete(f->ctx, (eni_sg_id){0}), ENI_EINVAL, SG_MALFORMED);
    REFUSED(f, eni_sg_delete(f->ctx, (eni_sg_id){vpc.v}), ENI_EINVAL, SG_MALFORMED);
    REFUSED(f, eni_sg_delete(f->ctx, (eni_sg_id){sg.v + 1000}), ENI_ENOTFOUND, SG_NOTFOUND);
    assert_string_equal(describe_sg(f->ctx, sg).name, "web");
}

/* ======================================================================== */

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s4_1_create_and_describe),
        T(test_s4_1_name_unique_per_vpc),
        T(test_s4_1_name_trailing_spaces_trimmed),
        T(test_s4_1_name_reserved),
        T(test_s4_1_name_or_description_empty),
        T(test_s4_1_name_or_description_missing),
        T(test_s4_1_name_and_description_length),
        T(test_s4_1_invalid_characters),
        T(test_s4_1_group_quota),
        T(test_s4_1_create_args),
        T(test_s4_1_list_groups),
        T(test_s4_1_list_groups_id_order),
        T(test_s4_1_describe_args),
        T(test_s4_2_new_group_rules),
        T(test_s4_2_default_group_rules),
        T(test_s4_5_delete_group),
        T(test_s4_5_delete_default_group),
        T(test_s4_5_delete_group_in_use),
        T(test_s4_5_delete_group_referenced),
        T(test_s4_5_referenced_by_drops_with_referencing_group),
        T(test_s4_5_delete_mutual_references),
        T(test_s4_5_delete_self_referencing_group),
        T(test_s4_5_delete_args),
    };
#undef T
    return cmocka_run_group_tests_name("model_sg", tests, NULL, NULL);
}
