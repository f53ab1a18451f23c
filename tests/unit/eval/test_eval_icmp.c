/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* ICMP and ICMPv6 through the evaluator (issue 21, docs/decisions-icmp.md):
 * which messages start a flow, which match one, and which errors are
 * related to the packet they quote. The sweep checks every type of both
 * families, both ways, against a brute-force model of the rules and of
 * connection tracking that is written from the decision (its own tables of
 * queries and errors), not from lib/eval/icmp.h. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>

#include "eval/eval_host.h"
#include "test_helpers.h"

#define SEC 1000000000ull
#define IN ENI_DIR_INBOUND
#define OUT ENI_DIR_OUTBOUND
#define ICMP_TIMEOUT (30 * SEC)

struct fx {
    struct eval_host h;
    char ip[ENI_IP_STRING_MAX], ip6[ENI_IP_STRING_MAX];
    eni_eval_worker *w;
};

/* Peers: 0 and 1 inside the rules' CIDR, 2 outside it. */
static const char *const peers4[3] = {"198.51.100.7", "198.51.100.200", "203.0.113.9"};
static const char *const peers6[3] = {"2001:db8:ffff::7", "2001:db8:ffff:1::200", "2001:db8:eeee::9"};
#define CIDR4 "198.51.100.0/24"
#define CIDR6 "2001:db8:ffff::/48"

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    eval_host_new(&f->h, NULL, "icmp");
    eval_host_addresses(&f->h, f->ip, f->ip6);
    /* nothing outbound: a new group's egress rules go */
    eni_sg_rule_id r[4];
    uint32_t n;
    assert_eni_ok(eni_sg_list_rules(f->h.ctx, f->h.group, ENI_EGRESS, r, 4, &n));
    if (n)
        assert_eni_ok(eni_sg_revoke_rules(f->h.ctx, f->h.group, r, n));
    assert_eni_ok(eni_eval_worker_new(f->h.ctx, &f->w));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eval_host_free(&f->h, f->w);
    free(f);
    return 0;
}

static void addr(unsigned family, const char *s, uint8_t out[16])
{
    memset(out, 0, 16);
    assert_int_equal(inet_pton(family == 4 ? AF_INET : AF_INET6, s, out), 1);
}

static eni_sg_rule_id allow(struct fx *f, eni_direction dir, int proto, int from, int to,
                            const char *cidr)
{
    return eval_host_allow(f->h.ctx, f->h.group, dir, proto, from, to, cidr);
}

/* A packet between the interface and a peer, `dir` as seen by the interface. */
static eni_pkt packet(const struct fx *f, unsigned family, uint8_t proto, unsigned dir,
                      const char *peer, uint16_t local_port, uint16_t peer_port)
{
    eni_pkt p;
    memset(&p, 0, sizeof p);
    p.family = (uint8_t)family;
    p.proto = proto;
    p.len = 64;
    uint8_t local[16], remote[16];
    addr(family, family == 4 ? f->ip : f->ip6, local);
    addr(family, peer, remote);
    memcpy(dir == OUT ? p.src : p.dst, local, 16);
    memcpy(dir == OUT ? p.dst : p.src, remote, 16);
    p.sport = dir == OUT ? local_port : peer_port;
    p.dport = dir == OUT ? peer_port : local_port;
    return p;
}

static eni_pkt icmp(const struct fx *f, unsigned family, unsigned dir, const char *peer,
                    uint8_t type, uint8_t code, uint16_t id)
{
    eni_pkt p = packet(f, family, family == 4 ? 1 : 58, dir, peer, id, id);
    p.icmp_type = type;
    p.icmp_code = code;
    return p;
}

/* An ICMP error from `src` to `dst` quoting `q` (with the quoted type when it is ICMP). */
static eni_pkt error_about(const eni_pkt *q, const uint8_t *src, const uint8_t *dst,
                           uint8_t type, uint8_t code)
{
    eni_pkt e;
    memset(&e, 0, sizeof e);
    e.family = q->family;
    e.proto = q->family == 4 ? 1 : 58;
    e.icmp_type = type;
    e.icmp_code = code;
    e.len = 96;
    memcpy(e.src, src, 16);
    memcpy(e.dst, dst, 16);
    e.flags = ENI_PKT_ICMP_ERROR;
    e.inner_proto = q->proto;
    memcpy(e.inner_src, q->src, 16);
    memcpy(e.inner_dst, q->dst, 16);
    e.inner_sport = q->sport;
    e.inner_dport = q->dport;
    if (q->proto == e.proto) {
        e.flags |= ENI_PKT_INNER_ICMP_TYPE;
        e.inner_icmp_type = q->icmp_type;
    }
    return e;
}

static eni_verdict eval(struct fx *f, unsigned dir, const eni_pkt *p, uint64_t now)
{
    eni_verdict v;
    assert_eni_ok(eni_eval_burst(f->w, f->h.nic, dir, p, 1, now, 0, &v));
    return v;
}

static eni_verdict explain(struct fx *f, unsigned dir, const eni_pkt *p, uint64_t now, char *text,
                           size_t len)
{
    eni_verdict v;
    assert_eni_ok(eni_eval_explain(f->h.ctx, f->h.nic, dir, p, now, &v, text, len));
    return v;
}

static uint32_t flows(struct fx *f, uint64_t now)
{
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(f->h.ctx, f->h.nic, now, NULL, 0, &n));
    return n;
}

#define assert_reason(v, why) assert_int_equal((v).reason, (why))

/* Issue 21 as reported: one router solicitation (type 10), which a rule
 * allows in, opened a flow keyed 0/0 that let every ICMP error between the
 * two hosts, and router advertisements (type 9) going back, pass as
 * TRACKED for 30 s. */
static void test_s5_1_informational_icmp_opens_no_flow_for_errors_or_type_9(void **state)
{
    struct fx *f = *state;
    allow(f, ENI_INGRESS, 1, 10, -1, CIDR4);
    const char *peer = peers4[0];
    eni_pkt rs = icmp(f, 4, IN, peer, 10, 0, 0);
    assert_reason(eval(f, IN, &rs, 1), ENI_REASON_RULE);
    assert_int_equal(flows(f, 2), 0); /* a solicitation has no reply to track */

    uint8_t us[16], them[16];
    addr(4, f->ip, us);
    addr(4, peer, them);
    char text[256];
    /* an inbound port unreachable quoting a TCP flow that never existed */
    eni_pkt never_sent = packet(f, 4, 6, OUT, peer, 40000, 80);
    eni_pkt in_err = error_about(&never_sent, them, us, 3, 3);
    /* an outbound port unreachable to the peer */
    eni_pkt never_received = packet(f, 4, 17, IN, peer, 53, 5353);
    eni_pkt out_err = error_about(&never_received, us, them, 3, 3);
    /* a router advertisement back to it */
    eni_pkt ra = icmp(f, 4, OUT, peer, 9, 0, 0);
    for (int commit = 0; commit < 2; commit++) {
        eni_verdict v = commit ? eval(f, IN, &in_err, 3) : explain(f, IN, &in_err, 3, text, sizeof text);
        assert_int_equal(v.action, ENI_DROP);
        assert_reason(v, ENI_REASON_NO_RULE);
        v = commit ? eval(f, OUT, &out_err, 3) : explain(f, OUT, &out_err, 3, text, sizeof text);
        assert_int_equal(v.action, ENI_DROP);
        assert_reason(v, ENI_REASON_NO_RULE);
        v = commit ? eval(f, OUT, &ra, 3) : explain(f, OUT, &ra, 3, text, sizeof text);
        assert_int_equal(v.action, ENI_DROP);
        assert_reason(v, ENI_REASON_NO_RULE);
    }
    /* explain says why the allowed solicitation made nothing to track */
    explain(f, IN, &rs, 4, text, sizeof text);
    assert_non_null(strstr(text, "starts no tracked flow"));
}

/* traceroute -I: time-exceeded errors from routers on the way quote our
 * echo requests; they are related to the echo flow by the quoted type. */
static void test_s5_1_error_quoting_our_echo_request_is_related(void **state)
{
    struct fx *f = *state;
    allow(f, ENI_EGRESS, 1, 8, -1, "0.0.0.0/0");
    eni_pkt req = icmp(f, 4, OUT, "192.0.2.1", 8, 0, 4242);
    assert_reason(eval(f, OUT, &req, 1), ENI_REASON_RULE);
    uint8_t router[16], us[16];
    addr(4, "192.0.2.254", router); /* not the echo's peer */
    addr(4, f->ip, us);
    eni_pkt ttl = error_about(&req, router, us, 11, 0);
    assert_reason(eval(f, IN, &ttl, 2), ENI_REASON_RELATED_ICMP);
    /* without the quoted type the evaluator cannot tell which flow it is */
    eni_pkt unknown = ttl;
    unknown.flags &= (uint8_t)~ENI_PKT_INNER_ICMP_TYPE;
    assert_reason(eval(f, IN, &unknown, 3), ENI_REASON_NO_RULE);
    /* quoting an echo reply we never sent: not the request's flow */
    eni_pkt reply = req;
    reply.icmp_type = 0;
    eni_pkt wrong = error_about(&reply, router, us, 11, 0);
    assert_reason(eval(f, IN, &wrong, 4), ENI_REASON_NO_RULE);
    /* another identifier */
    eni_pkt other = req;
    other.sport = other.dport = 4243;
    eni_pkt stranger = error_about(&other, router, us, 11, 0);
    assert_reason(eval(f, IN, &stranger, 5), ENI_REASON_NO_RULE);
}

/* An error goes back to the quoted packet's source (RFC 792, 4443); one
 * addressed to someone else is not related, whatever it quotes (as Linux). */
static void test_s5_1_error_not_sent_to_the_quoted_source_is_not_related(void **state)
{
    struct fx *f = *state;
    allow(f, ENI_INGRESS, 17, 53, 53, CIDR4);
    eni_pkt query = packet(f, 4, 17, IN, peers4[0], 53, 5353);
    assert_reason(eval(f, IN, &query, 1), ENI_REASON_RULE);
    uint8_t us[16], asker[16], other[16];
    addr(4, f->ip, us);
    addr(4, peers4[0], asker);
    addr(4, peers4[1], other);
    eni_pkt back = error_about(&query, us, asker, 3, 3);
    assert_reason(eval(f, OUT, &back, 2), ENI_REASON_RELATED_ICMP);
    eni_pkt elsewhere = error_about(&query, us, other, 3, 3);
    assert_reason(eval(f, OUT, &elsewhere, 3), ENI_REASON_NO_RULE);
    /* inbound, to one of our addresses that did not send the quoted packet
     * (the check off, as on a NAT instance, so the address is accepted) */
    eni_pkt ours = packet(f, 4, 17, OUT, peers4[0], 6000, 53);
    allow(f, ENI_EGRESS, 17, 53, 53, CIDR4);
    assert_reason(eval(f, OUT, &ours, 4), ENI_REASON_RULE);
    assert_eni_ok(eni_nic_set_source_dest_check(f->h.ctx, f->h.nic, 0));
    uint8_t not_sender[16];
    addr(4, "10.0.1.250", not_sender);
    eni_pkt misrouted = error_about(&ours, asker, not_sender, 3, 3);
    assert_reason(eval(f, IN, &misrouted, 5), ENI_REASON_NO_RULE);
    eni_pkt right = error_about(&ours, asker, us, 3, 3);
    assert_reason(eval(f, IN, &right, 6), ENI_REASON_RELATED_ICMP);
}

/* ---- the brute-force model ------------------------------------------------- */

/* The decision, written out again: query pairs (request, reply) and errors. */
static const uint8_t pairs4[][2] = {{8, 0}, {13, 14}, {15, 16}, {17, 18}};
static const uint8_t pairs6[][2] = {{128, 129}, {139, 140}};
static const uint8_t errors4[] = {3, 4, 5, 11, 12};
static const uint8_t errors6[] = {1, 2, 3, 4};

struct m_rule {
    unsigned dir;
    int type, code;
};

struct m_flow {
    int request;
    bool request_out;
    uint16_t id;
    unsigned peer;
    uint64_t expires;
};

struct model {
    unsigned family;
    struct m_rule rules[8];
    unsigned n_rules;
    struct m_flow flows[64];
    unsigned n_flows;
};

/* One ICMP message of the sweep, and what an error quotes. */
struct m_pkt {
    uint8_t type, code;
    uint16_t id;
    unsigned peer;
    bool fragment;
    bool quotes;          /* ENI_PKT_ICMP_ERROR with a quoted packet */
    bool quote_tcp;       /* the quoted packet is TCP (never tracked here) */
    bool quote_no_type;   /* ICMP quoted without ENI_PKT_INNER_ICMP_TYPE */
    uint8_t q_type;
    uint16_t q_id;
    unsigned q_peer, q_dir;
};

/* The request type of a query message, or -1; *request says which half. */
static int m_query(unsigned family, uint8_t type, bool *request)
{
    const uint8_t(*pairs)[2] = family == 4 ? pairs4 : pairs6;
    size_t n = family == 4 ? sizeof pairs4 / sizeof pairs4[0] : sizeof pairs6 / sizeof pairs6[0];
    for (size_t i = 0; i < n; i++)
        for (int half = 0; half < 2; half++)
            if (pairs[i][half] == type) {
                *request = half == 0;
                return pairs[i][0];
            }
    return -1;
}

static bool m_error(unsigned family, uint8_t type)
{
    const uint8_t *e = family == 4 ? errors4 : errors6;
    size_t n = family == 4 ? sizeof errors4 : sizeof errors6;
    return memchr(e, type, n) != NULL;
}

static bool m_allowed(const struct model *m, unsigned dir, const struct m_pkt *p)
{
    if (p->peer == 2)
        return false; /* outside every rule's CIDR */
    for (unsigned i = 0; i < m->n_rules; i++) {
        const struct m_rule *r = &m->rules[i];
        if (r->dir != dir)
            continue;
        if (p->fragment ? r->type == -1 && r->code == -1
                        : (r->type == -1 || r->type == p->type) &&
                              (r->code == -1 || r->code == p->code))
            return true;
    }
    return false;
}

static struct m_flow *m_find(struct model *m, int request, bool request_out, uint16_t id,
                             unsigned peer, uint64_t now)
{
    for (unsigned i = 0; i < m->n_flows; i++) {
        struct m_flow *fl = &m->flows[i];
        if (fl->request == request && fl->request_out == request_out && fl->id == id &&
            fl->peer == peer)
            return fl->expires > now ? fl : NULL;
    }
    return NULL;
}

static void m_create(struct model *m, int request, bool request_out, uint16_t id, unsigned peer,
                     uint64_t now)
{
    struct m_flow *fl = NULL;
    for (unsigned i = 0; i < m->n_flows && !fl; i++)
        if (m->flows[i].request == request && m->flows[i].request_out == request_out &&
            m->flows[i].id == id && m->flows[i].peer == peer)
            fl = &m->flows[i];
    if (!fl) {
        assert_true(m->n_flows < sizeof m->flows / sizeof m->flows[0]);
        fl = &m->flows[m->n_flows++];
    }
    *fl = (struct m_flow){request, request_out, id, peer, now + ICMP_TIMEOUT};
}

/* The model's reason for packet p crossing `dir` at `now`. */
static uint8_t m_judge(struct model *m, unsigned dir, const struct m_pkt *p, uint64_t now,
                       bool commit)
{
    bool out = dir == OUT, request;
    uint8_t by_rule = m_allowed(m, dir, p) ? ENI_REASON_RULE : ENI_REASON_NO_RULE;
    if (p->fragment)
        return by_rule; /* no type: no flow, and only an all-types rule */
    if (m_error(m->family, p->type)) {
        /* related: it quotes a query that crossed the other way, it goes
         * back to that query's sender, and the query's flow is live */
        int q = p->quotes && !p->quote_tcp && !p->quote_no_type
                    ? m_query(m->family, p->q_type, &request)
                    : -1;
        bool to_sender = p->q_dir != dir && (!out || p->peer == p->q_peer);
        if (q >= 0 && to_sender &&
            m_find(m, q, request ? p->q_dir == OUT : p->q_dir != OUT, p->q_id, p->q_peer, now))
            return ENI_REASON_RELATED_ICMP;
        return by_rule;
    }
    int q = m_query(m->family, p->type, &request);
    if (q < 0)
        return by_rule;
    bool request_out = request ? out : !out;
    struct m_flow *fl = m_find(m, q, request_out, p->id, p->peer, now);
    if (fl) {
        if (commit)
            fl->expires = now + ICMP_TIMEOUT;
        return ENI_REASON_TRACKED;
    }
    if (by_rule == ENI_REASON_RULE && request && commit)
        m_create(m, q, request_out, p->id, p->peer, now);
    return by_rule;
}

/* The record the library sees for a model packet. */
static eni_pkt m_build(const struct fx *f, unsigned family, unsigned dir, const struct m_pkt *p)
{
    const char *const *peers = family == 4 ? peers4 : peers6;
    eni_pkt e = icmp(f, family, dir, peers[p->peer], p->type, p->code, p->id);
    if (p->fragment)
        e.flags |= ENI_PKT_FRAGMENT;
    if (p->quotes) {
        eni_pkt q = p->quote_tcp ? packet(f, family, 6, p->q_dir, peers[p->q_peer], 40000, 80)
                                 : icmp(f, family, p->q_dir, peers[p->q_peer], p->q_type, 0,
                                        p->q_id);
        eni_pkt err = error_about(&q, e.src, e.dst, p->type, p->code);
        if (p->quote_no_type)
            err.flags &= (uint8_t)~ENI_PKT_INNER_ICMP_TYPE;
        err.flags |= e.flags;
        err.sport = e.sport, err.dport = e.dport; /* a query's identifier */
        e = err;
    }
    return e;
}

static const char *reason_name(uint8_t r)
{
    return eni_reason_name(r);
}

/* Judge one packet (explain first, then a burst) and compare with the model. */
static void check_one(struct fx *f, struct model *m, unsigned dir, const struct m_pkt *p,
                      uint64_t now)
{
    eni_pkt e = m_build(f, m->family, dir, p);
    uint8_t want = m_judge(m, dir, p, now, false);
    eni_verdict v = explain(f, dir, &e, now, NULL, 0);
    if (v.reason != want)
        fail_msg("IPv%u %s type %u code %u id %u peer %u%s%s: explain says %s, the model %s",
                 m->family, dir == IN ? "in" : "out", p->type, p->code, p->id, p->peer,
                 p->fragment ? " fragment" : "", p->quotes ? " quoting" : "",
                 reason_name(v.reason), reason_name(want));
    want = m_judge(m, dir, p, now, true);
    v = eval(f, dir, &e, now);
    if (v.reason != want)
        fail_msg("IPv%u %s type %u code %u id %u peer %u%s%s: the burst says %s, the model %s",
                 m->family, dir == IN ? "in" : "out", p->type, p->code, p->id, p->peer,
                 p->fragment ? " fragment" : "", p->quotes ? " quoting" : "",
                 reason_name(v.reason), reason_name(want));
}

/* Rule sets of the sweep, per family: [dir, type, code] triples. */
struct m_config {
    unsigned n;
    struct m_rule r[4];
};

static const struct m_config configs4[] = {
    {1, {{IN, 10, -1}}},                                     /* issue 21 */
    {1, {{IN, -1, -1}}},                                     /* all ICMP in */
    {3, {{IN, 8, -1}, {OUT, 3, 3}, {OUT, 0, 0}}},            /* a reply allowed by a rule */
    {3, {{OUT, 13, -1}, {IN, 3, -1}, {IN, 14, 0}}},
};
static const struct m_config configs6[] = {
    {1, {{IN, 133, -1}}},
    {1, {{IN, -1, -1}}},
    {3, {{IN, 128, -1}, {OUT, 1, 4}, {OUT, 129, 0}}},
    {3, {{OUT, 139, -1}, {IN, 2, -1}, {IN, 140, 0}}},
};

/* Run `body` once per family and rule set of the sweep, with those rules in
 * the group and a model that knows them and no flow; the rules go after. */
typedef void (*sweep_fn)(struct fx *f, struct model *m, void *ud);

static void each_config(struct fx *f, sweep_fn body, void *ud)
{
    for (unsigned family = 4; family <= 6; family += 2) {
        const struct m_config *cfgs = family == 4 ? configs4 : configs6;
        for (unsigned c = 0; c < 4; c++) {
            struct model m = {.family = family, .n_rules = cfgs[c].n};
            eni_sg_rule_id ids[4];
            for (unsigned i = 0; i < cfgs[c].n; i++) {
                const struct m_rule *r = &cfgs[c].r[i];
                m.rules[i] = *r;
                ids[i] = allow(f, r->dir == IN ? ENI_INGRESS : ENI_EGRESS, family == 4 ? 1 : 58,
                               r->type, r->code, family == 4 ? CIDR4 : CIDR6);
            }
            body(f, &m, ud);
            assert_eni_ok(eni_sg_revoke_rules(f->h.ctx, f->h.group, ids, cfgs[c].n));
        }
    }
}

struct pairs_run {
    uint64_t now;
    uint32_t checked;
};

static void pairs_body(struct fx *f, struct model *m, void *ud)
{
    static const uint8_t second4[] = {0, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 42, 255};
    static const uint8_t second6[] = {0, 1, 2, 3, 4, 128, 129, 130, 133, 134, 135, 136, 139, 140, 143, 255};
    struct pairs_run *run = ud;
    unsigned family = m->family;
    const uint8_t *second = family == 4 ? second4 : second6;
    size_t n_second = family == 4 ? sizeof second4 : sizeof second6;
    for (unsigned t1 = 0; t1 < 256; t1++)
        for (unsigned d1 = IN; d1 <= OUT; d1++)
            for (size_t k = 0; k <= n_second + 1; k++) {
                bool request;
                int q = m_query(family, (uint8_t)t1, &request);
                /* the listed types, then t1 itself, then its partner */
                uint8_t t2 = k < n_second    ? second[k]
                             : k == n_second ? (uint8_t)t1
                             : q < 0         ? 10
                             : request       ? (uint8_t)(family == 4 && q == 8 ? 0 : q + 1)
                                             : (uint8_t)q;
                for (unsigned d2 = IN; d2 <= OUT; d2++) {
                    run->now += 100 * SEC; /* the last pair's flows are gone */
                    struct m_pkt first = {.type = (uint8_t)t1, .id = 7, .peer = 0};
                    check_one(f, m, d1, &first, run->now);
                    struct m_pkt then = {.type = t2, .id = 7, .peer = 0};
                    if (m_error(family, t2)) {
                        then.quotes = true;
                        then.q_type = (uint8_t)t1, then.q_id = 7;
                        then.q_peer = 0, then.q_dir = d1;
                    }
                    check_one(f, m, d2, &then, run->now + SEC);
                    run->checked += 2;
                }
            }
}

/* Every type of both families as the first packet, both ways, followed by
 * a second one of every class (the same type, its partner, each error
 * quoting the first, informational and unassigned types), both ways. */
static void test_s5_1_every_icmp_type_both_ways_matches_the_model(void **state)
{
    struct pairs_run run = {SEC, 0};
    each_config(*state, pairs_body, &run);
    assert_true(run.checked > 100000);
}

static unsigned rnd(uint64_t *s, unsigned n)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(*s >> 33) % n;
}

struct random_run {
    uint64_t rng, now;
};

static void random_body(struct fx *f, struct model *m, void *ud)
{
    struct random_run *run = ud;
#define RND(n) rnd(&run->rng, (n))
    unsigned family = m->family;
    const uint8_t(*pairs)[2] = family == 4 ? pairs4 : pairs6;
    unsigned n_pairs = family == 4 ? 4 : 2;
    const uint8_t *errs = family == 4 ? errors4 : errors6;
    unsigned n_errs = family == 4 ? sizeof errors4 : sizeof errors6;
    run->now += 100 * SEC;
    for (int step = 0; step < 4000;) {
        enum { MAXB = 24 };
        struct m_pkt b[MAXB];
        uint8_t dirs[MAXB], want[MAXB];
        unsigned n = RND(3) ? 1 : 1 + RND(MAXB);
        for (unsigned i = 0; i < n; i++) {
            struct m_pkt *p = &b[i];
            memset(p, 0, sizeof *p);
            unsigned pick = RND(8);
            p->type = pick < 4   ? pairs[RND(n_pairs)][RND(2)]
                      : pick < 6 ? errs[RND(n_errs)]
                                 : (uint8_t)RND(256);
            p->code = RND(4) ? 0 : 3;
            p->id = (uint16_t)(7 + RND(2));
            p->peer = RND(3);
            p->fragment = RND(30) == 0;
            p->quotes = RND(6) != 0 && (m_error(family, p->type) || RND(10) == 0);
            p->quote_tcp = RND(8) == 0;
            p->quote_no_type = RND(10) == 0;
            p->q_type = RND(4) ? pairs[RND(n_pairs)][RND(2)] : (uint8_t)RND(256);
            p->q_id = (uint16_t)(7 + RND(2));
            p->q_peer = RND(3);
            p->q_dir = RND(2) ? IN : OUT;
            dirs[i] = RND(2) ? IN : OUT;
        }
        run->now += RND(4) == 0 ? 20 * SEC * RND(3) : RND(2) * SEC;
        if (n == 1) {
            check_one(f, m, dirs[0], &b[0], run->now);
        } else {
            eni_pkt e[MAXB];
            eni_verdict v[MAXB];
            for (unsigned i = 0; i < n; i++) {
                e[i] = m_build(f, family, dirs[i], &b[i]);
                want[i] = m_judge(m, dirs[i], &b[i], run->now, true);
            }
            assert_eni_ok(eni_eval_burst_dirs(f->w, f->h.nic, dirs, e, n, run->now, 0, v));
            for (unsigned i = 0; i < n; i++)
                if (v[i].reason != want[i])
                    fail_msg("IPv%u burst packet %u: %s type %u: %s, the model %s", family, i,
                             dirs[i] == IN ? "in" : "out", b[i].type, reason_name(v[i].reason),
                             reason_name(want[i]));
        }
        step += (int)n;
    }
#undef RND
}

/* Random traffic against the model: any type and code, two identifiers,
 * three peers, fragments, errors quoting queries, TCP or nothing, with and
 * without the quoted type, addressed to the sender or not; judged one at a
 * time (explain, then a burst) or in bursts with a direction per packet. */
static void test_s5_1_random_icmp_traffic_matches_the_model(void **state)
{
    struct random_run run = {0x1c3d5e7f9a2b4c6dull, SEC};
    each_config(*state, random_body, &run);
}

/* A listed ICMP flow names the query's identifier on both sides. */
static void test_s5_1_icmp_flow_lists_its_identifier(void **state)
{
    struct fx *f = *state;
    allow(f, ENI_EGRESS, 58, 128, -1, "::/0");
    eni_pkt req = icmp(f, 6, OUT, peers6[2], 128, 0, 999);
    assert_reason(eval(f, OUT, &req, 1), ENI_REASON_RULE);
    eni_flow_info fi;
    uint32_t n;
    assert_eni_ok(eni_nic_list_flows(f->h.ctx, f->h.nic, 2, &fi, 1, &n));
    assert_int_equal(n, 1);
    assert_int_equal(fi.proto, 58);
    assert_int_equal(fi.local_port, 999);
    assert_int_equal(fi.remote_port, 999);
    assert_int_equal(fi.initiator, OUT);
    eni_pkt rep = icmp(f, 6, IN, peers6[2], 129, 0, 999);
    assert_reason(eval(f, IN, &rep, 3), ENI_REASON_TRACKED);
    /* an echo request from the peer with the same identifier is not a reply */
    eni_pkt theirs = icmp(f, 6, IN, peers6[2], 128, 0, 999);
    assert_reason(eval(f, IN, &theirs, 4), ENI_REASON_NO_RULE);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_s5_1_informational_icmp_opens_no_flow_for_errors_or_type_9),
        T(test_s5_1_error_quoting_our_echo_request_is_related),
        T(test_s5_1_error_not_sent_to_the_quoted_source_is_not_related),
        T(test_s5_1_every_icmp_type_both_ways_matches_the_model),
        T(test_s5_1_random_icmp_traffic_matches_the_model),
        T(test_s5_1_icmp_flow_lists_its_identifier),
    };
    return cmocka_run_group_tests_name("eval_icmp", tests, NULL, NULL);
}
