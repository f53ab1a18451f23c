/* Context creation and destruction, options handling, the ctx lock. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "ctx_internal.h"
#include "util/abi_struct.h"

/* The first published layout ends after reserved0; callers may never pass less. */
#define CTX_OPTS_MIN_SIZE (offsetof(eni_ctx_opts, reserved0) + sizeof(uint32_t))

int eni_ctx_opts_init(eni_ctx_opts *opts, size_t size)
{
    if (!opts)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_opts_init: opts is NULL");
    if (size < CTX_OPTS_MIN_SIZE)
        return eni__fail(ENI_EVERSION, NULL,
                         "eni_ctx_opts_init: size %zu is below the first layout (%zu)", size,
                         (size_t)CTX_OPTS_MIN_SIZE);
    memset(opts, 0, size);
    /* A caller struct larger than ours is zeroed in full; size records ours
     * only if the caller's fits in 32 bits, which eni_ctx_new re-checks. */
    opts->size = (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size);
    return ENI_OK;
}

static int opts_validate(eni_ctx_opts *o)
{
    if (o->flags != 0)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: unknown flags 0x%x", o->flags);
    if (o->reserved0 != 0)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: reserved0 must be 0");
    int hooks = !!o->malloc_fn + !!o->realloc_fn + !!o->free_fn;
    if (hooks != 0 && hooks != 3)
        return eni__fail(ENI_EINVAL, NULL,
                         "eni_ctx_new: set all three allocator hooks or none (%d set)", hooks);
    if (o->log_level == ENI_LOG_NONE)
        o->log_level = ENI_LOG_WARN;
    else if (o->log_level > ENI_LOG_DEBUG && o->log_level != ENI_LOG_OFF)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: log_level %u out of range",
                         o->log_level);
    if (o->log_level == ENI_LOG_OFF)
        o->log_level = 0;
    return ENI_OK;
}

int eni_ctx_new(const eni_ctx_opts *opts, eni_ctx **out)
{
    if (!out)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: out is NULL");

    eni_ctx_opts o;
    if (opts) {
        if (!eni__struct_copy_in(&o, sizeof o, opts, opts->size, CTX_OPTS_MIN_SIZE))
            return eni__fail(ENI_EVERSION, NULL,
                             "eni_ctx_new: opts->size %u not accepted (this library: %zu; "
                             "smaller than the first layout, or unknown fields set)",
                             opts->size, sizeof o);
    } else {
        memset(&o, 0, sizeof o);
    }
    o.size = sizeof o;
    int rc = opts_validate(&o);
    if (rc != ENI_OK)
        return rc;

    /* The ctx itself comes from the hooks it names. */
    eni_ctx *ctx = eni__opts_malloc(&o, sizeof *ctx);
    if (!ctx)
        return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: out of memory");
    memset(ctx, 0, sizeof *ctx);
    ctx->opts = o;
    if (pthread_mutex_init(&ctx->lock, NULL) != 0) {
        eni__opts_free(&o, ctx);
        return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: cannot create the ctx lock");
    }
    if (eni__event_queue_init(&ctx->events) != ENI_OK) {
        pthread_mutex_destroy(&ctx->lock);
        eni__opts_free(&o, ctx);
        return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: cannot create the event queue lock");
    }
    eni__registry_init(&ctx->registry);
    atomic_init(&ctx->polling, false);
    ctx->op_timeout_ns = 30ull * 1000000000ull;
    ctx->host.ctx = ctx;
    if (eni__event_queue_init(&ctx->backend_events) != ENI_OK)
        goto fail_backend_events;
    if (eni__model_init(ctx) != ENI_OK)
        goto fail_model;
    if (eni__eval_init(ctx) != ENI_OK)
        goto fail_eval;
    if (eni__backend_init(ctx) != ENI_OK)
        goto fail_backend;
    eni__log(ctx, ENI_LOG_DEBUG, "ctx created (seed 0x%016llx, backend %s)",
             (unsigned long long)o.seed, ctx->backend_ops->name);
    *out = ctx;
    return ENI_OK;

fail_backend:
    eni__eval_fini(ctx);
fail_eval:
    eni__model_fini(ctx);
fail_model:
    eni__event_queue_fini(ctx, &ctx->backend_events);
fail_backend_events:
    eni__registry_fini(ctx, &ctx->registry);
    eni__event_queue_fini(ctx, &ctx->events);
    pthread_mutex_destroy(&ctx->lock);
    eni__opts_free(&o, ctx);
    return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: out of memory");
}

void eni_ctx_free(eni_ctx *ctx)
{
    if (!ctx)
        return;
    eni__backend_fini(ctx);
    eni__eval_fini(ctx);
    eni__model_fini(ctx);
    eni__event_queue_fini(ctx, &ctx->backend_events);
    eni__registry_fini(ctx, &ctx->registry);
    eni__event_queue_fini(ctx, &ctx->events);
    pthread_mutex_destroy(&ctx->lock);
    eni_ctx_opts opts = ctx->opts;
    eni__opts_free(&opts, ctx);
}

void eni__lock(eni_ctx *ctx)
{
    pthread_mutex_lock(&ctx->lock);
}

void eni__unlock(eni_ctx *ctx)
{
    pthread_mutex_unlock(&ctx->lock);
}

uint64_t eni__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
