/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The state file: opening it, loading the model from it, committing each
 * change, and putting memory back when a commit fails.
 *
 * Layout (schema 2): meta(key, value) holds the seed, the model's counters
 * and quotas, and the live count per kind; slots(key, gen, data) holds one
 * row per registry slot a committed call handed out, key = kind << 32 |
 * slot, data the object's row (objects.c) or NULL for a free slot;
 * flows(nic, data) holds what a graceful stop handed over (store_flows.c).
 * Every row ends in its checksum (sql.h). Schema 1 had no flows table, no
 * checksums and no interface allowance; it is rewritten as 2 when opened. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "eval/eval_internal.h"
#include "model/model.h"
#include "objects.h"
#include "rebuild.h"
#include "sql.h"
#include "util/hash.h"

static const char *const schema_sql =
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE slots (key INTEGER PRIMARY KEY, gen INTEGER NOT NULL, data BLOB);"
    "CREATE TABLE flows (nic INTEGER PRIMARY KEY, data BLOB NOT NULL);";

/* ---- the model's own row ------------------------------------------------- */

enum { QUOTA_FIELDS = 9 };

static void encode_model(const eni_ctx *ctx, struct enc *e)
{
    const struct eni_model *m = ctx->model;
    const eni_quotas *q = &m->quotas;
    eni__enc_u64(e, m->version);
    eni__enc_u64(e, m->mac_counter);
    eni__enc_u32(e, m->public_cursor);
    eni__enc_u32(e, m->v6_vpc_counter);
    const uint32_t quotas[QUOTA_FIELDS] = {
        q->eips, q->nics, q->security_groups, q->rules_per_group, q->groups_per_nic,
        q->acl_rules, q->acls_per_vpc, q->cidr_blocks_per_vpc, q->ipv6_cidr_blocks_per_vpc};
    eni__enc_u32(e, QUOTA_FIELDS);
    for (unsigned i = 0; i < QUOTA_FIELDS; i++)
        eni__enc_u32(e, quotas[i]);
    eni__enc_u32(e, ENI__KIND_COUNT);
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++)
        eni__enc_u32(e, eni__registry_live(ctx, k));
}

/* The counters and quotas into the (reset) model; the live counts for the
 * caller to compare with what the slots hold. */
static bool decode_model(eni_ctx *ctx, const void *p, size_t len, uint32_t *live)
{
    struct eni_model *m = ctx->model;
    eni_quotas *q = &m->quotas;
    struct dec d;
    eni__dec_init(&d, p, len);
    m->version = eni__dec_u64(&d);
    m->mac_counter = eni__dec_u64(&d);
    m->public_cursor = eni__dec_u32(&d);
    m->v6_vpc_counter = eni__dec_u32(&d);
    /* A later schema may append quotas: read those this one knows. */
    uint32_t n = eni__dec_count(&d, 4, 64);
    uint32_t v[QUOTA_FIELDS] = {0};
    for (uint32_t i = 0; i < n; i++) {
        uint32_t x = eni__dec_u32(&d);
        if (i < QUOTA_FIELDS)
            v[i] = x;
    }
    if (n < QUOTA_FIELDS)
        d.bad = true;
    q->eips = v[0];
    q->nics = v[1];
    q->security_groups = v[2];
    q->rules_per_group = v[3];
    q->groups_per_nic = v[4];
    q->acl_rules = v[5];
    q->acls_per_vpc = v[6];
    q->cidr_blocks_per_vpc = v[7];
    q->ipv6_cidr_blocks_per_vpc = v[8];
    if (eni__dec_count(&d, 4, ENI__KIND_COUNT) != ENI__KIND_COUNT)
        d.bad = true;
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++)
        live[k] = eni__dec_u32(&d);
    return eni__dec_done(&d) && m->public_cursor < ENI__PUBLIC_POOL_SIZE;
}

/* ---- writing ------------------------------------------------------------------ */

/* The hash of a slot's row: its generation, whether it holds an object,
 * and the bytes (never 0, which means "no row"). */
static uint64_t row_hash(uint32_t gen, const struct enc *e, bool live)
{
    uint64_t h = eni__hash64(live ? e->p : NULL, live ? e->len : 0, (uint64_t)gen << 1 | live);
    return h ? h : 1;
}

/* Room for the hash of (kind, slot); NULL when memory ran out (then the
 * row is simply written). */
static uint64_t *hash_slot(eni_ctx *ctx, struct eni_store *st, unsigned kind, uint32_t slot)
{
    if (slot >= st->row_hash_cap[kind]) {
        uint32_t cap = st->row_hash_cap[kind] ? st->row_hash_cap[kind] : 64;
        while (cap <= slot)
            cap *= 2;
        uint64_t *v = eni__realloc_array(ctx, st->row_hash[kind], cap, sizeof *v);
        if (!v)
            return NULL;
        memset(v + st->row_hash_cap[kind], 0, (size_t)(cap - st->row_hash_cap[kind]) * sizeof *v);
        st->row_hash[kind] = v;
        st->row_hash_cap[kind] = cap;
    }
    return &st->row_hash[kind][slot];
}

static void forget_hashes(eni_ctx *ctx, struct eni_store *st)
{
    st->model_hash = 0;
    for (unsigned k = 0; k < ENI__KIND_COUNT; k++) {
        eni__free(ctx, st->row_hash[k]);
        st->row_hash[k] = NULL;
        st->row_hash_cap[k] = 0;
    }
}

/* A live slot's row: the object's bytes and their checksum. */
static void encode_row(const eni_ctx *ctx, unsigned kind, uint32_t slot, const struct eni_slot *s,
                       struct enc *e)
{
    e->len = 0;
    eni__obj_encode(ctx, kind, eni__id_make(kind, s->gen, slot), s->obj, e);
    uint64_t key = (uint64_t)kind << 32 | slot;
    eni__enc_u64(e, eni__row_sum(e->p, e->len, key, s->gen));
}

static int put_slot(eni_ctx *ctx, struct eni_store *st, unsigned kind, uint32_t slot)
{
    const struct eni_slot_map *map = &ctx->registry.kinds[kind];
    if (slot >= map->len)
        return SQLITE_OK; /* an id this registry never handed out: nothing to write */
    const struct eni_slot *s = &map->slots[slot];
    st->enc.len = 0;
    if (s->obj) {
        encode_row(ctx, kind, slot, s, &st->enc);
        if (st->enc.oom) {
            st->enc.oom = false;
            return SQLITE_NOMEM;
        }
    }
    uint64_t h = row_hash(s->gen, &st->enc, s->obj != NULL);
    uint64_t *known = hash_slot(ctx, st, kind, slot);
    if (known && *known == h)
        return SQLITE_OK; /* the file holds these very bytes */
    sqlite3_stmt *q = st->put_slot;
    sqlite3_bind_int64(q, 1, (sqlite3_int64)((uint64_t)kind << 32 | slot));
    sqlite3_bind_int64(q, 2, s->gen);
    if (s->obj) {
        sqlite3_bind_blob(q, 3, st->enc.p ? (const void *)st->enc.p : (const void *)"", (int)st->enc.len,
                          SQLITE_STATIC);
    } else {
        sqlite3_bind_null(q, 3);
    }
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return rc;
    st->stats.rows_written++;
    if (known)
        *known = h; /* if the transaction fails, memory and hashes are reloaded */
    return SQLITE_OK;
}

/* The keys the meta rows' checksums are taken under. */
#define MODEL_ROW_KEY 0x6d6f64656cull /* "model" */
#define SEED_ROW_KEY 0x73656564ull      /* "seed" */

static int put_seed(eni_ctx *ctx, struct eni_store *st)
{
    st->enc.len = 0;
    eni__enc_u64(&st->enc, ctx->opts.seed);
    eni__enc_u64(&st->enc, eni__row_sum(st->enc.p, st->enc.len, SEED_ROW_KEY, 0));
    if (st->enc.oom) {
        st->enc.oom = false;
        return SQLITE_NOMEM;
    }
    return eni__sql_meta_put(st, "seed", st->enc.p, st->enc.len);
}

static int put_model(eni_ctx *ctx, struct eni_store *st)
{
    st->enc.len = 0;
    encode_model(ctx, &st->enc);
    eni__enc_u64(&st->enc, eni__row_sum(st->enc.p, st->enc.len, MODEL_ROW_KEY, 0));
    if (st->enc.oom) {
        st->enc.oom = false;
        return SQLITE_NOMEM;
    }
    /* The change counter is in it, so it differs after every change that
     * went through eni__model_changed; a batch's reads may leave it be. */
    uint64_t h = eni__hash64(st->enc.p, st->enc.len, 0) | 1;
    if (h == st->model_hash)
        return SQLITE_OK;
    int rc = eni__sql_meta_put(st, "model", st->enc.p, st->enc.len);
    if (rc == SQLITE_OK)
        st->model_hash = h; /* a failed transaction reloads, and forgets it */
    return rc;
}

/* A prepared transaction statement: SQLite's result code. */
static int step_once(sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Everything the journal holds (or every slot, if it overflowed). */
static int write_touched(eni_ctx *ctx, struct eni_store *st)
{
    const struct eni_journal *j = ctx->journal;
    int rc = SQLITE_OK;
    if (j->overflow) {
        for (unsigned k = 1; k < ENI__KIND_COUNT && rc == SQLITE_OK; k++)
            for (uint32_t i = 0; i < ctx->registry.kinds[k].len && rc == SQLITE_OK; i++)
                rc = put_slot(ctx, st, k, i);
    } else {
        for (uint32_t i = 0; i < j->n && rc == SQLITE_OK; i++)
            rc = put_slot(ctx, st, eni__id_kind(j->ids[i]), eni__id_slot(j->ids[i]));
    }
    return rc == SQLITE_OK ? put_model(ctx, st) : rc;
}

int eni__store_commit_now(eni_ctx *ctx)
{
    struct eni_store *st = ctx->store;
    if (st->stats.broken)
        return eni__fail(ENI_EIO, NULL,
                         "state file %s: unusable since an earlier failure could not be undone; "
                         "nothing is written (free the ctx and open the file again)",
                         st->path);
    int rc = step_once(st->begin);
    if (rc == SQLITE_OK)
        rc = write_touched(ctx, st);
    if (rc == SQLITE_OK)
        rc = step_once(st->commit);
    if (rc != SQLITE_OK) {
        int failed = eni__sql_fail(ctx, rc, "cannot commit the change");
        if (!sqlite3_get_autocommit(st->db))
            (void)step_once(st->rollback);
        return failed;
    }
    st->stats.commits++;
    eni__journal_reset(ctx);
    return ENI_OK;
}

static int on_commit(eni_ctx *ctx)
{
    return eni__store_commit_now(ctx);
}

/* ---- loading ------------------------------------------------------------------- */

/* The model as a fresh one, before a load: no objects, no counters. */
static void reset_model(eni_ctx *ctx)
{
    eni__model_free_all(ctx);
    eni__registry_clear(ctx);
    struct eni_model *m = ctx->model;
    eni__free(ctx, m->public_bitmap);
    m->public_bitmap = NULL;
    m->public_used = 0;
}

static int load_slots(eni_ctx *ctx, struct eni_store *st)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(st->db, "SELECT key, gen, data FROM slots ORDER BY key", -1, &q,
                                NULL);
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot read the objects");
    int out = ENI_OK;
    while (out == ENI_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
        uint64_t key = (uint64_t)sqlite3_column_int64(q, 0);
        int64_t gen = sqlite3_column_int64(q, 1);
        unsigned kind = (unsigned)(key >> 32);
        uint32_t slot = (uint32_t)key;
        if (kind == 0 || kind >= ENI__KIND_COUNT || gen < 1 || gen > ENI__GEN_MAX) {
            out = eni__fail(ENI_ECORRUPT, NULL, "state file %s: a row with key 0x%llx is not one "
                            "libeni writes", st->path, (unsigned long long)key);
            break;
        }
        void *obj = NULL;
        struct eni_id_text text;
        bool has_text = false;
        if (sqlite3_column_type(q, 2) != SQLITE_NULL) {
            uint64_t id = eni__id_make(kind, (uint32_t)gen, slot);
            const void *row = sqlite3_column_blob(q, 2);
            size_t len = (size_t)sqlite3_column_bytes(q, 2);
            int drc = st->sums && !eni__row_sum_strip(row, &len, key, (uint64_t)gen)
                          ? ENI_ECORRUPT
                          : eni__obj_decode(ctx, kind, id, row, len, &obj, &text, &has_text);
            if (drc != ENI_OK) {
                out = drc == ENI_ENOMEM
                          ? eni__fail(drc, NULL, "state file %s: out of memory loading", st->path)
                          : eni__fail(drc, NULL, "state file %s: the %s in slot %u is damaged",
                                      st->path, eni__kind_info(kind)->name, slot);
                break;
            }
        }
        struct enc row = {.p = (uint8_t *)(uintptr_t)sqlite3_column_blob(q, 2),
                          .len = (size_t)sqlite3_column_bytes(q, 2)};
        uint64_t *known = hash_slot(ctx, st, kind, slot);
        if (known)
            *known = row_hash((uint32_t)gen, &row, sqlite3_column_type(q, 2) != SQLITE_NULL);
        int rrc = eni__registry_restore(ctx, kind, slot, (uint32_t)gen, obj);
        if (rrc != ENI_OK) {
            if (kind != ENI_KIND_EIP_ASSOC && obj)
                eni__model_free_object(ctx, kind, obj);
            out = rrc == ENI_ENOMEM
                      ? eni__fail(rrc, NULL, "state file %s: out of memory loading", st->path)
                      : eni__fail(ENI_ECORRUPT, NULL, "state file %s: %s slot %u is missing or "
                                  "out of place", st->path, eni__kind_info(kind)->name, slot);
            break;
        }
        uint64_t id = eni__id_make(kind, (uint32_t)gen, slot);
        if (has_text) {
            if (eni__alias_find_text(&ctx->registry.aliases, &text) ||
                eni__id_string_taken(ctx, id)) {
                out = eni__fail(ENI_ECORRUPT, NULL, "state file %s: an id string is given twice",
                                st->path);
            } else if (eni__alias_add(ctx, &ctx->registry.aliases, id, &text) != ENI_OK) {
                out = eni__fail(ENI_ENOMEM, NULL, "state file %s: out of memory loading",
                                st->path);
            }
        }
        st->stats.objects_loaded += obj != NULL;
    }
    if (out == ENI_OK && rc != SQLITE_DONE)
        out = eni__sql_fail(ctx, rc, "cannot read the objects");
    sqlite3_finalize(q);
    return out;
}

/* Memory from the file: the whole model, its counters and its ids. */
static int load(eni_ctx *ctx, struct eni_store *st)
{
    reset_model(ctx);
    forget_hashes(ctx, st);
    st->stats.objects_loaded = 0;
    void *blob = NULL;
    size_t len = 0;
    uint32_t live[ENI__KIND_COUNT];
    int rc = eni__sql_meta_get(ctx, st, "seed", &blob, &len);
    /* The seed makes every minted id string: a damaged one is damage. */
    if (rc == SQLITE_OK && st->sums && !eni__row_sum_strip(blob, &len, SEED_ROW_KEY, 0))
        len = 0;
    if (rc == SQLITE_OK && len == 8) {
        struct dec d;
        eni__dec_init(&d, blob, len);
        ctx->opts.seed = eni__dec_u64(&d); /* id strings are the file's */
    }
    eni__free(ctx, blob);
    blob = NULL;
    if (rc != SQLITE_OK && rc != SQLITE_NOTFOUND)
        return eni__sql_fail(ctx, rc, "cannot read its header rows");
    if (rc == SQLITE_NOTFOUND || len != 8)
        return eni__fail(ENI_ECORRUPT, NULL, "state file %s: the seed row is missing or damaged",
                         st->path);
    rc = eni__sql_meta_get(ctx, st, "model", &blob, &len);
    if (rc != SQLITE_OK && rc != SQLITE_NOTFOUND)
        return eni__sql_fail(ctx, rc, "cannot read its header rows");
    bool ok = rc == SQLITE_OK && (!st->sums || eni__row_sum_strip(blob, &len, MODEL_ROW_KEY, 0)) &&
              decode_model(ctx, blob, len, live);
    eni__free(ctx, blob);
    if (!ok)
        return eni__fail(ENI_ECORRUPT, NULL, "state file %s: the model row is missing or damaged",
                         st->path);
    int out = load_slots(ctx, st);
    if (out == ENI_OK) {
        eni__registry_restore_done(ctx);
        for (unsigned k = 1; k < ENI__KIND_COUNT && out == ENI_OK; k++)
            if (eni__registry_live(ctx, k) != live[k])
                out = eni__fail(ENI_ECORRUPT, NULL,
                                "state file %s: %u %s objects, its header says %u (truncated?)",
                                st->path, eni__registry_live(ctx, k), eni__kind_info(k)->name,
                                live[k]);
    }
    if (out == ENI_OK) {
        out = eni__store_rebuild(ctx);
        if (out == ENI_ENOMEM)
            out = eni__fail(out, NULL, "state file %s: out of memory loading", st->path);
        else if (out != ENI_OK)
            out = eni__fail(out, NULL, "state file %s: its objects contradict each other",
                            st->path);
    }
    if (out == ENI_OK && eni__model_check_locked(ctx) != ENI_OK) {
        /* The check's words, copied: the error record is about to be rewritten. */
        char why[256];
        snprintf(why, sizeof why, "%s", eni_error_last()->message);
        out = eni__fail(ENI_ECORRUPT, NULL, "state file %s: the model it holds is not consistent "
                        "(%s)", st->path, why);
    }
    if (out != ENI_OK)
        reset_model(ctx);
    return out;
}

/* After a failed commit, at unlock: memory as the file has it. */
static void on_recover(eni_ctx *ctx)
{
    struct eni_store *st = ctx->store;
    /* The caller reads the commit's error, not what reloading may record. */
    struct eni_error_saved saved;
    eni__error_save(&saved);
    if (!st->stats.broken && load(ctx, st) != ENI_OK) {
        st->stats.broken = true;
        eni__log(ctx, ENI_LOG_ERROR, "state file %s: memory could not be put back after a failed "
                 "commit (%s); the ctx holds no model and writes nothing more", st->path,
                 eni_error_last()->message);
        reset_model(ctx);
    }
    eni__journal_reset(ctx);
    ctx->commit_error = 0;
    if (ctx->on_model_change)
        ctx->on_model_change(ctx); /* the packet path follows memory back */
    (void)eni__error_restore(&saved, "");
}

/* ---- eni_ctx_check: does the file hold what memory holds? ------------------------ */

static int on_check(eni_ctx *ctx)
{
    struct eni_store *st = ctx->store;
    if (ctx->batch_depth || st->stats.broken)
        return ENI_OK; /* a batch commits at its end; a broken store says so on write */
    sqlite3_stmt *q = st->get_slot;
    struct enc e;
    eni__enc_init(&e, ctx);
    int out = ENI_OK;
    uint64_t rows = 0;
    for (unsigned k = 1; k < ENI__KIND_COUNT && out == ENI_OK; k++) {
        const struct eni_slot_map *map = &ctx->registry.kinds[k];
        for (uint32_t i = 0; i < map->len && out == ENI_OK; i++) {
            const struct eni_slot *s = &map->slots[i];
            e.len = 0;
            bool free_slot = !s->obj;
            if (s->obj)
                encode_row(ctx, k, i, s, &e);
            sqlite3_bind_int64(q, 1, (sqlite3_int64)((uint64_t)k << 32 | i));
            int rc = sqlite3_step(q);
            /* A free slot may be ahead of the file: a refused call can take
             * and give back a slot (its id never reaches anyone), which
             * bumps its generation in memory only. */
            bool same;
            if (free_slot)
                same = rc == SQLITE_DONE ||
                       (rc == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_NULL &&
                        sqlite3_column_int64(q, 1) <= s->gen);
            else
                same = rc == SQLITE_ROW && sqlite3_column_int64(q, 1) == s->gen &&
                       sqlite3_column_type(q, 0) != SQLITE_NULL &&
                       (size_t)sqlite3_column_bytes(q, 0) == e.len &&
                       (e.len == 0 || memcmp(sqlite3_column_blob(q, 0), e.p, e.len) == 0);
            rows += rc == SQLITE_ROW;
            sqlite3_reset(q);
            if (e.oom)
                out = eni__fail(ENI_ENOMEM, NULL, "eni_ctx_check: out of memory");
            else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                out = eni__sql_fail(ctx, rc, "cannot read it back");
            else if (!same)
                out = eni__fail(ENI_EINTERNAL, NULL,
                                "state file %s: its %s slot %u differs from memory", st->path,
                                eni__kind_info(k)->name, i);
        }
    }
    eni__enc_fini(&e);
    if (out == ENI_OK) {
        sqlite3_stmt *c;
        int rc = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM slots", -1, &c, NULL);
        if (rc == SQLITE_OK && sqlite3_step(c) == SQLITE_ROW &&
            (uint64_t)sqlite3_column_int64(c, 0) != rows)
            out = eni__fail(ENI_EINTERNAL, NULL, "state file %s: holds %lld slots, memory %llu",
                            st->path, (long long)sqlite3_column_int64(c, 0),
                            (unsigned long long)rows);
        sqlite3_finalize(c);
    }
    return out;
}

/* ---- opening ----------------------------------------------------------------------- */

static int pragma_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *q;
    int rc = sqlite3_prepare_v2(db, sql, -1, &q, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(q, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(q);
    return rc;
}

/* Read the header and decide, before anything is written: a new file, one
 * of ours (its schema in *schema), or one to refuse. */
static int identify(eni_ctx *ctx, struct eni_store *st, int64_t *schema, bool *fresh)
{
    int64_t app = 0, tables = 0;
    int rc = pragma_int(st->db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = pragma_int(st->db, "PRAGMA user_version", schema);
    if (rc == SQLITE_OK)
        rc = pragma_int(st->db, "SELECT count(*) FROM sqlite_master", &tables);
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot read its header");
    /* New only if there was nothing: SQLite reads a file cut short of its
     * first page as an empty database, and that must not be taken for one. */
    struct stat sb;
    bool empty = stat(st->path, &sb) != 0 || sb.st_size == 0;
    *fresh = app == 0 && *schema == 0 && tables == 0 && empty;
    if (*fresh)
        return ENI_OK;
    if (app == 0 && *schema == 0 && tables == 0)
        return eni__fail(ENI_ECORRUPT, NULL,
                         "state file %s: %lld bytes that hold no database (truncated?); left as "
                         "it was", st->path, (long long)sb.st_size);
    if (app != ENI__STORE_APP_ID)
        return eni__fail(ENI_ECORRUPT, NULL,
                         "state file %s: not a libeni state file (application_id 0x%llx); left "
                         "as it was", st->path, (unsigned long long)app);
    if (*schema > ENI__STORE_SCHEMA)
        return eni__fail(ENI_EVERSION, NULL,
                         "state file %s: written by a newer libeni (schema %lld; this one reads "
                         "%d..%d); left as it was",
                         st->path, (long long)*schema, ENI__STORE_SCHEMA_OLDEST, ENI__STORE_SCHEMA);
    if (*schema < ENI__STORE_SCHEMA_OLDEST)
        return eni__fail(ENI_ECORRUPT, NULL, "state file %s: schema %lld is not one libeni wrote",
                         st->path, (long long)*schema);
    int64_t ours = 0;
    rc = pragma_int(st->db,
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                    "('meta', 'slots')",
                    &ours);
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot read its header");
    if (ours != 2)
        return eni__fail(ENI_ECORRUPT, NULL, "state file %s: libeni's mark but not its tables; "
                         "left as it was", st->path);
    return ENI_OK;
}

/* A new file: the schema and its identity (the caller adds the rows). */
static int create(struct eni_store *st)
{
    int rc = eni__sql_exec(st, schema_sql);
    char pragmas[96];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             ENI__STORE_APP_ID, ENI__STORE_SCHEMA);
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, pragmas);
    return rc;
}

/* Schema 1 -> 2: the flows table, and a checksum at the end of every row.
 * Each step runs in the open transaction. */
static int upgrade(struct eni_store *st, int64_t from)
{
    int rc = SQLITE_OK;
    if (from < 2)
        rc = eni__sql_exec(st, "CREATE TABLE flows (nic INTEGER PRIMARY KEY, data BLOB NOT NULL)");
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", ENI__STORE_SCHEMA);
    return rc == SQLITE_OK ? eni__sql_exec(st, sql) : rc;
}

/* An older file, loaded: its tables and every row rewritten in the new
 * schema in one transaction, so a crash leaves it wholly old or wholly new. */
static int upgrade_rows(eni_ctx *ctx, struct eni_store *st, int64_t from)
{
    st->sums = true;
    forget_hashes(ctx, st); /* every row is rewritten, with its checksum */
    int rc = eni__sql_exec(st, "BEGIN");
    if (rc == SQLITE_OK)
        rc = upgrade(st, from);
    for (unsigned k = 1; k < ENI__KIND_COUNT && rc == SQLITE_OK; k++)
        for (uint32_t i = 0; i < ctx->registry.kinds[k].len && rc == SQLITE_OK; i++)
            rc = put_slot(ctx, st, k, i);
    if (rc == SQLITE_OK)
        rc = put_model(ctx, st);
    if (rc == SQLITE_OK)
        rc = put_seed(ctx, st);
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, "COMMIT");
    if (rc == SQLITE_OK)
        return ENI_OK;
    int out = eni__sql_fail(ctx, rc, "cannot upgrade it");
    if (!sqlite3_get_autocommit(st->db))
        (void)eni__sql_exec(st, "ROLLBACK");
    return out;
}

static void store_free(eni_ctx *ctx, struct eni_store *st)
{
    forget_hashes(ctx, st);
    sqlite3_finalize(st->put_slot);
    sqlite3_finalize(st->put_meta);
    sqlite3_finalize(st->get_slot);
    sqlite3_finalize(st->begin);
    sqlite3_finalize(st->commit);
    sqlite3_finalize(st->rollback);
    if (st->db)
        sqlite3_close_v2(st->db);
    eni__enc_fini(&st->enc);
    eni__free(ctx, st->path);
    eni__free(ctx, st);
}

static int open_db(eni_ctx *ctx, struct eni_store *st, bool *fresh, int64_t *schema)
{
    int rc = sqlite3_open_v2(st->path, &st->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             eni__store_vfs);
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot open it");
    sqlite3_extended_result_codes(st->db, 1);
    /* Until the file is known to be ours, closing must not checkpoint a WAL
     * another process left into it: a refused file is left as it was. */
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    /* Exclusive locking: the first read holds a shared lock and the first
     * write an exclusive one until close, so a second process (or ctx) is
     * refused instead of interleaving its writes with ours. */
    rc = eni__sql_exec(st, "PRAGMA locking_mode = EXCLUSIVE");
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot set its locking mode");
    int out = identify(ctx, st, schema, fresh);
    if (out != ENI_OK)
        return out;
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
    /* Only now is anything written: WAL (a commit is one append; a killed
     * process loses nothing committed), synced at checkpoints. */
    rc = eni__sql_exec(st, "PRAGMA journal_mode = WAL");
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, "PRAGMA synchronous = NORMAL");
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, "BEGIN EXCLUSIVE");
    if (rc != SQLITE_OK)
        return eni__sql_fail(ctx, rc, "cannot take it for this process");
    if (*fresh)
        rc = create(st);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db,
                                "INSERT INTO slots (key, gen, data) VALUES (?1, ?2, ?3) ON CONFLICT "
                                "(key) DO UPDATE SET gen = excluded.gen, data = excluded.data",
                                -1, &st->put_slot, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db,
                                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO "
                                "UPDATE SET value = excluded.value",
                                -1, &st->put_meta, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "SELECT data, gen FROM slots WHERE key = ?1", -1,
                                &st->get_slot, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "BEGIN", -1, &st->begin, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "COMMIT", -1, &st->commit, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(st->db, "ROLLBACK", -1, &st->rollback, NULL);
    if (rc == SQLITE_OK && *fresh) {
        st->sums = true;
        rc = put_seed(ctx, st);
        if (rc == SQLITE_OK)
            rc = put_model(ctx, st);
    }
    if (rc == SQLITE_OK)
        rc = eni__sql_exec(st, "COMMIT");
    if (rc != SQLITE_OK) {
        out = eni__sql_fail(ctx, rc, *fresh ? "cannot create it" : "cannot take it");
        if (!sqlite3_get_autocommit(st->db))
            (void)eni__sql_exec(st, "ROLLBACK");
    }
    return out;
}

/* What the path held before this open, so that a refused or failed open
 * leaves no trace of it: reading a WAL-mode file creates its -wal, and a
 * file whose creation failed after SQLite wrote its first page would read
 * as a damaged one from then on. */
struct traces {
    char *wal;      /* path-wal (NULL: out of memory, then it is left alone) */
    bool existed;   /* the file itself */
    bool had_wal;
};

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void traces_take(eni_ctx *ctx, const char *path, struct traces *t)
{
    size_t n = strlen(path) + sizeof "-wal";
    t->wal = eni__malloc(ctx, n);
    if (t->wal)
        snprintf(t->wal, n, "%s-wal", path);
    t->had_wal = !t->wal || exists(t->wal);
    t->existed = exists(path);
}

/* After a failed open: an empty -wal we made goes, and a file we were
 * creating goes too (or back to the empty file it was). */
static void traces_undo(const char *path, const struct traces *t, bool creating)
{
    struct stat sb;
    if (!t->had_wal && stat(t->wal, &sb) == 0 && sb.st_size == 0)
        (void)remove(t->wal);
    if (creating && !t->existed)
        (void)remove(path);
    else if (creating)
        (void)truncate(path, 0);
}

int eni__store_attach(eni_ctx *ctx, const char *path)
{
    struct eni_store *st = eni__calloc(ctx, 1, sizeof *st);
    char *copy = eni__strdup(ctx, path);
    if (!st || !copy || eni__journal_attach(ctx) != ENI_OK) {
        eni__free(ctx, st);
        eni__free(ctx, copy);
        return eni__fail(ENI_ENOMEM, NULL, "eni_ctx_new: out of memory opening the state file");
    }
    st->path = copy;
    eni__enc_init(&st->enc, ctx);
    ctx->store = st;
    struct traces before;
    traces_take(ctx, path, &before);
    bool fresh = false;
    int64_t schema = 0;
    int rc = open_db(ctx, st, &fresh, &schema);
    st->stats.schema = fresh ? ENI__STORE_SCHEMA : (uint32_t)schema;
    st->sums = st->stats.schema >= 2;
    if (rc == ENI_OK && !fresh)
        rc = load(ctx, st);
    if (rc == ENI_OK && !fresh && schema < ENI__STORE_SCHEMA)
        rc = upgrade_rows(ctx, st, schema);
    if (rc == ENI_OK) {
        ctx->on_commit = on_commit;
        ctx->on_recover = on_recover;
        ctx->on_check = on_check;
        if (ctx->on_model_change)
            ctx->on_model_change(ctx); /* the packet path sees what was loaded */
        rc = eni__store_restore_flows(ctx);
    }
    if (rc != ENI_OK) {
        ctx->on_commit = NULL;
        ctx->on_recover = NULL;
        ctx->on_check = NULL;
        reset_model(ctx);
        if (ctx->on_model_change)
            ctx->on_model_change(ctx);
        store_free(ctx, st);
        ctx->store = NULL;
        eni__journal_detach(ctx);
        traces_undo(path, &before, fresh);
        eni__free(ctx, before.wal);
        return rc;
    }
    eni__free(ctx, before.wal);
    eni__journal_reset(ctx);
    ENI__INFO(ctx, "state file %s: %s (schema %u), %llu objects", path,
              fresh ? "created" : "opened", st->stats.schema,
              (unsigned long long)st->stats.objects_loaded);
    return ENI_OK;
}

void eni__store_detach(eni_ctx *ctx, bool save_flows)
{
    struct eni_store *st = ctx->store;
    if (!st)
        return;
    if (ctx->batch_depth && !st->stats.broken) {
        /* A batch left open at a graceful stop: what memory holds is what
         * the next process gets. */
        ctx->batch_depth = 0;
        if (eni__store_commit_now(ctx) != ENI_OK)
            eni__log(ctx, ENI_LOG_WARN, "state file %s: the open batch was not committed: %s",
                     st->path, eni_error_last()->message);
    }
    if (save_flows && !st->stats.broken && eni__store_save_flows(ctx, 0, NULL) != ENI_OK)
        eni__log(ctx, ENI_LOG_WARN, "state file %s: flows not handed over: %s", st->path,
                 eni_error_last()->message);
    ctx->on_commit = NULL;
    ctx->on_recover = NULL;
    ctx->on_check = NULL;
    store_free(ctx, st);
    ctx->store = NULL;
    eni__journal_detach(ctx);
}

void eni__store_stats(const eni_ctx *ctx, struct eni_store_stats *out)
{
    const struct eni_store *st = ctx->store;
    if (st)
        *out = st->stats;
    else
        memset(out, 0, sizeof *out);
}
