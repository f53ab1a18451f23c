/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Writing this host's group keys: only what changed since etcd last took
 * it, in transactions (so an interface that moves between groups appears
 * in both at one revision), each guarded by the manifest's mod_revision
 * (so two writers that believe they are this host cannot interleave: the
 * loser re-reads what etcd holds and writes again). */
#include "sync_internal.h"

#include <stdlib.h>
#include <string.h>

static int same_value(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* The values etcd holds for the groups a manifest lists, in read-only
 * transactions (a restarted host then rewrites nothing that is current). */
static int read_values(eni_sync *s, struct entries *pub)
{
    for (uint32_t i = 0; i < pub->n; i += ETCD_TXN_OPS) {
        uint32_t end = i + ETCD_TXN_OPS < pub->n ? i + ETCD_TXN_OPS : pub->n;
        json_t *t = json_object(), *ops = json_array();
        for (uint32_t k = i; k < end; k++) {
            char *key = sync_key(s->prefix, pub->v[k].group, s->host);
            if (!key) {
                json_decref(ops);
                json_decref(t);
                return ENI_ENOMEM;
            }
            json_array_append_new(ops, etcd_op_range(key));
            free(key);
        }
        json_object_set_new(t, "success", ops);
        json_t *a = etcd_call(&s->etcd, "/v3/kv/txn", t);
        if (!a)
            return ENI_EBACKEND;
        for (uint32_t k = i; k < end; k++) {
            json_t *r = json_object_get(json_array_get(json_object_get(a, "responses"), k - i),
                                        "response_range");
            pub->v[k].value = etcd_bytes(json_array_get(json_object_get(r, "kvs"), 0), "value");
        }
        json_decref(a);
    }
    return ENI_OK;
}

int publish_load(eni_sync *s)
{
    struct entries g = {0};
    int64_t rev = 0;
    int rc = manifest_read(&s->etcd, s->manifest, &g, &rev);
    if (rc == ENI_OK && s->loaded && rev == s->manifest_rev) {
        entries_free(&g); /* nobody wrote this host's keys behind its back */
        return ENI_OK;
    }
    if (rc == ENI_OK)
        rc = read_values(s, &g);
    if (rc != ENI_OK) {
        entries_free(&g);
        return rc;
    }
    entries_free(&s->published);
    s->published = g;
    s->manifest_rev = rev;
    s->loaded = 1;
    return ENI_OK;
}

/* The merge walk: what differs between the model's view and etcd's, as
 * entries whose value is the one to put, or NULL to delete the key. */
static int diff(const struct entries *want, const struct entries *have, struct entries *c)
{
    uint32_t i = 0, j = 0;
    int rc = 0;
    memset(c, 0, sizeof *c);
    while (rc == 0 && (i < want->n || j < have->n)) {
        int cmp = i == want->n ? 1 : j == have->n ? -1
                                                   : strcmp(want->v[i].group, have->v[j].group);
        if (cmp < 0 || (cmp == 0 && !same_value(want->v[i].value, have->v[j].value)))
            rc = entries_add(c, want->v[i].group, want->v[i].value);
        else if (cmp > 0)
            rc = entries_add(c, have->v[j].group, NULL);
        i += cmp <= 0;
        j += cmp >= 0;
    }
    if (rc)
        entries_free(c);
    return rc ? ENI_ENOMEM : ENI_OK;
}

/* @p have with the changes c[0, n) made: both sorted by group. */
static int merged(const struct entries *have, const struct entry *c, uint32_t n,
                  struct entries *out)
{
    uint32_t j = 0, k = 0;
    memset(out, 0, sizeof *out);
    while (j < have->n || k < n) {
        int cmp = k == n ? -1 : j == have->n ? 1 : strcmp(have->v[j].group, c[k].group);
        int rc = 0;
        if (cmp < 0)
            rc = entries_add(out, have->v[j].group, have->v[j].value);
        else if (c[k].value)
            rc = entries_add(out, c[k].group, c[k].value);
        j += cmp <= 0;
        k += cmp >= 0;
        if (rc) {
            entries_free(out);
            return ENI_ENOMEM;
        }
    }
    return ENI_OK;
}

static int same_groups(const struct entries *a, const struct entries *b)
{
    if (a->n != b->n)
        return 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].group, b->v[i].group))
            return 0;
    return 1;
}

/* One transaction: changes [0, n) and, when the set of groups changes, the
 * manifest (deleted once the host has no keys). */
static int commit(eni_sync *s, const struct entry *c, uint32_t n)
{
    struct entries after;
    if (merged(&s->published, c, n, &after))
        return ENI_ENOMEM;
    int manifest = !same_groups(&after, &s->published);
    json_t *t = txn_guarded(s->manifest, s->manifest_rev), *ops = json_object_get(t, "success");
    for (uint32_t k = 0; k < n; k++) {
        char *key = sync_key(s->prefix, c[k].group, s->host);
        if (key)
            json_array_append_new(ops, c[k].value ? etcd_op_put(key, c[k].value)
                                                  : etcd_op_delete(key));
        free(key);
    }
    char *mv = manifest && after.n ? manifest_value(&after) : NULL;
    if (manifest)
        json_array_append_new(ops, mv ? etcd_op_put(s->manifest, mv) : etcd_op_delete(s->manifest));
    free(mv);
    json_t *a = etcd_call(&s->etcd, "/v3/kv/txn", t);
    int rc = ENI_OK;
    if (!a) {
        rc = ENI_EBACKEND;
    } else if (!json_is_true(json_object_get(a, "succeeded"))) {
        rc = ENI_EBUSY;
    } else {
        s->st.txns++;
        for (uint32_t k = 0; k < n; k++)
            c[k].value ? s->st.puts++ : s->st.deletes++;
        if (manifest)
            s->manifest_rev = after.n ? etcd_revision(a) : 0;
        entries_free(&s->published);
        s->published = after;
        memset(&after, 0, sizeof after);
    }
    json_decref(a);
    entries_free(&after);
    return rc;
}

int publish_changes(eni_sync *s)
{
    struct entries c;
    if (!s->have_view || !s->loaded)
        return ENI_OK;
    int rc = diff(&s->want.publish, &s->published, &c);
    for (uint32_t i = 0; rc == ENI_OK && i < c.n; i += ETCD_TXN_OPS)
        rc = commit(s, c.v + i, c.n - i < ETCD_TXN_OPS ? c.n - i : ETCD_TXN_OPS);
    entries_free(&c);
    if (rc == ENI_OK || rc == ENI_ENOMEM)
        return rc;
    if (rc == ENI_EBUSY) {
        s->st.conflicts++;
        sync_log(s, ENI_LOG_WARN, "another writer changed %s's keys; re-reading them", s->host);
        s->loaded = 0;
        if (publish_load(s) == ENI_OK)
            return ENI_EBUSY; /* written again at the next pass */
    }
    sync_failed(s, s->etcd.err);
    return ENI_EBACKEND;
}

int publish_pending(const eni_sync *s)
{
    if (!s->have_view)
        return 0;
    if (!s->loaded)
        return s->want.publish.n > 0;
    const struct entries *a = &s->want.publish, *b = &s->published;
    if (a->n != b->n)
        return 1;
    for (uint32_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].group, b->v[i].group) || !same_value(a->v[i].value, b->v[i].value))
            return 1;
    return 0;
}

int publish_leave(eni_sync *s)
{
    uint64_t txns = 0;
    if (s->loaded && !s->published.n && !s->manifest_rev)
        return ENI_OK; /* nothing in etcd */
    int rc = delete_host(&s->etcd, s->prefix, s->host, &s->published, s->manifest_rev, &txns);
    if (rc == ENI_EBUSY) {
        /* Someone wrote in between: take what etcd lists now, once. */
        s->loaded = 0;
        rc = publish_load(s);
        if (rc == ENI_OK)
            rc = delete_host(&s->etcd, s->prefix, s->host, &s->published, s->manifest_rev,
                             &txns);
    }
    s->st.txns += txns;
    if (rc == ENI_OK) {
        s->st.deletes += s->published.n;
        entries_free(&s->published);
        s->manifest_rev = 0;
    }
    return rc;
}
