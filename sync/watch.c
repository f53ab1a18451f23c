/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* One etcd watch per group that local rules reference, each a streaming
 * POST to /v3/watch on the sync thread's curl multi handle. A group is read
 * whole first (range, then watch from the revision after it); a stream that
 * drops resumes from the revision after the last one it delivered, and one
 * whose revision was compacted away is read whole again. The gateway writes
 * one JSON message per line: {"result": WatchResponse} or {"error": ...}. */
#include "sync_internal.h"

#include <stdlib.h>
#include <string.h>

static void stream_end(eni_sync *s, struct watch *w)
{
    if (w->h) {
        curl_multi_remove_handle(s->multi, w->h);
        curl_easy_cleanup(w->h);
    }
    w->h = NULL;
    free(w->body);
    w->body = NULL;
    w->line.n = 0;
}

/* One message; -1 ends the stream (an error, or a cancel that needs a read). */
static int message(eni_sync *s, struct watch *w, const char *text)
{
    json_t *m = json_loads(text, 0, NULL), *r = json_object_get(m, "result");
    if (!r) {
        const json_t *e = json_object_get(m, "error");
        const char *why = json_string_value(json_object_get(e, "message"));
        sync_log(s, ENI_LOG_WARN, "watch of %s: %s", w->group,
                 why ? why : json_is_string(e) ? json_string_value(e) : text);
        json_decref(m);
        return -1;
    }
    int64_t rev = etcd_revision(r);
    if (rev > s->st.revision)
        s->st.revision = rev;
    if (json_is_true(json_object_get(r, "canceled")) || etcd_int(r, "compact_revision")) {
        const char *why = json_string_value(json_object_get(r, "cancel_reason"));
        if (etcd_int(r, "compact_revision"))
            s->st.compactions++;
        sync_log(s, ENI_LOG_INFO, "watch of %s from revision %lld cancelled (%s); reading it whole",
                 w->group, (long long)w->next,
                 etcd_int(r, "compact_revision") ? "compacted" : why ? why : "no reason given");
        w->resync = 1;
        json_decref(m);
        return -1;
    }
    const json_t *events = json_object_get(r, "events"), *ev;
    size_t i;
    json_array_foreach(events, i, ev) {
        const char *type = json_string_value(json_object_get(ev, "type"));
        const json_t *kv = json_object_get(ev, "kv");
        apply_event(s, w, kv, type && !strcmp(type, "DELETE"));
        int64_t mod = etcd_int(kv, "mod_revision");
        if (mod >= w->next)
            w->next = mod + 1;
        s->st.watch_events++;
    }
    /* A progress notification: every event up to its revision was sent. A
     * "created" answer says nothing yet: older events may follow it. */
    if (!json_array_size(events) && !json_is_true(json_object_get(r, "created")) &&
        rev >= w->next)
        w->next = rev + 1;
    json_decref(m);
    return 0;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *ud)
{
    struct watch *w = ud;
    struct etcd_buf *b = &w->line;
    size_t n = size * nmemb;
    w->s->etcd.received += n;
    if (etcd_buf_add(b, data, n))
        return 0;
    char *nl;
    while ((nl = memchr(b->p, '\n', b->n))) {
        *nl = 0;
        int rc = nl > b->p ? message(w->s, w, b->p) : 0;
        size_t used = (size_t)(nl + 1 - b->p);
        memmove(b->p, nl + 1, b->n - used + 1);
        b->n -= used;
        if (rc)
            return 0; /* curl ends the transfer; watch_reaped() sees why */
    }
    return n;
}

static int read_whole(eni_sync *s, struct watch *w)
{
    json_t *a = etcd_call(&s->etcd, "/v3/kv/range", etcd_range_req(w->prefix, 1));
    if (!a) {
        sync_failed(s, s->etcd.err);
        return -1;
    }
    s->st.ranges++;
    apply_full(s, w, json_object_get(a, "kvs"));
    w->next = etcd_revision(a) + 1;
    w->resync = 0;
    json_decref(a);
    return 0;
}

static int stream_start(eni_sync *s, struct watch *w)
{
    if (w->h)
        return 0;
    if ((!w->next || w->resync) && read_whole(s, w))
        return -1;
    w->body = etcd_watch_body(w->prefix, w->next);
    w->h = w->body ? etcd_stream(&s->etcd, "/v3/watch", w->body, on_data, w) : NULL;
    if (!w->h || curl_multi_add_handle(s->multi, w->h) != CURLM_OK) {
        stream_end(s, w);
        sync_failed(s, "cannot start a watch stream");
        return -1;
    }
    curl_easy_setopt(w->h, CURLOPT_PRIVATE, w);
    return 0;
}

static void watch_free(eni_sync *s, struct watch *w, int forget)
{
    stream_end(s, w);
    if (forget)
        apply_forget_all(s, w);
    for (uint32_t i = 0; i < w->nsrc; i++) {
        free(w->src[i].host);
        free(w->src[i].value);
    }
    free(w->src);
    free(w->group);
    free(w->prefix);
    free(w->line.p);
    free(w);
}

static struct watch *watch_new(eni_sync *s, const struct ref *r)
{
    struct watch *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->s = s;
    w->sg = r->sg;
    w->group = strdup(r->group);
    w->prefix = sync_key(s->prefix, r->group, "");
    if (!w->group || !w->prefix) {
        watch_free(s, w, 0);
        return NULL;
    }
    return w;
}

int watch_set(eni_sync *s, const struct ref *refs, uint32_t n)
{
    struct watch **out = calloc(n + 1, sizeof *out);
    if (!out)
        return ENI_ENOMEM;
    uint32_t i = 0, j = 0, k = 0;
    int rc = ENI_OK;
    while (i < s->nw || j < n) {
        int cmp = i == s->nw ? 1 : j == n ? -1 : (s->w[i]->sg.v > refs[j].sg.v) -
                                                    (s->w[i]->sg.v < refs[j].sg.v);
        if (cmp < 0) {
            /* No local rule references it any more: its members no longer matter. */
            watch_free(s, s->w[i++], 1);
        } else if (cmp > 0) {
            struct watch *w = watch_new(s, &refs[j++]);
            if (w)
                out[k++] = w;
            else
                rc = ENI_ENOMEM; /* tried again at the next pass */
        } else {
            out[k++] = s->w[i++];
            j++;
        }
    }
    free(s->w);
    s->w = out;
    s->nw = k;
    return rc;
}

void watch_service(eni_sync *s)
{
    for (uint32_t i = 0; i < s->nw && s->connected && !atomic_load(&s->stop); i++)
        if (stream_start(s, s->w[i]))
            break;
}

void watch_reaped(eni_sync *s, CURL *h, CURLcode rc)
{
    struct watch *w = NULL;
    curl_easy_getinfo(h, CURLINFO_PRIVATE, (char **)&w);
    if (!w)
        return;
    /* A last message without a newline (an error answer) still counts. */
    int resync = w->resync || (w->line.n && message(s, w, w->line.p) && w->resync);
    stream_end(s, w);
    if (resync || atomic_load(&s->stop))
        return; /* read whole at the next service, without a backoff; or stopping */
    char why[160];
    snprintf(why, sizeof why, "watch of %s ended: %s", w->group,
             rc == CURLE_OK ? "closed by etcd" : curl_easy_strerror(rc));
    sync_failed(s, why);
}

void watch_stop_all(eni_sync *s)
{
    for (uint32_t i = 0; i < s->nw; i++)
        watch_free(s, s->w[i], 0);
    free(s->w);
    s->w = NULL;
    s->nw = 0;
}

void watch_resync_all(eni_sync *s)
{
    for (uint32_t i = 0; i < s->nw; i++) {
        stream_end(s, s->w[i]);
        s->w[i]->next = 0;
    }
}

uint32_t watch_running(const eni_sync *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->nw; i++)
        n += s->w[i]->h != NULL;
    return n;
}
