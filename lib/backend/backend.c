/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The backend seam: validating ops tables, swapping backends, the
 * thread-safe path by which a backend posts completions to its ctx, and the
 * host services (allocation, logging, errors) every backend uses instead of
 * libeni's internals. */
#include <string.h>

#include "backend_internal.h"
#include "core/ctx_internal.h"
#include "util/abi_struct.h"

/* The first published layout of the ops table ends with get_device. */
#define OPS_MIN_SIZE (offsetof(eni_backend_ops, get_device) + sizeof(void *))

static int validate_ops(const eni_backend_ops *ops)
{
    if (ops->size < OPS_MIN_SIZE)
        return eni__fail(ENI_EVERSION, NULL, "backend ops table of %u bytes is too small",
                         ops->size);
    if (ops->abi != ENI_BACKEND_ABI)
        return eni__fail(ENI_EVERSION, NULL, "backend ABI %u, this library speaks %d", ops->abi,
                         ENI_BACKEND_ABI);
    if (!ops->name || !ops->open || !ops->close || !ops->attach || !ops->detach || !ops->poll)
        return eni__fail(ENI_EINVAL, NULL,
                         "backend ops table lacks a required op (name, open, close, attach, "
                         "detach, poll)");
    return ENI_OK;
}

static int open_instance(eni_ctx *ctx, const eni_backend_ops *ops, const char *config,
                         void **instance)
{
    *instance = NULL;
    int rc = ops->open(&ctx->host, config, instance);
    if (rc == ENI_OK && !*instance)
        rc = eni__fail(ENI_EBACKEND, NULL, "backend '%s' opened without an instance", ops->name);
    else if (rc != ENI_OK && eni_error_last()->code != rc)
        eni__fail(rc, NULL, "backend '%s' failed to open", ops->name);
    return rc;
}

int eni__backend_open(eni_ctx *ctx, const eni_backend_ops *ops, const char *config)
{
    int rc = validate_ops(ops);
    if (rc == ENI_OK)
        rc = open_instance(ctx, ops, config, &ctx->backend);
    if (rc == ENI_OK)
        ctx->backend_ops = ops;
    return rc;
}

void eni__backend_close(eni_ctx *ctx)
{
    if (ctx->backend_ops && ctx->backend)
        ctx->backend_ops->close(ctx->backend);
    ctx->backend = NULL;
}

int eni_ctx_set_backend(eni_ctx *ctx, const eni_backend_ops *ops, const char *config)
{
    ENI__CALL(ctx);
    if (!ctx || !ops)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_set_backend: %s is NULL", ctx ? "ops" : "ctx");
    int rc = validate_ops(ops);
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    /* Attachments restored from a state file have no backend yet: the one
     * set now is theirs (the next poll reconciles them with it). */
    if (eni__registry_live(ctx, ENI_KIND_ATTACHMENT) && !ctx->reconcile_pending) {
        rc = eni__fail(ENI_EBUSY, NULL,
                       "eni_ctx_set_backend: %u interfaces are attached to the current backend",
                       eni__registry_live(ctx, ENI_KIND_ATTACHMENT));
    } else {
        void *instance;
        rc = open_instance(ctx, ops, config, &instance);
        if (rc == ENI_OK) {
            ctx->backend_ops->close(ctx->backend);
            /* Events the old backend posted name attachments that no longer exist. */
            eni__queue_clear(&ctx->backend_events);
            ctx->backend_ops = ops;
            ctx->backend = instance;
            eni__log(ctx, ENI_LOG_INFO, "backend is now '%s'", ops->name);
        }
    }
    eni__unlock(ctx);
    return rc;
}

const char *eni_ctx_backend_name(eni_ctx *ctx)
{
    ENI__CALL(ctx);
    if (!ctx)
        return "";
    eni__lock(ctx);
    const char *name = ctx->backend_ops->name;
    eni__unlock(ctx);
    return name;
}

int eni_ctx_backend_call(eni_ctx *ctx, const eni_backend_ops *ops, eni_backend_call_fn fn,
                         void *arg)
{
    ENI__CALL(ctx);
    if (!ctx || !ops || !fn)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_backend_call: %s is NULL",
                         !ctx ? "ctx" : !ops ? "ops" : "fn");
    eni__lock(ctx);
    int rc;
    if (ctx->backend_ops != ops)
        rc = eni__fail(ENI_ENOTSUP, NULL, "the ctx's backend is '%s', not '%s'",
                       ctx->backend_ops->name, ops->name ? ops->name : "?");
    else
        rc = fn(ctx->backend, arg);
    eni__unlock(ctx);
    return rc;
}

int eni_backend_post(eni_backend_host *host, const eni_backend_event *ev)
{
    if (!host || !ev)
        return eni__fail(ENI_EINVAL, NULL, "eni_backend_post: %s is NULL", host ? "ev" : "host");
    eni_backend_event in;
    if (!eni__struct_copy_in(&in, sizeof in, ev, ev->size, sizeof in))
        return eni__fail(ENI_EVERSION, NULL, "eni_backend_post: event size %u not accepted",
                         ev->size);
    if (in.type < ENI_BEV_ATTACH_DONE || in.type > ENI_BEV_DEVICE_REMOVED)
        return eni__fail(ENI_EINVAL, NULL, "eni_backend_post: unknown event type %u", in.type);
    in.size = sizeof in;
    int rc = eni__queue_push(host->ctx, &host->ctx->backend_events, &in);
    if (rc == ENI_OK)
        eni__wake_signal(host->ctx);
    return rc;
}

void *eni_backend_calloc(eni_backend_host *host, size_t count, size_t size)
{
    return host ? eni__calloc(host->ctx, count, size) : NULL;
}

void *eni_backend_realloc_array(eni_backend_host *host, void *ptr, size_t count, size_t size)
{
    return host ? eni__realloc_array(host->ctx, ptr, count, size) : NULL;
}

void eni_backend_free(eni_backend_host *host, void *ptr)
{
    if (host)
        eni__free(host->ctx, ptr);
}

void eni_backend_log(eni_backend_host *host, uint32_t level, const char *message)
{
    if (host && message && level >= ENI_LOG_ERROR && level <= ENI_LOG_DEBUG)
        eni__log(host->ctx, level, "%s", message);
}
