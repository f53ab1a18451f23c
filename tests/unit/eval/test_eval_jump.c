/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The bucket index over an interval set's starts (lib/eval/jump.h), which
 * answers membership in a classifier table's large per-protocol sets:
 * its rank (how many intervals start at or below an address) against a
 * linear count, and membership through it against a linear scan, on sets
 * of both families and every shape the classifier makes (spread over the
 * space; clustered in one /24 or one /64, so buckets crowd; starting at
 * address 0; ending at the last address), probed at every interval's
 * ends, just outside them and at random. Built with each of its
 * allocations refused in turn, it fails cleanly and leaks nothing. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "eval/classify.h"
#include "eval/eval_internal.h"
#include "eval/jump.h"
#include "fail_alloc.h"
#include "iv_oracle.h"
#include "test_helpers.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd64(void)
{
    return test_xorshift64(&rng);
}

enum { KINDS = 5, MAX_N = 3000 };

/* Sorted disjoint, non-adjacent intervals of one kind, in the family's
 * encoding (IPv4 in the low word). */
static uint32_t make_set(int kind, unsigned family, struct cls_iv *v, uint32_t want)
{
    uint64_t top_lo = family == 4 ? 0xffffffffull : UINT64_MAX;
    uint64_t hi = family == 4 ? 0 : 0x20010db800000000ull, lo = 0;
    uint32_t n = 0;
    if (kind == 3) /* starts at address 0 */
        hi = 0;
    for (uint32_t i = 0; i < want; i++) {
        uint64_t gap, len;
        switch (kind) {
        case 1: /* clustered: single addresses and small runs close together */
            gap = 2 + rnd64() % 6;
            len = rnd64() % 3;
            break;
        case 2: /* large jumps between high words (IPv6) or /8s */
            gap = family == 4 ? 1 + rnd64() % (1u << 20) : 2;
            len = rnd64() % 1000;
            if (family == 6)
                hi += 1 + rnd64() % 1000;
            break;
        default: /* spread */
            gap = 2 + rnd64() % (family == 4 ? 1000000u : 1u << 30);
            len = rnd64() % 5000;
            break;
        }
        if (!(kind == 3 && i == 0))
            lo += gap;
        if (lo > top_lo - len - 2)
            break;
        v[n++] = (struct cls_iv){hi, lo, hi, lo + len};
        lo += len;
    }
    if (kind == 4 && n) /* the last interval ends at the last address */
        v[n - 1].hi_lo = top_lo, v[n - 1].hi_hi = family == 4 ? 0 : UINT64_MAX;
    return n;
}

static uint32_t count_starts(const struct cls_iv *v, uint32_t n, uint64_t hi, uint64_t lo)
{
    uint32_t r = 0;
    for (uint32_t i = 0; i < n; i++)
        r += eni__le128(v[i].lo_hi, v[i].lo_lo, hi, lo);
    return r;
}

static void probe(const struct cls_jump *J, const struct cls_iv *v, uint32_t n, unsigned family,
                  uint64_t hi, uint64_t lo)
{
    if (family == 4) {
        if (hi || lo > 0xffffffffull)
            return;
        uint32_t r = eni__jump_rank4(J, (uint32_t)lo);
        assert_int_equal(r, count_starts(v, n, 0, lo));
        bool in = r && lo <= v[r - 1].hi_lo;
        assert_int_equal(in, iv_holds(v, n, 0, lo));
    } else {
        uint32_t r = eni__jump_rank6(J, hi, lo);
        assert_int_equal(r, count_starts(v, n, hi, lo));
        bool in = r && eni__le128(hi, lo, v[r - 1].hi_hi, v[r - 1].hi_lo);
        assert_int_equal(in, iv_holds(v, n, hi, lo));
    }
}

/* The classifier's own lookup of a protocol's set through the index
 * (classify.h, eni__cls_pset_match4 and 6), on a table holding the set
 * alone, against the linear scan. */
static void probe_table(const struct cls_table *t, const struct cls_iv *v, uint32_t n,
                        unsigned family, uint64_t hi, uint64_t lo)
{
    bool open = true, in;
    if (family == 4) {
        if (hi || lo > 0xffffffffull)
            return;
        in = eni__cls_pset_match4(t, 0, (uint32_t)lo, &open);
    } else {
        in = eni__cls_pset_match6(t, 0, hi, lo, &open);
    }
    assert_int_equal(in, iv_holds(v, n, hi, lo));
    assert_false(open);
}

static void check_set(eni_ctx *ctx, int kind, unsigned family, uint32_t want)
{
    static struct cls_iv v[MAX_N];
    static struct cls_iv4 v4[MAX_N];
    uint32_t n = make_set(kind, family, v, want);
    assert_true(n >= JUMP_MIN_INTERVALS);
    struct cls_jump J;
    assert_int_equal(eni__jump_build(ctx, &J, v, n, family), 0);
    assert_true(family == 4 ? J.el4 != NULL : J.el6 != NULL);
    assert_int_equal(J.zero, kind == 3);
    for (uint32_t i = 0; i < n; i++)
        v4[i] = (struct cls_iv4){(uint32_t)v[i].lo_lo, (uint32_t)v[i].hi_lo};
    struct cls_seg seg = {.first_iv = 0, .n_iv = n, .open = 0};
    struct cls_table t;
    memset(&t, 0, sizeof t);
    t.psets = &seg;
    t.n_psets = 1;
    t.piv = v;
    t.piv4 = family == 4 ? v4 : NULL;
    t.n_piv = n;
    t.pjump = &J;
    for (uint32_t i = 0; i < n; i++) {
        probe_table(&t, v, n, family, v[i].lo_hi, v[i].lo_lo);
        probe_table(&t, v, n, family, v[i].hi_hi, v[i].hi_lo);
        if (v[i].lo_lo)
            probe_table(&t, v, n, family, v[i].lo_hi, v[i].lo_lo - 1);
    }
    probe_table(&t, v, n, family, 0, 0);
    for (uint32_t i = 0; i < n; i++) {
        probe(&J, v, n, family, v[i].lo_hi, v[i].lo_lo);
        probe(&J, v, n, family, v[i].hi_hi, v[i].hi_lo);
        if (v[i].lo_lo)
            probe(&J, v, n, family, v[i].lo_hi, v[i].lo_lo - 1);
        if (v[i].hi_lo != UINT64_MAX)
            probe(&J, v, n, family, v[i].hi_hi, v[i].hi_lo + 1);
    }
    for (int i = 0; i < 2000; i++) {
        uint64_t hi = family == 4 ? 0 : v[rnd64() % n].lo_hi + rnd64() % 3 - 1;
        uint64_t lo = family == 4 ? rnd64() & 0xffffffffull : rnd64();
        probe(&J, v, n, family, hi, lo);
    }
    probe(&J, v, n, family, 0, 0);
    probe(&J, v, n, family, family == 4 ? 0 : UINT64_MAX, family == 4 ? 0xffffffffull : UINT64_MAX);
    eni__jump_free(ctx, &J);
    assert_null(J.el4);
    assert_null(J.el6);
}

static void test_rank_and_membership_match_a_linear_count(void **state)
{
    (void)state;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    for (unsigned family = 4; family <= 6; family += 2)
        for (int kind = 0; kind < KINDS; kind++)
            for (uint32_t want = JUMP_MIN_INTERVALS; want <= MAX_N; want = want * 3 + 7)
                check_set(ctx, kind, family, want);
    eni_ctx_free(ctx);
}

/* Each allocation of a build refused in turn: -1, nothing held, nothing
 * leaked; once none is refused the build succeeds. */
static void test_build_fails_cleanly_without_memory(void **state)
{
    (void)state;
    static struct cls_iv v[MAX_N];
    for (unsigned family = 4; family <= 6; family += 2) {
        uint32_t n = make_set(1, family, v, 500);
        for (long at = 1;; at++) {
            struct fail_alloc fa = {0};
            eni_ctx_opts o = fail_alloc_opts(&fa);
            eni_ctx *ctx;
            assert_eni_ok(eni_ctx_new(&o, &ctx));
            long live = fa.live;
            fa.fail_at = fa.calls + at;
            struct cls_jump J;
            int r = eni__jump_build(ctx, &J, v, n, family);
            if (!fa.failed) {
                assert_int_equal(r, 0);
                eni__jump_free(ctx, &J);
                assert_int_equal(fa.live, live);
                eni_ctx_free(ctx);
                break;
            }
            assert_int_equal(r, -1);
            assert_null(J.el4);
            assert_null(J.el6);
            assert_int_equal(fa.live, live);
            eni_ctx_free(ctx);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_and_membership_match_a_linear_count),
        cmocka_unit_test(test_build_fails_cleanly_without_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
