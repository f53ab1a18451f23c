/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Clocks, medians and the error check shared by eni-bench's parts. */
#ifndef ENI_BENCH_UTIL_H
#define ENI_BENCH_UTIL_H

#include <eni.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic wall time: cheap (vDSO), for timing single bursts and
 * multi-threaded runs. */
static inline double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The calling thread's CPU time: what a pass cost this thread, whatever else
 * the shared machine is running. */
static inline double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmpd);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Wait until the untimed set-up's loads and stores have completed, so that
 * none of their misses are paid inside the timed region (a full fence). */
static inline void settle(void)
{
    atomic_thread_fence(memory_order_seq_cst);
}

/* A libeni call that must succeed: otherwise the message and exit 1. */
#define CHECK(call)                                                                           \
    do {                                                                                      \
        int rc_ = (call);                                                                     \
        if (rc_ != ENI_OK) {                                                                  \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,                     \
                    eni_error_last()->message);                                               \
            exit(1);                                                                          \
        }                                                                                     \
    } while (0)

/* Repetitions of each measurement (--reps). */
extern int bench_reps;

#endif
