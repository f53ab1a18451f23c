/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* lib/util pieces the core stands on: the id permutation and struct copy-in. */
#include "test_helpers.h"
#include <arpa/inet.h>
#include <stdlib.h>

#include "util/abi_struct.h"
#include "util/addr.h"
#include "util/addrmap.h"
#include "util/perm64.h"

static void test_perm64_round_trips_and_spreads(void **state)
{
    (void)state;
    uint64_t x = 0x0123456789abcdefULL;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t e = eni__perm64_encode(x, 99);
        assert_int_equal(eni__perm64_decode(e, 99), x);
    }
    /* neighbouring ids map far apart; different keys differ */
    uint64_t a = eni__perm64_encode(1, 5), b = eni__perm64_encode(2, 5);
    assert_true(__builtin_popcountll(a ^ b) > 10);
    assert_int_not_equal(eni__perm64_encode(1, 5), eni__perm64_encode(1, 6));
    assert_int_not_equal(eni__perm64_decode(a, 6), 1);
}

struct v1 { uint32_t size; uint32_t a; };
struct v2 { uint32_t size; uint32_t a; uint64_t b; };

static void test_struct_copy_in_rules(void **state)
{
    (void)state;
    struct v2 own;
    /* older caller: copied, tail zero-filled */
    struct v1 old = {sizeof old, 7};
    memset(&own, 0xff, sizeof own);
    assert_true(eni__struct_copy_in(&own, sizeof own, &old, old.size, sizeof(struct v1)));
    assert_int_equal(own.a, 7);
    assert_int_equal(own.b, 0);
    /* too small */
    assert_false(eni__struct_copy_in(&own, sizeof own, &old, 4, sizeof(struct v1)));
    /* newer caller with zero tail, then with a non-zero tail */
    struct { struct v2 v; uint64_t c; } newer = {{sizeof newer, 1, 2}, 0};
    assert_true(eni__struct_copy_in(&own, sizeof own, &newer, sizeof newer, sizeof(struct v1)));
    assert_int_equal(own.b, 2);
    newer.c = 3;
    assert_false(eni__struct_copy_in(&own, sizeof own, &newer, sizeof newer, sizeof(struct v1)));
}

/* Output structs: a size below the first layout or above ENI_STRUCT_SIZE_MAX
 * writes nothing; otherwise nothing is written past the library's layout,
 * whatever the caller's size claims. */
static void test_struct_copy_out_rules(void **state)
{
    (void)state;
    struct v2 src = {sizeof src, 5, 6};
    struct { struct v2 v; uint8_t after[32]; } dst;
    const uint32_t bad[] = {0, 4, sizeof(struct v1) - 1, ENI_STRUCT_SIZE_MAX + 1, 1u << 30,
                            0x41414141u, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&dst, 0x5a, sizeof dst);
        dst.v.size = bad[i];
        assert_false(eni__struct_copy_out(&dst.v, bad[i], &src, sizeof src, sizeof(struct v1)));
        assert_int_equal(dst.v.a, 0x5a5a5a5au); /* nothing written */
        assert_int_equal(dst.v.size, bad[i]);
    }
    /* A size that claims more than ours (up to the maximum): ours is
     * written, the caller's size kept, not a byte after. */
    memset(&dst, 0x5a, sizeof dst);
    dst.v.size = ENI_STRUCT_SIZE_MAX;
    assert_true(eni__struct_copy_out(&dst.v, ENI_STRUCT_SIZE_MAX, &src, sizeof src,
                                     sizeof(struct v1)));
    assert_int_equal(dst.v.size, ENI_STRUCT_SIZE_MAX);
    assert_int_equal(dst.v.a, 5);
    assert_int_equal(dst.v.b, 6);
    for (size_t k = 0; k < sizeof dst.after; k++)
        assert_int_equal(dst.after[k], 0x5a);
    /* An older caller's layout: only its part is written. */
    memset(&dst, 0x5a, sizeof dst);
    dst.v.size = sizeof(struct v1);
    assert_true(eni__struct_copy_out(&dst.v, sizeof(struct v1), &src, sizeof src,
                                     sizeof(struct v1)));
    assert_int_equal(dst.v.a, 5);
    assert_int_equal(dst.v.b, 0x5a5a5a5a5a5a5a5aull);
    /* Input structs above the maximum are refused before their tail is read. */
    struct v2 own;
    assert_false(eni__struct_copy_in(&own, sizeof own, &src, 1u << 30, sizeof(struct v1)));
}

static void test_addr_parse_is_strict(void **state)
{
    (void)state;
    eni_addr a;
    eni_prefix p;
    static const char *const bad_addrs[] = {
        "10.1", "010.0.0.1", "10.0.0.256", "10.0.0.1 ", " 10.0.0.1", "10.0.0.1/32", "", "1.2.3.4.5",
        "10..0.1", "10.0.0.", "::1::", "2001:db8::/64", "abc", "1e1.0.0.1", NULL,
    };
    for (size_t i = 0; i < sizeof bad_addrs / sizeof bad_addrs[0]; i++)
        assert_int_equal(eni__addr_parse(bad_addrs[i], &a), -1);
    static const char *const bad_prefixes[] = {
        "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/16x", "10.0.0.0/016",
        "10.0.0.0/255.255.0.0", "::/129", "10.1/16", "/8", NULL,
    };
    for (size_t i = 0; i < sizeof bad_prefixes / sizeof bad_prefixes[0]; i++)
        assert_int_equal(eni__prefix_parse(bad_prefixes[i], &p), -1);

    char buf[ENI_PREFIX_STR_MAX];
    assert_int_equal(eni__addr_parse("10.20.30.40", &a), 0);
    assert_int_equal(a.family, 4);
    assert_int_equal(eni__addr_v4(&a), 0x0a141e28u);
    eni__addr_format(&a, buf);
    assert_string_equal(buf, "10.20.30.40");
    /* bare addresses skip libcidr: the edges of the space, and a mapped one */
    assert_int_equal(eni__addr_parse("255.255.255.255", &a), 0);
    assert_int_equal(eni__addr_v4(&a), 0xffffffffu);
    assert_int_equal(eni__addr_parse("0.0.0.0", &a), 0);
    assert_int_equal(eni__addr_v4(&a), 0);
    assert_int_equal(eni__addr_parse("::ffff:10.0.0.1", &a), 0);
    assert_int_equal(a.family, 6);
    assert_int_equal(a.b[10], 0xff);
    assert_int_equal(a.b[15], 1);
    assert_int_equal(eni__addr_parse("2001:DB8:0:0::1", &a), 0);
    assert_int_equal(a.family, 6);
    eni__addr_format(&a, buf);
    assert_string_equal(buf, "2001:db8::1");
    assert_int_equal(eni__prefix_parse("100.68.0.18/18", &p), 0);
    assert_false(eni__prefix_is_canonical(&p));
    eni__prefix_canonicalize(&p);
    eni__prefix_format(&p, buf);
    assert_string_equal(buf, "100.68.0.0/18");
    assert_int_equal(eni__prefix_parse("0.0.0.0/0", &p), 0);
    eni__prefix_format(&p, buf);
    assert_string_equal(buf, "0.0.0.0/0");
    assert_int_equal(eni__prefix_parse("2001:db8:1:2::77/60", &p), 0);
    eni__prefix_canonicalize(&p);
    eni__prefix_format(&p, buf);
    assert_string_equal(buf, "2001:db8:1::/60");
}

/* RFC 5952 section 4: lower case, no leading zeros, "::" for the longest
 * run of two or more zero groups (the first of equal runs), never for one
 * group; IPv4-mapped addresses stay in hex (section 5 is optional, and
 * Python's ipaddress before 3.13 does not use it either). */
static void test_ipv6_text_is_rfc5952(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},     /* equal runs: the first */
        {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
        {"1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1"},
        {"2001:0DB8::0001", "2001:db8::1"},
        {"2001:db8:0:0:aaaa:0:0:1", "2001:db8::aaaa:0:0:1"},
        {"1:0:0:2:0:0:0:3", "1:0:0:2::3"},                /* the longest run */
        {"0:0:1:0:0:0:1:0", "0:0:1::1:0"},
        {"0:0:0:0:0:0:0:0", "::"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"1:0:0:0:0:0:0:0", "1::"},
        {"0:1:0:0:0:0:0:0", "0:1::"},
        {"ABCD:EF01:0:0:0:0:0:0", "abcd:ef01::"},
        {"::ffff:1.2.3.4", "::ffff:102:304"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    };
    char buf[ENI_PREFIX_STR_MAX];
    eni_addr a;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(eni__addr_parse(cases[i][0], &a), 0);
        eni__addr_format(&a, buf);
        assert_string_equal(buf, cases[i][1]);
    }
    static const char *const prefixes[][2] = {
        {"2001:0db8:0000:0001:0000:0000:0000:0000/64", "2001:db8:0:1::/64"},
        {"0::0/0", "::/0"},
        {"1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:8/128"},
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        eni_prefix p;
        assert_int_equal(eni__prefix_parse(prefixes[i][0], &p), 0);
        eni__prefix_format(&p, buf);
        assert_string_equal(buf, prefixes[i][1]);
    }

    /* A large random sample, zero groups made likely, against the C
     * library's inet_ntop (which follows section 4 too, except that it
     * writes IPv4-mapped and -compatible addresses with dots: skipped). */
    uint64_t rng = 0x5952;
    uint32_t compared = 0;
    for (int i = 0; i < 200000; i++) {
        eni_addr x = {.family = 6};
        for (int g = 0; g < 8; g++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned v = (rng >> 63) ? 0 : (unsigned)(rng >> 20) & 0xffff;
            if (((rng >> 40) & 7) == 0)
                v &= 0xf; /* short groups too */
            x.b[2 * g] = (uint8_t)(v >> 8);
            x.b[2 * g + 1] = (uint8_t)v;
        }
        char want[INET6_ADDRSTRLEN];
        assert_non_null(inet_ntop(AF_INET6, x.b, want, sizeof want));
        eni__addr_format(&x, buf);
        eni_addr back;
        assert_int_equal(eni__addr_parse(buf, &back), 0); /* and it parses back */
        assert_memory_equal(back.b, x.b, 16);
        if (strchr(want, '.'))
            continue;
        if (strcmp(buf, want) != 0)
            fail_msg("formatted %s, RFC 5952 says %s", buf, want);
        compared++;
    }
    assert_true(compared > 190000);
}

static void test_prefix_relations(void **state)
{
    (void)state;
    eni_prefix vpc, a, b, c;
    eni_addr in, out;
    assert_int_equal(eni__prefix_parse("10.0.0.0/16", &vpc), 0);
    assert_int_equal(eni__prefix_parse("10.0.1.0/24", &a), 0);
    assert_int_equal(eni__prefix_parse("10.0.1.128/25", &b), 0);
    assert_int_equal(eni__prefix_parse("10.1.0.0/24", &c), 0);
    assert_true(eni__prefix_contains(&vpc, &a));
    assert_false(eni__prefix_contains(&a, &vpc));
    assert_true(eni__prefix_overlaps(&a, &b));
    assert_false(eni__prefix_overlaps(&a, &c));
    assert_int_equal(eni__addr_parse("10.0.1.200", &in), 0);
    assert_int_equal(eni__addr_parse("10.0.2.1", &out), 0);
    assert_true(eni__prefix_contains_addr(&a, &in));
    assert_false(eni__prefix_contains_addr(&a, &out));
    eni_prefix v6;
    assert_int_equal(eni__prefix_parse("::/0", &v6), 0);
    assert_false(eni__prefix_contains_addr(&v6, &in)); /* families never mix */
}

static void *plain_alloc(size_t n, void *ud)
{
    (void)ud;
    return calloc(1, n);
}

static void plain_free(void *p, void *ud)
{
    (void)ud;
    free(p);
}

/* Random inserts and deletes against a plain array as the reference,
 * exercising the backward-shift deletion across wrap-around clusters. */
static void test_addrmap_matches_a_reference(void **state)
{
    (void)state;
    eni_addrmap_mem mem = {plain_alloc, plain_free, NULL};
    eni_addrmap m = {0};
    enum { KEYS = 300 };
    static uint64_t ref[KEYS];
    memset(ref, 0, sizeof ref);
    uint64_t rng = 12345;
    for (int i = 0; i < 200000; i++) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        uint32_t k = (uint32_t)(rng >> 33) % KEYS;
        uint64_t hi = k % 7, lo = k * 2654435761u;
        if ((rng >> 20) & 1) {
            assert_int_equal(eni__addrmap_reserve(&m, 1, &mem), 0);
            eni__addrmap_put(&m, hi, lo, i + 1u);
            ref[k] = i + 1u;
        } else {
            assert_int_equal(eni__addrmap_del(&m, hi, lo), ref[k] != 0);
            ref[k] = 0;
        }
        if (i % 997 == 0) {
            uint32_t live = 0;
            for (uint32_t j = 0; j < KEYS; j++) {
                assert_int_equal(eni__addrmap_get(&m, j % 7, j * 2654435761u), ref[j]);
                live += ref[j] != 0;
            }
            assert_int_equal(m.count, live);
        }
    }
    eni__addrmap_fini(&m, &mem);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perm64_round_trips_and_spreads),
        cmocka_unit_test(test_struct_copy_in_rules),
        cmocka_unit_test(test_struct_copy_out_rules),
        cmocka_unit_test(test_addr_parse_is_strict),
        cmocka_unit_test(test_ipv6_text_is_rfc5952),
        cmocka_unit_test(test_prefix_relations),
        cmocka_unit_test(test_addrmap_matches_a_reference),
    };
    return cmocka_run_group_tests_name("core_util", tests, NULL, NULL);
}
