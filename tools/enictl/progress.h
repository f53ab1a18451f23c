/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The progress line of a long replay, on stderr: rewritten in place on a
 * terminal, one line a second otherwise (--progress into a log). */
#ifndef ENICTL_PROGRESS_H
#define ENICTL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct progress {
    bool on, tty;
    double next;    /* when to print next, seconds on the monotonic clock */
    bool printed;
} progress;

/* @mode: 1 on, 0 off, -1 only when stderr is a terminal. */
void progress_init(progress *p, int mode);
/* Cheap when nothing is due; call it every few packets. */
void progress_update(progress *p, uint64_t packets, double done);
/* Clear the line on a terminal. */
void progress_end(progress *p);

#endif
