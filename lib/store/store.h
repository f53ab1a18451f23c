/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The durable model (docs/persistence.md): a SQLite file in WAL mode that
 * holds one row per registry slot, the model's counters and quotas, and the
 * flows a graceful stop handed over. lib/ctx attaches it; the model never
 * calls it (it reaches the store through the ctx's commit hooks). */
#ifndef ENI_STORE_STORE_H
#define ENI_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ctx_internal.h"

/* The schema this library writes, and the oldest it can upgrade. */
enum { ENI__STORE_SCHEMA = 2, ENI__STORE_SCHEMA_OLDEST = 1 };
/* PRAGMA application_id of a libeni state file: "ENI1". */
#define ENI__STORE_APP_ID 0x454e4931

/* Open or create the file, take it for this process, load the model it
 * holds into ctx (whose model must be empty), restore the flows it holds,
 * and install the commit hooks. Records the error: ENI_EIO, ENI_ECORRUPT,
 * ENI_EVERSION (a newer schema; the file is not touched), ENI_EBUSY (another
 * ctx or process has it), ENI_ENOMEM, ENI_ENOTSUP (built without SQLite).
 * On failure nothing is left attached and the model is empty. */
int eni__store_attach(eni_ctx *ctx, const char *path);
/* Hand the flows over (when save_flows), close the file, remove the hooks. */
void eni__store_detach(eni_ctx *ctx, bool save_flows);

/* Every interface's live flows (those not expired at now; 0: all) and
 * conntrack counters into the file, replacing what it held. ENI_OK or the
 * recorded error; *saved (may be NULL) gets the number of flows. */
int eni__store_save_flows(eni_ctx *ctx, uint64_t now, uint64_t *saved);

/* What eni_ctx_get_state_info reports. */
struct eni_store_stats {
    uint32_t schema;          /* of the file as opened (before any upgrade) */
    uint64_t objects_loaded;
    uint64_t flows_loaded;
    uint64_t commits;
    uint64_t rows_written;
    bool broken;              /* memory could not be put back after a failed commit */
};
void eni__store_stats(const eni_ctx *ctx, struct eni_store_stats *out);

/* The commit of a batch (eni_ctx_batch_end): what the journal holds. */
int eni__store_commit_now(eni_ctx *ctx);

#endif
