/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
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
#include "journal.h"
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
    /* Persistence (lib/store, wired by lib/ctx): NULL when the ctx has no
     * state file. on_commit writes what the journal holds and returns ENI_OK
     * or the recorded error; after a failed commit the call returns that
     * error and on_recover, run when the ctx lock is released, puts memory
     * back to what the file holds. on_check compares the two. */
    struct eni_journal *journal;
    int (*on_commit)(eni_ctx *ctx);
    void (*on_recover)(eni_ctx *ctx);
    int (*on_check)(eni_ctx *ctx);
    void *store;                /* lib/store's state */
    int commit_error;           /* a commit failed in this locked section (its code): no events */
    uint32_t batch_depth;       /* eni_ctx_batch_begin nesting: commits wait for the end */
    uint64_t batch_version;     /* the model's change counter when the outermost batch began */
    struct eni_queue held_events; /* a batch's events (with a state file), posted once it commits */
    bool reconcile_pending;     /* attachments came from the state file: the first backend
                                 * set (or the first poll) settles those in flight */
    uint64_t flows_saved_ns;    /* eni__now_ns of the last flow checkpoint */
    eni_log_cb log_fn;          /* opts.log_fn, or stderr under LIBENI_DEBUG, or NULL */
    void *log_userdata;
    unsigned log_level;         /* threshold; 0 when nothing is logged */
    bool free_requested;        /* eni_ctx_free ran inside an eni_ctx_poll callback */
    _Atomic int wake_rfd, wake_wfd; /* the event fd (wake.c); -1 until asked for */
};

/* ---- the event fd (wake.c) ----------------------------------------------- */
void eni__wake_init(eni_ctx *ctx);
void eni__wake_fini(eni_ctx *ctx);
/* Make the fd readable (any thread; nothing when no fd was asked for). */
void eni__wake_signal(eni_ctx *ctx);
/* Empty it (the poller, before it looks at the queues). */
void eni__wake_drain(eni_ctx *ctx);
/* The fd, made on first use, under the ctx lock. Records its errors. */
int eni__wake_fd(eni_ctx *ctx, int *fd);

/* ---- the call in progress on this thread (log.c) ------------------------
 * Every public function that takes a ctx starts with ENI__CALL(ctx): log
 * lines of the call are held until the outermost call on that ctx returns,
 * then handed to the log callback with no lock held. */
struct eni_call_frame {
    eni_ctx *ctx;
    bool nested;          /* an inner call on the same ctx */
    eni_ctx *outer_ctx;   /* the frame this one stacks on (another ctx's call) */
    unsigned outer_depth;
    char *outer_buf;
    size_t outer_len, outer_cap;
};
struct eni_call_frame eni__call_enter(eni_ctx *ctx);
void eni__call_leave(struct eni_call_frame *f);
/* The ctx is being freed inside its own call: deliver what is held, now. */
void eni__call_forget(eni_ctx *ctx);
#define ENI__CALL(ctx)                                                                 \
    struct eni_call_frame eni__call_frame_                                             \
        __attribute__((cleanup(eni__call_leave), unused)) = eni__call_enter(ctx)

/* Threshold and sink from the options and LIBENI_DEBUG (at eni_ctx_new). */
void eni__log_setup(eni_ctx *ctx);
/* LIBENI_DEBUG's value as a level: 0 for unset or "0". */
unsigned eni__log_level_from_env(const char *value);
bool eni__log_enabled(const eni_ctx *ctx, unsigned level);
/* Is this thread inside ctx's log callback? */
bool eni__in_log_callback(const eni_ctx *ctx);

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
 * ENI_OK or ENI_ENOMEM (recorded). Inside a batch on a state file, events
 * other than user events are held until the batch commits. */
int eni__event_post(eni_ctx *ctx, const eni_event *ev);
/* A batch ended: its held events are posted (committed) or dropped. */
void eni__held_events_release(eni_ctx *ctx, bool committed);

/* A model-change event (types 9..13), when the ctx asked for them
 * (ENI_CTX_MODEL_EVENTS): queued, or folded into a queued one about the same
 * subject and related object. cookie is the model's change number. A lost
 * event (out of memory) is logged. */
void eni__change_event(eni_ctx *ctx, uint32_t type, uint64_t subject, uint64_t related,
                       uint32_t state, uint64_t change);

/* Monotonic time in nanoseconds (control path only). */
uint64_t eni__now_ns(void);

void eni__log(const eni_ctx *ctx, unsigned level, const char *fmt, ...) ENI__PRINTF(3, 4);

/* Log only when the level is on: the arguments (id strings, say) are not
 * even computed otherwise. */
#define ENI__LOG(ctx, level, ...)                                                      \
    do {                                                                               \
        if (eni__log_enabled((ctx), (level)))                                          \
            eni__log((ctx), (level), __VA_ARGS__);                                     \
    } while (0)
#define ENI__INFO(ctx, ...) ENI__LOG((ctx), ENI_LOG_INFO, __VA_ARGS__)

/* An id's EC2 string for a log line, in buf (ENI_ID_STRING_MAX bytes); "?"
 * for something that is not an id. Records no error. */
const char *eni__idstr(const eni_ctx *ctx, uint64_t id, char *buf);

#endif
