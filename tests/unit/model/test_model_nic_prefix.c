/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Delegated prefixes (eni_nic_assign_prefixes and friends,
 * lib/model/nic_prefix.c), against docs/ec2-sections.md section 1.8: IPv4
 * /28 and IPv6 /80 ranges of the subnet, all or nothing, one address slot
 * each. The evaluator's side is test_eval_acl.c's. */
#include "sg_fixture.h"

static const char *const *strs1(const char *a)
{
    static const char *v[1];
    v[0] = a;
    return v;
}

static uint32_t prefixes(fx *f, eni_nic_id nic, uint32_t family,
                         char out[][ENI_CIDR_STRING_MAX], uint32_t cap)
{
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_prefixes(f->ctx, nic, family, (char *)out, cap, &n));
    return n;
}

struct host {
    eni_vpc_id vpc;
    eni_subnet_id subnet;
    eni_nic_id nic;
};

static struct host mk_host(fx *f)
{
    struct host h;
    h.vpc = mk_vpc(f->ctx, "10.0.0.0/16", 0, "2001:db8:0:100::/56");
    h.subnet = mk_subnet(f->ctx, h.vpc, "10.0.1.0/24", "2001:db8:0:100::/64");
    h.nic = mk_nic(f, h.subnet, NULL, 0);
    return h;
}

static void test_s1_8_ipv4_prefixes_by_count_and_by_name(void **state)
{
    fx *f = *state;
    struct host h = mk_host(f);
    uint64_t free0 = describe_subnet(f->ctx, h.subnet).available_ip_count;
    /* the lowest free /28s: the first holds EC2's reserved .0-.3 (and the primary) */
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, NULL, 0, 2));
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, strs1("10.0.1.64/28"), 1, 0));
    char p[4][ENI_CIDR_STRING_MAX];
    assert_int_equal(prefixes(f, h.nic, 4, p, 4), 3);
    assert_string_equal(p[0], "10.0.1.16/28");
    assert_string_equal(p[1], "10.0.1.32/28");
    assert_string_equal(p[2], "10.0.1.64/28");
    assert_int_equal(prefixes(f, h.nic, 0, p, 4), 3);
    assert_int_equal(prefixes(f, h.nic, 6, p, 4), 0);
    /* their addresses are taken from the subnet, not listed as addresses */
    assert_int_equal(describe_subnet(f->ctx, h.subnet).available_ip_count, free0 - 48);
    assert_int_equal(describe_nic(f->ctx, h.nic).ipv4_count, 1);
    /* an address inside one cannot go to anyone else */
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = h.subnet;
    ns.private_ip = "10.0.1.20";
    eni_nic_id other;
    REFUSED(f, eni_nic_create(f->ctx, &ns, &other), ENI_EINUSE, "InvalidIPAddress.InUse");
    other = mk_nic(f, h.subnet, NULL, 0);
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, other, strs1("10.0.1.33"), 1, 0,
                                          ENI_ASSIGN_ALLOW_REASSIGNMENT),
            ENI_EINUSE, "Resource.AlreadyAssigned");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, h.nic, strs1("10.0.1.65"), 1, 0, 0),
            ENI_EINUSE, "Resource.AlreadyAssigned");
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, other, 4, strs1("10.0.1.16/28"), 1, 0),
            ENI_EINUSE, EINVAL_CODE);
    /* the picker skips used addresses and prefixes */
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, other, strs1("10.0.1.50"), 1, 0, 0));
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, other, 4, NULL, 0, 1));
    assert_int_equal(prefixes(f, other, 4, p, 4), 1);
    assert_string_equal(p[0], "10.0.1.80/28");
    /* a short list: the total, and a prefix */
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_prefixes(f->ctx, h.nic, 4, (char *)p, 1, &n));
    assert_int_equal(n, 3);
    REFUSED(f, eni_nic_get_prefixes(f->ctx, h.nic, 5, (char *)p, 4, &n), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_nic_get_prefixes(f->ctx, h.nic, 4, NULL, 4, &n), ENI_EINVAL, EINVAL_CODE);
}

static void test_s1_8_ipv6_prefixes(void **state)
{
    fx *f = *state;
    struct host h = mk_host(f);
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, h.nic, 6, NULL, 0, 1));
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, h.nic, 6, strs1("2001:db8:0:100:7::/80"), 1, 0));
    char p[4][ENI_CIDR_STRING_MAX];
    assert_int_equal(prefixes(f, h.nic, 6, p, 4), 2);
    assert_string_equal(p[0], "2001:db8:0:100:1::/80"); /* the first /80 holds ::0-::3 */
    assert_string_equal(p[1], "2001:db8:0:100:7::/80");
    /* an address inside one is in use */
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, h.nic, strs1("2001:db8:0:100:7::9"), 1, 0),
            ENI_EINUSE, "InvalidIPAddress.InUse");
    /* a /80 holding an assigned address is not free */
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, h.nic, strs1("2001:db8:0:100:9::1"), 1, 0));
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 6, strs1("2001:db8:0:100:9::/80"), 1, 0),
            ENI_EINUSE, EINVAL_CODE);
    MUTATE(f, eni_nic_unassign_prefixes(f->ctx, h.nic, strs1("2001:db8:0:100:1::/80"), 1));
    assert_int_equal(prefixes(f, h.nic, 0, p, 4), 1);
}

static void test_s1_8_bad_prefixes_refused(void **state)
{
    fx *f = *state;
    struct host h = mk_host(f);
    static const char *const bad4[] = {"10.0.1.16/27", "10.0.1.17/28", "10.0.2.16/28",
                                       "10.0.1.0/28", "10.0.1.240/28", "10.0.1.16",
                                       "2001:db8:0:100:1::/80", "x", ""};
    for (size_t i = 0; i < sizeof bad4 / sizeof bad4[0]; i++)
        REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, strs1(bad4[i]), 1, 0), ENI_EINVAL,
                EINVAL_CODE);
    static const char *const bad6[] = {"2001:db8:0:100:1::/64", "2001:db8:0:100:1::1/80",
                                       "2001:db8:0:101:1::/80", "2001:db8:0:100::/80",
                                       "2001:db8:0:100:ffff::/80", "10.0.1.16/28"};
    for (size_t i = 0; i < sizeof bad6 / sizeof bad6[0]; i++)
        REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 6, strs1(bad6[i]), 1, 0), ENI_EINVAL,
                EINVAL_CODE);
    const char *twice[] = {"10.0.1.16/28", "10.0.1.16/28"};
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, twice, 2, 0), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, twice, 1, 1), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, NULL, 0, 0), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 5, NULL, 0, 1), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, NULL, 1, 0), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, h.nic, 4, NULL, 0, 1001), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_nic_assign_prefixes(NULL, h.nic, 4, NULL, 0, 1), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, (eni_nic_id){0}, 4, NULL, 0, 1), ENI_EINVAL,
            "InvalidNetworkInterfaceId.Malformed");
    /* no IPv6 block in the subnet; an efa-only interface has no addresses */
    eni_subnet_id v4only = mk_subnet(f->ctx, h.vpc, "10.0.2.0/24", NULL);
    eni_nic_id n4 = mk_nic(f, v4only, NULL, 0);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, n4, 6, NULL, 0, 1), ENI_EINVAL, EINVAL_CODE);
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = v4only;
    ns.type = ENI_NIC_EFA_ONLY;
    eni_nic_id efa;
    MUTATE(f, eni_nic_create(f->ctx, &ns, &efa));
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, efa, 4, NULL, 0, 1), ENI_EINVAL, EINVAL_CODE);
    /* a subnet without a free /28: EC2's InsufficientCidrBlocks */
    eni_subnet_id tiny = mk_subnet(f->ctx, h.vpc, "10.0.3.0/28", NULL);
    eni_nic_id t = mk_nic(f, tiny, NULL, 0);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, t, 4, NULL, 0, 1), ENI_ELIMIT,
            "InsufficientCidrBlocks");
    eni_subnet_id small = mk_subnet(f->ctx, h.vpc, "10.0.4.0/26", NULL);
    eni_nic_id s = mk_nic(f, small, NULL, 0);
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, s, 4, NULL, 0, 3), ENI_ELIMIT,
            "InsufficientCidrBlocks");
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, s, 4, NULL, 0, 2)); /* .16 and .32 */
    /* unassign: only the interface's own, each once */
    REFUSED(f, eni_nic_unassign_prefixes(f->ctx, s, strs1("10.0.4.48/28"), 1), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_nic_unassign_prefixes(f->ctx, h.nic, strs1("10.0.4.16/28"), 1), ENI_EINVAL,
            EINVAL_CODE);
    const char *dup[] = {"10.0.4.16/28", "10.0.4.16/28"};
    REFUSED(f, eni_nic_unassign_prefixes(f->ctx, s, dup, 2), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_nic_unassign_prefixes(f->ctx, s, strs1("nonsense"), 1), ENI_EINVAL,
            EINVAL_CODE);
    REFUSED(f, eni_nic_unassign_prefixes(f->ctx, s, NULL, 1), ENI_EINVAL, EINVAL_CODE);
    REFUSED(f, eni_nic_unassign_prefixes(f->ctx, s, dup, 0), ENI_EINVAL, EINVAL_CODE);
    MUTATE(f, eni_nic_unassign_prefixes(f->ctx, s, dup, 1));
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, s, 4, NULL, 0, 1)); /* .16 again */
    char p[2][ENI_CIDR_STRING_MAX];
    assert_int_equal(prefixes(f, s, 4, p, 2), 2);
    assert_string_equal(p[0], "10.0.4.32/28");
    assert_string_equal(p[1], "10.0.4.16/28");
    /* deleting the interface gives its prefixes back */
    uint64_t before = describe_subnet(f->ctx, small).available_ip_count;
    MUTATE(f, eni_nic_delete(f->ctx, s));
    assert_int_equal(describe_subnet(f->ctx, small).available_ip_count, before + 33);
}

/* Section 1.1 and 1.8: "each prefix uses one address slot of the per-ENI cap". */
static void test_s1_8_prefixes_take_one_address_slot_each(void **state)
{
    fx *f = *state;
    struct host h = mk_host(f);
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = h.subnet;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large"; /* 10 IPv4 and 10 IPv6 per interface */
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    MUTATE(f, eni_instance_launch(f->ctx, &ls, &inst));
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(f->ctx, 0, NULL, NULL, &n));
    MUTATE(f, eni_instance_set_state(f->ctx, inst, ENI_INSTANCE_RUNNING));
    eni_nic_id nics[2];
    eni_nic_filter flt = ENI_NIC_FILTER_INIT;
    flt.instance = inst;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, nics, 2, &n));
    assert_int_equal(n, 1);
    eni_nic_id nic = nics[0];
    /* the primary and 9 prefixes fill the 10 slots */
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, nic, 4, NULL, 0, 9));
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, nic, 4, NULL, 0, 1), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, nic, NULL, 0, 1, 0), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    /* IPv6 counts apart */
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, nic, NULL, 0, 4));
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, nic, 6, NULL, 0, 6));
    REFUSED(f, eni_nic_assign_prefixes(f->ctx, nic, 6, NULL, 0, 1), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    /* an interface with more than fits is refused at attach */
    eni_nic_id big = mk_nic(f, h.subnet, NULL, 0);
    MUTATE(f, eni_nic_assign_prefixes(f->ctx, big, 4, NULL, 0, 4));
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, big, NULL, 0, 6, 0)); /* 11 slots */
    eni_attachment_id att;
    REFUSED(f, eni_nic_attach(f->ctx, big, inst, 1, 0, &att), ENI_ELIMIT,
            "PrivateIpAddressLimitExceeded");
    char p[8][ENI_CIDR_STRING_MAX];
    assert_int_equal(prefixes(f, big, 4, p, 8), 4);
    MUTATE(f, eni_nic_unassign_prefixes(f->ctx, big, strs1(p[0]), 1));
    MUTATE(f, eni_nic_attach(f->ctx, big, inst, 1, 0, &att));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s1_8_ipv4_prefixes_by_count_and_by_name),
        T(test_s1_8_ipv6_prefixes),
        T(test_s1_8_bad_prefixes_refused),
        T(test_s1_8_prefixes_take_one_address_slot_each),
    };
#undef T
    return cmocka_run_group_tests_name("model_nic_prefix", tests, NULL, NULL);
}
