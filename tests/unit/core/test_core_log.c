/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Logging that tells an operator what happened: state changes at INFO,
 * refusals at DEBUG with their EC2 code, a callback that may call back into
 * libeni (and cannot free its ctx), LIBENI_DEBUG without code. */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "test_helpers.h"

struct logbook {
    char text[16384]; /* "<level> <line>\n"... */
    eni_ctx *ctx;     /* set: the callback calls back into libeni */
    int reentered_rc;
    int free_rc;
    bool free_from_callback;
};

static void record(uint32_t level, const char *line, void *ud)
{
    struct logbook *b = ud;
    size_t used = strlen(b->text);
    snprintf(b->text + used, sizeof b->text - used, "%u %s\n", level, line);
    if (b->ctx) {
        /* A libeni call from the callback: no deadlock, and its own lines
         * are not fed back into this callback. */
        eni_vpc_id ids[4];
        uint32_t n;
        b->reentered_rc = eni_vpc_list(b->ctx, ids, 4, &n);
        if (b->free_from_callback) {
            eni_error_clear();
            eni_ctx_free(b->ctx);
            b->free_rc = eni_error_last()->code;
        }
    }
}

static eni_ctx *new_ctx(struct logbook *b, uint32_t level)
{
    eni_ctx_opts o = ENI_CTX_OPTS_INIT;
    o.log_fn = record;
    o.log_userdata = b;
    o.log_level = level;
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(&o, &ctx));
    return ctx;
}

static eni_vpc_id make_vpc(eni_ctx *ctx)
{
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    eni_vpc_id vpc;
    assert_eni_ok(eni_vpc_create(ctx, &vs, &vpc));
    return vpc;
}

static void test_state_changes_at_info(void **state)
{
    (void)state;
    static struct logbook b;
    memset(&b, 0, sizeof b);
    eni_ctx *ctx = new_ctx(&b, ENI_LOG_INFO);
    eni_vpc_id vpc = make_vpc(ctx);
    char id[ENI_ID_STRING_MAX], want[128];
    assert_eni_ok(eni_id_format(ctx, vpc.v, id, sizeof id));
    snprintf(want, sizeof want, "3 created VPC %s (10.0.0.0/16)", id);
    assert_non_null(strstr(b.text, want));
    assert_eni_ok(eni_vpc_delete(ctx, vpc));
    snprintf(want, sizeof want, "3 deleted VPC %s\n", id);
    assert_non_null(strstr(b.text, want));
    /* INFO does not show refusals. */
    assert_int_equal(eni_vpc_delete(ctx, vpc), ENI_ESTALE);
    assert_null(strstr(b.text, "refused"));
    eni_ctx_free(ctx);
}

static void test_refusals_at_debug_with_the_ec2_code(void **state)
{
    (void)state;
    static struct logbook b;
    memset(&b, 0, sizeof b);
    eni_ctx *ctx = new_ctx(&b, ENI_LOG_DEBUG);
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/8"; /* larger than EC2's /16 */
    eni_vpc_id vpc;
    assert_int_equal(eni_vpc_create(ctx, &vs, &vpc), ENI_EINVAL);
    assert_non_null(strstr(b.text, "4 refused: "));
    assert_non_null(strstr(b.text, "InvalidVpc.Range"));
    eni_ctx_free(ctx);
}

static void test_callback_may_call_back_in(void **state)
{
    (void)state;
    static struct logbook b;
    memset(&b, 0, sizeof b);
    eni_ctx *ctx = new_ctx(&b, ENI_LOG_DEBUG);
    b.ctx = ctx;
    b.reentered_rc = 1;
    make_vpc(ctx);
    assert_int_equal(b.reentered_rc, ENI_OK); /* it ran, and did not deadlock */
    /* Freeing the ctx from its log callback is refused, and it stays usable. */
    b.free_from_callback = true;
    make_vpc(ctx);
    assert_int_equal(b.free_rc, ENI_EBUSY);
    b.ctx = NULL;
    eni_vpc_id ids[4];
    uint32_t n;
    assert_eni_ok(eni_vpc_list(ctx, ids, 4, &n));
    assert_int_equal(n, 2);
    eni_ctx_free(ctx);
}

/* LIBENI_DEBUG turns logging on without code: to stderr without a log_fn,
 * and above the caller's threshold with one. */
static void test_libeni_debug_environment(void **state)
{
    (void)state;
    char path[] = "/tmp/libeni-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    assert_true(dup2(fd, 2) == 2);
    setenv("LIBENI_DEBUG", "info", 1);
    eni_ctx *ctx;
    assert_eni_ok(eni_ctx_new(NULL, &ctx));
    make_vpc(ctx);
    eni_ctx_free(ctx);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[4096] = "";
    ssize_t got = pread(fd, text, sizeof text - 1, 0);
    close(fd);
    unlink(path);
    assert_true(got > 0);
    assert_non_null(strstr(text, "libeni: info: created VPC vpc-"));

    static struct logbook b;
    memset(&b, 0, sizeof b);
    setenv("LIBENI_DEBUG", "debug", 1);
    ctx = new_ctx(&b, ENI_LOG_WARN);
    eni_vpc_id none = {0};
    assert_int_equal(eni_vpc_delete(ctx, none), ENI_EINVAL);
    assert_non_null(strstr(b.text, "4 refused: "));
    eni_ctx_free(ctx);
    unsetenv("LIBENI_DEBUG");
}

int main(void)
{
    unsetenv("LIBENI_DEBUG");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_state_changes_at_info),
        cmocka_unit_test(test_refusals_at_debug_with_the_ec2_code),
        cmocka_unit_test(test_callback_may_call_back_in),
        cmocka_unit_test(test_libeni_debug_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
