/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The verdict engine, the packet path's one judge: the source/destination
 * check, the services never filtered, own addresses, the flow lookup
 * (flowtab.h's probe, and the burst loop's pipelined IPv4 short path),
 * related ICMP errors, classification (classify.c), untracked flows, flow
 * creation within the conntrack allowance, flow state and timeouts. Bursts
 * and explain share it. Runs without the ctx lock and without allocating;
 * it never reaches the rule builder. */
#include <string.h>

#include "eval_internal.h"
#include "icmp.h"

enum { PROTO_ICMP = 1, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_ICMPV6 = 58 };
enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10 };
enum { ST_OPENING = 1, ST_ESTABLISHED = 2, ST_CLOSING = 3, ST_ONEWAY = 1, ST_STREAM = 2 };

#define SEC 1000000000ull
/* Timeouts EC2 does not publish (decisions.md D11). */
#define TCP_OPENING_NS (60 * SEC)
#define TCP_CLOSING_NS (10 * SEC)
#define ICMP_NS (30 * SEC)
#define OTHER_NS (600 * SEC) /* section 5.1: other protocols, 600 s */

static inline uint64_t timeout_ns(const struct eni_snap *snap, uint8_t proto, uint32_t state)
{
    switch (proto) {
    case PROTO_TCP:
        return state == ST_ESTABLISHED ? (uint64_t)snap->tcp_established_s * SEC
               : state == ST_CLOSING   ? TCP_CLOSING_NS
                                       : TCP_OPENING_NS;
    case PROTO_UDP:
        return state == ST_STREAM ? (uint64_t)snap->udp_stream_s * SEC : (uint64_t)snap->udp_s * SEC;
    case PROTO_ICMP:
    case PROTO_ICMPV6:
        return ICMP_NS;
    default:
        return OTHER_NS;
    }
}

/* Advance a tracked flow on a packet of direction `out` (true = outbound). */
ENI__HOT void flow_touch(const struct eni_snap *snap, struct flow_slot *s, const eni_pkt *p,
                         bool out, uint64_t now)
{
    uint32_t meta = atomic_load_explicit(&s->meta, memory_order_relaxed);
    uint32_t pk = atomic_load_explicit(&s->pkts, memory_order_relaxed);
    /* Only the first few packets matter (UDP stream detection); not writing
     * afterwards keeps a busy flow's line clean and shared between threads. */
    if (pk < 3)
        atomic_store_explicit(&s->pkts, pk + 1, memory_order_relaxed);
    bool reply = out != !!(meta & FLOW_INIT_OUT);
    uint32_t state = meta & FLOW_STATE_MASK, next = state;
    if (p->proto == PROTO_TCP) {
        if (p->tcp_flags & (TCP_RST | TCP_FIN))
            next = ST_CLOSING;
        else if (state == ST_OPENING && (reply || (meta & FLOW_REPLY)) && (p->tcp_flags & TCP_ACK))
            next = ST_ESTABLISHED;
    } else if (p->proto == PROTO_UDP) {
        /* More than one request/response exchange: a stream (section 5.4). */
        if (state == ST_ONEWAY && (meta & FLOW_REPLY) && pk + 1 >= 3)
            next = ST_STREAM;
    }
    uint32_t nmeta = (meta & ~FLOW_STATE_MASK) | next | (reply ? FLOW_REPLY : 0);
    if (nmeta != meta)
        atomic_store_explicit(&s->meta, nmeta, memory_order_relaxed);
    /* Refresh the deadline only when it moves by more than 1/64 of the
     * timeout: idle expiry stays within 1.6% and hits rarely write. */
    uint64_t tmo = timeout_ns(snap, p->proto, next);
    uint64_t exp = now + tmo, cur = atomic_load_explicit(&s->expires, memory_order_relaxed);
    if (cur < exp && (exp - cur > (tmo >> 6) || nmeta != meta))
        atomic_store_explicit(&s->expires, exp, memory_order_relaxed);
}

/* Is the IPv6 address (hi, lo), host order, one of the interface's own?
 * Inline for the burst loop, which has the words in the packet's key. */
ENI__HOT bool own_addr6(const struct eni_snap *snap, uint64_t hi, uint64_t lo)
{
    for (uint32_t i = 0; i < snap->n_v6; i++)
        if (snap->v6[i].lo_hi == hi && snap->v6[i].lo_lo == lo)
            return true;
    for (uint32_t i = 0; i < snap->n_p6; i++)
        if (snap->p6[i].lo_hi == hi && snap->p6[i].lo_lo <= lo && lo <= snap->p6[i].hi_lo)
            return true;
    return false;
}

static bool own_addr(const struct eni_snap *snap, const uint8_t *a, unsigned family)
{
    if (family == 4) {
        uint32_t v;
        memcpy(&v, a, 4);
        v = __builtin_bswap32(v);
        /* Delegated prefixes (section 1.8): every address in them is its own. */
        for (uint32_t i = 0; i < snap->n_p4; i++)
            if ((v & ~15u) == snap->p4[i])
                return true;
        if (snap->n_v4 <= 8) { /* the usual few addresses: a scan beats a search */
            for (uint32_t i = 0; i < snap->n_v4; i++)
                if (snap->v4[i] == v)
                    return true;
            return false;
        }
        uint32_t lo = 0, hi = snap->n_v4;
        while (lo < hi) {
            uint32_t mid = (lo + hi) / 2;
            if (snap->v4[mid] < v)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < snap->n_v4 && snap->v4[lo] == v;
    }
    uint64_t hi, lo;
    memcpy(&hi, a, 8);
    memcpy(&lo, a + 8, 8);
    return own_addr6(snap, __builtin_bswap64(hi), __builtin_bswap64(lo));
}

/* Section 4.7: Amazon DNS (VPC+2, 169.254.169.253), instance metadata
 * (169.254.169.254), Time Sync (169.254.169.123, fd00:ec2::123). */
static bool service_addr(const struct eni_snap *snap, const uint8_t *a, unsigned family)
{
    if (family == 4) {
        uint32_t v = ((uint32_t)a[0] << 24) | ((uint32_t)a[1] << 16) | ((uint32_t)a[2] << 8) | a[3];
        return v == 0xa9fea9fdu || v == 0xa9fea9feu || v == 0xa9fea97bu ||
               (snap->vpc_dns_v4 && v == snap->vpc_dns_v4);
    }
    /* fd00:ec2::/96 then ::123 (Amazon Time Sync), ::253 (Route 53
     * Resolver), ::254 (instance metadata): docs/decisions.md D30. */
    static const uint8_t prefix[14] = {0xfd, 0x00, 0x0e, 0xc2};
    if (memcmp(a, prefix, sizeof prefix) != 0)
        return false;
    unsigned last = (unsigned)a[14] << 8 | a[15];
    return last == 0x123 || last == 0x253 || last == 0x254;
}

static void verdict(eni_verdict *v, uint8_t action, uint8_t reason)
{
    memset(v, 0, sizeof *v);
    v->action = action;
    v->reason = reason;
}

/* An ICMP query's key ports: its identifier, its request type, and which
 * way the request went, so a request matches only more of itself the same
 * way and its own reply type the other way (icmp.h); only a request may
 * start a flow. Errors and the other messages have no key (k->absent). */
ENI__HOT uint32_t icmp_ports(const eni_pkt *p, unsigned family, bool out, struct fkey *k)
{
    struct icmp_kind ik = eni__icmp_kind(family, p->icmp_type);
    bool query = ik.request != 0, request = ik.cls == ICMP_REQUEST;
    k->absent = !query;
    k->create = request;
    /* the request went out: this packet goes out and is the request, or
     * comes in and is the reply */
    uint32_t request_out = (uint32_t)(out == request);
    return query ? (uint32_t)p->sport << 16 | (uint32_t)ik.request << 8 | request_out : 0;
}

/* The ports word of a packet's key, oriented from the interface, with
 * k->absent and k->create: TCP and UDP by their ports; ICMP queries by
 * icmp_ports; other protocols by address pair and protocol alone. A
 * non-first fragment of TCP, UDP or ICMP carries no ports or type: it
 * matches no flow and starts none (decisions.md D11). */
ENI__HOT uint32_t key_ports(const eni_pkt *p, unsigned family, bool out, struct fkey *k)
{
    k->absent = 0;
    k->create = 1;
    const uint64_t ported = 1ull << PROTO_TCP | 1ull << PROTO_UDP; /* one bit test */
    if (p->proto < 64 && (ported >> p->proto & 1)) {
        if (!(p->flags & ENI_PKT_FRAGMENT))
            return out ? (uint32_t)p->sport << 16 | p->dport : (uint32_t)p->dport << 16 | p->sport;
    } else if (p->proto != eni__icmp_proto(family)) {
        return 0;
    } else if (!(p->flags & ENI_PKT_FRAGMENT)) {
        return icmp_ports(p, family, out, k);
    }
    k->absent = 1;
    k->create = 0;
    return 0;
}

/* packet_key and key_hash for an IPv4 packet, inlined for the burst loop:
 * the same key and the same hash, without the family dispatch. */
ENI__HOT void packet_key4(const eni_pkt *p, bool out, struct fkey *k)
{
    uint32_t src, dst;
    memcpy(&src, p->src, 4);
    memcpy(&dst, p->dst, 4);
    src = __builtin_bswap32(src);
    dst = __builtin_bswap32(dst);
    k->w[0] = out ? (uint64_t)src << 32 | dst : (uint64_t)dst << 32 | src;
    k->words = 1;
    k->proto = p->proto;
    k->vetted = 0;
    k->classified = 0;
    k->ports = key_ports(p, 4, out, k);
    k->hash = eni__flow_hash2(k->w[0], (uint64_t)k->ports << 8 | k->proto);
}

/* The same for an IPv6 packet: key_hash's hash of the same five words. */
ENI__HOT void packet_key6(const eni_pkt *p, bool out, struct fkey *k)
{
    const uint8_t *local = out ? p->src : p->dst, *remote = out ? p->dst : p->src;
    uint64_t buf[5];
    for (int w = 0; w < 2; w++) {
        uint64_t l, r;
        memcpy(&l, local + 8 * w, 8);
        memcpy(&r, remote + 8 * w, 8);
        buf[w] = k->w[w] = __builtin_bswap64(l);
        buf[2 + w] = k->w[2 + w] = __builtin_bswap64(r);
    }
    k->words = 4;
    k->proto = p->proto;
    k->vetted = 0;
    k->classified = 0;
    k->ports = key_ports(p, 6, out, k);
    buf[4] = (uint64_t)k->ports << 8 | k->proto;
    k->hash = eni__flow_hash5(buf);
}

static void eval_key(const eni_pkt *p, bool out, struct fkey *k)
{
    if (p->family == 4)
        packet_key4(p, out, k);
    else
        packet_key6(p, out, k);
}

bool eni__eval_starts_flow(const eni_pkt *p, unsigned dir)
{
    struct fkey k;
    eval_key(p, dir == ENI_DIR_OUTBOUND, &k);
    return k.create;
}

/* An ICMP error of p's family, carrying the packet it quotes (a non-first
 * fragment has no ICMP header, whatever its flags say). */
static bool icmp_error(const eni_pkt *p)
{
    return (p->flags & (ENI_PKT_ICMP_ERROR | ENI_PKT_FRAGMENT)) == ENI_PKT_ICMP_ERROR &&
           p->proto == eni__icmp_proto(p->family) &&
           eni__icmp_kind(p->family, p->icmp_type).cls == ICMP_ERROR;
}

/* Section 5.1: is the error about a live flow? The quoted packet crossed
 * the interface the other way: it is looked up with the key it had then.
 * An error goes back to the source of the packet it quotes (RFC 792, RFC
 * 4443); one addressed elsewhere is not related (Linux's conntrack refuses
 * it too; docs/decisions-icmp.md). */
static bool icmp_related(const struct flow_table *ft, const eni_pkt *p, bool out, uint64_t now)
{
    if (memcmp(p->dst, p->inner_src, p->family == 4 ? 4 : 16) != 0)
        return false;
    eni_pkt q;
    memset(&q, 0, sizeof q);
    q.family = p->family;
    q.proto = p->inner_proto;
    memcpy(q.src, p->inner_src, sizeof q.src);
    memcpy(q.dst, p->inner_dst, sizeof q.dst);
    q.sport = p->inner_sport;
    q.dport = p->inner_dport;
    if (q.proto == eni__icmp_proto(q.family)) {
        if (!(p->flags & ENI_PKT_INNER_ICMP_TYPE))
            return false; /* which message it quotes is unknown */
        q.icmp_type = p->inner_icmp_type;
    }
    struct fkey k;
    eval_key(&q, !out, &k);
    return !k.absent && ft_find_h(ft, &k, k.hash, now);
}

/* Section 5.2: TCP/UDP allowed by a /0 rule (`open`), with the other
 * direction open to everything on all ports, is not tracked. ICMP always
 * is. */
ENI__HOT bool untracked(const struct cls_table *t, const eni_pkt *p, bool open)
{
    return open && ((p->proto == PROTO_TCP && t->reverse_open[0]) ||
                    (p->proto == PROTO_UDP && t->reverse_open[1]));
}

/* Create the flow of an allowed packet that starts one, in the state its
 * first packet puts it in (D11). At the allowance a new flow may still
 * take an expired one's slot (lazy expiry); otherwise false, counted on
 * the interface (section 5.5). `uncounted`: the caller's burst's flows
 * not yet in fl->tracked, or NULL. */
ENI__HOT bool create_flow(struct eni_nic_dp *dp, struct eni_flows *fl, struct flow_table *ft,
                          const struct eni_snap *snap, const eni_pkt *p, bool out,
                          const struct fkey *k, uint64_t now, uint32_t *uncounted)
{
    uint64_t tracked = eni__flows_tracked(fl) + (uncounted ? *uncounted : 0);
    uint32_t state = p->proto == PROTO_TCP && (p->tcp_flags & (TCP_FIN | TCP_RST)) ? ST_CLOSING
                     : p->proto == PROTO_TCP && !(p->tcp_flags & TCP_SYN)          ? ST_ESTABLISHED
                                                                                   : 1;
    uint32_t meta = FLOW_VALID | (uint32_t)p->proto << 8 | state | (out ? FLOW_INIT_OUT : 0);
    if (ft_insert(fl, ft, k, meta, now + timeout_ns(snap, p->proto, state), now,
                  tracked >= atomic_load_explicit(&fl->share, memory_order_relaxed), uncounted))
        return true;
    if (dp)
        atomic_fetch_add_explicit(&dp->allowance_exceeded, 1, memory_order_relaxed);
    return false;
}

void eni__eval_one(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap, unsigned dir,
                   const eni_pkt *p, uint64_t now, bool commit, bool want_rule, eni_verdict *v,
                   eni_eval_counters *c, const struct fkey *pre, uint32_t *uncounted)
{
    bool out = dir == ENI_DIR_OUTBOUND;
    const uint8_t *local = out ? p->src : p->dst, *remote = out ? p->dst : p->src;
    struct flow_table *ft = p->family == 4 ? fl->ft4
                            : atomic_load_explicit(&fl->ft6, memory_order_acquire);
    /* the burst's short path asked the next two questions already */
    bool vetted = pre && pre->vetted;
    if (!snap || !snap->attached) {
        verdict(v, ENI_DROP, ENI_REASON_NOT_ATTACHED);
    } else if (!vetted && snap->sdc && !own_addr(snap, local, p->family)) {
        verdict(v, ENI_DROP, ENI_REASON_SRC_DST_CHECK);
    } else if (!vetted && service_addr(snap, remote, p->family)) {
        verdict(v, ENI_ALLOW, ENI_REASON_SERVICE);
    } else {
        /* Section 9.5: the subnet's network ACL judges every packet, replies
         * included (it keeps no state): inbound before the groups, outbound
         * after them, so an outbound packet the groups drop is NO_RULE. A
         * packet the ACL drops creates no flow and refreshes none. */
        const struct acl_ent *acl_hit;
        bool acl_denies = !(pre && (pre->classified & CLASSIFIED_ACL_PASSED)) &&
                          eni__acl_denies(snap->acl, out, p, remote, &acl_hit);
        if (acl_denies && !out) {
            verdict(v, ENI_DROP, ENI_REASON_ACL_DENY);
            goto counted;
        }
        struct fkey own;
        const struct fkey *kp = pre;
        if (!kp) {
            eval_key(p, out, &own);
            kp = &own;
        }
        struct flow_slot *s = kp->absent ? NULL : ft_find_h(ft, kp, kp->hash, now);
        if (s) {
            if (commit && !acl_denies)
                flow_touch(snap, s, p, out, now);
            if (acl_denies)
                verdict(v, ENI_DROP, ENI_REASON_ACL_DENY);
            else
                verdict(v, ENI_ALLOW, ENI_REASON_TRACKED);
            goto counted;
        }
        /* An error has no key of its own: it passes as related to what it
         * quotes, or by the rules. */
        if (icmp_error(p) && icmp_related(ft, p, out, now)) {
            if (acl_denies)
                verdict(v, ENI_DROP, ENI_REASON_ACL_DENY);
            else
                verdict(v, ENI_ALLOW, ENI_REASON_RELATED_ICMP);
            goto counted;
        }
        const struct cls_table *t = &snap->rules->t[out ? 1 : 0][p->family == 4 ? 0 : 1];
        bool open = pre && (pre->classified & CLASSIFIED_OPEN);
        if (!(pre && (pre->classified & CLASSIFIED_ALLOWED)) &&
            !eni__cls_match(t, p, remote, &open)) {
            verdict(v, ENI_DROP, ENI_REASON_NO_RULE);
            goto counted;
        }
        if (acl_denies) {
            verdict(v, ENI_DROP, ENI_REASON_ACL_DENY);
            goto counted;
        }
        if (untracked(t, p, open)) {
            verdict(v, ENI_ALLOW, ENI_REASON_UNTRACKED);
        } else if (!kp->create) {
            /* allowed, and it starts no flow (an ICMP error, reply or other
             * message; a fragment) */
            verdict(v, ENI_ALLOW, ENI_REASON_RULE);
        } else if (!commit) {
            /* only a question: answer what a burst would, without taking the
             * slot (a full allowance drops the new flow, section 5.5) */
            uint64_t tracked = eni__flows_tracked(fl);
            if (!ft_has_room(ft, kp, now, tracked >= atomic_load_explicit(&fl->share, memory_order_relaxed))) {
                verdict(v, ENI_DROP, ENI_REASON_CONNTRACK_FULL);
                goto counted;
            }
            verdict(v, ENI_ALLOW, ENI_REASON_RULE);
        } else {
            if (!create_flow(dp, fl, ft, snap, p, out, kp, now, uncounted)) {
                if (c)
                    c->conntrack_allowance_exceeded++;
                verdict(v, ENI_DROP, ENI_REASON_CONNTRACK_FULL);
                goto counted;
            }
            if (c)
                c->flows_created++;
            verdict(v, ENI_ALLOW, ENI_REASON_RULE);
        }
        if (want_rule) {
            const struct cls_rule *r = eni__cls_match_rule(t, p, remote);
            if (r) {
                v->group.v = r->group;
                v->rule.v = r->rule;
            }
        }
    }
counted:
    if (c) {
        c->packets++;
        if (v->action == ENI_ALLOW)
            c->allowed++;
        else
            c->dropped++;
        if (v->reason < sizeof c->by_reason / sizeof c->by_reason[0])
            c->by_reason[v->reason]++;
        else if (v->reason == ENI_REASON_ACL_DENY)
            c->acl_denied++; /* past by_reason's fixed size */
    }
}

void eni__eval_malformed(eni_verdict *v, eni_eval_counters *c)
{
    verdict(v, ENI_DROP, ENI_REASON_MALFORMED);
    c->packets++;
    c->dropped++;
    c->by_reason[ENI_REASON_MALFORMED]++;
}

/* What the IPv4 short path reads for every packet, copied out of the
 * snapshot and the table once per burst: the compiler cannot keep them in
 * registers across the stores to verdicts and keys (they might alias). */
struct hot4 {
    const uint8_t *slots;   /* the IPv4 table's slots (32 bytes each) */
    uint32_t cap;
    uint32_t n_own;         /* own addresses in own[], or HOT_SEARCH to ask own_addr */
    uint32_t own[8];
    bool sdc;
    uint32_t dns;           /* VPC+2, or 0 */
    const struct eni_acl_snap *acl; /* NULL, or a network ACL some IPv4 table of which filters */
    bool acl6;              /* some IPv6 table of the network ACL filters */
    uint64_t fresh;         /* an established TCP flow expiring after this needs no refresh */
};
#define HOT_SEARCH UINT32_MAX

ENI__HOT void hot4_init(struct hot4 *h, const struct eni_flows *fl, const struct eni_snap *snap,
                        uint64_t now)
{
    h->slots = fl->ft4->slots;
    h->cap = fl->ft4->cap;
    h->sdc = snap->sdc;
    h->n_own = snap->n_v4 <= 8 && !snap->n_p4 ? snap->n_v4 : HOT_SEARCH;
    const struct eni_acl_snap *a = snap->acl;
    h->acl = a && (a->t[0][0].all != ACL_ALLOW_ALL || a->t[1][0].all != ACL_ALLOW_ALL) ? a : NULL;
    h->acl6 = a && (a->t[0][1].all != ACL_ALLOW_ALL || a->t[1][1].all != ACL_ALLOW_ALL);
    if (h->n_own != HOT_SEARCH && h->n_own)
        memcpy(h->own, snap->v4, h->n_own * sizeof *h->own);
    h->dns = snap->vpc_dns_v4;
    /* flow_touch writes the deadline only when it moves by more than 1/64
     * of the timeout: below that, it writes nothing */
    uint64_t tmo = (uint64_t)snap->tcp_established_s * SEC;
    h->fresh = now + tmo - (tmo >> 6);
}

/* Does the subnet's network ACL drop this packet? The short paths ask
 * for a packet of a tracked flow, and fast_miss for an inbound one that
 * found none; each packet is asked once (a packet that reaches the full
 * engine from fast_miss carries the answer in k). */
ENI__HOT bool short_acl_denies(const struct hot4 *h, const struct eni_snap *snap, uint32_t words,
                             bool out, const eni_pkt *p, const struct fkey *k)
{
    /* the remote end from the key, host order */
    if (words == 1)
        return h->acl && eni__acl_denies4(h->acl, out, p, (uint32_t)k->w[0]);
    return snap->acl && eni__acl_denies6(snap->acl, out, p, k->w[2], k->w[3]);
}

/* The short paths' flow-table probe: the table of `stride`-byte slots
 * holding `words` key words, from k's home slot. A hit on a live flow the
 * network ACL lets through is TRACKED (its state touched only when it must
 * be); one the ACL drops is left to the full engine, which names the
 * entry; a miss marks k absent, so the full engine need not probe again.
 * Inlined with constant stride and words, once per family. */
ENI__HOT bool probe_hit(const struct hot4 *h, const struct eni_snap *snap, const uint8_t *slots,
                        uint32_t cap, uint32_t stride, uint32_t words, bool out, const eni_pkt *p,
                        struct fkey *k, uint64_t now, eni_verdict *v)
{
    uint32_t want_meta = FLOW_VALID | (uint32_t)k->proto << 8;
    uint32_t i = k->home;
    /* the next slot is worked out only when the probe goes on to it: most
     * misses end at an empty home slot */
    for (uint32_t probe = 0; probe < MAX_PROBE; probe++, i = i + 1 == cap ? 0 : i + 1) {
        struct flow_slot *s = (struct flow_slot *)(void *)(slots + (size_t)i * stride);
        uint32_t seq = atomic_load_explicit(&s->seq, memory_order_acquire);
        if (seq == 0)
            break;
        uint32_t meta = atomic_load_explicit(&s->meta, memory_order_relaxed);
        uint32_t ports = atomic_load_explicit(&s->ports, memory_order_relaxed);
        bool same = (meta & (FLOW_VALID | 0xff00u)) == want_meta && ports == k->ports;
        for (uint32_t w = 0; w < words; w++)
            same &= atomic_load_explicit(&s->key[w], memory_order_relaxed) == k->w[w];
        uint64_t expires = atomic_load_explicit(&s->expires, memory_order_relaxed);
        uint32_t pk = atomic_load_explicit(&s->pkts, memory_order_relaxed);
        /* an odd seq (a writer inside) or a changed one: not a stable read */
        if ((seq & 1) || seq_recheck(&s->seq) != seq || !same)
            continue;
        if (expires <= now)
            break;
        if (short_acl_denies(h, snap, words, out, p, k))
            return false;
        /* The common case writes nothing: an established TCP flow, both
         * ways seen, past its first packets, deadline fresh enough. */
        if (!(p->proto == PROTO_TCP && !(p->tcp_flags & (TCP_FIN | TCP_RST)) &&
              (meta & (FLOW_STATE_MASK | FLOW_REPLY)) == (ST_ESTABLISHED | FLOW_REPLY) &&
              pk >= 3 && expires >= h->fresh))
            flow_touch(snap, s, p, out, now);
        *v = (eni_verdict){.action = ENI_ALLOW, .reason = ENI_REASON_TRACKED};
        return true;
    }
    k->absent = 1;
    return false;
}

/* An IPv4 packet of a tracked flow, judged exactly as eni__eval_one would
 * (attached, source/destination check, service address, then the flow
 * table) without its generality: the established path of a busy host.
 * The addresses come from the key (host order), not the record again.
 * false when the packet needs the full engine. */
ENI__HOT bool fast_hit4(const struct hot4 *h, const struct eni_snap *snap, bool out,
                        const eni_pkt *p, struct fkey *k, uint64_t now, eni_verdict *v)
{
    if (k->absent) /* no key to look up: the full engine judges it */
        return false;
    uint32_t local = (uint32_t)(k->w[0] >> 32), remote = (uint32_t)k->w[0];
    if (h->sdc) {
        if (h->n_own == 1) { /* the usual one address */
            if (h->own[0] != local)
                return false;
        } else if (h->n_own == HOT_SEARCH) {
            uint32_t be = __builtin_bswap32(local);
            if (!own_addr(snap, (const uint8_t *)&be, 4))
                return false;
        } else {
            bool mine = false;
            for (uint32_t i = 0; i < h->n_own; i++)
                mine |= h->own[i] == local;
            if (!mine)
                return false;
        }
    }
    /* services: 169.254.169.253/.254/.123, and the VPC's resolver. The
     * gate (169.254/16, or the resolver) is two compares every packet
     * pays and almost none passes; the exact test is behind it. */
    if (__builtin_expect((remote >> 16) == 0xa9fe || remote == h->dns, 0) &&
        (remote == 0xa9fea9fdu || remote == 0xa9fea9feu || remote == 0xa9fea97bu ||
         (h->dns && remote == h->dns)))
        return false;
    k->vetted = 1;
    return probe_hit(h, snap, h->slots, h->cap, 32, 1, out, p, k, now, v);
}

/* A packet the short path vetted (fast_hit4, fast_hit6) and found no flow
 * for (it is no ICMP error either: those have no key and are never
 * vetted), judged as eni__eval_one would from there while no flow needs
 * creating: inbound, the subnet's network ACL first (ACL_DENY); then the
 * rules (NO_RULE). true when judged. Allowed by a rule, the answers are
 * left in k->classified for fast_new (or, when it declines, the full
 * engine), which asks the ACL outbound and creates the flow without
 * asking either question again; false. Inlined with constant words, once
 * per family. */
ENI__HOT bool fast_miss(const struct hot4 *h, const struct eni_snap *snap, uint32_t words,
                        bool out, const eni_pkt *p, struct fkey *k, eni_verdict *v)
{
    if (!(k->vetted & k->absent))
        return false;
    bool filters = words == 1 ? h->acl != NULL : h->acl6;
    if (filters && !out && short_acl_denies(h, snap, words, out, p, k)) {
        *v = (eni_verdict){.action = ENI_DROP, .reason = ENI_REASON_ACL_DENY};
        return true;
    }
    const uint8_t *remote = out ? p->dst : p->src;
    bool open;
    bool allowed = words == 1
                       ? eni__cls_match4(&snap->rules->t[out][0], p, (uint32_t)k->w[0], &open)
                       : eni__cls_match6(&snap->rules->t[out][1], p, remote, k->w[2], k->w[3], &open);
    if (allowed) {
        k->classified = CLASSIFIED_ALLOWED | (open ? CLASSIFIED_OPEN : 0) |
                        (!out || !filters ? CLASSIFIED_ACL_PASSED : 0);
        return false;
    }
    *v = (eni_verdict){.action = ENI_DROP, .reason = ENI_REASON_NO_RULE};
    return true;
}

/* What the short path for new flows judged in a burst, counted once at
 * its end (eni__eval_one counts each packet as it goes). */
struct made {
    uint32_t created, untracked, full, acl_denied;
};

/* A packet fast_miss found allowed by a rule (k->classified), judged as
 * eni__eval_one would from there: outbound, the network ACL (ACL_DENY);
 * the untracked rule (section 5.2, UNTRACKED); otherwise its flow created
 * (RULE), or CONNTRACK_FULL at the allowance. Most connection storms end
 * here, without the full engine's call and its questions asked again.
 * false for what it leaves to the full engine: a rule to name, and a
 * packet that starts no flow. */
ENI__HOT bool fast_new(struct eni_nic_dp *dp, struct eni_flows *fl, const struct hot4 *h,
                       const struct eni_snap *snap, uint32_t words, bool out, const eni_pkt *p,
                       struct fkey *k, uint64_t now, uint32_t *created, struct made *m,
                       eni_verdict *v)
{
    if (!(k->classified & CLASSIFIED_ALLOWED) || !k->create)
        return false;
    if (!(k->classified & CLASSIFIED_ACL_PASSED) && short_acl_denies(h, snap, words, out, p, k)) {
        *v = (eni_verdict){.action = ENI_DROP, .reason = ENI_REASON_ACL_DENY};
        m->acl_denied++;
        return true;
    }
    if (untracked(&snap->rules->t[out][words == 1 ? 0 : 1], p,
                  k->classified & CLASSIFIED_OPEN)) {
        *v = (eni_verdict){.action = ENI_ALLOW, .reason = ENI_REASON_UNTRACKED};
        m->untracked++;
        return true;
    }
    /* The table as eni__eval_one finds it: the IPv6 one is read again, as
     * eni__flows_enable_v6 may have replaced the one the burst began with. */
    struct flow_table *ft =
        words == 1 ? fl->ft4 : atomic_load_explicit(&fl->ft6, memory_order_acquire);
    if (!create_flow(dp, fl, ft, snap, p, out, k, now, created)) {
        *v = (eni_verdict){.action = ENI_DROP, .reason = ENI_REASON_CONNTRACK_FULL};
        m->full++;
        return true;
    }
    *v = (eni_verdict){.action = ENI_ALLOW, .reason = ENI_REASON_RULE};
    m->created++;
    return true;
}

/* An IPv6 packet of a tracked flow: fast_hit4's counterpart. The checks
 * are eni__eval_one's, in its order; a packet the subnet's ACL denies is
 * left to the full engine, which names the entry. false when the packet
 * needs the full engine. */
ENI__HOT bool fast_hit6(const struct hot4 *h, const struct eni_snap *snap,
                        const struct flow_table *ft, bool out, const eni_pkt *p, struct fkey *k,
                        uint64_t now, eni_verdict *v)
{
    if (k->absent)
        return false;
    const uint8_t *remote = out ? p->dst : p->src;
    if (h->sdc && !own_addr6(snap, k->w[0], k->w[1])) /* the local end, from the key */
        return false;
    if (remote[0] == 0xfd && service_addr(snap, remote, 6))
        return false;
    k->vetted = 1;
    return probe_hit(h, snap, ft->slots, ft->cap, 64, 4, out, p, k, now, v);
}

ENI__HOT void slot_prefetch(const struct flow_table *ft, uint32_t home)
{
    const char *a = (const char *)ft->slots + (size_t)home * ft->stride;
    /* An instruction, not __builtin_prefetch: GCC 12 at -O2 dropped the
     * builtin from this loop once it was inlined (seen in the object code),
     * which halved established-flow throughput at 1M flows. */
    /* And always the line after the home slot's: at 62.5% load, linear
     * probing leaves enough keys two or more slots from home that fetching
     * that line only on demand cost a whole serial miss for them (1M flows:
     * 29 -> 24.5 ns a packet with it; a third line adds nothing). A
     * prefetch never faults, so running past the table's end is harmless. */
    const char *next = (const char *)(((uintptr_t)a | 63) + 1);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __asm__ volatile("prefetcht0 %0" : : "m"(*a));
    __asm__ volatile("prefetcht0 %0" : : "m"(*next));
#elif defined(__GNUC__) && defined(__aarch64__)
    __asm__ volatile("prfm pldl1keep, %0" : : "Q"(*a));
    __asm__ volatile("prfm pldl1keep, %0" : : "Q"(*next));
#else
    __builtin_prefetch(a);
    __builtin_prefetch(next);
#endif
}

/* Build packet p's flow key and prefetch its table slot. */
ENI__HOT void stage_key(const struct eni_flows *fl, const struct flow_table *ft6,
                        const eni_pkt *p, bool outb, struct fkey *k)
{
    const struct flow_table *ft;
    if (p->family == 4) {
        packet_key4(p, outb, k);
        ft = fl->ft4;
    } else if (p->family == 6) {
        packet_key6(p, outb, k);
        ft = ft6;
    } else {
        return; /* malformed: judged without a key */
    }
    k->home = home_slot(ft, k->hash);
    slot_prefetch(ft, k->home);
}

/* Keys of packets [from, to) of a burst of n, their slots prefetched.
 * Records are read in order and fetched PKT_AHEAD before their key is
 * built (the hardware streamer stops at page ends). */
ENI__HOT void stage_chunk(const struct eni_flows *fl, const struct flow_table *ft6, unsigned dir,
                          const uint8_t *dirs, const eni_pkt *pkts, uint32_t from, uint32_t to,
                          uint32_t n, struct fkey *keys)
{
    enum { PKT_AHEAD = 8 };
    for (uint32_t j = from; j < to; j++) {
        if (j + PKT_AHEAD < n) {
            __builtin_prefetch(&pkts[j + PKT_AHEAD]);
            __builtin_prefetch((const char *)&pkts[j + PKT_AHEAD] + sizeof *pkts - 1);
        }
        unsigned d = dirs ? (unsigned)dirs[j] : dir;
        stage_key(fl, ft6, &pkts[j], d == ENI_DIR_OUTBOUND, &keys[j - from]);
    }
}

/* The burst loop, for one direction (dirs NULL) or one per packet: inlined
 * three times into eni__eval_burst, once per direction and once for a
 * direction per packet, so a one-direction loop has its direction as a
 * constant (which end of the key is local, which table and ACL question
 * apply: 7% of a packet's instructions) and pays nothing for the other.
 * Only for an attached snapshot: eni__eval_burst judges a detached one's
 * packets itself (NOT_ATTACHED), so the loop asks nothing about it. */
ENI__HOT void burst(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap,
                    unsigned dir, const uint8_t *dirs, const eni_pkt *pkts, uint32_t n, uint64_t now,
                    bool want_rule, eni_verdict *out, eni_eval_counters *c)
{
    /* Software-pipelined by chunks: the keys of the next CHUNK packets are
     * built and their slots prefetched (stage_chunk) before this chunk's
     * packets are judged in order, so each table miss has 8 to 15
     * packets' work to arrive in (chunks of 16 cut established hits at 1M
     * flows by a sixth: more lines in flight than the core holds). Two
     * loops, each with few live values, where one loop doing both took a
     * tenth more instructions (its values spilled around the judging's
     * calls). Judging stays strictly in packet order: a packet sees the
     * flows earlier ones created. */
    enum { CHUNK = 8 };
#define DIR_OF(i) (dirs ? (unsigned)dirs[i] : dir)
    struct fkey ring[2 * CHUNK];
    /* judged by the short paths, counted at the end: tracked hits, and
     * misses dropped for want of a rule [0] or by the network ACL [1] */
    uint64_t hits = 0, missed[2] = {0, 0};
    uint32_t created = 0; /* slots that held no flow, filled by this burst */
    struct made made = {0, 0, 0, 0}; /* judged by fast_new */
    /* Read once: eni__eval_one reads it again, and sees the same table or,
     * after eni__flows_enable_v6, the full one that replaced an empty one
     * (a key's home slot is then only a prefetch hint that missed). */
    const struct flow_table *ft6 = atomic_load_explicit(&fl->ft6, memory_order_acquire);
    struct hot4 hot;
    hot4_init(&hot, fl, snap, now);
    stage_chunk(fl, ft6, dir, dirs, pkts, 0, n < CHUNK ? n : CHUNK, n, ring);
    for (uint32_t base = 0; base < n; base += CHUNK) {
        uint32_t next = base + CHUNK, end = next < n ? next : n;
        if (next < n)
            stage_chunk(fl, ft6, dir, dirs, pkts, next, next + CHUNK < n ? next + CHUNK : n, n,
                        ring + ((next / CHUNK) & 1) * CHUNK);
        struct fkey *keys = ring + ((base / CHUNK) & 1) * CHUNK;
        for (uint32_t i = base; i < end; i++) {
            const eni_pkt *p = &pkts[i];
            eni_verdict *v = &out[i];
            struct fkey *k = &keys[i - base];
            unsigned d = DIR_OF(i);
            bool outb = d == ENI_DIR_OUTBOUND;
            if (p->family == 4 && fast_hit4(&hot, snap, outb, p, k, now, v))
                hits++;
            else if (p->family == 4 && fast_miss(&hot, snap, 1, outb, p, k, v))
                missed[v->reason == ENI_REASON_ACL_DENY]++;
            else if (p->family == 6 && fast_hit6(&hot, snap, ft6, outb, p, k, now, v))
                hits++;
            else if (p->family == 6 && fast_miss(&hot, snap, 4, outb, p, k, v))
                missed[v->reason == ENI_REASON_ACL_DENY]++;
            else if ((p->family == 4 || p->family == 6) && !want_rule &&
                     fast_new(dp, fl, &hot, snap, k->words, outb, p, k, now, &created, &made, v))
                ; /* one copy for both families: the loop stays small */
            else if (p->family != 4 && p->family != 6)
                eni__eval_malformed(v, c);
            else
                eni__eval_one(dp, fl, snap, d, p, now, true, want_rule, v, c, k, &created);
        }
    }
    /* the flows this burst created, counted once (flowtab.h, tracked) */
    if (created)
        atomic_fetch_add_explicit(&fl->tracked, created, memory_order_relaxed);
#undef DIR_OF
    c->packets += hits;
    c->allowed += hits;
    c->by_reason[ENI_REASON_TRACKED] += hits;
    c->packets += missed[0] + missed[1];
    c->dropped += missed[0] + missed[1];
    c->by_reason[ENI_REASON_NO_RULE] += missed[0];
    c->acl_denied += missed[1]; /* ACL_DENY is past by_reason's fixed size */
    uint64_t passed = (uint64_t)made.created + made.untracked;
    uint64_t stopped = (uint64_t)made.full + made.acl_denied;
    c->packets += passed + stopped;
    c->allowed += passed;
    c->dropped += stopped;
    c->by_reason[ENI_REASON_RULE] += made.created;
    c->by_reason[ENI_REASON_UNTRACKED] += made.untracked;
    c->by_reason[ENI_REASON_CONNTRACK_FULL] += made.full;
    c->flows_created += made.created;
    c->conntrack_allowance_exceeded += made.full;
    c->acl_denied += made.acl_denied;
}

void eni__eval_burst(struct eni_nic_dp *dp, struct eni_flows *fl, const struct eni_snap *snap,
                     unsigned dir, const uint8_t *dirs, const eni_pkt *pkts, uint32_t n,
                     uint64_t now, bool want_rule, eni_verdict *out, eni_eval_counters *c)
{
    if (!snap || !snap->attached) { /* every packet NOT_ATTACHED (or MALFORMED) */
        for (uint32_t i = 0; i < n; i++) {
            if (pkts[i].family != 4 && pkts[i].family != 6)
                eni__eval_malformed(&out[i], c);
            else
                eni__eval_one(dp, fl, snap, dirs ? dirs[i] : dir, &pkts[i], now, true, want_rule,
                              &out[i], c, NULL, NULL);
        }
    } else if (dirs)
        burst(dp, fl, snap, 0, dirs, pkts, n, now, want_rule, out, c);
    else if (dir == ENI_DIR_INBOUND)
        burst(dp, fl, snap, ENI_DIR_INBOUND, NULL, pkts, n, now, want_rule, out, c);
    else
        burst(dp, fl, snap, ENI_DIR_OUTBOUND, NULL, pkts, n, now, want_rule, out, c);
}
