/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The primitives' share of a ctx: its lock, id registry and event queues,
 * and the clock. Composition (lib/ctx) builds the rest on top. */
#include <string.h>
#include <time.h>

#include "ctx_internal.h"

static void stamp_event(void *elem, uint64_t seq)
{
    eni_event *ev = elem;
    ev->size = sizeof *ev;
    ev->seq = seq;
    ev->ec2_code[sizeof ev->ec2_code - 1] = '\0';
}

int eni__ctx_base_init(eni_ctx *ctx)
{
    if (pthread_mutex_init(&ctx->lock, NULL) != 0)
        return ENI_ENOMEM;
    if (eni__queue_init(&ctx->events, sizeof(eni_event), stamp_event) != ENI_OK)
        goto fail_events;
    if (eni__queue_init(&ctx->backend_events, sizeof(eni_backend_event), NULL) != ENI_OK)
        goto fail_backend_events;
    if (eni__queue_init(&ctx->held_events, sizeof(eni_event), NULL) != ENI_OK)
        goto fail_held_events;
    eni__log_setup(ctx);
    eni__wake_init(ctx);
    eni__registry_init(&ctx->registry);
    atomic_init(&ctx->polling, false);
    ctx->host.ctx = ctx;
    return ENI_OK;

fail_held_events:
    eni__queue_fini(ctx, &ctx->backend_events);
fail_backend_events:
    eni__queue_fini(ctx, &ctx->events);
fail_events:
    pthread_mutex_destroy(&ctx->lock);
    return ENI_ENOMEM;
}

void eni__ctx_base_fini(eni_ctx *ctx)
{
    eni__wake_fini(ctx);
    eni__registry_fini(ctx, &ctx->registry);
    eni__queue_fini(ctx, &ctx->held_events);
    eni__queue_fini(ctx, &ctx->backend_events);
    eni__queue_fini(ctx, &ctx->events);
    pthread_mutex_destroy(&ctx->lock);
}

/* With a state file, events about changes wait for the commit that makes
 * the change real (some calls post before they commit, and a batch commits
 * at its end): a change the file refuses is undone, and its events must
 * never have been seen. User events are never held. */
static bool holding(const eni_ctx *ctx, const eni_event *ev)
{
    return ctx->on_commit && ev->type != ENI_EVENT_USER;
}

static bool merge_change(void *queued, const void *elem);

void eni__held_events_release(eni_ctx *ctx, bool committed)
{
    eni_event ev;
    bool posted = false;
    while (eni__queue_take(&ctx->held_events, &ev)) {
        if (!committed)
            continue;
        /* Change events coalesce with queued ones, as if never held. */
        int rc = ev.type >= ENI_EVENT_RULES_CHANGED
                     ? eni__queue_push_coalesced(ctx, &ctx->events, &ev, merge_change)
                     : eni__queue_push(ctx, &ctx->events, &ev);
        if (rc != ENI_OK)
            eni__log(ctx, ENI_LOG_ERROR, "event %u lost: out of memory", ev.type);
        posted = true;
    }
    if (posted)
        eni__wake_signal(ctx);
}

int eni__event_post(eni_ctx *ctx, const eni_event *ev)
{
    if (ctx->commit_error && ev->type != ENI_EVENT_USER)
        return ENI_OK; /* about a change that is being undone */
    if (holding(ctx, ev))
        return eni__queue_push(ctx, &ctx->held_events, ev);
    int rc = eni__queue_push(ctx, &ctx->events, ev);
    if (rc == ENI_OK)
        eni__wake_signal(ctx);
    return rc;
}

/* Fold a newer change event into a queued one about the same things. */
static bool merge_change(void *queued, const void *elem)
{
    eni_event *q = queued;
    const eni_event *e = elem;
    if (q->type != e->type || q->subject != e->subject || q->related != e->related)
        return false;
    q->state = e->state;
    q->cookie = e->cookie;
    return true;
}

void eni__change_event(eni_ctx *ctx, uint32_t type, uint64_t subject, uint64_t related,
                       uint32_t state, uint64_t change)
{
    if (!(ctx->opts.flags & ENI_CTX_MODEL_EVENTS) || ctx->commit_error)
        return; /* (a change that did not reach the state file did not happen) */
    eni_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.subject = subject;
    ev.related = related;
    ev.state = state;
    ev.cookie = change;
    if (holding(ctx, &ev)) {
        if (eni__queue_push_coalesced(ctx, &ctx->held_events, &ev, merge_change) != ENI_OK)
            eni__log(ctx, ENI_LOG_ERROR, "change event %u lost: out of memory", type);
    } else if (eni__queue_push_coalesced(ctx, &ctx->events, &ev, merge_change) == ENI_OK)
        eni__wake_signal(ctx);
    else
        eni__log(ctx, ENI_LOG_ERROR, "change event %u lost: out of memory", type);
}

void eni__lock(eni_ctx *ctx)
{
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->batch_depth)
        eni__journal_reset(ctx); /* what earlier sections only read (journal.h) */
}

void eni__unlock(eni_ctx *ctx)
{
    if (ctx->commit_error) {
        /* A commit failed in this section: memory goes back to the file
         * before anyone else sees it, and so do the events it held. */
        eni__held_events_release(ctx, false);
        ctx->on_recover(ctx);
        ctx->commit_error = 0;
    } else if (ctx->on_commit && !ctx->batch_depth) {
        eni__held_events_release(ctx, true); /* of a section that changed nothing durable */
    }
    pthread_mutex_unlock(&ctx->lock);
}

uint64_t eni__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
