/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Elastic IPs (include/eni/eip.h): ec2-semantics.md section 3, with the
 * Elastic-IP parts of 1.1 (one EIP per private IPv4), 1.6 (deletion) and
 * 1.7 (EIPs follow or leave secondary addresses).
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
    char *before, *after; /* dumps around a refused call; freed by teardown */
    eni_vpc_id vpc;       /* 10.0.0.0/16 */
    eni_subnet_id sn;     /* 10.0.1.0/24 */
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    *state = f;
    if (eni_ctx_new(NULL, &f->ctx) != ENI_OK)
        return -1;
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8::/56";
    if (eni_vpc_create(f->ctx, &vs, &f->vpc) != ENI_OK)
        return -1;
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = f->vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    ss.ipv6_cidr_block = "2001:db8:0:1::/64";
    return eni_subnet_create(f->ctx, &ss, &f->sn) == ENI_OK ? 0 : -1;
}

static int teardown(void **state)
{
    fx *f = *state;
    if (!f)
        return 0;
    eni_ctx_free(f->ctx);
    free(f->before);
    free(f->after);
    free(f);
    return 0;
}

/* ---- helpers ------------------------------------------------------------------ */




static eni_eip_id eip_new(fx *f)
{
    eni_eip_id id = {0};
    MUTATE(f, eni_eip_allocate(f->ctx, &id));
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_EIP);
    return id;
}

/* An interface with a primary and explicit secondaries (NULL-terminated). */
static eni_nic_id nic_new(fx *f, const char *primary, const char *const *secondaries)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.private_ip = primary;
    uint32_t n = 0;
    while (secondaries && secondaries[n])
        n++;
    sp.secondary_ips = n ? secondaries : NULL;
    sp.secondary_ip_list_len = n;
    eni_nic_id id = {0};
    MUTATE(f, eni_nic_create(f->ctx, &sp, &id));
    return id;
}

static eni_eip_assoc_id assoc(fx *f, eni_eip_id eip, eni_nic_id nic, const char *ip,
                              uint32_t flags)
{
    eni_eip_assoc_id a = {0};
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, ip, flags, &a));
    assert_int_equal(eni_id_kind(a.v), ENI_KIND_EIP_ASSOC);
    return a;
}

static eni_eip_info eip_info(fx *f, eni_eip_id id)
{
    eni_eip_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_ok(eni_eip_describe(f->ctx, id, &i));
    return i;
}

static eni_nic_info nic_info(fx *f, eni_nic_id id)
{
    eni_nic_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    assert_eni_ok(eni_nic_describe(f->ctx, id, &i));
    return i;
}

/* The address entry of `ip` on an interface (fails if absent). */
static eni_nic_address addr_of(fx *f, eni_nic_id nic, const char *ip)
{
    eni_nic_address a[16];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, nic, a, 16, &n));
    assert_true(n <= 16);
    for (uint32_t k = 0; k < n; k++)
        if (strcmp(a[k].address, ip) == 0)
            return a[k];
    fail_msg("%s is not on the interface", ip);
    return a[0];
}

static bool has_addr(fx *f, eni_nic_id nic, const char *ip)
{
    eni_nic_address a[16];
    uint32_t n = 0;
    assert_eni_ok(eni_nic_get_addresses(f->ctx, nic, a, 16, &n));
    for (uint32_t k = 0; k < n && k < 16; k++)
        if (strcmp(a[k].address, ip) == 0)
            return true;
    return false;
}

/* Allocated but not associated. */
static void assert_unassociated(fx *f, eni_eip_id eip)
{
    eni_eip_info i = eip_info(f, eip);
    assert_int_equal(i.id.v, eip.v);
    assert_int_equal(i.association.v, 0);
    assert_int_equal(i.nic.v, 0);
    assert_int_equal(i.instance.v, 0);
    assert_string_equal(i.private_ip, "");
    assert_true(i.public_ip[0] != '\0');
}

static void assert_associated(fx *f, eni_eip_id eip, eni_nic_id nic, const char *ip)
{
    eni_eip_info i = eip_info(f, eip);
    assert_int_not_equal(i.association.v, 0);
    assert_int_equal(i.nic.v, nic.v);
    assert_string_equal(i.private_ip, ip);
    assert_int_equal(i.instance.v, 0);
    eni_nic_address a = addr_of(f, nic, ip);
    assert_int_equal(a.eip.v, eip.v);
    assert_string_equal(a.public_ip, i.public_ip);
}

static void assert_no_eip_on(fx *f, eni_nic_id nic, const char *ip)
{
    eni_nic_address a = addr_of(f, nic, ip);
    assert_int_equal(a.eip.v, 0);
    assert_string_equal(a.public_ip, "");
}

static uint32_t eip_count(fx *f)
{
    uint32_t n = 0xdead;
    assert_eni_ok(eni_eip_list(f->ctx, NULL, 0, &n));
    return n;
}

static bool in_benchmark_range(const char *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, ip, &a) != 1)
        return false;
    return (ntohl(a.s_addr) & 0xfffe0000u) == 0xc6120000u; /* 198.18.0.0/15 */
}

static void check_fail(const char *name, int rc, int want_rc, const char *want_code)
{
    if (rc != want_rc)
        fail_msg("%s: returned %d (%s), want %d (%s)", name, rc, eni_err_name(rc), want_rc,
                 eni_err_name(want_rc));
    if (eni_error_last()->code != want_rc || strcmp(eni_error_last()->ec2_code, want_code) != 0)
        fail_msg("%s: recorded %d '%s', want %d '%s'", name, eni_error_last()->code,
                 eni_error_last()->ec2_code, want_rc, want_code);
}

/* Every call that takes an allocation id, with otherwise valid arguments. */
static void eip_fns_refuse(fx *f, eni_eip_id eip, eni_nic_id nic, int want_rc,
                           const char *want_code)
{
    static const char *const names[] = {"eni_eip_release", "eni_eip_associate",
                                        "eni_eip_describe"};
    for (int k = 0; k < 3; k++) {
        eni_eip_info info;
        memset(&info, 0, sizeof info);
        info.size = sizeof info;
        eni_eip_assoc_id out = {0x1234};
        snap(f->ctx, &f->before);
        eni_error_clear();
        int rc = k == 0   ? eni_eip_release(f->ctx, eip)
                 : k == 1 ? eni_eip_associate(f->ctx, eip, nic, NULL, 0, &out)
                          : eni_eip_describe(f->ctx, eip, &info);
        check_fail(names[k], rc, want_rc, want_code);
        assert_int_equal(out.v, 0x1234); /* out-parameters untouched on failure */
        snap(f->ctx, &f->after);
        assert_string_equal(f->before, f->after);
        assert_eni_ok(eni_ctx_check(f->ctx));
    }
}

/* ---- 3: allocation and the quota ------------------------------------------------ */

static void test_s3_allocate_up_to_quota(void **state)
{
    fx *f = *state;
    eni_eip_id ids[8];
    for (int k = 0; k < 5; k++)
        ids[k] = eip_new(f);
    assert_int_equal(eip_count(f), 5);
    eni_eip_id extra = {0};
    REFUSED(f, eni_eip_allocate(f->ctx, &extra), ENI_ELIMIT, "AddressLimitExceeded");
    assert_int_equal(extra.v, 0);
    /* Raise the quota: two more, then the limit again. */
    eni_quotas q;
    memset(&q, 0, sizeof q);
    q.size = sizeof q;
    q.eips = 7;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    eni_quotas got;
    memset(&got, 0, sizeof got);
    got.size = sizeof got;
    assert_eni_ok(eni_ctx_get_quotas(f->ctx, &got));
    assert_int_equal(got.eips, 7);
    assert_int_equal(got.groups_per_nic, 5); /* 0 fields kept */
    ids[5] = eip_new(f);
    ids[6] = eip_new(f);
    REFUSED(f, eni_eip_allocate(f->ctx, &extra), ENI_ELIMIT, "AddressLimitExceeded");
    assert_int_equal(eip_count(f), 7);
    /* Releasing one makes room for one. */
    MUTATE(f, eni_eip_release(f->ctx, ids[2]));
    assert_int_equal(eip_count(f), 6);
    ids[7] = eip_new(f);
    REFUSED(f, eni_eip_allocate(f->ctx, &extra), ENI_ELIMIT, "AddressLimitExceeded");
    /* All ids distinct. */
    for (int k = 0; k < 8; k++)
        for (int j = 0; j < k; j++)
            assert_int_not_equal(ids[k].v, ids[j].v);
    /* Lowering below use keeps what exists and refuses new ones. */
    q.eips = 2;
    MUTATE(f, eni_ctx_set_quotas(f->ctx, &q));
    assert_int_equal(eip_count(f), 7);
    REFUSED(f, eni_eip_allocate(f->ctx, &extra), ENI_ELIMIT, "AddressLimitExceeded");
}

static void test_s3_public_ip_in_benchmark_range(void **state)
{
    fx *f = *state;
    char seen[5][ENI_IP_STRING_MAX];
    for (int k = 0; k < 5; k++) {
        eni_eip_id id = eip_new(f);
        eni_eip_info i = eip_info(f, id);
        assert_int_equal(i.id.v, id.v);
        if (!in_benchmark_range(i.public_ip))
            fail_msg("public IP %s is outside 198.18.0.0/15", i.public_ip);
        assert_unassociated(f, id);
        assert_int_equal(i.reserved0, 0);
        for (int j = 0; j < k; j++)
            assert_string_not_equal(i.public_ip, seen[j]);
        snprintf(seen[k], sizeof seen[k], "%s", i.public_ip);
    }
}

/* ---- 3: association ------------------------------------------------------------- */

static void test_s3_associate_primary(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id a = assoc(f, eip, nic, NULL, 0);
    assert_int_not_equal(a.v, 0);
    eni_eip_info i = eip_info(f, eip);
    assert_int_equal(i.association.v, a.v);
    assert_associated(f, eip, nic, "10.0.1.10");
    /* 1.4 / nic.h: public_ip of the interface is its primary's Elastic IP. */
    eni_nic_info n = nic_info(f, nic);
    assert_string_equal(n.public_ip, i.public_ip);
    assert_string_equal(n.private_ip, "10.0.1.10");
    /* The association id has the eipassoc- form. */
    char text[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(f->ctx, a.v, text, sizeof text));
    assert_memory_equal(text, "eipassoc-", 9);
}

static void test_s3_associate_secondary_by_address(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", "10.0.1.41", NULL};
    eni_nic_id nic = nic_new(f, "10.0.1.10", sec);
    eni_eip_id eip = eip_new(f);
    (void)assoc(f, eip, nic, "10.0.1.41", 0);
    assert_associated(f, eip, nic, "10.0.1.41");
    assert_no_eip_on(f, nic, "10.0.1.10");
    assert_no_eip_on(f, nic, "10.0.1.40");
    /* The interface's public_ip reports the primary only. */
    assert_string_equal(nic_info(f, nic).public_ip, "");
    /* An explicit primary address works like NULL. */
    eni_eip_id eip2 = eip_new(f);
    (void)assoc(f, eip2, nic, "10.0.1.10", 0);
    assert_associated(f, eip2, nic, "10.0.1.10");
    assert_string_equal(nic_info(f, nic).public_ip, eip_info(f, eip2).public_ip);
    assert_associated(f, eip, nic, "10.0.1.41");
}

static void test_s3_associate_address_not_on_interface_refused(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id nic = nic_new(f, "10.0.1.10", sec);
    eni_nic_id other = nic_new(f, "10.0.1.11", NULL);
    const char *v6[] = {"2001:db8:0:1::10"};
    MUTATE(f, eni_nic_assign_ipv6(f->ctx, nic, v6, 1, 0));
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id out = {0};
    const char *code = "InvalidParameterValue";
    REFUSED(f, eni_eip_associate(f->ctx, eip, nic, "10.0.1.99", 0, &out), ENI_EINVAL, code);
    REFUSED(f, eni_eip_associate(f->ctx, eip, nic, "10.0.1.11", 0, &out), ENI_EINVAL, code);
    REFUSED(f, eni_eip_associate(f->ctx, eip, other, "10.0.1.40", 0, &out), ENI_EINVAL, code);
    REFUSED(f, eni_eip_associate(f->ctx, eip, nic, "10.0.1.400", 0, &out), ENI_EINVAL, code);
    REFUSED(f, eni_eip_associate(f->ctx, eip, nic, "", 0, &out), ENI_EINVAL, code);
    REFUSED(f, eni_eip_associate(f->ctx, eip, nic, "2001:db8:0:1::10", 0, &out), ENI_EINVAL,
            code); /* IPv6 addresses never take an Elastic IP */
    REFUSED(f, eni_eip_associate(f->ctx, eip, nic, NULL, 1u << 4, &out), ENI_EINVAL, code);
    assert_int_equal(out.v, 0);
    assert_unassociated(f, eip);
}

static void test_s3_associate_efa_only_refused(void **state)
{
    fx *f = *state;
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = f->sn;
    sp.type = ENI_NIC_EFA_ONLY;
    eni_nic_id efa;
    MUTATE(f, eni_nic_create(f->ctx, &sp, &efa));
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id out = {0};
    REFUSED(f, eni_eip_associate(f->ctx, eip, efa, NULL, 0, &out), ENI_EINVAL,
            "InvalidParameterValue");
    REFUSED(f, eni_eip_associate(f->ctx, eip, efa, "10.0.1.4", 0, &out), ENI_EINVAL,
            "InvalidParameterValue");
    assert_unassociated(f, eip);
    /* An efa interface (with ENA) takes one. */
    sp.type = ENI_NIC_EFA;
    eni_nic_id ena;
    MUTATE(f, eni_nic_create(f->ctx, &sp, &ena));
    (void)assoc(f, eip, ena, NULL, 0);
    assert_int_equal(eip_info(f, eip).nic.v, ena.v);
}

static void test_s3_associate_idempotent(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id nic = nic_new(f, "10.0.1.10", sec);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id first = assoc(f, eip, nic, "10.0.1.40", 0);
    snap(f->ctx, &f->before);
    eni_eip_assoc_id again = {0};
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, "10.0.1.40", 0, &again));
    assert_int_equal(again.v, first.v);
    /* Even when re-association is refused: nothing moves. */
    again.v = 0;
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, "10.0.1.40", ENI_EIP_NO_REASSOCIATION, &again));
    assert_int_equal(again.v, first.v);
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, "10.0.1.40", 0, NULL));
    snap(f->ctx, &f->after);
    assert_string_equal(f->before, f->after);
    assert_associated(f, eip, nic, "10.0.1.40");
    assert_int_equal(eip_info(f, eip).association.v, first.v);
    /* Same for the primary given as NULL, then by address. */
    eni_eip_id eip2 = eip_new(f);
    eni_eip_assoc_id p = assoc(f, eip2, nic, NULL, 0);
    assert_int_equal(assoc(f, eip2, nic, "10.0.1.10", 0).v, p.v);
}

static void test_s3_reassociation_moves_silently(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id a = nic_new(f, "10.0.1.10", NULL);
    eni_nic_id b = nic_new(f, "10.0.1.20", sec);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id old = assoc(f, eip, a, NULL, 0);
    char pub[ENI_IP_STRING_MAX];
    snprintf(pub, sizeof pub, "%s", eip_info(f, eip).public_ip);
    assert_string_equal(nic_info(f, a).public_ip, pub);
    /* To another interface. */
    eni_eip_assoc_id moved = assoc(f, eip, b, "10.0.1.40", 0);
    assert_int_not_equal(moved.v, old.v);
    assert_associated(f, eip, b, "10.0.1.40");
    assert_no_eip_on(f, a, "10.0.1.10");
    assert_string_equal(nic_info(f, a).public_ip, "");
    assert_string_equal(eip_info(f, eip).public_ip, pub); /* the same address moved */
    /* Within one interface, secondary to primary. */
    eni_eip_assoc_id home = assoc(f, eip, b, NULL, 0);
    assert_associated(f, eip, b, "10.0.1.20");
    assert_no_eip_on(f, b, "10.0.1.40");
    assert_string_equal(nic_info(f, b).public_ip, pub);
    /* The ended associations are gone: disassociating them is a no-op. */
    MUTATE(f, eni_eip_disassociate(f->ctx, old));
    MUTATE(f, eni_eip_disassociate(f->ctx, moved));
    assert_int_equal(eip_info(f, eip).association.v, home.v);
    assert_associated(f, eip, b, "10.0.1.20");
    assert_int_equal(eip_count(f), 1);
}

static void test_s3_no_reassociation_flag_refused(void **state)
{
    fx *f = *state;
    eni_nic_id a = nic_new(f, "10.0.1.10", NULL);
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id b = nic_new(f, "10.0.1.20", sec);
    eni_eip_id eip = eip_new(f);
    /* Not associated yet: the flag does not stand in the way. */
    eni_eip_assoc_id first = assoc(f, eip, a, NULL, ENI_EIP_NO_REASSOCIATION);
    eni_eip_assoc_id out = {0};
    REFUSED(f, eni_eip_associate(f->ctx, eip, b, NULL, ENI_EIP_NO_REASSOCIATION, &out),
            ENI_EINUSE, "Resource.AlreadyAssociated");
    REFUSED(f, eni_eip_associate(f->ctx, eip, b, "10.0.1.40", ENI_EIP_NO_REASSOCIATION, &out),
            ENI_EINUSE, "Resource.AlreadyAssociated");
    assert_int_equal(out.v, 0);
    assert_associated(f, eip, a, "10.0.1.10");
    assert_int_equal(eip_info(f, eip).association.v, first.v);
    assert_no_eip_on(f, b, "10.0.1.20");
}

static void test_s3_second_eip_replaces_first(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id nic = nic_new(f, "10.0.1.10", sec);
    eni_eip_id e1 = eip_new(f), e2 = eip_new(f);
    eni_eip_assoc_id a1 = assoc(f, e1, nic, "10.0.1.40", 0);
    (void)assoc(f, e2, nic, "10.0.1.40", 0);
    assert_associated(f, e2, nic, "10.0.1.40");
    assert_unassociated(f, e1); /* let go, still allocated */
    assert_int_equal(eip_count(f), 2);
    MUTATE(f, eni_eip_disassociate(f->ctx, a1)); /* already ended */
    assert_associated(f, e2, nic, "10.0.1.40");
    /* The first can be released now, or used elsewhere. */
    (void)assoc(f, e1, nic, NULL, 0);
    assert_associated(f, e1, nic, "10.0.1.10");
    assert_associated(f, e2, nic, "10.0.1.40");
    /* Moving e1 onto e2's address with reassociation: e2 is let go. */
    (void)assoc(f, e1, nic, "10.0.1.40", 0);
    assert_associated(f, e1, nic, "10.0.1.40");
    assert_unassociated(f, e2);
    assert_no_eip_on(f, nic, "10.0.1.10");
}

/* ---- 3: disassociation and release ------------------------------------------------ */

static void test_s3_release_associated_refused(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    (void)assoc(f, eip, nic, NULL, 0);
    REFUSED(f, eni_eip_release(f->ctx, eip), ENI_EINUSE, "InvalidIPAddress.InUse");
    assert_associated(f, eip, nic, "10.0.1.10");
    assert_int_equal(eip_count(f), 1);
}

static void test_s3_disassociate_then_release(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_id keep = eip_new(f);
    eni_eip_assoc_id a = assoc(f, eip, nic, NULL, 0);
    MUTATE(f, eni_eip_disassociate(f->ctx, a));
    assert_unassociated(f, eip);
    assert_no_eip_on(f, nic, "10.0.1.10");
    assert_string_equal(nic_info(f, nic).public_ip, "");
    MUTATE(f, eni_eip_release(f->ctx, eip));
    assert_int_equal(eip_count(f), 1);
    eni_eip_id listed[2] = {{0}, {0}};
    uint32_t n = 0;
    assert_eni_ok(eni_eip_list(f->ctx, listed, 2, &n));
    assert_int_equal(n, 1);
    assert_int_equal(listed[0].v, keep.v);
    eni_eip_info i;
    memset(&i, 0, sizeof i);
    i.size = sizeof i;
    REFUSED(f, eni_eip_describe(f->ctx, eip, &i), ENI_ESTALE, "InvalidAllocationID.NotFound");
    REFUSED(f, eni_eip_release(f->ctx, eip), ENI_ESTALE, "InvalidAllocationID.NotFound");
    /* Disassociating the ended association of a released address: still a no-op. */
    MUTATE(f, eni_eip_disassociate(f->ctx, a));
}

static void test_s3_disassociate_idempotent(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id a = assoc(f, eip, nic, NULL, 0);
    MUTATE(f, eni_eip_disassociate(f->ctx, a));
    snap(f->ctx, &f->before);
    MUTATE(f, eni_eip_disassociate(f->ctx, a));
    snap(f->ctx, &f->after);
    assert_string_equal(f->before, f->after);
    assert_unassociated(f, eip);
    /* A new association gets a new id; the old one does not end it. */
    eni_eip_assoc_id b = assoc(f, eip, nic, NULL, 0);
    assert_int_not_equal(b.v, a.v);
    MUTATE(f, eni_eip_disassociate(f->ctx, a));
    assert_associated(f, eip, nic, "10.0.1.10");
    assert_int_equal(eip_info(f, eip).association.v, b.v);
}

static void test_s3_disassociate_never_issued(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id a = assoc(f, eip, nic, NULL, 0);
    eni_eip_assoc_id forged = {a.v + 50}; /* a slot never handed out (D1 layout) */
    REFUSED(f, eni_eip_disassociate(f->ctx, forged), ENI_ENOTFOUND,
            "InvalidAssociationID.NotFound");
    assert_associated(f, eip, nic, "10.0.1.10");
}

static void test_s3_disassociate_null_or_wrong_kind(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    (void)assoc(f, eip, nic, NULL, 0);
    eni_eip_assoc_id null_id = {0};
    eni_eip_assoc_id eip_as_assoc = {eip.v};
    eni_eip_assoc_id nic_as_assoc = {nic.v};
    REFUSED(f, eni_eip_disassociate(f->ctx, null_id), ENI_EINVAL,
            "InvalidAssociationID.Malformed");
    REFUSED(f, eni_eip_disassociate(f->ctx, eip_as_assoc), ENI_EINVAL,
            "InvalidAssociationID.Malformed");
    REFUSED(f, eni_eip_disassociate(f->ctx, nic_as_assoc), ENI_EINVAL,
            "InvalidAssociationID.Malformed");
    REFUSED(f, eni_eip_disassociate(NULL, null_id), ENI_EINVAL, "InvalidParameterValue");
    assert_associated(f, eip, nic, "10.0.1.10");
}

/* ---- 1.7 / 1.6: Elastic IPs and the lifetime of their addresses --------------------- */

static void test_s1_7_unassign_secondary_disassociates_eip(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", "10.0.1.41", NULL};
    eni_nic_id nic = nic_new(f, "10.0.1.10", sec);
    eni_eip_id e40 = eip_new(f), e41 = eip_new(f);
    eni_eip_assoc_id a40 = assoc(f, e40, nic, "10.0.1.40", 0);
    (void)assoc(f, e41, nic, "10.0.1.41", 0);
    MUTATE(f, eni_nic_unassign_private_ips(f->ctx, nic, &sec[0], 1));
    assert_unassociated(f, e40); /* disassociated, still allocated */
    assert_int_equal(eip_count(f), 2);
    assert_false(has_addr(f, nic, "10.0.1.40"));
    assert_associated(f, e41, nic, "10.0.1.41"); /* the neighbour keeps its EIP */
    MUTATE(f, eni_eip_disassociate(f->ctx, a40)); /* ended: no-op */
    /* It can be released now, and the address reassigned without it. */
    MUTATE(f, eni_eip_release(f->ctx, e40));
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, nic, &sec[0], 1, 0, 0));
    assert_no_eip_on(f, nic, "10.0.1.40");
}

static void test_s1_7_reassign_secondary_moves_eip(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id donor = nic_new(f, "10.0.1.10", sec);
    eni_nic_id taker = nic_new(f, "10.0.1.20", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id a = assoc(f, eip, donor, "10.0.1.40", 0);
    eni_eip_id other = eip_new(f);
    (void)assoc(f, other, donor, NULL, 0);
    /* Without the flag nothing moves. */
    REFUSED(f, eni_nic_assign_private_ips(f->ctx, taker, sec, 1, 0, 0), ENI_EINUSE,
            "Resource.AlreadyAssigned");
    MUTATE(f, eni_nic_assign_private_ips(f->ctx, taker, sec, 1, 0,
                                         ENI_ASSIGN_ALLOW_REASSIGNMENT));
    eni_eip_info i = eip_info(f, eip);
    assert_int_equal(i.nic.v, taker.v);
    assert_string_equal(i.private_ip, "10.0.1.40");
    assert_int_equal(i.association.v, a.v); /* the association moves with the address */
    assert_associated(f, eip, taker, "10.0.1.40");
    assert_false(has_addr(f, donor, "10.0.1.40"));
    assert_associated(f, other, donor, "10.0.1.10"); /* the donor's primary EIP stays */
    /* The moved association still ends normally. */
    MUTATE(f, eni_eip_disassociate(f->ctx, a));
    assert_unassociated(f, eip);
    assert_no_eip_on(f, taker, "10.0.1.40");
}

static void test_s1_6_delete_interface_disassociates_eips(void **state)
{
    fx *f = *state;
    const char *sec[] = {"10.0.1.40", NULL};
    eni_nic_id nic = nic_new(f, "10.0.1.10", sec);
    eni_nic_id bystander = nic_new(f, "10.0.1.11", NULL);
    eni_eip_id e1 = eip_new(f), e2 = eip_new(f), e3 = eip_new(f);
    eni_eip_assoc_id a1 = assoc(f, e1, nic, NULL, 0);
    (void)assoc(f, e2, nic, "10.0.1.40", 0);
    (void)assoc(f, e3, bystander, NULL, 0);
    MUTATE(f, eni_nic_delete(f->ctx, nic));
    assert_unassociated(f, e1);
    assert_unassociated(f, e2);
    assert_associated(f, e3, bystander, "10.0.1.11");
    assert_int_equal(eip_count(f), 3);
    MUTATE(f, eni_eip_disassociate(f->ctx, a1)); /* ended with the interface */
    /* Both can be released, or associated again elsewhere. */
    MUTATE(f, eni_eip_release(f->ctx, e1));
    (void)assoc(f, e2, bystander, NULL, 0);
    assert_associated(f, e2, bystander, "10.0.1.11");
    assert_unassociated(f, e3);
}

/* ---- 3: describe / list and argument errors ----------------------------------------- */

static void test_s3_describe_and_list(void **state)
{
    fx *f = *state;
    eni_eip_id ids[3];
    for (int k = 0; k < 3; k++)
        ids[k] = eip_new(f);
    eni_eip_id out[4] = {{0}, {0}, {0}, {0}};
    uint32_t n = 0;
    assert_eni_ok(eni_eip_list(f->ctx, out, 4, &n));
    assert_int_equal(n, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(out[k].v, ids[k].v);
    assert_int_equal(out[3].v, 0);
    memset(out, 0, sizeof out);
    assert_eni_ok(eni_eip_list(f->ctx, out, 2, &n));
    assert_int_equal(n, 3);
    assert_int_equal(out[1].v, ids[1].v);
    assert_int_equal(out[2].v, 0); /* past cap: untouched */
    /* describe: too small a size, NULL arguments. */
    eni_eip_info i;
    memset(&i, 0x5a, sizeof i);
    i.size = sizeof i - 1;
    REFUSED(f, eni_eip_describe(f->ctx, ids[0], &i), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(i.id.v, 0x5a5a5a5a5a5a5a5aull); /* untouched */
    i.size = sizeof i;
    REFUSED(f, eni_eip_describe(NULL, ids[0], &i), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_eip_describe(f->ctx, ids[0], NULL), ENI_EINVAL, "InvalidParameterValue");
    /* Larger than this library's: filled, tail untouched. */
    struct {
        eni_eip_info i;
        uint8_t tail[8];
    } big;
    memset(&big, 0xee, sizeof big);
    big.i.size = sizeof big;
    assert_eni_ok(eni_eip_describe(f->ctx, ids[1], &big.i));
    assert_int_equal(big.i.size, sizeof big);
    assert_int_equal(big.i.id.v, ids[1].v);
    for (size_t k = 0; k < sizeof big.tail; k++)
        assert_int_equal(big.tail[k], 0xee);
    /* list: NULL arguments. */
    REFUSED(f, eni_eip_list(NULL, out, 4, &n), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_eip_list(f->ctx, NULL, 4, &n), ENI_EINVAL, "InvalidParameterValue");
    REFUSED(f, eni_eip_list(f->ctx, out, 4, NULL), ENI_EINVAL, "InvalidParameterValue");
}

/* Listing is in ascending id order, also after a slot is reused. */
static void test_s3_list_in_id_order(void **state)
{
    fx *f = *state;
    eni_eip_id a = eip_new(f);
    (void)eip_new(f);
    (void)eip_new(f);
    MUTATE(f, eni_eip_release(f->ctx, a));
    eni_eip_id d = eip_new(f);
    assert_int_not_equal(d.v, a.v);
    eni_eip_id out[4];
    uint32_t n = 0;
    assert_eni_ok(eni_eip_list(f->ctx, out, 4, &n));
    assert_int_equal(n, 3);
    for (uint32_t k = 1; k < n; k++)
        if (out[k - 1].v >= out[k].v)
            fail_msg("list not in id order: %#llx before %#llx",
                     (unsigned long long)out[k - 1].v, (unsigned long long)out[k].v);
}

static void test_s3_null_arguments(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id out = {0};
    const char *code = "InvalidParameterValue";
    REFUSED(f, eni_eip_allocate(NULL, &eip), ENI_EINVAL, code);
    REFUSED(f, eni_eip_allocate(f->ctx, NULL), ENI_EINVAL, code);
    REFUSED(f, eni_eip_release(NULL, eip), ENI_EINVAL, code);
    REFUSED(f, eni_eip_associate(NULL, eip, nic, NULL, 0, &out), ENI_EINVAL, code);
    assert_int_equal(out.v, 0);
    assert_int_equal(eip_count(f), 1);
    /* out may be NULL. */
    MUTATE(f, eni_eip_associate(f->ctx, eip, nic, NULL, 0, NULL));
    assert_associated(f, eip, nic, "10.0.1.10");
}

static void test_s3_allocation_id_errors(void **state)
{
    fx *f = *state;
    eni_nic_id nic = nic_new(f, "10.0.1.10", NULL);
    eni_eip_id gone = eip_new(f);
    MUTATE(f, eni_eip_release(f->ctx, gone));
    eni_eip_id live = eip_new(f); /* reuses the slot */
    eip_fns_refuse(f, gone, nic, ENI_ESTALE, "InvalidAllocationID.NotFound");
    eni_eip_id wrong = {nic.v};
    eip_fns_refuse(f, wrong, nic, ENI_EINVAL, "InvalidAllocationID.Malformed");
    eni_eip_id null_id = {0};
    eip_fns_refuse(f, null_id, nic, ENI_EINVAL, "InvalidAllocationID.Malformed");
    eni_eip_id forged = {live.v + 40};
    eip_fns_refuse(f, forged, nic, ENI_ENOTFOUND, "InvalidAllocationID.NotFound");
    assert_unassociated(f, live);
}

static void test_s3_associate_interface_id_errors(void **state)
{
    fx *f = *state;
    eni_nic_id gone = nic_new(f, "10.0.1.10", NULL);
    MUTATE(f, eni_nic_delete(f->ctx, gone));
    eni_nic_id live = nic_new(f, "10.0.1.11", NULL);
    eni_eip_id eip = eip_new(f);
    eni_eip_assoc_id out = {0};
    REFUSED(f, eni_eip_associate(f->ctx, eip, gone, NULL, 0, &out), ENI_ESTALE,
            "InvalidNetworkInterfaceID.NotFound");
    eni_nic_id wrong = {f->sn.v};
    REFUSED(f, eni_eip_associate(f->ctx, eip, wrong, NULL, 0, &out), ENI_EINVAL,
            "InvalidNetworkInterfaceId.Malformed");
    eni_nic_id null_id = {0};
    REFUSED(f, eni_eip_associate(f->ctx, eip, null_id, NULL, 0, &out), ENI_EINVAL,
            "InvalidNetworkInterfaceId.Malformed");
    eni_nic_id forged = {live.v + 60};
    REFUSED(f, eni_eip_associate(f->ctx, eip, forged, NULL, 0, &out), ENI_ENOTFOUND,
            "InvalidNetworkInterfaceID.NotFound");
    assert_int_equal(out.v, 0);
    assert_unassociated(f, eip);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s3_allocate_up_to_quota),
        T(test_s3_public_ip_in_benchmark_range),
        T(test_s3_associate_primary),
        T(test_s3_associate_secondary_by_address),
        T(test_s3_associate_address_not_on_interface_refused),
        T(test_s3_associate_efa_only_refused),
        T(test_s3_associate_idempotent),
        T(test_s3_reassociation_moves_silently),
        T(test_s3_no_reassociation_flag_refused),
        T(test_s3_second_eip_replaces_first),
        T(test_s3_release_associated_refused),
        T(test_s3_disassociate_then_release),
        T(test_s3_disassociate_idempotent),
        T(test_s3_disassociate_never_issued),
        T(test_s3_disassociate_null_or_wrong_kind),
        T(test_s1_7_unassign_secondary_disassociates_eip),
        T(test_s1_7_reassign_secondary_moves_eip),
        T(test_s1_6_delete_interface_disassociates_eips),
        T(test_s3_describe_and_list),
        T(test_s3_list_in_id_order),
        T(test_s3_null_arguments),
        T(test_s3_allocation_id_errors),
        T(test_s3_associate_interface_id_errors),
    };
#undef T
    return cmocka_run_group_tests_name("model_eip", tests, NULL, NULL);
}
