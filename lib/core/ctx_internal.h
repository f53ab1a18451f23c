/* The context's private layout and the primitives every layer uses:
 * allocation through the caller's hooks, the ctx lock, the clock, logging,
 * the event queues. Core declares the slots where the layers above keep
 * their state but never creates, frees or calls them: composition does,
 * in lib/ctx/. */
#ifndef ENI_CORE_CTX_INTERNAL_H
#define ENI_CORE_CTX_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "eni/ctx.h"
#include "eni/sys/backend.h"
#include "error_internal.h"
#include "queue.h"
#include "registry.h"

struct eni_model; /* lib/model's state */
struct eni_eval;  /* lib/eval's state */

/* What a backend holds of its ctx: the way to post completions and to use
 * the ctx's allocator and log (the host services of eni/sys/backend.h). */
struct eni_backend_host {
    eni_ctx *ctx;
};

struct eni_ctx {
    eni_ctx_opts opts;          /* as given, after copy-in and defaults */
    pthread_mutex_t lock;       /* serialises control-plane calls */
    struct eni_registry registry;
    struct eni_queue events;    /* eni_event, delivered by eni_ctx_poll */
    atomic_bool polling;        /* one eni_ctx_poll at a time */
    struct eni_model *model;
    const eni_backend_ops *backend_ops; /* never NULL after eni_ctx_new */
    void *backend;                      /* the backend's instance */
    struct eni_backend_host host;
    struct eni_queue backend_events;    /* eni_backend_event, posted by the backend */
    uint64_t op_timeout_ns;             /* attach/detach deadline */
    struct eni_eval *eval;              /* lib/eval's state */
    void (*on_model_change)(eni_ctx *ctx); /* set by lib/eval: republish snapshots */
};

/* The primitives' part of a ctx: lock, registry, both queues. On failure
 * nothing is left to undo. eni__ctx_base_fini undoes a successful init. */
int eni__ctx_base_init(eni_ctx *ctx);
void eni__ctx_base_fini(eni_ctx *ctx);

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

/* Append a copy of *ev to the ctx's user events; fills size and seq.
 * ENI_OK or ENI_ENOMEM (recorded). */
int eni__event_post(eni_ctx *ctx, const eni_event *ev);

/* Monotonic time in nanoseconds (control path only). */
uint64_t eni__now_ns(void);

void eni__log(const eni_ctx *ctx, unsigned level, const char *fmt, ...) ENI__PRINTF(3, 4);

#endif
