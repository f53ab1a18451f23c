/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Built without SQLite (-Dstore=disabled): a state file is not supported,
 * and nothing else changes. */
#include <string.h>

#include "store.h"

int eni__store_attach(eni_ctx *ctx, const char *path)
{
    (void)ctx;
    return eni__fail(ENI_ENOTSUP, NULL,
                     "state file %s: this libeni was built without SQLite (-Dstore)", path);
}

void eni__store_detach(eni_ctx *ctx, bool save_flows)
{
    (void)ctx;
    (void)save_flows;
}

int eni__store_save_flows(eni_ctx *ctx, uint64_t now, uint64_t *saved)
{
    (void)ctx;
    (void)now;
    (void)saved;
    return eni__fail(ENI_ENOTSUP, NULL, "this libeni was built without SQLite (-Dstore)");
}

void eni__store_stats(const eni_ctx *ctx, struct eni_store_stats *out)
{
    (void)ctx;
    memset(out, 0, sizeof *out);
}

int eni__store_commit_now(eni_ctx *ctx)
{
    (void)ctx;
    return ENI_OK;
}
