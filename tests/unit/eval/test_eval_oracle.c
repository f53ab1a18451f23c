/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Differential test of the security-group verdict (issue 12): random rule
 * sets built through the public API only, every verdict of eni_eval_burst
 * (with and without ENI_EVAL_WANT_RULE) checked against a brute-force
 * oracle written from the rules as this test authorized them.
 *
 * The oracle is a plain list of the rules the test authorized (canonical
 * form: host bits cleared, ports -1 for protocols without ports), of the
 * addresses and groups it gave each interface, of the members it reported
 * for other hosts and of the entries it put in prefix lists. A packet is
 * allowed when one rule of the interface's groups in its direction matches
 * it one by one: protocol (-1 all), ports (TCP/UDP destination port in
 * range; ICMP type and code, -1 any), remote address in the peer (CIDR,
 * members of the referenced group with their delegated prefixes, entries of
 * the prefix list). A non-first fragment (ENI_PKT_FRAGMENT) has no ports or
 * type: only an all-ports, all-types or all-traffic rule matches it
 * (docs/eval.md "ICMP", classify.c port_fits). It never asks libeni.
 *
 * What the verdict depends on besides the rules is kept out by
 * construction, so that the expectation is exactly "ALLOW/RULE when a rule
 * matches, else DROP/NO_RULE":
 *   - flows: every packet is judged on a fresh flow table. Bursts hold
 *     packets with distinct flow keys (a distinct source port each; one
 *     packet per address pair for protocols without ports), and between
 *     bursts the clock jumps past every timeout and the flows are swept
 *     (the test checks that none is left);
 *   - untracked flows (section 5.2): per family one direction at most may
 *     hold all-address (/0) rules of TCP, UDP or all traffic, and only that
 *     direction may hold those of all ports; prefix lists hold no /0;
 *   - services (169.254.169.123/253/254, VPC+2, fd00:ec2::123/253/254) are
 *     never the remote address; the local address is always one of the
 *     interface's own (its addresses or inside its delegated prefixes),
 *     so the source/destination check passes; the subnet keeps the default
 *     network ACL (allows all); ICMP errors never quote a live flow (the
 *     quoted source is never the error's destination); IPv4 packets never
 *     carry protocol 58 nor IPv6 packets protocol 1.
 *
 * Seeds: LIBENI_ORACLE_SEED (decimal or 0x hex) runs that one seed, else a
 * fixed list. The seed picks the shape (seed % SHAPES): tiny sets (scan),
 * medium and large sets (port index, IPv4 bit rows), one group of up to
 * 1000 rules, group references with membership churn and remote members,
 * and a huge remote member set (the classifier's fallback past 2 MiB of
 * rows). After the first rule sets are judged, the model changes one step
 * at a time, each step followed by more packets: revokes (by spec and by
 * id), re-authorizations, new rules, in-place modifications, the
 * interface's groups, members joining and leaving groups (and deleted and
 * created again), addresses and prefixes assigned and unassigned, remote
 * members, prefix-list entries. Publication is synchronous (every model
 * change republishes before the call returns, docs/eval.md "Snapshots"),
 * so the very next burst must see the change; a third of the packets after
 * a change go to the addresses and prefixes it touched. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "eval_host.h"

#define SEC 1000000000ull
/* Past every timeout (TCP established: 432000 s by default). */
#define JUMP (1000000ull * SEC)

enum {
    MAX_GROUPS = 8,
    MAX_NICS = 8,
    POOL = 6,      /* addresses per family an interface may hold (m5.large: 10) */
    MAX_PL = 4,
    PL_CAP = 12,   /* most entries a prefix list is created for */
    NSRC = 2,      /* remote sources */
    BURST = 64,
    NFAM = 2
};

struct pfx {
    uint8_t fam; /* 4 or 6 */
    uint8_t len;
    uint8_t a[16];
};

struct addrv {
    struct pfx *v;
    uint32_t n, cap;
};

struct orule {
    bool live;
    uint8_t dir;       /* ENI_INGRESS or ENI_EGRESS */
    uint8_t group;     /* index in world.g */
    uint8_t peer_kind; /* eni_peer_kind */
    uint8_t peer;      /* group or prefix-list index */
    int proto, from, to; /* canonical */
    int spec_from, spec_to; /* as given (other protocols: anything) */
    struct pfx cidr;   /* canonical */
    uint8_t host_bits; /* the CIDR was given with host bits set */
    eni_sg_rule_id id;
};

struct ogroup {
    eni_sg_id id;
    struct addrv remote[NSRC];
    /* the members as the oracle sees them, rebuilt after every change */
    struct addrv pts[NFAM]; /* sorted single addresses */
    struct addrv pfx[NFAM]; /* delegated prefixes */
};

struct onic {
    eni_nic_id id;
    bool gone;       /* deleted (a member), until created again */
    unsigned subnet;
    uint32_t groups; /* bit per group index */
    struct pfx v4[POOL], v6[POOL], p4, p6;
    bool has4[POOL], has6[POOL], hasp4, hasp6;
};

struct opl {
    eni_prefix_list_id id;
    uint8_t fam;
    uint32_t max, n;
    struct pfx e[PL_CAP];
};

struct shape {
    const char *name;
    unsigned G, R;          /* quotas: groups per interface, rules per group */
    unsigned ngroups, nmembers, npl;
    unsigned rules_lo, rules_hi; /* per direction, all groups together */
    unsigned pkts;          /* packets per direction on the first rule sets */
    unsigned steps;         /* changes, each followed by ... */
    unsigned step_pkts;     /* ... this many packets per direction */
    unsigned pct_group, pct_pl; /* peer kinds, percent */
    bool big_remote;
};

static const struct shape shapes[] = {
    {"tiny sets", 5, 60, 3, 3, 2, 0, 6, 256, 48, 24, 20, 10, false},
    {"medium sets", 5, 60, 5, 4, 3, 8, 60, 256, 40, 24, 20, 10, false},
    {"large sets", 5, 200, 6, 5, 4, 150, 400, 384, 24, 24, 15, 8, false},
    {"one group of up to 1000 rules", 1, 1000, 1, 3, 3, 250, 500, 384, 20, 24, 10, 6, false},
    {"group references and churn", 4, 250, 8, 7, 3, 20, 120, 256, 64, 24, 55, 10, false},
    {"huge remote member set", 2, 500, 2, 3, 2, 100, 200, 384, 8, 32, 10, 5, true},
};
#define SHAPES (sizeof shapes / sizeof shapes[0])

struct world {
    uint64_t seed;
    const struct shape *sh;
    unsigned step;
    eni_ctx *ctx;
    eni_vpc_id vpc;
    eni_subnet_id subnet[2];
    eni_instance_id inst;
    eni_eval_worker *w;
    unsigned ngroups, nnics, npl;
    struct ogroup g[MAX_GROUPS];
    struct onic nic[MAX_NICS]; /* [0] is the interface under test */
    struct opl pl[MAX_PL];
    struct orule *r;
    uint32_t nr, cap;
    uint8_t wide[NFAM]; /* the direction that may hold /0 TCP/UDP/all rules, or 0 */
    uint32_t big;       /* group index of the huge remote set, or UINT32_MAX */
    uint32_t *active[3]; /* live rules of the interface's groups, by direction */
    uint32_t nactive[3];
    struct pfx hint[8]; /* what the last changes touched: packets go there too */
    uint32_t nhint;
    uint64_t now;
    /* totals */
    uint64_t checks, allowed, dropped, evaluated;
};

/* ---- randomness: splitmix64, one stream per seed ------------------------ */

static uint64_t rng;

static uint64_t rnext(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
    return n ? (uint32_t)(rnext() % n) : 0;
}

/* ---- addresses ----------------------------------------------------------- */

static unsigned fbytes(unsigned fam)
{
    return fam == 4 ? 4 : 16;
}

static unsigned fidx(unsigned fam)
{
    return fam == 4 ? 0 : 1;
}

static void put32(uint8_t *a, uint32_t v)
{
    a[0] = (uint8_t)(v >> 24), a[1] = (uint8_t)(v >> 16), a[2] = (uint8_t)(v >> 8), a[3] = (uint8_t)v;
}

static void put64(uint8_t *a, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        a[i] = (uint8_t)(v >> (56 - 8 * i));
}

static struct pfx mk4(uint32_t v, unsigned len)
{
    struct pfx p;
    memset(&p, 0, sizeof p);
    p.fam = 4, p.len = (uint8_t)len;
    put32(p.a, v);
    return p;
}

static struct pfx mk6(uint64_t hi, uint64_t lo, unsigned len)
{
    struct pfx p;
    memset(&p, 0, sizeof p);
    p.fam = 6, p.len = (uint8_t)len;
    put64(p.a, hi);
    put64(p.a + 8, lo);
    return p;
}

static bool prefix_has(const struct pfx *n, unsigned fam, const uint8_t *a)
{
    if (n->fam != fam)
        return false;
    for (unsigned bit = 0; bit < n->len; bit++) {
        unsigned m = 0x80u >> (bit % 8);
        if ((n->a[bit / 8] & m) != (a[bit / 8] & m))
            return false;
    }
    return true;
}

static void clear_host_bits(struct pfx *p)
{
    unsigned bits = fbytes(p->fam) * 8;
    for (unsigned bit = p->len; bit < bits; bit++)
        p->a[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
}

/* The last address of a (canonical) prefix. */
static void prefix_last(const struct pfx *p, uint8_t out[16])
{
    memcpy(out, p->a, 16);
    unsigned bits = fbytes(p->fam) * 8;
    for (unsigned bit = p->len; bit < bits; bit++)
        out[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
}

/* a += delta (+1 or -1), wrapping, over the family's bytes. */
static void addr_step(uint8_t *a, unsigned fam, int delta)
{
    for (int i = (int)fbytes(fam) - 1; i >= 0; i--) {
        if (delta > 0) {
            if (++a[i] != 0)
                return;
        } else if (a[i]-- != 0) {
            return;
        }
    }
}

static const char *addr_str(unsigned fam, const uint8_t *a, char *buf, size_t len)
{
    return inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)len);
}

static const char *pfx_str(const struct pfx *p, char *buf, size_t len)
{
    char t[INET6_ADDRSTRLEN];
    snprintf(buf, len, "%s/%u", addr_str(p->fam, p->a, t, sizeof t), p->len);
    return buf;
}

/* Section 4.7's services: never filtered, so never a remote address here. */
static bool is_service(unsigned fam, const uint8_t *a)
{
    if (fam == 4) {
        uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        return v == 0xa9fea97bu || v == 0xa9fea9fdu || v == 0xa9fea9feu ||
               v == 0x0a000002u; /* 169.254.169.123/253/254, VPC 10.0.0.0/16 + 2 */
    }
    static const uint8_t ec2[14] = {0xfd, 0x00, 0x0e, 0xc2};
    if (memcmp(a, ec2, sizeof ec2) != 0)
        return false;
    unsigned last = (unsigned)a[14] << 8 | a[15];
    return last == 0x123 || last == 0x253 || last == 0x254;
}

/* An address from one of a few neighbourhoods, so that rules overlap and
 * packets hit them, now and then from the ends and the middle of the space. */
static void rand_addr(unsigned fam, uint8_t a[16])
{
    memset(a, 0, 16);
    unsigned k = rnd(10);
    if (fam == 4) {
        static const uint32_t edges[] = {0, 1, 0xffffffffu, 0xfffffffeu, 0x7fffffffu, 0x80000000u};
        uint32_t v;
        switch (k) {
        case 0: case 1: case 2: v = 0x0a000000u | rnd(4) << 8 | rnd(256); break; /* the VPC */
        case 3: case 4: v = 0xc6336400u | rnd(512); break;                      /* 198.51.100.0/23 */
        case 5: v = 0x0a000000u | rnd(1u << 24); break;
        case 6: case 7: v = (uint32_t)rnext(); break;
        case 8: v = edges[rnd(6)]; break;
        default: v = 0xa9fea900u | rnd(256); break; /* 169.254.169.0/24 */
        }
        put32(a, v);
        return;
    }
    uint64_t hi, lo;
    switch (k) {
    case 0: case 1: case 2:
        hi = 0x20010db800000100ull | rnd(4); /* the VPC's first /64s */
        lo = rnd(2) ? rnd(4096) : rnext();
        break;
    case 3: case 4: hi = 0x20010db800be0000ull | rnd(4), lo = rnd(512); break;
    case 5: case 6: case 7: hi = rnext(), lo = rnext(); break;
    case 8: {
        static const uint64_t eh[] = {0, 0, ~0ull, ~0ull, 0x7fffffffffffffffull, 0x8000000000000000ull};
        static const uint64_t el[] = {0, 1, ~0ull, ~0ull - 1, ~0ull, 0};
        unsigned e = rnd(6);
        hi = eh[e], lo = el[e];
        break;
    }
    default: hi = 0xfd000ec200000000ull, lo = rnd(1024); break; /* fd00:ec2::/96 */
    }
    put64(a, hi);
    put64(a + 8, lo);
}

static unsigned rand_len(unsigned fam, bool allow_zero)
{
    static const unsigned e4[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 25, 28, 30, 31, 32};
    static const unsigned e6[] = {0, 1, 2, 31, 32, 33, 48, 56, 63, 64, 65, 79, 80, 81, 96, 126, 127, 128};
    unsigned k = rnd(100);
    unsigned len;
    if (k < 25) /* the edges of every word and the classic lengths */
        len = fam == 4 ? e4[rnd(16)] : e6[rnd(18)];
    else if (fam == 4)
        len = k < 5 ? 0 : k < 15 ? 1 + rnd(8) : k < 35 ? 9 + rnd(15) : k < 45 ? 24 : k < 70 ? 25 + rnd(7) : 32;
    else
        len = k < 5 ? 0 : k < 15 ? 1 + rnd(32) : k < 30 ? 33 + rnd(31) : k < 40 ? 64 : k < 70 ? 65 + rnd(63) : 128;
    if (len == 0 && !allow_zero)
        len = 1 + rnd(fam == 4 ? 32 : 128);
    return len;
}

static struct pfx rand_pfx(unsigned fam, bool allow_zero)
{
    struct pfx p;
    memset(&p, 0, sizeof p);
    p.fam = (uint8_t)fam;
    rand_addr(fam, p.a);
    p.len = (uint8_t)rand_len(fam, allow_zero);
    clear_host_bits(&p);
    return p;
}

static void av_push(struct addrv *v, const struct pfx *p)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->v = realloc(v->v, v->cap * sizeof *v->v);
        assert_non_null(v->v);
    }
    v->v[v->n++] = *p;
}

static int cmp_addr(const void *x, const void *y)
{
    return memcmp(((const struct pfx *)x)->a, ((const struct pfx *)y)->a, 16);
}

static bool av_has_point(const struct addrv *v, const uint8_t *a)
{
    uint32_t lo = 0, hi = v->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = memcmp(v->v[mid].a, a, 16);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Remember an address or prefix a change touched (the packets after the
 * change visit it, so that a snapshot not republished shows). */
static void hint(struct world *w, const struct pfx *p)
{
    w->hint[w->nhint++ % 8] = *p;
}

/* ---- the oracle ----------------------------------------------------------- */

static bool peer_has(const struct world *w, const struct orule *r, unsigned fam, const uint8_t *a)
{
    switch (r->peer_kind) {
    case ENI_PEER_CIDR:
        return prefix_has(&r->cidr, fam, a);
    case ENI_PEER_PREFIX_LIST: {
        const struct opl *pl = &w->pl[r->peer];
        for (uint32_t i = 0; i < pl->n; i++)
            if (prefix_has(&pl->e[i], fam, a))
                return true;
        return false;
    }
    default: {
        const struct ogroup *g = &w->g[r->peer];
        if (av_has_point(&g->pts[fidx(fam)], a))
            return true;
        for (uint32_t i = 0; i < g->pfx[fidx(fam)].n; i++)
            if (prefix_has(&g->pfx[fidx(fam)].v[i], fam, a))
                return true;
        return false;
    }
    }
}

static uint8_t rule_dir(unsigned eval_dir)
{
    return eval_dir == ENI_DIR_INBOUND ? ENI_INGRESS : ENI_EGRESS;
}

/* Does rule r of the interface's groups allow packet p crossing in eval_dir? */
static bool rule_allows(const struct world *w, const struct orule *r, unsigned eval_dir,
                        const eni_pkt *p)
{
    if (!r->live || r->dir != rule_dir(eval_dir) || !(w->nic[0].groups >> r->group & 1))
        return false;
    if (r->proto != -1 && r->proto != p->proto)
        return false;
    bool frag = p->flags & ENI_PKT_FRAGMENT;
    if (r->proto == 6 || r->proto == 17) {
        if (frag ? !(r->from == 0 && r->to == 65535) : (p->dport < r->from || p->dport > r->to))
            return false;
    } else if (r->proto == 1 || r->proto == 58) {
        if (frag ? r->from != -1
                 : ((r->from != -1 && r->from != p->icmp_type) || (r->to != -1 && r->to != p->icmp_code)))
            return false;
    }
    const uint8_t *remote = eval_dir == ENI_DIR_INBOUND ? p->src : p->dst;
    return peer_has(w, r, p->family, remote);
}

static const struct orule *oracle(const struct world *w, unsigned eval_dir, const eni_pkt *p)
{
    unsigned d = rule_dir(eval_dir);
    for (uint32_t i = 0; i < w->nactive[d]; i++) {
        const struct orule *r = &w->r[w->active[d][i]];
        if (rule_allows(w, r, eval_dir, p))
            return r;
    }
    return NULL;
}

/* The oracle's view of group members (rebuilt after every change) and the
 * rules in force on the interface. Built only from what the test did. */
static void rebuild(struct world *w)
{
    for (unsigned gi = 0; gi < w->ngroups; gi++) {
        struct ogroup *g = &w->g[gi];
        for (unsigned f = 0; f < NFAM; f++)
            g->pts[f].n = g->pfx[f].n = 0;
        for (unsigned ni = 0; ni < w->nnics; ni++) {
            const struct onic *n = &w->nic[ni];
            if (!(n->groups >> gi & 1))
                continue;
            for (unsigned k = 0; k < POOL; k++) {
                if (n->has4[k])
                    av_push(&g->pts[0], &n->v4[k]);
                if (n->has6[k])
                    av_push(&g->pts[1], &n->v6[k]);
            }
            if (n->hasp4)
                av_push(&g->pfx[0], &n->p4);
            if (n->hasp6)
                av_push(&g->pfx[1], &n->p6);
        }
        for (unsigned s = 0; s < NSRC; s++)
            for (uint32_t i = 0; i < g->remote[s].n; i++)
                av_push(&g->pts[fidx(g->remote[s].v[i].fam)], &g->remote[s].v[i]);
        for (unsigned f = 0; f < NFAM; f++)
            qsort(g->pts[f].v, g->pts[f].n, sizeof *g->pts[f].v, cmp_addr);
    }
    for (unsigned d = 1; d <= 2; d++) {
        free(w->active[d]);
        w->active[d] = calloc(w->nr + 1, sizeof *w->active[d]);
        assert_non_null(w->active[d]);
        w->nactive[d] = 0;
        for (uint32_t i = 0; i < w->nr; i++)
            if (w->r[i].live && w->r[i].dir == d && (w->nic[0].groups >> w->r[i].group & 1))
                w->active[d][w->nactive[d]++] = i;
    }
}

/* ---- rules: generation, canonical form, quota, authorization ------------ */

static bool same_rule(const struct orule *a, const struct orule *b)
{
    if (a->group != b->group || a->dir != b->dir || a->proto != b->proto || a->from != b->from ||
        a->to != b->to || a->peer_kind != b->peer_kind)
        return false;
    if (a->peer_kind == ENI_PEER_CIDR)
        return a->cidr.fam == b->cidr.fam && a->cidr.len == b->cidr.len &&
               memcmp(a->cidr.a, b->cidr.a, 16) == 0;
    return a->peer == b->peer;
}

/* Is a rule like r (other than skip) live, or already in the pending batch? */
static bool duplicate(const struct world *w, const struct orule *r, const struct orule *skip,
                      const struct orule *batch, uint32_t nbatch)
{
    for (uint32_t i = 0; i < w->nr; i++)
        if (w->r[i].live && &w->r[i] != skip && same_rule(&w->r[i], r))
            return true;
    for (uint32_t i = 0; i < nbatch; i++)
        if (same_rule(&batch[i], r))
            return true;
    return false;
}

/* Section 5.2 kept out: per family, /0 rules of TCP, UDP or all traffic only
 * in the family's "wide" direction (when it has one), and all-port ones
 * only there. */
static bool untracked_safe(const struct world *w, const struct orule *r)
{
    if (r->peer_kind != ENI_PEER_CIDR || r->cidr.len != 0 ||
        !(r->proto == -1 || r->proto == 6 || r->proto == 17))
        return true;
    bool all_ports = r->proto == -1 || (r->from == 0 && r->to == 65535);
    uint8_t wd = w->wide[fidx(r->cidr.fam)];
    return wd ? r->dir == wd : !all_ports;
}

/* Quota cost in the IPv4 and IPv6 buckets (model.h: per direction and family;
 * a group reference matches both families, a prefix list costs its size). */
static void rule_cost(const struct world *w, const struct orule *r, uint32_t c[NFAM])
{
    if (r->peer_kind == ENI_PEER_CIDR)
        c[fidx(r->cidr.fam)] += 1;
    else if (r->peer_kind == ENI_PEER_PREFIX_LIST)
        c[fidx(w->pl[r->peer].fam)] += w->pl[r->peer].max;
    else
        c[0] += 1, c[1] += 1;
}

static bool quota_ok(const struct world *w, const struct orule *r, const struct orule *skip,
                     const struct orule *batch, uint32_t nbatch)
{
    uint32_t c[NFAM] = {0, 0}, add[NFAM] = {0, 0};
    for (uint32_t i = 0; i < w->nr; i++)
        if (w->r[i].live && &w->r[i] != skip && w->r[i].group == r->group && w->r[i].dir == r->dir)
            rule_cost(w, &w->r[i], c);
    for (uint32_t i = 0; i < nbatch; i++)
        if (batch[i].group == r->group && batch[i].dir == r->dir)
            rule_cost(w, &batch[i], c);
    rule_cost(w, r, add);
    for (unsigned f = 0; f < NFAM; f++)
        if (add[f] && c[f] + add[f] > w->sh->R)
            return false;
    return true;
}

static void rand_ports(struct orule *r)
{
    static const int common[] = {22, 53, 80, 443, 3389, 8080};
    switch (rnd(10)) {
    case 0: case 1: r->from = r->to = common[rnd(6)]; break;
    case 2: case 3: r->from = r->to = 1000 + (int)rnd(40); break;
    case 4: case 5: r->from = 1000 + (int)rnd(40), r->to = r->from + (int)rnd(30); break;
    case 6: r->from = 0, r->to = 65535; break;
    case 7: { /* the ends of the port space */
        static const int ends[][2] = {{0, 0},    {65535, 65535}, {0, 1023},    {1024, 65535},
                                      {1, 65534}, {0, 65534},    {1, 65535},   {0, 1}};
        unsigned e = rnd(8);
        r->from = ends[e][0], r->to = ends[e][1];
        break;
    }
    default:
        r->from = (int)rnd(65536);
        r->to = r->from + (int)rnd((uint32_t)(65536 - r->from));
        break;
    }
    r->spec_from = r->from, r->spec_to = r->to;
}

static int icmp_type_pick(unsigned fam)
{
    static const int t4[] = {0, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 17};
    static const int t6[] = {1, 2, 3, 4, 128, 129, 133, 134, 135, 136, 139, 143};
    if (rnd(4) == 0)
        return (int)rnd(256);
    return fam == 4 ? t4[rnd(12)] : t6[rnd(12)];
}

/* Fill r's protocol, ports and peer (group and direction set by the caller). */
static void rand_rule_body(struct world *w, struct orule *r)
{
    /* peer first: its family steers the ICMP protocol */
    unsigned k = rnd(100);
    unsigned fam = rnd(3) ? 4 : 6;
    if (k < w->sh->pct_group) {
        r->peer_kind = ENI_PEER_GROUP;
        r->peer = (uint8_t)rnd(w->ngroups);
        /* the huge remote set only through the narrow rules initial_rules
         * gives it: a wide port range would copy it into every segment */
        if (r->peer == w->big)
            r->peer_kind = ENI_PEER_CIDR;
    } else if (k < w->sh->pct_group + w->sh->pct_pl && w->npl) {
        r->peer_kind = ENI_PEER_PREFIX_LIST;
        r->peer = (uint8_t)rnd(w->npl);
        fam = w->pl[r->peer].fam;
    } else {
        r->peer_kind = ENI_PEER_CIDR;
    }
    if (r->peer_kind == ENI_PEER_CIDR) {
        r->cidr = rand_pfx(fam, true);
        r->host_bits = rnd(4) == 0;
    }
    k = rnd(100);
    if (k < 30) {
        r->proto = 6;
        rand_ports(r);
    } else if (k < 50) {
        r->proto = 17;
        rand_ports(r);
    } else if (k < 64) {
        /* ICMP of the peer's family, now and then the other one (it then
         * matches nothing of that family) */
        bool v4 = r->peer_kind == ENI_PEER_GROUP ? rnd(2) : fam == 4;
        if (rnd(10) == 0)
            v4 = !v4;
        r->proto = v4 ? 1 : 58;
        switch (rnd(3)) {
        case 0: r->from = r->to = -1; break;
        case 1: r->from = icmp_type_pick(v4 ? 4 : 6), r->to = -1; break;
        default: r->from = icmp_type_pick(v4 ? 4 : 6), r->to = rnd(3) ? (int)rnd(16) : (int)rnd(256); break;
        }
        r->spec_from = r->from, r->spec_to = r->to;
    } else if (k < 74) {
        r->proto = ENI_PROTO_ALL;
        r->from = r->to = -1;
        /* ports are ignored for all traffic: give some anyway */
        r->spec_from = rnd(2) ? -1 : (int)rnd(100), r->spec_to = rnd(2) ? -1 : (int)rnd(100);
    } else {
        static const int other[] = {47, 50, 132, 0, 255, 4, 41, 51};
        do
            r->proto = rnd(2) ? other[rnd(8)] : (int)rnd(256);
        while (r->proto == 1 || r->proto == 6 || r->proto == 17 || r->proto == 58);
        r->from = r->to = -1; /* stored as -1 whatever was given */
        r->spec_from = rnd(2) ? -1 : (int)rnd(65536), r->spec_to = rnd(2) ? -1 : (int)rnd(65536);
    }
}

static void spec_of(const struct world *w, const struct orule *r, eni_sg_rule_spec *s, char *cidr,
                    size_t cidrlen)
{
    *s = (eni_sg_rule_spec)ENI_SG_RULE_SPEC_INIT;
    s->protocol = r->proto;
    s->from_port = r->spec_from;
    s->to_port = r->spec_to;
    s->peer_kind = r->peer_kind;
    if (r->peer_kind == ENI_PEER_CIDR) {
        struct pfx given = r->cidr;
        if (r->host_bits) { /* "10.0.0.9/8" is "10.0.0.0/8" (sg.h) */
            uint8_t last[16];
            prefix_last(&given, last);
            memcpy(given.a, last, 16);
        }
        pfx_str(&given, cidr, cidrlen);
        s->cidr = cidr;
    } else if (r->peer_kind == ENI_PEER_GROUP) {
        s->group = w->g[r->peer].id;
    } else {
        s->prefix_list = w->pl[r->peer].id;
    }
}

static void rule_text(const struct world *w, const struct orule *r, char *buf, size_t len)
{
    char peer[64];
    if (r->peer_kind == ENI_PEER_CIDR)
        pfx_str(&r->cidr, peer, sizeof peer);
    else if (r->peer_kind == ENI_PEER_GROUP)
        snprintf(peer, sizeof peer, "group g%u", r->peer);
    else
        snprintf(peer, sizeof peer, "prefix list %u (IPv%u, %u entries)", r->peer,
                 w->pl[r->peer].fam, w->pl[r->peer].n);
    snprintf(buf, len, "g%u %s id %#" PRIx64 " proto %d %d..%d %s %s", r->group,
             r->dir == ENI_INGRESS ? "ingress" : "egress", r->id.v, r->proto, r->from, r->to,
             r->dir == ENI_INGRESS ? "from" : "to", peer);
}

static struct orule *rule_slot(struct world *w)
{
    if (w->nr == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->r = realloc(w->r, w->cap * sizeof *w->r);
        assert_non_null(w->r);
    }
    return &w->r[w->nr++];
}

/* Authorize pending rules (all of one group and direction, canonical and
 * checked against duplicates and the quota) in one call; each becomes a
 * live rule of the oracle with the id libeni gave it. */
static void authorize(struct world *w, struct orule *batch, uint32_t n)
{
    if (n == 0)
        return;
    eni_sg_rule_spec *specs = calloc(n, sizeof *specs);
    char (*cidrs)[64] = calloc(n, sizeof *cidrs);
    eni_sg_rule_id *ids = calloc(n, sizeof *ids);
    assert_true(specs && cidrs && ids);
    for (uint32_t i = 0; i < n; i++)
        spec_of(w, &batch[i], &specs[i], cidrs[i], sizeof cidrs[i]);
    int rc = eni_sg_authorize(w->ctx, w->g[batch[0].group].id, (eni_direction)batch[0].dir, specs,
                              n, ids);
    if (rc != ENI_OK) {
        char t[256];
        rule_text(w, &batch[0], t, sizeof t);
        fail_msg("seed %#" PRIx64 ": authorizing %u rules (the first: %s) failed: %d %s (%s)",
                 w->seed, n, t, rc, eni_error_last()->ec2_code, eni_error_last()->message);
    }
    for (uint32_t i = 0; i < n; i++) {
        struct orule *r = rule_slot(w);
        *r = batch[i];
        r->id = ids[i];
        r->live = true;
        if (r->peer_kind == ENI_PEER_CIDR && rnd(2))
            hint(w, &r->cidr);
    }
    free(specs);
    free(cidrs);
    free(ids);
}

/* Add up to n new random rules in one group and direction. */
static void add_rules(struct world *w, unsigned group, unsigned dir, uint32_t n)
{
    struct orule batch[100];
    uint32_t nb = 0;
    for (uint32_t tries = 0; nb < n && nb < 100 && tries < 4 * n + 20; tries++) {
        struct orule r;
        memset(&r, 0, sizeof r);
        r.group = (uint8_t)group;
        r.dir = (uint8_t)dir;
        rand_rule_body(w, &r);
        if (!untracked_safe(w, &r) || duplicate(w, &r, NULL, batch, nb) ||
            !quota_ok(w, &r, NULL, batch, nb))
            continue;
        batch[nb++] = r;
    }
    authorize(w, batch, nb);
}

static void count_rules(const struct world *w, uint32_t out[3], uint32_t *all)
{
    out[1] = out[2] = 0;
    *all = 0;
    for (uint32_t i = 0; i < w->nr; i++)
        if (w->r[i].live) {
            ++*all;
            if (w->nic[0].groups >> w->r[i].group & 1)
                out[w->r[i].dir]++;
        }
}

/* ---- the model: setup ------------------------------------------------------ */

static void set_quotas(eni_ctx *ctx, unsigned G, unsigned R)
{
    eni_quotas q = ENI_QUOTAS_INIT;
    q.groups_per_nic = G;
    q.rules_per_group = R; /* G x R <= 1000, as EC2 requires */
    assert_eni_ok(eni_ctx_set_quotas(ctx, &q));
}

/* Pool addresses: the interface under test (nic 0) holds 10.0.1.10.. and
 * 10.0.1.16/28, 2001:db8:0:100::10.. and 2001:db8:0:100:100::/80; member i
 * (subnet i % 2) holds 10.0.s.(64 + 32 j + 1 + k) and 10.0.s.(64 + 32 j + 16)/28
 * (j = i / 2), 2001:db8:0:10s::i:(10 + k) and 2001:db8:0:10s:(100 + i)::/80. */
static void nic_pool(struct onic *n, unsigned i)
{
    unsigned s = n->subnet;
    for (unsigned k = 0; k < POOL; k++) {
        n->v4[k] = i == 0 ? mk4(0x0a00010au + k, 32)
                          : mk4(0x0a000000u | (1 + s) << 8 | (64 + 32 * (i / 2) + 1 + k), 32);
        n->v6[k] = mk6(0x20010db800000100ull | s, (uint64_t)i << 16 | (0x10 + k), 128);
    }
    n->p4 = i == 0 ? mk4(0x0a000110u, 28) : mk4(0x0a000000u | (1 + s) << 8 | (64 + 32 * (i / 2) + 16), 28);
    n->p6 = mk6(0x20010db800000100ull | s, (uint64_t)(0x100 + i) << 48, 80);
}

static uint32_t rand_groups(const struct world *w)
{
    unsigned most = w->sh->G < w->ngroups ? w->sh->G : w->ngroups;
    unsigned want = 1 + rnd(most);
    uint32_t mask = 0;
    while ((unsigned)__builtin_popcount(mask) < want)
        mask |= 1u << rnd(w->ngroups);
    return mask;
}

static uint32_t group_ids(const struct world *w, uint32_t mask, eni_sg_id *out)
{
    uint32_t n = 0;
    for (unsigned g = 0; g < w->ngroups; g++)
        if (mask >> g & 1)
            out[n++] = w->g[g].id;
    return n;
}

static void ip_call(struct world *w, unsigned ni, unsigned fam, unsigned k, bool assign)
{
    struct onic *n = &w->nic[ni];
    char buf[INET6_ADDRSTRLEN];
    const struct pfx *a = fam == 4 ? &n->v4[k] : &n->v6[k];
    const char *s = addr_str(fam, a->a, buf, sizeof buf);
    int rc;
    if (fam == 4)
        rc = assign ? eni_nic_assign_private_ips(w->ctx, n->id, &s, 1, 0, 0)
                    : eni_nic_unassign_private_ips(w->ctx, n->id, &s, 1);
    else
        rc = assign ? eni_nic_assign_ipv6(w->ctx, n->id, &s, 1, 0)
                    : eni_nic_unassign_ipv6(w->ctx, n->id, &s, 1);
    if (rc != ENI_OK)
        fail_msg("seed %#" PRIx64 ": %sassigning %s on nic %u: %d %s", w->seed, assign ? "" : "un",
                 s, ni, rc, eni_error_last()->message);
    (fam == 4 ? n->has4 : n->has6)[k] = assign;
    hint(w, a);
}

static void prefix_call(struct world *w, unsigned ni, unsigned fam, bool assign)
{
    struct onic *n = &w->nic[ni];
    char buf[64];
    const char *s = pfx_str(fam == 4 ? &n->p4 : &n->p6, buf, sizeof buf);
    int rc = assign ? eni_nic_assign_prefixes(w->ctx, n->id, fam, &s, 1, 0)
                    : eni_nic_unassign_prefixes(w->ctx, n->id, &s, 1);
    if (rc != ENI_OK)
        fail_msg("seed %#" PRIx64 ": %sassigning prefix %s on nic %u: %d %s", w->seed,
                 assign ? "" : "un", s, ni, rc, eni_error_last()->message);
    *(fam == 4 ? &n->hasp4 : &n->hasp6) = assign;
    hint(w, fam == 4 ? &n->p4 : &n->p6);
}

static const char *const sources[NSRC] = {"host-a", "host-b"};

static void remote_call(struct world *w, unsigned gi, unsigned s)
{
    struct addrv *v = &w->g[gi].remote[s];
    if (v->n == 0) {
        assert_eni_ok(eni_sg_clear_remote_members(w->ctx, w->g[gi].id, sources[s]));
        return;
    }
    char (*text)[INET6_ADDRSTRLEN] = calloc(v->n, sizeof *text);
    const char **ptr = calloc(v->n, sizeof *ptr);
    assert_true(text && ptr);
    for (uint32_t i = 0; i < v->n; i++)
        ptr[i] = addr_str(v->v[i].fam, v->v[i].a, text[i], sizeof text[i]);
    assert_eni_ok(eni_sg_set_remote_members(w->ctx, w->g[gi].id, sources[s], ptr, v->n));
    free(text);
    free(ptr);
}

/* A remote member: outside both subnets (another host's interface) or now
 * and then anywhere; duplicates collapse in libeni, so none are drawn. */
static void rand_remote(struct world *w, unsigned gi, unsigned s, uint32_t n)
{
    struct addrv *v = &w->g[gi].remote[s];
    v->n = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct pfx p;
        memset(&p, 0, sizeof p);
        p.fam = rnd(3) ? 4 : 6;
        p.len = p.fam == 4 ? 32 : 128;
        if (rnd(4) == 0) {
            rand_addr(p.fam, p.a);
        } else if (p.fam == 4) {
            put32(p.a, 0x0a000000u | (5 + rnd(4)) << 8 | rnd(256));
        } else {
            put64(p.a, 0x20010db800000105ull + rnd(3));
            put64(p.a + 8, rnd(2) ? rnd(64) : rnext());
        }
        bool dup = false;
        for (uint32_t j = 0; j < v->n && !dup; j++)
            dup = v->v[j].fam == p.fam && memcmp(v->v[j].a, p.a, 16) == 0;
        if (!dup)
            av_push(v, &p);
    }
}

static void pl_entry(struct opl *pl, struct pfx *out)
{
    for (;;) {
        *out = rand_pfx(pl->fam, false); /* no /0: a list is never "open" here (5.2) */
        bool dup = false;
        for (uint32_t i = 0; i < pl->n && !dup; i++)
            dup = pl->e[i].len == out->len && memcmp(pl->e[i].a, out->a, 16) == 0;
        if (!dup)
            return;
    }
}

static void pl_modify(struct world *w, unsigned pi, const struct pfx *add, const struct pfx *del)
{
    char a[64], d[64];
    const char *as = add ? pfx_str(add, a, sizeof a) : NULL;
    const char *ds = del ? pfx_str(del, d, sizeof d) : NULL;
    int rc = eni_prefix_list_modify(w->ctx, w->pl[pi].id, add ? &as : NULL, add ? 1 : 0,
                                    del ? &ds : NULL, del ? 1 : 0);
    if (rc != ENI_OK)
        fail_msg("seed %#" PRIx64 ": modifying prefix list %u (+%s -%s): %d %s", w->seed, pi,
                 as ? as : "", ds ? ds : "", rc, eni_error_last()->message);
    if (add)
        hint(w, add);
    if (del)
        hint(w, del);
}

static void world_new(struct world *w, uint64_t seed)
{
    memset(w, 0, sizeof *w);
    w->seed = seed;
    w->sh = &shapes[seed % SHAPES];
    w->big = UINT32_MAX;
    rng = seed;
    const struct shape *sh = w->sh;

    assert_eni_ok(eni_ctx_new(NULL, &w->ctx));
    set_quotas(w->ctx, sh->G, sh->R);
    eni_vpc_spec vs = ENI_VPC_SPEC_INIT;
    vs.cidr_block = "10.0.0.0/16";
    vs.ipv6_cidr_block = "2001:db8:0:100::/56";
    assert_eni_ok(eni_vpc_create(w->ctx, &vs, &w->vpc));
    static const char *const sub4[2] = {"10.0.1.0/24", "10.0.2.0/24"};
    static const char *const sub6[2] = {"2001:db8:0:100::/64", "2001:db8:0:101::/64"};
    for (unsigned s = 0; s < 2; s++) {
        eni_subnet_spec ss = ENI_SUBNET_SPEC_INIT;
        ss.vpc = w->vpc;
        ss.availability_zone = "us-east-1a";
        ss.cidr_block = sub4[s];
        ss.ipv6_cidr_block = sub6[s];
        assert_eni_ok(eni_subnet_create(w->ctx, &ss, &w->subnet[s]));
    }

    /* Groups, each without the outbound rules a new group starts with
     * (sg.h: all IPv4, and all IPv6 in a VPC with IPv6): the oracle knows
     * only the rules this test authorizes. */
    w->ngroups = sh->ngroups;
    for (unsigned g = 0; g < w->ngroups; g++) {
        char name[16];
        snprintf(name, sizeof name, "g%u", g);
        w->g[g].id = eval_host_group(w->ctx, w->vpc, name);
        eni_sg_rule_spec s[2] = {ENI_SG_RULE_SPEC_INIT, ENI_SG_RULE_SPEC_INIT};
        s[0].protocol = s[1].protocol = ENI_PROTO_ALL;
        s[0].peer_kind = s[1].peer_kind = ENI_PEER_CIDR;
        s[0].cidr = "0.0.0.0/0";
        s[1].cidr = "::/0";
        assert_eni_ok(eni_sg_revoke(w->ctx, w->g[g].id, ENI_EGRESS, s, 2));
    }

    /* The interface under test: the primary of a running m5.large. */
    w->nnics = 1 + sh->nmembers;
    struct onic *n0 = &w->nic[0];
    n0->subnet = 0;
    nic_pool(n0, 0);
    n0->groups = sh->big_remote ? (1u << sh->ngroups) - 1 : rand_groups(w);
    eni_sg_id gids[MAX_GROUPS];
    char p4[INET6_ADDRSTRLEN], p6[INET6_ADDRSTRLEN];
    const char *v6list[1] = {addr_str(6, n0->v6[0].a, p6, sizeof p6)};
    eni_nic_spec ns = ENI_NIC_SPEC_INIT;
    ns.subnet = w->subnet[0];
    ns.private_ip = addr_str(4, n0->v4[0].a, p4, sizeof p4);
    ns.ipv6_addresses = v6list;
    ns.ipv6_list_len = 1;
    ns.groups = gids;
    ns.group_count = group_ids(w, n0->groups, gids);
    eni_launch_nic ln = ENI_LAUNCH_NIC_INIT;
    ln.spec = &ns;
    eni_launch_spec ls = ENI_LAUNCH_SPEC_INIT;
    ls.instance_type = "m5.large";
    ls.nics = &ln;
    ls.nic_count = 1;
    assert_eni_ok(eni_instance_launch(w->ctx, &ls, &w->inst));
    uint32_t cnt;
    assert_eni_ok(eni_ctx_poll(w->ctx, 0, NULL, NULL, &cnt));
    assert_eni_ok(eni_instance_set_state(w->ctx, w->inst, ENI_INSTANCE_RUNNING));
    eni_attachment_id att;
    assert_eni_ok(eni_instance_list_attachments(w->ctx, w->inst, &att, 1, &cnt));
    eni_attachment_info ai = ENI_ATTACHMENT_INFO_INIT;
    assert_eni_ok(eni_attachment_describe(w->ctx, att, &ai));
    n0->id = ai.nic;
    n0->has4[0] = n0->has6[0] = true;
    for (unsigned k = 1; k < POOL; k++) {
        if (rnd(2))
            ip_call(w, 0, 4, k, true);
        if (rnd(3) == 0)
            ip_call(w, 0, 6, k, true);
    }
    if (rnd(2))
        prefix_call(w, 0, 4, true);
    if (rnd(2))
        prefix_call(w, 0, 6, true);
    /* a small allowance: sweeping it between bursts is cheap */
    assert_eni_ok(eni_nic_set_conntrack_allowance(w->ctx, n0->id, 1024));

    /* Members: interfaces of the VPC (available, on no instance) in random
     * groups, with secondary addresses and delegated prefixes. */
    for (unsigned i = 1; i < w->nnics; i++) {
        struct onic *n = &w->nic[i];
        n->subnet = i % 2;
        nic_pool(n, i);
        n->groups = rand_groups(w);
        char a4[INET6_ADDRSTRLEN];
        eni_nic_spec ms = ENI_NIC_SPEC_INIT;
        ms.subnet = w->subnet[n->subnet];
        ms.private_ip = addr_str(4, n->v4[0].a, a4, sizeof a4);
        ms.groups = gids;
        ms.group_count = group_ids(w, n->groups, gids);
        assert_eni_ok(eni_nic_create(w->ctx, &ms, &n->id));
        n->has4[0] = true;
        for (unsigned k = 1; k < POOL; k++)
            if (rnd(2))
                ip_call(w, i, 4, k, true);
        for (unsigned k = 0; k < POOL; k++)
            if (rnd(2))
                ip_call(w, i, 6, k, true);
        if (rnd(2))
            prefix_call(w, i, 4, true);
        if (rnd(2))
            prefix_call(w, i, 6, true);
    }

    /* Members on other hosts. */
    for (unsigned g = 0; g < w->ngroups; g++)
        for (unsigned s = 0; s < NSRC; s++)
            if (rnd(3) == 0) {
                rand_remote(w, g, s, 1 + rnd(12));
                remote_call(w, g, s);
            }
    if (sh->big_remote)
        w->big = w->ngroups - 1; /* its members come after the rules (initial_rules) */

    /* Prefix lists of both families. */
    w->npl = sh->npl;
    for (unsigned i = 0; i < w->npl; i++) {
        struct opl *pl = &w->pl[i];
        pl->fam = i % 2 ? 6 : 4;
        pl->max = 2 + rnd(PL_CAP - 1);
        char name[16];
        snprintf(name, sizeof name, "pl%u", i);
        eni_prefix_list_spec ps = ENI_PREFIX_LIST_SPEC_INIT;
        ps.family = pl->fam;
        ps.name = name;
        ps.max_entries = pl->max;
        assert_eni_ok(eni_prefix_list_create(w->ctx, &ps, &pl->id));
        uint32_t n = rnd(pl->max + 1);
        for (uint32_t k = 0; k < n; k++) {
            struct pfx e;
            pl_entry(pl, &e);
            pl_modify(w, i, &e, NULL);
            pl->e[pl->n++] = e;
        }
    }

    /* Section 5.2 kept out, per family. */
    for (unsigned f = 0; f < NFAM; f++)
        w->wide[f] = (uint8_t)rnd(3); /* 0 none, 1 ingress, 2 egress */

    assert_eni_ok(eni_eval_worker_new(w->ctx, &w->w));
    w->now = SEC;
}

static void world_free(struct world *w)
{
    eni_eval_worker_free(w->w);
    eni_ctx_free(w->ctx);
    for (unsigned g = 0; g < MAX_GROUPS; g++) {
        for (unsigned s = 0; s < NSRC; s++)
            free(w->g[g].remote[s].v);
        for (unsigned f = 0; f < NFAM; f++) {
            free(w->g[g].pts[f].v);
            free(w->g[g].pfx[f].v);
        }
    }
    free(w->active[1]);
    free(w->active[2]);
    free(w->r);
}

/* The first rule sets: a count per direction spread over the groups (the
 * interface's own get most of them). */
/* The huge remote member set: 20000 IPv4 addresses (40000 interval ends)
 * under some 500 TCP port segments outgrow the IPv4 port index's 2 MiB of
 * bit rows, so the classifier keeps sorted intervals (docs/eval.md). */
static void big_remote_set(struct world *w)
{
    unsigned g = (unsigned)__builtin_ctz(w->nic[0].groups);
    for (unsigned dir = ENI_INGRESS; dir <= ENI_EGRESS; dir++) {
        /* 250 TCP rules of distinct single ports in one of the interface's
         * groups, and narrow TCP rules from and to the set (the only rules
         * that ever reference it: a wide range would copy it into every
         * port segment) */
        struct orule batch[100];
        for (unsigned i = 0; i < 250; i += 100) {
            uint32_t nb = 0;
            for (unsigned k = i; k < i + 100 && k < 250; k++) {
                struct orule r;
                memset(&r, 0, sizeof r);
                r.group = (uint8_t)g;
                r.dir = (uint8_t)dir;
                r.peer_kind = ENI_PEER_CIDR;
                r.cidr = rand_pfx(4, false);
                r.proto = 6;
                r.from = r.to = r.spec_from = r.spec_to = 2000 + 7 * (int)k;
                if (!duplicate(w, &r, NULL, batch, nb) && quota_ok(w, &r, NULL, batch, nb))
                    batch[nb++] = r;
            }
            authorize(w, batch, nb);
        }
        struct orule r;
        memset(&r, 0, sizeof r);
        r.group = (uint8_t)g;
        r.dir = (uint8_t)dir;
        r.peer_kind = ENI_PEER_GROUP;
        r.peer = (uint8_t)w->big;
        r.proto = 6;
        r.from = r.spec_from = dir == ENI_INGRESS ? 1000 : 1020;
        r.to = r.spec_to = r.from + 3;
        authorize(w, &r, 1);
    }
    struct addrv *v = &w->g[w->big].remote[0];
    v->n = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        struct pfx p = mk4(0x0a400000u | (uint32_t)(rnext() & 0x3fffff), 32);
        av_push(v, &p);
    }
    qsort(v->v, v->n, sizeof *v->v, cmp_addr);
    uint32_t u = 0;
    for (uint32_t i = 0; i < v->n; i++)
        if (u == 0 || memcmp(v->v[u - 1].a, v->v[i].a, 16) != 0)
            v->v[u++] = v->v[i];
    v->n = u;
    for (uint32_t i = 0; i < 100; i++) {
        struct pfx p = mk6(0x20010db800000107ull, rnext(), 128);
        av_push(v, &p);
    }
    remote_call(w, w->big, 0);
}

/* The first rule sets: a count per direction spread over the groups (the
 * interface's own get most of them). */
static void initial_rules(struct world *w)
{
    for (unsigned dir = ENI_INGRESS; dir <= ENI_EGRESS; dir++) {
        const struct shape *sh = w->sh;
        uint32_t want = rnd(10) == 0 ? 0 : sh->rules_lo + rnd(sh->rules_hi - sh->rules_lo + 1);
        uint32_t per[MAX_GROUPS] = {0};
        for (uint32_t i = 0; i < want; i++) {
            unsigned g = rnd(w->ngroups);
            if (!(w->nic[0].groups >> g & 1) && rnd(2))
                g = rnd(w->ngroups);
            per[g]++;
        }
        for (unsigned g = 0; g < w->ngroups; g++)
            while (per[g]) {
                uint32_t n = per[g] > 100 ? 100 : per[g];
                add_rules(w, g, dir, n);
                per[g] -= n;
            }
    }
    if (w->big != UINT32_MAX)
        big_remote_set(w); /* last: every republish after it compiles the set */
}

/* ---- changes ------------------------------------------------------------------- */

static uint32_t pick_live(const struct world *w)
{
    uint32_t live = 0;
    for (uint32_t i = 0; i < w->nr; i++)
        live += w->r[i].live;
    if (!live)
        return UINT32_MAX;
    uint32_t k = rnd(live);
    for (uint32_t i = 0; i < w->nr; i++)
        if (w->r[i].live && k-- == 0)
            return i;
    return UINT32_MAX;
}

static void op_revoke(struct world *w)
{
    uint32_t first = pick_live(w);
    if (first == UINT32_MAX)
        return;
    uint32_t victims[8] = {first}, nv = 1, want = 1 + rnd(8);
    for (uint32_t i = 0; i < w->nr && nv < want; i++) {
        const struct orule *r = &w->r[i];
        if (i != first && r->live && r->group == w->r[first].group && r->dir == w->r[first].dir &&
            rnd(3) == 0)
            victims[nv++] = i;
    }
    const struct orule *r0 = &w->r[first];
    if (rnd(2)) { /* by id */
        eni_sg_rule_id ids[8];
        for (uint32_t i = 0; i < nv; i++)
            ids[i] = w->r[victims[i]].id;
        assert_eni_ok(eni_sg_revoke_rules(w->ctx, w->g[r0->group].id, ids, nv));
    } else { /* by properties (the CIDR canonicalised by libeni, host bits or not) */
        eni_sg_rule_spec specs[8];
        char cidrs[8][64];
        for (uint32_t i = 0; i < nv; i++)
            spec_of(w, &w->r[victims[i]], &specs[i], cidrs[i], sizeof cidrs[i]);
        int rc = eni_sg_revoke(w->ctx, w->g[r0->group].id, (eni_direction)r0->dir, specs, nv);
        if (rc != ENI_OK) {
            char t[256];
            rule_text(w, r0, t, sizeof t);
            fail_msg("seed %#" PRIx64 ": revoking %u rules (the first: %s): %d %s", w->seed, nv, t,
                     rc, eni_error_last()->message);
        }
    }
    for (uint32_t i = 0; i < nv; i++) {
        w->r[victims[i]].live = false;
        if (w->r[victims[i]].peer_kind == ENI_PEER_CIDR)
            hint(w, &w->r[victims[i]].cidr);
    }
}

/* Authorize again a few revoked rules of one group and direction. */
static void op_reauthorize(struct world *w)
{
    uint32_t dead = 0;
    for (uint32_t i = 0; i < w->nr; i++)
        dead += !w->r[i].live;
    if (!dead)
        return;
    uint32_t k = rnd(dead), first = 0;
    for (uint32_t i = 0; i < w->nr; i++)
        if (!w->r[i].live && k-- == 0) {
            first = i;
            break;
        }
    struct orule batch[8];
    uint32_t nb = 0, want = 1 + rnd(8);
    const struct orule model = w->r[first];
    for (uint32_t i = first; i < w->nr && nb < want; i++) {
        struct orule r = w->r[i];
        if (r.live || r.group != model.group || r.dir != model.dir)
            continue;
        if (duplicate(w, &r, NULL, batch, nb) || !quota_ok(w, &r, NULL, batch, nb))
            continue;
        r.host_bits = rnd(4) == 0;
        batch[nb++] = r;
    }
    authorize(w, batch, nb);
}

/* Replace a rule's contents in place (eni_sg_rule_modify): same id. */
static void op_modify(struct world *w)
{
    uint32_t i = pick_live(w);
    if (i == UINT32_MAX)
        return;
    for (int tries = 0; tries < 10; tries++) {
        struct orule r;
        memset(&r, 0, sizeof r);
        r.group = w->r[i].group;
        r.dir = w->r[i].dir;
        rand_rule_body(w, &r);
        if (!untracked_safe(w, &r) || duplicate(w, &r, &w->r[i], NULL, 0) ||
            !quota_ok(w, &r, &w->r[i], NULL, 0))
            continue;
        eni_sg_rule_spec s;
        char cidr[64];
        spec_of(w, &r, &s, cidr, sizeof cidr);
        int rc = eni_sg_rule_modify(w->ctx, w->r[i].id, &s);
        if (rc != ENI_OK) {
            char t[256];
            rule_text(w, &r, t, sizeof t);
            fail_msg("seed %#" PRIx64 ": modifying rule %#" PRIx64 " to %s: %d %s", w->seed,
                     w->r[i].id.v, t, rc, eni_error_last()->message);
        }
        r.id = w->r[i].id;
        r.live = true;
        if (w->r[i].peer_kind == ENI_PEER_CIDR)
            hint(w, &w->r[i].cidr);
        if (r.peer_kind == ENI_PEER_CIDR)
            hint(w, &r.cidr);
        w->r[i] = r;
        return;
    }
}

/* The addresses of an interface whose membership changes. */
static void hint_nic(struct world *w, const struct onic *n)
{
    for (unsigned k = 0; k < POOL; k++) {
        if (n->has4[k] && rnd(2))
            hint(w, &n->v4[k]);
        if (n->has6[k] && rnd(2))
            hint(w, &n->v6[k]);
    }
    if (n->hasp4)
        hint(w, &n->p4);
    if (n->hasp6)
        hint(w, &n->p6);
}

/* An interface joins and leaves groups (the one under test too: that
 * changes the rules in force). */
static void op_nic_groups(struct world *w)
{
    unsigned ni = rnd(4) == 0 ? 0 : rnd(w->nnics);
    if (w->nic[ni].gone)
        return;
    uint32_t mask = rand_groups(w);
    eni_sg_id gids[MAX_GROUPS];
    uint32_t n = group_ids(w, mask, gids);
    assert_eni_ok(eni_nic_set_groups(w->ctx, w->nic[ni].id, gids, n));
    w->nic[ni].groups = mask;
    hint_nic(w, &w->nic[ni]);
}

/* A member is deleted (it leaves all its groups at once), and in a later
 * step comes back as a new interface with the same primary address, in
 * new groups. */
static void op_nic_delete_create(struct world *w)
{
    if (w->nnics < 2)
        return;
    unsigned ni = 1 + rnd(w->nnics - 1);
    struct onic *n = &w->nic[ni];
    if (!n->gone) {
        hint_nic(w, n);
        assert_eni_ok(eni_nic_delete(w->ctx, n->id));
        memset(n->has4, 0, sizeof n->has4);
        memset(n->has6, 0, sizeof n->has6);
        n->hasp4 = n->hasp6 = false;
        n->groups = 0;
        n->gone = true;
        return;
    }
    n->groups = rand_groups(w);
    eni_sg_id gids[MAX_GROUPS];
    char a4[INET6_ADDRSTRLEN];
    eni_nic_spec ms = ENI_NIC_SPEC_INIT;
    ms.subnet = w->subnet[n->subnet];
    ms.private_ip = addr_str(4, n->v4[0].a, a4, sizeof a4);
    ms.groups = gids;
    ms.group_count = group_ids(w, n->groups, gids);
    assert_eni_ok(eni_nic_create(w->ctx, &ms, &n->id));
    n->has4[0] = true;
    n->gone = false;
    hint_nic(w, n);
}

static void op_address(struct world *w)
{
    unsigned ni = rnd(w->nnics), fam = rnd(2) ? 4 : 6;
    struct onic *n = &w->nic[ni];
    if (n->gone)
        return;
    if (rnd(4) == 0) {
        bool has = fam == 4 ? n->hasp4 : n->hasp6;
        prefix_call(w, ni, fam, !has);
        return;
    }
    /* the primary IPv4 stays, and the interface under test keeps one IPv6 */
    unsigned k = fam == 4 || ni == 0 ? 1 + rnd(POOL - 1) : rnd(POOL);
    bool has = (fam == 4 ? n->has4 : n->has6)[k];
    ip_call(w, ni, fam, k, !has);
}

static void op_remote(struct world *w)
{
    unsigned gi = rnd(w->ngroups), s = rnd(NSRC);
    if (gi == w->big && s == 0)
        s = 1;
    struct addrv *v = &w->g[gi].remote[s];
    for (uint32_t i = 0; i < 2 && v->n; i++) /* members that may leave */
        hint(w, &v->v[rnd(v->n)]);
    if (rnd(3) == 0) {
        w->g[gi].remote[s].n = 0;
        if (rnd(2)) {
            assert_eni_ok(eni_sg_clear_remote_members(w->ctx, w->g[gi].id, sources[s]));
            return;
        }
    } else {
        rand_remote(w, gi, s, 1 + rnd(12));
        for (uint32_t i = 0; i < 2; i++) /* members that may have come */
            hint(w, &v->v[rnd(v->n)]);
    }
    remote_call(w, gi, s);
}

static void op_prefix_list(struct world *w)
{
    if (!w->npl)
        return;
    unsigned pi = rnd(w->npl);
    struct opl *pl = &w->pl[pi];
    if (pl->n && (pl->n == pl->max || rnd(2))) {
        uint32_t k = rnd(pl->n);
        struct pfx del = pl->e[k];
        if (rnd(2) && pl->n < pl->max + 1) { /* replace: remove one, add one, one step */
            struct pfx add;
            pl_entry(pl, &add);
            pl_modify(w, pi, &add, &del);
            pl->e[k] = add;
        } else {
            pl_modify(w, pi, NULL, &del);
            pl->e[k] = pl->e[--pl->n];
        }
    } else if (pl->n < pl->max) {
        struct pfx add;
        pl_entry(pl, &add);
        pl_modify(w, pi, &add, NULL);
        pl->e[pl->n++] = add;
    }
}

/* One change of the model (publication is synchronous: the next packets
 * must see it). */
static void change(struct world *w)
{
    switch (rnd(13)) {
    case 0: case 1: op_revoke(w); break;
    case 2: case 3: op_reauthorize(w); break;
    case 4: add_rules(w, rnd(w->ngroups), 1 + rnd(2), 1 + rnd(10)); break;
    case 5: op_modify(w); break;
    case 6: op_nic_groups(w); break;
    case 7: op_nic_delete_create(w); break;
    case 8: case 9: op_address(w); break;
    case 10: op_remote(w); break;
    default: op_prefix_list(w); break;
    }
    uint32_t cnt;
    assert_eni_ok(eni_ctx_poll(w->ctx, 0, NULL, NULL, &cnt));
}

/* ---- packets ---------------------------------------------------------------- */

/* One of the interface's own addresses of the family (an address, or inside
 * a delegated prefix: its ends and a random one). */
static void local_addr(const struct world *w, unsigned fam, uint8_t a[16])
{
    const struct onic *n = &w->nic[0];
    const struct pfx *pool = fam == 4 ? n->v4 : n->v6;
    const bool *has = fam == 4 ? n->has4 : n->has6;
    const struct pfx *pre = fam == 4 ? &n->p4 : &n->p6;
    bool haspre = fam == 4 ? n->hasp4 : n->hasp6;
    if (haspre && rnd(4) == 0) {
        memcpy(a, pre->a, 16);
        unsigned e = rnd(3);
        if (e == 1) {
            prefix_last(pre, a);
        } else if (e == 2) {
            a[fbytes(fam) - 1] = (uint8_t)(a[fbytes(fam) - 1] | rnd(16));
            if (fam == 6)
                for (unsigned b = 10; b < 15; b++)
                    a[b] = (uint8_t)rnd(256);
        }
        return;
    }
    unsigned k;
    do
        k = rnd(POOL);
    while (!has[k]);
    memcpy(a, pool[k].a, 16);
}

/* A remote address around a prefix: its ends, one step outside them, or
 * a random address inside. */
static void around(const struct pfx *p, uint8_t a[16])
{
    uint8_t last[16];
    prefix_last(p, last);
    switch (rnd(7)) {
    case 0: memcpy(a, p->a, 16); break;
    case 1: memcpy(a, last, 16); break;
    case 2: memcpy(a, p->a, 16), addr_step(a, p->fam, -1); break;
    case 3: memcpy(a, last, 16), addr_step(a, p->fam, +1); break;
    case 4: memcpy(a, p->a, 16), addr_step(a, p->fam, +1); break;
    case 5: memcpy(a, last, 16), addr_step(a, p->fam, -1); break;
    default: { /* random inside */
        uint8_t r[16];
        for (unsigned i = 0; i < 16; i++)
            r[i] = (uint8_t)rnext();
        for (unsigned i = 0; i < 16; i++)
            a[i] = (uint8_t)((p->a[i] & ~(p->a[i] ^ last[i])) | (r[i] & (p->a[i] ^ last[i])));
        break;
    }
    }
}

/* A remote address the rule's peer is about, of family fam, if it has one. */
static bool peer_addr(const struct world *w, const struct orule *r, unsigned fam, uint8_t a[16])
{
    if (r->peer_kind == ENI_PEER_CIDR) {
        if (r->cidr.fam != fam)
            return false;
        around(&r->cidr, a);
        return true;
    }
    if (r->peer_kind == ENI_PEER_PREFIX_LIST) {
        const struct opl *pl = &w->pl[r->peer];
        if (pl->fam != fam || !pl->n)
            return false;
        around(&pl->e[rnd(pl->n)], a);
        return true;
    }
    const struct ogroup *g = &w->g[r->peer];
    const struct addrv *pts = &g->pts[fidx(fam)], *pf = &g->pfx[fidx(fam)];
    if (pts->n + pf->n == 0)
        return false;
    uint32_t k = rnd(pts->n + pf->n);
    if (k < pts->n) {
        memcpy(a, pts->v[k].a, 16);
        if (rnd(4) == 0)
            addr_step(a, fam, rnd(2) ? 1 : -1);
    } else {
        around(&pf->v[k - pts->n], a);
    }
    return true;
}

static bool icmp_error_type(unsigned fam, unsigned t)
{
    return fam == 4 ? (t == 3 || t == 4 || t == 5 || t == 11 || t == 12) : (t >= 1 && t <= 4);
}

static int rand_other_proto(void)
{
    static const int other[] = {47, 50, 132, 0, 255, 4, 41, 51, 2, 89};
    int p;
    do
        p = rnd(2) ? other[rnd(10)] : (int)rnd(256);
    while (p == 1 || p == 6 || p == 17 || p == 58);
    return p;
}

/* A random packet of the interface, crossing in eval_dir; most are drawn
 * around a rule of that direction (its protocol, the ends of its port range
 * or its ICMP type and code, and the ends of its peer), the rest anywhere.
 * False when it drew a service address (the caller draws again). */
static bool gen_packet(const struct world *w, unsigned eval_dir, eni_pkt *p)
{
    memset(p, 0, sizeof *p);
    unsigned d = rule_dir(eval_dir);
    const struct orule *base = NULL;
    if (w->nactive[d] && rnd(5) != 0)
        base = &w->r[w->active[d][rnd(w->nactive[d])]];
    unsigned fam = rnd(3) ? 4 : 6;
    if (base && base->peer_kind == ENI_PEER_CIDR)
        fam = base->cidr.fam;
    else if (base && base->peer_kind == ENI_PEER_PREFIX_LIST)
        fam = w->pl[base->peer].fam;
    p->family = (uint8_t)fam;
    unsigned icmp = fam == 4 ? 1 : 58;

    int proto;
    if (base && base->proto != -1 && rnd(8) != 0 &&
        !(base->proto == 1 && fam == 6) && !(base->proto == 58 && fam == 4)) {
        proto = base->proto;
    } else {
        unsigned k = rnd(10);
        proto = k < 3 ? 6 : k < 5 ? 17 : k < 7 ? (int)icmp : rand_other_proto();
    }
    p->proto = (uint8_t)proto;
    bool frag = rnd(12) == 0;
    if (frag)
        p->flags |= ENI_PKT_FRAGMENT; /* no transport header: ports and type 0 */
    if (!frag && (proto == 6 || proto == 17)) {
        int from = base && base->proto == proto ? base->from : (int)rnd(65536);
        int to = base && base->proto == proto ? base->to : from;
        int c;
        switch (rnd(8)) {
        case 0: c = from - 1; break;
        case 1: c = from; break;
        case 2: c = to; break;
        case 3: c = to + 1; break;
        case 4: c = from + (int)rnd((uint32_t)(to - from + 1)); break;
        case 5: c = rnd(2) ? 0 : 65535; break;
        default: c = (int)rnd(65536); break;
        }
        p->dport = (uint16_t)(c < 0 ? 65535 : c > 65535 ? 0 : c);
        p->tcp_flags = proto == 6 ? (rnd(4) ? 0x02 : (uint8_t)rnext()) : 0;
    } else if (!frag && proto == (int)icmp) {
        bool fits = base && base->proto == proto;
        int t = fits && base->from != -1 ? base->from : icmp_type_pick(fam);
        int c = fits && base->to != -1 ? base->to : (int)rnd(16);
        switch (rnd(6)) {
        case 0: t += 1; break;
        case 1: t -= 1; break;
        case 2: c += rnd(2) ? 1 : -1; break;
        case 3: t = (int)rnd(256), c = (int)rnd(256); break;
        default: break;
        }
        p->icmp_type = (uint8_t)t;
        p->icmp_code = (uint8_t)c;
    }

    uint8_t remote[16], local[16];
    const struct pfx *h = w->nhint && rnd(3) == 0 ? &w->hint[rnd(w->nhint < 8 ? w->nhint : 8)] : NULL;
    if (h && h->fam == fam)
        around(h, remote);
    else if (!(base && rnd(6) != 0 && peer_addr(w, base, fam, remote)))
        rand_addr(fam, remote);
    if (is_service(fam, remote))
        return false;
    local_addr(w, fam, local);
    bool in = eval_dir == ENI_DIR_INBOUND;
    memcpy(in ? p->src : p->dst, remote, 16);
    memcpy(in ? p->dst : p->src, local, 16);
    if (proto == (int)icmp && !frag && icmp_error_type(fam, p->icmp_type) && rnd(2)) {
        /* an error quoting a packet that is not the interface's: never related */
        p->flags |= ENI_PKT_ICMP_ERROR;
        p->inner_proto = 6;
        memcpy(p->inner_src, p->dst, 16);
        p->inner_src[fbytes(fam) - 1] ^= 1;
        memcpy(p->inner_dst, p->src, 16);
        p->inner_sport = (uint16_t)rnd(65536);
        p->inner_dport = 80;
    }
    p->len = 60;
    return true;
}

/* Packets of protocols without ports are keyed by address pair: one per
 * burst (TCP, UDP and ICMP get a distinct source port, or identifier, each). */
static bool clashes(const eni_pkt *a, const eni_pkt *b)
{
    if (a->family != b->family || a->proto != b->proto)
        return false;
    unsigned icmp = a->family == 4 ? 1 : 58;
    if (a->proto == 6 || a->proto == 17 || a->proto == icmp)
        return false;
    unsigned n = fbytes(a->family);
    return memcmp(a->src, b->src, n) == 0 && memcmp(a->dst, b->dst, n) == 0;
}

static void pkt_text(const eni_pkt *p, unsigned eval_dir, char *buf, size_t len)
{
    char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
    addr_str(p->family, p->src, s, sizeof s);
    addr_str(p->family, p->dst, d, sizeof d);
    snprintf(buf, len,
             "%s IPv%u proto %u %s port %u -> %s port %u, icmp type %u code %u, flags %#x, "
             "tcp flags %#x",
             eval_dir == ENI_DIR_INBOUND ? "inbound" : "outbound", p->family, p->proto, s,
             p->sport, d, p->dport, p->icmp_type, p->icmp_code, p->flags, p->tcp_flags);
}

static void fail_verdict(const struct world *w, unsigned eval_dir, const eni_pkt *p,
                         const eni_verdict *v, uint32_t flags, const struct orule *want,
                         const char *what)
{
    char pt[256], rt[256] = "none", nt[256] = "none";
    pkt_text(p, eval_dir, pt, sizeof pt);
    if (want)
        rule_text(w, want, rt, sizeof rt);
    for (uint32_t i = 0; i < w->nr; i++)
        if (w->r[i].id.v == v->rule.v && v->rule.v)
            rule_text(w, &w->r[i], nt, sizeof nt);
    uint32_t cnt[3], all;
    count_rules(w, cnt, &all);
    fail_msg("LIBENI_ORACLE_SEED=%#" PRIx64 " (%s), after change %u of %u (0: the first rule sets), %s: %s\n"
             "  packet: %s\n"
             "  rule set: %u ingress and %u egress rules in the interface's %d groups "
             "(%u rules in %u groups in all)\n"
             "  libeni%s: action %u reason %u, group %#" PRIx64 " rule %#" PRIx64 " (%s)\n"
             "  oracle: %s (a matching rule: %s)",
             w->seed, w->sh->name, w->step, w->sh->steps, what, flags ? "ENI_EVAL_WANT_RULE" : "no flags", pt,
             cnt[1], cnt[2], __builtin_popcount(w->nic[0].groups), all, w->ngroups,
             flags ? " with WANT_RULE" : "", v->action, v->reason, v->group.v, v->rule.v, nt,
             want ? "ALLOW/RULE" : "DROP/NO_RULE", rt);
}

static void check(struct world *w, unsigned eval_dir, const eni_pkt *p, const eni_verdict *v,
                  uint32_t flags)
{
    const struct orule *want = oracle(w, eval_dir, p);
    w->checks++;
    if (v->reserved0 || v->reserved1)
        fail_verdict(w, eval_dir, p, v, flags, want, "reserved fields not zero");
    if (want ? v->action != ENI_ALLOW || v->reason != ENI_REASON_RULE
             : v->action != ENI_DROP || v->reason != ENI_REASON_NO_RULE)
        fail_verdict(w, eval_dir, p, v, flags, want, "the verdicts differ");
    if (!(flags & ENI_EVAL_WANT_RULE) || !want)
        return;
    /* eval.h: with WANT_RULE an allowed packet names the group of an
     * allowing rule and the rule; EC2 has no rule order, so any will do. */
    for (uint32_t i = 0; i < w->nr; i++) {
        const struct orule *r = &w->r[i];
        if (r->live && r->id.v == v->rule.v) {
            if (w->g[r->group].id.v != v->group.v)
                fail_verdict(w, eval_dir, p, v, flags, want, "the rule named is not of the group named");
            if (!rule_allows(w, r, eval_dir, p))
                fail_verdict(w, eval_dir, p, v, flags, want, "the rule named does not allow the packet");
            return;
        }
    }
    fail_verdict(w, eval_dir, p, v, flags, want, "the rule named is no live rule");
}

/* Judge a burst twice, with and without WANT_RULE (in a random order), each
 * time on a fresh flow table: the clock jumps past every timeout and the
 * flows are swept first. */
static void run_burst(struct world *w, unsigned eval_dir, const eni_pkt *pk, uint32_t n)
{
    eni_verdict v[BURST];
    unsigned first = rnd(2);
    for (unsigned pass = 0; pass < 2; pass++) {
        uint32_t flags = (pass ^ first) ? ENI_EVAL_WANT_RULE : 0;
        w->now += JUMP;
        assert_eni_ok(eni_nic_sweep_flows(w->ctx, w->nic[0].id, w->now, NULL));
        eni_conntrack_stats cs = ENI_CONNTRACK_STATS_INIT;
        assert_eni_ok(eni_nic_get_conntrack(w->ctx, w->nic[0].id, &cs));
        assert_int_equal(cs.tracked, 0);
        memset(v, 0xa5, sizeof v);
        assert_eni_ok(eni_eval_burst(w->w, w->nic[0].id, eval_dir, pk, n, w->now, flags, v));
        for (uint32_t i = 0; i < n; i++) {
            check(w, eval_dir, &pk[i], &v[i], flags);
            if (v[i].action == ENI_ALLOW)
                w->allowed++;
            else
                w->dropped++;
        }
        w->evaluated += n;
    }
}

/* Packets of both directions, in bursts of distinct flows. */
static void run_packets(struct world *w, uint32_t pkts)
{
    rebuild(w);
    for (unsigned eval_dir = ENI_DIR_INBOUND; eval_dir <= ENI_DIR_OUTBOUND; eval_dir++) {
        uint32_t left = pkts;
        while (left) {
            eni_pkt pk[BURST];
            uint32_t n = 0, want = left < BURST ? left : BURST;
            uint16_t sport = (uint16_t)rnext();
            for (int tries = 0; n < want && tries < 8 * BURST; tries++) {
                if (!gen_packet(w, eval_dir, &pk[n]))
                    continue;
                bool clash = false;
                for (uint32_t j = 0; j < n && !clash; j++)
                    clash = clashes(&pk[j], &pk[n]);
                if (clash)
                    continue;
                if (!(pk[n].flags & ENI_PKT_FRAGMENT))
                    pk[n].sport = (uint16_t)(sport + n);
                n++;
            }
            assert_true(n > 0);
            run_burst(w, eval_dir, pk, n);
            left -= n < left ? n : left;
        }
    }
}

static void run_seed(uint64_t seed, uint64_t *checks)
{
    struct world w;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    world_new(&w, seed);
    initial_rules(&w);
    uint32_t first[3], all;
    count_rules(&w, first, &all);
    run_packets(&w, w.sh->pkts);
    for (w.step = 1; w.step <= w.sh->steps; w.step++) {
        change(&w);
        run_packets(&w, w.sh->step_pkts);
    }
    /* The worker counted what the oracle expected. */
    eni_eval_counters c = ENI_EVAL_COUNTERS_INIT;
    assert_eni_ok(eni_eval_worker_counters(w.w, &c));
    assert_int_equal(c.packets, w.evaluated);
    assert_int_equal(c.allowed, w.allowed);
    assert_int_equal(c.dropped, w.dropped);
    assert_int_equal(c.by_reason[ENI_REASON_RULE], w.allowed);
    assert_int_equal(c.by_reason[ENI_REASON_NO_RULE], w.dropped);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("# seed %#" PRIx64 " (%s): %u ingress / %u egress rules at first, %u changes, %" PRIu64
           " checks (%" PRIu64 " allowed), %.2f s\n",
           seed, w.sh->name, first[1], first[2], w.sh->steps, w.checks, w.allowed,
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    fflush(stdout);
    *checks += w.checks;
    world_free(&w);
}

static void test_eval_matches_oracle(void **state)
{
    (void)state;
    /* "oracle" in ASCII, then one seed per shape, twice over */
    static const uint64_t seeds[] = {
        0x6f7261636c650000ull, 0x6f7261636c650001ull, 0x6f7261636c650002ull,
        0x6f7261636c650003ull, 0x6f7261636c650004ull, 0x6f7261636c650005ull,
        0x6f7261636c650006ull, 0x6f7261636c650007ull, 0x6f7261636c650008ull,
        0x6f7261636c650009ull, 0x6f7261636c65000aull, 0x6f7261636c65000bull,
    };
    uint64_t checks = 0;
    const char *env = getenv("LIBENI_ORACLE_SEED");
    if (env && *env) {
        char *end;
        uint64_t seed = strtoull(env, &end, 0);
        if (*end)
            fail_msg("LIBENI_ORACLE_SEED=%s is not a number", env);
        run_seed(seed, &checks);
    } else {
        for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
            run_seed(seeds[i], &checks);
    }
    printf("# %" PRIu64 " verdicts checked against the oracle\n", checks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eval_matches_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
