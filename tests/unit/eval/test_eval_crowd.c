/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The nodes of crowded buckets (lib/eval/crowd.h), through the indexes
 * that use them: cut sets that cluster as real rule sets do (consecutive
 * /32s of a subnet, /128s sharing a high word, clusters inside clusters,
 * cuts at both ends of the space so that windows reach 0 and the top) are
 * indexed by eni__elem4_index and eni__elem6_index, then every cut, the
 * value below it and the value above it, and random values, are looked up
 * with eni__elem4_find and eni__elem6_find against a count over all the
 * cuts. Then every allocation of a node build fails in turn: the build
 * says so and holds nothing (ASan checks the leaks). */
#include <stdlib.h>

#include "eval/crowd.h"
#include "eval/eval_internal.h"
#include "fail_alloc.h"
#include "test_helpers.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd64(void)
{
    return test_xorshift64(&rng);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int cmp_cut6(const void *a, const void *b)
{
    const struct cls_cut6 *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Each test's ctx, which the indexes allocate through. */
static int ctx_setup(void **state)
{
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    *state = ctx;
    return 0;
}

static int ctx_teardown(void **state)
{
    eni_ctx_free(*state);
    return 0;
}

/* ---- 32-bit cuts (elem4) ---- */

/* Room for n cuts and the sentinels, from ctx (the index frees them). */
static uint32_t *cuts32(eni_ctx *ctx, uint32_t n)
{
    return eni__calloc(ctx, (size_t)n + CUT_PAD, sizeof(uint32_t));
}

/* An index of cut[0..n): sorted, without duplicates or 0 (never a cut),
 * padded, then indexed as eni__elem4_build does. It owns cut. */
static struct cls_elem4 *index32(eni_ctx *ctx, uint32_t *cut, uint32_t n)
{
    qsort(cut, n, sizeof *cut, cmp_u32);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++)
        if (cut[i] && (u == 0 || cut[u - 1] != cut[i]))
            cut[u++] = cut[i];
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[u + i] = UINT32_MAX;
    struct cls_elem4 *el = eni__calloc(ctx, 1, sizeof *el);
    assert_non_null(el);
    el->cut = cut, el->n_cut = u;
    assert_int_equal(eni__elem4_index(ctx, el, CUT_PAD), 0);
    return el;
}

static void check32_at(const struct cls_elem4 *el, uint32_t a)
{
    uint32_t want = 0;
    for (uint32_t i = 0; i < el->n_cut; i++)
        want += el->cut[i] <= a;
    uint32_t got = eni__elem4_find(el, a);
    if (got != want)
        fail_msg("rank of %#x: %u, the count says %u", a, got, want);
}

static void check32(const struct cls_elem4 *el)
{
    for (uint32_t i = 0; i < el->n_cut; i++) {
        check32_at(el, el->cut[i] - 1);
        check32_at(el, el->cut[i]);
        check32_at(el, el->cut[i] + 1);
    }
    check32_at(el, 0);
    check32_at(el, UINT32_MAX);
    for (int i = 0; i < 2000; i++)
        check32_at(el, (uint32_t)rnd64());
}

/* Levels of nodes below bucket j (0: none). */
static int depth_at(const struct cls_crowd *c, uint32_t id)
{
    if (!id)
        return 0;
    const struct cls_crowd_node *nd = &c->node[id - 1];
    int d = 0;
    for (uint32_t b = 0; b < nd->n; b++) {
        int s = depth_at(c, c->child[nd->first + b]);
        d = s > d ? s : d;
    }
    return d + 1;
}

static int max_depth(const struct cls_crowd *c, uint32_t nb)
{
    int d = 0;
    for (uint32_t j = 0; c->top && j < nb; j++) {
        int s = depth_at(c, c->top[j]);
        d = s > d ? s : d;
    }
    return d;
}

/* A subnet's members: consecutive and scattered /32s in 10.0.1.0/24 (each
 * a cut at its address and one past it), rules over the whole space and
 * at its ends: hundreds of cuts in one bucket of a window that spans it all. */
static void test_members_of_a_subnet(void **state)
{
    eni_ctx *ctx = *state;
    uint32_t n = 0, *c = cuts32(ctx, 2000);
    for (uint32_t i = 0; i < 200; i++) {
        c[n++] = 0x0a000100u + i;
        c[n++] = 0x0a000100u + i + 1;
    }
    for (uint32_t i = 0; i < 300; i++)
        c[n++] = (uint32_t)rnd64();
    c[n++] = 1, c[n++] = 2, c[n++] = UINT32_MAX, c[n++] = UINT32_MAX - 1;
    struct cls_elem4 *el = index32(ctx, c, n);
    assert_non_null(el->crowd.top); /* the subnet's bucket is crowded */
    assert_true(el->crowd.n_node >= 1);
    check32(el);
    eni__elem4_free(ctx, el);
}

/* Clusters inside clusters: a /8's spread, a /16 inside it, a /24 inside
 * that, 16 consecutive addresses inside that: nodes below nodes. */
static void test_nested_clusters(void **state)
{
    eni_ctx *ctx = *state;
    uint32_t n = 0, *c = cuts32(ctx, 4000);
    for (uint32_t i = 0; i < 400; i++) {
        c[n++] = 0x0b000000u | ((uint32_t)rnd64() & 0x00ffffffu);
        c[n++] = 0x0b0b0000u | ((uint32_t)rnd64() & 0x0000ffffu);
        c[n++] = 0x0b0b0b00u | ((uint32_t)rnd64() & 0x000000ffu);
    }
    for (uint32_t i = 0; i < 16; i++)
        c[n++] = 0x0b0b0b40u + i;
    c[n++] = 5, c[n++] = 0xfffffff0u;
    struct cls_elem4 *el = index32(ctx, c, n);
    assert_true(max_depth(&el->crowd, el->n_bucket) >= 2);
    check32(el);
    eni__elem4_free(ctx, el);
}

/* Random cuts: few buckets are crowded, and the lookups that reach none
 * agree as well. */
static void test_random_cuts(void **state)
{
    eni_ctx *ctx = *state;
    for (int round = 0; round < 20; round++) {
        uint32_t want = 1 + (uint32_t)(rnd64() % 3000), n = 0, *c = cuts32(ctx, want);
        /* some rounds clustered near one random address */
        uint32_t center = (uint32_t)rnd64(), mask = round & 1 ? 0xfffu : UINT32_MAX;
        for (uint32_t i = 0; i < want; i++)
            c[n++] = (center & ~mask) | ((uint32_t)rnd64() & mask);
        struct cls_elem4 *el = index32(ctx, c, n);
        check32(el);
        eni__elem4_free(ctx, el);
    }
}

/* ---- 128-bit cuts (elem6) ---- */

static struct cls_cut6 *cuts6(eni_ctx *ctx, uint32_t n)
{
    return eni__calloc(ctx, (size_t)n + CUT_PAD, sizeof(struct cls_cut6));
}

/* index32's counterpart, as eni__elem6_build indexes. */
static struct cls_elem6 *index6(eni_ctx *ctx, struct cls_cut6 *cut, uint32_t n)
{
    qsort(cut, n, sizeof *cut, cmp_cut6);
    uint32_t u = 0;
    for (uint32_t i = 0; i < n; i++)
        if ((cut[i].hi || cut[i].lo) && (u == 0 || cmp_cut6(&cut[u - 1], &cut[i]) != 0))
            cut[u++] = cut[i];
    for (uint32_t i = 0; i < CUT_PAD; i++)
        cut[u + i] = (struct cls_cut6){UINT64_MAX, UINT64_MAX};
    struct cls_elem6 *el = eni__calloc(ctx, 1, sizeof *el);
    assert_non_null(el);
    el->cut = cut, el->n_cut = u;
    assert_int_equal(eni__elem6_index(ctx, el, CUT_PAD), 0);
    return el;
}

static void check6_at(const struct cls_elem6 *el, uint64_t hi, uint64_t lo)
{
    uint32_t want = 0;
    for (uint32_t i = 0; i < el->n_cut; i++)
        want += eni__cut6_le(&el->cut[i], hi, lo);
    uint32_t got = eni__elem6_find(el, hi, lo);
    if (got != want)
        fail_msg("rank of %#llx:%#llx: %u, the count says %u", (unsigned long long)hi,
                 (unsigned long long)lo, got, want);
}

static void check6(const struct cls_elem6 *el)
{
    for (uint32_t i = 0; i < el->n_cut; i++) {
        const struct cls_cut6 *c = &el->cut[i];
        check6_at(el, c->hi - (c->lo == 0), c->lo - 1);
        check6_at(el, c->hi, c->lo);
        check6_at(el, c->hi + (c->lo == UINT64_MAX), c->lo + 1);
        check6_at(el, c->hi, 0);
        check6_at(el, c->hi, UINT64_MAX);
        /* the neighbouring high words: a node over one high word's low
         * words must place them before or after all of its cuts */
        check6_at(el, c->hi - 1, rnd64());
        check6_at(el, c->hi + 1, rnd64());
    }
    check6_at(el, 0, 0);
    check6_at(el, UINT64_MAX, UINT64_MAX);
    for (int i = 0; i < 2000; i++)
        check6_at(el, rnd64(), rnd64());
}

/* An IPv6 subnet's members: /128s of one /64 (one high word: a node over
 * low words), with or without a neighbouring /64's (then a node over the
 * two high words comes first), prefixes over the whole space, and cuts at
 * both ends (windows reaching 0 and 2^64 - 1 in both words). Alone in its
 * bucket of the index, the /64's node also sees addresses of other high
 * words in that bucket. */
static void subnet_case(eni_ctx *ctx, bool neighbour)
{
    const uint64_t net = 0x20010db800000001ull;
    uint32_t n = 0;
    struct cls_cut6 *c = cuts6(ctx, 3000);
    for (uint32_t i = 0; i < 300; i++) {
        uint64_t host = i < 100 ? 0x10 + i : rnd64();
        c[n++] = (struct cls_cut6){net, host};
        c[n++] = (struct cls_cut6){net + (host == UINT64_MAX), host + 1};
        if (neighbour)
            c[n++] = (struct cls_cut6){net + 1, rnd64()};
    }
    for (uint32_t i = 0; i < 300; i++)
        c[n++] = (struct cls_cut6){rnd64(), rnd64()};
    c[n++] = (struct cls_cut6){0, 1};
    c[n++] = (struct cls_cut6){0, UINT64_MAX};
    c[n++] = (struct cls_cut6){UINT64_MAX, UINT64_MAX - 1};
    c[n++] = (struct cls_cut6){UINT64_MAX, 0};
    c[n++] = (struct cls_cut6){net, UINT64_MAX};
    struct cls_elem6 *el = index6(ctx, c, n);
    assert_non_null(el->crowd.top);
    bool low = false;
    for (uint32_t i = 0; i < el->crowd.n_node; i++)
        low |= el->crowd.node[i].low != 0;
    assert_true(low); /* the /64's members are divided by their low words */
    check6(el);
    for (int i = 0; i < 2000; i++) /* the /64's bucket of the index, other high words */
        check6_at(el, net + (rnd64() % 4096) - 2048, rnd64());
    eni__elem6_free(ctx, el);
}

static void test_members_of_an_ipv6_subnet(void **state)
{
    subnet_case(*state, false);
    subnet_case(*state, true);
}

/* Random 128-bit cut sets, some clustered in a few high words. */
static void test_random_cuts6(void **state)
{
    eni_ctx *ctx = *state;
    for (int round = 0; round < 20; round++) {
        uint32_t want = 1 + (uint32_t)(rnd64() % 2000), n = 0;
        struct cls_cut6 *c = cuts6(ctx, want);
        /* one high word, a few, a spread of them, or anywhere */
        static const uint64_t spreads[] = {1, 3, 1u << 20, 0};
        uint64_t center = rnd64(), spread = spreads[round % 4];
        for (uint32_t i = 0; i < want; i++)
            c[n++] = (struct cls_cut6){spread ? center + rnd64() % spread : rnd64(), rnd64()};
        struct cls_elem6 *el = index6(ctx, c, n);
        check6(el);
        eni__elem6_free(ctx, el);
    }
}

/* ---- allocation failures ---- */

/* Every allocation of a build with nested nodes fails in turn: -1, and
 * the crowd holds nothing (so nothing leaks and a lookup falls back to
 * the search); with none failing it succeeds. */
static void test_build_fails_cleanly(void **state)
{
    (void)state;
    struct fail_alloc fa = {0}; /* fail_alloc.h: none fails until fail_at is set */
    eni_ctx_opts o = fail_alloc_opts(&fa);
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    uint32_t n = 0, *c = cuts32(ctx, 3000);
    for (uint32_t i = 0; i < 600; i++) {
        c[n++] = 0x0a0a0000u | ((uint32_t)rnd64() & 0xffffu);
        c[n++] = 0x0a0a0a00u | ((uint32_t)rnd64() & 0xffu);
    }
    c[n++] = 7, c[n++] = UINT32_MAX - 7;
    struct cls_elem4 *el = index32(ctx, c, n); /* with every allocation granted */
    long needed = 0;
    uint32_t nodes = el->crowd.n_node;
    assert_true(nodes >= 2);
    eni__crowd_free(ctx, &el->crowd);
    for (long fail = 0;; fail++) {
        fa.fail_at = fa.calls + fail + 1; /* the build's allocation number fail + 1 */
        struct cls_crowd cr;
        int rc = eni__crowd_build(ctx, &cr, el->cut, NULL, el->bucket, el->n_bucket, CUT_PAD);
        fa.fail_at = 0;
        if (rc == 0) {
            assert_int_equal(cr.n_node, nodes);
            eni__crowd_free(ctx, &cr);
            needed = fail;
            break;
        }
        assert_int_equal(rc, -1);
        assert_null(cr.top);
        assert_null(cr.node);
        assert_null(cr.rank);
        assert_int_equal(cr.n_node, 0);
    }
    assert_true(needed >= 3); /* top, nodes, ranks and children at least */
    eni__elem4_free(ctx, el);
    eni_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_members_of_a_subnet, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_nested_clusters, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_random_cuts, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_members_of_an_ipv6_subnet, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_random_cuts6, ctx_setup, ctx_teardown),
        cmocka_unit_test(test_build_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
