/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The etcd JSON-gateway client: one unary POST at a time on a kept-alive
 * connection, stream handles for watches, and the request and answer
 * shapes of rpc.proto (v3.4) that libeni-sync uses. */
#include "etcd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int etcd_buf_add(struct etcd_buf *b, const char *data, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
    b->p[b->n] = 0;
    return 0;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *ud)
{
    /* 0 fails the transfer (CURLE_WRITE_ERROR). */
    return etcd_buf_add(ud, data, size * nmemb) ? 0 : size * nmemb;
}

/* Stop must not wait for a request to etcd that is down or slow. */
static int progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    const atomic_int *abort = ud;
    return abort && atomic_load(abort) ? 1 : 0;
}

static void common_opts(struct etcd *e, CURL *h, const char *path)
{
    char url[1024];
    snprintf(url, sizeof url, "%s%s", e->url, path);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, e->timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)e->abort);
    /* A half-open connection to a dead etcd is found by keepalive probes. */
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 10L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 5L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
}

int etcd_open(struct etcd *e, const char *endpoints, long timeout_ms, const atomic_int *abort)
{
    memset(e, 0, sizeof *e);
    e->timeout_ms = timeout_ms;
    e->abort = abort;
    e->all = strdup(endpoints);
    e->easy = curl_easy_init();
    if (!e->all || !e->easy) {
        etcd_close(e);
        return -1;
    }
    for (char *save = NULL, *u = strtok_r(e->all, ",", &save); u; u = strtok_r(NULL, ",", &save)) {
        size_t n = strlen(u);
        while (n && u[n - 1] == '/')
            u[--n] = 0;
        if (e->n == ETCD_ENDPOINTS_MAX || (strncmp(u, "http://", 7) && strncmp(u, "https://", 8))) {
            etcd_close(e);
            return -2;
        }
        e->urls[e->n++] = u;
    }
    if (!e->n) {
        etcd_close(e);
        return -2;
    }
    e->url = e->urls[0];
    return 0;
}

void etcd_rotate(struct etcd *e)
{
    e->cur = (e->cur + 1) % e->n;
    e->url = e->urls[e->cur];
}

void etcd_close(struct etcd *e)
{
    if (e->easy)
        curl_easy_cleanup(e->easy);
    free(e->all);
    e->easy = NULL;
    e->all = NULL;
    e->url = NULL;
}

static void note_header(struct etcd *e, const json_t *answer)
{
    const char *id = json_string_value(json_object_get(json_object_get(answer, "header"),
                                                       "cluster_id"));
    if (id)
        snprintf(e->cluster, sizeof e->cluster, "%s", id);
    int64_t rev = etcd_revision(answer);
    if (rev > e->revision)
        e->revision = rev;
}

json_t *etcd_call(struct etcd *e, const char *path, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        snprintf(e->err, sizeof e->err, "%s: out of memory", path);
        return NULL;
    }
    struct etcd_buf b = {0};
    CURL *h = e->easy;
    curl_easy_reset(h);
    common_opts(e, h, path);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, e->timeout_ms);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    e->sent += strlen(text);
    e->received += b.n;
    free(text);
    json_t *answer = NULL;
    if (rc != CURLE_OK) {
        snprintf(e->err, sizeof e->err, "%s: %s", path, curl_easy_strerror(rc));
    } else if (!(answer = json_loadb(b.p ? b.p : "", b.n, 0, NULL))) {
        snprintf(e->err, sizeof e->err, "%s: HTTP %ld, not JSON", path, code);
    } else if (code != 200 || json_object_get(answer, "error")) {
        const char *msg = json_string_value(json_object_get(answer, "message"));
        snprintf(e->err, sizeof e->err, "%s: HTTP %ld: %s", path, code, msg ? msg : "?");
        json_decref(answer);
        answer = NULL;
    } else {
        note_header(e, answer);
    }
    free(b.p);
    return answer;
}

CURL *etcd_stream(struct etcd *e, const char *path, const char *body, curl_write_callback fn,
                  void *userdata)
{
    CURL *h = curl_easy_init();
    if (!h)
        return NULL;
    common_opts(e, h, path);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fn);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, userdata);
    e->sent += strlen(body);
    return h;
}

/* ---- base64 ------------------------------------------------------------- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *etcd_b64(const char *s, size_t n)
{
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        *o++ = B64[v >> 18 & 63];
        *o++ = B64[v >> 12 & 63];
        *o++ = i + 1 < n ? B64[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? B64[v & 63] : '=';
    }
    *o = 0;
    return out;
}

char *etcd_unb64(const char *s, size_t *n)
{
    size_t len = strlen(s);
    char *out = len % 4 ? NULL : malloc(len / 4 * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = 0;
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            const char *c = strchr(B64, s[i + k]);
            if (s[i + k] == '=' && i + 4 == len && k >= 2)
                pad++; /* only the last group may end in one or two '=' */
            else if (!c || pad) {
                free(out);
                return NULL;
            }
            v = v << 6 | (c && !pad ? (uint32_t)(c - B64) : 0);
        }
        out[o++] = (char)(v >> 16);
        if (pad < 2)
            out[o++] = (char)(v >> 8 & 255);
        if (pad < 1)
            out[o++] = (char)(v & 255);
    }
    out[o] = 0;
    if (n)
        *n = o;
    return out;
}

char *etcd_prefix_end(const char *prefix)
{
    /* Keys here are printable, so the last byte below 0xff is the last one. */
    char *end = strdup(prefix);
    size_t n = end ? strlen(end) : 0;
    if (n)
        end[n - 1]++;
    return end;
}

/* ---- requests ----------------------------------------------------------- */

json_t *etcd_bytes_json(const char *s)
{
    char *b = etcd_b64(s, strlen(s));
    json_t *j = b ? json_string(b) : NULL;
    free(b);
    return j;
}

json_t *etcd_range_req(const char *key, int prefix)
{
    json_t *r = json_object();
    json_object_set_new(r, "key", etcd_bytes_json(key));
    if (prefix) {
        char *end = etcd_prefix_end(key);
        if (end)
            json_object_set_new(r, "range_end", etcd_bytes_json(end));
        free(end);
    }
    return r;
}

static json_t *op(const char *kind, json_t *req)
{
    json_t *o = json_object();
    json_object_set_new(o, kind, req);
    return o;
}

json_t *etcd_op_put(const char *key, const char *value)
{
    json_t *r = json_object();
    json_object_set_new(r, "key", etcd_bytes_json(key));
    json_object_set_new(r, "value", etcd_bytes_json(value));
    return op("request_put", r);
}

json_t *etcd_op_delete(const char *key)
{
    return op("request_delete_range", etcd_range_req(key, 0));
}

json_t *etcd_op_range(const char *key)
{
    return op("request_range", etcd_range_req(key, 0));
}

json_t *etcd_cmp_mod(const char *key, int64_t mod_revision)
{
    /* result EQUAL (0) is the default; an absent key has mod_revision 0. */
    json_t *c = json_object();
    json_object_set_new(c, "target", json_string("MOD"));
    json_object_set_new(c, "result", json_string("EQUAL"));
    json_object_set_new(c, "key", etcd_bytes_json(key));
    json_object_set_new(c, "mod_revision", json_integer(mod_revision));
    return c;
}

char *etcd_watch_body(const char *prefix, int64_t start_revision)
{
    /* progress_notify keeps the resume revision fresh on a quiet group. */
    json_t *c = etcd_range_req(prefix, 1);
    json_object_set_new(c, "start_revision", json_integer(start_revision));
    json_object_set_new(c, "progress_notify", json_true());
    json_t *w = op("create_request", c);
    char *text = json_dumps(w, JSON_COMPACT);
    json_decref(w);
    return text;
}

/* ---- answers ------------------------------------------------------------ */

int64_t etcd_int(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    const char *s = json_string_value(v);
    return s ? strtoll(s, NULL, 10) : 0;
}

int64_t etcd_revision(const json_t *answer)
{
    return etcd_int(json_object_get(answer, "header"), "revision");
}

char *etcd_bytes(const json_t *obj, const char *name)
{
    const char *s = json_string_value(json_object_get(obj, name));
    return s ? etcd_unb64(s, NULL) : NULL;
}
