/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Every allocation goes through the hooks given at ctx creation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_internal.h"

void *eni__opts_malloc(const eni_ctx_opts *opts, size_t size)
{
    if (size == 0)
        size = 1;
    return opts->malloc_fn ? opts->malloc_fn(size, opts->alloc_userdata) : malloc(size);
}

void eni__opts_free(const eni_ctx_opts *opts, void *ptr)
{
    if (!ptr)
        return;
    if (opts->free_fn)
        opts->free_fn(ptr, opts->alloc_userdata);
    else
        free(ptr);
}

void *eni__malloc(const eni_ctx *ctx, size_t size)
{
    return eni__opts_malloc(&ctx->opts, size);
}

void *eni__calloc(const eni_ctx *ctx, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = eni__malloc(ctx, count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void *eni__realloc_array(const eni_ctx *ctx, void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = count * size;
    if (bytes == 0)
        bytes = 1;
    if (!ptr)
        return eni__malloc(ctx, bytes);
    return ctx->opts.realloc_fn ? ctx->opts.realloc_fn(ptr, bytes, ctx->opts.alloc_userdata)
                                : realloc(ptr, bytes);
}

void eni__free(const eni_ctx *ctx, void *ptr)
{
    eni__opts_free(&ctx->opts, ptr);
}
