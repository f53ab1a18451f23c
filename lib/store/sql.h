/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What the store files share: the open database, its prepared statements,
 * and the mapping from SQLite's result codes to libeni's. */
#ifndef ENI_STORE_SQL_H
#define ENI_STORE_SQL_H

#include <sqlite3.h>

#include "codec.h"
#include "store.h"

struct eni_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *put_slot;  /* (key, gen, data) */
    sqlite3_stmt *put_meta;  /* (key, value) */
    sqlite3_stmt *get_slot;  /* data, gen by key (eni_ctx_check) */
    sqlite3_stmt *begin, *commit, *rollback; /* prepared once: a commit parses nothing */
    uint64_t model_hash;     /* of the model row the file holds (0: unknown) */
    struct enc enc;          /* reused row buffer */
    /* Per kind and slot, a hash of the row the file holds (0: none): a
     * call that only looked an object up leaves its row as it was, and
     * the commit skips it instead of rewriting the same bytes. */
    uint64_t *row_hash[ENI__KIND_COUNT];
    uint32_t row_hash_cap[ENI__KIND_COUNT];
    struct eni_store_stats stats;
    bool sums;               /* the file's rows end in a checksum (schema 2 on) */
};

/* A row's checksum, appended to it (schema 2): the xxh3 of its bytes keyed
 * by what the row is (its key and generation), so a flipped bit, a row
 * moved to another key, or a changed generation is damage. */
uint64_t eni__row_sum(const void *p, size_t len, uint64_t key, uint64_t gen);
/* Check and strip the sum of a row read back: false when it is wrong or
 * missing (then *len is unchanged). */
bool eni__row_sum_strip(const void *p, size_t *len, uint64_t key, uint64_t gen);

/* The VFS new files are opened through (NULL: SQLite's default); the
 * fault sweeps point it at the failing one (fault_vfs.h). */
extern const char *eni__store_vfs;

/* Record a failure of `what` with SQLite's own message; returns the libeni
 * code for SQLite's result `src`: ENI_EBUSY (held elsewhere), ENI_ECORRUPT
 * (damaged or not a database), ENI_ENOMEM, or ENI_EIO. */
int eni__sql_fail(eni_ctx *ctx, int src, const char *what);
/* Run one statement without results. SQLite's result code. */
int eni__sql_exec(struct eni_store *st, const char *sql);
/* One meta row into *value (ctx-allocated, *len bytes): SQLITE_OK,
 * SQLITE_NOTFOUND when absent, or an error. */
int eni__sql_meta_get(eni_ctx *ctx, struct eni_store *st, const char *key, void **value,
                      size_t *len);
int eni__sql_meta_put(struct eni_store *st, const char *key, const void *value, size_t len);

/* Flows (store_flows.c): put the saved ones back, then forget them. */
int eni__store_restore_flows(eni_ctx *ctx);

#endif
