/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Waiting for events without busy-polling: the event fd, how long a caller
 * may sleep before eni_ctx_poll has work, and a blocking wait on both. */
#include <errno.h>
#include <poll.h>

#include "attach/attach_internal.h"
#include "compose.h"

/* While an attach or detach waits for the backend, the backend's timers
 * (simulated latency, lost completions) advance only when it is polled. */
#define PENDING_TICK_MS 10
/* While devices are attached, a backend watches them (link, health) when
 * polled; link changes are not urgent, so a slow tick is enough. */
#define ATTACHED_TICK_MS 100

int eni_ctx_event_fd(eni_ctx *ctx, int *fd)
{
    ENI__CALL(ctx);
    if (!ctx || !fd)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_event_fd: %s is NULL", ctx ? "fd" : "ctx");
    eni__lock(ctx);
    int rc = eni__wake_fd(ctx, fd);
    eni__unlock(ctx);
    return rc;
}

int32_t eni_ctx_timeout_ms(eni_ctx *ctx)
{
    ENI__CALL(ctx);
    if (!ctx)
        return -1;
    if (eni__queue_count(&ctx->events) || eni__queue_count(&ctx->backend_events))
        return 0;
    eni__lock(ctx);
    uint64_t deadline;
    bool attached;
    bool pending = eni__attach_next_deadline(ctx, &deadline, &attached);
    eni__unlock(ctx);
    if (!pending)
        return attached ? ATTACHED_TICK_MS : -1;
    uint64_t now = eni__now_ns();
    if (deadline <= now)
        return 0;
    uint64_t ms = (deadline - now + 999999u) / 1000000u;
    return ms < PENDING_TICK_MS ? (int32_t)ms : PENDING_TICK_MS;
}

int eni_ctx_wait(eni_ctx *ctx, int32_t max_ms)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_wait: ctx is NULL");
    if (max_ms < -1)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_wait: max_ms %d (use -1 for no limit)",
                         (int)max_ms);
    int fd;
    eni__lock(ctx);
    int rc = eni__wake_fd(ctx, &fd);
    eni__unlock(ctx);
    if (rc != ENI_OK)
        return rc;
    int32_t due = eni_ctx_timeout_ms(ctx);
    int32_t wait = due < 0 ? max_ms : max_ms < 0 ? due : (due < max_ms ? due : max_ms);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int n = poll(&p, 1, wait);
    if (n > 0 || (n < 0 && errno == EINTR))
        return ENI_OK; /* events (or a signal): poll now */
    if (n < 0)
        return eni__fail_os(ENI_EBACKEND, errno, NULL, "eni_ctx_wait: poll failed");
    /* Nothing arrived: either a timer is due, or the caller's limit passed. */
    return due >= 0 && (max_ms < 0 || due <= max_ms)
               ? ENI_OK
               : eni__fail(ENI_ETIMEDOUT, NULL, "eni_ctx_wait: nothing in %d ms", (int)max_ms);
}
