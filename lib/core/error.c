/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The error table, its lookups, and the thread-local last-error record. */
#include "error_internal.h"
#include "error_table.h"
#include "eni/sys/backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum { ERROR_MESSAGE_MAX = ENI__ERROR_MESSAGE_MAX };

struct error_info {
    const char *name;
    const char *message;
    const char *ec2_code;
};

/* Indexed by -code; generated from the one table in error_table.h. */
static const struct error_info error_table[] = {
#define ENI__ERR_INFO(name, value, msg, ec2) [-(value)] = {"ENI_" #name, msg, ec2},
    ENI_ERRNO_MAP(ENI__ERR_INFO)
#undef ENI__ERR_INFO
};

/* Every row names an enumerator with the row's value... */
#define ENI__ERR_CHECK_DENSE(name, value, msg, ec2) \
    _Static_assert(ENI_##name == (value) && (value) > ENI__ERR_LAST, "error " #name " differs from eni/errors.h");
ENI_ERRNO_MAP(ENI__ERR_CHECK_DENSE)
#undef ENI__ERR_CHECK_DENSE
/* ...and the rows cover every value from ENI_OK down to ENI__ERR_LAST + 1. */
_Static_assert(sizeof error_table / sizeof error_table[0] == (size_t)-ENI__ERR_LAST,
               "ENI__ERR_LAST must sit one below the lowest code, with no gaps");

static const struct error_info *lookup(int code)
{
    if (code > 0 || code <= ENI__ERR_LAST)
        return NULL;
    return &error_table[-code];
}

const char *eni_strerror(int code)
{
    const struct error_info *info = lookup(code);
    return info ? info->message : "unknown error";
}

const char *eni_err_name(int code)
{
    const struct error_info *info = lookup(code);
    return info ? info->name : "ENI_EUNKNOWN";
}

const char *eni_err_ec2_code(int code)
{
    const struct error_info *info = lookup(code);
    return info ? info->ec2_code : "";
}

/* One record per thread: failures on one thread never show on another. */
static _Thread_local char tls_message[ERROR_MESSAGE_MAX];
static _Thread_local eni_error tls_error;
static _Thread_local int tls_ready;

static eni_error *record(void)
{
    if (!tls_ready) {
        tls_error.code = ENI_OK;
        tls_error.os_errno = 0;
        tls_error.message = "no error";
        tls_error.ec2_code = "";
        tls_ready = 1;
    }
    return &tls_error;
}

const eni_error *eni_error_last(void)
{
    return record();
}

void eni_error_clear(void)
{
    tls_ready = 0;
    (void)record();
}

/* log.c's definition logs the refusal; this weak one stands in where error.c
 * is linked without the rest of the library (the QEMU test's program). */
__attribute__((weak)) void eni__log_refusal(void)
{
}

ENI__PRINTF(4, 0)
static int fail_v(int code, int os_errno, const char *ec2_code, const char *fmt, va_list ap)
{
    eni_error *e = record();
    if (fmt)
        vsnprintf(tls_message, sizeof tls_message, fmt, ap);
    else
        snprintf(tls_message, sizeof tls_message, "%s", eni_strerror(code));
    e->code = code;
    e->os_errno = os_errno;
    e->message = tls_message;
    e->ec2_code = ec2_code ? ec2_code : eni_err_ec2_code(code);
    eni__log_refusal();
    return code;
}

int eni__fail(int code, const char *ec2_code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = fail_v(code, 0, ec2_code, fmt, ap);
    va_end(ap);
    return rc;
}

int eni__fail_os(int code, int os_errno, const char *ec2_code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = fail_v(code, os_errno, ec2_code, fmt, ap);
    va_end(ap);
    return rc;
}

/* The host service of eni/sys/backend.h: what eni__fail is to libeni, for a
 * backend that sees only the public headers. */
int eni_backend_fail(int code, int os_errno, const char *message)
{
    if (code >= 0 || strcmp(eni_err_name(code), "ENI_EUNKNOWN") == 0)
        code = ENI_EBACKEND;
    return eni__fail_os(code, os_errno, NULL, "%s", message ? message : "");
}

void eni__error_save(struct eni_error_saved *s)
{
    s->e = *record();
    snprintf(s->message, sizeof s->message, "%s", s->e.message);
}

int eni__error_restore(const struct eni_error_saved *s, const char *prefix)
{
    return eni__fail_os(s->e.code, s->e.os_errno, s->e.ec2_code, "%s%s", prefix, s->message);
}
