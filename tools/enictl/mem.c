/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Allocation helpers (mem.h). */
#include "mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        fail_internal("out of memory");
    return p;
}

void xgrow(void **items, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return;
    size_t want = *cap ? *cap * 2 : 16;
    while (want <= n)
        want *= 2;
    if (want > SIZE_MAX / size)
        fail_internal("out of memory");
    void *p = realloc(*items, want * size);
    if (!p)
        fail_internal("out of memory");
    memset((char *)p + *cap * size, 0, (want - *cap) * size);
    *items = p;
    *cap = want;
}

char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        fail_internal("out of memory");
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        fail_internal("out of memory");
    return s;
}
