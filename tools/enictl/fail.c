/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Ending with a message and an exit status (fail.h). */
#include "fail.h"

#include <eni.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *cur_command = "";
static bool cur_json;

void fail_setup(const char *command, bool json)
{
    cur_command = command ? command : "";
    cur_json = json;
}

static _Noreturn void finish(int status, bool hint, const char *file, const char *path,
                             const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    fprintf(stderr, "enictl: %s%s%s%s%s\n", file ? file : "", file ? ": " : "",
            path ? path : "", path ? ": " : "", msg);
    if (hint && !cur_json)
        fprintf(stderr, "Try 'enictl --help'.\n");
    if (cur_json) {
        json_t *err = json_pack("{s:i, s:s?, s:s?, s:s}", "status", status, "file", file,
                                "path", path, "message", msg);
        json_t *doc = json_pack("{s:i, s:s, s:o}", "format", 1, "command", cur_command,
                                "error", err);
        if (doc) {
            json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
            fputc('\n', stdout);
            json_decref(doc);
        }
    }
    fflush(stdout);
    exit(status);
}

void fail_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finish(ENICTL_EXIT_INPUT, true, NULL, NULL, fmt, ap);
}

void fail_input(const char *file, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finish(ENICTL_EXIT_INPUT, false, file, path, fmt, ap);
}

void fail_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    finish(ENICTL_EXIT_INTERNAL, false, NULL, NULL, fmt, ap);
}

void fail_libeni(const char *call)
{
    const eni_error *e = eni_error_last();
    fail_internal("%s failed: %s (%s%s%s)", call, e->message, eni_err_name(e->code),
                  e->ec2_code[0] ? " " : "", e->ec2_code);
}
