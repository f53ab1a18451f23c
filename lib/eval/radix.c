/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Least-significant-digit radix sorts (radix.h): 11-bit digits (three for
 * 32 bits, twelve for 128), all counted in one read; a pass whose digit is
 * the same for every value (the high bits of cuts inside one VPC, the
 * prefix of a /64) is skipped. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cuts.h"
#include "eval_internal.h"
#include "radix.h"

enum { DIGIT_BITS = 11, DIGITS = 1u << DIGIT_BITS, PASSES = 3 };

/* Turn one pass's digit counts into where each digit's values start.
 * false when the first value's digit (any value's) holds all n: then
 * every value has it and the pass would move nothing. */
static bool digit_starts(uint32_t count[DIGITS], uint32_t first, uint32_t n)
{
    if (count[first] == n)
        return false;
    uint32_t at = 0;
    for (uint32_t d = 0; d < DIGITS; d++) {
        uint32_t c = count[d];
        count[d] = at;
        at += c;
    }
    return true;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

void eni__sort_u32(eni_ctx *ctx, uint32_t *v, uint32_t n)
{
    if (n < 2)
        return;
    /* scratch and counts from the heap: 24 KiB of counts is more stack
     * than a caller's thread should have to spare */
    uint32_t *tmp = n >= 64 ? eni__malloc(ctx, (size_t)n * sizeof *tmp) : NULL;
    uint32_t(*count)[DIGITS] = tmp ? eni__calloc(ctx, PASSES, sizeof *count) : NULL;
    if (!count) { /* small, or no scratch: the library sort */
        eni__free(ctx, tmp);
        qsort(v, n, sizeof *v, cmp_u32);
        return;
    }
    _Static_assert(PASSES * DIGIT_BITS >= 32, "three digits cover 32 bits");
    for (uint32_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            count[p][(v[i] >> (p * DIGIT_BITS)) & (DIGITS - 1)]++;
    uint32_t *src = v, *dst = tmp;
    for (int p = 0; p < PASSES; p++) {
        uint32_t shift = (uint32_t)p * DIGIT_BITS;
        if (!digit_starts(count[p], (src[0] >> shift) & (DIGITS - 1), n))
            continue;
        for (uint32_t i = 0; i < n; i++)
            dst[count[p][(src[i] >> shift) & (DIGITS - 1)]++] = src[i];
        uint32_t *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != v)
        memcpy(v, src, (size_t)n * sizeof *v);
    eni__free(ctx, count);
    eni__free(ctx, tmp);
}

enum { PASSES6 = 12, HALF6 = 6 }; /* six digits of the low word, then six of the high */

static inline uint32_t digit6(const struct cls_cut6 *c, int p)
{
    uint64_t w = p < HALF6 ? c->lo : c->hi;
    return (uint32_t)(w >> ((p % HALF6) * DIGIT_BITS)) & (DIGITS - 1);
}

static int cmp_cut6(const void *a, const void *b)
{
    const struct cls_cut6 *x = a, *y = b;
    if (x->hi != y->hi)
        return x->hi < y->hi ? -1 : 1;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

void eni__sort_cut6(eni_ctx *ctx, struct cls_cut6 *v, uint32_t n)
{
    if (n < 2)
        return;
    _Static_assert(HALF6 * DIGIT_BITS >= 64, "six digits cover a word");
    struct cls_cut6 *tmp = n >= 64 ? eni__malloc(ctx, (size_t)n * sizeof *tmp) : NULL;
    uint32_t(*count)[DIGITS] = tmp ? eni__calloc(ctx, PASSES6, sizeof *count) : NULL;
    if (!count) { /* small, or no scratch: the library sort */
        eni__free(ctx, tmp);
        qsort(v, n, sizeof *v, cmp_cut6);
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES6; p++)
            count[p][digit6(&v[i], p)]++;
    struct cls_cut6 *src = v, *dst = tmp;
    for (int p = 0; p < PASSES6; p++) {
        if (!digit_starts(count[p], digit6(&src[0], p), n))
            continue;
        for (uint32_t i = 0; i < n; i++)
            dst[count[p][digit6(&src[i], p)]++] = src[i];
        struct cls_cut6 *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != v)
        memcpy(v, src, (size_t)n * sizeof *v);
    eni__free(ctx, count);
    eni__free(ctx, tmp);
}
