/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/state.h
 * @brief The durable model: a state file that survives the agent's restart.
 *
 * A ctx created with eni_ctx_opts::state_path commits every accepted
 * mutation to that file before the call returns, and a ctx created on an
 * existing file starts with the model it holds: the same objects, ids and id
 * strings (docs/persistence.md). A call the file refuses (disk full, I/O
 * error) fails with ::ENI_EIO and changes nothing, in memory or in the file.
 *
 * Tracked flows are handed over at a graceful stop (eni_ctx_free(), or
 * eni_ctx_save_flows() before an upgrade) and, with
 * eni_ctx_opts::flow_checkpoint_ms, checkpointed by eni_ctx_poll() for
 * crashes; the next ctx puts them back, so an established flow's next packet
 * is still ::ENI_REASON_TRACKED.
 *
 * Attachments that were attaching or detaching when the process stopped are
 * settled with the backend after a restart: eni_ctx_set_backend() may be
 * called once despite the restored attachments, and the next eni_ctx_poll()
 * (or eni_ctx_reconcile()) completes or rolls back each one.
 *
 * @defgroup eni_state Durable state
 * @{
 */
#ifndef ENI_STATE_H
#define ENI_STATE_H

#include "common.h"
#include "ctx.h"

/** @brief Bits of eni_state_info::flags. */
typedef enum eni_state_flag {
    ENI_STATE_OPEN = 1u << 0,     /**< The ctx has a state file. */
    ENI_STATE_BATCH = 1u << 1,    /**< A batch is open (eni_ctx_batch_begin()). */
    ENI_STATE_BROKEN = 1u << 2,   /**< A failed commit could not be undone: the ctx writes nothing more. */
    ENI_STATE_RECONCILE = 1u << 3 /**< Attachments came from the file and no poll or eni_ctx_reconcile() has settled them with a backend yet (also set when none was in flight). */
} eni_state_flag;

/** @brief What eni_ctx_get_state_info() reports. */
typedef struct eni_state_info {
    uint32_t size;            /**< sizeof as the caller knows it; set before the call. */
    uint32_t flags;           /**< ::eni_state_flag bits. */
    uint32_t schema;          /**< The file's schema version when it was opened (0: no file). */
    uint32_t library_schema;  /**< The schema this library writes (older files are upgraded when opened). */
    uint64_t objects_loaded;  /**< Objects the file held when the ctx was created. */
    uint64_t flows_loaded;    /**< Flows put back when the ctx was created. */
    uint64_t commits;         /**< Transactions committed since. */
    uint64_t rows_written;    /**< Object rows written since. */
} eni_state_info;

/** Initializer for ::eni_state_info: sets `size`, zeroes the rest. */
#define ENI_STATE_INFO_INIT { sizeof(eni_state_info), 0, 0, 0, 0, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief Describe the ctx's state file.
 * @param[in]  ctx The context.
 * @param[out] out Receives the description; its `size` must be set. A ctx
 *                 without a state file reports flags 0 and schema 0.
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL argument or a `size` below the
 *         first layout.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_ctx_get_state_info(eni_ctx *ctx, eni_state_info *out);

/**
 * @brief Hand the tracked flows over now: every interface's live flows and
 * conntrack counters go into the state file, replacing what it held.
 *
 * eni_ctx_free() does this itself; call it before a stop that does not go
 * through eni_ctx_free(), or from a timer to bound what a crash loses
 * (eni_ctx_opts::flow_checkpoint_ms does the same from eni_ctx_poll()).
 *
 * @param[in]  ctx    The context.
 * @param[in]  now_ns The caller's clock, as given to eni_eval_burst(): flows
 *                    already idle past their timeout are left out; 0 saves
 *                    every flow.
 * @param[out] saved  Receives the number of flows saved; may be NULL.
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL @p ctx or a ctx without a state
 *         file; ::ENI_EIO when the file refused the write (the flows it held
 *         are kept); ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety any (the packet path may run meanwhile: flows created
 *               during the call may be left out)
 */
ENI_API int eni_ctx_save_flows(eni_ctx *ctx, uint64_t now_ns, uint64_t *saved);

/**
 * @brief Open a batch: mutations until eni_ctx_batch_end() are committed to
 * the state file together, in one transaction.
 *
 * Batches nest; the outermost end commits. Until then the calls apply in
 * memory (the packet path sees each one) and the file holds the state
 * before the batch, so a crash inside a batch loses all of it. Events the
 * batch's calls cause (other than user events) are held and delivered only
 * once it commits. A batch left open at eni_ctx_free() is committed. A ctx
 * without a state file accepts batches and commits nothing.
 *
 * @param[in] ctx The context.
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL @p ctx; ::ENI_ELIMIT past
 *         65535 nested batches.
 * @since 1.0
 * @threadsafety any (the batch is the ctx's, not the thread's: other
 *               threads' mutations join it)
 */
ENI_API int eni_ctx_batch_begin(eni_ctx *ctx);

/**
 * @brief Close a batch; the outermost one commits everything it changed.
 * @param[in] ctx The context.
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL @p ctx; ::ENI_ESTATE when no
 *         batch is open; ::ENI_EIO when the file refused the commit: then
 *         memory goes back to what the file holds, the state before the
 *         batch, and every call of the batch is undone.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_ctx_batch_end(eni_ctx *ctx);

/**
 * @brief Settle the attachments a restart left attaching or detaching with
 * the backend now set: an attach whose device is there completes, one whose
 * device is not is rolled back; a detach whose device is gone (or that was
 * forced) completes, one whose device is still there leaves the interface
 * attached. Each outcome posts its usual event. The first eni_ctx_poll()
 * after a restart does this by itself.
 * @param[in]  ctx         The context.
 * @param[out] completed   Receives how many completed; may be NULL.
 * @param[out] rolled_back Receives how many were rolled back; may be NULL.
 * @return ::ENI_OK (also when nothing waited); ::ENI_EINVAL for a NULL
 *         @p ctx; ::ENI_EIO when the state file refused an outcome.
 * @since 1.0
 * @threadsafety any
 */
ENI_API int eni_ctx_reconcile(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back);

ENI_END_DECLS

/** @} */
#endif /* ENI_STATE_H */
