/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Formatting in front of eni_backend_fail, for every file of the VFIO backend
 * (the QEMU test links this file without the rest of the library). */
#include <stdarg.h>
#include <stdio.h>

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
