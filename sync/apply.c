/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Applying what other hosts published about a watched group to the ctx
 * (eni_sg_set_remote per host, addresses and delegated prefixes, replaced
 * whole), remembering each host's value so an unchanged one (a resync, a
 * duplicate event) does not make the evaluator rebuild the group's rules.
 * This host's own keys are never applied: its members are local.
 * libeni-sync owns every remote source of the groups it watches, so a full
 * read also forgets sources the ctx holds from before (a restarted sync on
 * a living ctx). */
#include "sync_internal.h"

#include <stdlib.h>
#include <string.h>

static struct source *find(struct watch *w, const char *host, uint32_t *at)
{
    uint32_t lo = 0, hi = w->nsrc;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int c = strcmp(w->src[mid].host, host);
        if (c == 0) {
            *at = mid;
            return &w->src[mid];
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *at = lo;
    return NULL;
}

static void notify(eni_sync *s, struct watch *w, const char *host, uint32_t n)
{
    s->st.applied++;
    if (s->o.remote_fn)
        s->o.remote_fn(w->sg, host, n, s->o.remote_userdata);
}

/* A JSON list of strings: addresses, and delegated prefixes (with a '/';
 * values written before prefixes have none), split as eni_sg_set_remote
 * takes them: addresses from the front of @p *strs, prefixes from its back. */
static int parse(const char *value, json_t **doc, const char ***strs, eni_remote_members *m)
{
    json_t *list = json_loads(value, 0, NULL);
    size_t count = json_array_size(list);
    const char **a = calloc(count ? count : 1, sizeof *a);
    if (!json_is_array(list) || !a || count > ENI_REMOTE_MEMBERS_MAX) {
        json_decref(list);
        free(a);
        return -1;
    }
    uint32_t na = 0, np = 0;
    for (size_t i = 0; i < count; i++) {
        const char *s = json_string_value(json_array_get(list, i));
        if (!s) {
            json_decref(list);
            free(a);
            return -1;
        }
        if (strchr(s, '/'))
            a[count - 1 - np++] = s;
        else
            a[na++] = s;
    }
    *doc = list;
    *strs = a;
    m->addresses = na ? a : NULL;
    m->address_count = na;
    m->prefixes = np ? a + na : NULL;
    m->prefix_count = np;
    return 0;
}

void apply_put(eni_sync *s, struct watch *w, const char *host, const char *value)
{
    uint32_t at;
    if (!strcmp(host, s->host))
        return;
    struct source *src = find(w, host, &at);
    if (src && !strcmp(src->value, value))
        return;
    json_t *doc = NULL;
    const char **strs = NULL;
    eni_remote_members m = ENI_REMOTE_MEMBERS_INIT;
    int rc = parse(value, &doc, &strs, &m) ? ENI_EINVAL
                                            : eni_sg_set_remote(s->ctx, w->sg, host, &m);
    uint32_t n = m.address_count + m.prefix_count;
    json_decref(doc);
    free(strs);
    if (rc != ENI_OK) {
        /* The last good set stays: a bad value must not open or close anything. */
        s->st.rejected++;
        sync_log(s, ENI_LOG_WARN, "%s from %s refused (%s): %.80s", w->group, host,
                 eni_err_name(rc), value);
        return;
    }
    char *v = strdup(value), *h = src ? NULL : strdup(host);
    if (!v || (!src && !h)) {
        free(v);
        free(h);
        src = NULL; /* applied; remembered as unknown, so the next value applies again */
    } else if (src) {
        free(src->value);
        src->value = v;
    } else {
        struct source *grown = realloc(w->src, (w->nsrc + 1) * sizeof *grown);
        if (grown) {
            w->src = grown;
            memmove(&w->src[at + 1], &w->src[at], (w->nsrc - at) * sizeof *grown);
            w->src[at] = (struct source){h, v};
            w->nsrc++;
        } else {
            free(v);
            free(h);
        }
    }
    notify(s, w, host, n);
}

void apply_delete(eni_sync *s, struct watch *w, const char *host)
{
    uint32_t at;
    if (!strcmp(host, s->host))
        return;
    struct source *src = find(w, host, &at);
    (void)eni_sg_clear_remote_members(s->ctx, w->sg, host); /* a deleted group has none */
    if (src) {
        free(src->host);
        free(src->value);
        memmove(&w->src[at], &w->src[at + 1], (w->nsrc - at - 1) * sizeof *src);
        w->nsrc--;
    }
    notify(s, w, host, 0);
}

/* The host a key of this group names, or NULL for a key of another shape. */
static const char *host_of(const struct watch *w, const char *key)
{
    size_t n = strlen(w->prefix);
    if (strncmp(key, w->prefix, n) || !key[n] || strchr(key + n, '/'))
        return NULL;
    return key + n;
}

void apply_event(eni_sync *s, struct watch *w, const json_t *kv, int deleted)
{
    char *key = etcd_bytes(kv, "key");
    const char *host = key ? host_of(w, key) : NULL;
    if (host && deleted) {
        apply_delete(s, w, host);
    } else if (host) {
        char *value = etcd_bytes(kv, "value");
        if (value)
            apply_put(s, w, host, value);
        else
            s->st.rejected++;
        free(value);
    }
    free(key);
}

static int by_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int listed(char **hosts, size_t n, const char *host)
{
    return n && bsearch(&host, hosts, n, sizeof *hosts, by_str) != NULL;
}

/* A group read whole: apply every host's value, forget every host gone. */
void apply_full(eni_sync *s, struct watch *w, const json_t *kvs)
{
    size_t count = json_array_size(kvs), n = 0, i;
    char **keys = calloc(count + 1, sizeof *keys), **hosts = calloc(count + 1, sizeof *hosts);
    const json_t *kv;
    json_array_foreach(kvs, i, kv) {
        apply_event(s, w, kv, 0);
        char *key = keys ? etcd_bytes(kv, "key") : NULL;
        const char *h = key ? host_of(w, key) : NULL;
        if (h && hosts) {
            keys[n] = key;
            hosts[n++] = (char *)h;
        } else {
            free(key);
        }
    }
    if (!keys || !hosts) {
        free(keys);
        free(hosts);
        return; /* out of memory: forget nothing rather than too much */
    }
    qsort(hosts, n, sizeof *hosts, by_str);
    for (uint32_t k = w->nsrc; k-- > 0;)
        if (!listed(hosts, n, w->src[k].host))
            apply_delete(s, w, w->src[k].host);
    /* Sources the ctx holds that this sync never applied (see the top). */
    uint32_t ns = 0, cap = 0, at;
    char *names = NULL;
    if (eni_sg_list_remote_sources(s->ctx, w->sg, NULL, 0, &cap) == ENI_OK && cap &&
        (names = malloc((size_t)cap * ENI_REMOTE_SOURCE_MAX)) &&
        eni_sg_list_remote_sources(s->ctx, w->sg, names, cap, &ns) == ENI_OK) {
        for (uint32_t k = 0; k < ns && k < cap; k++) {
            const char *name = names + (size_t)k * ENI_REMOTE_SOURCE_MAX;
            if (strcmp(name, s->host) && !find(w, name, &at) && !listed(hosts, n, name))
                apply_delete(s, w, name);
        }
    }
    free(names);
    for (size_t k = 0; k < n; k++)
        free(keys[k]);
    free(keys);
    free(hosts);
}

void apply_forget_all(eni_sync *s, struct watch *w)
{
    while (w->nsrc)
        apply_delete(s, w, w->src[w->nsrc - 1].host);
    free(w->src);
    w->src = NULL;
}
