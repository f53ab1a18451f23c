/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Allocation that cannot fail quietly: out of memory ends enictl with
 * status 3 (fail.h), so callers never test for NULL. */
#ifndef ENICTL_MEM_H
#define ENICTL_MEM_H

#include <stddef.h>

void *xcalloc(size_t n, size_t size);
/* Grow *items (of *cap elements of @size bytes) so that index @n fits. */
void xgrow(void **items, size_t *cap, size_t n, size_t size);
char *xstrdup(const char *s);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define XGROW(arr, cap, n) xgrow((void **)&(arr), &(cap), (n), sizeof *(arr))

#endif
