/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The instance-type table: values from data/instance-types.csv, ordering,
 * the size-first output rule and the error paths. */
#include <pthread.h>

#include "test_helpers.h"
#include "model/types/instance_type_table.h"

#define INFO_INIT(v) (memset(&(v), 0, sizeof(v)), (v).size = sizeof(v))

static eni_instance_type_info lookup_ok(const char *name)
{
    eni_instance_type_info info;
    INFO_INIT(info);
    eni_error_clear();
    assert_eni_ok(eni_instance_type_lookup(name, &info));
    assert_int_equal(eni_error_last()->code, ENI_OK); /* success records nothing */
    assert_int_equal(info.size, sizeof info);
    assert_string_equal(info.name, name);
    return info;
}

static void assert_cards(const eni_instance_type_info *info, uint32_t n, const uint32_t *want)
{
    assert_int_equal(info->max_network_cards, n);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) {
        assert_int_equal(info->card_max_interfaces[i], want[i]);
        sum += want[i];
    }
    for (uint32_t i = n; i < ENI_MAX_NETWORK_CARDS; i++)
        assert_int_equal(info->card_max_interfaces[i], 0);
    assert_int_equal(info->max_interfaces, sum);
}

static void test_t2_micro_is_xen_without_ena(void **state)
{
    (void)state;
    eni_instance_type_info i = lookup_ok("t2.micro");
    assert_int_equal(i.hypervisor, ENI_HYPERVISOR_XEN);
    assert_int_equal(i.max_interfaces, 2);
    assert_cards(&i, 1, (const uint32_t[]){2});
    assert_int_equal(i.ipv4_per_interface, 2);
    assert_int_equal(i.ipv6_per_interface, 2);
    assert_int_equal(i.ena_support, ENI_ENA_UNSUPPORTED);
    assert_int_equal(i.flags, ENI_ITYPE_HVM | ENI_ITYPE_IPV6); /* hvm only, no paravirtual */
    assert_int_equal(i.max_efa_interfaces, 0);
    assert_int_equal(i.default_tcp_established_timeout, 432000);
    assert_int_equal(i.default_udp_stream_timeout, 180);
    assert_int_equal(i.default_udp_timeout, 30);
}

static void test_m5_large(void **state)
{
    (void)state;
    eni_instance_type_info i = lookup_ok("m5.large");
    assert_int_equal(i.hypervisor, ENI_HYPERVISOR_NITRO);
    assert_int_equal(i.ena_support, ENI_ENA_REQUIRED);
    assert_int_equal(i.max_interfaces, 3);
    assert_cards(&i, 1, (const uint32_t[]){3});
    assert_int_equal(i.ipv4_per_interface, 10);
    assert_int_equal(i.ipv6_per_interface, 10);
    assert_int_equal(i.flags, ENI_ITYPE_HVM | ENI_ITYPE_IPV6);
}

static void test_efa_types_and_network_cards(void **state)
{
    (void)state;
    eni_instance_type_info i = lookup_ok("c5n.18xlarge");
    assert_true(i.flags & ENI_ITYPE_EFA);
    assert_int_equal(i.max_efa_interfaces, 1);
    assert_cards(&i, 1, (const uint32_t[]){15});
    assert_int_equal(i.ipv4_per_interface, 50);

    i = lookup_ok("p4d.24xlarge");
    assert_int_equal(i.max_interfaces, 60);
    assert_cards(&i, 4, (const uint32_t[]){15, 15, 15, 15});
    assert_true(i.flags & ENI_ITYPE_EFA);
    assert_int_equal(i.max_efa_interfaces, 4);

    i = lookup_ok("p5.48xlarge");
    uint32_t p5[32];
    for (int k = 0; k < 32; k++)
        p5[k] = 2;
    assert_cards(&i, 32, p5);
    assert_int_equal(i.max_interfaces, 64);
    assert_int_equal(i.max_efa_interfaces, 32);

    i = lookup_ok("c6in.32xlarge");
    assert_int_equal(i.max_interfaces, 16);
    assert_cards(&i, 2, (const uint32_t[]){8, 8});
    assert_int_equal(i.max_efa_interfaces, 2);
}

static void test_paravirtual_ena_supported_and_short_timeout(void **state)
{
    (void)state;
    eni_instance_type_info i = lookup_ok("m1.small"); /* hvm;paravirtual, no IPv6 */
    assert_int_equal(i.flags, ENI_ITYPE_HVM | ENI_ITYPE_PARAVIRTUAL);
    assert_int_equal(i.hypervisor, ENI_HYPERVISOR_XEN);
    assert_int_equal(i.ipv4_per_interface, 4);
    assert_int_equal(i.ipv6_per_interface, 0);
    assert_int_equal(i.ena_support, ENI_ENA_UNSUPPORTED);

    i = lookup_ok("h1.2xlarge");
    assert_int_equal(i.ena_support, ENI_ENA_SUPPORTED);

    i = lookup_ok("c8a.2xlarge"); /* a Nitro type with the 350 s TCP default */
    assert_int_equal(i.hypervisor, ENI_HYPERVISOR_NITRO);
    assert_int_equal(i.default_tcp_established_timeout, 350);
    assert_int_equal(i.default_udp_stream_timeout, 180);
    assert_int_equal(i.default_udp_timeout, 30);
    assert_int_equal(i.ipv4_per_interface, 40);
}

static void test_bare_metal(void **state)
{
    (void)state;
    eni_instance_type_info i = lookup_ok("m5.metal");
    assert_int_equal(i.hypervisor, ENI_HYPERVISOR_NONE);
    assert_int_equal(i.flags, ENI_ITYPE_BARE_METAL | ENI_ITYPE_HVM | ENI_ITYPE_IPV6);
    assert_int_equal(i.ena_support, ENI_ENA_REQUIRED);
    assert_cards(&i, 1, (const uint32_t[]){15});

    i = lookup_ok("c7i.metal-24xl"); /* bare metal without ".metal" at the end */
    assert_int_equal(i.hypervisor, ENI_HYPERVISOR_NONE);
    assert_true(i.flags & ENI_ITYPE_BARE_METAL);

    i = lookup_ok("m5.24xlarge");
    assert_false(i.flags & ENI_ITYPE_BARE_METAL);
}

static void test_table_is_ordered_and_consistent(void **state)
{
    (void)state;
    uint32_t n = eni_instance_type_count();
    assert_int_equal(n, 1263);
    assert_int_equal(eni__itype_count, n);
    const uint32_t known = ENI_ITYPE_BARE_METAL | ENI_ITYPE_HVM | ENI_ITYPE_PARAVIRTUAL |
                           ENI_ITYPE_IPV6 | ENI_ITYPE_EFA;
    char prev[ENI_INSTANCE_TYPE_NAME_MAX] = "";
    for (uint32_t k = 0; k < n; k++) {
        eni_instance_type_info a, b;
        INFO_INIT(a);
        assert_eni_ok(eni_instance_type_at(k, &a));
        assert_non_null(memchr(a.name, '\0', sizeof a.name));
        if (k > 0)
            assert_true(strcmp(prev, a.name) < 0); /* strictly increasing */
        memcpy(prev, a.name, sizeof prev);

        /* lookup by name agrees with the index, field for field */
        INFO_INIT(b);
        assert_eni_ok(eni_instance_type_lookup(a.name, &b));
        assert_memory_equal(&a, &b, sizeof a);
        assert_ptr_equal(eni__itype_find(a.name), &eni__itype_table[k]);

        assert_int_equal(a.flags & ~known, 0);
        assert_true(a.flags & ENI_ITYPE_HVM);
        assert_true(a.hypervisor <= ENI_HYPERVISOR_XEN);
        assert_true(a.ena_support <= ENI_ENA_REQUIRED);
        assert_int_equal(a.hypervisor == ENI_HYPERVISOR_NONE,
                         (a.flags & ENI_ITYPE_BARE_METAL) != 0);
        assert_int_equal(a.max_efa_interfaces > 0, (a.flags & ENI_ITYPE_EFA) != 0);
        assert_true(a.max_network_cards >= 1 && a.max_network_cards <= ENI_MAX_NETWORK_CARDS);
        uint32_t sum = 0;
        for (uint32_t c = 0; c < ENI_MAX_NETWORK_CARDS; c++) {
            if (c >= a.max_network_cards)
                assert_int_equal(a.card_max_interfaces[c], 0);
            assert_int_equal(a.card_max_interfaces[c],
                             eni__itype_card_max(&eni__itype_table[k], c));
            sum += a.card_max_interfaces[c];
        }
        assert_true(sum >= 1);
        assert_int_equal(sum, a.max_interfaces);
        assert_true(a.ipv4_per_interface >= 1);
    }
    /* the first and last rows of the CSV (already in order) */
    eni_instance_type_info first, last;
    INFO_INIT(first);
    INFO_INIT(last);
    assert_eni_ok(eni_instance_type_at(0, &first));
    assert_eni_ok(eni_instance_type_at(n - 1, &last));
    assert_string_equal(first.name, "a1.2xlarge");
    assert_string_equal(last.name, "z1d.xlarge");
}

static void test_unknown_and_bad_names(void **state)
{
    (void)state;
    eni_instance_type_info info, before;
    INFO_INIT(info);
    memset(info.name, 'x', sizeof info.name); /* a pattern failures must leave alone */
    info.max_interfaces = 0xdeadbeef;
    before = info;

    const char *unknown[] = {
        "", "m5.LARGE", "M5.large", "m5.larg", "m5.large ", " m5.large", "m5", "nope.large",
        "a", "zzz.zzz", "0", "m5.largeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
    };
    for (size_t k = 0; k < sizeof unknown / sizeof unknown[0]; k++) {
        assert_eni_fail(eni_instance_type_lookup(unknown[k], &info), ENI_ENOTFOUND,
                        "InvalidInstanceType");
        assert_memory_equal(&info, &before, sizeof info);
        assert_null(eni__itype_find(unknown[k]));
    }
    assert_eni_fail(eni_instance_type_lookup("m5.LARGE", &info), ENI_ENOTFOUND,
                    "InvalidInstanceType");
    assert_non_null(strstr(eni_error_last()->message, "'m5.LARGE'"));

    assert_eni_fail(eni_instance_type_lookup(NULL, &info), ENI_EINVAL, "InvalidParameterValue");
    assert_memory_equal(&info, &before, sizeof info);
    assert_null(eni__itype_find(NULL));
    assert_eni_fail(eni_instance_type_lookup("m5.large", NULL), ENI_EINVAL,
                    "InvalidParameterValue");
}

static void test_small_struct_and_bad_index(void **state)
{
    (void)state;
    eni_instance_type_info info, before;
    memset(&info, 0x5a, sizeof info);
    const uint32_t small[] = {0, 4, 8, sizeof info - 4, sizeof info - 1};
    for (size_t k = 0; k < sizeof small / sizeof small[0]; k++) {
        info.size = small[k];
        before = info;
        assert_eni_fail(eni_instance_type_lookup("m5.large", &info), ENI_EINVAL,
                        "InvalidParameterValue");
        assert_memory_equal(&info, &before, sizeof info);
        assert_eni_fail(eni_instance_type_at(0, &info), ENI_EINVAL, "InvalidParameterValue");
        assert_memory_equal(&info, &before, sizeof info);
    }
    /* an argument error wins over an unknown name */
    assert_eni_fail(eni_instance_type_lookup("nope.large", &info), ENI_EINVAL,
                    "InvalidParameterValue");

    info.size = sizeof info;
    before = info;
    const uint32_t bad[] = {eni_instance_type_count(), eni_instance_type_count() + 1, UINT32_MAX};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_eni_fail(eni_instance_type_at(bad[k], &info), ENI_EINVAL, "InvalidParameterValue");
        assert_memory_equal(&info, &before, sizeof info);
    }
    assert_eni_fail(eni_instance_type_at(0, NULL), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_ok(eni_instance_type_at(eni_instance_type_count() - 1, &info));
}

static void test_larger_caller_struct(void **state)
{
    (void)state;
    /* A caller built against a future header with more fields. */
    struct {
        eni_instance_type_info info;
        uint64_t later[5];
    } big;
    memset(&big, 0xa5, sizeof big);
    big.info.size = sizeof big;
    assert_eni_ok(eni_instance_type_lookup("p4d.24xlarge", &big.info));
    assert_int_equal(big.info.size, sizeof big); /* the caller's size stays */
    assert_string_equal(big.info.name, "p4d.24xlarge");
    assert_int_equal(big.info.max_interfaces, 60);
    assert_int_equal(big.info.card_max_interfaces[3], 15);
    assert_int_equal(big.info.card_max_interfaces[4], 0);
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(big.later[k], 0xa5a5a5a5a5a5a5a5ull); /* never written past our layout */
    /* every byte of the name past its NUL is zero too */
    for (size_t k = strlen(big.info.name); k < sizeof big.info.name; k++)
        assert_int_equal(big.info.name[k], 0);

    memset(&big, 0xa5, sizeof big);
    big.info.size = sizeof big;
    assert_eni_ok(eni_instance_type_at(0, &big.info));
    assert_int_equal(big.info.size, sizeof big);
    assert_string_equal(big.info.name, "a1.2xlarge");
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(big.later[k], 0xa5a5a5a5a5a5a5a5ull);
}

/* Lookups from several threads at once; each keeps its own error record. */
static void *lookup_thread(void *arg)
{
    (void)arg;
    uint32_t n = eni_instance_type_count();
    for (uint32_t k = 0; k < n; k++) {
        eni_instance_type_info a, b;
        INFO_INIT(a);
        INFO_INIT(b);
        if (eni_instance_type_at(k, &a) != ENI_OK || eni_instance_type_lookup(a.name, &b) != ENI_OK ||
            memcmp(&a, &b, sizeof a) != 0)
            return (void *)1;
        if (eni_instance_type_lookup("not.a.type", &b) != ENI_ENOTFOUND ||
            strcmp(eni_error_last()->ec2_code, "InvalidInstanceType") != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_concurrent_lookups(void **state)
{
    (void)state;
    pthread_t th[4];
    for (int k = 0; k < 4; k++)
        assert_int_equal(pthread_create(&th[k], NULL, lookup_thread, NULL), 0);
    for (int k = 0; k < 4; k++) {
        void *res;
        assert_int_equal(pthread_join(th[k], &res), 0);
        assert_null(res);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t2_micro_is_xen_without_ena),
        cmocka_unit_test(test_m5_large),
        cmocka_unit_test(test_efa_types_and_network_cards),
        cmocka_unit_test(test_paravirtual_ena_supported_and_short_timeout),
        cmocka_unit_test(test_bare_metal),
        cmocka_unit_test(test_table_is_ordered_and_consistent),
        cmocka_unit_test(test_unknown_and_bad_names),
        cmocka_unit_test(test_small_struct_and_bad_index),
        cmocka_unit_test(test_larger_caller_struct),
        cmocka_unit_test(test_concurrent_lookups),
    };
    return cmocka_run_group_tests_name("instance_type", tests, NULL, NULL);
}
