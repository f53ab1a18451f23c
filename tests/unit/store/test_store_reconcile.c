/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* After a crash, attachments that were in flight are settled with the
 * backend (eni/state.h, eni_ctx_reconcile): an attach whose device the
 * backend holds completes, one whose device it does not is rolled back, a
 * detach whose device is gone completes; never left attaching. The crash
 * is a child process that exits without freeing its ctx. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store_helpers.h"

#include <eni/sys/mock.h>

static const char *const path = "reconcile.state";

struct ids {
    eni_attachment_id detaching, attaching_kept, attaching_lost;
    eni_nic_id nic_detaching, nic_kept, nic_lost;
};

static void cleanup(void)
{
    st_remove(path);
}

static eni_ctx *open_state(void)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.state_path = path;
    eni_ctx *ctx = NULL;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    return ctx;
}

static eni_nic_id nic_in(eni_ctx *ctx, eni_subnet_id sn)
{
    eni_nic_spec sp = ENI_NIC_SPEC_INIT;
    sp.subnet = sn;
    eni_nic_id id = {0};
    assert_eni_ok(eni_nic_create(ctx, &sp, &id));
    return id;
}

/* The child: one attach completed then detaching, two attaches in flight,
 * and the process ends without eni_ctx_free (a crash, as far as the file
 * can tell). Errors exit non-zero; the ids go up the pipe. */
static void crash_with_operations_in_flight(int fd)
{
    eni_ctx *ctx = open_state();
    eni_subnet_id sn = st_subnet(ctx);
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = "m5.xlarge";
    is.subnet = sn;
    eni_instance_id inst;
    assert_eni_ok(eni_instance_create(ctx, &is, &inst));
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    struct ids ids;
    memset(&ids, 0, sizeof ids);
    ids.nic_detaching = nic_in(ctx, sn);
    ids.nic_kept = nic_in(ctx, sn);
    ids.nic_lost = nic_in(ctx, sn);
    assert_eni_ok(eni_nic_attach(ctx, ids.nic_detaching, inst, 1, 0, &ids.detaching));
    assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, NULL)); /* the mock answers at once */
    eni_mock_config mc = ENI_MOCK_CONFIG_INIT;
    mc.latency = ENI_MOCK_AFTER_POLLS;
    mc.polls = 1000; /* nothing completes before the "crash" */
    assert_eni_ok(eni_mock_configure(ctx, &mc));
    assert_eni_ok(eni_nic_attach(ctx, ids.nic_kept, inst, 2, 0, &ids.attaching_kept));
    assert_eni_ok(eni_nic_attach(ctx, ids.nic_lost, inst, 3, 0, &ids.attaching_lost));
    assert_eni_ok(eni_nic_detach(ctx, ids.detaching, 0));
    if (write(fd, &ids, sizeof ids) != (ssize_t)sizeof ids)
        _exit(3);
    /* A crash: no eni_ctx_free, nothing handed over, the lock goes with the
     * process (and valgrind leak-checks nothing the child merely inherited). */
    kill(getpid(), SIGKILL);
    for (;;)
        pause();
}

static struct ids run_child(void)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        crash_with_operations_in_flight(p[1]);
    }
    close(p[1]);
    struct ids ids;
    assert_int_equal(read(p[0], &ids, sizeof ids), (ssize_t)sizeof ids);
    close(p[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    return ids;
}

static uint32_t att_status(eni_ctx *ctx, eni_attachment_id a)
{
    eni_attachment_info info = {.size = sizeof info};
    int rc = eni_attachment_describe(ctx, a, &info);
    return rc == ENI_OK ? info.status : 99u; /* 99: gone */
}

static uint32_t nic_status(eni_ctx *ctx, eni_nic_id n)
{
    eni_nic_info info = ENI_NIC_INFO_INIT;
    assert_eni_ok(eni_nic_describe(ctx, n, &info));
    return info.status;
}

struct seen {
    uint32_t completed, failed, detached;
};

static int count_event(const eni_event *ev, void *ud)
{
    struct seen *s = ud;
    s->completed += ev->type == ENI_EVENT_ATTACH_COMPLETED;
    s->failed += ev->type == ENI_EVENT_ATTACH_FAILED;
    s->detached += ev->type == ENI_EVENT_DETACH_COMPLETED;
    return 0;
}

static void test_in_flight_attachments_are_completed_or_rolled_back(void **state)
{
    (void)state;
    cleanup();
    struct ids ids = run_child();
    eni_ctx *ctx = open_state();
    eni_state_info info = ENI_STATE_INFO_INIT;
    assert_eni_ok(eni_ctx_get_state_info(ctx, &info));
    assert_true(info.flags & ENI_STATE_RECONCILE);
    /* As the child left them: */
    assert_int_equal(att_status(ctx, ids.detaching), ENI_ATTACHMENT_DETACHING);
    assert_int_equal(att_status(ctx, ids.attaching_kept), ENI_ATTACHMENT_ATTACHING);
    assert_int_equal(att_status(ctx, ids.attaching_lost), ENI_ATTACHMENT_ATTACHING);
    assert_eni_ok(eni_ctx_check(ctx));

    /* The restored attachments have no backend yet: setting one is allowed. */
    assert_eni_ok(eni_ctx_set_backend(ctx, eni_mock_backend_ops(), NULL));
    /* The hardware still holds one of the two devices being attached. */
    assert_eni_ok(eni_mock_adopt_device(ctx, ids.attaching_kept, ENI_NIC_INTERFACE));
    assert_eni_fail(eni_mock_adopt_device(ctx, ids.attaching_kept, ENI_NIC_INTERFACE), ENI_EEXIST,
                    "InvalidParameterValue");
    assert_eni_fail(eni_mock_adopt_device(ctx, (eni_attachment_id){ids.nic_kept.v}, 0),
                    ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_mock_adopt_device(ctx, ids.attaching_lost, 9), ENI_EINVAL,
                    "InvalidParameterValue");

    uint32_t completed = 7, rolled_back = 7;
    assert_eni_ok(eni_ctx_reconcile(ctx, &completed, &rolled_back));
    assert_int_equal(completed, 2);  /* the kept attach, and the detach whose device is gone */
    assert_int_equal(rolled_back, 1); /* the attach whose device is not there */
    assert_int_equal(att_status(ctx, ids.attaching_kept), ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(att_status(ctx, ids.attaching_lost), 99u);
    assert_int_equal(att_status(ctx, ids.detaching), 99u);
    assert_int_equal(nic_status(ctx, ids.nic_kept), ENI_NIC_IN_USE);
    assert_int_equal(nic_status(ctx, ids.nic_lost), ENI_NIC_AVAILABLE);
    assert_int_equal(nic_status(ctx, ids.nic_detaching), ENI_NIC_AVAILABLE);
    assert_eni_ok(eni_ctx_check(ctx)); /* the file took every outcome */
    struct seen seen = {0};
    assert_eni_ok(eni_ctx_poll(ctx, 0, count_event, &seen, NULL));
    assert_int_equal(seen.completed, 1);
    assert_int_equal(seen.failed, 1);
    assert_int_equal(seen.detached, 1);

    /* Settled once: a second call finds nothing, and the backend is now theirs. */
    assert_eni_ok(eni_ctx_reconcile(ctx, &completed, &rolled_back));
    assert_int_equal(completed + rolled_back, 0);
    assert_eni_ok(eni_ctx_get_state_info(ctx, &info));
    assert_false(info.flags & ENI_STATE_RECONCILE);
    assert_eni_fail(eni_ctx_set_backend(ctx, eni_mock_backend_ops(), NULL), ENI_EBUSY,
                    "IncorrectState");
    assert_eni_fail(eni_ctx_reconcile(NULL, NULL, NULL), ENI_EINVAL, "InvalidParameterValue");
    eni_ctx_free(ctx);

    /* The outcomes are in the file. */
    ctx = open_state();
    assert_int_equal(att_status(ctx, ids.attaching_kept), ENI_ATTACHMENT_ATTACHED);
    assert_int_equal(att_status(ctx, ids.attaching_lost), 99u);
    assert_int_equal(nic_status(ctx, ids.nic_lost), ENI_NIC_AVAILABLE);
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
    cleanup();
}

/* Without eni_ctx_reconcile, the first poll settles them. */
static void test_the_first_poll_reconciles(void **state)
{
    (void)state;
    cleanup();
    struct ids ids = run_child();
    eni_ctx *ctx = open_state();
    struct seen seen = {0};
    assert_eni_ok(eni_ctx_poll(ctx, 0, count_event, &seen, NULL));
    /* The default mock of a new process holds no device. */
    assert_int_equal(seen.completed, 0);
    assert_int_equal(seen.failed, 2);
    assert_int_equal(seen.detached, 1);
    assert_int_equal(att_status(ctx, ids.attaching_kept), 99u);
    eni_state_info info = ENI_STATE_INFO_INIT;
    assert_eni_ok(eni_ctx_get_state_info(ctx, &info));
    assert_false(info.flags & ENI_STATE_RECONCILE);
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
    cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_flight_attachments_are_completed_or_rolled_back),
        cmocka_unit_test(test_the_first_poll_reconciles),
    };
    return cmocka_run_group_tests_name("store_reconcile", tests, NULL, NULL);
}
