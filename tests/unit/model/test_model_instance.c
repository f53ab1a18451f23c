/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Instances (include/eni/instance.h) and their use of the instance-type table
 * (include/eni/instance_type.h).
 *
 * Test names carry the section of /work/shared/reference/ec2-semantics.md
 * they check: 1.3 (instance states), 2.3 (per-type ENA/EFA data), 6
 * (enhanced networking prerequisites). Rules that come only from the header
 * contract are named test_h_... .
 *
 * Every mutation is followed by eni_ctx_check(); every refused call is
 * wrapped so that the model dump before and after must be identical. */
#include <stdlib.h>

#include "describe_helpers.h"
#include "model_build.h"
#include "model_refuse.h"

/* ---- helpers (the fixture is model_refuse.h's, mk_vpc and mk_subnet model_build.h's) */

/* One VPC with one subnet. */
static eni_subnet_id world(eni_ctx *ctx)
{
    return mk_subnet(ctx, mk_vpc(ctx, "10.0.0.0/16", 0, NULL), "10.0.1.0/24", NULL);
}

static eni_instance_spec ispec(eni_subnet_id subnet, const char *type, uint32_t virt,
                               uint32_t platform, uint32_t flags)
{
    eni_instance_spec spec = ENI_INSTANCE_SPEC_INIT;
    spec.subnet = subnet;
    spec.instance_type = type;
    spec.virtualization = virt;
    spec.platform = platform;
    spec.flags = flags;
    return spec;
}

static eni_instance_id mk_inst_full(eni_ctx *ctx, eni_subnet_id subnet, const char *type,
                                    uint32_t virt, uint32_t platform, uint32_t flags)
{
    eni_instance_spec spec = ispec(subnet, type, virt, platform, flags);
    eni_instance_id id = {0};
    MUTATE(ctx, eni_instance_create(ctx, &spec, &id));
    assert_int_not_equal(id.v, 0);
    assert_int_equal(eni_id_kind(id.v), ENI_KIND_INSTANCE);
    return id;
}

static eni_instance_id mk_inst(eni_ctx *ctx, eni_subnet_id subnet, const char *type)
{
    return mk_inst_full(ctx, subnet, type, ENI_VIRT_HVM, ENI_PLATFORM_LINUX, 0);
}

/* A create that must be refused without changing anything. */
static void inst_refused(eni_ctx *ctx, const eni_instance_spec *spec, int want_rc,
                         const char *want_ec2)
{
    eni_instance_id id = {0x1234};
    if (want_ec2)
        REFUSE(ctx, eni_instance_create(ctx, spec, &id), want_rc, want_ec2);
    else
        REFUSE_RC(ctx, eni_instance_create(ctx, spec, &id), want_rc);
    assert_int_equal(id.v, 0x1234);
}

static uint32_t state_of(eni_ctx *ctx, eni_instance_id inst)
{
    return describe_instance(ctx, inst).state;
}

static void set_state(eni_ctx *ctx, eni_instance_id inst, uint32_t st)
{
    MUTATE(ctx, eni_instance_set_state(ctx, inst, st));
    assert_int_equal(state_of(ctx, inst), st);
}

static const uint32_t all_states[6] = {
    ENI_INSTANCE_PENDING,    ENI_INSTANCE_RUNNING,  ENI_INSTANCE_SHUTTING_DOWN,
    ENI_INSTANCE_TERMINATED, ENI_INSTANCE_STOPPING, ENI_INSTANCE_STOPPED,
};

/* Drive a fresh (pending) instance to a state along legal transitions. */
static void drive(eni_ctx *ctx, eni_instance_id inst, uint32_t target)
{
    switch (target) {
    case ENI_INSTANCE_PENDING:
        break;
    case ENI_INSTANCE_RUNNING:
        set_state(ctx, inst, ENI_INSTANCE_RUNNING);
        break;
    case ENI_INSTANCE_STOPPING:
        set_state(ctx, inst, ENI_INSTANCE_RUNNING);
        set_state(ctx, inst, ENI_INSTANCE_STOPPING);
        break;
    case ENI_INSTANCE_STOPPED:
        set_state(ctx, inst, ENI_INSTANCE_RUNNING);
        set_state(ctx, inst, ENI_INSTANCE_STOPPING);
        set_state(ctx, inst, ENI_INSTANCE_STOPPED);
        break;
    case ENI_INSTANCE_SHUTTING_DOWN:
        set_state(ctx, inst, ENI_INSTANCE_SHUTTING_DOWN);
        break;
    case ENI_INSTANCE_TERMINATED:
        set_state(ctx, inst, ENI_INSTANCE_SHUTTING_DOWN);
        set_state(ctx, inst, ENI_INSTANCE_TERMINATED);
        break;
    default:
        fail();
    }
    assert_int_equal(state_of(ctx, inst), target);
}

/* The table of instance.h, written out independently of the library. */
static int legal(uint32_t from, uint32_t to)
{
    switch (from) {
    case ENI_INSTANCE_PENDING:
        return to == ENI_INSTANCE_RUNNING || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_RUNNING:
        return to == ENI_INSTANCE_STOPPING || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_STOPPING:
        return to == ENI_INSTANCE_STOPPED || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_STOPPED:
        return to == ENI_INSTANCE_PENDING || to == ENI_INSTANCE_SHUTTING_DOWN;
    case ENI_INSTANCE_SHUTTING_DOWN:
        return to == ENI_INSTANCE_TERMINATED;
    default:
        return 0;
    }
}

/* Terminate and forget an instance. */
static void dispose(eni_ctx *ctx, eni_instance_id inst)
{
    uint32_t st = state_of(ctx, inst);
    if (st != ENI_INSTANCE_SHUTTING_DOWN && st != ENI_INSTANCE_TERMINATED)
        set_state(ctx, inst, ENI_INSTANCE_SHUTTING_DOWN);
    if (state_of(ctx, inst) != ENI_INSTANCE_TERMINATED)
        set_state(ctx, inst, ENI_INSTANCE_TERMINATED);
    MUTATE(ctx, eni_instance_delete(ctx, inst));
}

/* List with a filter and compare with an expected set (in any order). */
static void expect_list(eni_ctx *ctx, const eni_instance_filter *f, const eni_instance_id *want,
                        uint32_t nwant)
{
    eni_instance_id out[16];
    uint32_t n = 0xffff;
    assert_eni_ok(eni_instance_list(ctx, f, out, 16, &n));
    assert_int_equal(n, nwant);
    for (uint32_t i = 0; i < nwant; i++) {
        int found = 0;
        for (uint32_t j = 0; j < n; j++)
            found += out[j].v == want[i].v;
        assert_int_equal(found, 1);
    }
    for (uint32_t j = 1; j < n; j++)
        assert_true(out[j - 1].v < out[j].v); /* id order */
}

/* ---- creation (sections 1.3, 2.3, 6) --------------------------------------- */

static void test_s1_3_create_is_pending(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_subnet_info si;
    memset(&si, 0, sizeof si);
    si.size = sizeof si;
    assert_eni_ok(eni_subnet_describe(ctx, s, &si));
    eni_instance_id i = mk_inst(ctx, s, "m5.large");
    eni_instance_info info = describe_instance(ctx, i);
    assert_int_equal(info.state, ENI_INSTANCE_PENDING);
    assert_int_equal(info.subnet.v, s.v);
    assert_int_equal(info.vpc.v, si.vpc.v);
    assert_string_equal(info.instance_type, "m5.large");
    assert_int_equal(info.virtualization, ENI_VIRT_HVM);
    assert_int_equal(info.platform, ENI_PLATFORM_LINUX);
    assert_int_equal(info.ena_support, 1);
    assert_int_equal(info.ena_active, 1);
    assert_int_equal(info.efa_capable, 0);
    assert_int_equal(info.nic_count, 0);
    /* An instance is not an interface: the subnet's addresses are untouched. */
    eni_subnet_info after;
    memset(&after, 0, sizeof after);
    after.size = sizeof after;
    assert_eni_ok(eni_subnet_describe(ctx, s, &after));
    assert_int_equal(after.available_ip_count, si.available_ip_count);
    assert_int_equal(after.nic_count, 0);
    /* Windows platform is reported. */
    eni_instance_id w = mk_inst_full(ctx, s, "t3.micro", ENI_VIRT_HVM, ENI_PLATFORM_WINDOWS, 0);
    assert_int_equal(describe_instance(ctx, w).platform, ENI_PLATFORM_WINDOWS);
    assert_string_equal(describe_instance(ctx, w).instance_type, "t3.micro");
}

static void test_s2_3_unknown_type(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    static const char *bad[] = {"m5.huge", "M5.large", "m5.large ", "", "m5", "t2.micro\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        eni_instance_spec spec = ispec(s, bad[i], ENI_VIRT_HVM, ENI_PLATFORM_LINUX, 0);
        inst_refused(ctx, &spec, ENI_ENOTFOUND, "InvalidInstanceType");
    }
    /* Same answer as the type table. */
    eni_instance_type_info ti;
    memset(&ti, 0, sizeof ti);
    ti.size = sizeof ti;
    assert_eni_fail(eni_instance_type_lookup("m5.huge", &ti), ENI_ENOTFOUND, "InvalidInstanceType");
    uint32_t n = 9;
    assert_eni_ok(eni_instance_list(ctx, NULL, NULL, 0, &n));
    assert_int_equal(n, 0);
}

static void test_s6_paravirtual_on_hvm_only_type(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_type_info ti;
    memset(&ti, 0, sizeof ti);
    ti.size = sizeof ti;
    static const char *hvm_only[] = {"t2.micro", "m5.large", "c5n.18xlarge", "h1.2xlarge"};
    for (size_t i = 0; i < sizeof hvm_only / sizeof hvm_only[0]; i++) {
        assert_eni_ok(eni_instance_type_lookup(hvm_only[i], &ti));
        assert_false(ti.flags & ENI_ITYPE_PARAVIRTUAL);
        eni_instance_spec spec = ispec(s, hvm_only[i], ENI_VIRT_PARAVIRTUAL, ENI_PLATFORM_LINUX, 0);
        inst_refused(ctx, &spec, ENI_EINVAL, "InvalidParameterCombination");
    }
}

static void test_s6_ena_required_without_attribute(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    static const char *required[] = {"m5.large", "t3.micro", "c5n.18xlarge", "m5.metal"};
    eni_instance_type_info ti;
    memset(&ti, 0, sizeof ti);
    ti.size = sizeof ti;
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        assert_eni_ok(eni_instance_type_lookup(required[i], &ti));
        assert_int_equal(ti.ena_support, ENI_ENA_REQUIRED);
        eni_instance_spec spec = ispec(s, required[i], ENI_VIRT_HVM, ENI_PLATFORM_LINUX,
                                       ENI_INSTANCE_NO_ENA_SUPPORT);
        inst_refused(ctx, &spec, ENI_EINVAL, "InvalidParameterCombination");
        spec.platform = ENI_PLATFORM_WINDOWS;
        inst_refused(ctx, &spec, ENI_EINVAL, "InvalidParameterCombination");
    }
}

static void test_s6_paravirtual_xen_type_has_no_ena(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    /* data/instance-types.csv: c1.medium,xen,hvm;paravirtual,...,unsupported */
    eni_instance_type_info ti;
    memset(&ti, 0, sizeof ti);
    ti.size = sizeof ti;
    assert_eni_ok(eni_instance_type_lookup("c1.medium", &ti));
    assert_int_equal(ti.hypervisor, ENI_HYPERVISOR_XEN);
    assert_true(ti.flags & ENI_ITYPE_PARAVIRTUAL);
    assert_true(ti.flags & ENI_ITYPE_HVM);
    eni_instance_id pv =
        mk_inst_full(ctx, s, "c1.medium", ENI_VIRT_PARAVIRTUAL, ENI_PLATFORM_LINUX, 0);
    eni_instance_info info = describe_instance(ctx, pv);
    assert_int_equal(info.state, ENI_INSTANCE_PENDING);
    assert_int_equal(info.virtualization, ENI_VIRT_PARAVIRTUAL);
    assert_int_equal(info.ena_active, 0);
    assert_int_equal(info.efa_capable, 0);
    /* The same type with an HVM AMI, and m1.small paravirtual. */
    eni_instance_id hvm = mk_inst(ctx, s, "c1.medium");
    assert_int_equal(describe_instance(ctx, hvm).virtualization, ENI_VIRT_HVM);
    assert_int_equal(describe_instance(ctx, hvm).ena_active, 0);
    eni_instance_id m1 =
        mk_inst_full(ctx, s, "m1.small", ENI_VIRT_PARAVIRTUAL, ENI_PLATFORM_WINDOWS, 0);
    assert_int_equal(describe_instance(ctx, m1).ena_active, 0);
}

static void test_s6_t2_micro_has_no_ena(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id i = mk_inst(ctx, s, "t2.micro");
    eni_instance_info info = describe_instance(ctx, i);
    assert_int_equal(info.ena_support, 1); /* the attribute is set ... */
    assert_int_equal(info.ena_active, 0);  /* ... but the type has no ENA */
    eni_instance_id j = mk_inst_full(ctx, s, "t2.micro", ENI_VIRT_HVM, ENI_PLATFORM_LINUX,
                                     ENI_INSTANCE_NO_ENA_SUPPORT);
    info = describe_instance(ctx, j);
    assert_int_equal(info.ena_support, 0);
    assert_int_equal(info.ena_active, 0);
}

static void test_s6_m5_large_ena_active(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id i = mk_inst(ctx, s, "m5.large");
    eni_instance_info info = describe_instance(ctx, i);
    assert_int_equal(info.ena_support, 1);
    assert_int_equal(info.ena_active, 1);
    /* It stays active through a stop/start cycle. */
    drive(ctx, i, ENI_INSTANCE_STOPPED);
    assert_int_equal(describe_instance(ctx, i).ena_active, 1);
    set_state(ctx, i, ENI_INSTANCE_PENDING);
    set_state(ctx, i, ENI_INSTANCE_RUNNING);
    assert_int_equal(describe_instance(ctx, i).ena_active, 1);
}

static void test_s6_ena_supported_type_follows_attribute(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_type_info ti;
    memset(&ti, 0, sizeof ti);
    ti.size = sizeof ti;
    assert_eni_ok(eni_instance_type_lookup("h1.2xlarge", &ti));
    assert_int_equal(ti.ena_support, ENI_ENA_SUPPORTED);
    eni_instance_id on = mk_inst(ctx, s, "h1.2xlarge");
    assert_int_equal(describe_instance(ctx, on).ena_active, 1);
    eni_instance_id off = mk_inst_full(ctx, s, "h1.2xlarge", ENI_VIRT_HVM, ENI_PLATFORM_LINUX,
                                       ENI_INSTANCE_NO_ENA_SUPPORT);
    eni_instance_info info = describe_instance(ctx, off);
    assert_int_equal(info.ena_support, 0);
    assert_int_equal(info.ena_active, 0);
    /* ModifyInstanceAttribute EnaSupport while stopped. */
    drive(ctx, off, ENI_INSTANCE_STOPPED);
    MUTATE(ctx, eni_instance_set_ena_support(ctx, off, 1));
    info = describe_instance(ctx, off);
    assert_int_equal(info.ena_support, 1);
    assert_int_equal(info.ena_active, 1);
    MUTATE(ctx, eni_instance_set_ena_support(ctx, off, 0));
    info = describe_instance(ctx, off);
    assert_int_equal(info.ena_support, 0);
    assert_int_equal(info.ena_active, 0);
    MUTATE(ctx, eni_instance_set_ena_support(ctx, off, 1));
    set_state(ctx, off, ENI_INSTANCE_PENDING);
    assert_int_equal(describe_instance(ctx, off).ena_active, 1);
}

static void test_s6_efa_needs_linux(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_type_info ti;
    memset(&ti, 0, sizeof ti);
    ti.size = sizeof ti;
    assert_eni_ok(eni_instance_type_lookup("c5n.18xlarge", &ti));
    assert_true(ti.flags & ENI_ITYPE_EFA);
    eni_instance_id lin = mk_inst(ctx, s, "c5n.18xlarge");
    assert_int_equal(describe_instance(ctx, lin).efa_capable, 1);
    eni_instance_id win =
        mk_inst_full(ctx, s, "c5n.18xlarge", ENI_VIRT_HVM, ENI_PLATFORM_WINDOWS, 0);
    assert_int_equal(describe_instance(ctx, win).efa_capable, 0);
    assert_int_equal(describe_instance(ctx, win).ena_active, 1); /* EFA acts as a plain ENA */
    /* Not EFA-capable types (section 2.3): plain m5 and c5.18xlarge. */
    assert_int_equal(describe_instance(ctx, mk_inst(ctx, s, "m5.large")).efa_capable, 0);
    assert_int_equal(describe_instance(ctx, mk_inst(ctx, s, "c5.18xlarge")).efa_capable, 0);
}

/* Every type of the table obeys the creation rules of instance.h. */
static void test_s2_3_every_type_follows_creation_rules(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    uint32_t count = eni_instance_type_count();
    assert_true(count > 100);
    uint32_t pv_ok = 0, no_ena_refused = 0, efa = 0;
    for (uint32_t k = 0; k < count; k++) {
        eni_instance_type_info ti;
        memset(&ti, 0, sizeof ti);
        ti.size = sizeof ti;
        assert_eni_ok(eni_instance_type_at(k, &ti));
        int required = ti.ena_support == ENI_ENA_REQUIRED;
        int has_ena = ti.ena_support != ENI_ENA_UNSUPPORTED;
        int has_efa = (ti.flags & ENI_ITYPE_EFA) != 0;

        /* HVM, Linux, enaSupport set. */
        if (ti.flags & ENI_ITYPE_HVM) {
            eni_instance_id i = mk_inst(ctx, s, ti.name);
            eni_instance_info info = describe_instance(ctx, i);
            assert_string_equal(info.instance_type, ti.name);
            assert_int_equal(info.state, ENI_INSTANCE_PENDING);
            assert_int_equal(info.ena_support, 1);
            assert_int_equal(info.ena_active, has_ena);
            assert_int_equal(info.efa_capable, has_efa);
            efa += has_efa;
            dispose(ctx, i);
        } else {
            eni_instance_spec spec = ispec(s, ti.name, ENI_VIRT_HVM, ENI_PLATFORM_LINUX, 0);
            inst_refused(ctx, &spec, ENI_EINVAL, "InvalidParameterCombination");
        }

        /* HVM, Windows, enaSupport off. */
        eni_instance_spec spec = ispec(s, ti.name, ENI_VIRT_HVM, ENI_PLATFORM_WINDOWS,
                                       ENI_INSTANCE_NO_ENA_SUPPORT);
        if (required || !(ti.flags & ENI_ITYPE_HVM)) {
            inst_refused(ctx, &spec, ENI_EINVAL, "InvalidParameterCombination");
            no_ena_refused += required;
        } else {
            eni_instance_id i = mk_inst_full(ctx, s, ti.name, ENI_VIRT_HVM, ENI_PLATFORM_WINDOWS,
                                             ENI_INSTANCE_NO_ENA_SUPPORT);
            eni_instance_info info = describe_instance(ctx, i);
            assert_int_equal(info.ena_support, 0);
            assert_int_equal(info.ena_active, 0);
            assert_int_equal(info.efa_capable, 0);
            dispose(ctx, i);
        }

        /* Paravirtual, Linux. */
        spec = ispec(s, ti.name, ENI_VIRT_PARAVIRTUAL, ENI_PLATFORM_LINUX, 0);
        if (!(ti.flags & ENI_ITYPE_PARAVIRTUAL) || required) {
            inst_refused(ctx, &spec, ENI_EINVAL, "InvalidParameterCombination");
        } else {
            eni_instance_id i =
                mk_inst_full(ctx, s, ti.name, ENI_VIRT_PARAVIRTUAL, ENI_PLATFORM_LINUX, 0);
            eni_instance_info info = describe_instance(ctx, i);
            assert_int_equal(info.virtualization, ENI_VIRT_PARAVIRTUAL);
            assert_int_equal(info.ena_active, 0); /* ENA needs HVM */
            pv_ok++;
            dispose(ctx, i);
        }
    }
    /* The table has all three kinds. */
    assert_true(pv_ok > 0);
    assert_true(no_ena_refused > 0);
    assert_true(efa > 0);
    uint32_t n = 9;
    assert_eni_ok(eni_instance_list(ctx, NULL, NULL, 0, &n));
    assert_int_equal(n, 0);
}

static void test_h_instance_create_bad_arguments(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_spec spec = ispec(s, "m5.large", ENI_VIRT_HVM, ENI_PLATFORM_LINUX, 0);
    eni_instance_id id = {0x77};
    REFUSE(ctx, eni_instance_create(NULL, &spec, &id), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_instance_create(ctx, NULL, &id), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_instance_create(ctx, &spec, NULL), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(id.v, 0x77);
    /* A missing type, unknown flags, virtualization or platform. */
    eni_instance_spec bad = spec;
    bad.instance_type = NULL;
    inst_refused(ctx, &bad, ENI_EINVAL, NULL);
    bad = spec;
    bad.flags = 1u << 1;
    inst_refused(ctx, &bad, ENI_EINVAL, NULL);
    bad.flags = 0x80000000u;
    inst_refused(ctx, &bad, ENI_EINVAL, NULL);
    static const uint32_t bad_virt[] = {0, 3, 255};
    for (size_t i = 0; i < 3; i++) {
        bad = spec;
        bad.virtualization = bad_virt[i];
        inst_refused(ctx, &bad, ENI_EINVAL, NULL);
        bad = spec;
        bad.platform = bad_virt[i];
        inst_refused(ctx, &bad, ENI_EINVAL, NULL);
    }
    /* Bad struct sizes. */
    bad = spec;
    bad.size = 4;
    inst_refused(ctx, &bad, ENI_EVERSION, NULL);
    bad.size = 0;
    inst_refused(ctx, &bad, ENI_EVERSION, NULL);
    struct {
        eni_instance_spec s;
        uint64_t extra;
    } big;
    memset(&big, 0, sizeof big);
    big.s = spec;
    big.s.size = sizeof big;
    big.extra = 1;
    inst_refused(ctx, &big.s, ENI_EVERSION, NULL);
    big.extra = 0;
    MUTATE(ctx, eni_instance_create(ctx, &big.s, &id));
    assert_string_equal(describe_instance(ctx, id).instance_type, "m5.large");
}

static void test_h_instance_create_subnet_id_errors(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id live = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    eni_subnet_id stale = mk_subnet(ctx, v, "10.0.2.0/24", NULL);
    MUTATE(ctx, eni_subnet_delete(ctx, stale));
    eni_instance_spec spec = ispec(stale, "m5.large", ENI_VIRT_HVM, ENI_PLATFORM_LINUX, 0);
    inst_refused(ctx, &spec, ENI_ESTALE, "InvalidSubnetID.NotFound");
    spec.subnet = (eni_subnet_id){v.v};
    inst_refused(ctx, &spec, ENI_EINVAL, "InvalidSubnetID.Malformed");
    spec.subnet = (eni_subnet_id){0};
    inst_refused(ctx, &spec, ENI_EINVAL, "InvalidSubnetID.Malformed");
    spec.subnet = live;
    eni_instance_id i;
    MUTATE(ctx, eni_instance_create(ctx, &spec, &i));
    assert_int_equal(describe_instance(ctx, i).subnet.v, live.v);
}

/* ---- the state machine (section 1.3, instance.h table) ----------------------- */

static void test_s1_3_all_transitions(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    uint32_t legal_seen = 0, illegal_seen = 0;
    for (size_t f = 0; f < 6; f++) {
        for (size_t t = 0; t < 6; t++) {
            uint32_t from = all_states[f], to = all_states[t];
            eni_instance_id i = mk_inst(ctx, s, "m5.large");
            drive(ctx, i, from);
            if (legal(from, to)) {
                MUTATE(ctx, eni_instance_set_state(ctx, i, to));
                assert_int_equal(state_of(ctx, i), to);
                legal_seen++;
            } else {
                REFUSE(ctx, eni_instance_set_state(ctx, i, to), ENI_ESTATE,
                       "IncorrectInstanceState");
                assert_int_equal(state_of(ctx, i), from);
                illegal_seen++;
            }
        }
    }
    assert_int_equal(legal_seen, 9);
    assert_int_equal(illegal_seen, 27);
}

static void test_s1_3_full_lifecycle(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id i = mk_inst(ctx, s, "t3.micro");
    static const uint32_t path[] = {
        ENI_INSTANCE_RUNNING, ENI_INSTANCE_STOPPING, ENI_INSTANCE_STOPPED,
        ENI_INSTANCE_PENDING, ENI_INSTANCE_RUNNING,  ENI_INSTANCE_STOPPING,
        ENI_INSTANCE_SHUTTING_DOWN, ENI_INSTANCE_TERMINATED,
    };
    for (size_t k = 0; k < sizeof path / sizeof path[0]; k++)
        set_state(ctx, i, path[k]);
    /* Terminated is final. */
    for (size_t t = 0; t < 6; t++)
        REFUSE(ctx, eni_instance_set_state(ctx, i, all_states[t]), ENI_ESTATE,
               "IncorrectInstanceState");
    assert_int_equal(state_of(ctx, i), ENI_INSTANCE_TERMINATED);
}

static void test_s1_3_unknown_state_value(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id i = mk_inst(ctx, s, "m5.large");
    static const uint32_t bad[] = {1, 15, 17, 33, 47, 96, 0xffffffffu};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        REFUSE_RC(ctx, eni_instance_set_state(ctx, i, bad[k]), ENI_EINVAL);
    assert_int_equal(state_of(ctx, i), ENI_INSTANCE_PENDING);
}

/* ---- enaSupport attribute (section 6) ---------------------------------------- */

static void test_s6_set_ena_support_only_when_stopped(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    for (size_t k = 0; k < 6; k++) {
        uint32_t st = all_states[k];
        eni_instance_id i = mk_inst_full(ctx, s, "h1.2xlarge", ENI_VIRT_HVM, ENI_PLATFORM_LINUX,
                                         ENI_INSTANCE_NO_ENA_SUPPORT);
        drive(ctx, i, st);
        if (st == ENI_INSTANCE_STOPPED) {
            MUTATE(ctx, eni_instance_set_ena_support(ctx, i, 1));
            assert_int_equal(describe_instance(ctx, i).ena_support, 1);
        } else {
            REFUSE(ctx, eni_instance_set_ena_support(ctx, i, 1), ENI_ESTATE,
                   "IncorrectInstanceState");
            REFUSE(ctx, eni_instance_set_ena_support(ctx, i, 0), ENI_ESTATE,
                   "IncorrectInstanceState");
            assert_int_equal(describe_instance(ctx, i).ena_support, 0);
            assert_int_equal(state_of(ctx, i), st);
        }
    }
}

static void test_s6_set_ena_support_required_type(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id i = mk_inst(ctx, s, "m5.large");
    drive(ctx, i, ENI_INSTANCE_STOPPED);
    REFUSE(ctx, eni_instance_set_ena_support(ctx, i, 0), ENI_EINVAL,
           "InvalidParameterCombination");
    eni_instance_info info = describe_instance(ctx, i);
    assert_int_equal(info.ena_support, 1);
    assert_int_equal(info.ena_active, 1);
    MUTATE(ctx, eni_instance_set_ena_support(ctx, i, 1)); /* setting it again is fine */
    assert_int_equal(describe_instance(ctx, i).ena_support, 1);
    /* Only 0 and 1. */
    REFUSE_RC(ctx, eni_instance_set_ena_support(ctx, i, 2), ENI_EINVAL);
    REFUSE_RC(ctx, eni_instance_set_ena_support(ctx, i, 0xffffffffu), ENI_EINVAL);
    eni_instance_id h = mk_inst(ctx, s, "h1.2xlarge");
    drive(ctx, h, ENI_INSTANCE_STOPPED);
    REFUSE_RC(ctx, eni_instance_set_ena_support(ctx, h, 2), ENI_EINVAL);
    assert_int_equal(describe_instance(ctx, h).ena_support, 1);
}

/* ---- delete, describe, ids --------------------------------------------------- */

static void test_h_instance_delete_only_terminated(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    for (size_t k = 0; k < 6; k++) {
        uint32_t st = all_states[k];
        eni_instance_id i = mk_inst(ctx, s, "m5.large");
        drive(ctx, i, st);
        if (st == ENI_INSTANCE_TERMINATED) {
            MUTATE(ctx, eni_instance_delete(ctx, i));
            eni_instance_info info;
            memset(&info, 0, sizeof info);
            info.size = sizeof info;
            REFUSE(ctx, eni_instance_describe(ctx, i, &info), ENI_ESTALE,
                   "InvalidInstanceID.NotFound");
        } else {
            REFUSE(ctx, eni_instance_delete(ctx, i), ENI_ESTATE, "IncorrectInstanceState");
            assert_int_equal(state_of(ctx, i), st);
        }
    }
    uint32_t n = 0;
    assert_eni_ok(eni_instance_list(ctx, NULL, NULL, 0, &n));
    assert_int_equal(n, 5);
}

static void test_h_instance_id_errors(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id live = mk_inst(ctx, s, "m5.large");
    eni_instance_id stale = mk_inst(ctx, s, "m5.large");
    drive(ctx, stale, ENI_INSTANCE_TERMINATED);
    MUTATE(ctx, eni_instance_delete(ctx, stale));
    eni_instance_id wrong = {s.v};
    eni_instance_id null = {0};
    eni_instance_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;

    const eni_instance_id bad[3] = {stale, wrong, null};
    const int rc[3] = {ENI_ESTALE, ENI_EINVAL, ENI_EINVAL};
    const char *code[3] = {"InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed",
                           "InvalidInstanceID.Malformed"};
    for (size_t k = 0; k < 3; k++) {
        REFUSE(ctx, eni_instance_describe(ctx, bad[k], &info), rc[k], code[k]);
        REFUSE(ctx, eni_instance_set_state(ctx, bad[k], ENI_INSTANCE_RUNNING), rc[k], code[k]);
        REFUSE(ctx, eni_instance_set_ena_support(ctx, bad[k], 1), rc[k], code[k]);
        REFUSE(ctx, eni_instance_delete(ctx, bad[k]), rc[k], code[k]);
    }
    assert_int_equal(info.id.v, 0); /* untouched */
    /* The stale id did not alias a newer instance. */
    eni_instance_id fresh = mk_inst(ctx, s, "t3.micro");
    assert_int_not_equal(fresh.v, stale.v);
    REFUSE(ctx, eni_instance_describe(ctx, stale, &info), ENI_ESTALE,
           "InvalidInstanceID.NotFound");
    /* The id string of a deleted instance no longer parses. */
    char str[ENI_ID_STRING_MAX];
    assert_eni_ok(eni_id_format(ctx, stale.v, str, sizeof str));
    assert_memory_equal(str, "i-0", 3);
    uint64_t got = 0;
    REFUSE(ctx, eni_id_parse(ctx, str, ENI_KIND_INSTANCE, &got), ENI_ENOTFOUND,
           "InvalidInstanceID.NotFound");
    assert_eni_ok(eni_id_format(ctx, live.v, str, sizeof str));
    assert_eni_ok(eni_id_parse(ctx, str, ENI_KIND_INSTANCE, &got));
    assert_int_equal(got, live.v);

    /* NULL arguments. */
    REFUSE(ctx, eni_instance_describe(NULL, live, &info), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_instance_describe(ctx, live, NULL), ENI_EINVAL, "InvalidParameterValue");
    REFUSE(ctx, eni_instance_set_state(NULL, live, ENI_INSTANCE_RUNNING), ENI_EINVAL,
           "InvalidParameterValue");
    REFUSE(ctx, eni_instance_set_ena_support(NULL, live, 1), ENI_EINVAL,
           "InvalidParameterValue");
    REFUSE(ctx, eni_instance_delete(NULL, live), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(state_of(ctx, live), ENI_INSTANCE_PENDING);
}

static void test_h_instance_describe_out_size(void **state)
{
    eni_ctx *ctx = *state;
    eni_subnet_id s = world(ctx);
    eni_instance_id i = mk_inst(ctx, s, "m5.large");
    eni_instance_info info;
    memset(&info, 0x5a, sizeof info);
    info.size = sizeof info - 1;
    REFUSE_RC(ctx, eni_instance_describe(ctx, i, &info), ENI_EINVAL);
    info.size = 8;
    REFUSE_RC(ctx, eni_instance_describe(ctx, i, &info), ENI_EINVAL);
    info.size = 0;
    REFUSE_RC(ctx, eni_instance_describe(ctx, i, &info), ENI_EINVAL);
    assert_int_equal(info.state, 0x5a5a5a5a); /* untouched */
    info.size = sizeof info;
    assert_eni_ok(eni_instance_describe(ctx, i, &info));
    assert_int_equal(info.state, ENI_INSTANCE_PENDING);
}

/* ---- listing ------------------------------------------------------------------ */

struct fleet {
    eni_vpc_id va, vb;
    eni_subnet_id s1, s2, s3;
    eni_instance_id pending, running, stopped, shutting, terminated;
};

/* VPC a: s1 {pending, running}, s2 {stopped}; VPC b: s3 {shutting-down, terminated}. */
static struct fleet mk_fleet(eni_ctx *ctx)
{
    struct fleet f;
    f.va = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    f.vb = mk_vpc(ctx, "10.1.0.0/16", 0, NULL);
    f.s1 = mk_subnet(ctx, f.va, "10.0.1.0/24", NULL);
    f.s2 = mk_subnet(ctx, f.va, "10.0.2.0/24", NULL);
    f.s3 = mk_subnet(ctx, f.vb, "10.1.1.0/24", NULL);
    f.pending = mk_inst(ctx, f.s1, "m5.large");
    f.running = mk_inst(ctx, f.s1, "m5.large");
    drive(ctx, f.running, ENI_INSTANCE_RUNNING);
    f.stopped = mk_inst(ctx, f.s2, "m5.large");
    drive(ctx, f.stopped, ENI_INSTANCE_STOPPED);
    f.shutting = mk_inst(ctx, f.s3, "t2.micro");
    drive(ctx, f.shutting, ENI_INSTANCE_SHUTTING_DOWN);
    f.terminated = mk_inst(ctx, f.s3, "t2.micro");
    drive(ctx, f.terminated, ENI_INSTANCE_TERMINATED);
    return f;
}

#define BIT(st) (1ull << ((st) / 16))

static void test_h_instance_list_state_mask(void **state)
{
    eni_ctx *ctx = *state;
    struct fleet fl = mk_fleet(ctx);
    eni_instance_filter f = ENI_INSTANCE_FILTER_INIT;
    expect_list(ctx, &f, (eni_instance_id[]){fl.pending, fl.running, fl.stopped, fl.shutting,
                                             fl.terminated}, 5);
    f.state_mask = BIT(ENI_INSTANCE_RUNNING);
    expect_list(ctx, &f, (eni_instance_id[]){fl.running}, 1);
    f.state_mask = BIT(ENI_INSTANCE_PENDING) | BIT(ENI_INSTANCE_STOPPED);
    expect_list(ctx, &f, (eni_instance_id[]){fl.pending, fl.stopped}, 2);
    f.state_mask = BIT(ENI_INSTANCE_TERMINATED);
    expect_list(ctx, &f, (eni_instance_id[]){fl.terminated}, 1);
    f.state_mask = BIT(ENI_INSTANCE_SHUTTING_DOWN);
    expect_list(ctx, &f, (eni_instance_id[]){fl.shutting}, 1);
    f.state_mask = BIT(ENI_INSTANCE_STOPPING);
    expect_list(ctx, &f, NULL, 0);
    f.state_mask = BIT(ENI_INSTANCE_PENDING) | BIT(ENI_INSTANCE_RUNNING) |
                   BIT(ENI_INSTANCE_SHUTTING_DOWN) | BIT(ENI_INSTANCE_TERMINATED) |
                   BIT(ENI_INSTANCE_STOPPING) | BIT(ENI_INSTANCE_STOPPED);
    expect_list(ctx, &f, (eni_instance_id[]){fl.pending, fl.running, fl.stopped, fl.shutting,
                                             fl.terminated}, 5);
    /* The filter follows state changes. */
    set_state(ctx, fl.running, ENI_INSTANCE_STOPPING);
    f.state_mask = BIT(ENI_INSTANCE_STOPPING);
    expect_list(ctx, &f, (eni_instance_id[]){fl.running}, 1);
    f.state_mask = BIT(ENI_INSTANCE_RUNNING);
    expect_list(ctx, &f, NULL, 0);
}

static void test_h_instance_list_subnet_and_vpc_filter(void **state)
{
    eni_ctx *ctx = *state;
    struct fleet fl = mk_fleet(ctx);
    eni_instance_filter f = ENI_INSTANCE_FILTER_INIT;
    f.subnet = fl.s1;
    expect_list(ctx, &f, (eni_instance_id[]){fl.pending, fl.running}, 2);
    f.subnet = fl.s2;
    expect_list(ctx, &f, (eni_instance_id[]){fl.stopped}, 1);
    f.subnet = fl.s3;
    expect_list(ctx, &f, (eni_instance_id[]){fl.shutting, fl.terminated}, 2);
    f.state_mask = BIT(ENI_INSTANCE_TERMINATED);
    expect_list(ctx, &f, (eni_instance_id[]){fl.terminated}, 1);
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.vpc = fl.va;
    expect_list(ctx, &f, (eni_instance_id[]){fl.pending, fl.running, fl.stopped}, 3);
    f.state_mask = BIT(ENI_INSTANCE_RUNNING);
    expect_list(ctx, &f, (eni_instance_id[]){fl.running}, 1);
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.vpc = fl.vb;
    f.subnet = fl.s1; /* a subnet of the other VPC: nothing matches both */
    expect_list(ctx, &f, NULL, 0);
    f.subnet = fl.s3;
    expect_list(ctx, &f, (eni_instance_id[]){fl.shutting, fl.terminated}, 2);
    /* An empty subnet. */
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.subnet = mk_subnet(ctx, fl.va, "10.0.3.0/24", NULL);
    expect_list(ctx, &f, NULL, 0);
}

static void test_h_instance_list_cap_and_arguments(void **state)
{
    eni_ctx *ctx = *state;
    struct fleet fl = mk_fleet(ctx);
    eni_instance_id all[8];
    uint32_t n = 0;
    assert_eni_ok(eni_instance_list(ctx, NULL, all, 8, &n));
    assert_int_equal(n, 5);
    eni_instance_id part[3] = {{0xbeef}, {0xbeef}, {0xbeef}};
    assert_eni_ok(eni_instance_list(ctx, NULL, part, 2, &n));
    assert_int_equal(n, 5);
    assert_int_equal(part[0].v, all[0].v);
    assert_int_equal(part[1].v, all[1].v);
    assert_int_equal(part[2].v, 0xbeef);
    eni_instance_filter f = ENI_INSTANCE_FILTER_INIT;
    f.vpc = fl.va;
    assert_eni_ok(eni_instance_list(ctx, &f, part, 1, &n));
    assert_int_equal(n, 3);
    assert_eni_ok(eni_instance_list(ctx, &f, NULL, 0, &n));
    assert_int_equal(n, 3);

    n = 77;
    REFUSE_RC(ctx, eni_instance_list(NULL, NULL, all, 8, &n), ENI_EINVAL);
    REFUSE_RC(ctx, eni_instance_list(ctx, NULL, all, 8, NULL), ENI_EINVAL);
    REFUSE_RC(ctx, eni_instance_list(ctx, NULL, NULL, 1, &n), ENI_EINVAL);
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.reserved0 = 1;
    REFUSE_RC(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_EINVAL);
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.size = 4;
    REFUSE_RC(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_EVERSION);
    f.size = 0;
    REFUSE_RC(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_EVERSION);

    /* Filter ids: stale, wrong kind. */
    eni_subnet_id gone = mk_subnet(ctx, fl.va, "10.0.9.0/24", NULL);
    MUTATE(ctx, eni_subnet_delete(ctx, gone));
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.subnet = gone;
    REFUSE(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_ESTALE, "InvalidSubnetID.NotFound");
    f.subnet = (eni_subnet_id){fl.va.v};
    REFUSE(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_EINVAL, "InvalidSubnetID.Malformed");
    eni_vpc_id vgone = mk_vpc(ctx, "10.9.0.0/16", 0, NULL);
    MUTATE(ctx, eni_vpc_delete(ctx, vgone));
    f = (eni_instance_filter)ENI_INSTANCE_FILTER_INIT;
    f.vpc = vgone;
    REFUSE(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_ESTALE, "InvalidVpcID.NotFound");
    f.vpc = (eni_vpc_id){fl.s1.v};
    REFUSE(ctx, eni_instance_list(ctx, &f, all, 8, &n), ENI_EINVAL, "InvalidVpcID.Malformed");
    assert_int_equal(n, 77);
}

/* ---- instances keep their subnet alive ------------------------------------------ */

static void test_h_subnet_delete_with_instance(void **state)
{
    eni_ctx *ctx = *state;
    eni_vpc_id v = mk_vpc(ctx, "10.0.0.0/16", 0, NULL);
    eni_subnet_id s = mk_subnet(ctx, v, "10.0.1.0/24", NULL);
    eni_instance_id i = mk_inst(ctx, s, "m5.large");
    REFUSE(ctx, eni_subnet_delete(ctx, s), ENI_EDEPEND, "DependencyViolation");
    drive(ctx, i, ENI_INSTANCE_RUNNING);
    REFUSE(ctx, eni_subnet_delete(ctx, s), ENI_EDEPEND, "DependencyViolation");
    set_state(ctx, i, ENI_INSTANCE_SHUTTING_DOWN);
    REFUSE(ctx, eni_subnet_delete(ctx, s), ENI_EDEPEND, "DependencyViolation");
    REFUSE(ctx, eni_vpc_delete(ctx, v), ENI_EDEPEND, "DependencyViolation");
    set_state(ctx, i, ENI_INSTANCE_TERMINATED);
    MUTATE(ctx, eni_instance_delete(ctx, i));
    MUTATE(ctx, eni_subnet_delete(ctx, s));
    MUTATE(ctx, eni_vpc_delete(ctx, v));
    uint32_t n = 9;
    assert_eni_ok(eni_instance_list(ctx, NULL, NULL, 0, &n));
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, ctx_setup, ctx_teardown)
        T(test_s1_3_create_is_pending),
        T(test_s2_3_unknown_type),
        T(test_s6_paravirtual_on_hvm_only_type),
        T(test_s6_ena_required_without_attribute),
        T(test_s6_paravirtual_xen_type_has_no_ena),
        T(test_s6_t2_micro_has_no_ena),
        T(test_s6_m5_large_ena_active),
        T(test_s6_ena_supported_type_follows_attribute),
        T(test_s6_efa_needs_linux),
        T(test_s2_3_every_type_follows_creation_rules),
        T(test_h_instance_create_bad_arguments),
        T(test_h_instance_create_subnet_id_errors),
        T(test_s1_3_all_transitions),
        T(test_s1_3_full_lifecycle),
        T(test_s1_3_unknown_state_value),
        T(test_s6_set_ena_support_only_when_stopped),
        T(test_s6_set_ena_support_required_type),
        T(test_h_instance_delete_only_terminated),
        T(test_h_instance_id_errors),
        T(test_h_instance_describe_out_size),
        T(test_h_instance_list_state_mask),
        T(test_h_instance_list_subnet_and_vpc_filter),
        T(test_h_instance_list_cap_and_arguments),
        T(test_h_subnet_delete_with_instance),
#undef T
    };
    return cmocka_run_group_tests_name("model_instance", tests, NULL, NULL);
}
