/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The state file's calls (eni/state.h): composition, because they join the
 * store, the evaluator's flows and the attach machine. */
#include <string.h>

#include "attach/attach_internal.h"
#include "compose.h"
#include "eni/state.h"
#include "model/model.h"
#include "store/store.h"
#include "util/abi_struct.h"

#define STATE_INFO_FIRST_LAYOUT sizeof(eni_state_info)
enum { BATCH_MAX = 65535 };

int eni_ctx_get_state_info(eni_ctx *ctx, eni_state_info *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_get_state_info: %s is NULL",
                         ctx ? "out" : "ctx");
    uint32_t size = out->size;
    eni_state_info info;
    memset(&info, 0, sizeof info);
    info.size = sizeof info;
    info.library_schema = ENI__STORE_SCHEMA;
    eni__lock(ctx);
    if (ctx->store) {
        struct eni_store_stats st;
        eni__store_stats(ctx, &st);
        info.flags = ENI_STATE_OPEN | (st.broken ? ENI_STATE_BROKEN : 0u);
        info.schema = st.schema;
        info.objects_loaded = st.objects_loaded;
        info.flows_loaded = st.flows_loaded;
        info.commits = st.commits;
        info.rows_written = st.rows_written;
    }
    info.flags |= (ctx->batch_depth ? ENI_STATE_BATCH : 0u) |
                  (ctx->reconcile_pending ? ENI_STATE_RECONCILE : 0u);
    eni__unlock(ctx);
    if (!eni__struct_copy_out(out, size, &info, sizeof info, STATE_INFO_FIRST_LAYOUT))
        return eni__fail(ENI_EINVAL, NULL,
                         "eni_ctx_get_state_info: out->size %u is not accepted (set it with "
                         "ENI_STATE_INFO_INIT)", size);
    return ENI_OK;
}

int eni_ctx_save_flows(eni_ctx *ctx, uint64_t now_ns, uint64_t *saved)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_save_flows: ctx is NULL");
    eni__lock(ctx);
    int rc = ctx->store ? eni__store_save_flows(ctx, now_ns, saved)
                        : eni__fail(ENI_EINVAL, NULL, "eni_ctx_save_flows: the ctx has no state "
                                    "file (eni_ctx_opts::state_path)");
    if (rc == ENI_OK)
        ctx->flows_saved_ns = eni__now_ns();
    eni__unlock(ctx);
    return rc;
}

int eni_ctx_batch_begin(eni_ctx *ctx)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_batch_begin: ctx is NULL");
    eni__lock(ctx);
    int rc = ENI_OK;
    if (ctx->batch_depth == BATCH_MAX)
        rc = eni__fail(ENI_ELIMIT, NULL, "eni_ctx_batch_begin: %d batches are open", BATCH_MAX);
    else
        eni__ctx_batch_open_locked(ctx);
    eni__unlock(ctx);
    return rc;
}

int eni_ctx_batch_end(eni_ctx *ctx)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_batch_end: ctx is NULL");
    eni__lock(ctx);
    int rc = ENI_OK;
    if (!ctx->batch_depth) {
        rc = eni__fail(ENI_ESTATE, NULL, "eni_ctx_batch_end: no batch is open");
    } else {
        rc = eni__ctx_batch_close_locked(ctx);
    }
    eni__unlock(ctx);
    return rc;
}

void eni__ctx_batch_open_locked(eni_ctx *ctx)
{
    if (ctx->batch_depth++ == 0)
        ctx->batch_version = ctx->model->version;
}

int eni__ctx_batch_close_locked(eni_ctx *ctx)
{
    if (--ctx->batch_depth != 0 || !ctx->store)
        return ENI_OK;
    if (ctx->model->version == ctx->batch_version) {
        eni__held_events_release(ctx, true); /* nothing changed: nothing to commit */
        return ENI_OK;
    }
    int rc = eni__store_commit_now(ctx);
    if (rc != ENI_OK)
        ctx->commit_error = rc; /* memory goes back to the file at unlock */
    eni__held_events_release(ctx, rc == ENI_OK); /* never seen if undone */
    return rc;
}

int eni__ctx_reconcile_locked(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back)
{
    uint32_t c = 0, r = 0;
    int rc = ENI_OK;
    if (ctx->reconcile_pending) {
        rc = eni__attach_reconcile(ctx, &c, &r);
        if (rc == ENI_OK) {
            ctx->reconcile_pending = false;
            if (c || r)
                eni__log(ctx, ENI_LOG_INFO, "after the restart: %u attachment%s completed, %u "
                         "rolled back", c, c == 1 ? "" : "s", r);
        }
    }
    if (completed)
        *completed = c;
    if (rolled_back)
        *rolled_back = r;
    return rc;
}

int eni_ctx_reconcile(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_ctx_reconcile: ctx is NULL");
    eni__lock(ctx);
    eni__ctx_batch_open_locked(ctx); /* every outcome in one commit, as a poll does */
    bool pending = ctx->reconcile_pending;
    int rc = eni__ctx_reconcile_locked(ctx, completed, rolled_back);
    int crc = eni__ctx_batch_close_locked(ctx);
    if (crc != ENI_OK)
        ctx->reconcile_pending = pending; /* undone at unlock: still to settle */
    if (rc == ENI_OK)
        rc = crc;
    eni__unlock(ctx);
    return rc;
}

void eni__ctx_checkpoint_flows(eni_ctx *ctx)
{
    if (!ctx->store || !ctx->opts.flow_checkpoint_ms)
        return;
    uint64_t now = eni__now_ns();
    if (now - ctx->flows_saved_ns < (uint64_t)ctx->opts.flow_checkpoint_ms * 1000000u)
        return;
    ctx->flows_saved_ns = now;
    if (eni__store_save_flows(ctx, 0, NULL) != ENI_OK)
        eni__log(ctx, ENI_LOG_WARN, "flow checkpoint failed: %s", eni_error_last()->message);
}
