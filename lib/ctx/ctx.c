/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Composition: eni_ctx_new builds a ctx from the primitives up, one layer
 * at a time from the table below, and eni_ctx_free takes it down in the
 * reverse order. This is the only place that knows every layer. */
#include <stddef.h>
#include <string.h>

#include "attach/attach_internal.h"
#include "backend/backend_internal.h"
#include "compose.h"
#include "eni/sys/mock.h"
#include "eval/eval_internal.h"
#include "model/model.h"
#include "store/store.h"
#include "util/abi_struct.h"

/* The first published layout ends after reserved0; callers may never pass less. */
#define CTX_OPTS_MIN_SIZE (offsetof(eni_ctx_opts, reserved0) + sizeof(uint32_t))

/* Attach and detach give the backend this long before rolling back. */
#define DEFAULT_OP_TIMEOUT_NS (30ull * 1000000000ull)

/* The backend a new ctx starts with; eni_ctx_set_backend replaces it. */
static int default_backend_init(eni_ctx *ctx)
{
    return eni__backend_open(ctx, eni_mock_backend_ops(), NULL);
}

/* The layers above core, in the order they are built. Each init either
 * succeeds or leaves nothing to undo; fini is run only after init succeeded. */
static const struct layer {
    const char *name;
    int (*init)(eni_ctx *ctx);
    void (*fini)(eni_ctx *ctx);
} layers[] = {
    {"model", eni__model_init, eni__model_fini},
    {"evaluator", eni__eval_init, eni__eval_fini},
    {"backend", default_backend_init, eni__backend_close},
};
enum { LAYER_COUNT = sizeof layers / sizeof layers[0] };

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
    if (o->flags & ~(uint32_t)ENI_CTX_MODEL_EVENTS)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: unknown flags 0x%x", o->flags);
    if (o->reserved0 != 0 || o->reserved1 != 0)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: reserved0 and reserved1 must be 0");
    if (o->state_path && !o->state_path[0])
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: state_path is empty (NULL for none)");
    if (o->flow_checkpoint_ms && !o->state_path)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_new: flow_checkpoint_ms needs a state_path");
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

static void layers_fini(eni_ctx *ctx, size_t built)
{
    while (built > 0) {
        built--;
        layers[built].fini(ctx);
    }
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
    ctx->op_timeout_ns = DEFAULT_OP_TIMEOUT_NS;
    if (eni__ctx_base_init(ctx) != ENI_OK) {
        eni__opts_free(&o, ctx);
        return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: cannot create the ctx's locks");
    }
    size_t built = 0;
    for (; built < LAYER_COUNT; built++) {
        if (layers[built].init(ctx) != ENI_OK)
            break;
    }
    if (built < LAYER_COUNT) {
        const char *failed = layers[built].name;
        layers_fini(ctx, built);
        eni__ctx_base_fini(ctx);
        eni__opts_free(&o, ctx);
        return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: out of memory (%s)", failed);
    }
    if (o.state_path) {
        /* Above every layer: the store loads the model, the evaluator
         * republishes it, and the flows go back into its tables. */
        eni__lock(ctx);
        int src = eni__store_attach(ctx, o.state_path);
        if (src == ENI_OK) {
            ctx->opts.state_path = NULL; /* the caller's string is not kept */
            ctx->reconcile_pending = eni__registry_live(ctx, ENI_KIND_ATTACHMENT) > 0;
            ctx->flows_saved_ns = eni__now_ns();
        }
        eni__unlock(ctx);
        if (src != ENI_OK) {
            struct eni_error_saved saved;
            eni__error_save(&saved);
            layers_fini(ctx, LAYER_COUNT);
            eni__ctx_base_fini(ctx);
            eni__opts_free(&o, ctx);
            return eni__error_restore(&saved, "eni_ctx_new: ");
        }
    }
    eni__log(ctx, ENI_LOG_DEBUG, "ctx created (seed 0x%016llx, backend %s)",
             (unsigned long long)o.seed, ctx->backend_ops->name);
    *out = ctx;
    return ENI_OK;
}

void eni_ctx_free(eni_ctx *ctx)
{
    if (!ctx)
        return;
    if (eni__in_log_callback(ctx)) {
        /* The call that logged is still on the stack and would return into
         * a freed ctx: refuse, and say so. */
        eni__fail(ENI_EBUSY, NULL,
                  "eni_ctx_free: called from the ctx's own log callback; nothing was freed "
                  "(free it once the callback has returned)");
        return;
    }
    if (eni__ctx_in_poll_callback(ctx)) {
        /* eni_ctx_poll frees it once the callback returns; no other event
         * is delivered. */
        ctx->free_requested = true;
        return;
    }
    eni__ctx_destroy(ctx);
}

void eni__ctx_destroy(eni_ctx *ctx)
{
    eni__call_forget(ctx); /* lines this thread still holds for it go out first */
    eni__lock(ctx);
    eni__store_detach(ctx, true); /* a graceful stop: the flows are handed over */
    eni__unlock(ctx);
    layers_fini(ctx, LAYER_COUNT);
    eni__ctx_base_fini(ctx);
    eni_ctx_opts opts = ctx->opts;
    eni__opts_free(&opts, ctx);
}
