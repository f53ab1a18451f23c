/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* etcd 3.4's JSON gateway (grpc-gateway over etcdserverpb's rpc.proto):
 * requests are POSTed JSON bodies whose `bytes` fields (keys, values,
 * range ends) are base64 and whose int64 fields come back as strings. */
#ifndef ENI_SYNC_ETCD_H
#define ENI_SYNC_ETCD_H

#include <curl/curl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* A growing byte buffer, always NUL-terminated. */
struct etcd_buf {
    char *p;
    size_t n, cap;
};
int etcd_buf_add(struct etcd_buf *b, const char *data, size_t n);

/* etcd's default --max-txn-ops is 128: one op stays free for the manifest. */
#define ETCD_TXN_OPS 127
#define ETCD_ENDPOINTS_MAX 8

struct etcd {
    CURL *easy;             /* unary requests; keeps its connection alive */
    char *all;              /* the endpoints, comma-separated, split in place */
    char *urls[ETCD_ENDPOINTS_MAX];
    unsigned n, cur;
    char *url;              /* the one in use, without a trailing '/' */
    long timeout_ms;
    const atomic_int *abort; /* set: requests in flight give up (stop) */
    uint64_t sent, received; /* body bytes */
    char cluster[32];       /* header.cluster_id of the last answer */
    int64_t revision;       /* the highest header.revision answered */
    char err[160];          /* why the last call failed */
};

/* @p endpoints: "http://a:2379[,http://b:2379...]", members of one cluster
 * (revisions are cluster-wide, so a watch resumes on any of them). 0, -1
 * out of memory, -2 a malformed list. */
int etcd_open(struct etcd *e, const char *endpoints, long timeout_ms, const atomic_int *abort);
void etcd_close(struct etcd *e);
/* After a failure: the next endpoint. */
void etcd_rotate(struct etcd *e);

/* POST @p body (consumed) to @p path ("/v3/kv/range"...). Returns the
 * answer, or NULL with e->err set (etcd unreachable, or it refused). */
json_t *etcd_call(struct etcd *e, const char *path, json_t *body);

/* A streaming POST (a watch) for a curl multi handle, with the same
 * endpoint, timeouts and abort rule as unary calls. @p body must outlive it. */
CURL *etcd_stream(struct etcd *e, const char *path, const char *body, curl_write_callback fn,
                  void *userdata);

/* Request pieces. */
json_t *etcd_bytes_json(const char *s);                 /* base64 JSON string */
json_t *etcd_range_req(const char *key, int prefix);    /* RangeRequest */
json_t *etcd_op_put(const char *key, const char *value); /* RequestOp */
json_t *etcd_op_delete(const char *key);
json_t *etcd_op_range(const char *key);
json_t *etcd_cmp_mod(const char *key, int64_t mod_revision); /* Compare MOD == rev */
char *etcd_watch_body(const char *prefix, int64_t start_revision); /* WatchRequest text */

/* Answer pieces. */
int64_t etcd_int(const json_t *obj, const char *name); /* int64 as "123" or 123; 0 absent */
int64_t etcd_revision(const json_t *answer);          /* header.revision */
char *etcd_bytes(const json_t *obj, const char *name); /* decoded, NUL-terminated; NULL absent */

/* base64 (RFC 4648, padded), and the range end that makes a key a prefix. */
char *etcd_b64(const char *s, size_t n);
char *etcd_unb64(const char *s, size_t *n);
char *etcd_prefix_end(const char *prefix);

#endif
