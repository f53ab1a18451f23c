/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers for the cmocka unit tests. */
#ifndef ENI_TEST_HELPERS_H
#define ENI_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <eni.h>

/* Assert a call's return code and the EC2 code it recorded. */
#define assert_eni_fail(expr, want_rc, want_ec2)                                   \
    do {                                                                           \
        eni_error_clear();                                                         \
        int rc_ = (expr);                                                          \
        assert_int_equal(rc_, (want_rc));                                          \
        assert_int_equal(eni_error_last()->code, (want_rc));                       \
        assert_string_equal(eni_error_last()->ec2_code, (want_ec2));               \
    } while (0)

#define assert_eni_ok(expr) assert_int_equal((expr), ENI_OK)

/* The next value of a seeded xorshift64 sequence (Marsaglia's 13, 7, 17):
 * each test keeps its own state and seed, so each keeps its own sequence. */
static inline uint64_t test_xorshift64(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}


#endif
