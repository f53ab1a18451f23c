/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* How enictl ends when it cannot go on, with the exit statuses of
 * docs/enictl.md: a message on stderr ("enictl: FILE: $.JSON.Path: what"),
 * and with --json also an error object on stdout, so a script reading the
 * output always gets JSON. */
#ifndef ENICTL_FAIL_H
#define ENICTL_FAIL_H

#include <stdbool.h>

enum {
    ENICTL_EXIT_OK = 0,       /* done; nothing was dropped */
    ENICTL_EXIT_DROPPED = 1,  /* done; some packet (replay) or the packet (explain) is dropped */
    ENICTL_EXIT_INPUT = 2,    /* a usage error or bad input: arguments, JSON, a capture */
    ENICTL_EXIT_INTERNAL = 3  /* anything else: out of memory, a write failed, a libeni bug */
};

/* Which command is running, and whether errors also go to stdout as JSON. */
void fail_setup(const char *command, bool json);

/* A bad command line: the message, a hint to --help, status 2. */
_Noreturn void fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Bad input: FILE and PATH (either may be NULL) locate it; status 2. */
_Noreturn void fail_input(const char *file, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Anything else; status 3. */
_Noreturn void fail_internal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A libeni call that should not have failed: its message and EC2 code; status 3. */
_Noreturn void fail_libeni(const char *call);

#endif
