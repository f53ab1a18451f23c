/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/sys/backend.h
 * @brief The backend-author interface: how a backend makes the model real.
 *
 * A backend turns attach and detach requests into devices (simulated by
 * the mock, real ENA/EFA functions by the VFIO backend). It is a const ops
 * table that starts with its size, ABI number and name. Operations may
 * finish at once or later: either way the backend reports the result by
 * posting a completion with eni_backend_post(), from any thread, and the
 * ctx applies it in eni_ctx_poll().
 *
 * **Stability tier:** this header has its own ABI number,
 * ::ENI_BACKEND_ABI. It is stable within a minor release of libeni; a
 * change bumps ::ENI_BACKEND_ABI and eni_ctx_set_backend() refuses tables
 * built for another number. It is not included by `eni.h`.
 *
 * @defgroup eni_backend Backend interface
 * @{
 */
#ifndef ENI_SYS_BACKEND_H
#define ENI_SYS_BACKEND_H

#include "../attach.h"
#include "../common.h"
#include "../ctx.h"
#include "../errors.h"
#include "../types.h"

/** ABI number of this header's ops table and structs. */
#define ENI_BACKEND_ABI 1

/** @brief An attach request (read-only for the backend, valid during the call). */
typedef struct eni_backend_attach_req {
    uint32_t size;               /**< sizeof as libeni knows it. */
    uint32_t kind;               /**< An ::eni_attach_kind. */
    eni_attachment_id attachment;/**< Names the operation and the device in completions. */
    eni_nic_id nic;              /**< The interface. */
    eni_instance_id instance;    /**< The instance. */
    uint32_t device_index;       /**< `DeviceIndex`. */
    uint32_t network_card_index; /**< `NetworkCardIndex`. */
    uint32_t nic_type;           /**< An ::eni_nic_type value. */
    uint8_t mac[6];              /**< The interface's MAC, for the device. */
    uint8_t reserved[2];         /**< Zero. */
} eni_backend_attach_req;

/** @brief Bits of eni_backend_detach_req::flags. */
typedef enum eni_backend_detach_flag {
    ENI_BACKEND_DETACH_FORCE = 1u << 0, /**< `Force=true`: the model detaches whatever the backend says. */
    ENI_BACKEND_DETACH_ABORT = 1u << 1  /**< Undo an attach that never completed; post nothing back. */
} eni_backend_detach_flag;

/** @brief A detach request (read-only for the backend, valid during the call). */
typedef struct eni_backend_detach_req {
    uint32_t size;               /**< sizeof as libeni knows it. */
    uint32_t flags;              /**< ::eni_backend_detach_flag bits. */
    eni_attachment_id attachment;/**< The attachment to undo. */
    eni_nic_id nic;              /**< Its interface. */
    eni_instance_id instance;    /**< Its instance. */
} eni_backend_detach_req;

/** @brief What a backend reports (eni_backend_event::type). */
typedef enum eni_backend_event_type {
    ENI_BEV_ATTACH_DONE = 1,    /**< An attach finished; eni_backend_event::status says how. */
    ENI_BEV_DETACH_DONE = 2,    /**< A detach finished. */
    ENI_BEV_LINK = 3,           /**< The device's link went up or down (eni_backend_event::link_up). */
    ENI_BEV_DEVICE_REMOVED = 4  /**< The device disappeared (surprise removal). */
} eni_backend_event_type;

/** @brief A completion or device event posted with eni_backend_post(). */
typedef struct eni_backend_event {
    uint32_t size;               /**< sizeof as the backend knows it. */
    uint32_t type;               /**< An ::eni_backend_event_type. */
    eni_attachment_id attachment;/**< The operation or device it is about. */
    int32_t status;              /**< ::ENI_OK, or the ::eni_err the operation failed with. */
    int32_t os_errno;            /**< errno behind a failure, or 0. */
    uint32_t link_up;            /**< For ::ENI_BEV_LINK: 1 up, 0 down. */
    uint32_t reserved0;          /**< Zero. */
} eni_backend_event;

/** @brief What a backend reports about a device (optional op `get_device`). */
typedef struct eni_backend_device {
    uint32_t size;         /**< Set by libeni before the call. */
    uint32_t link_up;      /**< 1 when the link is up. */
    char bus_address[32];  /**< PCI address such as "0000:00:05.0". */
    uint8_t mac[6];        /**< The MAC the device uses. */
    uint8_t reserved[2];   /**< Zero. */
    uint32_t vendor_id;    /**< PCI vendor (0x1d0f for Amazon). */
    uint32_t device_id;    /**< PCI device (0xec20 ENA VF, 0xefa0.. EFA). */
} eni_backend_device;

/** Initializer for ::eni_backend_device: sets `size`, zeroes the rest. Use it for every
 * eni_backend_device handed to libeni, so a garbage `size` can never reach it. */
#define ENI_BACKEND_DEVICE_INIT { sizeof(eni_backend_device), 0, {0}, {0}, {0}, 0, 0 }

/**
 * @brief The ctx side of a backend: passed to `open`, used with
 * eni_backend_post() and the host services (eni_backend_calloc(),
 * eni_backend_log(), ...). Opaque; valid until the backend's `close` returns.
 */
typedef struct eni_backend_host eni_backend_host;

/**
 * @brief A backend's operations. Required ops must be set; optional ones may
 * be NULL, and then the calls that need them return ::ENI_ENOTSUP.
 * Every op returns ::ENI_OK or a negative ::eni_err (use ::ENI_EBACKEND with
 * eni_backend_post()'s os_errno for OS failures).
 */
typedef struct eni_backend_ops {
    uint32_t size;     /**< sizeof(eni_backend_ops) the backend was built with. */
    uint32_t abi;      /**< ::ENI_BACKEND_ABI the backend was built with. */
    const char *name;  /**< Short name, e.g. "mock", "vfio". */
    /** Required. Create the backend instance. @p config is the string given to eni_ctx_set_backend() (may be NULL). */
    int (*open)(eni_backend_host *host, const char *config, void **instance);
    /** Required. Release everything; pending operations are dropped. */
    void (*close)(void *instance);
    /** Required. Start an attach; its result comes as ::ENI_BEV_ATTACH_DONE (possibly posted before returning). A non-OK return means nothing was started. */
    int (*attach)(void *instance, const eni_backend_attach_req *req);
    /** Required. Start a detach; its result comes as ::ENI_BEV_DETACH_DONE, except with ::ENI_BACKEND_DETACH_ABORT. */
    int (*detach)(void *instance, const eni_backend_detach_req *req);
    /** Required. Called at the start of every eni_ctx_poll() with the monotonic time, to drive timers. */
    int (*poll)(void *instance, uint64_t now_ns);
    /** Optional. Identity and link of an attachment's device. */
    int (*get_device)(void *instance, eni_attachment_id attachment, eni_backend_device *out);
} eni_backend_ops;

/**
 * @brief A function run by eni_ctx_backend_call() with the ctx's backend instance.
 * @param[in] instance The instance the backend's `open` created.
 * @param[in] arg      The caller's argument.
 * @return What eni_ctx_backend_call() returns.
 */
typedef int (*eni_backend_call_fn)(void *instance, void *arg);

ENI_BEGIN_DECLS

/**
 * @brief Post a completion or device event to the ctx (from any thread).
 * @param[in] host The host given to `open`.
 * @param[in] ev   The event; copied.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments or an unknown type;
 *         ::ENI_EVERSION for a bad `size`; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_backend_post(eni_backend_host *host, const eni_backend_event *ev);

/**
 * @brief Host service: zeroed memory for `count` elements of `size` bytes,
 * from the ctx's allocator hooks (eni_ctx_opts::malloc_fn), as libeni's own
 * allocations are.
 * @param[in] host  The host given to `open`.
 * @param[in] count Number of elements.
 * @param[in] size  Size of one element.
 * @return The memory (free it with eni_backend_free()), or NULL when @p host
 *         is NULL, `count * size` overflows, or the allocator fails.
 * @since 1.0
 * @threadsafety any (the hooks must be thread-safe, as for libeni itself)
 */
ENI_API void *eni_backend_calloc(eni_backend_host *host, size_t count, size_t size);

/**
 * @brief Host service: resize memory from eni_backend_calloc() (or NULL) to
 * `count` elements of `size` bytes; bytes past the old size are not zeroed.
 * @param[in] host  The host given to `open`.
 * @param[in] ptr   The memory, or NULL to allocate.
 * @param[in] count Number of elements.
 * @param[in] size  Size of one element.
 * @return The memory, or NULL on failure, when @p ptr stays valid and unchanged.
 * @since 1.0
 * @threadsafety any
 */
ENI_API void *eni_backend_realloc_array(eni_backend_host *host, void *ptr, size_t count,
                                        size_t size);

/**
 * @brief Host service: free memory from eni_backend_calloc() or
 * eni_backend_realloc_array(). NULL @p ptr (or @p host) does nothing.
 * @param[in] host The host given to `open`.
 * @param[in] ptr  The memory.
 * @since 1.0
 * @threadsafety any
 */
ENI_API void eni_backend_free(eni_backend_host *host, void *ptr);

/**
 * @brief Host service: log a line through the ctx's log callback
 * (eni_ctx_opts::log_fn), if @p level is enabled.
 * @param[in] host    The host given to `open`; NULL does nothing.
 * @param[in] level   An ::eni_log_level from ::ENI_LOG_ERROR to ::ENI_LOG_DEBUG.
 * @param[in] message The line, without a newline; NULL does nothing.
 * @since 1.0
 * @threadsafety any
 */
ENI_API void eni_backend_log(eni_backend_host *host, uint32_t level, const char *message);

/**
 * @brief Host service: record a failure in the calling thread's
 * eni_error_last() and return @p code, as libeni's own calls do; a backend
 * writes `return eni_backend_fail(ENI_EBACKEND, errno, "why");`.
 * @param[in] code     A negative ::eni_err (anything else is recorded as ::ENI_EBACKEND).
 * @param[in] os_errno The errno behind the failure, or 0.
 * @param[in] message  What failed, in words; NULL is recorded as "".
 * @return The code recorded.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_backend_fail(int code, int os_errno, const char *message);

/**
 * @brief Run @p fn with the ctx's backend instance, under the ctx lock, if
 * the ctx's backend is @p ops (how a backend's own control API, such as
 * eni/sys/mock.h, reaches its instance from a ctx).
 * @param[in] ctx The context.
 * @param[in] ops The backend the caller expects.
 * @param[in] fn  Runs with the instance; it must not call libeni functions
 *                that take @p ctx (the lock is held), except eni_backend_post().
 * @param[in] arg Passed to @p fn.
 * @return What @p fn returns; ::ENI_EINVAL for a NULL argument;
 *         ::ENI_ENOTSUP when the ctx's backend is another one.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_backend_call(eni_ctx *ctx, const eni_backend_ops *ops, eni_backend_call_fn fn,
                                 void *arg);

/**
 * @brief Replace the ctx's backend (the mock is the default).
 *
 * The ops table is checked (size, ABI number, required ops), the new backend
 * is opened, and only then is the old one closed.
 *
 * @param[in] ctx    The context; no interface may be attached.
 * @param[in] ops    The backend's ops table; it must outlive the ctx.
 * @param[in] config Backend-specific configuration string, or NULL.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL arguments or a missing required op;
 *         ::ENI_EVERSION for a size below the first layout or another ABI number;
 *         ::ENI_EBUSY while attachments exist; the error of the backend's `open`.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_ctx_set_backend(eni_ctx *ctx, const eni_backend_ops *ops, const char *config);

/**
 * @brief Name of the ctx's backend ("mock" by default).
 * @param[in] ctx The context, or NULL.
 * @return A string owned by the backend; "" for NULL. Never NULL.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API const char *eni_ctx_backend_name(eni_ctx *ctx);

/**
 * @brief Ask the backend for an attachment's device.
 * @param[in]  ctx        The context.
 * @param[in]  attachment An attached attachment.
 * @param[out] out        Receives the device; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out; attachment id
 *         errors; ::ENI_ESTATE unless attached; ::ENI_ENOTSUP when the backend
 *         has no `get_device`; the backend's error.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_attachment_get_device(eni_ctx *ctx, eni_attachment_id attachment,
                                      eni_backend_device *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_SYS_BACKEND_H */
