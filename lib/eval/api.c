/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The evaluator's public calls: workers, bursts, explain, conntrack
 * allowance and statistics, flow listing and sweeping. */
#include <stdio.h>
#include <string.h>

#include "eval_internal.h"
#include "icmp.h"
#include "model/model.h"
#include "parse.h"
#include "util/abi_struct.h"


int eni_eval_worker_new(eni_ctx *ctx, eni_eval_worker **out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_eval_worker_new: %s is NULL", ctx ? "out" : "ctx");
    eni_eval_worker *w = eni__calloc(ctx, 1, sizeof *w);
    if (!w)
        return eni__fail(ENI_ENOMEM, NULL, "eni_eval_worker_new: out of memory");
    w->ctx = ctx;
    w->counters.size = sizeof w->counters;
    eni__lock(ctx);
    w->next = ctx->eval->workers;
    ctx->eval->workers = w;
    eni__unlock(ctx);
    *out = w;
    return ENI_OK;
}

void eni_eval_worker_free(eni_eval_worker *w)
{
    if (!w)
        return;
    eni_ctx *ctx = w->ctx;
    eni__lock(ctx);
    for (eni_eval_worker **pp = &ctx->eval->workers; *pp; pp = &(*pp)->next)
        if (*pp == w) {
            *pp = w->next;
            break;
        }
    eni__eval_reclaim(ctx);
    eni__unlock(ctx);
    eni__free(ctx, w);
}

int eni_eval_worker_counters(const eni_eval_worker *w, eni_eval_counters *out)
{
    if (!w || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_eval_worker_counters: %s is NULL",
                         w ? "out" : "worker");
    /* acl_denied was appended: a caller of the first layout gets the rest */
    return eni__struct_copy_out(out, out->size, &w->counters, sizeof w->counters,
                               offsetof(eni_eval_counters, acl_denied))
               ? ENI_OK
               : eni__fail(ENI_EINVAL, NULL, "eni_eval_worker_counters: out->size too small");
}

/* One burst call, of records or of frames, in one direction or one per
 * packet: the four public calls are this one with different arguments. */
struct burst_call {
    const char *fn;
    bool frames;                  /* frames/lens, else pkts */
    bool per_packet;              /* dirs, else dir */
    uint32_t dir;
    const uint8_t *dirs;
    const eni_pkt *pkts;
    const uint8_t *const *frames_in;
    const uint32_t *lens;
    uint32_t n;
    uint64_t now;
    uint32_t flags;
    eni_verdict *out;
};

static bool dir_ok(uint32_t dir)
{
    return dir == ENI_DIR_INBOUND || dir == ENI_DIR_OUTBOUND;
}

/* Every argument, before anything is judged: a refused call changes nothing. */
ENI__HOT int check_burst(const eni_eval_worker *w, const struct burst_call *b)
{
    bool input = b->frames ? b->frames_in && b->lens : b->pkts != NULL;
    if (!w || (b->n && (!input || !b->out || (b->per_packet && !b->dirs))))
        return eni__fail(ENI_EINVAL, NULL, "%s: NULL argument", b->fn);
    if (!b->per_packet && !dir_ok(b->dir))
        return eni__fail(ENI_EINVAL, NULL, "%s: direction %u is neither inbound nor outbound",
                         b->fn, b->dir);
    for (uint32_t i = 0; b->per_packet && i < b->n; i++)
        if (!dir_ok(b->dirs[i]))
            return eni__fail(ENI_EINVAL, NULL, "%s: dirs[%u] is %u, neither inbound nor outbound",
                             b->fn, i, b->dirs[i]);
    uint32_t known = ENI_EVAL_WANT_RULE | (b->frames ? ENI_EVAL_L3 : 0);
    if (b->flags & ~known)
        return eni__fail(ENI_EINVAL, NULL, "%s: unknown flags 0x%x", b->fn, b->flags & ~known);
    return ENI_OK;
}

/* Enter a burst: claim the worker and publish our epoch *before* reading
 * any pointer, in one compare-exchange (the store it replaces needed the
 * same full fence). A worker's epoch is 0 only while no burst runs on it,
 * so a second thread inside the same worker fails the exchange instead of
 * racing on its counters. */
static inline bool enter(eni_eval_worker *w)
{
    uint64_t idle = 0;
    uint64_t e = atomic_load(&w->ctx->eval->epoch);
    return atomic_compare_exchange_strong(&w->epoch, &idle, e);
}

static inline void leave(eni_eval_worker *w)
{
    atomic_store_explicit(&w->epoch, 0, memory_order_release);
}

/* Parse m frames into records; one that does not parse gets family 0,
 * which the burst path answers MALFORMED. Inlined once per l3 value. */
ENI__HOT void parse_frames(const uint8_t *const *frames, const uint32_t *lens, uint32_t m,
                           eni_pkt *p, bool l3)
{
    for (uint32_t i = 0; i < m; i++) {
        const char *why;
        const uint8_t *f = frames[i];
        if (!f || (l3 ? eni__parse_ip(f, lens[i], &p[i], &why)
                      : eni__parse_frame(f, lens[i], &p[i], &why)) != 0)
            p[i].family = 0;
    }
}

/* Frames are parsed a group at a time into records, then judged as a burst
 * of records is. (Arguments one by one: a pointer to the call's struct
 * would keep it in memory, and its constants unfolded, in every caller.) */
static void judge_frames(struct eni_nic_dp *dp, struct eni_flows *fl, struct eni_snap *snap,
                         uint32_t dir, const uint8_t *dirs, const uint8_t *const *frames,
                         const uint32_t *lens, uint32_t n, uint64_t now, uint32_t flags,
                         eni_verdict *out, eni_eval_counters *c)
{
    enum { CHUNK = 64 };
    eni_pkt p[CHUNK];
    bool l3 = flags & ENI_EVAL_L3;
    for (uint32_t base = 0; base < n; base += CHUNK) {
        uint32_t m = n - base < CHUNK ? n - base : CHUNK;
        if (l3)
            parse_frames(frames + base, lens + base, m, p, true);
        else
            parse_frames(frames + base, lens + base, m, p, false);
        eni__eval_burst(dp, fl, snap, dir, dirs ? dirs + base : NULL, p, m, now,
                        flags & ENI_EVAL_WANT_RULE, out + base, c);
    }
}

/* Inlined into each public call, so that its constant arguments (records or
 * frames, one direction or many) fold away instead of being read back from
 * memory on every call. */
ENI__HOT int run_burst(eni_eval_worker *w, eni_nic_id nic, const struct burst_call *b)
{
    int rc = check_burst(w, b);
    if (rc != ENI_OK)
        return rc;
    if (!enter(w))
        return eni__fail(ENI_EBUSY, NULL,
                         "%s: the worker is inside another burst (a worker is one thread's)",
                         b->fn);
    struct eni_nic_dp *dp = eni__eval_dp_lookup(w->ctx, nic.v);
    if (!dp) {
        leave(w);
        return eni__fail(ENI_ENOTFOUND, "InvalidNetworkInterfaceID.NotFound",
                         "%s: the evaluator does not know this interface (never attached, or "
                         "deleted)",
                         b->fn);
    }
    struct eni_snap *snap = atomic_load_explicit(&dp->snap, memory_order_acquire);
    struct eni_flows *fl = atomic_load_explicit(&dp->flows, memory_order_acquire);
    if (b->frames)
        judge_frames(dp, fl, snap, b->dir, b->per_packet ? b->dirs : NULL, b->frames_in, b->lens,
                     b->n, b->now, b->flags, b->out, &w->counters);
    else
        eni__eval_burst(dp, fl, snap, b->dir, b->per_packet ? b->dirs : NULL, b->pkts, b->n,
                        b->now, b->flags & ENI_EVAL_WANT_RULE, b->out, &w->counters);
    leave(w);
    return ENI_OK;
}

int eni_eval_burst(eni_eval_worker *w, eni_nic_id nic, uint32_t dir, const eni_pkt *pkts,
                   uint32_t n, uint64_t now_ns, uint32_t flags, eni_verdict *out)
{
    struct burst_call b = {.fn = "eni_eval_burst", .dir = dir, .pkts = pkts, .n = n,
                           .now = now_ns, .flags = flags, .out = out};
    return run_burst(w, nic, &b);
}

int eni_eval_burst_dirs(eni_eval_worker *w, eni_nic_id nic, const uint8_t *dirs,
                        const eni_pkt *pkts, uint32_t n, uint64_t now_ns, uint32_t flags,
                        eni_verdict *out)
{
    struct burst_call b = {.fn = "eni_eval_burst_dirs", .per_packet = true, .dirs = dirs,
                           .pkts = pkts, .n = n, .now = now_ns, .flags = flags, .out = out};
    return run_burst(w, nic, &b);
}

int eni_eval_frames(eni_eval_worker *w, eni_nic_id nic, uint32_t dir, const uint8_t *const *frames,
                    const uint32_t *lens, uint32_t n, uint64_t now_ns, uint32_t flags,
                    eni_verdict *out)
{
    struct burst_call b = {.fn = "eni_eval_frames", .frames = true, .dir = dir,
                           .frames_in = frames, .lens = lens, .n = n, .now = now_ns,
                           .flags = flags, .out = out};
    return run_burst(w, nic, &b);
}

int eni_eval_frames_dirs(eni_eval_worker *w, eni_nic_id nic, const uint8_t *dirs,
                         const uint8_t *const *frames, const uint32_t *lens, uint32_t n,
                         uint64_t now_ns, uint32_t flags, eni_verdict *out)
{
    struct burst_call b = {.fn = "eni_eval_frames_dirs", .frames = true, .per_packet = true,
                           .dirs = dirs, .frames_in = frames, .lens = lens, .n = n,
                           .now = now_ns, .flags = flags, .out = out};
    return run_burst(w, nic, &b);
}

/* ---- control path --------------------------------------------------------- */

/* The interface and its dp state for a query: NULL when the evaluator has
 * none (never attached), which queries read as no flows. A query never
 * creates evaluator state. */
static int dp_peek(eni_ctx *ctx, eni_nic_id id, struct eni_nic **nic, struct eni_nic_dp **dp)
{
    int rc = eni__get_nic(ctx, id.v, nic);
    *dp = rc == ENI_OK ? eni__eval_dp_lookup(ctx, id.v) : NULL;
    return rc;
}

static struct eni_flows *flows_of(struct eni_nic_dp *dp)
{
    return dp ? atomic_load(&dp->flows) : eni__flows_empty();
}

static const char *proto_name(int proto)
{
    switch (proto) {
    case -1: return "all traffic";
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "icmpv6";
    default: return NULL;
    }
}

/* What a packet that starts no flow is, for explain's sentence. */
static const char *flowless_what(const eni_pkt *p)
{
    if (p->proto != eni__icmp_proto(p->family))
        return "a fragment without ports";
    if (p->flags & ENI_PKT_FRAGMENT)
        return "an ICMP fragment without a type";
    switch (eni__icmp_kind(p->family, p->icmp_type).cls) {
    case ICMP_ERROR: return "an ICMP error about no tracked flow";
    case ICMP_REPLY: return "an ICMP reply without its request";
    default: return "an ICMP message that has no reply";
    }
}

/* The diagnosis rule's other half: when the groups let a connection attempt
 * through, a refusal (a TCP reset) is not theirs (a group never answers; a
 * drop is a timeout). */
static const char *syn_note(const eni_pkt *p, unsigned dir)
{
    if (p->proto != 6 || (p->tcp_flags & 0x12) != 0x02 || (p->flags & ENI_PKT_FRAGMENT))
        return "";
    return dir == ENI_DIR_INBOUND
               ? "; the security groups let this connection attempt through, so a refused "
                 "connection comes from the instance (nothing listening on the port, or a host "
                 "firewall)"
               : "; the security groups let this connection attempt through, so a refused "
                 "connection comes from the remote host or what lies on the way to it";
}

int eni_eval_explain(eni_ctx *ctx, eni_nic_id nic_id, uint32_t dir, const eni_pkt *pkt,
                     uint64_t now_ns, eni_verdict *verdict, char *text, size_t textlen)
{
    ENI__CALL(ctx);
    if (!ctx || !pkt || !verdict || (text && !textlen))
        return eni__fail(ENI_EINVAL, NULL, "eni_eval_explain: NULL argument");
    if (dir != ENI_DIR_INBOUND && dir != ENI_DIR_OUTBOUND)
        return eni__fail(ENI_EINVAL, NULL, "eni_eval_explain: bad direction %u", dir);
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_nic_dp *dp;
    int rc = dp_peek(ctx, nic_id, &nic, &dp);
    /* The published snapshot when it is current (no compile per question),
     * else (stale, or no dp state) one built now and dropped after. */
    struct eni_snap *pub = dp ? atomic_load(&dp->snap) : NULL;
    bool current = pub && ctx->eval->seen_version == ctx->model->version;
    struct eni_snap *own = rc == ENI_OK && !current ? eni__eval_snapshot(ctx, nic, NULL) : NULL;
    struct eni_snap *snap = current ? pub : own;
    if (rc == ENI_OK && !snap)
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_eval_explain: out of memory");
    if (rc != ENI_OK) {
        eni__unlock(ctx);
        return rc;
    }
    eni_verdict v;
    if (pkt->family != 4 && pkt->family != 6) {
        memset(&v, 0, sizeof v);
        v.reason = ENI_REASON_MALFORMED;
    } else {
        eni__eval_one(dp, flows_of(dp), snap, dir, pkt, now_ns, false, true, &v, NULL, NULL, NULL);
    }
    if (text) {
        char g[ENI_ID_STRING_MAX] = "", r[ENI_ID_STRING_MAX] = "", detail[160] = "";
        if (v.rule.v) {
            eni_id_format(ctx, v.group.v, g, sizeof g);
            eni_id_format(ctx, v.rule.v, r, sizeof r);
            struct eni_sg_rule *rule;
            if (eni__registry_peek(ctx, ENI_KIND_SG_RULE, v.rule.v, (void **)&rule) == ENI_OK) {
                char peer[ENI_PREFIX_STR_MAX + ENI_ID_STRING_MAX] = "";
                if (rule->peer_kind == ENI_PEER_CIDR)
                    eni__prefix_format(&rule->cidr, peer);
                else
                    eni_id_format(ctx, rule->peer, peer, sizeof peer);
                const char *pn = proto_name(rule->protocol);
                char proto[16];
                if (!pn) {
                    snprintf(proto, sizeof proto, "protocol %d", rule->protocol);
                    pn = proto;
                }
                if (rule->from_port >= 0 && rule->protocol != 1 && rule->protocol != 58)
                    snprintf(detail, sizeof detail, " (%s %d-%d %s %s)", pn, rule->from_port,
                             rule->to_port, dir == ENI_DIR_INBOUND ? "from" : "to", peer);
                else
                    snprintf(detail, sizeof detail, " (%s %s %s)", pn,
                             dir == ENI_DIR_INBOUND ? "from" : "to", peer);
            }
        }
        switch (v.reason) {
        case ENI_REASON_RULE:
            if (eni__eval_starts_flow(pkt, dir))
                snprintf(text, textlen, "allowed by %s rule %s%s; a tracked flow would be created%s",
                         g, r, detail, syn_note(pkt, dir));
            else
                snprintf(text, textlen,
                         "allowed by %s rule %s%s; %s starts no tracked flow, so every such "
                         "packet is checked against the rules",
                         g, r, detail, flowless_what(pkt));
            break;
        case ENI_REASON_UNTRACKED:
            snprintf(text, textlen,
                     "allowed by %s rule %s%s; untracked (open to all addresses both ways), "
                     "so it is checked again on every packet%s",
                     g, r, detail, syn_note(pkt, dir));
            break;
        case ENI_REASON_TRACKED:
            snprintf(text, textlen, "allowed: part of a tracked connection");
            break;
        case ENI_REASON_RELATED_ICMP:
            snprintf(text, textlen, "allowed: an ICMP error about a tracked connection");
            break;
        case ENI_REASON_SERVICE:
            snprintf(text, textlen,
                     "allowed: Amazon DNS, instance metadata and time sync are never filtered");
            break;
        case ENI_REASON_NO_RULE: {
            char closest[320];
            eni__eval_closest_rule(ctx, nic, dir, pkt, closest, sizeof closest);
            snprintf(text, textlen, "dropped: no rule matched — the client would see a timeout%s",
                     closest);
            break;
        }
        case ENI_REASON_SRC_DST_CHECK:
            snprintf(text, textlen,
                     "dropped by the source/destination check: the interface is not the %s "
                     "(turn the check off for NAT or routing)",
                     dir == ENI_DIR_INBOUND ? "destination" : "source");
            break;
        case ENI_REASON_NOT_ATTACHED:
            snprintf(text, textlen, "dropped: the interface is not attached");
            break;
        case ENI_REASON_CONNTRACK_FULL:
            snprintf(text, textlen, "dropped: the conntrack allowance is exhausted");
            break;
        case ENI_REASON_ACL_DENY:
            eni__acl_explain(ctx, snap->acl, dir, pkt, text, textlen);
            break;
        default:
            snprintf(text, textlen, "dropped: malformed packet");
            break;
        }
    }
    *verdict = v;
    eni__snap_free(ctx, own); /* never published: no worker can hold it */
    eni__unlock(ctx);
    return ENI_OK;
}

int eni_nic_set_conntrack_allowance(eni_ctx *ctx, eni_nic_id id, uint32_t max_flows)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_set_conntrack_allowance: ctx is NULL");
    if (max_flows < 1 || max_flows > ENI_CONNTRACK_ALLOWANCE_MAX)
        return eni__fail(ENI_EINVAL, "InvalidParameterValue",
                         "the conntrack allowance must be 1..%u", ENI_CONNTRACK_ALLOWANCE_MAX);
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_nic_dp *dp;
    /* The cap is the interface's setting, kept by the model (and a state
     * file with it); the rebalance sizes the tables from it. The tables are
     * sized here first so that running out of memory refuses the call
     * before anything changed. */
    int rc = eni__get_nic(ctx, id.v, &nic);
    if (rc == ENI_OK)
        rc = eni__eval_dp_get(ctx, id.v, &dp);
    if (rc == ENI_OK && eni__flows_resize(ctx, dp, max_flows) != ENI_OK)
        rc = eni__fail(ENI_ENOMEM, NULL, "eni_nic_set_conntrack_allowance: out of memory");
    if (rc == ENI_OK) {
        nic->conntrack_allowance = max_flows;
        uint64_t instance = nic->instance;
        /* A cap the file refused is undone with memory at unlock, and the
         * rebalance that republishing runs sizes the tables back. */
        rc = eni__model_changed(ctx);
        if (rc == ENI_OK) {
            eni__conntrack_rebalance(ctx, instance);
            eni__eval_reclaim(ctx);
        }
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_get_conntrack(eni_ctx *ctx, eni_nic_id id, eni_conntrack_stats *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_get_conntrack: %s is NULL", ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_nic_dp *dp;
    int rc = dp_peek(ctx, id, &nic, &dp);
    if (rc == ENI_OK) {
        struct eni_flows *fl = flows_of(dp);
        eni_conntrack_stats st;
        memset(&st, 0, sizeof st);
        st.size = sizeof st;
        st.tracked = eni__flows_tracked(fl);
        st.allowance = atomic_load_explicit(&fl->share, memory_order_relaxed);
        st.conntrack_allowance_available = st.tracked < st.allowance ? st.allowance - st.tracked : 0;
        /* On an instance, the gauge is the instance's, as ENA reports it on
         * every interface (D38), bounded by the interface's own allowance:
         * what it could still track once the shares are re-divided. */
        uint64_t left;
        if (nic->instance &&
            eni__instance_conntrack(ctx, nic->instance, NULL, &left, NULL) == ENI_OK) {
            uint64_t own = st.tracked < fl->allowance ? fl->allowance - st.tracked : 0;
            st.conntrack_allowance_available = left < own ? left : own;
        }
        st.conntrack_allowance_exceeded = dp ? atomic_load(&dp->allowance_exceeded) : 0;
        rc = eni__info_out(out, &st, sizeof st, "eni_nic_get_conntrack");
    }
    eni__unlock(ctx);
    return rc;
}

int eni_nic_get_eval_memory(eni_ctx *ctx, eni_nic_id id, eni_eval_memory *out)
{
    ENI__CALL(ctx);
    if (!ctx || !out)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_get_eval_memory: %s is NULL",
                         ctx ? "out" : "ctx");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_nic_dp *dp;
    int rc = dp_peek(ctx, id, &nic, &dp);
    if (rc == ENI_OK) {
        eni_eval_memory m;
        memset(&m, 0, sizeof m);
        m.size = sizeof m;
        const struct eni_snap *snap = dp ? atomic_load(&dp->snap) : NULL;
        if (snap) {
            m.rules_bytes = eni__ruleset_bytes(snap->rules);
            m.acl_bytes = eni__acl_snap_bytes(snap->acl);
            m.snapshot_bytes = eni__snap_own_bytes(snap);
        }
        m.flow_bytes = eni__flows_bytes(flows_of(dp));
        rc = eni__info_out(out, &m, sizeof m, "eni_nic_get_eval_memory");
    }
    eni__unlock(ctx);
    return rc;
}

struct list_ctx {
    eni_flow_info *out;
    uint32_t cap, n;
    uint64_t now;
};

static bool list_one(const struct flow_table *ft, struct flow_slot *s, void *ud)
{
    struct list_ctx *lc = ud;
    if (atomic_load_explicit(&s->expires, memory_order_relaxed) <= lc->now)
        return false;
    if (lc->n < lc->cap)
        eni__flow_describe(ft, s, &lc->out[lc->n]);
    lc->n++;
    return false;
}

int eni_nic_list_flows(eni_ctx *ctx, eni_nic_id id, uint64_t now_ns, eni_flow_info *out,
                       uint32_t cap, uint32_t *count)
{
    ENI__CALL(ctx);
    int rc = eni__list_check(ctx, out, cap, count, "eni_nic_list_flows");
    if (rc != ENI_OK)
        return rc;
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_nic_dp *dp;
    rc = dp_peek(ctx, id, &nic, &dp);
    if (rc == ENI_OK) {
        struct list_ctx lc = {out, cap, 0, now_ns};
        (void)eni__flows_walk(flows_of(dp), list_one, &lc);
        *count = lc.n;
    }
    eni__unlock(ctx);
    return rc;
}

static bool expired(const struct flow_table *ft, struct flow_slot *s, void *ud)
{
    (void)ft;
    return atomic_load_explicit(&s->expires, memory_order_relaxed) <= *(const uint64_t *)ud;
}

int eni_nic_sweep_flows(eni_ctx *ctx, eni_nic_id id, uint64_t now_ns, uint32_t *removed)
{
    ENI__CALL(ctx);
    if (!ctx)
        return eni__fail(ENI_EINVAL, NULL, "eni_nic_sweep_flows: ctx is NULL");
    eni__lock(ctx);
    struct eni_nic *nic;
    struct eni_nic_dp *dp;
    int rc = dp_peek(ctx, id, &nic, &dp);
    if (rc == ENI_OK) {
        uint32_t n = eni__flows_walk(flows_of(dp), expired, &now_ns);
        if (removed)
            *removed = n;
        if (n && nic->instance) /* freed room goes back to the instance's budget */
            eni__conntrack_rebalance(ctx, nic->instance);
    }
    eni__unlock(ctx);
    return rc;
}
