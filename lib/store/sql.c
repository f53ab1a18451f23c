/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
#include "sql.h"

#include "util/hash.h"

#include <string.h>

const char *eni__store_vfs = NULL;

uint64_t eni__row_sum(const void *p, size_t len, uint64_t key, uint64_t gen)
{
    return eni__hash64(p, len, key * 0x9e3779b97f4a7c15ull ^ gen);
}

bool eni__row_sum_strip(const void *p, size_t *len, uint64_t key, uint64_t gen)
{
    if (*len < 8)
        return false;
    const uint8_t *b = (const uint8_t *)p + *len - 8;
    uint64_t stored = 0;
    for (int i = 0; i < 8; i++)
        stored |= (uint64_t)b[i] << (8 * i);
    if (stored != eni__row_sum(p, *len - 8, key, gen))
        return false;
    *len -= 8;
    return true;
}

int eni__sql_fail(eni_ctx *ctx, int src, const char *what)
{
    struct eni_store *st = ctx->store;
    const char *msg = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(src);
    const char *path = st && st->path ? st->path : "?";
    int code;
    switch (src & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = ENI_EBUSY;
        msg = "another process or ctx has it open";
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
    case SQLITE_SCHEMA:
        code = ENI_ECORRUPT;
        break;
    case SQLITE_NOMEM:
        code = ENI_ENOMEM;
        break;
    default:
        code = ENI_EIO;
        break;
    }
    int os = st && st->db ? sqlite3_system_errno(st->db) : 0;
    return eni__fail_os(code, code == ENI_EIO ? os : 0, NULL, "state file %s: %s: %s", path,
                        what, msg);
}

int eni__sql_exec(struct eni_store *st, const char *sql)
{
    return sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int eni__sql_meta_get(eni_ctx *ctx, struct eni_store *st, const char *key, void **value,
                      size_t *len)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = ?1", -1, &q, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const void *p = sqlite3_column_blob(q, 0);
        size_t n = (size_t)sqlite3_column_bytes(q, 0);
        *value = eni__malloc(ctx, n ? n : 1);
        if (!*value) {
            rc = SQLITE_NOMEM;
        } else {
            if (n)
                memcpy(*value, p, n);
            *len = n;
            rc = SQLITE_OK;
        }
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_NOTFOUND;
    }
    sqlite3_finalize(q);
    return rc;
}

int eni__sql_meta_put(struct eni_store *st, const char *key, const void *value, size_t len)
{
    sqlite3_stmt *q = st->put_meta;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(q, 2, value, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
