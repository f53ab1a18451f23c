/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni-bench's JSON: {"meta": {...}, "results": [...]}, one record per
 * figure: {"scenario", "metric", "value"} and what it was measured at. */
#ifndef ENI_BENCH_JSON_H
#define ENI_BENCH_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct json_run {
    bool quick;
    uint32_t flows;
    const char *only;   /* NULL for all */
    const char *shapes; /* NULL for all */
};

/* Open FILE and write the metadata; false (errno set) when it cannot be opened. */
bool json_open(const char *path, const struct json_run *run);
/* Close the results; false when the file could not be written. */
bool json_close(void);

/* What the next records were measured at, as JSON members without braces
 * ("\"rules\": 1000", "\"shape\": \"mix\", \"rules\": 10"); json_params_clear() for none. */
void json_params(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void json_params_clear(void);

/* One record: nothing when no JSON file is open. */
void emit(const char *scenario, const char *metric, double v);

#endif
