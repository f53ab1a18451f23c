/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Waiting without busy-polling: the event fd, eni_ctx_timeout_ms and
 * eni_ctx_wait, including completions a backend posts from its own thread;
 * and freeing a ctx from inside its own poll callback. */
#include <poll.h>
#include <stdbool.h>
#include <pthread.h>
#include <time.h>

#include "test_helpers.h"

#include <eni/sys/backend.h>
#include <eni/sys/mock.h>

static bool readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static eni_ctx *new_ctx(void)
{
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    return ctx;
}

static void test_event_fd_follows_the_queue(void **state)
{
    (void)state;
    eni_ctx *ctx = new_ctx();
    int fd = -1, again = -1;
    assert_int_equal(eni_ctx_event_fd(NULL, &fd), ENI_EINVAL);
    assert_int_equal(eni_ctx_event_fd(ctx, NULL), ENI_EINVAL);
    assert_eni_ok(eni_ctx_event_fd(ctx, &fd));
    assert_true(fd >= 0);
    assert_eni_ok(eni_ctx_event_fd(ctx, &again));
    assert_int_equal(again, fd); /* one descriptor per ctx */
    assert_false(readable(fd));
    assert_eni_ok(eni_ctx_post_user_event(ctx, 1));
    assert_eni_ok(eni_ctx_post_user_event(ctx, 2));
    assert_true(readable(fd));
    /* One event taken, one left: still readable. */
    uint32_t n;
    assert_eni_ok(eni_ctx_poll(ctx, 1, NULL, NULL, &n));
    assert_int_equal(n, 1);
    assert_true(readable(fd));
    assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, &n));
    assert_int_equal(n, 1);
    assert_false(readable(fd));
    eni_ctx_free(ctx);
}

static void test_events_before_the_fd_count(void **state)
{
    (void)state;
    eni_ctx *ctx = new_ctx();
    assert_eni_ok(eni_ctx_post_user_event(ctx, 7));
    int fd;
    assert_eni_ok(eni_ctx_event_fd(ctx, &fd));
    assert_true(readable(fd));
    eni_ctx_free(ctx);
}

static void test_timeout_and_wait_when_idle(void **state)
{
    (void)state;
    eni_ctx *ctx = new_ctx();
    assert_int_equal(eni_ctx_timeout_ms(NULL), -1);
    assert_int_equal(eni_ctx_timeout_ms(ctx), -1); /* nothing in flight */
    assert_int_equal(eni_ctx_wait(ctx, 0), ENI_ETIMEDOUT);
    assert_int_equal(eni_ctx_wait(ctx, 20), ENI_ETIMEDOUT);
    assert_int_equal(eni_ctx_wait(ctx, -2), ENI_EINVAL);
    assert_int_equal(eni_ctx_wait(NULL, 0), ENI_EINVAL);
    assert_eni_ok(eni_ctx_post_user_event(ctx, 1));
    assert_int_equal(eni_ctx_timeout_ms(ctx), 0);
    assert_eni_ok(eni_ctx_wait(ctx, -1)); /* returns at once: an event waits */
    eni_ctx_free(ctx);
}

/* ---- a backend that completes attaches from a thread of its own ---------- */

struct slow {
    eni_backend_host *host;
    pthread_t thread;
    bool started;
    eni_attachment_id pending;
};

static void *complete_later(void *arg)
{
    struct slow *s = arg;
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = ENI_BEV_ATTACH_DONE;
    ev.attachment = s->pending;
    ev.status = ENI_OK;
    (void)eni_backend_post(s->host, &ev);
    return NULL;
}

static int slow_open(eni_backend_host *host, const char *config, void **instance)
{
    (void)config;
    struct slow *s = eni_backend_calloc(host, 1, sizeof *s);
    if (!s)
        return eni_backend_fail(ENI_ENOMEM, 0, "slow: out of memory");
    s->host = host;
    *instance = s;
    return ENI_OK;
}

static void slow_close(void *instance)
{
    struct slow *s = instance;
    if (s->started)
        pthread_join(s->thread, NULL);
    eni_backend_free(s->host, s);
}

static int slow_attach(void *instance, const eni_backend_attach_req *req)
{
    struct slow *s = instance;
    if (s->started)
        pthread_join(s->thread, NULL);
    s->pending = req->attachment;
    s->started = pthread_create(&s->thread, NULL, complete_later, s) == 0;
    return s->started ? ENI_OK : eni_backend_fail(ENI_EBACKEND, 0, "slow: no thread");
}

static int slow_detach(void *instance, const eni_backend_detach_req *req)
{
    struct slow *s = instance;
    if (req->flags & ENI_BACKEND_DETACH_ABORT)
        return ENI_OK;
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = ENI_BEV_DETACH_DONE;
    ev.attachment = req->attachment;
    return eni_backend_post(s->host, &ev);
}

static int slow_poll(void *instance, uint64_t now_ns)
{
    (void)instance, (void)now_ns;
    return ENI_OK;
}

static const eni_backend_ops slow_ops = {
    .size = sizeof(eni_backend_ops),
    .abi = ENI_BACKEND_ABI,
    .name = "slow",
    .open = slow_open,
    .close = slow_close,
    .attach = slow_attach,
    .detach = slow_detach,
    .poll = slow_poll,
};

static int count_completed(const eni_event *ev, void *ud)
{
    if (ev->type == ENI_EVENT_ATTACH_COMPLETED)
        ++*(int *)ud;
    return 0;
}

static eni_instance_id launch_one(eni_ctx *ctx)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.1.0/24";
    eni_subnet_id subnet;
    assert_eni_ok(eni_subnet_create(ctx, &ss, &subnet));
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_launch(ctx, &ls, &inst));
    return inst;
}

/* The agent loop of the docs: wait, then poll. A completion posted by the
 * backend's own thread wakes the waiter; no busy loop. */
static void test_wait_wakes_for_a_backend_thread(void **state)
{
    (void)state;
    eni_ctx *ctx = new_ctx();
    assert_eni_ok(eni_ctx_set_backend(ctx, &slow_ops, NULL));
    int fd;
    assert_eni_ok(eni_ctx_event_fd(ctx, &fd));
    launch_one(ctx);
    assert_int_equal(eni_ctx_timeout_ms(ctx), 0); /* the instance's state event waits */
    int completed = 0, rounds = 0;
    assert_eni_ok(eni_ctx_poll(ctx, 0, count_completed, &completed, NULL));
    /* The attach waits for the backend: a short tick, never "forever". */
    int32_t t = eni_ctx_timeout_ms(ctx);
    if (!completed && !(t > 0 && t <= 10))
        fail_msg("timeout %d while the attach waits", (int)t);
    while (!completed && rounds++ < 500) {
        int rc = eni_ctx_wait(ctx, 2000);
        assert_true(rc == ENI_OK);
        assert_eni_ok(eni_ctx_poll(ctx, 0, count_completed, &completed, NULL));
    }
    assert_int_equal(completed, 1);
    /* Attached now: the backend watches its device on a slow tick. */
    assert_int_equal(eni_ctx_timeout_ms(ctx), 100);
    eni_ctx_free(ctx);
}

/* Mock with completions after two polls: the timeout says when to poll. */
static void test_timeout_while_the_mock_waits(void **state)
{
    (void)state;
    eni_ctx *ctx = new_ctx();
    eni_mock_config c = ENI_MOCK_CONFIG_INIT;
    c.latency = ENI_MOCK_AFTER_POLLS;
    c.polls = 2;
    assert_eni_ok(eni_mock_configure(ctx, &c));
    launch_one(ctx);
    int completed = 0;
    for (int i = 0; i < 5 && !completed; i++) {
        int32_t t = eni_ctx_timeout_ms(ctx);
        assert_true(t >= 0 && t <= 10);
        assert_eni_ok(eni_ctx_wait(ctx, 1000));
        assert_eni_ok(eni_ctx_poll(ctx, 0, count_completed, &completed, NULL));
    }
    assert_int_equal(completed, 1);
    eni_ctx_free(ctx);
}

/* ---- freeing the ctx from inside its own poll callback ------------------- */

struct freeing {
    eni_ctx *ctx;
    int calls;
};

static int free_in_callback(const eni_event *ev, void *ud)
{
    (void)ev;
    struct freeing *f = ud;
    f->calls++;
    eni_ctx_free(f->ctx);
    return 0;
}

static void test_free_from_a_poll_callback(void **state)
{
    (void)state;
    struct freeing f = {new_ctx(), 0};
    for (int i = 0; i < 3; i++)
        assert_eni_ok(eni_ctx_post_user_event(f.ctx, (uint64_t)i));
    uint32_t n = 99;
    /* The ctx is freed when the callback returns; no further event is
     * delivered; ASan and valgrind see neither a double free nor a leak. */
    assert_eni_ok(eni_ctx_poll(f.ctx, 0, free_in_callback, &f, &n));
    assert_int_equal(f.calls, 1);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_fd_follows_the_queue),
        cmocka_unit_test(test_events_before_the_fd_count),
        cmocka_unit_test(test_timeout_and_wait_when_idle),
        cmocka_unit_test(test_wait_wakes_for_a_backend_thread),
        cmocka_unit_test(test_timeout_while_the_mock_waits),
        cmocka_unit_test(test_free_from_a_poll_callback),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
