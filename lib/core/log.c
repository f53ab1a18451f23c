/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Logging. A line emitted during a libeni call is held back until the
 * outermost call on that ctx ends, so the log callback never runs with the
 * ctx lock held and may call back into libeni; lines emitted outside any call
 * (from a backend's thread, during eni_ctx_new) go out at once. The callback
 * is not re-entered: lines the callback's own libeni calls emit are dropped.
 * LIBENI_DEBUG=<error|warn|info|debug> raises the threshold without code and,
 * when the caller set no log_fn, writes to stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx_internal.h"

enum { LOG_LINE_MAX = 512 };

/* This thread's innermost call: its ctx, nesting depth and held-back lines
 * ([level byte][text][NUL] records in a buffer from the ctx's hooks). */
struct held {
    eni_ctx *ctx;
    unsigned depth;
    char *buf;
    size_t len, cap;
    unsigned dropped;
};
static _Thread_local struct held tls_held;
/* The ctx whose log callback this thread is running, or NULL. */
static _Thread_local const eni_ctx *tls_in_callback;

static const char *level_word(unsigned level)
{
    static const char *const words[] = {"", "error", "warn", "info", "debug"};
    return level <= ENI_LOG_DEBUG ? words[level] : "?";
}

static void stderr_sink(uint32_t level, const char *message, void *userdata)
{
    (void)userdata;
    fprintf(stderr, "libeni: %s: %s\n", level_word(level), message);
}

unsigned eni__log_level_from_env(const char *v)
{
    if (!v || !*v || strcmp(v, "0") == 0)
        return 0;
    for (unsigned level = ENI_LOG_ERROR; level <= ENI_LOG_DEBUG; level++)
        if (strcasecmp(v, level_word(level)) == 0)
            return level;
    return ENI_LOG_DEBUG; /* "1", "yes", anything else: everything */
}

void eni__log_setup(eni_ctx *ctx)
{
    ctx->log_fn = ctx->opts.log_fn;
    ctx->log_userdata = ctx->opts.log_userdata;
    ctx->log_level = ctx->log_fn ? ctx->opts.log_level : 0;
    unsigned env = eni__log_level_from_env(getenv("LIBENI_DEBUG"));
    if (env) {
        if (!ctx->log_fn)
            ctx->log_fn = stderr_sink;
        if (env > ctx->log_level)
            ctx->log_level = env;
    }
}

bool eni__log_enabled(const eni_ctx *ctx, unsigned level)
{
    return ctx && ctx->log_fn && level <= ctx->log_level;
}

bool eni__in_log_callback(const eni_ctx *ctx)
{
    return tls_in_callback == ctx;
}

static void deliver(eni_ctx *ctx, unsigned level, const char *line)
{
    const eni_ctx *outer = tls_in_callback;
    tls_in_callback = ctx;
    ctx->log_fn(level, line, ctx->log_userdata);
    tls_in_callback = outer;
}

static void hold(eni_ctx *ctx, unsigned level, const char *line)
{
    struct held *h = &tls_held;
    size_t need = 1 + strlen(line) + 1;
    if (h->len + need > h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        while (cap < h->len + need)
            cap *= 2;
        char *grown = eni__realloc_array(ctx, h->buf, cap, 1);
        if (!grown) {
            h->dropped++;
            return;
        }
        h->buf = grown;
        h->cap = cap;
    }
    h->buf[h->len] = (char)level;
    memcpy(h->buf + h->len + 1, line, need - 1);
    h->len += need;
}

void eni__log(const eni_ctx *cctx, unsigned level, const char *fmt, ...)
{
    eni_ctx *ctx = (eni_ctx *)cctx; /* logging changes nothing the caller sees */
    if (!eni__log_enabled(ctx, level) || tls_in_callback == ctx)
        return;
    char line[LOG_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (tls_held.ctx == ctx && tls_held.depth > 0)
        hold(ctx, level, line);
    else
        deliver(ctx, level, line);
}

/* Hand the held lines to the callback; the buffer is detached first, as the
 * callback may call libeni (whose own lines are then dropped, not held). */
static void flush(eni_ctx *ctx)
{
    struct held h = tls_held;
    tls_held.buf = NULL;
    tls_held.len = tls_held.cap = 0;
    tls_held.dropped = 0;
    for (size_t off = 0; off < h.len;) {
        unsigned level = (unsigned char)h.buf[off];
        const char *line = h.buf + off + 1;
        off += 1 + strlen(line) + 1;
        deliver(ctx, level, line);
    }
    if (h.dropped) {
        char line[96];
        snprintf(line, sizeof line, "%u log lines lost: out of memory holding them", h.dropped);
        deliver(ctx, ENI_LOG_WARN, line);
    }
    eni__free(ctx, h.buf);
}

void eni__log_refusal(void)
{
    eni_ctx *ctx = tls_held.ctx;
    if (!ctx || tls_held.depth == 0 || tls_in_callback == ctx ||
        !eni__log_enabled(ctx, ENI_LOG_DEBUG))
        return;
    const eni_error *e = eni_error_last();
    eni__log(ctx, ENI_LOG_DEBUG, "refused: %s (%s, %s)", e->message, eni_err_name(e->code),
             *e->ec2_code ? e->ec2_code : "no EC2 code");
}

struct eni_call_frame eni__call_enter(eni_ctx *ctx)
{
    struct eni_call_frame f;
    memset(&f, 0, sizeof f);
    f.ctx = ctx;
    if (!ctx)
        return f;
    if (tls_held.ctx == ctx) {
        f.nested = true;
        tls_held.depth++;
        return f;
    }
    /* A call on another ctx from inside this one's callback: stack it. */
    f.outer_ctx = tls_held.ctx;
    f.outer_depth = tls_held.depth;
    f.outer_buf = tls_held.buf;
    f.outer_len = tls_held.len;
    f.outer_cap = tls_held.cap;
    tls_held = (struct held){ctx, 1, NULL, 0, 0, 0};
    return f;
}

void eni__call_leave(struct eni_call_frame *f)
{
    if (!f->ctx)
        return;
    if (f->nested) {
        if (tls_held.ctx == f->ctx)
            tls_held.depth--;
        return;
    }
    if (tls_held.ctx == f->ctx) { /* else the ctx was freed inside the call */
        tls_held.depth = 0;
        flush(f->ctx);
    }
    tls_held = (struct held){f->outer_ctx, f->outer_depth, f->outer_buf, f->outer_len,
                             f->outer_cap, 0};
}

void eni__call_forget(eni_ctx *ctx)
{
    if (tls_held.ctx != ctx)
        return;
    tls_held.depth = 0;
    flush(ctx);
    tls_held.ctx = NULL;
}
