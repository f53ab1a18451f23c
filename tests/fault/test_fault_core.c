/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Out-of-memory sweeps over the core: fail allocation N for N = 1, 2, ...
 * until the operation succeeds; every failure must return ENI_ENOMEM, leave
 * state as it was, and leak nothing. */
#include "test_helpers.h"
#include "fail_alloc.h"
#include "core/ctx_internal.h"

static void test_ctx_new_fails_cleanly_at_every_allocation(void **state)
{
    (void)state;
    for (long n = 1;; n++) {
        struct fail_alloc a = {.fail_at = n};
        eni_ctx_opts opts = fail_alloc_opts(&a);
        eni_ctx *ctx = NULL;
        int rc = eni_ctx_new(&opts, &ctx);
        if (!a.failed) {
            assert_int_equal(rc, ENI_OK);
            eni_ctx_free(ctx);
            assert_int_equal(a.live, 0);
            assert_true(n > 1); /* at least one allocation was swept */
            break;
        }
        assert_int_equal(rc, ENI_ENOMEM);
        assert_null(ctx);
        assert_int_equal(a.live, 0);
    }
}

static void test_event_post_oom_keeps_queue_intact(void **state)
{
    (void)state;
    for (long n = 1; n <= 10; n++) {
        struct fail_alloc a = {.fail_at = 0};
        eni_ctx_opts opts = fail_alloc_opts(&a);
        eni_ctx *ctx;
        assert_eni_ok(eni_ctx_new(&opts, &ctx));
        a.fail_at = a.calls + n; /* some later ring growth fails */
        uint32_t posted = 0;
        int rc = ENI_OK;
        for (int i = 0; i < 5000 && rc == ENI_OK; i++) {
            rc = eni_ctx_post_user_event(ctx, (uint64_t)i);
            if (rc == ENI_OK)
                posted++;
        }
        assert_int_equal(rc, ENI_ENOMEM);
        assert_int_equal(eni_ctx_pending_events(ctx), posted);
        /* the queue still works and holds exactly what was accepted, in order */
        a.fail_at = 0;
        assert_eni_ok(eni_ctx_post_user_event(ctx, 99999));
        uint32_t delivered;
        assert_eni_ok(eni_ctx_poll(ctx, 0, NULL, NULL, &delivered));
        assert_int_equal(delivered, posted + 1);
        eni_ctx_free(ctx);
        assert_int_equal(a.live, 0);
    }
}

static void test_registry_insert_oom_changes_nothing(void **state)
{
    (void)state;
    struct fail_alloc a = {.fail_at = 0};
    eni_ctx_opts opts = fail_alloc_opts(&a);
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&opts, &ctx));
    static int obj;
    uint64_t id;
    int inserted = 0;
    a.fail_at = a.calls + 3; /* the third slot-array growth fails */
    int rc = ENI_OK;
    while (rc == ENI_OK) {
        rc = eni__registry_insert(ctx, ENI_KIND_NIC, &obj, &id);
        if (rc == ENI_OK)
            inserted++;
    }
    assert_int_equal(rc, ENI_ENOMEM);
    assert_int_equal(eni__registry_live(ctx, ENI_KIND_NIC), (uint32_t)inserted);
    a.fail_at = 0;
    assert_eni_ok(eni__registry_insert(ctx, ENI_KIND_NIC, &obj, &id));
    assert_int_equal(eni__id_slot(id), (uint32_t)inserted); /* no slot was lost */
    for (uint32_t slot = 0; slot <= (uint32_t)inserted; slot++) /* fake objects out first */
        eni__registry_remove(ctx, eni__id_make(ENI_KIND_NIC, 1, slot));
    eni_ctx_free(ctx);
    assert_int_equal(a.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctx_new_fails_cleanly_at_every_allocation),
        cmocka_unit_test(test_event_post_oom_keeps_queue_intact),
        cmocka_unit_test(test_registry_insert_oom_changes_nothing),
    };
    return cmocka_run_group_tests_name("fault_core", tests, NULL, NULL);
}
