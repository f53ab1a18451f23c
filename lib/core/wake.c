/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The ctx's event fd: readable while events wait for eni_ctx_poll. Made on
 * first request (a ctx nobody waits on costs no descriptor); an eventfd on
 * Linux, a pipe elsewhere. Both queues signal it on every push, from any
 * thread; eni_ctx_poll drains it first and signals again if events remain,
 * so no wake-up is lost (a spurious one is harmless). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#if defined(__linux__)
#  include <sys/eventfd.h>
#endif

#include "ctx_internal.h"

static int make_fds(int *rfd, int *wfd)
{
#if defined(__linux__)
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    *rfd = *wfd = fd;
    return fd < 0 ? -1 : 0;
#else
    int p[2];
    if (pipe(p) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
        fcntl(p[i], F_SETFD, FD_CLOEXEC);
    }
    *rfd = p[0];
    *wfd = p[1];
    return 0;
#endif
}

void eni__wake_init(eni_ctx *ctx)
{
    atomic_init(&ctx->wake_rfd, -1);
    atomic_init(&ctx->wake_wfd, -1);
}

void eni__wake_fini(eni_ctx *ctx)
{
    int r = atomic_load(&ctx->wake_rfd), w = atomic_load(&ctx->wake_wfd);
    if (r >= 0)
        close(r);
    if (w >= 0 && w != r)
        close(w);
}

void eni__wake_signal(eni_ctx *ctx)
{
    int w = atomic_load(&ctx->wake_wfd);
    if (w < 0)
        return;
#if defined(__linux__)
    uint64_t one = 1;
    ssize_t n = write(w, &one, sizeof one);
#else
    char one = 1;
    ssize_t n = write(w, &one, 1); /* EAGAIN: the pipe is full, so readable already */
#endif
    (void)n;
}

void eni__wake_drain(eni_ctx *ctx)
{
    int r = atomic_load(&ctx->wake_rfd);
    if (r < 0)
        return;
    char buf[64];
    while (read(r, buf, sizeof buf) > 0)
        ;
}

int eni__wake_fd(eni_ctx *ctx, int *fd)
{
    int r = atomic_load(&ctx->wake_rfd);
    if (r >= 0) {
        *fd = r;
        return ENI_OK;
    }
    int w;
    if (make_fds(&r, &w) != 0) {
        int err = errno;
        return eni__fail_os(err == EMFILE || err == ENFILE ? ENI_ELIMIT : ENI_ENOMEM, err, NULL,
                            "eni_ctx_event_fd: cannot create the event descriptor");
    }
    atomic_store(&ctx->wake_wfd, w);
    atomic_store(&ctx->wake_rfd, r);
    /* Events queued before the fd existed must make it readable too. */
    if (eni__queue_count(&ctx->events) || eni__queue_count(&ctx->backend_events))
        eni__wake_signal(ctx);
    *fd = r;
    return ENI_OK;
}
