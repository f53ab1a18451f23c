/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The flow table's probe (lib/eval/flowtab.h), driven directly on a small
 * table (64 slots): keys whose home slots collide, an absent key on their
 * chain, a flow cleared in the middle of a chain (its slot keeps a non-zero
 * seq, so the chain stays whole, and an insert takes the slot again), a
 * chain wrapping past the table's end, expired flows, the allowance's
 * reuse-only insert, and the shared empty set queries read. */
#include <stdlib.h>

#include "eval/eval_internal.h"
#include "test_helpers.h"

#define NOW 1000u
#define LATER 1000000u
#define META_TCP (FLOW_VALID | 6u << 8 | 1u)

struct fx {
    eni_ctx *ctx;
    struct eni_flows *fl;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_eni_ok(eni_ctx_new(NULL, &f->ctx));
    f->fl = eni__flows_new(f->ctx, 0, false); /* both tables the minimum: 64 slots */
    assert_non_null(f->fl);
    assert_int_equal(f->fl->ft4->cap, 64);
    assert_int_equal(atomic_load(&f->fl->ft6)->cap, 64);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni__flows_free(f->ctx, f->fl);
    eni_ctx_free(f->ctx);
    free(f);
    return 0;
}

/* A TCP key of family 4 or 6, told apart by its local port, hashed. */
static struct fkey key(unsigned family, uint16_t lport)
{
    static const uint8_t l4[4] = {10, 0, 1, 5}, r4[4] = {198, 51, 100, 7};
    static const uint8_t l6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    static const uint8_t r6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xbe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
    struct fkey k;
    memset(&k, 0, sizeof k);
    make_key(&k, family, 6, family == 4 ? l4 : l6, family == 4 ? r4 : r6, lport, 443);
    k.hash = key_hash(&k);
    return k;
}

/* n keys whose home slot in ft is `home`. */
static void colliding(const struct flow_table *ft, unsigned family, uint32_t home, struct fkey *out,
                      uint32_t n)
{
    uint32_t got = 0;
    for (uint32_t port = 1; got < n && port < 65536; port++) {
        struct fkey k = key(family, (uint16_t)port);
        if (home_slot(ft, k.hash) == home)
            out[got++] = k;
    }
    assert_int_equal(got, n);
}

static struct flow_table *table(struct fx *f, unsigned family)
{
    return family == 4 ? f->fl->ft4 : atomic_load(&f->fl->ft6);
}

static void insert(struct fx *f, unsigned family, const struct fkey *k, uint64_t expires)
{
    assert_true(ft_insert(f->fl, table(f, family), k, META_TCP, expires, NOW, false, NULL));
}

/* n keys homed at `home` in the family's table, the first `stored` of them
 * inserted (live until LATER): on an empty table they fill home, home + 1... */
static struct flow_table *chain(struct fx *f, unsigned family, uint32_t home, struct fkey *k,
                                uint32_t n, uint32_t stored)
{
    struct flow_table *ft = table(f, family);
    colliding(ft, family, home, k, n);
    for (uint32_t i = 0; i < stored; i++)
        insert(f, family, &k[i], LATER);
    return ft;
}

/* Colliding keys go to consecutive slots from their home, each is found
 * there (ft_find and ft_find_h agree), and a colliding key never inserted
 * is not found: its probe passes them all and ends at the never-used slot. */
static void collisions(struct fx *f, unsigned family)
{
    enum { HOME = 10 };
    struct fkey k[5];
    struct flow_table *ft = chain(f, family, HOME, k, 5, 4);
    assert_int_equal(atomic_load(&f->fl->tracked), 4);
    for (int i = 0; i < 4; i++) {
        assert_ptr_equal(ft_find(ft, &k[i], NOW), slot_at(ft, HOME + i));
        assert_ptr_equal(ft_find_h(ft, &k[i], k[i].hash, NOW), slot_at(ft, HOME + i));
    }
    assert_null(ft_find(ft, &k[4], NOW));
    assert_int_equal(atomic_load(&slot_at(ft, HOME + 4)->seq), 0);
    /* a key homed elsewhere is not on this chain */
    struct fkey other[1];
    colliding(ft, family, HOME + 20, other, 1);
    assert_null(ft_find(ft, &other[0], NOW));
}

static void test_collisions_v4(void **state)
{
    collisions(*state, 4);
}

static void test_collisions_v6(void **state)
{
    collisions(*state, 6);
}

static bool clear_this(const struct flow_table *ft, struct flow_slot *s, void *target)
{
    (void)ft;
    return s == target;
}

/* Clearing a flow in the middle of a chain (what sweeping does) leaves a
 * slot with a non-zero even seq and no valid flow: the probe passes it, so
 * the flows after it stay findable, and the next colliding insert takes it. */
static void test_clear_mid_chain(void **state)
{
    struct fx *f = *state;
    enum { HOME = 30 };
    struct fkey k[5];
    struct flow_table *ft = chain(f, 4, HOME, k, 5, 4);
    struct flow_slot *mid = slot_at(ft, HOME + 1);
    assert_ptr_equal(ft_find(ft, &k[1], NOW), mid);
    assert_int_equal(eni__flows_walk(f->fl, clear_this, mid), 1);
    assert_int_equal(atomic_load(&f->fl->tracked), 3);
    uint32_t seq = atomic_load(&mid->seq);
    assert_true(seq != 0 && (seq & 1) == 0);
    assert_false(atomic_load(&mid->meta) & FLOW_VALID);
    assert_null(ft_find(ft, &k[1], NOW));
    assert_ptr_equal(ft_find(ft, &k[0], NOW), slot_at(ft, HOME));
    assert_ptr_equal(ft_find(ft, &k[2], NOW), slot_at(ft, HOME + 2));
    assert_ptr_equal(ft_find(ft, &k[3], NOW), slot_at(ft, HOME + 3));
    /* the next colliding key takes the cleared slot, not the chain's end */
    assert_null(ft_find(ft, &k[4], NOW));
    insert(f, 4, &k[4], LATER);
    assert_ptr_equal(ft_find(ft, &k[4], NOW), mid);
    assert_int_equal(atomic_load(&f->fl->tracked), 4);
    assert_ptr_equal(ft_find(ft, &k[3], NOW), slot_at(ft, HOME + 3));
}

/* A chain homed in the last slot continues at slot 0. */
static void test_chain_wraps(void **state)
{
    struct fx *f = *state;
    uint32_t last = f->fl->ft4->cap - 1;
    struct fkey k[4];
    struct flow_table *ft = chain(f, 4, last, k, 4, 3);
    assert_ptr_equal(ft_find(ft, &k[0], NOW), slot_at(ft, last));
    assert_ptr_equal(ft_find(ft, &k[1], NOW), slot_at(ft, 0));
    assert_ptr_equal(ft_find(ft, &k[2], NOW), slot_at(ft, 1));
    assert_null(ft_find(ft, &k[3], NOW));
}

/* An expired flow is not found, does not hide the flows after it, and its
 * slot is taken again without counting one more tracked flow. At the
 * allowance (reuse only) an insert takes only such a slot. */
static void test_expired_slots_reused(void **state)
{
    struct fx *f = *state;
    enum { HOME = 50 };
    struct fkey k[4];
    struct flow_table *ft = chain(f, 4, HOME, k, 4, 0);
    insert(f, 4, &k[0], NOW + 10);
    insert(f, 4, &k[1], LATER);
    uint64_t now = NOW + 20;
    assert_null(ft_find(ft, &k[0], now));
    assert_ptr_equal(ft_find(ft, &k[1], now), slot_at(ft, HOME + 1));
    assert_true(ft_insert(f->fl, ft, &k[2], META_TCP, LATER, now, true, NULL));
    assert_ptr_equal(ft_find(ft, &k[2], now), slot_at(ft, HOME));
    assert_int_equal(atomic_load(&f->fl->tracked), 2);
    /* no expired flow left on the chain: reuse-only finds no slot */
    assert_false(ft_insert(f->fl, ft, &k[3], META_TCP, LATER, now, true, NULL));
    assert_null(ft_find(ft, &k[3], now));
    assert_true(ft_insert(f->fl, ft, &k[3], META_TCP, LATER, now, false, NULL));
    assert_ptr_equal(ft_find(ft, &k[3], now), slot_at(ft, HOME + 2));
}

static bool clear_all(const struct flow_table *ft, struct flow_slot *s, void *ud)
{
    (void)ft, (void)s, (void)ud;
    return true;
}

/* A burst counts the slots it fills itself and adds them once at its end:
 * an insert given a count raises that, not fl->tracked, and only for a
 * slot that held no flow (an expired flow's slot was counted already). A
 * sweep may then take fl->tracked below zero for a moment; readers see 0. */
static void test_insert_counted_by_the_caller(void **state)
{
    struct fx *f = *state;
    enum { HOME = 50 };
    struct flow_table *ft = f->fl->ft4;
    struct fkey k[3];
    colliding(ft, 4, HOME, k, 3);
    uint32_t uncounted = 0;
    assert_true(ft_insert(f->fl, ft, &k[0], META_TCP, NOW + 10, NOW, false, &uncounted));
    assert_true(ft_insert(f->fl, ft, &k[1], META_TCP, LATER, NOW, false, &uncounted));
    assert_int_equal(uncounted, 2);
    assert_int_equal(eni__flows_tracked(f->fl), 0);
    /* k[0] expired: its slot is taken again, and counts nothing more */
    assert_true(ft_insert(f->fl, ft, &k[2], META_TCP, LATER, NOW + 20, false, &uncounted));
    assert_ptr_equal(ft_find(ft, &k[2], NOW + 20), slot_at(ft, HOME));
    assert_int_equal(uncounted, 2);
    /* a sweep clears them before the burst adds its count */
    assert_int_equal(eni__flows_walk(f->fl, clear_all, NULL), 2);
    assert_true(atomic_load(&f->fl->tracked) < 0);
    assert_int_equal(eni__flows_tracked(f->fl), 0);
    atomic_fetch_add(&f->fl->tracked, uncounted);
    assert_int_equal(eni__flows_tracked(f->fl), 0);
    assert_int_equal(atomic_load(&f->fl->tracked), 0);
}

/* What queries read for an interface without dp state: no flow is ever
 * found or visited, at the default allowance. */
static void test_empty_set(void **state)
{
    (void)state;
    struct eni_flows *e = eni__flows_empty();
    assert_int_equal(e->allowance, ENI_EVAL_DEFAULT_ALLOWANCE);
    assert_int_equal(atomic_load(&e->tracked), 0);
    struct fkey k4 = key(4, 1), k6 = key(6, 1);
    assert_null(ft_find(e->ft4, &k4, NOW));
    assert_null(ft_find(atomic_load(&e->ft6), &k6, NOW));
    assert_int_equal(eni__flows_walk(e, clear_this, NULL), 0);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_collisions_v4),    T(test_collisions_v6),        T(test_clear_mid_chain),
        T(test_chain_wraps),      T(test_expired_slots_reused), T(test_empty_set),
        T(test_insert_counted_by_the_caller),
    };
    return cmocka_run_group_tests_name("eval_flowtab", tests, NULL, NULL);
}
