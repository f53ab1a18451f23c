/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Completions posted from a backend thread while the control thread keeps
 * mutating the model and polling (run under ThreadSanitizer in CI).
 *
 * The test backend hands every attach and detach to a worker thread, which
 * posts the completion through eni_backend_post() a little later, so posts
 * race with the ctx lock holder, the event queue and eni_ctx_poll(). */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <eni/sys/backend.h>

#include "test_helpers.h"

enum { JOBS = 4096, ROUNDS = 300 };

struct worker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    eni_backend_host *host;
    eni_backend_event queue[JOBS];
    uint32_t head, tail;
    int stop;
    pthread_t thread;
    uint64_t posted;
    uint64_t post_failures;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->head == w->tail && !w->stop)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->head == w->tail && w->stop)
            break;
        eni_backend_event ev = w->queue[w->head++ % JOBS];
        pthread_mutex_unlock(&w->lock);
        sched_yield(); /* let the control thread run between posts */
        int rc = eni_backend_post(w->host, &ev); /* cmocka asserts are main-thread only */
        pthread_mutex_lock(&w->lock);
        w->posted++;
        if (rc != ENI_OK)
            w->post_failures++;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static struct worker *g_worker; /* the one worker of the test's ctx */

static uint64_t outstanding(void)
{
    pthread_mutex_lock(&g_worker->lock);
    uint64_t n = g_worker->tail - g_worker->posted;
    pthread_mutex_unlock(&g_worker->lock);
    return n;
}

static int t_open(eni_backend_host *host, const char *config, void **instance)
{
    (void)config;
    struct worker *w = calloc(1, sizeof *w);
    if (!w)
        return ENI_ENOMEM;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->host = host;
    pthread_create(&w->thread, NULL, worker_main, w);
    g_worker = w;
    *instance = w;
    return ENI_OK;
}

static void t_close(void *instance)
{
    struct worker *w = instance;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}

static int enqueue(struct worker *w, uint32_t type, eni_attachment_id att)
{
    eni_backend_event ev;
    memset(&ev, 0, sizeof ev);
    ev.size = sizeof ev;
    ev.type = type;
    ev.attachment = att;
    pthread_mutex_lock(&w->lock);
    int rc = ENI_OK;
    if (w->tail - w->head >= JOBS)
        rc = ENI_EBUSY;
    else
        w->queue[w->tail++ % JOBS] = ev;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return rc;
}

static int t_attach(void *instance, const eni_backend_attach_req *req)
{
    return enqueue(instance, ENI_BEV_ATTACH_DONE, req->attachment);
}

static int t_detach(void *instance, const eni_backend_detach_req *req)
{
    if (req->flags & ENI_BACKEND_DETACH_ABORT)
        return ENI_OK;
    return enqueue(instance, ENI_BEV_DETACH_DONE, req->attachment);
}

static int t_poll(void *instance, uint64_t now_ns)
{
    (void)instance;
    (void)now_ns;
    return ENI_OK;
}

static const eni_backend_ops threaded_ops = {
    .size = sizeof(eni_backend_ops),
    .abi = ENI_BACKEND_ABI,
    .name = "threaded-test",
    .open = t_open,
    .close = t_close,
    .attach = t_attach,
    .detach = t_detach,
    .poll = t_poll,
};

struct tally {
    uint32_t attached, detached;
};

static int count_events(const eni_event *ev, void *ud)
{
    struct tally *t = ud;
    t->attached += ev->type == ENI_EVENT_ATTACH_COMPLETED;
    t->detached += ev->type == ENI_EVENT_DETACH_COMPLETED;
    return 0;
}

static void test_s1_3_completions_from_a_backend_thread(void **state)
{
    (void)state;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    assert_eni_ok(eni_ctx_set_backend(ctx, &threaded_ops, NULL));
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &vs, &vpc));
    eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
    ss.vpc = vpc;
    ss.availability_zone = "us-east-1a";
    ss.cidr_block = "10.0.0.0/20";
    eni_subnet_id subnet;
    assert_eni_ok(eni_subnet_create(ctx, &ss, &subnet));
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = "m5.24xlarge";
    is.subnet = subnet;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_create(ctx, &is, &inst));
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));

    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = subnet;
    eni_nic_id nics[8];
    for (int i = 0; i < 8; i++)
        assert_eni_ok(eni_nic_create(ctx, &ns, &nics[i]));

    struct tally t = {0, 0};
    eni_attachment_id att[8] = {{0}};
    uint32_t attached_ok = 0, detached_ok = 0;
    for (int round = 0; round < ROUNDS; round++) {
        int k = round % 8;
        eni_attachment_info ai = {.size = sizeof ai};
        if (att[k].v && eni_attachment_describe(ctx, att[k], &ai) == ENI_OK) {
            if (ai.status == ENI_ATTACHMENT_ATTACHED) {
                int rc = eni_nic_detach(ctx, att[k], 0);
                if (rc == ENI_OK)
                    detached_ok++;
                else if (round < 40)
                    print_message("# detach: %s\n", eni_error_last()->message);
            }
        } else {
            int rc = eni_nic_attach(ctx, nics[k], inst, 1 + (uint32_t)k, 0, &att[k]);
            if (rc == ENI_OK)
                attached_ok++;
            else if (round < 20)
                print_message("# attach: %s\n", eni_error_last()->message);
        }
        /* Unrelated control-plane work while completions arrive. */
        eni_nic_id tmp;
        assert_eni_ok(eni_nic_create(ctx, &ns, &tmp));
        assert_eni_ok(eni_nic_assign_private_ips(ctx, tmp, NULL, 0, 2, 0));
        assert_eni_ok(eni_nic_delete(ctx, tmp));
        uint32_t n;
        assert_eni_ok(eni_ctx_poll(ctx, 0, count_events, &t, &n));
        /* Let the worker catch up before the next round touches the same
         * interface; its posts race with the work above, not with this wait. */
        while (outstanding())
            sched_yield();
        assert_eni_ok(eni_ctx_poll(ctx, 0, count_events, &t, &n));
    }
    /* Drain: every operation started must complete. */
    for (int spin = 0; spin < 100000 && (t.attached < attached_ok || t.detached < detached_ok);
         spin++) {
        uint32_t n;
        assert_eni_ok(eni_ctx_poll(ctx, 0, count_events, &t, &n));
        sched_yield();
    }
    assert_int_equal(t.attached, attached_ok);
    assert_int_equal(t.detached, detached_ok);
    print_message("# attached %u detached %u\n", attached_ok, detached_ok);
    assert_int_equal(g_worker->post_failures, 0);
    /* Each interface cycles attach, detach, attach...: about ROUNDS/16 of each. */
    assert_true(attached_ok >= ROUNDS / 20);
    assert_true(detached_ok >= ROUNDS / 20);
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s1_3_completions_from_a_backend_thread),
    };
    return cmocka_run_group_tests_name("attach_threads", tests, NULL, NULL);
}
