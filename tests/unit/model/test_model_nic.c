/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Network interfaces (include/eni/nic.h): ec2-semantics.md sections 1.1,
 * 1.2, 1.6, 1.7, 5.4 (per-interface idle timeouts) and 8 (the API calls).
 *
 * Every mutation is followed by eni_ctx_check(); every refused call is
 * checked to leave eni_ctx_dump() byte-for-byte unchanged. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>

#include "model_fixture.h"

/* ---- fixture ----------------------------------------------------------------- */

typedef struct fx {
    eni_ctx *ctx;
    eni_ctx *aux[2];     /* extra contexts some tests need; freed by teardown */
    char *before, *after; /* dumps around a refused call; freed by teardown */
    eni_vpc_id vpc;      /* 10.0.0.0/16 + 2001:db8::/56 */
    eni_sg_id dflt;      /* its default group */
    eni_subnet_id sn;    /* 10.0.1.0/24 + 2001:db8:0:1::/64 */
    eni_subnet_id sn4;   /* 10.0.2.0/24, no IPv6 */
} fx;

static int make_network(eni_ctx *ctx, eni_vpc_id *vpc, eni_sg_id *dflt, eni_subnet_id *sn,
                        eni_subnet_id *sn4)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8::/56";
    if (eni_vpc_create(ctx, &vs, vpc) != ENI_OK)
        return -1;
    eni_vpc_info vi;
    memset(&vi, 0, sizeof vi);
    vi.size = sizeof vi;
    if (eni_vpc_describe(ctx, *vpc, &vi) != ENI_OK)
        return -1;
    *dflt = vi.default_group;
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = *vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.ipv6_cidr_block = "2001:db8:0:1::/64";
    if (eni_subnet_create(ctx, &ss, sn) != ENI_OK)
        return -1;
    ss.cidr_block = "10.0.2.0/24";
    ss.ipv6_cidr_block = NULL;
    if (eni_subnet_create(ctx, &ss, sn4) != ENI_OK)
        return -1;
    return 0;
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (eni_ctx_new(NULL, &f->ctx) != ENI_OK)
        return -1;
    return make_network(f->ctx, &f->vpc, &f->dflt, &f->sn, &f->sn4);
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    eni_ctx_free(f->ctx);
    eni_ctx_free(f->aux[0]);
    eni_ctx_free(f->aux[1]);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */




static eni_nic_id nic_new(fx *f, const eni_nic_spec *sp)
{
    eni_nic_id id = {0};
    MUTATE(f, eni_nic_create(f->ctx, sp, &id));
    assert_int_not_equal(id.v, 0);
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_NIC);
    return id;
}

static eni_nic_id nic_in(fx *f, eni_subnet_id sn, const char *ip)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = sn;
    sp.private_ip = ip;
    return nic_new(f, &sp);
}

static eni_nic_info nic_info(eni_ctx *ctx, eni_nic_id id)
{
    eni_nic_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_ok(eni_nic_describe(ctx, id, &i));
    return i;
}

static eni_subnet_info subnet_info(fx *f, eni_subnet_id id)
{
    eni_subnet_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_ok(eni_subnet_describe(f->ctx, id, &i));
    return i;
}

static eni_sg_info sg_info(fx *f, eni_sg_id id)
{
    eni_sg_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_ok(eni_sg_describe(f->ctx, id, &i));
    return i;
}

static uint32_t nic_addrs(fx *f, eni_nic_id id, eni_nic_address *out, uint32_t cap)
{
    uint32_t n = 0xdeadu;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, id, out, cap, &n));
    return n;
}

static eni_sg_id sg_new(fx *f, eni_vpc_id vpc, const char *name)
{
    eni_sg_spec sp = ENI_SG_SPEC_INIT;
    sp.vpc = vpc;
    sp.name = name;
    sp.description = "test group";
    eni_sg_id id = {0};
    MUTATE(f, eni_sg_create(f->ctx, &sp, &id));
    return id;
}

/* Same address, whatever the textual form (IPv6 compression, case). */
static void assert_same_ip(const char *a, const char *b)
{
    unsigned char x[16], y[16];
    int fam = strchr(a, ':') ? AF_INET6 : AF_INET;
    if (inet_pton(fam, a, x) != 1 || inet_pton(fam, b, y) != 1 ||
        memcmp(x, y, fam == AF_INET6 ? 16 : 4) != 0)
        fail_msg("addresses differ: '%s' vs '%s'", a, b);
}

/* Offset of an IPv4 address inside 10.0.1.0/24 (or -1 when outside). */
static int sn_offset(const char *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, ip, &a) != 1)
        return -1;
    uint32_t v = ntohl(a.s_addr);
    if ((v & 0xffffff00u) != 0x0a000100u)
        return -1;
    return (int)(v & 0xffu);
}

static void assert_usable_in_sn(const char *ip)
{
    int off = sn_offset(ip);
    if (off < 4 || off > 254)
        fail_msg("'%s' is not a usable address of 10.0.1.0/24", ip);
}

static eni_quotas quotas_with(uint32_t nics, uint32_t groups_per_nic)
{
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.nics = nics;
    q.groups_per_nic = groups_per_nic;
    return q;
}

/* For loops over functions: name the one that misbehaved. */
static void check_fail(const char *name, int rc, int want_rc, const char *want_code)
{
    if (rc != want_rc)
        fail_msg("%s: returned %d (%s), want %d (%s)", name, rc, eni_err_name(rc), want_rc,
                 eni_err_name(want_rc));
    if (eni_error_last()->code != want_rc || strcmp(eni_error_last()->ec2_code, want_code) != 0)
        fail_msg("%s: recorded %d '%s', want %d '%s'", name, eni_error_last()->code,
                 eni_error_last()->ec2_code, want_rc, want_code);
}

/* Every call that takes an interface id, with otherwise valid arguments. */
enum {
    FN_DELETE, FN_DESCRIBE, FN_GET_ADDRESSES, FN_GET_GROUPS, FN_SET_DESCRIPTION,
    FN_SET_SDC, FN_SET_GROUPS, FN_SET_CONNTRACK, FN_ASSIGN4, FN_UNASSIGN4, FN_ASSIGN6,
    FN_UNASSIGN6, FN_COUNT
};
static const char *const fn_names[FN_COUNT] = {
    "eni_nic_delete", "eni_nic_describe", "eni_nic_get_addresses", "eni_nic_get_groups",
    "eni_nic_set_description", "eni_nic_set_source_dest_check", "eni_nic_set_groups",
    "eni_nic_set_conntrack_timeouts", "eni_nic_assign_private_ips",
    "eni_nic_unassign_private_ips", "eni_nic_assign_ipv6", "eni_nic_unassign_ipv6"};

static int call_with_nic(fx *f, int which, eni_nic_id id)
{
    eni_nic_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    eni_nic_address addrs[4];
    eni_sg_id groups[4];
    uint32_t count = 0;
    eni_conntrack_timeouts ct = {120, 0, 0};
    const char *v4[] = {"10.0.1.200"};
    const char *v6[] = {"2001:db8:0:1::200"};
    switch (which) {
    case FN_DELETE: return eni_nic_delete(f->ctx, id);
    case FN_DESCRIBE: return eni_nic_describe(f->ctx, id, &info);
    case FN_GET_ADDRESSES: return eni_nic_get_addresses(f->ctx, id, addrs, 4, &count);
    case FN_GET_GROUPS: return eni_nic_get_groups(f->ctx, id, groups, 4, &count);
    case FN_SET_DESCRIPTION: return eni_nic_set_description(f->ctx, id, "x");
    case FN_SET_SDC: return eni_nic_set_source_dest_check(f->ctx, id, 0);
    case FN_SET_GROUPS: return eni_nic_set_groups(f->ctx, id, &f->dflt, 1);
    case FN_SET_CONNTRACK: return eni_nic_set_conntrack_timeouts(f->ctx, id, &ct);
    case FN_ASSIGN4: return eni_nic_assign_private_ips(f->ctx, id, v4, 1, 0, 0);
    case FN_UNASSIGN4: return eni_nic_unassign_private_ips(f->ctx, id, v4, 1);
    case FN_ASSIGN6: return eni_nic_assign_ipv6(f->ctx, id, v6, 1, 0);
    case FN_UNASSIGN6: return eni_nic_unassign_ipv6(f->ctx, id, v6, 1);
    default: fail_msg("no function %d", which); return 0;
    }
}

static void all_fns_refuse(fx *f, eni_nic_id id, int want_rc, const char *want_code)
{
    for (int i = 0; i < FN_COUNT; i++) {
        snap(f->ctx, &f->before);
        eni_error_clear();
        check_fail(fn_names[i], call_with_nic(f, i, id), want_rc, want_code);
        snap(f->ctx, &f->after);
        assert_string_equal(f->before, f->after);
        assert_eni_ok(eni_ctx_check(f->ctx));
    }
}

/* ---- 1.1 creation and the primary address ------------------------------------ */

static void test_s1_1_create_auto_primary(void **state)
{
    fx *f = *state;
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    eni_nic_info i = nic_info(f->ctx, id);
    assert_int_equal(i.id.v, id.v);
    assert_int_equal(i.type, ENI_NIC_INTERFACE);
    assert_int_equal(i.subnet.v, f->sn.v);
    assert_int_equal(i.vpc.v, f->vpc.v);
    assert_int_equal(i.status, ENI_NIC_AVAILABLE);
    assert_usable_in_sn(i.private_ip);
    assert_string_equal(i.public_ip, "");
    assert_string_equal(i.description, "");
    assert_int_equal(i.ipv4_count, 1);
    assert_int_equal(i.ipv6_count, 0);
    assert_int_equal(i.group_count, 1);
    assert_int_equal(i.instance.v, 0);
    assert_int_equal(i.attachment.v, 0);
    assert_int_equal(i.reserved0, 0);
    assert_int_equal(i.reserved1, 0);
    assert_int_equal(i.reserved2, 0);
    eni_subnet_info s = subnet_info(f, f->sn);
    assert_int_equal(s.available_ip_count, free_before - 1);
    assert_int_equal(s.nic_count, 1);
    eni_nic_address a[2];
    assert_int_equal(nic_addrs(f, id, a, 2), 1);
    assert_string_equal(a[0].address, i.private_ip);
    assert_int_equal(a[0].family, 4);
    assert_int_equal(a[0].primary, 1);
    assert_int_equal(a[0].eip.v, 0);
    /* A second automatic primary is a different address. */
    eni_nic_info j = nic_info(f->ctx, nic_in(f, f->sn, NULL));
    assert_usable_in_sn(j.private_ip);
    assert_string_not_equal(j.private_ip, i.private_ip);
}

static void test_s1_1_create_explicit_primary(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, "10.0.1.77");
    eni_nic_info i = nic_info(f->ctx, id);
    assert_string_equal(i.private_ip, "10.0.1.77");
    assert_int_equal(i.ipv4_count, 1);
    /* The highest usable address (.254) is allowed too. */
    assert_string_equal(nic_info(f->ctx, nic_in(f, f->sn, "10.0.1.254")).private_ip,
                        "10.0.1.254");
    assert_string_equal(nic_info(f->ctx, nic_in(f, f->sn, "10.0.1.4")).private_ip, "10.0.1.4");
}

static void test_s1_1_primary_outside_subnet_refused(void **state)
{
    fx *f = *state;
    const char *bad[] = {"10.0.2.5", "10.0.0.9", "192.168.1.5", "10.1.1.5"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        eni_nic_spec sp = ENI_NIC_SPEC_INIT;
        sp.subnet = f->sn;
        sp.private_ip = bad[k];
        eni_nic_id id = {0};
        REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
        assert_int_equal(id.v, 0);
    }
}

static void test_s1_1_primary_reserved_refused(void **state)
{
    fx *f = *state;
    /* Network, router, DNS, future use, and the last address. */
    const char *bad[] = {"10.0.1.0", "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.255"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        eni_nic_spec sp = ENI_NIC_SPEC_INIT;
        sp.subnet = f->sn;
        sp.private_ip = bad[k];
        eni_nic_id id = {0};
        REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
        /* The same addresses as secondaries are refused as well. */
        sp.private_ip = NULL;
        sp.secondary_ips = &bad[k];
        sp.secondary_ip_list_len = 1;
        REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    }
}

static void test_s1_1_primary_in_use_refused(void **state)
{
    fx *f = *state;
    eni_nic_id first = nic_in(f, f->sn, "10.0.1.10");
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.10";
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINUSE, "InvalidIPAddress.InUse");
    /* As an explicit secondary too. */
    const char *sec[] = {"10.0.1.10"};
    sp.private_ip = NULL;
    sp.secondary_ips = sec;
    sp.secondary_ip_list_len = 1;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINUSE, "InvalidIPAddress.InUse");
    assert_int_equal(id.v, 0);
    assert_int_equal(nic_info(f->ctx, first).ipv4_count, 1);
}

static void test_s1_1_primary_malformed_refused(void **state)
{
    fx *f = *state;
    const char *bad[] = {"10.0.1", "10.0.1.300", "10.0.1.07", "not-an-ip", "",
                         "10.0.1.5/32", "2001:db8:0:1::10", " 10.0.1.5"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        eni_nic_spec sp = ENI_NIC_SPEC_INIT;
        sp.subnet = f->sn;
        sp.private_ip = bad[k];
        eni_nic_id id = {0};
        REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    }
}

static void test_s1_1_secondary_list(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.21", "10.0.1.20"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.30";
    sp.secondary_ips = sec;
    sp.secondary_ip_list_len = 2;
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    eni_nic_id id = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 3);
    eni_nic_address a[4];
    assert_int_equal(nic_addrs(f, id, a, 4), 3);
    assert_string_equal(a[0].address, "10.0.1.30");
    assert_int_equal(a[0].primary, 1);
    assert_string_equal(a[1].address, "10.0.1.21");
    assert_int_equal(a[1].primary, 0);
    assert_string_equal(a[2].address, "10.0.1.20");
    assert_int_equal(a[2].primary, 0);
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before - 3);
}

static void test_s1_1_secondary_count(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.4"; /* the lowest usable: the picks must avoid it */
    sp.secondary_ip_count = 3;
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    eni_nic_id id = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 4);
    eni_nic_address a[5];
    assert_int_equal(nic_addrs(f, id, a, 5), 4);
    assert_string_equal(a[0].address, "10.0.1.4");
    for (int k = 1; k < 4; k++) {
        assert_usable_in_sn(a[k].address);
        assert_int_equal(a[k].primary, 0);
        for (int j = 0; j < k; j++)
            assert_string_not_equal(a[k].address, a[j].address);
    }
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before - 4);
}

static void test_s1_1_secondary_list_and_count_refused(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.20"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.secondary_ips = sec;
    sp.secondary_ip_list_len = 1;
    sp.secondary_ip_count = 1;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterCombination");
    /* A length without a list is an argument error. */
    sp.secondary_ips = NULL;
    sp.secondary_ip_count = 0;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s1_1_secondary_duplicates_refused(void **state)
{
    fx *f = *state;
    const char *dup[] = {"10.0.1.20", "10.0.1.20"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.secondary_ips = dup;
    sp.secondary_ip_list_len = 2;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    /* The primary listed again as a secondary. */
    sp.private_ip = "10.0.1.20";
    sp.secondary_ip_list_len = 1;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s1_6_subnet_full_refused(void **state)
{
    fx *f = *state;
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = f->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.3.0/28"; /* 16 - 5 reserved = 11 usable */
    eni_subnet_id small;
    MUTATE(f, eni_subnet_create(f->ctx, &ss, &small));
    assert_int_equal(subnet_info(f, small).available_ip_count, 11);
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = small;
    sp.secondary_ip_count = 11; /* 12 addresses wanted */
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ELIMIT,
            "InsufficientFreeAddressesInSubnet");
    sp.secondary_ip_count = 10; /* exactly fills it */
    id = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 11);
    assert_int_equal(subnet_info(f, small).available_ip_count, 0);
    sp.secondary_ip_count = 0;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ELIMIT,
            "InsufficientFreeAddressesInSubnet");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 1, 0), ENI_ELIMIT,
            "InsufficientFreeAddressesInSubnet");
}

/* ---- 1.1 IPv6 at creation ------------------------------------------------------ */

static void test_s1_1_ipv6_list_at_create(void **state)
{
    fx *f = *state;
    const char *v6[] = {"2001:db8:0:1::100", "2001:db8:0:1::abcd"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.ipv6_addresses = v6;
    sp.ipv6_list_len = 2;
    eni_nic_id id = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, id).ipv6_count, 2);
    eni_nic_address a[4];
    assert_int_equal(nic_addrs(f, id, a, 4), 3);
    assert_int_equal(a[1].family, 6);
    assert_int_equal(a[1].primary, 0);
    assert_int_equal(a[1].eip.v, 0);
    assert_string_equal(a[1].public_ip, "");
    assert_same_ip(a[1].address, v6[0]);
    assert_int_equal(a[2].family, 6);
    assert_same_ip(a[2].address, v6[1]);
    /* Outside the subnet's /64, reserved, malformed: refused. */
    const char *bad[] = {"2001:db8:0:2::5", "2001:db8:0:1::", "2001:db8:0:1::3",
                         "2001:db8:0:1:ffff:ffff:ffff:ffff", "2001:db8::1::2", "10.0.1.9"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        eni_nic_spec b = ENI_NIC_SPEC_INIT;
        b.subnet = f->sn;
        b.ipv6_addresses = &bad[k];
        b.ipv6_list_len = 1;
        REFUSED(f, eni_nic_create(f->ctx, &b, &id), ENI_EINVAL, "InvalidParameterValue");
    }
    /* In use by the first interface. */
    eni_nic_spec again = ENI_NIC_SPEC_INIT;
    again.subnet = f->sn;
    again.ipv6_addresses = &v6[1];
    again.ipv6_list_len = 1;
    REFUSED(f, eni_nic_create(f->ctx, &again, &id), ENI_EINUSE, "InvalidIPAddress.InUse");
}

static void test_s1_1_ipv6_count_at_create(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.ipv6_count = 2;
    eni_nic_id id = nic_new(f, &sp);
    eni_nic_info i = nic_info(f->ctx, id);
    assert_int_equal(i.ipv6_count, 2);
    assert_int_equal(i.ipv4_count, 1);
    eni_nic_address a[3];
    assert_int_equal(nic_addrs(f, id, a, 3), 3);
    assert_int_equal(a[1].family, 6);
    assert_int_equal(a[2].family, 6);
    assert_string_not_equal(a[1].address, a[2].address);
    /* A second interface's picks differ from the first one's. */
    eni_nic_id other = nic_new(f, &sp);
    eni_nic_address b[3];
    assert_int_equal(nic_addrs(f, other, b, 3), 3);
    for (int x = 1; x < 3; x++)
        for (int y = 1; y < 3; y++)
            assert_string_not_equal(a[x].address, b[y].address);
}

static void test_s1_1_ipv6_list_and_count_refused(void **state)
{
    fx *f = *state;
    const char *v6[] = {"2001:db8:0:1::100"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.ipv6_addresses = v6;
    sp.ipv6_list_len = 1;
    sp.ipv6_count = 1;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterCombination");
}

static void test_s1_1_ipv6_in_subnet_without_ipv6_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn4;
    sp.ipv6_count = 1;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    const char *v6[] = {"2001:db8:0:2::10"};
    sp.ipv6_count = 0;
    sp.ipv6_addresses = v6;
    sp.ipv6_list_len = 1;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    /* And assigning later. */
    eni_nic_id n = nic_in(f, f->sn4, NULL);
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, n, NULL, 0, 1), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, n, v6, 1, 0), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s1_1_assign_ipv6_on_creation(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, ENI_SUBNET_ASSIGN_IPV6_ON_CREATION));
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    eni_nic_id auto6 = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, auto6).ipv6_count, 1);
    eni_nic_address a[2];
    assert_int_equal(nic_addrs(f, auto6, a, 2), 2);
    assert_int_equal(a[1].family, 6);
    /* Ipv6AddressCount=0 overrides the subnet. */
    sp.flags = ENI_NIC_SPEC_NO_IPV6;
    eni_nic_id none = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, none).ipv6_count, 0);
    /* An explicit count replaces the one address. */
    sp.flags = 0;
    sp.ipv6_count = 3;
    assert_int_equal(nic_info(f->ctx, nic_new(f, &sp)).ipv6_count, 3);
    /* NO_IPV6 together with IPv6 addresses is contradictory. */
    sp.flags = ENI_NIC_SPEC_NO_IPV6;
    sp.ipv6_count = 1;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterCombination");
    /* Without the subnet flag, no IPv6 by default. */
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, 0));
    sp.flags = 0;
    sp.ipv6_count = 0;
    assert_int_equal(nic_info(f->ctx, nic_new(f, &sp)).ipv6_count, 0);
}

/* An explicit IPv6 near the top of the /64 must not stop automatic picks (they wrap). */
static void test_s1_1_ipv6_count_after_high_explicit_address(void **state)
{
    fx *f = *state;
    const char *high[] = {"2001:db8:0:1:ffff:ffff:ffff:fffe"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.ipv6_addresses = high;
    sp.ipv6_list_len = 1;
    eni_nic_id n = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, n).ipv6_count, 1);
    /* The /64 holds one IPv6 address: picking one more must work. */
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, n, NULL, 0, 1));
    assert_int_equal(nic_info(f->ctx, n).ipv6_count, 2);
    eni_nic_spec more = ENI_NIC_SPEC_INIT;
    more.subnet = f->sn;
    more.ipv6_count = 1;
    assert_int_equal(nic_info(f->ctx, nic_new(f, &more)).ipv6_count, 1);
}

/* ---- 1.1 security groups ---------------------------------------------------------- */

static void test_s1_1_groups_default_when_none(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    eni_sg_id g[4];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, g, 4, &n));
    assert_int_equal(n, 1);
    assert_int_equal(g[0].v, f->dflt.v);
    assert_int_equal(nic_info(f->ctx, id).group_count, 1);
    eni_sg_info d = sg_info(f, f->dflt);
    assert_int_equal(d.is_default, 1);
    assert_int_equal(d.nic_count, 1);
}

static void test_s1_1_groups_explicit(void **state)
{
    fx *f = *state;
    eni_sg_id g1 = sg_new(f, f->vpc, "g1"), g2 = sg_new(f, f->vpc, "g2");
    eni_sg_id want[2] = {g2, g1};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.groups = want;
    sp.group_count = 2;
    eni_nic_id id = nic_new(f, &sp);
    eni_sg_id g[4];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, g, 4, &n));
    assert_int_equal(n, 2);
    assert_int_equal(g[0].v, g2.v); /* in the order given */
    assert_int_equal(g[1].v, g1.v);
    assert_int_equal(nic_info(f->ctx, id).group_count, 2);
    assert_int_equal(sg_info(f, g1).nic_count, 1);
    assert_int_equal(sg_info(f, g2).nic_count, 1);
    assert_int_equal(sg_info(f, f->dflt).nic_count, 0);
    /* A group in use cannot be deleted. */
    REFUSED(f, eni_sg_delete(f->ctx, g1), ENI_EDEPEND, "DependencyViolation");
}

static void test_s1_1_group_of_other_vpc_refused(void **state)
{
    fx *f = *state;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.9.0.0/16";
    eni_vpc_id vpc2;
    MUTATE(f, eni_vpc_create(f->ctx, &vs, &vpc2));
    eni_sg_id foreign = sg_new(f, vpc2, "elsewhere");
    eni_sg_id both[2] = {f->dflt, foreign};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.groups = both;
    sp.group_count = 2;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameter");
    sp.groups = &foreign;
    sp.group_count = 1;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameter");
    eni_nic_id n = nic_in(f, f->sn, NULL);
    REFUSED(f, eni_nic_set_groups(f->ctx, n, &foreign, 1), ENI_EINVAL, "InvalidParameter");
}

static void test_s1_1_duplicate_groups_refused(void **state)
{
    fx *f = *state;
    eni_sg_id g1 = sg_new(f, f->vpc, "g1");
    eni_sg_id dup[3] = {g1, f->dflt, g1};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.groups = dup;
    sp.group_count = 3;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    eni_nic_id n = nic_in(f, f->sn, NULL);
    REFUSED(f, eni_nic_set_groups(f->ctx, n, dup, 3), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s1_1_group_id_errors(void **state)
{
    fx *f = *state;
    eni_sg_id gone = sg_new(f, f->vpc, "gone");
    MUTATE(f, eni_sg_delete(f->ctx, gone));
    eni_sg_id wrong = {f->sn.v};
    eni_sg_id null_id = {0};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.group_count = 1;
    eni_nic_id id = {0};
    sp.groups = &gone;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ESTALE, "InvalidGroup.NotFound");
    sp.groups = &wrong;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidGroupId.Malformed");
    sp.groups = &null_id;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidGroupId.Malformed");
    eni_nic_id n = nic_in(f, f->sn, NULL);
    REFUSED(f, eni_nic_set_groups(f->ctx, n, &gone, 1), ENI_ESTALE, "InvalidGroup.NotFound");
    REFUSED(f, eni_nic_set_groups(f->ctx, n, &wrong, 1), ENI_EINVAL, "InvalidGroupId.Malformed");
    REFUSED(f, eni_nic_set_groups(f->ctx, n, &null_id, 1), ENI_EINVAL,
            "InvalidGroupId.Malformed");
}

static void test_s4_6_groups_per_interface_quota(void **state)
{
    fx *f = *state;
    eni_sg_id g[8];
    g[0] = f->dflt;
    const char *names[] = {"", "g1", "g2", "g3", "g4", "g5", "g6", "g7"};
    for (int k = 1; k < 8; k++)
        g[k] = sg_new(f, f->vpc, names[k]);
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.groups = g;
    sp.group_count = 5; /* the default quota */
    eni_nic_id five = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, five).group_count, 5);
    sp.group_count = 6;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ELIMIT,
            "SecurityGroupsPerInterfaceLimitExceeded");
    REFUSED(f, eni_nic_set_groups(f->ctx, five, g, 6), ENI_ELIMIT,
            "SecurityGroupsPerInterfaceLimitExceeded");
    /* Raising the quota allows more. */
    eni_quotas q = quotas_with(0, 7);
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    eni_nic_id six = nic_new(f, &sp);
    assert_int_equal(nic_info(f->ctx, six).group_count, 6);
    MUTATE(f, eni_nic_set_groups(f->ctx, five, g, 7));
    assert_int_equal(nic_info(f->ctx, five).group_count, 7);
    REFUSED(f, eni_nic_set_groups(f->ctx, five, g, 8), ENI_ELIMIT,
            "SecurityGroupsPerInterfaceLimitExceeded");
    assert_int_equal(nic_info(f->ctx, five).group_count, 7);
}

static void test_s1_1_set_groups_replaces_whole_set(void **state)
{
    fx *f = *state;
    eni_sg_id g1 = sg_new(f, f->vpc, "g1"), g2 = sg_new(f, f->vpc, "g2");
    eni_nic_id id = nic_in(f, f->sn, NULL);
    assert_int_equal(sg_info(f, f->dflt).nic_count, 1);
    eni_sg_id set[2] = {g1, g2};
    MUTATE(f, eni_nic_set_groups(f->ctx, id, set, 2));
    eni_sg_id g[4];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, g, 4, &n));
    assert_int_equal(n, 2);
    assert_int_equal(g[0].v, g1.v);
    assert_int_equal(g[1].v, g2.v);
    assert_int_equal(sg_info(f, f->dflt).nic_count, 0);
    assert_int_equal(sg_info(f, g1).nic_count, 1);
    assert_int_equal(sg_info(f, g2).nic_count, 1);
    /* Replace again with a set that keeps one of the old groups. */
    eni_sg_id set2[2] = {g2, f->dflt};
    MUTATE(f, eni_nic_set_groups(f->ctx, id, set2, 2));
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, g, 4, &n));
    assert_int_equal(n, 2);
    assert_int_equal(g[0].v, g2.v);
    assert_int_equal(g[1].v, f->dflt.v);
    assert_int_equal(sg_info(f, g1).nic_count, 0);
    assert_int_equal(sg_info(f, g2).nic_count, 1);
    assert_int_equal(sg_info(f, f->dflt).nic_count, 1);
    /* The old group is free to go now. */
    MUTATE(f, eni_sg_delete(f->ctx, g1));
    /* At least one group. */
    REFUSED(f, eni_nic_set_groups(f->ctx, id, set2, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_set_groups(f->ctx, id, NULL, 0), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(nic_info(f->ctx, id).group_count, 2);
}

/* ---- 1.1 description, source/dest check, MAC --------------------------------------- */

static void test_s1_1_description(void **state)
{
    fx *f = *state;
    char d255[256], d256[257];
    memset(d255, 'a', 255);
    d255[255] = '\0';
    memset(d256, 'b', 256);
    d256[256] = '\0';
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.description = d255;
    eni_nic_id id = nic_new(f, &sp);
    assert_string_equal(nic_info(f->ctx, id).description, d255);
    sp.description = d256;
    eni_nic_id none = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &none), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_set_description(f->ctx, id, d256), ENI_EINVAL, "InvalidParameterValue");
    assert_string_equal(nic_info(f->ctx, id).description, d255);
    MUTATE(f, eni_nic_set_description(f->ctx, id, "web tier"));
    assert_string_equal(nic_info(f->ctx, id).description, "web tier");
    MUTATE(f, eni_nic_set_description(f->ctx, id, ""));
    assert_string_equal(nic_info(f->ctx, id).description, "");
    MUTATE(f, eni_nic_set_description(f->ctx, id, "again"));
    MUTATE(f, eni_nic_set_description(f->ctx, id, NULL));
    assert_string_equal(nic_info(f->ctx, id).description, "");
}

static void test_s1_1_source_dest_check(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    assert_int_equal(nic_info(f->ctx, id).source_dest_check, 1);
    MUTATE(f, eni_nic_set_source_dest_check(f->ctx, id, 0));
    assert_int_equal(nic_info(f->ctx, id).source_dest_check, 0);
    REFUSED(f, eni_nic_set_source_dest_check(f->ctx, id, 2), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(nic_info(f->ctx, id).source_dest_check, 0);
    MUTATE(f, eni_nic_set_source_dest_check(f->ctx, id, 1));
    assert_int_equal(nic_info(f->ctx, id).source_dest_check, 1);
    REFUSED(f, eni_nic_set_source_dest_check(f->ctx, id, UINT32_MAX), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(nic_info(f->ctx, id).source_dest_check, 1);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void assert_mac_string_matches(const eni_nic_info *i)
{
    char want[18];
    snprintf(want, sizeof want, "%02x:%02x:%02x:%02x:%02x:%02x", i->mac[0], i->mac[1],
             i->mac[2], i->mac[3], i->mac[4], i->mac[5]);
    assert_string_equal(i->mac_string, want);
}

static void test_s1_1_mac_locally_administered_unique(void **state)
{
    fx *f = *state;
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = f->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.16.0/20";
    eni_subnet_id big;
    MUTATE(f, eni_subnet_create(f->ctx, &ss, &big));
    enum { N = 1000 };
    uint64_t *macs = test_malloc(N * sizeof *macs);
    for (int k = 0; k < N; k++) {
        eni_nic_spec sp = ENI_NIC_SPEC_INIT;
        sp.subnet = big;
        eni_nic_id id;
        MUTATE(f, eni_nic_create(f->ctx, &sp, &id));
        eni_nic_info i = nic_info(f->ctx, id);
        assert_int_equal(i.mac[0], 0x02); /* locally administered, unicast */
        assert_mac_string_matches(&i);
        uint64_t v = 0;
        for (int b = 0; b < 6; b++)
            v = (v << 8) | i.mac[b];
        macs[k] = v;
    }
    qsort(macs, N, sizeof *macs, cmp_u64);
    for (int k = 1; k < N; k++)
        if (macs[k] == macs[k - 1])
            fail_msg("MAC %012llx given twice", (unsigned long long)macs[k]);
    test_free(macs);
}

static void test_s1_1_mac_deterministic_for_seed(void **state)
{
    fx *f = *state;
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.seed = 5;
    eni_nic_info got[2][4];
    for (int c = 0; c < 2; c++) {
        assert_eni_ok(eni_ctx_new(&opts, &f->aux[c]));
        eni_vpc_id vpc;
        eni_sg_id dflt;
        eni_subnet_id sn, sn4;
        assert_int_equal(make_network(f->aux[c], &vpc, &dflt, &sn, &sn4), 0);
        for (int k = 0; k < 4; k++) {
            eni_nic_spec sp = ENI_NIC_SPEC_INIT;
            sp.subnet = k % 2 ? sn4 : sn;
            eni_nic_id id;
            assert_eni_ok(eni_nic_create(f->aux[c], &sp, &id));
            assert_eni_ok(eni_ctx_check(f->aux[c]));
            got[c][k] = nic_info(f->aux[c], id);
            assert_int_equal(got[c][k].mac[0], 0x02);
            assert_mac_string_matches(&got[c][k]);
        }
    }
    for (int k = 0; k < 4; k++) {
        assert_memory_equal(got[0][k].mac, got[1][k].mac, 6);
        assert_string_equal(got[0][k].mac_string, got[1][k].mac_string);
        for (int j = 0; j < k; j++)
            assert_memory_not_equal(got[0][k].mac, got[0][j].mac, 6);
    }
}

static void test_s1_1_mac_fixed_for_life(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    eni_nic_info before = nic_info(f->ctx, id);
    MUTATE(f, eni_nic_set_description(f->ctx, id, "d"));
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 2, 0));
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, id, NULL, 0, 1));
    MUTATE(f, eni_nic_set_source_dest_check(f->ctx, id, 0));
    eni_nic_info after = nic_info(f->ctx, id);
    assert_memory_equal(before.mac, after.mac, 6);
    assert_string_equal(before.mac_string, after.mac_string);
    assert_string_equal(before.private_ip, after.private_ip); /* the primary never changes */
}

/* ---- 5.4 connection-tracking timeouts ---------------------------------------------- */

static void test_s5_4_conntrack_defaults(void **state)
{
    fx *f = *state;
    eni_nic_info i = nic_info(f->ctx, nic_in(f, f->sn, NULL));
    assert_int_equal(i.conntrack.tcp_established, 432000);
    assert_int_equal(i.conntrack.udp_stream, 180);
    assert_int_equal(i.conntrack.udp, 30);
}

static void test_s5_4_conntrack_explicit_in_range(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.conntrack.tcp_established = 60;
    sp.conntrack.udp_stream = 60;
    sp.conntrack.udp = 60;
    eni_nic_info lo = nic_info(f->ctx, nic_new(f, &sp));
    assert_int_equal(lo.conntrack.tcp_established, 60);
    assert_int_equal(lo.conntrack.udp_stream, 60);
    assert_int_equal(lo.conntrack.udp, 60);
    sp.conntrack.tcp_established = 432000;
    sp.conntrack.udp_stream = 180;
    sp.conntrack.udp = 30;
    eni_nic_info hi = nic_info(f->ctx, nic_new(f, &sp));
    assert_int_equal(hi.conntrack.tcp_established, 432000);
    assert_int_equal(hi.conntrack.udp_stream, 180);
    assert_int_equal(hi.conntrack.udp, 30);
    /* One field given, the others default. */
    memset(&sp.conntrack, 0, sizeof sp.conntrack);
    sp.conntrack.udp_stream = 100;
    eni_nic_info one = nic_info(f->ctx, nic_new(f, &sp));
    assert_int_equal(one.conntrack.tcp_established, 432000);
    assert_int_equal(one.conntrack.udp_stream, 100);
    assert_int_equal(one.conntrack.udp, 30);
}

static void conntrack_refused(fx *f, uint32_t tcp, uint32_t udp_stream, uint32_t udp)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.conntrack.tcp_established = tcp;
    sp.conntrack.udp_stream = udp_stream;
    sp.conntrack.udp = udp;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    eni_nic_id n = nic_in(f, f->sn, NULL);
    REFUSED(f, eni_nic_set_conntrack_timeouts(f->ctx, n, &sp.conntrack), ENI_EINVAL,
            "InvalidParameterValue");
    eni_nic_info i = nic_info(f->ctx, n);
    assert_int_equal(i.conntrack.tcp_established, 432000);
    assert_int_equal(i.conntrack.udp_stream, 180);
    assert_int_equal(i.conntrack.udp, 30);
}

static void test_s5_4_conntrack_tcp_out_of_range(void **state)
{
    fx *f = *state;
    conntrack_refused(f, 59, 0, 0);
    conntrack_refused(f, 432001, 0, 0);
}

static void test_s5_4_conntrack_udp_out_of_range(void **state)
{
    fx *f = *state;
    conntrack_refused(f, 0, 0, 29);
    conntrack_refused(f, 0, 0, 61);
}

static void test_s5_4_conntrack_udp_stream_out_of_range(void **state)
{
    fx *f = *state;
    conntrack_refused(f, 0, 59, 0);
    conntrack_refused(f, 0, 181, 0);
    /* One bad field spoils the whole set. */
    conntrack_refused(f, 3600, 181, 45);
}

static void test_s5_4_set_conntrack_zero_keeps(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    eni_conntrack_timeouts t = {3600, 120, 45};
    MUTATE(f, eni_nic_set_conntrack_timeouts(f->ctx, id, &t));
    eni_nic_info i = nic_info(f->ctx, id);
    assert_int_equal(i.conntrack.tcp_established, 3600);
    assert_int_equal(i.conntrack.udp_stream, 120);
    assert_int_equal(i.conntrack.udp, 45);
    eni_conntrack_timeouts only_udp = {0, 0, 50};
    MUTATE(f, eni_nic_set_conntrack_timeouts(f->ctx, id, &only_udp));
    i = nic_info(f->ctx, id);
    assert_int_equal(i.conntrack.tcp_established, 3600);
    assert_int_equal(i.conntrack.udp_stream, 120);
    assert_int_equal(i.conntrack.udp, 50);
    eni_conntrack_timeouts only_tcp = {7200, 0, 0};
    MUTATE(f, eni_nic_set_conntrack_timeouts(f->ctx, id, &only_tcp));
    i = nic_info(f->ctx, id);
    assert_int_equal(i.conntrack.tcp_established, 7200);
    assert_int_equal(i.conntrack.udp_stream, 120);
    assert_int_equal(i.conntrack.udp, 50);
    eni_conntrack_timeouts zeros = {0, 0, 0};
    MUTATE(f, eni_nic_set_conntrack_timeouts(f->ctx, id, &zeros));
    i = nic_info(f->ctx, id);
    assert_int_equal(i.conntrack.tcp_established, 7200);
    assert_int_equal(i.conntrack.udp_stream, 120);
    assert_int_equal(i.conntrack.udp, 50);
}

/* ---- 1.2 interface types ------------------------------------------------------------ */

static void test_s1_2_efa_only_with_addresses_refused(void **state)
{
    fx *f = *state;
    const char *v4[] = {"10.0.1.50"};
    const char *v6[] = {"2001:db8:0:1::50"};
    eni_nic_id id = {0};
    for (int k = 0; k < 5; k++) {
        eni_nic_spec sp = ENI_NIC_SPEC_INIT;
        sp.subnet = f->sn;
        sp.type = ENI_NIC_EFA_ONLY;
        switch (k) {
        case 0: sp.private_ip = "10.0.1.50"; break;
        case 1: sp.secondary_ips = v4; sp.secondary_ip_list_len = 1; break;
        case 2: sp.secondary_ip_count = 1; break;
        case 3: sp.ipv6_addresses = v6; sp.ipv6_list_len = 1; break;
        default: sp.ipv6_count = 1; break;
        }
        REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterCombination");
    }
    assert_int_equal(id.v, 0);
}

static void test_s1_2_efa_only_has_no_addresses(void **state)
{
    fx *f = *state;
    MUTATE(f, eni_subnet_set_flags(f->ctx, f->sn, ENI_SUBNET_ASSIGN_IPV6_ON_CREATION));
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.type = ENI_NIC_EFA_ONLY;
    eni_nic_id id = nic_new(f, &sp);
    eni_nic_info i = nic_info(f->ctx, id);
    assert_int_equal(i.type, ENI_NIC_EFA_ONLY);
    assert_int_equal(i.ipv4_count, 0);
    assert_int_equal(i.ipv6_count, 0); /* even where the subnet assigns IPv6 */
    assert_string_equal(i.private_ip, "");
    assert_string_equal(i.public_ip, "");
    assert_int_equal(i.group_count, 1);
    assert_int_equal(i.mac[0], 0x02);
    assert_int_equal(nic_addrs(f, id, NULL, 0), 0);
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before);
    /* Addresses cannot be added later either. */
    const char *v4[] = {"10.0.1.50"};
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 1, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, v4, 1, 0, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, NULL, 0, 1), ENI_EINVAL, "InvalidParameterValue");
    MUTATE(f, eni_nic_delete(f->ctx, id));
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before);
}

static void test_s1_2_efa_and_trunk_types(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.type = ENI_NIC_EFA;
    sp.secondary_ip_count = 1;
    sp.ipv6_count = 1;
    eni_nic_info efa = nic_info(f->ctx, nic_new(f, &sp));
    assert_int_equal(efa.type, ENI_NIC_EFA);
    assert_int_equal(efa.ipv4_count, 2); /* efa = ENA + OS bypass: it has addresses */
    assert_int_equal(efa.ipv6_count, 1);
    assert_usable_in_sn(efa.private_ip);
    /* A trunk without branch interfaces would be a stub: refused until they exist. */
    sp.type = ENI_NIC_TRUNK;
    eni_nic_id trunk = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &trunk), ENI_ENOTSUP, "UnsupportedOperation");
    sp.type = ENI_NIC_INTERFACE;
    assert_int_equal(nic_info(f->ctx, nic_new(f, &sp)).type, ENI_NIC_INTERFACE);
    /* Anything else is not a type. */
    sp.type = ENI_NIC_TRUNK + 1;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    sp.type = UINT32_MAX;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
}

/* ---- 1.6 quota, deletion, ids ---------------------------------------------------- */

static void test_s1_6_interface_quota(void **state)
{
    fx *f = *state;
    eni_quotas q = quotas_with(3, 0);
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    eni_nic_id a = nic_in(f, f->sn, NULL);
    (void)nic_in(f, f->sn4, NULL);
    (void)nic_in(f, f->sn, NULL);
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    eni_nic_id id = {0};
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ELIMIT, "NetworkInterfaceLimitExceeded");
    assert_int_equal(id.v, 0);
    MUTATE(f, eni_nic_delete(f->ctx, a));
    (void)nic_new(f, &sp);
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ELIMIT, "NetworkInterfaceLimitExceeded");
    q = quotas_with(4, 0);
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    (void)nic_new(f, &sp);
    uint32_t n = 0;
    assert_eni_ok(eni_nic_list(f->ctx, NULL, NULL, 0, &n));
    assert_int_equal(n, 4);
}

static void test_s1_6_delete_frees_addresses(void **state)
{
    fx *f = *state;
    eni_sg_id g1 = sg_new(f, f->vpc, "g1");
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    const char *v6[] = {"2001:db8:0:1::77"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.50";
    sp.secondary_ip_count = 2;
    sp.ipv6_addresses = v6;
    sp.ipv6_list_len = 1;
    sp.groups = &g1;
    sp.group_count = 1;
    eni_nic_id id = nic_new(f, &sp);
    eni_subnet_info s = subnet_info(f, f->sn);
    assert_int_equal(s.available_ip_count, free_before - 3);
    assert_int_equal(s.nic_count, 1);
    assert_int_equal(sg_info(f, g1).nic_count, 1);
    MUTATE(f, eni_nic_delete(f->ctx, id));
    s = subnet_info(f, f->sn);
    assert_int_equal(s.available_ip_count, free_before);
    assert_int_equal(s.nic_count, 0);
    assert_int_equal(sg_info(f, g1).nic_count, 0);
    /* The deleted interface is gone for good. */
    eni_nic_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_fail(eni_nic_describe(f->ctx, id, &i), ENI_ESTALE,
                    "InvalidNetworkInterfaceID.NotFound");
    REFUSED(f, eni_nic_delete(f->ctx, id), ENI_ESTALE, "InvalidNetworkInterfaceID.NotFound");
    /* Its addresses can be given explicitly again. */
    eni_nic_id again = nic_new(f, &sp);
    eni_nic_info j = nic_info(f->ctx, again);
    assert_string_equal(j.private_ip, "10.0.1.50");
    assert_int_equal(j.ipv6_count, 1);
    assert_int_not_equal(again.v, id.v);
    /* The subnet and group can go once nothing uses them. */
    REFUSED(f, eni_subnet_delete(f->ctx, f->sn), ENI_EDEPEND, "DependencyViolation");
    MUTATE(f, eni_nic_delete(f->ctx, again));
    MUTATE(f, eni_sg_delete(f->ctx, g1));
    MUTATE(f, eni_subnet_delete(f->ctx, f->sn));
}

static void test_s1_6_null_arguments(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    eni_nic_id out = {0};
    eni_nic_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    eni_nic_address addrs[2];
    eni_sg_id groups[2];
    eni_nic_id ids[2];
    uint32_t count = 0;
    eni_conntrack_timeouts ct = {120, 0, 0};
    const char *v4[] = {"10.0.1.9"};
    const char *v6[] = {"2001:db8:0:1::9"};
    const char *code = "InvalidParameterValue";
    REFUSED(f, eni_nic_create(NULL, &sp, &out), ENI_EINVAL, code);
    REFUSED(f, eni_nic_create(f->ctx, NULL, &out), ENI_EINVAL, code);
    REFUSED(f, eni_nic_create(f->ctx, &sp, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_nic_delete(NULL, id), ENI_EINVAL, code);
    REFUSED(f, eni_nic_describe(NULL, id, &info), ENI_EINVAL, code);
    REFUSED(f, eni_nic_describe(f->ctx, id, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_nic_get_addresses(NULL, id, addrs, 2, &count), ENI_EINVAL, code);
    REFUSED(f, eni_nic_get_addresses(f->ctx, id, NULL, 2, &count), ENI_EINVAL, code);
    REFUSED(f, eni_nic_get_addresses(f->ctx, id, addrs, 2, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_nic_get_groups(NULL, id, groups, 2, &count), ENI_EINVAL, code);
    REFUSED(f, eni_nic_get_groups(f->ctx, id, NULL, 2, &count), ENI_EINVAL, code);
    REFUSED(f, eni_nic_get_groups(f->ctx, id, groups, 2, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_nic_list(NULL, NULL, ids, 2, &count), ENI_EINVAL, code);
    REFUSED(f, eni_nic_list(f->ctx, NULL, NULL, 2, &count), ENI_EINVAL, code);
    REFUSED(f, eni_nic_list(f->ctx, NULL, ids, 2, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_nic_set_description(NULL, id, "x"), ENI_EINVAL, code);
    REFUSED(f, eni_nic_set_source_dest_check(NULL, id, 0), ENI_EINVAL, code);
    REFUSED(f, eni_nic_set_groups(NULL, id, &f->dflt, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_set_groups(f->ctx, id, NULL, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_set_conntrack_timeouts(NULL, id, &ct), ENI_EINVAL, code);
    REFUSED(f, eni_nic_set_conntrack_timeouts(f->ctx, id, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_nic_assign_private_ips(NULL, id, v4, 1, 0, 0), ENI_EINVAL, code);
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 1, 0, 0), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(NULL, id, v4, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, NULL, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_assign_ipv6(NULL, id, v6, 1, 0), ENI_EINVAL, code);
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, NULL, 1, 0), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_ipv6(NULL, id, v6, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, NULL, 1), ENI_EINVAL, code);
    /* A NULL array with no capacity only counts. */
    assert_eni_ok(eni_nic_get_addresses(f->ctx, id, NULL, 0, &count));
    assert_int_equal(count, 1);
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, NULL, 0, &count));
    assert_int_equal(count, 1);
    assert_eni_ok(eni_nic_list(f->ctx, NULL, NULL, 0, &count));
    assert_int_equal(count, 1);
    assert_int_equal(out.v, 0);
}

static void test_s1_6_stale_id(void **state)
{
    fx *f = *state;
    eni_nic_id gone = nic_in(f, f->sn, NULL);
    MUTATE(f, eni_nic_delete(f->ctx, gone));
    (void)nic_in(f, f->sn, NULL); /* reuses the slot: the old id must not alias it */
    all_fns_refuse(f, gone, ENI_ESTALE, "InvalidNetworkInterfaceID.NotFound");
}

static void test_s1_6_wrong_kind_id(void **state)
{
    fx *f = *state;
    (void)nic_in(f, f->sn, NULL);
    eni_nic_id subnet_as_nic = {f->sn.v};
    all_fns_refuse(f, subnet_as_nic, ENI_EINVAL, "InvalidNetworkInterfaceId.Malformed");
    eni_nic_id sg_as_nic = {f->dflt.v};
    all_fns_refuse(f, sg_as_nic, ENI_EINVAL, "InvalidNetworkInterfaceId.Malformed");
}

static void test_s1_6_null_id(void **state)
{
    fx *f = *state;
    (void)nic_in(f, f->sn, NULL);
    eni_nic_id null_id = {0};
    all_fns_refuse(f, null_id, ENI_EINVAL, "InvalidNetworkInterfaceId.Malformed");
}

static void test_s1_6_never_issued_id(void **state)
{
    fx *f = *state;
    eni_nic_id real = nic_in(f, f->sn, NULL);
    eni_nic_id forged = {real.v + 77}; /* a slot never handed out (D1 layout) */
    all_fns_refuse(f, forged, ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound");
}

static void test_s1_6_create_subnet_id_errors(void **state)
{
    fx *f = *state;
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = f->vpc;
    ss.availability_zone = "us-east-1b";
    ss.cidr_block = "10.0.4.0/24";
    eni_subnet_id gone;
    MUTATE(f, eni_subnet_create(f->ctx, &ss, &gone));
    MUTATE(f, eni_subnet_delete(f->ctx, gone));
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    eni_nic_id id = {0};
    sp.subnet = gone;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_ESTALE, "InvalidSubnetID.NotFound");
    sp.subnet.v = f->vpc.v;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidSubnetID.Malformed");
    sp.subnet.v = 0;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidSubnetID.Malformed");
    assert_int_equal(id.v, 0);
}

static void test_s1_6_spec_size_and_reserved(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    eni_nic_id id = {0};
    sp.size = 4;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EVERSION, "");
    struct {
        eni_nic_spec s;
        uint64_t future;
    } big;
    memset(&big, 0, sizeof big);
    big.s = sp;
    big.s.size = sizeof big;
    big.future = 1; /* a field this library does not know, set */
    REFUSED(f, eni_nic_create(f->ctx, &big.s, &id), ENI_EVERSION, "");
    big.future = 0; /* zero: accepted */
    (void)nic_new(f, &big.s);
    sp.size = sizeof sp;
    sp.reserved0 = 1;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
    sp.reserved0 = 0;
    sp.flags = 1u << 5;
    REFUSED(f, eni_nic_create(f->ctx, &sp, &id), ENI_EINVAL, "InvalidParameterValue");
}

static void test_s1_6_describe_size(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, "10.0.1.9");
    eni_nic_info i;
    memset(&i, 0xab, sizeof i);
    i.size = sizeof i - 1;
    REFUSED(f, eni_nic_describe(f->ctx, id, &i), ENI_EINVAL, "InvalidParameterValue");
    i.size = 0;
    REFUSED(f, eni_nic_describe(f->ctx, id, &i), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(i.type, 0xababababu); /* untouched on failure */
    /* Larger than this library's struct: filled, tail untouched, size kept. */
    struct {
        eni_nic_info i;
        uint8_t tail[16];
    } big;
    memset(&big, 0xcd, sizeof big);
    big.i.size = sizeof big;
    assert_eni_ok(eni_nic_describe(f->ctx, id, &big.i));
    assert_int_equal(big.i.size, sizeof big);
    assert_string_equal(big.i.private_ip, "10.0.1.9");
    for (size_t k = 0; k < sizeof big.tail; k++)
        assert_int_equal(big.tail[k], 0xcd);
}

/* ---- 1.7 secondary IPv4 -------------------------------------------------------------- */

static void test_s1_7_assign_by_list(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, "10.0.1.10");
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    const char *ips[] = {"10.0.1.41", "10.0.1.40"};
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, ips, 2, 0, 0));
    eni_nic_address a[4];
    assert_int_equal(nic_addrs(f, id, a, 4), 3);
    assert_string_equal(a[1].address, "10.0.1.41");
    assert_string_equal(a[2].address, "10.0.1.40");
    assert_int_equal(a[1].primary, 0);
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before - 2);
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 3);
}

static void test_s1_7_assign_by_count(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, "10.0.1.10");
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 3, 0));
    eni_nic_address a[5];
    assert_int_equal(nic_addrs(f, id, a, 5), 4);
    for (int k = 1; k < 4; k++) {
        assert_usable_in_sn(a[k].address);
        for (int j = 0; j < k; j++)
            assert_string_not_equal(a[k].address, a[j].address);
    }
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before - 3);
    /* The reassignment flag with free addresses simply assigns them. */
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 1, ENI_ASSIGN_ALLOW_REASSIGNMENT));
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 5);
}

static void test_s1_7_assign_list_xor_count(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    const char *ips[] = {"10.0.1.40"};
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, ips, 1, 1, 0), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 0, 0), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, ips, 1, 0, 1u << 3), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 1001, 0), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 1);
}

static void test_s1_7_assign_all_or_nothing(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, "10.0.1.10");
    (void)nic_in(f, f->sn, "10.0.1.11");
    const char *outside[] = {"10.0.1.42", "10.0.2.42"};
    const char *reserved[] = {"10.0.1.42", "10.0.1.255"};
    const char *malformed[] = {"10.0.1.42", "10.0.1.420"};
    const char *dup[] = {"10.0.1.42", "10.0.1.43", "10.0.1.42"};
    const char *taken[] = {"10.0.1.42", "10.0.1.11"};
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, outside, 2, 0, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, reserved, 2, 0, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, malformed, 2, 0, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, dup, 3, 0, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, taken, 2, 0, 0), ENI_EINUSE,
            "Resource.AlreadyAssigned");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, taken, 2, 0, ENI_ASSIGN_ALLOW_REASSIGNMENT),
            ENI_EINUSE, "Resource.AlreadyAssigned"); /* .11 is a primary */
    eni_nic_address a[2];
    assert_int_equal(nic_addrs(f, id, a, 2), 1);
    /* The good address alone is fine. */
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, outside, 1, 0, 0));
    assert_int_equal(nic_addrs(f, id, a, 2), 2);
    assert_string_equal(a[1].address, "10.0.1.42");
}

static void test_s1_7_assign_already_on_this_interface_refused(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.10";
    sp.secondary_ips = sec;
    sp.secondary_ip_list_len = 1;
    eni_nic_id id = nic_new(f, &sp);
    const char *primary[] = {"10.0.1.10"};
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, sec, 1, 0, 0), ENI_EINUSE,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, sec, 1, 0, ENI_ASSIGN_ALLOW_REASSIGNMENT),
            ENI_EINUSE, "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, id, primary, 1, 0, 0), ENI_EINUSE,
            "InvalidParameterValue");
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 2);
}

static void test_s1_7_secondary_of_other_needs_reassignment(void **state)
{
    fx *f = *state;
    const char *moving[] = {"10.0.1.40"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.10";
    sp.secondary_ips = moving;
    sp.secondary_ip_list_len = 1;
    sp.secondary_ip_count = 0;
    eni_nic_id donor = nic_new(f, &sp);
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, donor, NULL, 0, 1, 0));
    eni_nic_id taker = nic_in(f, f->sn, "10.0.1.20");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, taker, moving, 1, 0, 0), ENI_EINUSE,
            "Resource.AlreadyAssigned");
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    eni_nic_address d0[4];
    assert_int_equal(nic_addrs(f, donor, d0, 4), 3);
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, taker, moving, 1, 0,
                                         ENI_ASSIGN_ALLOW_REASSIGNMENT));
    /* Gone from the donor (the rest keeps its order), present on the taker. */
    eni_nic_address d[4], t[4];
    assert_int_equal(nic_addrs(f, donor, d, 4), 2);
    assert_string_equal(d[0].address, "10.0.1.10");
    assert_string_equal(d[1].address, d0[2].address);
    assert_int_equal(nic_addrs(f, taker, t, 4), 2);
    assert_string_equal(t[0].address, "10.0.1.20");
    assert_string_equal(t[1].address, "10.0.1.40");
    assert_int_equal(t[1].primary, 0);
    assert_int_equal(nic_info(f->ctx, donor).ipv4_count, 2);
    assert_int_equal(nic_info(f->ctx, taker).ipv4_count, 2);
    /* A move uses no new address of the subnet. */
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before);
    /* And it can move back. */
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, donor, moving, 1, 0,
                                         ENI_ASSIGN_ALLOW_REASSIGNMENT));
    assert_int_equal(nic_addrs(f, taker, t, 4), 1);
    assert_int_equal(nic_addrs(f, donor, d, 4), 3);
    assert_string_equal(d[2].address, "10.0.1.40");
}

static void test_s1_7_primary_of_other_never_taken(void **state)
{
    fx *f = *state;
    eni_nic_id owner = nic_in(f, f->sn, "10.0.1.10");
    eni_nic_id taker = nic_in(f, f->sn, "10.0.1.20");
    const char *primary[] = {"10.0.1.10"};
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, taker, primary, 1, 0, 0), ENI_EINUSE,
            "Resource.AlreadyAssigned");
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, taker, primary, 1, 0,
                                          ENI_ASSIGN_ALLOW_REASSIGNMENT),
            ENI_EINUSE, "Resource.AlreadyAssigned");
    assert_string_equal(nic_info(f->ctx, owner).private_ip, "10.0.1.10");
    assert_int_equal(nic_info(f->ctx, taker).ipv4_count, 1);
}

static void test_s1_7_unassign_secondary(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", "10.0.1.41", "10.0.1.42"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.10";
    sp.secondary_ips = sec;
    sp.secondary_ip_list_len = 3;
    eni_nic_id id = nic_new(f, &sp);
    uint64_t free_before = subnet_info(f, f->sn).available_ip_count;
    MUTATE(f, eni_nic_unassign_private_ips(f->ctx, id, &sec[1], 1));
    eni_nic_address a[4];
    assert_int_equal(nic_addrs(f, id, a, 4), 3);
    assert_string_equal(a[0].address, "10.0.1.10");
    assert_string_equal(a[1].address, "10.0.1.40");
    assert_string_equal(a[2].address, "10.0.1.42");
    assert_int_equal(subnet_info(f, f->sn).available_ip_count, free_before + 1);
    /* The address is free: another interface may take it. */
    (void)nic_in(f, f->sn, "10.0.1.41");
    const char *both[] = {"10.0.1.42", "10.0.1.40"};
    MUTATE(f, eni_nic_unassign_private_ips(f->ctx, id, both, 2));
    assert_int_equal(nic_addrs(f, id, a, 4), 1);
    assert_string_equal(a[0].address, "10.0.1.10");
}

static void test_s1_7_unassign_refused(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.10";
    sp.secondary_ips = sec;
    sp.secondary_ip_list_len = 1;
    eni_nic_id id = nic_new(f, &sp);
    (void)nic_in(f, f->sn, "10.0.1.11");
    const char *primary[] = {"10.0.1.10"};
    const char *with_primary[] = {"10.0.1.40", "10.0.1.10"};
    const char *unknown[] = {"10.0.1.40", "10.0.1.99"};
    const char *others[] = {"10.0.1.11"};
    const char *malformed[] = {"10.0.1.40", "10.0.1.x"};
    const char *v6[] = {"2001:db8:0:1::5"};
    const char *dup[] = {"10.0.1.40", "10.0.1.40"};
    const char *null_entry[] = {NULL};
    const char *code = "InvalidParameterValue";
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, primary, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, with_primary, 2), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, unknown, 2), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, others, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, malformed, 2), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, v6, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, dup, 2), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, null_entry, 1), ENI_EINVAL, code);
    REFUSED(f, eni_nic_unassign_private_ips(f->ctx, id, sec, 0), ENI_EINVAL, code);
    assert_int_equal(nic_info(f->ctx, id).ipv4_count, 2);
}

/* ---- 1.1 IPv6 assign / unassign ------------------------------------------------------ */

static void test_s1_1_assign_unassign_ipv6(void **state)
{
    fx *f = *state;
    eni_nic_id id = nic_in(f, f->sn, NULL);
    const char *v6[] = {"2001:db8:0:1::a", "2001:db8:0:1::b"};
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, id, v6, 2, 0));
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, id, NULL, 0, 2));
    assert_int_equal(nic_info(f->ctx, id).ipv6_count, 4);
    eni_nic_address a[6];
    assert_int_equal(nic_addrs(f, id, a, 6), 5);
    assert_same_ip(a[1].address, v6[0]);
    assert_same_ip(a[2].address, v6[1]);
    for (int k = 1; k < 5; k++) {
        assert_int_equal(a[k].family, 6);
        for (int j = 1; j < k; j++)
            assert_string_not_equal(a[k].address, a[j].address);
    }
    /* Refusals: list and count, neither, out of the subnet, reserved, duplicate, all or nothing. */
    const char *outside[] = {"2001:db8:0:1::c", "2001:db8:0:9::c"};
    const char *reserved[] = {"2001:db8:0:1::c", "2001:db8:0:1::2"};
    const char *dup[] = {"2001:db8:0:1::c", "2001:db8:0:1::c"};
    const char *v4[] = {"10.0.1.50"};
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, v6, 1, 1), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, NULL, 0, 0), ENI_EINVAL,
            "InvalidParameterCombination");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, outside, 2, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, reserved, 2, 0), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, dup, 2, 0), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, v4, 1, 0), ENI_EINVAL, "InvalidParameterValue");
    /* Already on this interface. */
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, id, v6, 1, 0), ENI_EINUSE, "InvalidIPAddress.InUse");
    /* Unassign, keeping the others' order. */
    MUTATE(f, eni_nic_unassign_ipv6(f->ctx, id, v6, 1));
    assert_int_equal(nic_addrs(f, id, a, 6), 4);
    assert_same_ip(a[1].address, v6[1]);
    const char *unknown[] = {"2001:db8:0:1::b", "2001:db8:0:1::f00"};
    const char *malformed[] = {"2001:db8:0:1::b", "2001:zz::1"};
    const char *twice[] = {"2001:db8:0:1::b", "2001:db8:0:1::b"};
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, unknown, 2), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, malformed, 2), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, twice, 2), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, v4, 1), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, v6, 1), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_nic_unassign_ipv6(f->ctx, id, &v6[1], 0), ENI_EINVAL,
            "InvalidParameterValue");
    assert_int_equal(nic_info(f->ctx, id).ipv6_count, 3);
    /* The unassigned address is free for others. */
    eni_nic_id other = nic_in(f, f->sn, NULL);
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, other, v6, 1, 0));
    assert_int_equal(nic_info(f->ctx, other).ipv6_count, 1);
}

static void test_s1_1_ipv6_in_use_never_reassigned(void **state)
{
    fx *f = *state;
    const char *v6[] = {"2001:db8:0:1::a"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.ipv6_addresses = v6;
    sp.ipv6_list_len = 1;
    eni_nic_id holder = nic_new(f, &sp);
    eni_nic_id taker = nic_in(f, f->sn, NULL);
    const char *batch[] = {"2001:db8:0:1::b", "2001:db8:0:1::a"};
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, taker, v6, 1, 0), ENI_EINUSE,
            "InvalidIPAddress.InUse");
    REFUSED(f, eni_nic_assign_ipv6(f->ctx, taker, batch, 2, 0), ENI_EINUSE,
            "InvalidIPAddress.InUse");
    assert_int_equal(nic_info(f->ctx, holder).ipv6_count, 1);
    assert_int_equal(nic_info(f->ctx, taker).ipv6_count, 0);
    /* Once unassigned, it can be taken. */
    MUTATE(f, eni_nic_unassign_ipv6(f->ctx, holder, v6, 1));
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, taker, v6, 1, 0));
    eni_nic_address a[3];
    assert_int_equal(nic_addrs(f, taker, a, 3), 2);
    assert_same_ip(a[1].address, v6[0]);
    assert_int_equal(nic_addrs(f, holder, a, 3), 1);
}

/* ---- 8: queries ------------------------------------------------------------------------ */

static void test_s8_get_addresses_order_and_cap(void **state)
{
    fx *f = *state;
    const char *v6[] = {"2001:db8:0:1::99"};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = "10.0.1.100";
    sp.ipv6_addresses = v6;
    sp.ipv6_list_len = 1;
    eni_nic_id id = nic_new(f, &sp);
    const char *l1[] = {"10.0.1.60", "10.0.1.50"};
    const char *l2[] = {"10.0.1.30"};
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, l1, 2, 0, 0));
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, NULL, 0, 1, 0));
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, id, l2, 1, 0, 0));
    const char *v6b[] = {"2001:db8:0:1::98"};
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, id, v6b, 1, 0));
    eni_nic_address a[8];
    assert_int_equal(nic_addrs(f, id, a, 8), 7);
    assert_string_equal(a[0].address, "10.0.1.100");
    assert_int_equal(a[0].primary, 1);
    assert_string_equal(a[1].address, "10.0.1.60");
    assert_string_equal(a[2].address, "10.0.1.50");
    assert_usable_in_sn(a[3].address); /* the picked one */
    assert_string_equal(a[4].address, "10.0.1.30");
    for (int k = 0; k < 5; k++) {
        assert_int_equal(a[k].family, 4);
        assert_int_equal(a[k].primary, k == 0);
        assert_int_equal(a[k].eip.v, 0);
        assert_string_equal(a[k].public_ip, "");
    }
    assert_int_equal(a[5].family, 6);
    assert_same_ip(a[5].address, v6[0]);
    assert_int_equal(a[6].family, 6);
    assert_same_ip(a[6].address, v6b[0]);
    assert_int_equal(a[5].primary, 0);
    /* A smaller capacity fills only that many, and still counts them all. */
    eni_nic_address small[4];
    memset(small, 0x5a, sizeof small);
    assert_int_equal(nic_addrs(f, id, small, 3), 7);
    assert_string_equal(small[0].address, "10.0.1.100");
    assert_string_equal(small[2].address, "10.0.1.50");
    assert_int_equal(small[3].family, 0x5a5a5a5au); /* past cap: untouched */
    assert_int_equal(nic_addrs(f, id, NULL, 0), 7);
}

static void test_s8_get_groups(void **state)
{
    fx *f = *state;
    eni_sg_id g1 = sg_new(f, f->vpc, "g1"), g2 = sg_new(f, f->vpc, "g2");
    eni_sg_id set[3] = {g2, f->dflt, g1};
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.groups = set;
    sp.group_count = 3;
    eni_nic_id id = nic_new(f, &sp);
    eni_sg_id g[4] = {{0}, {0}, {0}, {0}};
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, g, 2, &n));
    assert_int_equal(n, 3);
    assert_int_equal(g[0].v, g2.v);
    assert_int_equal(g[1].v, f->dflt.v);
    assert_int_equal(g[2].v, 0); /* past cap: untouched */
    assert_eni_ok(eni_nic_get_groups(f->ctx, id, g, 4, &n));
    assert_int_equal(n, 3);
    assert_int_equal(g[2].v, g1.v);
}

static bool listed(const eni_nic_id *ids, uint32_t n, eni_nic_id id)
{
    for (uint32_t k = 0; k < n; k++)
        if (ids[k].v == id.v)
            return true;
    return false;
}

static void test_s8_list_filters(void **state)
{
    fx *f = *state;
    eni_sg_id g1 = sg_new(f, f->vpc, "g1");
    eni_nic_id a = nic_in(f, f->sn, NULL);
    eni_nic_id b = nic_in(f, f->sn4, NULL);
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.groups = &g1;
    sp.group_count = 1;
    eni_nic_id c = nic_new(f, &sp);
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "172.16.0.0/16";
    eni_vpc_id vpc2;
    MUTATE(f, eni_vpc_create(f->ctx, &vs, &vpc2));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc2;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "172.16.0.0/24";
    eni_subnet_id sn2;
    MUTATE(f, eni_subnet_create(f->ctx, &ss, &sn2));
    eni_nic_id d = nic_in(f, sn2, NULL);

    eni_nic_id ids[8];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_list(f->ctx, NULL, ids, 8, &n));
    assert_int_equal(n, 4);
    assert_true(listed(ids, n, a) && listed(ids, n, b) && listed(ids, n, c) && listed(ids, n, d));

    eni_nic_filter flt = ENI_NIC_FILTER_INIT;
    flt.subnet = f->sn;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 2);
    assert_true(listed(ids, n, a) && listed(ids, n, c));

    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.vpc = f->vpc;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 3);
    assert_false(listed(ids, n, d));
    flt.vpc = vpc2;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ids[0].v, d.v);

    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.group = g1;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ids[0].v, c.v);
    flt.group = f->dflt;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 2);
    assert_true(listed(ids, n, a) && listed(ids, n, b));
    /* Combined filters intersect. */
    flt.subnet = f->sn4;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 1);
    assert_int_equal(ids[0].v, b.v);

    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.status_mask = 1u << ENI_NIC_AVAILABLE;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 4);
    flt.status_mask = (1u << ENI_NIC_IN_USE) | (1u << ENI_NIC_ATTACHING) |
                      (1u << ENI_NIC_DETACHING);
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 0);
    flt.status_mask = 0xf;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, NULL, 0, &n));
    assert_int_equal(n, 4);
    /* Unknown status bits. */
    flt.status_mask = 1u << 4;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 8, &n), ENI_EINVAL, "InvalidParameterValue");
    flt.status_mask = 0x80000000u | 1u;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 8, &n), ENI_EINVAL, "InvalidParameterValue");

    /* Capacity smaller than the match count. */
    ids[1].v = 0x77;
    assert_eni_ok(eni_nic_list(f->ctx, NULL, ids, 1, &n));
    assert_int_equal(n, 4);
    assert_int_equal(ids[1].v, 0x77);

    /* Deleted interfaces drop out. */
    MUTATE(f, eni_nic_delete(f->ctx, c));
    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.group = g1;
    assert_eni_ok(eni_nic_list(f->ctx, &flt, ids, 8, &n));
    assert_int_equal(n, 0);
}

static void test_s8_list_filter_id_errors(void **state)
{
    fx *f = *state;
    eni_nic_id ids[4];
    uint32_t n = 0;
    eni_sg_id gone = sg_new(f, f->vpc, "gone");
    MUTATE(f, eni_sg_delete(f->ctx, gone));
    eni_nic_filter flt = ENI_NIC_FILTER_INIT;
    flt.group = gone;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 4, &n), ENI_ESTALE, "InvalidGroup.NotFound");
    flt.group.v = f->sn.v;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 4, &n), ENI_EINVAL, "InvalidGroupId.Malformed");
    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.subnet.v = f->vpc.v;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 4, &n), ENI_EINVAL, "InvalidSubnetID.Malformed");
    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.vpc.v = f->sn.v;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 4, &n), ENI_EINVAL, "InvalidVpcID.Malformed");
    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.instance.v = f->sn.v;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 4, &n), ENI_EINVAL,
            "InvalidInstanceID.Malformed");
    flt = (eni_nic_filter)ENI_NIC_FILTER_INIT;
    flt.size = 4;
    REFUSED(f, eni_nic_list(f->ctx, &flt, ids, 4, &n), ENI_EVERSION, "");
}

/* Listing is in ascending id order, also after a slot is reused. */
static void test_s8_list_in_id_order(void **state)
{
    fx *f = *state;
    eni_nic_id a = nic_in(f, f->sn, NULL);
    (void)nic_in(f, f->sn, NULL);
    (void)nic_in(f, f->sn, NULL);
    MUTATE(f, eni_nic_delete(f->ctx, a));
    eni_nic_id d = nic_in(f, f->sn, NULL);
    assert_int_not_equal(d.v, a.v);
    eni_nic_id ids[4];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_list(f->ctx, NULL, ids, 4, &n));
    assert_int_equal(n, 3);
    assert_true(listed(ids, n, d));
    for (uint32_t k = 1; k < n; k++)
        if (ids[k - 1].v >= ids[k].v)
            fail_msg("list not in id order: %#llx before %#llx",
                     (unsigned long long)ids[k - 1].v, (unsigned long long)ids[k].v);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s1_1_create_auto_primary),
        T(test_s1_1_create_explicit_primary),
        T(test_s1_1_primary_outside_subnet_refused),
        T(test_s1_1_primary_reserved_refused),
        T(test_s1_1_primary_in_use_refused),
        T(test_s1_1_primary_malformed_refused),
        T(test_s1_1_secondary_list),
        T(test_s1_1_secondary_count),
        T(test_s1_1_secondary_list_and_count_refused),
        T(test_s1_1_secondary_duplicates_refused),
        T(test_s1_6_subnet_full_refused),
        T(test_s1_1_ipv6_list_at_create),
        T(test_s1_1_ipv6_count_at_create),
        T(test_s1_1_ipv6_list_and_count_refused),
        T(test_s1_1_ipv6_in_subnet_without_ipv6_refused),
        T(test_s1_1_assign_ipv6_on_creation),
        T(test_s1_1_ipv6_count_after_high_explicit_address),
        T(test_s1_1_groups_default_when_none),
        T(test_s1_1_groups_explicit),
        T(test_s1_1_group_of_other_vpc_refused),
        T(test_s1_1_duplicate_groups_refused),
        T(test_s1_1_group_id_errors),
        T(test_s4_6_groups_per_interface_quota),
        T(test_s1_1_set_groups_replaces_whole_set),
        T(test_s1_1_description),
        T(test_s1_1_source_dest_check),
        T(test_s1_1_mac_locally_administered_unique),
        T(test_s1_1_mac_deterministic_for_seed),
        T(test_s1_1_mac_fixed_for_life),
        T(test_s5_4_conntrack_defaults),
        T(test_s5_4_conntrack_explicit_in_range),
        T(test_s5_4_conntrack_tcp_out_of_range),
        T(test_s5_4_conntrack_udp_out_of_range),
        T(test_s5_4_conntrack_udp_stream_out_of_range),
        T(test_s5_4_set_conntrack_zero_keeps),
        T(test_s1_2_efa_only_with_addresses_refused),
        T(test_s1_2_efa_only_has_no_addresses),
        T(test_s1_2_efa_and_trunk_types),
        T(test_s1_6_interface_quota),
        T(test_s1_6_delete_frees_addresses),
        T(test_s1_6_null_arguments),
        T(test_s1_6_stale_id),
        T(test_s1_6_wrong_kind_id),
        T(test_s1_6_null_id),
        T(test_s1_6_never_issued_id),
        T(test_s1_6_create_subnet_id_errors),
        T(test_s1_6_spec_size_and_reserved),
        T(test_s1_6_describe_size),
        T(test_s1_7_assign_by_list),
        T(test_s1_7_assign_by_count),
        T(test_s1_7_assign_list_xor_count),
        T(test_s1_7_assign_all_or_nothing),
        T(test_s1_7_assign_already_on_this_interface_refused),
        T(test_s1_7_secondary_of_other_needs_reassignment),
        T(test_s1_7_primary_of_other_never_taken),
        T(test_s1_7_unassign_secondary),
        T(test_s1_7_unassign_refused),
        T(test_s1_1_assign_unassign_ipv6),
        T(test_s1_1_ipv6_in_use_never_reassigned),
        T(test_s8_get_addresses_order_and_cap),
        T(test_s8_get_groups),
        T(test_s8_list_filters),
        T(test_s8_list_filter_id_errors),
        T(test_s8_list_in_id_order),
    };
#undef T
    return cmocka_run_group_tests_name("model_nic", tests, NULL, NULL);
}
