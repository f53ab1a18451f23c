/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The classifier by rule shape (bench_shapes.c): for each shape and rule
 * count, dropped packets, packets that create a flow, and established hits,
 * through eni_eval_burst, beside the DPDK composite. */
#ifndef ENI_BENCH_SHAPES_RUN_H
#define ENI_BENCH_SHAPES_RUN_H

#include <stdbool.h>
#include <stdint.h>

/* Run the named shapes (shape_names order) at the given rule counts. */
void bench_shapes(const char *const *names, uint32_t nnames, const uint32_t *sizes, uint32_t nsizes,
                  bool quick);

#endif
