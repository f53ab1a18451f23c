/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* What the files of libeni-sync share: the sync object and the few types
 * that pass between reading the model (local.c), writing this host's keys
 * (publish.c), watching other hosts' (watch.c) and applying them (apply.c).
 * Everything but the counters' snapshot and the flags belongs to the sync
 * thread alone. */
#ifndef ENI_SYNC_INTERNAL_H
#define ENI_SYNC_INTERNAL_H

#include "eni_sync.h"
#include "etcd.h"

#include <pthread.h>

/* A group key of one host, by its group part "<vpc-id>/sg/<sg-id>", with
 * the JSON list of addresses; value NULL: what etcd holds is unknown. */
struct entry {
    char *group;
    char *value;
};

struct entries {
    struct entry *v;
    uint32_t n, cap;
};

/* A group that a rule of a local interface's group references. */
struct ref {
    eni_sg_id sg;
    char *group;
};

/* What the local model says, read in one pass (local.c). */
struct view {
    struct entries publish; /* sorted by group */
    struct ref *refs;       /* sorted by sg */
    uint32_t nrefs;
};

/* What one other host said about a watched group, as applied to the ctx. */
struct source {
    char *host;
    char *value;
};

struct watch {
    eni_sync *s;
    eni_sg_id sg;
    char *group;     /* "<vpc-id>/sg/<sg-id>" */
    char *prefix;    /* "<prefix>/<group>/host/" */
    CURL *h;         /* the stream, NULL when not running */
    char *body;
    struct etcd_buf line; /* a partial message of the stream */
    int64_t next;    /* revision to resume from; 0: read the group whole first */
    int resync;      /* the stream was cancelled (compaction): read it whole */
    struct source *src;
    uint32_t nsrc;
};

struct eni_sync {
    eni_ctx *ctx;
    char *host, *prefix, *manifest;
    eni_sync_opts o;
    struct etcd etcd;
    CURLM *multi;
    pthread_t thread;
    int started, joined;
    atomic_int stop, nudged, abort_io;
    uint32_t stop_flags;

    pthread_mutex_t mu;
    eni_sync_stats shared; /* the counters as last published, under mu */

    /* The sync thread's own. */
    eni_sync_stats st;
    struct entries published; /* this host's keys in etcd, sorted by group */
    int64_t manifest_rev;     /* mod_revision of the manifest, 0: none */
    int loaded;               /* published reflects etcd */
    struct watch **w;         /* sorted by sg */
    uint32_t nw;
    struct view want;
    int have_view, connected;
    uint64_t model_gen;       /* eni_ctx_model_generation() the view was read at */
    uint32_t backoff;
    uint64_t retry_at, next_pass, publish_after, next_audit, rng;
    char cluster[32];
};

#define ENI_SYNC_PREFIX "/libeni/v1"

/* sync.c */
uint64_t sync_now_ms(void);
void sync_log(eni_sync *s, uint32_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sync_failed(eni_sync *s, const char *what);
int sync_opts(const eni_sync_opts *in, eni_sync_opts *out);
int sync_curl_init(void);
int sync_host_ok(const char *host);

/* local.c */
int local_read(eni_ctx *ctx, struct view *out);
void view_free(struct view *v);
void entries_free(struct entries *e);
int entries_add(struct entries *e, const char *group, const char *value);

/* manifest.c */
char *sync_key(const char *prefix, const char *group, const char *host); /* group NULL: manifest */
char *manifest_value(const struct entries *groups);
int manifest_read(struct etcd *e, const char *key, struct entries *groups, int64_t *rev);
json_t *txn_guarded(const char *manifest, int64_t rev);
int delete_host(struct etcd *e, const char *prefix, const char *host,
                const struct entries *groups, int64_t rev, uint64_t *txns);

/* publish.c */
int publish_load(eni_sync *s);
int publish_changes(eni_sync *s);
int publish_pending(const eni_sync *s);
int publish_leave(eni_sync *s);

/* watch.c */
int watch_set(eni_sync *s, const struct ref *refs, uint32_t n);
void watch_service(eni_sync *s);
void watch_reaped(eni_sync *s, CURL *h, CURLcode rc);
void watch_stop_all(eni_sync *s);
void watch_resync_all(eni_sync *s);
uint32_t watch_running(const eni_sync *s);

/* apply.c */
void apply_event(eni_sync *s, struct watch *w, const json_t *kv, int deleted);
void apply_put(eni_sync *s, struct watch *w, const char *host, const char *value);
void apply_delete(eni_sync *s, struct watch *w, const char *host);
void apply_full(eni_sync *s, struct watch *w, const json_t *kvs);
void apply_forget_all(eni_sync *s, struct watch *w);

#endif
