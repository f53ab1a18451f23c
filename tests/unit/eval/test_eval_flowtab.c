/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The flow table's probe (lib/eval/flowtab.h), driven directly on a small
 * table (64 slots): keys whose home slots collide, an absent key on their
 * chain, a flow cleared in the middle of a chain (its slot keeps a non-zero
 * seq, so the chain stays whole, and an insert takes the slot again), a
 * chain wrapping past the table's end, expired flows, the allowance's
 * reuse-only insert, and the shared empty set queries read. */
#include <pthread.h>
#include <sched.h>
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

static bool expired_at(const struct flow_table *ft, struct flow_slot *s, void *now)
{
    (void)ft;
    return atomic_load(&s->expires) <= *(const uint64_t *)now;
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

/* Slots a probe for a key homed at `home` reads before a never-used slot
 * ends it (MAX_PROBE when none does). */
static uint32_t probe_length(const struct flow_table *ft, uint32_t home)
{
    uint32_t n = 0;
    for (uint32_t i = home; n < MAX_PROBE; i = next_slot(ft, i), n++)
        if (atomic_load(&slot_at(ft, i)->seq) == 0)
            break;
    return n;
}

/* Churn: flows come and go (inserted, then swept) under ever new keys.
 * Every slot a flow ever held would keep a non-zero seq, and once none was
 * left never-used every miss would read MAX_PROBE slots (a flood's packet,
 * 512 slots): sweeping gives back the slots no live flow's probe crosses,
 * so a miss stays as short as in a fresh table, and every live flow stays
 * findable. Both families, with flows left live across rounds. */
static void churn(struct fx *f, unsigned family)
{
    struct flow_table *ft = table(f, family);
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    struct fkey live[8];
    uint32_t n_live = 0;
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 40; i++) {
            struct fkey k = key(family, (uint16_t)(1 + test_xorshift64(&rng) % 65535));
            if (ft_find(ft, &k, NOW))
                continue;
            /* a few flows outlive the sweep: their chains must stay whole */
            bool keep = i < 8 && n_live < 8 && round % 10 == 0;
            insert(f, family, &k, keep ? LATER : NOW + 5);
            if (keep)
                live[n_live++] = k;
        }
        (void)eni__flows_walk(f->fl, expired_at, &(uint64_t){NOW + 10});
        for (uint32_t j = 0; j < n_live; j++)
            assert_non_null(ft_find(ft, &live[j], NOW + 10));
    }
    assert_int_equal(eni__flows_tracked(f->fl), n_live);
    uint32_t worst = 0, sum = 0;
    for (uint32_t h = 0; h < ft->cap; h++) {
        uint32_t len = probe_length(ft, h);
        sum += len;
        worst = len > worst ? len : worst;
    }
    printf("# IPv%u after churn: %u live flows in %u slots, probe of a miss: mean %.2f, "
           "longest %u slots\n",
           family, n_live, ft->cap, (double)sum / ft->cap, worst);
    assert_true(worst <= n_live + 1);
}

static void test_churn_keeps_probes_short_v4(void **state)
{
    churn(*state, 4);
}

static void test_churn_keeps_probes_short_v6(void **state)
{
    churn(*state, 6);
}

/* Inserts racing with sweeps that give slots back: writers insert flows
 * into one small table and look each up at once, while the main thread
 * sweeps the ones past their deadline (an epoch it advances) and gives
 * their slots back. A flow whose deadline the sweeps have not reached must
 * be found: an insert whose chain lost a slot to a sweep must not leave
 * its flow past the gap. Run under ThreadSanitizer in CI. */
struct race {
    struct eni_flows *fl;
    _Atomic uint64_t epoch;
    _Atomic int stop;
    _Atomic uint64_t inserted, lost, full;
};

static void *race_writer(void *arg)
{
    struct race *r = arg;
    uint64_t rng = (uint64_t)(uintptr_t)&rng | 1;
    while (!atomic_load(&r->stop)) {
        struct fkey k = key(4, (uint16_t)(1 + test_xorshift64(&rng) % 65535));
        uint64_t e = atomic_load(&r->epoch);
        if (ft_find(r->fl->ft4, &k, e))
            continue;
        if (!ft_insert(r->fl, r->fl->ft4, &k, META_TCP, e + 4, e, false, NULL)) {
            atomic_fetch_add(&r->full, 1);
            continue;
        }
        bool found = ft_find(r->fl->ft4, &k, e) != NULL;
        /* sweeps clear deadlines below the epoch: 4 more, and it may go */
        if (!found && atomic_load(&r->epoch) < e + 4)
            atomic_fetch_add(&r->lost, 1);
        atomic_fetch_add(&r->inserted, 1);
    }
    return NULL;
}

static void test_inserts_race_with_sweeps(void **state)
{
    struct fx *f = *state;
    struct race r = {.fl = f->fl, .epoch = NOW};
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&t[i], NULL, race_writer, &r), 0);
    uint32_t swept = 0;
    for (int round = 0; round < 3000 || atomic_load(&r.inserted) < 3000; round++) {
        uint64_t e = atomic_fetch_add(&r.epoch, 1) + 1;
        swept += eni__flows_walk(f->fl, expired_at, &(uint64_t){e - 1});
        sched_yield();
        if (round > 200000)
            break;
    }
    atomic_store(&r.stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("# %lu flows inserted, %u swept, %lu refused (table full), %lu not found\n",
           (unsigned long)atomic_load(&r.inserted), swept, (unsigned long)atomic_load(&r.full),
           (unsigned long)atomic_load(&r.lost));
    assert_true(atomic_load(&r.inserted) >= 3000 && swept > 1000);
    assert_int_equal(atomic_load(&r.lost), 0);
    /* the count is exact once every writer is done */
    uint32_t live = 0;
    for (uint32_t i = 0; i < f->fl->ft4->cap; i++)
        live += (atomic_load(&slot_at(f->fl->ft4, i)->meta) & FLOW_VALID) != 0;
    assert_int_equal(eni__flows_tracked(f->fl), live);
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
        T(test_insert_counted_by_the_caller), T(test_churn_keeps_probes_short_v4),
        T(test_churn_keeps_probes_short_v6), T(test_inserts_race_with_sweeps),
    };
    return cmocka_run_group_tests_name("eval_flowtab", tests, NULL, NULL);
}
