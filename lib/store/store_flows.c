/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Flows across a restart: at a graceful stop (or a checkpoint) each
 * interface's live flows and its conntrack counter go into the flows table,
 * one row per interface; the next process puts them back into its own
 * tables and forgets the rows, so an old hand-over is never replayed.
 *
 * A row: format (1), allowance_exceeded, the interface's own allowance (0:
 * the instance's budget), the count, then per flow its key words (1 or 4),
 * protocol, ports, state bits, packets and expiry (the caller's clock);
 * last, the row's checksum (eni__row_sum). */
#include <string.h>

#include "eval/eval_internal.h"
#include "model/model.h"
#include "sql.h"

enum { FLOW_FORMAT = 1, FLOW_MAX = 1u << 26 };

struct save_ctx {
    struct enc *e;
    uint32_t n;
};

static bool save_one(const struct eni_flow_rec *r, void *ud)
{
    struct save_ctx *s = ud;
    struct enc *e = s->e;
    eni__enc_u8(e, r->words);
    eni__enc_u8(e, r->proto);
    eni__enc_u32(e, r->ports);
    eni__enc_u32(e, r->meta);
    eni__enc_u32(e, r->pkts);
    eni__enc_u64(e, r->expires);
    for (unsigned w = 0; w < r->words; w++)
        eni__enc_u64(e, r->key[w]);
    s->n++;
    return !e->oom;
}

/* One interface's row; the count is patched in once it is known. */
static void encode_nic(struct eni_nic_dp *dp, const struct eni_nic *nic, uint64_t now,
                       struct enc *e, uint32_t *n)
{
    e->len = 0;
    eni__enc_u32(e, FLOW_FORMAT);
    eni__enc_u64(e, atomic_load_explicit(&dp->allowance_exceeded, memory_order_relaxed));
    eni__enc_u32(e, nic->conntrack_allowance);
    size_t count_at = e->len;
    eni__enc_u32(e, 0);
    struct save_ctx s = {e, 0};
    (void)eni__flows_export(dp, now, save_one, &s);
    if (!e->oom)
        for (int i = 0; i < 4; i++)
            e->p[count_at + i] = (uint8_t)(s.n >> (8 * i));
    eni__enc_u64(e, eni__row_sum(e->p, e->len, dp->nic, FLOW_FORMAT));
    *n = s.n;
}

int eni__store_save_flows(eni_ctx *ctx, uint64_t now, uint64_t *saved)
{
    struct eni_store *st = ctx->store;
    sqlite3_stmt *put = NULL;
    uint64_t total = 0;
    int rc = eni__sql_exec(st, "BEGIN");
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, "DELETE FROM flows");
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "INSERT INTO flows (nic, data) VALUES (?1, ?2)", -1, &put,
                                NULL);
    for (struct eni_nic_dp *dp = ctx->eval->dps; dp && rc == SQLITE_OK; dp = dp->next) {
        struct eni_nic *nic;
        if (eni__registry_peek(ctx, ENI_KIND_NIC, dp->nic, (void **)&nic) != ENI_OK)
            continue; /* state the evaluator still holds for a deleted interface */
        uint32_t n;
        encode_nic(dp, nic, now, &st->enc, &n);
        if (st->enc.oom) {
            st->enc.oom = false;
            rc = SQLITE_NOMEM;
            break;
        }
        if (n == 0 && atomic_load(&dp->allowance_exceeded) == 0)
            continue;
        total += n;
        sqlite3_bind_int64(put, 1, (sqlite3_int64)dp->nic);
        sqlite3_bind_blob(put, 2, st->enc.p, (int)st->enc.len, SQLITE_STATIC);
        rc = sqlite3_step(put);
        sqlite3_reset(put);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(put);
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, "COMMIT");
    if (rc != SQLITE_OK) {
        int out = eni__sql_fail(ctx, rc, "cannot save the flows");
        if (!sqlite3_get_autocommit(st->db))
            (void)eni__sql_exec(st, "ROLLBACK");
        return out;
    }
    if (saved)
        *saved = total;
    return ENI_OK;
}

/* One interface's row back into its tables. */
static int restore_nic(eni_ctx *ctx, struct eni_store *st, uint64_t nic, const void *p,
                       size_t len)
{
    if (!eni__row_sum_strip(p, &len, nic, FLOW_FORMAT))
        return ENI_ECORRUPT;
    struct dec d;
    eni__dec_init(&d, p, len);
    uint32_t format = eni__dec_u32(&d);
    uint64_t exceeded = eni__dec_u64(&d);
    uint32_t ceiling = eni__dec_u32(&d);
    uint32_t n = eni__dec_count(&d, 25, FLOW_MAX);
    if (d.bad || format != FLOW_FORMAT || ceiling > ENI_CONNTRACK_ALLOWANCE_MAX)
        return ENI_ECORRUPT;
    /* (The row's allowance is informational: the model holds the setting.) */
    struct eni_nic_dp *dp;
    if (eni__eval_dp_get(ctx, nic, &dp) != ENI_OK)
        return ENI_ENOMEM;
    atomic_store(&dp->allowance_exceeded, exceeded);
    for (uint32_t i = 0; i < n; i++) {
        struct eni_flow_rec r;
        memset(&r, 0, sizeof r);
        r.words = eni__dec_u8(&d);
        r.proto = eni__dec_u8(&d);
        r.ports = eni__dec_u32(&d);
        r.meta = eni__dec_u32(&d);
        r.pkts = eni__dec_u32(&d);
        r.expires = eni__dec_u64(&d);
        if (r.words != 1 && r.words != 4)
            d.bad = true;
        for (unsigned w = 0; w < r.words && !d.bad; w++)
            r.key[w] = eni__dec_u64(&d);
        if (d.bad)
            return ENI_ECORRUPT;
        /* now 0: every saved flow goes back; it idles out against the
         * caller's clock at its next packet, like any other. */
        int rc = eni__flows_import(ctx, dp, &r, 0);
        if (rc == ENI_ELIMIT)
            continue; /* a smaller allowance now: the rest are new flows again */
        if (rc != ENI_OK)
            return rc;
        st->stats.flows_loaded++;
    }
    return eni__dec_done(&d) ? ENI_OK : ENI_ECORRUPT;
}

int eni__store_restore_flows(eni_ctx *ctx)
{
    struct eni_store *st = ctx->store;
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(st->db, "SELECT nic, data FROM flows ORDER BY nic", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot read the flows");
    int out = ENI_OK;
    bool any = false;
    while (out == ENI_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        any = true;
        uint64_t nic = (uint64_t)sqlite3_column_int64(q, 0);
        void *obj;
        if (eni__registry_peek(ctx, ENI_KIND_NIC, nic, &obj) != ENI_OK) {
            /* Checkpointed, then the interface was deleted before a crash. */
            eni__log(ctx, ENI_LOG_INFO, "state file %s: flows of a deleted interface dropped",
                     st->path);
            continue;
        }
        out = restore_nic(ctx, st, nic, sqlite3_column_blob(q, 1),
                          (size_t)sqlite3_column_bytes(q, 1));
        if (out == ENI_ECORRUPT)
            out = eni__fail(out, NULL, "state file %s: the flows of an interface are damaged",
                            st->path);
        else if (out != ENI_OK)
            out = eni__fail(out, NULL, "state file %s: out of memory restoring flows", st->path);
    }
    if (out == ENI_OK && rc != SQLITE_DONE)
        out = eni__sql_fail(ctx, rc, "cannot read the flows");
    sqlite3_finalize(q);
    if (out == ENI_OK && any) {
        eni__conntrack_rebalance(ctx, 0);
        rc = eni__sql_exec(st, "DELETE FROM flows"); /* handed over: never replayed */
        if (rc != SQLITE_OK)
            out = eni__sql_fail(ctx, rc, "cannot clear the flows it handed over");
    }
    return out;
}
