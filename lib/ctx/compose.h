/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Shared by the files of lib/ctx (composition). */
#ifndef ENI_CTX_COMPOSE_H
#define ENI_CTX_COMPOSE_H

#include <stdbool.h>

#include "core/ctx_internal.h"

/* Take every layer down and free the ctx (what eni_ctx_free does when it
 * may act at once). */
void eni__ctx_destroy(eni_ctx *ctx);

/* Is this thread running one of ctx's eni_ctx_poll callbacks? */
bool eni__ctx_in_poll_callback(const eni_ctx *ctx);

/* The state file's share of a poll (state.c), under the ctx lock: settle
 * restored attachments, and checkpoint the flows when it is time. */
int eni__ctx_reconcile_locked(eni_ctx *ctx, uint32_t *completed, uint32_t *rolled_back);
/* Close one level of batch (ctx->batch_depth > 0); the outermost commits,
 * and posts or drops what the batch held. ENI_OK or the commit's error. */
int eni__ctx_batch_close_locked(eni_ctx *ctx);
void eni__ctx_batch_open_locked(eni_ctx *ctx);
void eni__ctx_checkpoint_flows(eni_ctx *ctx);

#endif
