/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Sorting 32-bit values and 128-bit cuts by radix, for the compile step:
 * the cuts of a key index are every end of every interval its sets draw on (2 x
 * 200,000 of them at 1000 group-referencing rules), and qsort's compare
 * calls were a fifth of a publication's time there. Control path. */
#ifndef ENI_EVAL_RADIX_H
#define ENI_EVAL_RADIX_H

#include <stdint.h>

struct eni_ctx;

/* Sort v[0..n) ascending. Uses a scratch array of n values and the digit
 * counts from ctx's allocator; without them it falls back to qsort (same
 * result, slower), so it cannot fail. */
void eni__sort_u32(struct eni_ctx *ctx, uint32_t *v, uint32_t n);

/* The same for 128-bit cuts (IPv6 key indexes), by (hi, lo). */
struct cls_cut6;
void eni__sort_cut6(struct eni_ctx *ctx, struct cls_cut6 *v, uint32_t n);

#endif
