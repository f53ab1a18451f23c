/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The progress line (progress.h). */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress *p, int mode)
{
    p->tty = isatty(2);
    p->on = mode == 1 || (mode < 0 && p->tty);
    p->next = now_s() + 0.5; /* short replays print nothing */
    p->printed = false;
}

void progress_update(progress *p, uint64_t packets, double done)
{
    if (!p->on)
        return;
    double t = now_s();
    if (t < p->next)
        return;
    p->next = t + (p->tty ? 0.2 : 1.0);
    fprintf(stderr, "%senictl: replay: %llu packets, %.0f%% of the capture%s", p->tty ? "\r" : "",
            (unsigned long long)packets, done * 100.0, p->tty ? "\033[K" : "\n");
    fflush(stderr);
    p->printed = true;
}

void progress_end(progress *p)
{
    if (p->on && p->tty && p->printed)
        fputs("\r\033[K", stderr);
}
