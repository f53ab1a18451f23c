/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "journal.h"

#include <string.h>

#include "ctx_internal.h"
#include "util/hash.h"

int eni__journal_attach(eni_ctx *ctx)
{
    struct eni_journal *j = eni__calloc(ctx, 1, sizeof *j);
    if (!j)
        return ENI_ENOMEM;
    ctx->journal = j;
    return ENI_OK;
}

void eni__journal_detach(eni_ctx *ctx)
{
    struct eni_journal *j = ctx->journal;
    if (!j)
        return;
    eni__free(ctx, j->ids);
    eni__free(ctx, j->set);
    eni__free(ctx, j);
    ctx->journal = NULL;
}

static uint32_t home(uint64_t id, uint32_t cap2)
{
    return (uint32_t)(eni__hash_u64(id, 0) & (cap2 - 1));
}

void eni__journal_reset(eni_ctx *ctx)
{
    struct eni_journal *j = ctx->journal;
    if (!j || (j->n == 0 && !j->overflow))
        return;
    if (j->set && (j->overflow || (uint64_t)j->n * 8 > j->cap2)) {
        memset(j->set, 0, (size_t)j->cap2 * sizeof *j->set);
    } else if (j->set) {
        /* The set holds exactly ids[0..n): clear those entries, not a table
         * as large as the largest batch ever was. (Clearing every entry
         * leaves no probe chain half-cut.) */
        for (uint32_t k = 0; k < j->n; k++)
            for (uint32_t i = home(j->ids[k], j->cap2);; i = (i + 1) & (j->cap2 - 1))
                if (j->set[i] == j->ids[k]) {
                    j->set[i] = 0;
                    break;
                }
    }
    j->n = 0;
    j->overflow = false;
}

/* Is id already in the set? If not, add it (room is there). */
static bool seen_or_add(struct eni_journal *j, uint64_t id)
{
    for (uint32_t i = home(id, j->cap2);; i = (i + 1) & (j->cap2 - 1)) {
        if (j->set[i] == id)
            return true;
        if (j->set[i] == 0) {
            j->set[i] = id;
            return false;
        }
    }
}

/* Double both arrays (the set stays at most half full). */
static bool grow(const eni_ctx *ctx, struct eni_journal *j)
{
    uint32_t cap = j->cap ? j->cap * 2 : 64;
    uint64_t *ids = eni__realloc_array(ctx, j->ids, cap, sizeof *ids);
    if (!ids)
        return false;
    j->ids = ids;
    uint64_t *set = eni__calloc(ctx, (size_t)cap * 2, sizeof *set);
    if (!set)
        return false; /* ids grew; cap stays, so the next touch tries again */
    eni__free(ctx, j->set);
    j->set = set;
    j->cap2 = cap * 2;
    j->cap = cap;
    for (uint32_t k = 0; k < j->n; k++)
        (void)seen_or_add(j, j->ids[k]);
    return true;
}

void eni__touch(const eni_ctx *ctx, uint64_t id)
{
    struct eni_journal *j = ctx->journal;
    if (!j || j->overflow || id == 0)
        return;
    if (j->n == j->cap && !grow(ctx, j)) {
        j->overflow = true;
        return;
    }
    if (!seen_or_add(j, id))
        j->ids[j->n++] = id;
}
