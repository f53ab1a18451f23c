/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* An allocator that fails the Nth call (SQLite-style OOM injection) and
 * counts live blocks, so a test can prove "failed cleanly, leaked nothing". */
#ifndef ENI_TEST_FAIL_ALLOC_H
#define ENI_TEST_FAIL_ALLOC_H

#include <stdlib.h>

#include <eni.h>

struct fail_alloc {
    long fail_at;   /* 1-based call number to fail; 0 = never */
    long calls;     /* malloc + realloc calls so far */
    long live;      /* blocks not yet freed */
    int failed;     /* set once an injected failure happened */
};

static inline int fail_alloc_should_fail(struct fail_alloc *a)
{
    a->calls++;
    if (a->fail_at && a->calls == a->fail_at) {
        a->failed = 1;
        return 1;
    }
    return 0;
}

static inline void *fail_malloc(size_t size, void *ud)
{
    struct fail_alloc *a = ud;
    if (fail_alloc_should_fail(a))
        return NULL;
    void *p = malloc(size);
    if (p)
        a->live++;
    return p;
}

static inline void *fail_realloc(void *ptr, size_t size, void *ud)
{
    struct fail_alloc *a = ud;
    if (fail_alloc_should_fail(a))
        return NULL;
    return realloc(ptr, size);
}

static inline void fail_free(void *ptr, void *ud)
{
    ((struct fail_alloc *)ud)->live--;
    free(ptr);
}

static inline eni_ctx_opts fail_alloc_opts(struct fail_alloc *a)
{
    eni_ctx_opts opts = ENI_CTX_OPTS_INIT;
    opts.malloc_fn = fail_malloc;
    opts.realloc_fn = fail_realloc;
    opts.free_fn = fail_free;
    opts.alloc_userdata = a;
    return opts;
}

#endif
