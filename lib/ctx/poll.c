/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* eni_ctx_poll: the one place user callbacks run. Composition, because a
 * poll first drives the attach machine with the backend's completions. */
#include <string.h>

#include "attach/attach_internal.h"
#include "compose.h"

/* The ctx whose poll callbacks this thread is running (eni_ctx_free defers). */
static _Thread_local const eni_ctx *tls_polling;

bool eni__ctx_in_poll_callback(const eni_ctx *ctx)
{
    return tls_polling == ctx;
}

int eni_ctx_post_user_event(eni_ctx *ctx, uint64_t cookie)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_post_user_event: ctx is NULL");
    eni_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = ENI_EVENT_USER;
    ev.cookie = cookie;
    return eni__event_post(ctx, &ev);
}

uint32_t eni_ctx_pending_events(eni_ctx *ctx)
{
    ENI__CALL(ctx);
    return ctx ? eni__queue_count(&ctx->events) : 0;
}

int eni_ctx_poll(eni_ctx *ctx, uint32_t max_events, eni_event_cb cb, void *userdata,
                 uint32_t *delivered)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_poll: ctx is NULL");
    bool expected = false;
    if (!atomic_compare_exchange_strong(&ctx->polling, &expected, true))
        return eni__fail(ENI_EBUSY, NULL,
                         "eni_ctx_poll: already polling this ctx (another thread or a callback)");

    /* Empty the event fd before looking at the queues: what is posted from
     * now on signals it again, so no wake-up is lost. */
    eni__wake_drain(ctx);
    /* A restart's attachments are settled with the backend first (their
     * outcomes are events like any other), then backend completions turn
     * into model changes and events. */
    /* All of it under one hold of the lock, and with a state file in one
     * commit: a crash inside a poll leaves the file before it or after it. */
    eni__lock(ctx);
    eni__ctx_batch_open_locked(ctx);
    bool pending = ctx->reconcile_pending;
    if (eni__ctx_reconcile_locked(ctx, NULL, NULL) != ENI_OK)
        eni__log(ctx, ENI_LOG_WARN, "reconciling restored attachments failed: %s",
                 eni_error_last()->message);
    eni__attach_process_locked(ctx);
    if (eni__ctx_batch_close_locked(ctx) != ENI_OK) {
        /* Undone at unlock (what the backend reported is lost, as if the
         * poll never ran); restored attachments are still to settle. */
        ctx->reconcile_pending = pending;
        eni__log(ctx, ENI_LOG_WARN, "the poll's changes were not committed: %s",
                 eni_error_last()->message);
    }
    eni__ctx_checkpoint_flows(ctx);
    eni__unlock(ctx);

    int rc = ENI_OK;
    uint32_t n = 0;
    eni_event ev;
    /* No libeni lock is held while the callback runs: it may call back in,
     * even to free the ctx (done here, once the callback has returned). */
    const eni_ctx *outer = tls_polling;
    tls_polling = ctx;
    while ((max_events == 0 || n < max_events) && eni__queue_take(&ctx->events, &ev)) {
        n++;
        int stop = cb ? cb(&ev, userdata) : 0;
        if (ctx->free_requested)
            break;
        if (stop != 0) {
            rc = eni__fail(ENI_EUSER, NULL, "eni_ctx_poll: stopped by the event callback");
            break;
        }
    }
    tls_polling = outer;
    if (delivered)
        *delivered = n;
    if (ctx->free_requested) {
        eni__ctx_destroy(ctx);
        return rc;
    }
    if (eni__queue_count(&ctx->events))
        eni__wake_signal(ctx); /* max_events left some: still readable */
    atomic_store(&ctx->polling, false);
    return rc;
}
