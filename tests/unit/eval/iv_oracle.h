/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The tests' oracle for interval sets (cls_iv, classify.h): whether a
 * point is in any of them, by a linear scan, so it stays simpler than
 * every search it checks (test_eval_radix's merges, test_eval_jump's
 * bucket index). */
#ifndef ENI_TEST_IV_ORACLE_H
#define ENI_TEST_IV_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "eval/classify.h"

/* Is the point (hi, lo) in any of v[0 .. n)? */
static inline bool iv_holds(const struct cls_iv *v, uint32_t n, uint64_t hi, uint64_t lo)
{
    for (uint32_t i = 0; i < n; i++)
        if (eni__le128(v[i].lo_hi, v[i].lo_lo, hi, lo) &&
            eni__le128(hi, lo, v[i].hi_hi, v[i].hi_lo))
            return true;
    return false;
}

#endif
