/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A host's manifest, "<prefix>/hosts/<host>" = {"groups":[...]}: the group
 * keys it has in etcd. Group keys are laid out by group (that is what others
 * watch), so without it a restarted host could not find the keys it no
 * longer wants short of reading the whole prefix, and an operator could not
 * remove a dead host's keys. Its mod_revision guards every write of the
 * host's keys (publish.c). Also the operator's calls built on it. */
#include "sync_internal.h"

#include <stdlib.h>
#include <string.h>

char *sync_key(const char *prefix, const char *group, const char *host)
{
    size_t n = strlen(prefix) + (group ? strlen(group) : 0) + strlen(host) + 16;
    char *k = malloc(n);
    if (k && group)
        snprintf(k, n, "%s/%s/host/%s", prefix, group, host);
    else if (k)
        snprintf(k, n, "%s/hosts/%s", prefix, host);
    return k;
}

static int by_group(const void *x, const void *y)
{
    return strcmp(((const struct entry *)x)->group, ((const struct entry *)y)->group);
}

static int parse_groups(const char *value, struct entries *groups)
{
    json_t *m = value ? json_loads(value, 0, NULL) : NULL;
    json_t *list = json_object_get(m, "groups");
    size_t i;
    json_t *g;
    int rc = m && json_is_array(list) ? 0 : -1;
    json_array_foreach(list, i, g) {
        if (json_is_string(g) && entries_add(groups, json_string_value(g), NULL))
            rc = -1;
    }
    json_decref(m);
    if (groups->n)
        qsort(groups->v, groups->n, sizeof *groups->v, by_group);
    return rc;
}

char *manifest_value(const struct entries *groups)
{
    json_t *list = json_array();
    for (uint32_t i = 0; i < groups->n; i++)
        json_array_append_new(list, json_string(groups->v[i].group));
    json_t *m = json_object();
    json_object_set_new(m, "groups", list);
    char *text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(m);
    return text;
}

int manifest_read(struct etcd *e, const char *key, struct entries *groups, int64_t *rev)
{
    json_t *a = etcd_call(e, "/v3/kv/range", etcd_range_req(key, 0));
    if (!a)
        return ENI_EBACKEND;
    json_t *kv = json_array_get(json_object_get(a, "kvs"), 0);
    *rev = kv ? etcd_int(kv, "mod_revision") : 0;
    char *value = kv ? etcd_bytes(kv, "value") : NULL;
    int rc = kv && parse_groups(value, groups) ? ENI_EINVAL : ENI_OK;
    if (rc)
        snprintf(e->err, sizeof e->err, "%s: not a manifest", key);
    free(value);
    json_decref(a);
    return rc;
}

json_t *txn_guarded(const char *manifest, int64_t rev)
{
    json_t *t = json_object(), *cmp = json_array();
    json_array_append_new(cmp, etcd_cmp_mod(manifest, rev));
    json_object_set_new(t, "compare", cmp);
    json_object_set_new(t, "success", json_array());
    return t;
}

int delete_host(struct etcd *e, const char *prefix, const char *host,
                const struct entries *groups, int64_t rev, uint64_t *txns)
{
    char *manifest = sync_key(prefix, NULL, host);
    int rc = manifest ? ENI_OK : ENI_ENOMEM;
    /* Group keys first, the manifest in the last transaction: a partial
     * delete leaves a manifest that still names what is left. */
    for (uint32_t i = 0; rc == ENI_OK && (i < groups->n || i == 0); i += ETCD_TXN_OPS) {
        json_t *t = txn_guarded(manifest, rev), *ops = json_object_get(t, "success");
        uint32_t end = i + ETCD_TXN_OPS < groups->n ? i + ETCD_TXN_OPS : groups->n;
        for (uint32_t k = i; k < end; k++) {
            char *key = sync_key(prefix, groups->v[k].group, host);
            if (key)
                json_array_append_new(ops, etcd_op_delete(key));
            free(key);
        }
        if (end == groups->n)
            json_array_append_new(ops, etcd_op_delete(manifest));
        json_t *a = etcd_call(e, "/v3/kv/txn", t);
        if (!a)
            rc = ENI_EBACKEND;
        else if (!json_is_true(json_object_get(a, "succeeded")))
            rc = ENI_EBUSY;
        else if (txns)
            (*txns)++;
        json_decref(a);
        if (end == groups->n)
            break;
    }
    free(manifest);
    return rc;
}

/* A one-off client for the operator's calls (no sync object, no thread). */
static int open_client(struct etcd *e, const char *endpoint, const eni_sync_opts *opts,
                       eni_sync_opts *o)
{
    int rc = sync_opts(opts, o), bad = 0;
    if (rc == ENI_OK && !endpoint)
        rc = ENI_EINVAL;
    if (rc == ENI_OK && (sync_curl_init() || (bad = etcd_open(e, endpoint, o->timeout_ms, NULL))))
        rc = bad == -2 ? ENI_EINVAL : ENI_ENOMEM;
    return rc;
}

int eni_sync_forget_host(const char *endpoint, const char *host, const eni_sync_opts *opts,
                         uint32_t *deleted)
{
    struct etcd e;
    eni_sync_opts o;
    if (!sync_host_ok(host))
        return ENI_EINVAL;
    int rc = open_client(&e, endpoint, opts, &o);
    if (rc)
        return rc;
    const char *prefix = o.prefix;
    struct entries groups = {0};
    int64_t rev = 0;
    char *manifest = sync_key(prefix, NULL, host);
    rc = manifest ? manifest_read(&e, manifest, &groups, &rev) : ENI_ENOMEM;
    if (rc == ENI_OK && rev == 0)
        rc = ENI_ENOTFOUND;
    if (rc == ENI_OK)
        rc = delete_host(&e, prefix, host, &groups, rev, NULL);
    if (rc == ENI_OK && deleted)
        *deleted = groups.n;
    free(manifest);
    entries_free(&groups);
    etcd_close(&e);
    return rc;
}

int eni_sync_list_hosts(const char *endpoint, const eni_sync_opts *opts, eni_sync_host_cb cb,
                        void *userdata)
{
    struct etcd e;
    eni_sync_opts o;
    if (!cb)
        return ENI_EINVAL;
    int rc = open_client(&e, endpoint, opts, &o);
    if (rc)
        return rc;
    char *dir = sync_key(o.prefix, NULL, "");
    json_t *a = dir ? etcd_call(&e, "/v3/kv/range", etcd_range_req(dir, 1)) : NULL;
    rc = !dir ? ENI_ENOMEM : !a ? ENI_EBACKEND : ENI_OK;
    size_t i;
    json_t *kv;
    json_array_foreach(json_object_get(a, "kvs"), i, kv) {
        char *key = etcd_bytes(kv, "key"), *value = etcd_bytes(kv, "value");
        struct entries groups = {0};
        if (key && strlen(key) > strlen(dir)) {
            parse_groups(value, &groups);
            cb(key + strlen(dir), groups.n, etcd_int(kv, "mod_revision"), userdata);
        }
        entries_free(&groups);
        free(key);
        free(value);
    }
    json_decref(a);
    free(dir);
    etcd_close(&e);
    return rc;
}
