/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Command-line helpers shared by the bench programs: --help, --version, and
 * whole decimal numbers in a range. A usage error exits with status 2. */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include <eni.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLI_EXIT_USAGE = 2 };

/* The long options every program takes, to end its getopt_long table. */
#define CLI_COMMON_OPTIONS {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'}

/* A usage error: the message, a pointer to --help, exit 2. @p prog is
 * argv[0], as getopt_long's own messages name it. */
static inline _Noreturn void cli_fail(const char *prog, const char *what, const char *arg)
{
    fprintf(stderr, "%s: %s: '%s'\nTry '%s --help'.\n", prog, what, arg, prog);
    exit(CLI_EXIT_USAGE);
}

/* The cases of getopt_long's result every program handles alike: 'h'
 * (usage on stdout: "usage: PROG " then @p usage), 'V' (the library's
 * version) and '?' (getopt_long has said what is wrong). */
static inline void cli_common(int opt, const char *prog, const char *usage)
{
    if (opt == 'h') {
        printf("usage: %s %s", prog, usage);
        exit(0);
    }
    if (opt == 'V') {
        const char *slash = strrchr(prog, '/');
        printf("%s (libeni %s)\n", slash ? slash + 1 : prog, eni_version_string());
        exit(0);
    }
    fprintf(stderr, "Try '%s --help'.\n", prog);
    exit(CLI_EXIT_USAGE);
}

/* A whole decimal number in [lo, hi] (no sign, spaces, suffix or other
 * base), or a usage error naming @p what. */
static inline uint32_t cli_number(const char *prog, const char *what, const char *s, uint32_t lo,
                                  uint32_t hi)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = s[0] >= '0' && s[0] <= '9' ? strtoul(s, &end, 10) : 0;
    if (!end || *end || errno || v < lo || v > hi) {
        char msg[96];
        snprintf(msg, sizeof msg, "%s must be a whole number from %lu to %lu", what,
                 (unsigned long)lo, (unsigned long)hi);
        cli_fail(prog, msg, s);
    }
    return (uint32_t)v;
}

#endif /* BENCH_CLI_H */
