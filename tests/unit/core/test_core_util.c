/* lib/util pieces the core stands on: the id permutation and struct copy-in. */
#include "test_helpers.h"
#include "util/abi_struct.h"
#include "util/perm64.h"

static void test_perm64_round_trips_and_spreads(void **state)
{
    (void)state;
    uint64_t x = 0x0123456789abcdefULL;
    for (int i = 0; i < 100000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        uint64_t e = eni_perm64_encode(x, 99);
        assert_int_equal(eni_perm64_decode(e, 99), x);
    }
    /* neighbouring ids map far apart; different keys differ */
    uint64_t a = eni_perm64_encode(1, 5), b = eni_perm64_encode(2, 5);
    assert_true(__builtin_popcountll(a ^ b) > 10);
    assert_int_not_equal(eni_perm64_encode(1, 5), eni_perm64_encode(1, 6));
    assert_int_not_equal(eni_perm64_decode(a, 6), 1);
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
    assert_true(eni_struct_copy_in(&own, sizeof own, &old, old.size, sizeof(struct v1)));
    assert_int_equal(own.a, 7);
    assert_int_equal(own.b, 0);
    /* too small */
    assert_false(eni_struct_copy_in(&own, sizeof own, &old, 4, sizeof(struct v1)));
    /* newer caller with zero tail, then with a non-zero tail */
    struct { struct v2 v; uint64_t c; } newer = {{sizeof newer, 1, 2}, 0};
    assert_true(eni_struct_copy_in(&own, sizeof own, &newer, sizeof newer, sizeof(struct v1)));
    assert_int_equal(own.b, 2);
    newer.c = 3;
    assert_false(eni_struct_copy_in(&own, sizeof own, &newer, sizeof newer, sizeof(struct v1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perm64_round_trips_and_spreads),
        cmocka_unit_test(test_struct_copy_in_rules),
    };
    return cmocka_run_group_tests_name("core_util", tests, NULL, NULL);
}
