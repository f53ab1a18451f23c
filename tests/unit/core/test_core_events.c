/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The event queue and eni_ctx_poll(): order, limits, stop, re-entrancy,
 * and posting from other threads. */
#include <pthread.h>

#include "test_helpers.h"

static int setup(void **state)
{
    eni_ctx *ctx;
    if (eni_ctx_new(NULL, &ctx) != ENI_OK)
        return -1;
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    eni_ctx_free(*state);
    return 0;
}

struct seen {
    uint64_t cookies[256];
    uint64_t seqs[256];
    uint32_t n;
    uint32_t stop_at; /* stop after this many, 0 = never */
    eni_ctx *ctx;
    int nested_rc;
};

static int record(const eni_event *ev, void *ud)
{
    struct seen *s = ud;
    assert_int_equal(ev->type, ENI_EVENT_USER);
    assert_int_equal(ev->size, sizeof(eni_event));
    s->cookies[s->n] = ev->cookie;
    s->seqs[s->n] = ev->seq;
    s->n++;
    if (s->ctx) {
        uint32_t d;
        s->nested_rc = eni_ctx_poll(s->ctx, 0, record, s, &d);
    }
    return s->stop_at && s->n == s->stop_at;
}

static void test_events_delivered_in_order(void **state)
{
    eni_ctx *ctx = *state;
    for (uint64_t i = 0; i < 40; i++) /* past the initial ring size */
        assert_eni_ok(eni_ctx_post_user_event(ctx, i * 3));
    assert_int_equal(eni_ctx_pending_events(ctx), 40);
    struct seen s = {.n = 0};
    uint32_t delivered = 0;
    assert_eni_ok(eni_ctx_poll(ctx, 0, record, &s, &delivered));
    assert_int_equal(delivered, 40);
    for (uint32_t i = 0; i < 40; i++) {
        assert_int_equal(s.cookies[i], i * 3);
        assert_int_equal(s.seqs[i], i + 1);
    }
    assert_int_equal(eni_ctx_pending_events(ctx), 0);
}

static void test_max_events_limits_delivery(void **state)
{
    eni_ctx *ctx = *state;
    for (uint64_t i = 0; i < 10; i++)
        eni_ctx_post_user_event(ctx, i);
    struct seen s = {.n = 0};
    uint32_t delivered = 0;
    assert_eni_ok(eni_ctx_poll(ctx, 4, record, &s, &delivered));
    assert_int_equal(delivered, 4);
    assert_int_equal(eni_ctx_pending_events(ctx), 6);
    assert_eni_ok(eni_ctx_poll(ctx, 0, record, &s, NULL));
    assert_int_equal(s.n, 10);
    assert_int_equal(s.cookies[9], 9);
}

static void test_callback_can_stop_polling(void **state)
{
    eni_ctx *ctx = *state;
    for (uint64_t i = 0; i < 5; i++)
        eni_ctx_post_user_event(ctx, i);
    struct seen s = {.n = 0, .stop_at = 2};
    uint32_t delivered = 0;
    assert_eni_fail(eni_ctx_poll(ctx, 0, record, &s, &delivered), ENI_EUSER, "");
    assert_int_equal(delivered, 2);
    assert_int_equal(eni_ctx_pending_events(ctx), 3);
}

static void test_poll_from_callback_is_ebusy(void **state)
{
    eni_ctx *ctx = *state;
    eni_ctx_post_user_event(ctx, 1);
    eni_ctx_post_user_event(ctx, 2);
    struct seen s = {.n = 0, .ctx = ctx, .nested_rc = 1};
    assert_eni_ok(eni_ctx_poll(ctx, 0, record, &s, NULL));
    assert_int_equal(s.nested_rc, ENI_EBUSY);
    assert_int_equal(s.n, 2); /* the nested poll delivered nothing */
}

static int post_more(const eni_event *ev, void *ud)
{
    eni_ctx *ctx = ud;
    if (ev->cookie < 3)
        assert_int_equal(eni_ctx_post_user_event(ctx, ev->cookie + 1), ENI_OK);
    return 0;
}

static void test_events_posted_by_callback_are_delivered_same_poll(void **state)
{
    eni_ctx *ctx = *state;
    eni_ctx_post_user_event(ctx, 0);
    uint32_t delivered = 0;
    assert_eni_ok(eni_ctx_poll(ctx, 0, post_more, ctx, &delivered));
    assert_int_equal(delivered, 4);
    assert_int_equal(eni_ctx_pending_events(ctx), 0);
}

static void test_null_callback_discards(void **state)
{
    eni_ctx *ctx = *state;
    eni_ctx_post_user_event(ctx, 1);
    uint32_t delivered = 0;
    assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, &delivered));
    assert_int_equal(delivered, 1);
    assert_int_equal(eni_ctx_pending_events(ctx), 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    uint32_t d = 9;
    assert_eni_fail(eni_ctx_poll(NULL, 0, NULL, NULL, &d), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(d, 9);
    assert_eni_fail(eni_ctx_post_user_event(NULL, 1), ENI_EINVAL, "InvalidParameterValue");
    assert_int_equal(eni_ctx_pending_events(NULL), 0);
}

enum { POSTERS = 4, PER_POSTER = 2000 };

static void *poster(void *arg)
{
    eni_ctx *ctx = arg;
    for (int i = 0; i < PER_POSTER; i++)
        if (eni_ctx_post_user_event(ctx, (uint64_t)i) != ENI_OK)
            return (void *)1;
    return NULL;
}

struct drain {
    uint64_t last_seq;
    uint32_t count;
    int out_of_order;
};

static int drain_cb(const eni_event *ev, void *ud)
{
    struct drain *d = ud;
    if (ev->seq <= d->last_seq)
        d->out_of_order = 1;
    d->last_seq = ev->seq;
    d->count++;
    return 0;
}

static void test_posting_from_threads_while_polling(void **state)
{
    eni_ctx *ctx = *state;
    pthread_t t[POSTERS];
    for (int i = 0; i < POSTERS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, poster, ctx), 0);
    struct drain d = {0, 0, 0};
    while (d.count < POSTERS * PER_POSTER)
        assert_eni_ok(eni_ctx_poll(ctx, 64, drain_cb, &d, NULL));
    for (int i = 0; i < POSTERS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        assert_null(ret);
    }
    assert_int_equal(d.count, POSTERS * PER_POSTER);
    assert_false(d.out_of_order);
    assert_int_equal(d.last_seq, POSTERS * PER_POSTER);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_events_delivered_in_order),
        T(test_max_events_limits_delivery),
        T(test_callback_can_stop_polling),
        T(test_poll_from_callback_is_ebusy),
        T(test_events_posted_by_callback_are_delivered_same_poll),
        T(test_null_callback_discards),
        T(test_bad_arguments),
        T(test_posting_from_threads_while_polling),
    };
    return cmocka_run_group_tests_name("core_events", tests, NULL, NULL);
}
