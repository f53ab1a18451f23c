/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Least-significant-digit radix sort of 32-bit values (radix.h): three
 * passes of 11 bits, counted in one read; a pass whose digit is the same
 * for every value (the high bits of cuts inside one VPC) is skipped. */
#include <stdlib.h>
#include <string.h>

#include "eval_internal.h"
#include "radix.h"

enum { DIGIT_BITS = 11, DIGITS = 1u << DIGIT_BITS, PASSES = 3 };

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void eni__sort_u32(eni_ctx *ctx, uint32_t *v, uint32_t n)
{
    if (n < 2)
        return;
    uint32_t *tmp = n >= 64 ? eni__malloc(ctx, (size_t)n * sizeof *tmp) : NULL;
    if (!tmp) { /* small, or no scratch: the library sort */
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    _Static_assert(PASSES * DIGIT_BITS >= 32, "three digits cover 32 bits");
    uint32_t count[PASSES][DIGITS];
    memset(count, 0, sizeof count);
    for (uint32_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            count[p][(v[i] >> (p * DIGIT_BITS)) & (DIGITS - 1)]++;
    uint32_t *src = v, *dst = tmp;
    for (int p = 0; p < PASSES; p++) {
        uint32_t shift = (uint32_t)p * DIGIT_BITS;
        if (count[p][(src[0] >> shift) & (DIGITS - 1)] == n)
            continue; /* one digit for all: this pass would not move anything */
        uint32_t at = 0;
        for (uint32_t d = 0; d < DIGITS; d++) {
            uint32_t c = count[p][d];
            count[p][d] = at;
            at += c;
        }
        for (uint32_t i = 0; i < n; i++)
            dst[count[p][(src[i] >> shift) & (DIGITS - 1)]++] = src[i];
        uint32_t *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != v)
        memcpy(v, src, (size_t)n * sizeof *v);
    eni__free(ctx, tmp);
}
