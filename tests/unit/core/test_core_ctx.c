/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Context creation: the size-first options rule, hooks, logging, version. */
#include <stdlib.h>

#include "test_helpers.h"

static void test_new_and_free_with_defaults(void **state)
{
    (void)state;
    eni_ctx *ctx = NULL;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    assert_non_null(ctx);
    eni_ctx_free(ctx);
    eni_ctx_free(NULL); /* documented no-op */
}

static void test_null_out_pointer_is_einval(void **state)
{
    (void)state;
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    assert_eni_fail(eni_ctx_new(&opts, NULL), ENI_EINVAL, "InvalidParameterValue");
    assert_eni_fail(eni_ctx_opts_init(NULL, sizeof opts), ENI_EINVAL, "InvalidParameterValue");
}

static void test_undersized_opts_is_eversion(void **state)
{
    (void)state;
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    eni_ctx *ctx = (eni_ctx *)(uintptr_t)0x1;
    /* Below the first published layout (which ends after reserved0). */
    for (uint32_t size = 0; size < offsetof(eni_ctx_opts, reserved0) + sizeof(uint32_t); size += 4) {
        opts.size = size;
        assert_eni_fail(eni_ctx_new(&opts, &ctx), ENI_EVERSION, "");
        assert_ptr_equal(ctx, (eni_ctx *)(uintptr_t)0x1); /* out untouched */
    }
    assert_eni_fail(eni_ctx_opts_init(&opts, 8), ENI_EVERSION, "");
}

/* A newer caller's struct: ours plus fields this library does not know. */
struct opts_from_the_future {
    eni_ctx_opts known;
    uint64_t newer_field;
};

static void test_larger_opts_accepted_only_with_zero_tail(void **state)
{
    (void)state;
    struct opts_from_the_future f;
    assert_eni_ok(eni_ctx_opts_init(&f.known, sizeof f));
    assert_int_equal(f.known.size, sizeof f);
    assert_int_equal(f.newer_field, 0);
    eni_ctx *ctx = NULL;
    assert_eni_ok(eni_ctx_new(&f.known, &ctx));
    eni_ctx_free(ctx);

    f.newer_field = 1;
    ctx = NULL;
    assert_eni_fail(eni_ctx_new(&f.known, &ctx), ENI_EVERSION, "");
    assert_null(ctx);
}

static void test_opts_init_matches_static_initialiser(void **state)
{
    (void)state;
    eni_ctx_opts a = ENI_CTX_OPTS_INIT, b;
    memset(&b, 0xa5, sizeof b);
    assert_eni_ok(eni_ctx_opts_init(&b, sizeof b));
    assert_memory_equal(&a, &b, sizeof a);
}

static void test_bad_fields_are_einval(void **state)
{
    (void)state;
    eni_ctx *ctx = NULL;
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.flags = 1u << 31; /* not a defined flag */
    assert_eni_fail(eni_ctx_new(&opts, &ctx), ENI_EINVAL, "InvalidParameterValue");
    opts = (eni_ctx_opts)ENI_CTX_OPTS_INIT;
    opts.reserved0 = 1;
    assert_eni_fail(eni_ctx_new(&opts, &ctx), ENI_EINVAL, "InvalidParameterValue");
    opts = (eni_ctx_opts)ENI_CTX_OPTS_INIT;
    opts.log_level = 5;
    assert_eni_fail(eni_ctx_new(&opts, &ctx), ENI_EINVAL, "InvalidParameterValue");
    opts = (eni_ctx_opts)ENI_CTX_OPTS_INIT;
    opts.malloc_fn = NULL;
    opts.free_fn = NULL;
    opts.realloc_fn = NULL;
    opts.alloc_userdata = &ctx;
    assert_eni_ok(eni_ctx_new(&opts, &ctx)); /* userdata alone is fine */
    eni_ctx_free(ctx);
    ctx = NULL;
    assert_null(ctx);
}

struct counting_alloc {
    size_t live;
    size_t calls;
};

static void *count_malloc(size_t size, void *ud)
{
    struct counting_alloc *a = ud;
    a->calls++;
    a->live++;
    return malloc(size);
}
static void *count_realloc(void *p, size_t size, void *ud)
{
    ((struct counting_alloc *)ud)->calls++;
    return realloc(p, size);
}
static void count_free(void *p, void *ud)
{
    ((struct counting_alloc *)ud)->live--;
    free(p);
}

static void test_allocator_hooks_are_used_and_balanced(void **state)
{
    (void)state;
    struct counting_alloc a = {0, 0};
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.malloc_fn = count_malloc;
    opts.realloc_fn = count_realloc;
    opts.free_fn = count_free;
    opts.alloc_userdata = &a;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&opts, &ctx));
    assert_true(a.calls >= 1);
    for (int i = 0; i < 100; i++) /* grows the event ring through the hooks */
        assert_eni_ok(eni_ctx_post_user_event(ctx, (uint64_t)i));
    assert_true(a.live >= 2);
    eni_ctx_free(ctx);
    assert_int_equal(a.live, 0);

    opts.realloc_fn = NULL; /* two of three hooks */
    assert_eni_fail(eni_ctx_new(&opts, &ctx), ENI_EINVAL, "InvalidParameterValue");
}

struct log_capture {
    int count;
    uint32_t level;
    char last[128];
};

static void capture_log(uint32_t level, const char *message, void *ud)
{
    struct log_capture *c = ud;
    c->count++;
    c->level = level;
    snprintf(c->last, sizeof c->last, "%s", message);
}

static void test_log_callback_honours_threshold(void **state)
{
    (void)state;
    struct log_capture cap = {0, 0, ""};
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.log_fn = capture_log;
    opts.log_userdata = &cap;
    opts.log_level = ENI_LOG_DEBUG;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&opts, &ctx));
    assert_int_equal(cap.count, 1);
    assert_int_equal(cap.level, ENI_LOG_DEBUG);
    assert_non_null(strstr(cap.last, "ctx created"));
    eni_ctx_free(ctx);

    cap.count = 0;
    opts.log_level = ENI_LOG_WARN; /* debug line is filtered */
    assert_eni_ok(eni_ctx_new(&opts, &ctx));
    assert_int_equal(cap.count, 0);
    eni_ctx_free(ctx);

    opts.log_level = ENI_LOG_OFF;
    assert_eni_ok(eni_ctx_new(&opts, &ctx));
    assert_int_equal(cap.count, 0);
    eni_ctx_free(ctx);
}

static void test_version_matches_headers(void **state)
{
    (void)state;
    assert_int_equal(eni_version(), ENI_VERSION_NUMBER);
    assert_string_equal(eni_version_string(), ENI_VERSION_STRING);
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", ENI_VERSION_MAJOR, ENI_VERSION_MINOR,
             ENI_VERSION_PATCH);
    assert_string_equal(buf, eni_version_string());
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_free_with_defaults),
        cmocka_unit_test(test_null_out_pointer_is_einval),
        cmocka_unit_test(test_undersized_opts_is_eversion),
        cmocka_unit_test(test_larger_opts_accepted_only_with_zero_tail),
        cmocka_unit_test(test_opts_init_matches_static_initialiser),
        cmocka_unit_test(test_bad_fields_are_einval),
        cmocka_unit_test(test_allocator_hooks_are_used_and_balanced),
        cmocka_unit_test(test_log_callback_honours_threshold),
        cmocka_unit_test(test_version_matches_headers),
    };
    return cmocka_run_group_tests_name("core_ctx", tests, NULL, NULL);
}
