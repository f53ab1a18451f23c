/* The context's private layout and the helpers every layer uses:
 * allocation through the caller's hooks, the ctx lock, logging. */
#ifndef ENI_CORE_CTX_INTERNAL_H
#define ENI_CORE_CTX_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "eni/ctx.h"
#include "eni/sys/backend.h"
#include "error_internal.h"
#include "event_queue.h"
#include "registry.h"

struct eni_model; /* lib/model's state; core only creates and frees it */
struct eni_eval;  /* lib/eval's state; likewise */

/* What a backend holds of its ctx: only the way to post events back. */
struct eni_backend_host {
    eni_ctx *ctx;
};

struct eni_ctx {
    eni_ctx_opts opts;          /* as given, after copy-in and defaults */
    pthread_mutex_t lock;       /* serialises control-plane calls */
    struct eni_registry registry;
    struct eni_event_queue events;
    atomic_bool polling;        /* one eni_ctx_poll at a time */
    struct eni_model *model;
    const eni_backend_ops *backend_ops; /* never NULL after eni_ctx_new */
    void *backend;                      /* the backend's instance */
    struct eni_backend_host host;
    struct eni_event_queue backend_events; /* completions posted by the backend */
    uint64_t op_timeout_ns;             /* attach/detach deadline */
    struct eni_eval *eval;              /* lib/eval's state */
    void (*on_model_change)(eni_ctx *ctx); /* set by lib/eval: republish snapshots */
};

/* Allocation through the ctx's hooks. Sizes are checked for overflow. */
void *eni__malloc(const eni_ctx *ctx, size_t size);
void *eni__calloc(const eni_ctx *ctx, size_t count, size_t size);
/* Grows or shrinks; on failure returns NULL and leaves ptr valid. */
void *eni__realloc_array(const eni_ctx *ctx, void *ptr, size_t count, size_t size);
void eni__free(const eni_ctx *ctx, void *ptr);
/* The same hooks before a ctx exists (the ctx itself is allocated by them). */
void *eni__opts_malloc(const eni_ctx_opts *opts, size_t size);
void eni__opts_free(const eni_ctx_opts *opts, void *ptr);

void eni__lock(eni_ctx *ctx);
void eni__unlock(eni_ctx *ctx);

/* lib/model's lifecycle, run by eni_ctx_new / eni_ctx_free. */
int eni__model_init(eni_ctx *ctx);
void eni__model_fini(eni_ctx *ctx);

/* lib/eval's lifecycle. */
int eni__eval_init(eni_ctx *ctx);
void eni__eval_fini(eni_ctx *ctx);

/* lib/backend: open the default (mock) backend; close the current one. */
int eni__backend_init(eni_ctx *ctx);
void eni__backend_fini(eni_ctx *ctx);

/* lib/attach: apply backend completions and expire lost operations; run by
 * eni_ctx_poll before user events are delivered. */
void eni__attach_process(eni_ctx *ctx);

/* Monotonic time in nanoseconds (control path only). */
uint64_t eni__now_ns(void);

void eni__log(const eni_ctx *ctx, unsigned level, const char *fmt, ...) ENI__PRINTF(3, 4);

#endif
