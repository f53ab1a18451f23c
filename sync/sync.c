/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The sync object and its thread. One thread does everything that touches
 * etcd (requests, watch streams on one curl multi handle) and everything
 * it feeds into the ctx, so nothing in the agent's control thread or the
 * packet path ever waits for etcd: they only meet in libeni's ctx lock,
 * for calls that are short. Failures switch to "disconnected" and retry
 * with bounded exponential backoff; the ctx keeps the last sets applied. */
#include "sync_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static int curl_rc;

static void curl_init_once(void)
{
    curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* curl_global_init is not safe to race with other threads' curl calls. */
int sync_curl_init(void)
{
    pthread_once(&curl_once, curl_init_once);
    return curl_rc;
}

uint64_t sync_now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

void sync_log(eni_sync *s, uint32_t level, const char *fmt, ...)
{
    if (!s->o.log_fn || level > s->o.log_level)
        return;
    char line[512];
    int n = snprintf(line, sizeof line, "sync %s: ", s->host);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    s->o.log_fn(level, line, s->o.log_userdata);
}

/* xorshift64: jitter spreads a fleet's retries after an etcd restart. */
static uint32_t jitter(eni_sync *s, uint32_t ms)
{
    s->rng ^= s->rng << 13;
    s->rng ^= s->rng >> 7;
    s->rng ^= s->rng << 17;
    return ms / 2 + (uint32_t)(s->rng % (ms / 2 + 1));
}

void sync_failed(eni_sync *s, const char *what)
{
    s->st.errors++;
    snprintf(s->st.last_error, sizeof s->st.last_error, "%s", what);
    if (s->connected)
        sync_log(s, ENI_LOG_WARN, "etcd: %s; enforcing the last known members, retrying", what);
    s->connected = 0;
    etcd_rotate(&s->etcd); /* another member, if there are several */
    s->backoff = !s->backoff ? s->o.backoff_min_ms
                 : s->backoff * 2 > s->o.backoff_max_ms ? s->o.backoff_max_ms
                                                        : s->backoff * 2;
    s->retry_at = sync_now_ms() + jitter(s, s->backoff);
}

int sync_host_ok(const char *host)
{
    size_t n = host ? strlen(host) : 0;
    if (n == 0 || n >= ENI_REMOTE_SOURCE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (host[i] <= ' ' || host[i] > '~' || host[i] == '/')
            return 0;
    return 1;
}

/* "/a/b": keys are built by appending "/<vpc-id>/...". */
static int prefix_ok(const char *p)
{
    size_t n = strlen(p);
    if (n < 2 || n > 128 || p[0] != '/' || p[n - 1] == '/')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] <= ' ' || p[i] > '~')
            return 0;
    return 1;
}

int sync_opts(const eni_sync_opts *in, eni_sync_opts *out)
{
    eni_sync_opts o = ENI_SYNC_OPTS_INIT;
    if (in) {
        if (in->size < offsetof(eni_sync_opts, prefix) || in->size > 4096)
            return ENI_EVERSION;
        memcpy(&o, in, in->size < sizeof o ? in->size : sizeof o);
        o.size = sizeof o;
    }
    if (o.flags || o.reserved0 || (o.prefix && !prefix_ok(o.prefix)))
        return ENI_EINVAL;
    o.prefix = o.prefix ? o.prefix : ENI_SYNC_PREFIX;
    o.period_ms = o.period_ms ? o.period_ms : 1000;
    o.backoff_min_ms = o.backoff_min_ms ? o.backoff_min_ms : 100;
    o.backoff_max_ms = o.backoff_max_ms ? o.backoff_max_ms : 5000;
    o.timeout_ms = o.timeout_ms ? o.timeout_ms : 5000;
    o.audit_ms = o.audit_ms          ? o.audit_ms
                 : o.period_ms < 429496 ? 10 * o.period_ms
                                        : UINT32_MAX;
    o.log_level = o.log_level ? o.log_level : ENI_LOG_WARN;
    if (o.backoff_min_ms > o.backoff_max_ms)
        return ENI_EINVAL;
    *out = o;
    return ENI_OK;
}

/* ---- the thread ----------------------------------------------------------- */

/* Read the model when it changed since the last read: its generation says
 * so in one short call, where a read is many (docs/scale-out.md). The
 * generation is taken before the read, so a change made during it brings
 * another read. A nudge reads whatever the generation says (it is the
 * agent's word that something changed). */
static void read_model(eni_sync *s, int nudged)
{
    struct view v;
    uint64_t gen = 0;
    int known = eni_ctx_model_generation(s->ctx, &gen) == ENI_OK;
    if (s->have_view && known && gen == s->model_gen && !nudged)
        return;
    if (local_read(s->ctx, &v) != ENI_OK) {
        sync_log(s, ENI_LOG_WARN, "reading the model: out of memory; next pass");
        return;
    }
    view_free(&s->want);
    s->want = v;
    s->have_view = 1;
    s->model_gen = gen; /* used only while known */
    s->st.passes++;
    (void)watch_set(s, v.refs, v.nrefs);
}

/* The first request after a failure reads this host's manifest: it proves
 * etcd answers and says whether anyone wrote this host's keys meanwhile. */
static void try_connect(eni_sync *s)
{
    char before[sizeof s->cluster];
    memcpy(before, s->cluster, sizeof before);
    int rc = publish_load(s);
    if (rc == ENI_OK && before[0] && strcmp(before, s->etcd.cluster)) {
        /* A new cluster (restored or rebuilt): its revisions are not ours. */
        sync_log(s, ENI_LOG_WARN, "etcd cluster changed: reading everything again");
        s->loaded = 0;
        watch_resync_all(s);
        rc = publish_load(s);
    }
    if (rc != ENI_OK) {
        sync_failed(s, s->etcd.err);
        return;
    }
    memcpy(s->cluster, s->etcd.cluster, sizeof s->cluster);
    if (s->st.errors) {
        s->st.reconnects++;
        sync_log(s, ENI_LOG_INFO, "etcd answers again");
    }
    s->connected = 1;
    s->backoff = 0;
}

static void share_stats(eni_sync *s)
{
    pthread_mutex_lock(&s->mu);
    s->shared = s->st;
    s->shared.connected = (uint32_t)s->connected;
    s->shared.pending = (uint32_t)publish_pending(s);
    s->shared.published = s->published.n;
    s->shared.watches = s->nw;
    s->shared.watching = watch_running(s);
    s->shared.bytes_sent = s->etcd.sent;
    s->shared.bytes_received = s->etcd.received;
    if (s->etcd.revision > s->shared.revision)
        s->shared.revision = s->etcd.revision;
    pthread_mutex_unlock(&s->mu);
}

/* Someone else wrote this host's keys (an operator's forget of a living
 * host, a second process under its name, an etcd restored from a backup):
 * the manifest's revision is not the one this host wrote. Read what etcd
 * holds; the publish that follows writes the model's view back. */
static void audit(eni_sync *s)
{
    struct entries g = {0};
    int64_t rev = 0;
    int rc = manifest_read(&s->etcd, s->manifest, &g, &rev);
    entries_free(&g);
    if (rc == ENI_EBACKEND) {
        sync_failed(s, s->etcd.err);
    } else if (rev != s->manifest_rev) {
        s->st.conflicts++;
        sync_log(s, ENI_LOG_WARN, "%s's keys were changed by another writer; writing them again",
                 s->host);
        s->loaded = 0;
        if (publish_load(s) != ENI_OK)
            sync_failed(s, s->etcd.err);
    }
}

static int wait_ms(eni_sync *s, uint64_t now)
{
    uint64_t until = s->next_pass;
    if (s->connected && s->next_audit < until)
        until = s->next_audit;
    if (!s->connected && s->retry_at < until)
        until = s->retry_at;
    if (s->connected && publish_pending(s) && s->publish_after < until)
        until = s->publish_after;
    return until > now ? (int)(until - now) : 0;
}

static void step(eni_sync *s)
{
    uint64_t now = sync_now_ms();
    int nudged = atomic_exchange(&s->nudged, 0);
    if (nudged || now >= s->next_pass) {
        read_model(s, nudged);
        s->next_pass = now + s->o.period_ms;
    }
    if (!s->connected && now >= s->retry_at)
        try_connect(s);
    if (s->connected && now >= s->next_audit) {
        if (s->next_audit)
            audit(s);
        s->next_audit = now + s->o.audit_ms;
    }
    int rc = s->connected && now >= s->publish_after ? publish_changes(s) : ENI_OK;
    if (rc == ENI_EBUSY || rc == ENI_ENOMEM) /* a conflict, or no memory: not again at once */
        s->publish_after = now + (rc == ENI_EBUSY ? s->o.backoff_max_ms : s->o.backoff_min_ms);
    if (s->connected)
        watch_service(s);
    share_stats(s);
    curl_multi_poll(s->multi, NULL, 0, wait_ms(s, sync_now_ms()), NULL);
    int running;
    curl_multi_perform(s->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left)))
        if (m->msg == CURLMSG_DONE)
            watch_reaped(s, m->easy_handle, m->data.result);
    share_stats(s); /* what the streams delivered, before the next wait */
}

static void leave(eni_sync *s)
{
    int rc = s->loaded ? ENI_OK : publish_load(s);
    if (rc == ENI_OK)
        rc = publish_leave(s);
    if (rc == ENI_OK)
        sync_log(s, ENI_LOG_INFO, "left: this host's keys are deleted");
    else
        sync_log(s, ENI_LOG_WARN, "could not leave (%s): this host's keys stay until "
                 "`eni-sync forget %s`", s->etcd.err, s->host);
}

static void *run(void *arg)
{
    eni_sync *s = arg;
    while (!atomic_load(&s->stop))
        step(s);
    if (s->stop_flags & ENI_SYNC_LEAVE)
        leave(s);
    watch_stop_all(s);
    share_stats(s);
    return NULL;
}

/* ---- the API -------------------------------------------------------------- */

int eni_sync_new(eni_ctx *ctx, const char *endpoint, const char *host,
                 const eni_sync_opts *opts, eni_sync **out)
{
    eni_sync_opts o;
    if (!ctx || !out || !endpoint || !sync_host_ok(host))
        return ENI_EINVAL;
    int rc = sync_opts(opts, &o);
    if (rc)
        return rc;
    eni_sync *s = calloc(1, sizeof *s);
    if (!s || sync_curl_init()) {
        free(s);
        return ENI_ENOMEM;
    }
    pthread_mutex_init(&s->mu, NULL);
    s->ctx = ctx;
    s->o = o;
    s->host = strdup(host);
    s->prefix = strdup(o.prefix);
    s->o.prefix = s->prefix;
    s->manifest = s->prefix ? sync_key(s->prefix, NULL, host) : NULL;
    s->multi = curl_multi_init();
    s->rng = sync_now_ms() * 0x9e3779b97f4a7c15ull | 1;
    s->st.size = sizeof s->st;
    int bad = etcd_open(&s->etcd, endpoint, (long)o.timeout_ms, &s->abort_io);
    if (bad || !s->host || !s->manifest || !s->multi) {
        eni_sync_free(s);
        return bad == -2 ? ENI_EINVAL : ENI_ENOMEM;
    }
    for (const char *c = host; *c; c++)
        s->rng = (s->rng ^ (uint8_t)*c) * 0x100000001b3ull;
    share_stats(s);
    *out = s;
    return ENI_OK;
}

int eni_sync_start(eni_sync *s)
{
    if (!s)
        return ENI_EINVAL;
    if (s->started)
        return ENI_ESTATE;
    if (pthread_create(&s->thread, NULL, run, s))
        return ENI_ENOMEM;
    s->started = 1;
    return ENI_OK;
}

int eni_sync_nudge(eni_sync *s)
{
    if (!s)
        return ENI_EINVAL;
    atomic_store(&s->nudged, 1);
    curl_multi_wakeup(s->multi);
    return ENI_OK;
}

int eni_sync_stop(eni_sync *s, uint32_t flags)
{
    if (!s || (flags & ~ENI_SYNC_LEAVE))
        return ENI_EINVAL;
    if (!s->started || s->joined)
        return ENI_ESTATE;
    s->stop_flags = flags;
    if (!(flags & ENI_SYNC_LEAVE))
        atomic_store(&s->abort_io, 1); /* a request in flight gives up */
    atomic_store(&s->stop, 1);
    curl_multi_wakeup(s->multi);
    pthread_join(s->thread, NULL);
    s->joined = 1;
    return ENI_OK;
}

void eni_sync_free(eni_sync *s)
{
    if (!s)
        return;
    if (s->started && !s->joined)
        (void)eni_sync_stop(s, 0);
    watch_stop_all(s);
    if (s->multi)
        curl_multi_cleanup(s->multi);
    etcd_close(&s->etcd);
    entries_free(&s->published);
    view_free(&s->want);
    pthread_mutex_destroy(&s->mu);
    free(s->host);
    free(s->prefix);
    free(s->manifest);
    free(s);
}

int eni_sync_get_stats(eni_sync *s, eni_sync_stats *out)
{
    if (!s || !out || out->size < offsetof(eni_sync_stats, passes))
        return ENI_EINVAL;
    size_t n = out->size < sizeof *out ? out->size : sizeof *out;
    pthread_mutex_lock(&s->mu);
    memcpy(out, &s->shared, n);
    pthread_mutex_unlock(&s->mu);
    out->size = (uint32_t)n;
    return ENI_OK;
}
