/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Fixture helpers shared by the model and attach tests: refusals must leave
 * the model's canonical dump unchanged, mutations must keep the invariants. */
#ifndef ENI_TEST_MODEL_FIXTURE_H
#define ENI_TEST_MODEL_FIXTURE_H

#include <stdlib.h>

#include "test_helpers.h"

/* Replace *slot with a fresh canonical dump of the model. */
static inline void snap(eni_ctx *ctx, char **slot)
{
    free(*slot);
    *slot = NULL;
    size_t n = 0;
    assert_eni_ok(eni_ctx_dump(ctx, NULL, 0, &n));
    assert_true(n > 0);
    *slot = malloc(n);
    assert_non_null(*slot);
    assert_eni_ok(eni_ctx_dump(ctx, *slot, n, &n));
}

/* The model is as (f)->before recorded it, and the invariants hold.
 * `f` is a fixture with `ctx`, `before` and `after` (char *) members. */
#define UNCHANGED(f)                                          \
    do {                                                      \
        snap((f)->ctx, &(f)->after);                          \
        assert_string_equal((f)->before, (f)->after);         \
        assert_eni_ok(eni_ctx_check((f)->ctx));               \
    } while (0)

/* A refused call: right return code and EC2 code, and the model unchanged. */
#define REFUSED(f, expr, want_rc, want_code)                  \
    do {                                                      \
        snap((f)->ctx, &(f)->before);                         \
        assert_eni_fail((expr), (want_rc), (want_code));      \
        UNCHANGED(f);                                         \
    } while (0)

/* A successful mutation, followed by the invariant check. */
#define MUTATE(f, expr)                                       \
    do {                                                      \
        assert_eni_ok(expr);                                  \
        assert_eni_ok(eni_ctx_check((f)->ctx));               \
    } while (0)

#endif
