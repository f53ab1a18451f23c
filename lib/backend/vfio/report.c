/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Formatting for every file of the VFIO backend: failures in front of
 * eni_backend_fail, and paths that must fit their buffers (the QEMU test
 * links this file without the rest of the library). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vfio_internal.h"

enum { MESSAGE_MAX = 512 };

int eni__vfio_fail(int code, int os_errno, const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return eni_backend_fail(code, os_errno, msg);
}

int eni__vfio_path(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < cap)
        return ENI_OK;
    /* A cut path names another file: never use it. */
    buf[0] = 0;
    return eni__vfio_fail(ENI_EINVAL, ENAMETOOLONG,
                          "vfio: a path would be %d bytes, longer than its %zu-byte buffer "
                          "(is a root too long?)", n, cap);
}

int eni__vfio_root(const char *root, const char *dflt, const char *what, const char **out)
{
    const char *r = root && *root ? root : dflt;
    size_t n = strlen(r);
    if (n >= ENI_VFIO_ROOT_MAX)
        return eni__vfio_fail(ENI_EINVAL, ENAMETOOLONG,
                              "vfio: the %s root \"%.40s...\" is %zu characters; at most %d",
                              what, r, n, ENI_VFIO_ROOT_MAX - 1);
    *out = r;
    return ENI_OK;
}
