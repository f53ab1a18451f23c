/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The fixture, and refusal and mutation checks, for tests that hold a bare
 * eni_ctx (the VPC and instance tests): a refused call must leave the
 * model's canonical dump unchanged, a mutation must keep the invariants.
 * Tests with a fixture struct use model_fixture.h instead. */
#ifndef ENI_TEST_MODEL_REFUSE_H
#define ENI_TEST_MODEL_REFUSE_H

#include <stdlib.h>
#include <string.h>

#include "test_helpers.h"

/* The whole model as text (eni_ctx_dump with size negotiation). */
static inline char *snap(eni_ctx *ctx)
{
    size_t n = 0;
    assert_eni_ok(eni_ctx_dump(ctx, NULL, 0, &n));
    assert_true(n > 0);
    char *buf = malloc(n);
    assert_non_null(buf);
    size_t n2 = 0;
    assert_eni_ok(eni_ctx_dump(ctx, buf, n, &n2));
    assert_int_equal(n2, n);
    assert_int_equal(strlen(buf) + 1, n);
    return buf;
}

/* The model must equal the snapshot; frees it. */
static inline void same_as(eni_ctx *ctx, char *before)
{
    char *after = snap(ctx);
    assert_string_equal(before, after);
    free(after);
    free(before);
    assert_eni_ok(eni_ctx_check(ctx));
}

/* A refused call: return code, EC2 code, and nothing changed. */
#define REFUSE(ctx, expr, want_rc, want_ec2)                                       \
    do {                                                                           \
        char *before_ = snap(ctx);                                                 \
        assert_eni_fail(expr, want_rc, want_ec2);                                  \
        same_as(ctx, before_);                                                     \
    } while (0)

/* A refused call whose EC2 code the header leaves open: code recorded, nothing changed. */
#define REFUSE_RC(ctx, expr, want_rc)                                              \
    do {                                                                           \
        char *before_ = snap(ctx);                                                 \
        eni_error_clear();                                                         \
        int rc2_ = (expr);                                                         \
        assert_int_equal(rc2_, (want_rc));                                         \
        assert_int_equal(eni_error_last()->code, (want_rc));                       \
        same_as(ctx, before_);                                                     \
    } while (0)

/* A mutation: it succeeds and the invariants hold. */
#define MUTATE(ctx, expr)                                                          \
    do {                                                                           \
        assert_eni_ok(expr);                                                       \
        assert_eni_ok(eni_ctx_check(ctx));                                         \
    } while (0)

/* The fixture: a fresh context in *state. */
static inline int ctx_setup(void **state)
{
    eni_ctx *ctx = NULL;
    if (eni_ctx_new(NULL, &ctx) != ENI_OK)
        return -1;
    *state = ctx;
    return 0;
}

static inline int ctx_teardown(void **state)
{
    eni_ctx_free(*state);
    return 0;
}

#endif
