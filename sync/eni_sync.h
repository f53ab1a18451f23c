/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* libeni-sync: shares one host's security-group memberships with the other
 * hosts of a fleet through etcd 3.4 (docs/scale-out.md). A static library
 * outside libeni's stable ABI: it uses only the public API of <eni.h>, so
 * the core library never links libcurl or jansson. Calls return ENI_OK or a
 * negative eni_err (eni_error_last() is libeni's and is not set here).
 * eni_sync_nudge() and eni_sync_get_stats() may be called from any thread;
 * start, stop and free from one thread at a time. */
#ifndef ENI_SYNC_H
#define ENI_SYNC_H

#include <eni.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One sync component: one ctx, one host name, one etcd endpoint. */
typedef struct eni_sync eni_sync;

/** Called from the sync thread after it applied (or forgot, @p count 0)
 * what @p host reports for @p sg: @p count addresses and delegated prefixes.
 * It may call libeni; not eni_sync_stop(). */
typedef void (*eni_sync_remote_cb)(eni_sg_id sg, const char *host, uint32_t count,
                                   void *userdata);

/** What eni_sync_new() takes; zero fields take the defaults. */
typedef struct eni_sync_opts {
    uint32_t size;            /**< sizeof as the caller knows it. */
    uint32_t flags;           /**< None yet: 0. */
    const char *prefix;       /**< Key prefix, NULL for "/libeni/v1". */
    uint32_t period_ms;       /**< Check the local model this often, and re-read it
                                   when its generation moved (1000). */
    uint32_t backoff_min_ms;  /**< First retry after a failure (100). */
    uint32_t backoff_max_ms;  /**< Retries back off up to this (5000). */
    uint32_t timeout_ms;      /**< One request to etcd (5000). */
    uint32_t audit_ms;        /**< Re-read this host's manifest this often, to undo
                                   others' writes of its keys (10 x period_ms). */
    eni_log_cb log_fn;        /**< Log lines, or NULL. */
    void *log_userdata;       /**< Passed to log_fn. */
    uint32_t log_level;       /**< Threshold, an ::eni_log_level; 0: warnings. */
    uint32_t reserved0;       /**< Must be 0. */
    eni_sync_remote_cb remote_fn; /**< Applied-set callback, or NULL. */
    void *remote_userdata;    /**< Passed to remote_fn. */
} eni_sync_opts;

#define ENI_SYNC_OPTS_INIT { sizeof(eni_sync_opts), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/** Counters since eni_sync_new(), for tests, benchmarks and monitoring. */
typedef struct eni_sync_stats {
    uint32_t size;          /**< Set by the caller. */
    uint32_t connected;     /**< 1 while the last request to etcd succeeded. */
    uint32_t pending;       /**< 1 while the model has changes etcd has not got. */
    uint32_t published;     /**< Group keys this host has in etcd now. */
    uint32_t watches;       /**< Groups watched now. */
    uint32_t watching;      /**< Of those, with a live watch stream. */
    uint64_t passes;        /**< Reads of the local model (a period whose
                                 generation did not move reads nothing). */
    uint64_t txns;          /**< Write transactions committed. */
    uint64_t conflicts;     /**< Another writer of this host's keys seen (a refused
                                 transaction, or a changed manifest). */
    uint64_t puts;          /**< Keys written. */
    uint64_t deletes;       /**< Keys deleted. */
    uint64_t ranges;        /**< Full reads of a group (first watch, compaction, new cluster). */
    uint64_t compactions;   /**< Watches that found their revision compacted. */
    uint64_t watch_events;  /**< Key events received. */
    uint64_t applied;       /**< Remote sets applied or forgotten in the ctx. */
    uint64_t rejected;      /**< Values refused (bad JSON or addresses). */
    uint64_t errors;        /**< Failed requests and dropped streams. */
    uint64_t reconnects;    /**< Times etcd answered again after a failure. */
    uint64_t bytes_sent;    /**< Request bodies, HTTP framing excluded. */
    uint64_t bytes_received;/**< Response bodies, watch streams included. */
    int64_t revision;       /**< Highest etcd revision seen. */
    char last_error[160];   /**< The last failure, "" if none. */
} eni_sync_stats;

#define ENI_SYNC_STATS_INIT { sizeof(eni_sync_stats), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, \
                             0, 0, 0, 0, 0, 0, 0, {0} }

/** eni_sync_stop() flag: delete this host's keys (a clean leave). */
#define ENI_SYNC_LEAVE 1u

/**
 * Create a sync component for @p ctx. Nothing runs until eni_sync_start().
 * @p endpoint is etcd's client URL (`http://127.0.0.1:2379`), or up to 8
 * members' URLs separated by commas (tried in turn after a failure); @p host names
 * this host in keys: 1..255 printable characters without spaces or '/'.
 * Returns ENI_OK, ENI_EINVAL (bad arguments), ENI_EVERSION (opts size) or
 * ENI_ENOMEM. Free it before its ctx.
 */
int eni_sync_new(eni_ctx *ctx, const char *endpoint, const char *host,
                 const eni_sync_opts *opts, eni_sync **out);

/** Start the sync thread. ENI_ESTATE if it runs already or was stopped. */
int eni_sync_start(eni_sync *s);

/** The local model changed: publish now instead of at the next period. Any thread. */
int eni_sync_nudge(eni_sync *s);

/**
 * Stop the thread. With ::ENI_SYNC_LEAVE, first delete this host's keys
 * (bounded by the request timeout). The ctx keeps the remote members last
 * applied either way. ENI_ESTATE if it was not running.
 */
int eni_sync_stop(eni_sync *s, uint32_t flags);

/** Stop (without leaving) if needed and free. NULL is ignored. */
void eni_sync_free(eni_sync *s);

/** Copy the counters; set out->size first. Any thread. */
int eni_sync_get_stats(eni_sync *s, eni_sync_stats *out);

/**
 * The operator's removal of a host that will not come back (it crashed and
 * its keys stay, docs/scale-out.md): delete every key @p host published,
 * in transactions guarded by its manifest's revision. @p deleted receives
 * the number of group keys removed (may be NULL). ENI_ENOTFOUND when etcd
 * has no manifest for it, ENI_EBUSY when the host wrote meanwhile,
 * ENI_EBACKEND when etcd cannot be reached.
 */
int eni_sync_forget_host(const char *endpoint, const char *host, const eni_sync_opts *opts,
                         uint32_t *deleted);

/** Called by eni_sync_list_hosts() for each host with a manifest. */
typedef void (*eni_sync_host_cb)(const char *host, uint32_t groups, int64_t mod_revision,
                                 void *userdata);

/** List the hosts that have published (their manifests), in name order. */
int eni_sync_list_hosts(const char *endpoint, const eni_sync_opts *opts, eni_sync_host_cb cb,
                        void *userdata);

#ifdef __cplusplus
}
#endif

#endif /* ENI_SYNC_H */
