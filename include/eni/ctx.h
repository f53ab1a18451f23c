/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/ctx.h
 * @brief The libeni context: creation options, allocator and log hooks,
 *        and the event queue drained by eni_ctx_poll().
 *
 * A context holds one host's whole model. There is no global state: two
 * contexts never interact. Every control-plane call takes the context's
 * lock, so one context may be shared by several threads; callbacks run only
 * inside eni_ctx_poll(), on the polling thread, without any libeni lock held.
 *
 * @defgroup eni_ctx Context
 * @{
 */
#ifndef ENI_CTX_H
#define ENI_CTX_H

#include "common.h"
#include "types.h"

/** @brief Log levels; a message is emitted when its level is at most the threshold. */
typedef enum eni_log_level {
    ENI_LOG_NONE = 0,  /**< As a threshold: use the default (::ENI_LOG_WARN). */
    ENI_LOG_ERROR = 1, /**< Failures the caller may not see otherwise (lost completions...). */
    ENI_LOG_WARN = 2,  /**< Surprising but handled conditions. */
    ENI_LOG_INFO = 3,  /**< State changes of objects. */
    ENI_LOG_DEBUG = 4, /**< Everything, including every refused call with its EC2 code. */
    ENI_LOG_OFF = 255  /**< As a threshold: emit nothing. */
} eni_log_level;

/**
 * @brief Allocation hook, with malloc() semantics.
 * @param size     Bytes wanted (never 0).
 * @param userdata eni_ctx_opts::alloc_userdata.
 * @return The block, or NULL when out of memory.
 */
typedef void *(*eni_malloc_cb)(size_t size, void *userdata);
/**
 * @brief Reallocation hook, with realloc() semantics (never called with size 0 or a NULL block).
 * @param ptr      A block from the hooks.
 * @param size     New size in bytes.
 * @param userdata eni_ctx_opts::alloc_userdata.
 * @return The moved or grown block, or NULL (then @p ptr is still valid).
 */
typedef void *(*eni_realloc_cb)(void *ptr, size_t size, void *userdata);
/**
 * @brief Release hook, with free() semantics (never called with NULL).
 * @param ptr      A block from the hooks.
 * @param userdata eni_ctx_opts::alloc_userdata.
 */
typedef void (*eni_free_cb)(void *ptr, void *userdata);

/**
 * @brief Log hook.
 *
 * Called by the thread that made the libeni call, once that call is about to
 * return, with no libeni lock held: it may call back into libeni (lines those
 * calls would log are dropped, so the callback is never re-entered). Lines
 * from a backend's own threads are delivered on those threads. Calling
 * eni_ctx_free() on the same ctx from here is refused (::ENI_EBUSY in
 * eni_error_last(); nothing is freed).
 *
 * Setting the environment variable `LIBENI_DEBUG` to `error`, `warn`, `info`
 * or `debug` (`1` means `debug`) raises the threshold of every ctx created
 * afterwards; with no eni_ctx_opts::log_fn, the lines go to stderr.
 *
 * @param level    An ::eni_log_level.
 * @param message  The NUL-terminated message, without a trailing newline.
 * @param userdata eni_ctx_opts::log_userdata.
 */
typedef void (*eni_log_cb)(uint32_t level, const char *message, void *userdata);

/** @brief Bits of eni_ctx_opts::flags. */
typedef enum eni_ctx_flag {
    /** Deliver events for model changes too (::ENI_EVENT_RULES_CHANGED and the
     *  others numbered from 9): an agent programs its data plane and its
     *  peers from them instead of polling describe calls. Off by default, so
     *  existing poll loops see no new event types. */
    ENI_CTX_MODEL_EVENTS = 1u << 0
} eni_ctx_flag;

/**
 * @brief Options for eni_ctx_new().
 *
 * The struct grows by appending fields only. eni_ctx_opts::size must hold the size
 * the caller compiled with (eni_ctx_opts_init() or ::ENI_CTX_OPTS_INIT set
 * it); the library reads that many bytes and treats missing fields as zero.
 * A caller built against a newer header may pass a larger struct as long as
 * the fields this library does not know are zero.
 */
typedef struct eni_ctx_opts {
    uint32_t size;            /**< sizeof(eni_ctx_opts) as the caller knows it. */
    uint32_t flags;           /**< ::eni_ctx_flag bits. */
    uint64_t seed;            /**< Key of the id-string permutation: same seed, same id strings. */
    eni_malloc_cb malloc_fn;  /**< Allocator hooks: all three set, or all three NULL for the C library's. */
    eni_realloc_cb realloc_fn;/**< See eni_ctx_opts::malloc_fn. */
    eni_free_cb free_fn;      /**< See eni_ctx_opts::malloc_fn. */
    void *alloc_userdata;     /**< Passed to the allocator hooks. */
    eni_log_cb log_fn;        /**< Log hook, or NULL for no logging. */
    void *log_userdata;       /**< Passed to eni_ctx_opts::log_fn. */
    uint32_t log_level;       /**< Threshold, an ::eni_log_level; 0 means ::ENI_LOG_WARN. */
    uint32_t reserved0;       /**< Must be 0. */
    /** The state file (docs/persistence.md), or NULL to keep everything in
     *  memory. With it, every accepted mutation is committed to the file
     *  before the call returns, eni_ctx_new() restores the model the file
     *  holds (same ids, same id strings: the file's seed replaces
     *  eni_ctx_opts::seed) and the flows a graceful stop handed over, and
     *  eni_ctx_free() hands the flows over again. One ctx at a time may
     *  hold a file. @since 1.0 */
    const char *state_path;
    /** With a state file: eni_ctx_poll() checkpoints the flows when this
     *  many milliseconds have passed since they were last saved, so a crash
     *  loses at most that much; 0 saves them only at eni_ctx_free() and
     *  eni_ctx_save_flows(). @since 1.0 */
    uint32_t flow_checkpoint_ms;
    uint32_t reserved1;       /**< Must be 0. @since 1.0 */
} eni_ctx_opts;

/** Static initialiser for C callers: all defaults, eni_ctx_opts::size set. */
#define ENI_CTX_OPTS_INIT { sizeof(eni_ctx_opts), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** @brief Types of events delivered by eni_ctx_poll(). Numbers are ABI. */
typedef enum eni_event_type {
    ENI_EVENT_NONE = 0,              /**< Never delivered. */
    ENI_EVENT_USER = 1,              /**< Posted by eni_ctx_post_user_event(); eni_event::cookie is the caller's. */
    ENI_EVENT_ATTACH_COMPLETED = 2,  /**< subject: attachment, related: interface, cookie: instance. */
    ENI_EVENT_ATTACH_FAILED = 3,     /**< As above; status/os_errno/ec2_code say why; everything was rolled back. */
    ENI_EVENT_DETACH_COMPLETED = 4,  /**< As above; the interface is available again (or deleted at termination). */
    ENI_EVENT_DETACH_FAILED = 5,     /**< As above; the interface stays attached. */
    ENI_EVENT_INSTANCE_STATE = 6,    /**< subject: instance; state: its new ::eni_instance_state. */
    ENI_EVENT_LINK_CHANGE = 7,       /**< subject: attachment, related: interface; state: 1 up, 0 down. */
    ENI_EVENT_DEVICE_REMOVED = 8,    /**< subject: attachment, related: interface; the device vanished and the interface was detached. */
    /* With ::ENI_CTX_MODEL_EVENTS only. cookie: the model's change number
     * after the change (it only grows). A change event still queued when a
     * newer one about the same subject and related object arrives is
     * updated in place (coalesced): the caller sees the latest state once. */
    ENI_EVENT_RULES_CHANGED = 9,     /**< subject: security group; state: its rules now (both directions). */
    ENI_EVENT_MEMBERSHIP_CHANGED = 10, /**< subject: security group, related: interface; state: 1 joined, 0 left. */
    ENI_EVENT_ADDRESSES_CHANGED = 11, /**< subject: interface; state: its private addresses now (IPv4 and IPv6). */
    ENI_EVENT_EIP_CHANGED = 12,      /**< subject: Elastic IP, related: interface (0 when none); state: 1 associated, 0 not. */
    ENI_EVENT_REMOTE_MEMBERS_CHANGED = 13, /**< subject: security group; state: sources that report members of it. */
    ENI_EVENT_ACL_CHANGED = 14       /**< subject: network ACL, related: the subnet whose association changed (0 for an entry change); state: its entries now (both directions). */
} eni_event_type;

/**
 * @brief One event, as delivered to an ::eni_event_cb.
 *
 * Valid only during the callback. Fields that do not apply to the event
 * type are zero. New fields are appended; eni_event::size says how many bytes
 * this library filled.
 */
typedef struct eni_event {
    uint32_t size;       /**< sizeof(eni_event) of the library that filled it. */
    uint32_t type;       /**< An ::eni_event_type. */
    uint64_t seq;        /**< Per-ctx sequence number, from 1, in posting order. */
    uint64_t subject;    /**< Raw id of the object the event is about, or 0. */
    uint64_t related;    /**< Raw id of a second object (an attachment's instance...), or 0. */
    uint64_t cookie;     /**< Caller's cookie for ::ENI_EVENT_USER. */
    int32_t status;      /**< ::ENI_OK, or the ::eni_err the operation failed with. */
    int32_t os_errno;    /**< errno reported by the backend with a failure, or 0. */
    uint32_t state;      /**< New state, for events that report one. */
    uint32_t reserved0;  /**< Zero. */
    char ec2_code[64];   /**< EC2 error code of a failure, "" otherwise. */
} eni_event;

/** Initializer for ::eni_event: sets `size`, zeroes the rest. Use it for every
 * eni_event handed to libeni, so a garbage `size` can never reach it. */
#define ENI_EVENT_INIT { sizeof(eni_event), 0, 0, 0, 0, 0, 0, 0, 0, 0, {0} }

/**
 * @brief Event callback.
 * @param event    The event; valid only during the call.
 * @param userdata The pointer given to eni_ctx_poll().
 * @return 0 to go on; any other value stops eni_ctx_poll(), which then
 *         returns ::ENI_EUSER (the event counts as delivered).
 */
typedef int (*eni_event_cb)(const eni_event *event, void *userdata);

ENI_BEGIN_DECLS

/**
 * @brief Fill an options struct with defaults (for FFIs that cannot use ::ENI_CTX_OPTS_INIT).
 * @param[out] opts The struct to initialise.
 * @param[in]  size sizeof the caller's struct.
 * @return ::ENI_OK; ::ENI_EINVAL if @p opts is NULL; ::ENI_EVERSION if
 *         @p size is smaller than the first published layout (nothing is written).
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_ctx_opts_init(eni_ctx_opts *opts, size_t size);

/**
 * @brief Create a context.
 * @param[in]  opts Options, or NULL for all defaults.
 * @param[out] out  Receives the new context.
 * @return ::ENI_OK;
 *         ::ENI_EINVAL when @p out is NULL, a flag or reserved field is set,
 *         only some allocator hooks are set, or the log level is out of range;
 *         ::ENI_EVERSION when @p opts->size is smaller than the first
 *         published layout, or larger with non-zero bytes past this library's;
 *         ::ENI_ENOMEM when allocation fails.
 * @since 1.0
 * @threadsafety any
 * @ownership The caller owns @p *out and releases it with eni_ctx_free().
 */
ENI_API int eni_ctx_new(const eni_ctx_opts *opts, eni_ctx **out);

/**
 * @brief Destroy a context and everything in it. Pending events are discarded.
 *
 * Called from an event callback of @p ctx, the ctx is freed when the callback
 * returns, and eni_ctx_poll() returns at once without delivering more events.
 * Called from the log callback of @p ctx, nothing is freed and ::ENI_EBUSY is
 * recorded in eni_error_last().
 *
 * Evaluation workers (eni_eval_worker_new()) belong to their ctx: free them
 * first. Using or freeing a worker after its ctx was freed is undefined
 * behaviour, as is any use of @p ctx afterwards.
 *
 * @param[in] ctx The context, or NULL (then nothing happens).
 * @since 1.0
 * @threadsafety No other thread may use @p ctx during or after the call.
 */
ENI_API void eni_ctx_free(eni_ctx *ctx);

/**
 * @brief Post a user event; it is delivered by a later eni_ctx_poll().
 *
 * Lets another thread wake the polling thread with a value of its own
 * (libuv's `uv_async_send` pattern).
 *
 * @param[in] ctx    The context.
 * @param[in] cookie Any value; delivered as eni_event::cookie.
 * @return ::ENI_OK; ::ENI_EINVAL if @p ctx is NULL; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_ctx_post_user_event(eni_ctx *ctx, uint64_t cookie);

/**
 * @brief Deliver pending events, oldest first.
 *
 * Events posted while this call runs (by another thread, or by the callback)
 * are delivered by the same call while @p max_events allows.
 *
 * @param[in]  ctx        The context.
 * @param[in]  max_events Deliver at most this many; 0 means no limit.
 * @param[in]  cb         Called once per event without any libeni lock held;
 *                        it may call any libeni function except
 *                        eni_ctx_poll() on @p ctx (::ENI_EBUSY), and may free
 *                        @p ctx (it is freed when @p cb returns).
 *                        NULL discards the events.
 * @param[in]  userdata   Passed to @p cb.
 * @param[out] delivered  Receives the number of events taken off the queue; may be NULL.
 * @return ::ENI_OK; ::ENI_EINVAL if @p ctx is NULL; ::ENI_EBUSY when called
 *         from an event callback of the same ctx; ::ENI_EUSER when @p cb
 *         asked to stop (the remaining events stay queued).
 * @since 1.0
 * @threadsafety poll-thread: one thread polls a given ctx at a time (others get ::ENI_EBUSY).
 */
ENI_API int eni_ctx_poll(eni_ctx *ctx, uint32_t max_events, eni_event_cb cb, void *userdata,
                         uint32_t *delivered);

/**
 * @brief Number of events waiting for eni_ctx_poll().
 * @param[in] ctx The context, or NULL (then 0).
 * @return The count at the time of the call.
 * @since 1.0
 * @threadsafety any
 */
ENI_API uint32_t eni_ctx_pending_events(eni_ctx *ctx);

/**
 * @brief A file descriptor that is readable while eni_ctx_poll() has events to
 * deliver, for `poll(2)`, `epoll`, or an event loop.
 *
 * It becomes readable when a user event is posted or a backend posts a
 * completion (from any thread), and eni_ctx_poll() empties it. A wake-up can
 * be spurious; none is lost. Some work is driven by time rather than by an
 * event (an attach the backend has not answered yet, a backend watching its
 * devices): wait at most eni_ctx_timeout_ms() milliseconds, or use
 * eni_ctx_wait(), which does both.
 *
 * @param[in]  ctx The context.
 * @param[out] fd  Receives the descriptor: non-blocking, close-on-exec, owned
 *                 by @p ctx (do not read or close it), the same on every call,
 *                 valid until eni_ctx_free().
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments; ::ENI_ELIMIT when the
 *         process is out of descriptors; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_event_fd(eni_ctx *ctx, int *fd);

/**
 * @brief How long a caller may wait before eni_ctx_poll() has work.
 * @param[in] ctx The context, or NULL (then -1).
 * @return 0 when events are pending; otherwise the milliseconds until the
 *         earliest attach or detach deadline, at most 10 while one waits for
 *         the backend, 100 while interfaces are attached (backends watch their
 *         devices when polled); -1 when nothing is in flight (wait for the
 *         event fd alone).
 * @since 1.0
 * @threadsafety any
 */
ENI_API int32_t eni_ctx_timeout_ms(eni_ctx *ctx);

/**
 * @brief Block until eni_ctx_poll() has work (events, or a timer due), or
 * @p max_ms milliseconds have passed.
 * @param[in] ctx    The context.
 * @param[in] max_ms The longest wait; -1 for no limit (0 checks and returns).
 * @return ::ENI_OK: call eni_ctx_poll() now (also after a signal interrupted
 *         the wait); ::ENI_ETIMEDOUT when @p max_ms passed first;
 *         ::ENI_EINVAL for a NULL @p ctx or @p max_ms below -1; the errors of
 *         eni_ctx_event_fd().
 * @since 1.0
 * @threadsafety any, but only the polling thread should wait on a ctx
 */
ENI_API int eni_ctx_wait(eni_ctx *ctx, int32_t max_ms);

ENI_END_DECLS

/** @} */
#endif /* ENI_CTX_H */
