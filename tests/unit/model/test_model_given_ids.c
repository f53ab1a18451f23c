/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Objects created under the ids EC2 gave them (issue: hosts that share a
 * VPC must name the same group the same way). A given id is printed and
 * parsed like any other; a malformed one, one of another kind, or one in
 * use is refused and changes nothing; minted ids never take a given one. */
#include "model_fixture.h"

#include "core/ctx_internal.h"
#include "util/perm64.h"

struct fx {
    eni_ctx *ctx;
    char *before, *after;
    eni_vpc_id vpc;
    eni_subnet_id subnet;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.seed = 11;
    if (!f || eni_ctx_new(&o, &f->ctx) != ENI_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

static void id_is(eni_ctx *ctx, uint64_t id, const char *want)
{
    char text[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, id, text, sizeof text));
    assert_string_equal(text, want);
    uint64_t back = 0;
    assert_eni_ok(eni_id_parse(ctx, want, eni_id_kind(id), &back));
    assert_int_equal(back, id);
}

static void make_vpc_and_subnet(struct fx *f)
{
    eni_vpc_spec v = ENI_VPC_SPEC_INIT;
    v.cidr_block = "10.0.0.0/16";
    v.id = "vpc-0ab12cd34ef567890";
    v.default_group_id = "sg-0123abcd4567ef890";
    MUTATE(f, eni_vpc_create(f->ctx, &v, &f->vpc));
    eni_subnet_spec s = ENI_SUBNET_SPEC_INIT;
    s.vpc = f->vpc;
    s.availability_zone = "us-east-1a";
    s.cidr_block = "10.0.1.0/24";
    s.id = "subnet-5a6b7c8d";
    MUTATE(f, eni_subnet_create(f->ctx, &s, &f->subnet));
}

/* Every create call takes EC2's id, and the object answers to it. */
static void test_h_every_kind_takes_a_given_id(void **state)
{
    struct fx *f = *state;
    make_vpc_and_subnet(f);
    id_is(f->ctx, f->vpc.v, "vpc-0ab12cd34ef567890");
    id_is(f->ctx, f->subnet.v, "subnet-5a6b7c8d"); /* EC2's old 8-digit form */
    eni_vpc_info vi = ENI_VPC_INFO_INIT;
    assert_eni_ok(eni_vpc_describe(f->ctx, f->vpc, &vi));
    id_is(f->ctx, vi.default_group.v, "sg-0123abcd4567ef890");

    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = f->vpc;
    g.name = "app";
    g.description = "app tier";
    g.id = "sg-f00000000000000aa"; /* 17 digits need not start with 0 */
    eni_sg_id app;
    MUTATE(f, eni_sg_create(f->ctx, &g, &app));
    id_is(f->ctx, app.v, "sg-f00000000000000aa");

    eni_prefix_list_spec p = ENI_PREFIX_LIST_SPEC_INIT;
    p.family = 4;
    p.name = "office";
    p.max_entries = 3;
    p.id = "pl-0011223344556677a";
    eni_prefix_list_id pl;
    MUTATE(f, eni_prefix_list_create(f->ctx, &p, &pl));
    id_is(f->ctx, pl.v, "pl-0011223344556677a");

    eni_nic_spec n = ENI_NIC_SPEC_INIT;
    n.subnet = f->subnet;
    n.id = "eni-0feedfacecafe0001";
    eni_nic_id nic;
    MUTATE(f, eni_nic_create(f->ctx, &n, &nic));
    id_is(f->ctx, nic.v, "eni-0feedfacecafe0001");

    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = "m5.large";
    is.subnet = f->subnet;
    is.id = "i-0123456789abcdef0";
    eni_instance_id inst;
    MUTATE(f, eni_instance_create(f->ctx, &is, &inst));
    id_is(f->ctx, inst.v, "i-0123456789abcdef0");

    eni_eip_id eip;
    MUTATE(f, eni_eip_allocate_id(f->ctx, "eipalloc-0c0ffee0c0ffee000", &eip));
    id_is(f->ctx, eip.v, "eipalloc-0c0ffee0c0ffee000");

    /* The dump shows EC2's ids. */
    snap(f->ctx, &f->before);
    assert_non_null(strstr(f->before, "vpc-0ab12cd34ef567890"));
    assert_non_null(strstr(f->before, "eni-0feedfacecafe0001"));
}

/* Launch names the instance and its new interfaces. */
static void test_h_launch_takes_given_ids(void **state)
{
    struct fx *f = *state;
    make_vpc_and_subnet(f);
    eni_nic_spec n = ENI_NIC_SPEC_INIT;
    n.subnet = f->subnet;
    n.id = "eni-0aaaaaaaaaaaaaaa1";
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &n;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    ls.instance_id = "i-0bbbbbbbbbbbbbbb1";
    eni_instance_id inst;
    MUTATE(f, eni_instance_launch(f->ctx, &ls, &inst));
    id_is(f->ctx, inst.v, "i-0bbbbbbbbbbbbbbb1");
    uint64_t nic = 0;
    assert_eni_ok(eni_id_parse(f->ctx, "eni-0aaaaaaaaaaaaaaa1", ENI_KIND_NIC, &nic));
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(f->ctx, (eni_nic_id){nic}, &ni));
    assert_int_equal(ni.instance.v, inst.v);

    /* Two new interfaces under one id: refused, nothing launched. */
    eni_nic_spec two[2] = {n, n};
    two[0].id = two[1].id = "eni-0ccccccccccccccc1";
    eni_launch_nic lns[2] = {ENI_LAUNCH_NIC_INIT, ENI_LAUNCH_NIC_INIT};
    lns[0].spec = &two[0];
    lns[1].spec = &two[1];
    lns[1].device_index = 1;
    ls.nics = lns;
    ls.nic_count = 2;
    ls.instance_id = "i-0bbbbbbbbbbbbbbb2";
    REFUSED(f, eni_instance_launch(f->ctx, &ls, &inst), ENI_EEXIST, "InvalidParameterValue");
}

/* Malformed, of another kind, or in use: refused with EC2's code, nothing changes. */
static void test_h_bad_given_ids_are_refused(void **state)
{
    struct fx *f = *state;
    make_vpc_and_subnet(f);
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = f->vpc;
    g.name = "web";
    g.description = "web";
    eni_sg_id sg;
    static const char *const malformed[] = {
        "sg-",           "sg-0123",            "sg-0123456789ABCDEF0", "sg-0123456789abcdeg0",
        "sg-0123456789abcdef01", " sg-0123abcd", "sg_0123abcd",       "",
        "vpc-0123abcd", /* another kind */ "eni-attach-0123abcd",
    };
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        g.id = malformed[i];
        REFUSED(f, eni_sg_create(f->ctx, &g, &sg), ENI_EINVAL, "InvalidGroupId.Malformed");
    }
    /* In use: a given id, and a minted one. */
    g.id = "sg-0123abcd4567ef890"; /* the VPC's default group */
    REFUSED(f, eni_sg_create(f->ctx, &g, &sg), ENI_EEXIST, "InvalidParameterValue");
    g.id = NULL;
    MUTATE(f, eni_sg_create(f->ctx, &g, &sg));
    char minted[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(f->ctx, sg.v, minted, sizeof minted));
    g.name = "web2";
    g.id = minted;
    REFUSED(f, eni_sg_create(f->ctx, &g, &sg), ENI_EEXIST, "InvalidParameterValue");
    REFUSED(f, eni_vpc_create(f->ctx, &(eni_vpc_spec){.size = sizeof(eni_vpc_spec),
                                                      .cidr_block = "10.1.0.0/16",
                                                      .id = "vpc-0ab12cd34ef567890"},
                              &f->vpc),
            ENI_EEXIST, "InvalidParameterValue");
    eni_eip_id eip;
    REFUSED(f, eni_eip_allocate_id(f->ctx, "eipassoc-0123abcd", &eip), ENI_EINVAL,
            "InvalidAllocationID.Malformed");
}

/* A deleted object's id is free again; its old handle is stale. */
static void test_h_deleting_frees_the_given_id(void **state)
{
    struct fx *f = *state;
    make_vpc_and_subnet(f);
    eni_nic_spec n = ENI_NIC_SPEC_INIT;
    n.subnet = f->subnet;
    n.id = "eni-0feedfacecafe0002";
    eni_nic_id a, b;
    MUTATE(f, eni_nic_create(f->ctx, &n, &a));
    MUTATE(f, eni_nic_delete(f->ctx, a));
    uint64_t out;
    assert_eni_fail(eni_id_parse(f->ctx, "eni-0feedfacecafe0002", ENI_KIND_NIC, &out),
                    ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound");
    MUTATE(f, eni_nic_create(f->ctx, &n, &b));
    assert_int_not_equal(a.v, b.v);
    id_is(f->ctx, b.v, "eni-0feedfacecafe0002");
    eni_nic_info ni = ENI_NIC_INFO_INIT;
    assert_int_equal(eni_nic_describe(f->ctx, a, &ni), ENI_ESTALE);
}

/* A minted id never prints as a given one. Give group A the string that
 * the group minted after it would print as; that group must then be
 * minted under another id (the slot's next generation). */
static void test_h_minted_ids_never_collide(void **state)
{
    struct fx *f = *state;
    make_vpc_and_subnet(f);
    const struct eni_slot_map *map = &f->ctx->registry.kinds[ENI_KIND_SG];
    uint64_t after_a = eni__id_make(ENI_KIND_SG, 1, map->len + 1); /* A takes map->len */
    uint64_t key = f->ctx->opts.seed ^ 0x656e692d69647321ULL;     /* as lib/core/id.c keys it */
    char text[ENI_ID_STRING_MAX];
    snprintf(text, sizeof text, "sg-0%016llx",
             (unsigned long long)eni__perm64_encode(after_a, key));
    eni_sg_spec g = ENI_SG_SPEC_INIT;
    g.vpc = f->vpc;
    g.description = "x";
    g.name = "a";
    g.id = text;
    eni_sg_id a, b;
    MUTATE(f, eni_sg_create(f->ctx, &g, &a));
    g.name = "b";
    g.id = NULL;
    MUTATE(f, eni_sg_create(f->ctx, &g, &b));
    assert_int_not_equal(b.v, after_a); /* skipped */
    char btext[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(f->ctx, b.v, btext, sizeof btext));
    assert_string_not_equal(btext, text);
    id_is(f->ctx, a.v, text);
    id_is(f->ctx, b.v, btext);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_h_every_kind_takes_a_given_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_h_launch_takes_given_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_h_bad_given_ids_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_h_deleting_frees_the_given_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_h_minted_ids_never_collide, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
