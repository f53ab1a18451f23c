/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The host services of eni/sys/backend.h, used the way an out-of-tree
 * backend uses them: this file includes only public headers. */
#include "test_helpers.h"

#include <eni/sys/backend.h>
#include <eni/sys/mock.h>

/* ---- a counting allocator and a recording log --------------------------- */

struct hooks {
    int live;          /* allocations not yet freed */
    int total;         /* allocations and resizes */
    char log[2048];    /* every line, "<level> <line>\n" */
};

static void *h_malloc(size_t size, void *ud)
{
    struct hooks *h = ud;
    h->live++;
    h->total++;
    return malloc(size);
}

static void *h_realloc(void *p, size_t size, void *ud)
{
    struct hooks *h = ud;
    h->total++;
    return realloc(p, size);
}

static void h_free(void *p, void *ud)
{
    struct hooks *h = ud;
    h->live--;
    free(p);
}

static void h_log(uint32_t level, const char *line, void *ud)
{
    struct hooks *h = ud;
    size_t used = strlen(h->log);
    snprintf(h->log + used, sizeof h->log - used, "%u %s\n", level, line);
}

/* ---- a tiny backend: one allocation per open, logs, refuses attach ------- */

struct tiny {
    eni_backend_host *host;
    int *scratch;
};

static int tiny_open(eni_backend_host *host, const char *config, void **instance)
{
    if (config && strcmp(config, "refuse") == 0)
        return eni_backend_fail(ENI_EBACKEND, 19 /* ENODEV */, "tiny: refused to open");
    struct tiny *t = eni_backend_calloc(host, 1, sizeof *t);
    if (!t)
        return eni_backend_fail(ENI_ENOMEM, 0, "tiny: out of memory");
    t->host = host;
    t->scratch = eni_backend_realloc_array(host, NULL, 4, sizeof *t->scratch);
    int *grown = t->scratch ? eni_backend_realloc_array(host, t->scratch, 64, sizeof *grown) : NULL;
    if (!grown) {
        eni_backend_free(host, t->scratch);
        eni_backend_free(host, t);
        return eni_backend_fail(ENI_ENOMEM, 0, "tiny: out of memory");
    }
    t->scratch = grown;
    t->scratch[63] = 42;
    eni_backend_log(host, ENI_LOG_INFO, "tiny: opened");
    *instance = t;
    return ENI_OK;
}

static void tiny_close(void *instance)
{
    struct tiny *t = instance;
    eni_backend_host *host = t->host;
    eni_backend_free(host, t->scratch);
    eni_backend_free(host, t);
}

static int tiny_attach(void *instance, const eni_backend_attach_req *req)
{
    (void)instance, (void)req;
    return eni_backend_fail(ENI_EBACKEND, 5 /* EIO */, "tiny: no devices here");
}

static int tiny_detach(void *instance, const eni_backend_detach_req *req)
{
    (void)instance, (void)req;
    return ENI_OK;
}

static int tiny_poll(void *instance, uint64_t now_ns)
{
    (void)instance, (void)now_ns;
    return ENI_OK;
}

static const eni_backend_ops tiny_ops = {
    .size = sizeof(eni_backend_ops),
    .abi = ENI_BACKEND_ABI,
    .name = "tiny",
    .open = tiny_open,
    .close = tiny_close,
    .attach = tiny_attach,
    .detach = tiny_detach,
    .poll = tiny_poll,
};

static eni_ctx *new_ctx(struct hooks *h)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.malloc_fn = h_malloc;
    o.realloc_fn = h_realloc;
    o.free_fn = h_free;
    o.alloc_userdata = h;
    o.log_fn = h_log;
    o.log_userdata = h;
    o.log_level = ENI_LOG_DEBUG;
    eni_ctx *ctx = NULL;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    return ctx;
}

/* Allocation goes through the ctx's hooks; logging through its log_fn. */
static void test_host_services_use_the_ctx_hooks(void **state)
{
    (void)state;
    struct hooks h = {0};
    eni_ctx *ctx = new_ctx(&h);
    int before = h.total;
    assert_eni_ok(eni_ctx_set_backend(ctx, &tiny_ops, NULL));
    assert_true(h.total >= before + 3); /* the instance, the scratch, its growth */
    assert_non_null(strstr(h.log, "3 tiny: opened\n")); /* at ENI_LOG_INFO */
    assert_string_equal(eni_ctx_backend_name(ctx), "tiny");
    eni_ctx_free(ctx);
    assert_int_equal(h.live, 0); /* the backend freed through the same hooks */
}

/* eni_backend_fail records code, errno and message, as libeni's calls do. */
static void test_backend_fail_is_recorded(void **state)
{
    (void)state;
    struct hooks h = {0};
    eni_ctx *ctx = new_ctx(&h);
    eni_error_clear();
    assert_int_equal(eni_ctx_set_backend(ctx, &tiny_ops, "refuse"), ENI_EBACKEND);
    assert_int_equal(eni_error_last()->code, ENI_EBACKEND);
    assert_int_equal(eni_error_last()->os_errno, 19);
    assert_string_equal(eni_error_last()->message, "tiny: refused to open");
    assert_string_equal(eni_ctx_backend_name(ctx), "mock"); /* nothing changed */
    /* A code that is not an eni_err is recorded as ENI_EBACKEND. */
    assert_int_equal(eni_backend_fail(7, 0, "positive"), ENI_EBACKEND);
    assert_int_equal(eni_backend_fail(-9999, 0, NULL), ENI_EBACKEND);
    assert_string_equal(eni_error_last()->message, "");
    assert_int_equal(eni_backend_fail(ENI_ENOTFOUND, 0, "gone"), ENI_ENOTFOUND);
    assert_int_equal(eni_error_last()->code, ENI_ENOTFOUND);
    eni_ctx_free(ctx);
    assert_int_equal(h.live, 0);
}

static int try_overflow(void *instance, void *arg)
{
    struct tiny *t = instance;
    (void)arg;
    if (eni_backend_calloc(t->host, SIZE_MAX / 2 + 1, 4) != NULL)
        return ENI_EINVAL;
    /* A refused resize leaves the old memory as it was. */
    if (eni_backend_realloc_array(t->host, t->scratch, SIZE_MAX / 2 + 1, 4) != NULL)
        return ENI_EINVAL;
    return t->scratch[63] == 42 ? ENI_OK : ENI_EINVAL;
}

/* NULL hosts and messages are harmless; overflowing sizes are refused. */
static void test_host_services_refuse_bad_input(void **state)
{
    (void)state;
    assert_null(eni_backend_calloc(NULL, 1, 8));
    assert_null(eni_backend_realloc_array(NULL, NULL, 1, 8));
    eni_backend_free(NULL, NULL);
    eni_backend_log(NULL, ENI_LOG_ERROR, "nowhere");
    struct hooks h = {0};
    eni_ctx *ctx = new_ctx(&h);
    assert_eni_ok(eni_ctx_set_backend(ctx, &tiny_ops, NULL));
    assert_eni_ok(eni_ctx_backend_call(ctx, &tiny_ops, try_overflow, NULL));
    eni_ctx_free(ctx);
    assert_int_equal(h.live, 0);
}

static int count_calls(void *instance, void *arg)
{
    struct tiny *t = instance;
    int *seen = arg;
    *seen = t->scratch[63];
    return ENI_OK;
}

/* eni_ctx_backend_call reaches the instance of the named backend only. */
static void test_backend_call(void **state)
{
    (void)state;
    struct hooks h = {0};
    eni_ctx *ctx = new_ctx(&h);
    int seen = 0;
    assert_eni_fail(eni_ctx_backend_call(ctx, &tiny_ops, count_calls, &seen), ENI_ENOTSUP,
                    eni_err_ec2_code(ENI_ENOTSUP));
    assert_int_equal(seen, 0);
    assert_eni_ok(eni_ctx_set_backend(ctx, &tiny_ops, NULL));
    assert_eni_ok(eni_ctx_backend_call(ctx, &tiny_ops, count_calls, &seen));
    assert_int_equal(seen, 42);
    /* The mock's controls now see another backend. */
    assert_int_equal(eni_mock_drop_nth(ctx, ENI_MOCK_OP_ATTACH, 1), ENI_ENOTSUP);
    assert_int_equal(eni_ctx_backend_call(NULL, &tiny_ops, count_calls, &seen), ENI_EINVAL);
    assert_int_equal(eni_ctx_backend_call(ctx, NULL, count_calls, &seen), ENI_EINVAL);
    assert_int_equal(eni_ctx_backend_call(ctx, &tiny_ops, NULL, &seen), ENI_EINVAL);
    eni_ctx_free(ctx);
    assert_int_equal(h.live, 0);
}

/* The mock itself allocates through the hooks: nothing escapes them. */
static void test_mock_allocates_through_hooks(void **state)
{
    (void)state;
    struct hooks h = {0};
    eni_ctx *ctx = new_ctx(&h);
    int before = h.total;
    eni_mock_config c = ENI_MOCK_CONFIG_INIT;
    c.latency = ENI_MOCK_AFTER_POLLS;
    c.polls = 2;
    assert_eni_ok(eni_mock_configure(ctx, &c));
    assert_int_equal(h.total, before); /* configuring allocates nothing */
    eni_ctx_free(ctx);
    assert_int_equal(h.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_services_use_the_ctx_hooks),
        cmocka_unit_test(test_backend_fail_is_recorded),
        cmocka_unit_test(test_host_services_refuse_bad_input),
        cmocka_unit_test(test_backend_call),
        cmocka_unit_test(test_mock_allocates_through_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
