/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Batches on a state file (eni/state.h): one commit at the outermost end;
 * their events are held until it commits and dropped if the file refuses
 * it (then every call of the batch is undone); a batch left open at
 * eni_ctx_free() is committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/fault_vfs.h"
#include "store/sql.h"
#include "store/store_helpers.h"

static const char *const path = "batch.state";

static void cleanup(void)
{
    st_remove(path);
}

static eni_ctx *open_state(void)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.state_path = path;
    o.flags = ENI_CTX_MODEL_EVENTS;
    eni_ctx *ctx = NULL;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    return ctx;
}

static eni_instance_id instance(eni_ctx *ctx)
{
    eni_instance_spec is = ENI_INSTANCE_SPEC_INIT;
    is.instance_type = "m5.large";
    is.subnet = st_subnet(ctx);
    eni_instance_id inst;
    assert_eni_ok(eni_instance_create(ctx, &is, &inst));
    assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, NULL)); /* events so far: gone */
    return inst;
}

static uint32_t state_of(eni_ctx *ctx, eni_instance_id id)
{
    eni_instance_info info = ENI_INSTANCE_INFO_INIT;
    assert_eni_ok(eni_instance_describe(ctx, id, &info));
    return info.state;
}

static int count_state_events(const eni_event *ev, void *ud)
{
    *(uint32_t *)ud += ev->type == ENI_EVENT_INSTANCE_STATE;
    return 0;
}

static uint32_t state_events(eni_ctx *ctx)
{
    uint32_t n = 0;
    assert_eni_ok(eni_ctx_poll(ctx, 0, count_state_events, &n, NULL));
    return n;
}

static uint64_t commits(eni_ctx *ctx)
{
    eni_state_info info = ENI_STATE_INFO_INIT;
    assert_eni_ok(eni_ctx_get_state_info(ctx, &info));
    return info.commits;
}

static void test_a_batch_commits_once_and_its_events_wait_for_it(void **state)
{
    (void)state;
    cleanup();
    eni_ctx *ctx = open_state();
    eni_instance_id inst = instance(ctx);
    uint64_t before = commits(ctx);
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_ctx_batch_begin(ctx)); /* nested */
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_STOPPING));
    assert_eni_ok(eni_ctx_batch_end(ctx));
    assert_int_equal(state_events(ctx), 0); /* still inside the outer batch */
    assert_int_equal(commits(ctx), before);
    assert_eni_ok(eni_ctx_batch_end(ctx));
    assert_int_equal(commits(ctx), before + 1);
    assert_int_equal(state_events(ctx), 2);
    assert_eni_fail(eni_ctx_batch_end(ctx), ENI_ESTATE, "IncorrectState");
    assert_eni_ok(eni_ctx_check(ctx));
    eni_ctx_free(ctx);
    ctx = open_state();
    assert_int_equal(state_of(ctx, inst), ENI_INSTANCE_STOPPING);
    eni_ctx_free(ctx);
    cleanup();
}

static void test_a_refused_batch_is_undone_and_its_events_never_seen(void **state)
{
    (void)state;
    cleanup();
    assert_int_equal(eni__fault_vfs_register(), 0);
    eni__store_vfs = ENI__FAULT_VFS_NAME;
    eni_ctx *ctx = open_state();
    eni_instance_id inst = instance(ctx);
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    assert_int_equal(state_of(ctx, inst), ENI_INSTANCE_RUNNING);
    eni__fault_vfs_arm(0, true); /* the disk is full from now on */
    assert_eni_fail(eni_ctx_batch_end(ctx), ENI_EIO, "InternalError");
    assert_non_null(strstr(eni_error_last()->message, path));
    eni__fault_vfs_arm(-1, false);
    assert_int_equal(state_of(ctx, inst), ENI_INSTANCE_PENDING); /* undone */
    assert_int_equal(state_events(ctx), 0);                      /* and never told */
    assert_eni_ok(eni_ctx_check(ctx));
    /* The disk has room again: the same change goes through. */
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    assert_int_equal(state_events(ctx), 1);
    eni_ctx_free(ctx);
    eni__store_vfs = NULL;
    cleanup();
}

static void test_an_open_batch_is_committed_at_free(void **state)
{
    (void)state;
    cleanup();
    eni_ctx *ctx = open_state();
    eni_instance_id inst = instance(ctx);
    assert_eni_ok(eni_ctx_batch_begin(ctx));
    assert_eni_ok(eni_instance_set_state(ctx, inst, ENI_INSTANCE_RUNNING));
    eni_ctx_free(ctx); /* a graceful stop with the batch still open */
    ctx = open_state();
    assert_int_equal(state_of(ctx, inst), ENI_INSTANCE_RUNNING);
    eni_state_info info = ENI_STATE_INFO_INIT;
    assert_eni_ok(eni_ctx_get_state_info(ctx, &info));
    assert_false(info.flags & ENI_STATE_BATCH);
    assert_eni_fail(eni_ctx_batch_begin(NULL), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_ctx_batch_end(NULL), ENI_EINVAL, "InvalidParameterValue");
    eni_ctx_free(ctx);
    cleanup();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_batch_commits_once_and_its_events_wait_for_it),
        cmocka_unit_test(test_a_refused_batch_is_undone_and_its_events_never_seen),
        cmocka_unit_test(test_an_open_batch_is_committed_at_free),
    };
    return cmocka_run_group_tests_name("store_batch", tests, NULL, NULL);
}
