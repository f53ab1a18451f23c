/* Formatting in front of the host services (eni_backend_fail, eni_backend_log). */
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

void eni__vfio_log(eni_backend_host *host, uint32_t level, const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    eni_backend_log(host, level, msg);
}
