/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni__sort_u32 and eni__sort_cut6 (lib/eval/radix.h), which sort the
 * cuts of IPv4 and IPv6 key indexes: against qsort on arrays of every
 * kind the compile step makes (random; clustered, so that passes are
 * skipped; full of duplicates; spanning both ends; already sorted and
 * reversed), of sizes around the point where they stop using qsort, and
 * without scratch memory (its allocation refused), when they must still
 * sort. And eni__iv_merge, whose sort is its own (a merge of the sorted
 * lists its input is made of, or an in-place sort): its result must be
 * sorted, disjoint and not adjacent, and hold exactly the points of its
 * parts, with its scratch memory or without. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "eval/cuts.h"
#include "eval/eval_internal.h"
#include "eval/ivset.h"
#include "eval/radix.h"
#include "fail_alloc.h"
#include "iv_oracle.h"
#include "test_helpers.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd32(void)
{
    return (uint32_t)(test_xorshift64(&rng) >> 16);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

enum { KINDS = 7 };

static uint32_t value(int kind, uint32_t i, uint32_t n)
{
    switch (kind) {
    case 0: /* anything */
        return rnd32();
    case 1: /* one /16: the top pass has one digit */
        return 0x0a400000u | (rnd32() & 0xffffu);
    case 2: /* one /24: two passes skipped */
        return 0xc0a80100u | (rnd32() & 0xffu);
    case 3: /* few distinct values */
        return (rnd32() % 5u) * 0x01010101u;
    case 4: /* the ends of the space */
        return rnd32() & 1 ? rnd32() % 3u : UINT32_MAX - rnd32() % 3u;
    case 5: /* sorted already */
        return i * 2654435u;
    default: /* reversed */
        return (n - i) * 2654435u;
    }
}

static int cmp_cut6(const void *a, const void *b)
{
    const struct cls_cut6 *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

static uint64_t rnd64(void)
{
    return (uint64_t)rnd32() << 32 | rnd32();
}

/* The 128-bit kinds: as value()'s, over both words. */
static struct cls_cut6 value6(int kind, uint32_t i, uint32_t n)
{
    switch (kind) {
    case 0:
        return (struct cls_cut6){rnd64(), rnd64()};
    case 1: /* the hosts of one /64: the high word's passes skipped */
        return (struct cls_cut6){0x20010db800000040ull, rnd64()};
    case 2: /* a /58's /64s, hosts ::0..::ff */
        return (struct cls_cut6){0x20010db800000040ull | (rnd32() & 63u), rnd32() & 0xffu};
    case 3:
        return (struct cls_cut6){rnd32() % 3u, (uint64_t)(rnd32() % 3u) << 40};
    case 4:
        return rnd32() & 1 ? (struct cls_cut6){0, rnd32() % 3u + 1}
                           : (struct cls_cut6){UINT64_MAX, UINT64_MAX - rnd32() % 3u};
    case 5:
        return (struct cls_cut6){i / 7u, (uint64_t)i * 0x9e3779b97f4a7c15ull};
    default:
        return (struct cls_cut6){(n - i) * 3u, 0};
    }
}

/* One of the sorts under test, with the values it sorts. */
struct sorter {
    const char *what;
    size_t size;
    void (*fill)(void *v, int kind, uint32_t i, uint32_t n);
    int (*cmp)(const void *, const void *);
    void (*sort)(eni_ctx *ctx, void *v, uint32_t n);
};

static void fill_u32(void *v, int kind, uint32_t i, uint32_t n)
{
    ((uint32_t *)v)[i] = value(kind, i, n);
}

static void fill_cut6(void *v, int kind, uint32_t i, uint32_t n)
{
    ((struct cls_cut6 *)v)[i] = value6(kind, i, n);
}

static void sort_u32(eni_ctx *ctx, void *v, uint32_t n)
{
    eni__sort_u32(ctx, v, n);
}

static void sort_cut6(eni_ctx *ctx, void *v, uint32_t n)
{
    eni__sort_cut6(ctx, v, n);
}

static const struct sorter sorters[] = {
    {"values", sizeof(uint32_t), fill_u32, cmp_u32, sort_u32},
    {"cuts", sizeof(struct cls_cut6), fill_cut6, cmp_cut6, sort_cut6},
};
enum { SORTERS = sizeof sorters / sizeof sorters[0] };

/* Sort n values of a kind with ctx and compare with qsort's answer. */
static void check(const struct sorter *so, eni_ctx *ctx, int kind, uint32_t n)
{
    uint8_t *v = malloc((n ? n : 1) * so->size), *want = malloc((n ? n : 1) * so->size);
    assert_non_null(v);
    assert_non_null(want);
    for (uint32_t i = 0; i < n; i++)
        so->fill(want, kind, i, n);
    memcpy(v, want, n * so->size);
    qsort(want, n, so->size, so->cmp);
    so->sort(ctx, v, n);
    if (n && memcmp(v, want, n * so->size) != 0)
        fail_msg("kind %d, %u %s: not sorted as qsort sorts them", kind, n, so->what);
    free(v);
    free(want);
}

static const uint32_t sizes[] = {0, 1, 2, 63, 64, 65, 1000, 4096, 100003};

static void test_sorts_as_qsort_does(void **state)
{
    (void)state;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    for (int kind = 0; kind < KINDS; kind++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
            for (int so = 0; so < SORTERS; so++)
                check(&sorters[so], ctx, kind, sizes[s]);
    eni_ctx_free(ctx);
}

/* Without scratch memory it still sorts (qsort), having asked for it:
 * the first allocation each sort makes is refused (fail_alloc.h). */
static void test_sorts_without_scratch_memory(void **state)
{
    (void)state;
    struct fail_alloc fa = {0};
    eni_ctx_opts o = fail_alloc_opts(&fa);
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    for (int kind = 0; kind < KINDS; kind++)
        for (int so = 0; so < SORTERS; so++) {
            fa.failed = 0;
            fa.fail_at = fa.calls + 1;
            check(&sorters[so], ctx, kind, 5000);
            assert_true(fa.failed);
        }
    fa.fail_at = 0;
    eni_ctx_free(ctx);
}

static struct cls_iv interval(int kind)
{
    uint64_t hi = kind == 2 ? rnd32() % 4u : 0, lo = rnd32() % (kind == 1 ? 64u : 100000u);
    uint64_t len = kind == 0 ? rnd32() % 50u : kind == 1 ? rnd32() % 3u : rnd32() % 5000u;
    return (struct cls_iv){hi, lo, hi, lo + len};
}

static int cmp_lo(const void *a, const void *b)
{
    return eni__iv_cmp_lo(a, b);
}

/* v[0..n) of a kind, as they come (runs 0) or as `runs` sorted lists one
 * after another, as the rules' sets of an entry arrive. */
static void fill(struct cls_iv *v, uint32_t n, int kind, uint32_t runs)
{
    for (uint32_t i = 0; i < n; i++)
        v[i] = interval(kind);
    for (uint32_t r = 0; runs && r < runs; r++) {
        uint32_t from = (uint32_t)((uint64_t)n * r / runs);
        uint32_t to = (uint32_t)((uint64_t)n * (r + 1) / runs);
        qsort(v + from, to - from, sizeof *v, cmp_lo);
    }
}

/* eni__iv_merge(ctx, v, n) against its parts: sorted, gaps between, the
 * points of its parts and no others. */
static void check_merge(eni_ctx *ctx, int kind, uint32_t n, uint32_t runs)
{
    struct cls_iv *parts = malloc((n ? n : 1) * sizeof *parts);
    struct cls_iv *v = malloc((n ? n : 1) * sizeof *v);
    assert_non_null(parts);
    assert_non_null(v);
    fill(parts, n, kind, runs);
    memcpy(v, parts, (n ? n : 1) * sizeof *v);
    uint32_t m = eni__iv_merge(ctx, v, n);
    assert_true(m <= n);
    for (uint32_t i = 0; i + 1 < m; i++) /* sorted, with a gap between */
        assert_true(v[i].hi_hi < v[i + 1].lo_hi ||
                    (v[i].hi_hi == v[i + 1].lo_hi && v[i].hi_lo + 1 < v[i + 1].lo_lo));
    for (uint32_t t = 0; t < 2000; t++) {
        uint64_t hi = kind == 2 ? rnd32() % 5u : 0, lo = rnd32() % 110000u;
        if (t < n) /* the parts' own ends and their neighbours too */
            hi = parts[t].lo_hi, lo = parts[t].lo_lo - (t & 1);
        if (iv_holds(parts, n, hi, lo) != iv_holds(v, m, hi, lo))
            fail_msg("kind %d, %u parts in %u runs: %llu:%llu is %s the merge", kind, n, runs,
                     (unsigned long long)hi, (unsigned long long)lo,
                     iv_holds(parts, n, hi, lo) ? "missing from" : "wrongly in");
    }
    free(parts);
    free(v);
}

static const uint32_t merge_counts[] = {0, 1, 2, 17, 100, 3000};
static const uint32_t merge_runs[] = {0, 2, 5, 40};

static void test_iv_merge_matches_its_parts(void **state)
{
    (void)state;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    for (int kind = 0; kind < 3; kind++)
        for (size_t c = 0; c < sizeof merge_counts / sizeof merge_counts[0]; c++)
            for (size_t r = 0; r < sizeof merge_runs / sizeof merge_runs[0]; r++)
                check_merge(ctx, kind, merge_counts[c], merge_runs[r]);
    eni_ctx_free(ctx);
}

/* A few sorted lists are merged through scratch memory; with the scratch
 * or the run bounds refused it sorts in place instead, to the same
 * result, and leaks nothing. */
static void test_iv_merge_without_scratch_memory(void **state)
{
    (void)state;
    struct fail_alloc fa = {0};
    eni_ctx_opts o = fail_alloc_opts(&fa);
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    for (long refuse = 1; refuse <= 2; refuse++)
        for (int kind = 0; kind < 3; kind++) {
            long live = fa.live;
            fa.failed = 0;
            fa.fail_at = fa.calls + refuse;
            check_merge(ctx, kind, 3000, 5);
            assert_true(fa.failed);
            assert_int_equal(fa.live, live);
        }
    fa.fail_at = 0;
    eni_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sorts_as_qsort_does),
        cmocka_unit_test(test_sorts_without_scratch_memory),
        cmocka_unit_test(test_iv_merge_matches_its_parts),
        cmocka_unit_test(test_iv_merge_without_scratch_memory),
    };
    return cmocka_run_group_tests_name("eval_radix", tests, NULL, NULL);
}
