/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/sys/mock.h
 * @brief The mock backend: simulated devices with configurable latency and
 *        fault injection. It is every ctx's default backend.
 *
 * The mock keeps one simulated device per attachment (a PCI-like address,
 * the interface's MAC, a link state). Completions come immediately, after a
 * number of eni_ctx_poll() calls, or after a delay. Faults are armed per
 * operation kind: fail the Nth attach or detach (synchronously or as a failed
 * completion) with a chosen errno, drop the Nth completion, remove a device
 * by surprise, flap a link. The functions here act on the ctx's backend and
 * return ::ENI_ENOTSUP when it is not the mock.
 *
 * @defgroup eni_mock Mock backend
 * @{
 */
#ifndef ENI_SYS_MOCK_H
#define ENI_SYS_MOCK_H

#include "../common.h"
#include "../types.h"
#include "backend.h"

/** @brief When the mock completes an operation. */
typedef enum eni_mock_latency {
    ENI_MOCK_IMMEDIATE = 0,   /**< Posted before the op returns (the default). */
    ENI_MOCK_AFTER_POLLS = 1, /**< Posted during the Nth eni_ctx_poll() after the op. */
    ENI_MOCK_AFTER_TIME = 2   /**< Posted by the first eni_ctx_poll() at least `delay_ns` after the op. */
} eni_mock_latency;

/** @brief Operation kinds faults are armed for. */
typedef enum eni_mock_op {
    ENI_MOCK_OP_ATTACH = 1, /**< Attach requests. */
    ENI_MOCK_OP_DETACH = 2  /**< Detach requests (aborts included). */
} eni_mock_op;

/** @brief Bits of eni_mock_fail_nth()'s `flags`. */
typedef enum eni_mock_fail_flag {
    ENI_MOCK_FAIL_SYNC = 1u << 0 /**< Fail by returning ::ENI_EBACKEND from the op itself, not in a completion. */
} eni_mock_fail_flag;

/** @brief Mock timing (eni_mock_configure()). */
typedef struct eni_mock_config {
    uint32_t size;     /**< sizeof as the caller knows it. */
    uint32_t latency;  /**< An ::eni_mock_latency. */
    uint32_t polls;    /**< For ::ENI_MOCK_AFTER_POLLS: how many polls (at least 1). */
    uint32_t reserved0;/**< Must be 0. */
    uint64_t delay_ns; /**< For ::ENI_MOCK_AFTER_TIME. */
} eni_mock_config;

/** Static initialiser for ::eni_mock_config (immediate completion). */
#define ENI_MOCK_CONFIG_INIT { sizeof(eni_mock_config), 0, 0, 0, 0 }

/** @brief What the mock has done (eni_mock_get_counters()). */
typedef struct eni_mock_counters {
    uint32_t size;           /**< Set by the caller before the call. */
    uint32_t devices;        /**< Simulated devices that exist now. */
    uint64_t attach_calls;   /**< Attach requests received. */
    uint64_t detach_calls;   /**< Detach requests received (aborts included). */
    uint64_t completions;    /**< Completions posted. */
    uint64_t failures;       /**< Injected failures. */
    uint64_t drops;          /**< Completions dropped on purpose. */
    uint64_t removals;       /**< Surprise removals. */
} eni_mock_counters;

/** Initializer for ::eni_mock_counters: sets `size`, zeroes the rest. Use it for every
 * eni_mock_counters handed to libeni, so a garbage `size` can never reach it. */
#define ENI_MOCK_COUNTERS_INIT { sizeof(eni_mock_counters), 0, 0, 0, 0, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief The mock's ops table, for eni_ctx_set_backend() (to go back to a fresh mock).
 * @return A static table; never NULL.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API const eni_backend_ops *eni_mock_backend_ops(void);

/**
 * @brief Set when the mock completes operations (applies to operations started afterwards).
 * @param[in] ctx    The context.
 * @param[in] config The timing.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL, an unknown latency, 0 polls with
 *         ::ENI_MOCK_AFTER_POLLS, or reserved bits; ::ENI_EVERSION; ::ENI_ENOTSUP.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_configure(eni_ctx *ctx, const eni_mock_config *config);

/**
 * @brief Make the @p n th next operation of a kind fail.
 * @param[in] ctx      The context.
 * @param[in] op       An ::eni_mock_op.
 * @param[in] n        1 for the next one; 0 disarms.
 * @param[in] os_errno The errno the failure reports (positive, e.g. EIO).
 * @param[in] flags    ::eni_mock_fail_flag bits.
 * @return ::ENI_OK; ::ENI_EINVAL for an unknown op or flag, or a negative errno; ::ENI_ENOTSUP.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_fail_nth(eni_ctx *ctx, uint32_t op, uint32_t n, int32_t os_errno,
                              uint32_t flags);

/**
 * @brief Make the mock silently drop the completion of the @p n th next operation of a kind.
 * @param[in] ctx The context.
 * @param[in] op  An ::eni_mock_op.
 * @param[in] n   1 for the next one; 0 disarms.
 * @return ::ENI_OK; ::ENI_EINVAL for an unknown op; ::ENI_ENOTSUP.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_drop_nth(eni_ctx *ctx, uint32_t op, uint32_t n);

/**
 * @brief Remove an attachment's device by surprise (as a hot-unplug would).
 * @param[in] ctx        The context.
 * @param[in] attachment The attachment whose device goes away.
 * @return ::ENI_OK; ::ENI_ENOTFOUND when the mock has no such device; ::ENI_ENOTSUP.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_remove_device(eni_ctx *ctx, eni_attachment_id attachment);

/**
 * @brief Give the mock a device for an attachment it never attached, link
 * up, as hardware that outlived the agent's restart holds one: after a
 * state file is reopened, eni_ctx_reconcile() then completes an attach that
 * was in flight instead of rolling it back. (A new mock holds no device, so
 * attachments restored attached have none either until given one here:
 * eni_mock_remove_device() and eni_mock_set_link() on them say
 * ::ENI_ENOTFOUND; detaching them works.)
 * @param[in] ctx        The context.
 * @param[in] attachment The attachment (it need not exist in the model).
 * @param[in] nic_type   The device's ::eni_nic_type (its PCI id follows it).
 * @return ::ENI_OK; ::ENI_EINVAL for a null or non-attachment id or a bad
 *         type; ::ENI_EEXIST when the mock already has that device;
 *         ::ENI_ENOMEM; ::ENI_ENOTSUP when the backend is not the mock.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_adopt_device(eni_ctx *ctx, eni_attachment_id attachment, uint32_t nic_type);

/**
 * @brief Set a device's link state; a change is reported as a link event.
 * @param[in] ctx        The context.
 * @param[in] attachment The attachment.
 * @param[in] up         1 up, 0 down.
 * @return ::ENI_OK; ::ENI_EINVAL for another value; ::ENI_ENOTFOUND; ::ENI_ENOTSUP.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_set_link(eni_ctx *ctx, eni_attachment_id attachment, uint32_t up);

/**
 * @brief Read the mock's counters.
 * @param[in]  ctx The context.
 * @param[out] out Receives them; set `out->size` first.
 * @return ::ENI_OK; ::ENI_EINVAL for NULL or a too-small @p out; ::ENI_ENOTSUP.
 * @since 1.0
 * @threadsafety ctx-serialized
 */
ENI_API int eni_mock_get_counters(eni_ctx *ctx, eni_mock_counters *out);

ENI_END_DECLS

/** @} */
#endif /* ENI_SYS_MOCK_H */
