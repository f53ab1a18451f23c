/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Explain's second half for a drop: of the rules the interface's groups hold
 * in the packet's direction, the one that came closest, and what it missed.
 * "No rule matched" is where every user starts; the question they ask next
 * is "which rule did I mean, and why did it not match?" A rule is judged on
 * three things (protocol, port or ICMP type, peer); the closest is the one
 * with the most of them right, the first in group and rule order on a tie.
 * Control path only (under the ctx lock), over the model, not the compiled
 * snapshot: it names rules as the user wrote them. Whether a rule's peer
 * holds the packet's remote address is asked of the same intervals the
 * classifier compiles (eni__rule_peer_visit), so the two never disagree. */
#include <stdio.h>
#include <string.h>

#include "eval_internal.h"
#include "icmp.h"
#include "model/model.h"

enum miss { MISS_PROTO = 1, MISS_PORT = 2, MISS_PEER = 4 };

static bool proto_fits(const struct eni_sg_rule *r, const eni_pkt *p)
{
    if (r->protocol == -1)
        return true;
    /* An ICMP rule of the other family (icmp for IPv6) matches nothing. */
    return r->protocol == p->proto;
}

static bool port_fits(const struct eni_sg_rule *r, const eni_pkt *p)
{
    if (r->protocol == -1 || r->from_port < 0)
        return true;
    if (r->protocol == 1 || r->protocol == 58) {
        if (p->flags & ENI_PKT_FRAGMENT)
            return false;
        return r->from_port == p->icmp_type && (r->to_port < 0 || r->to_port == p->icmp_code);
    }
    if (r->protocol != 6 && r->protocol != 17)
        return true;
    if (p->flags & ENI_PKT_FRAGMENT)
        return r->from_port == 0 && r->to_port == 65535;
    return p->dport >= r->from_port && p->dport <= r->to_port;
}

/* Does interval iv hold the point *ud? */
static bool iv_holds(struct cls_iv iv, void *ud)
{
    const struct cls_iv *at = ud;
    return eni__le128(iv.lo_hi, iv.lo_lo, at->lo_hi, at->lo_lo) &&
           eni__le128(at->lo_hi, at->lo_lo, iv.hi_hi, iv.hi_lo);
}

/* Does the rule's peer hold the remote address? Exactly the classifier's
 * notion, through the intervals compile.c builds it from: a CIDR of the
 * packet's family, a prefix list's entries, a group's members' private
 * addresses and delegated prefixes, here or reported by other hosts. */
static bool peer_fits(eni_ctx *ctx, const struct eni_sg_rule *r, const eni_addr *a)
{
    struct cls_iv at = eni__iv_point(a->b, a->family);
    return eni__rule_peer_visit(ctx, r, a->family, iv_holds, &at);
}

static unsigned misses(eni_ctx *ctx, const struct eni_sg_rule *r, const eni_pkt *p,
                       const eni_addr *remote)
{
    unsigned m = 0;
    if (!proto_fits(r, p))
        m |= MISS_PROTO | MISS_PORT; /* its ports mean nothing for this packet */
    else if (!port_fits(r, p))
        m |= MISS_PORT;
    if (!peer_fits(ctx, r, remote))
        m |= MISS_PEER;
    return m;
}

static unsigned count_misses(unsigned m)
{
    /* A wrong protocol is one miss, not two: it is the one thing to change. */
    if (m & MISS_PROTO)
        m &= ~(unsigned)MISS_PORT;
    return (unsigned)__builtin_popcount(m);
}

static const char *proto_word(int proto, char *buf, size_t len)
{
    switch (proto) {
    case -1: return "all traffic";
    case 1: return "icmp";
    case 6: return "tcp";
    case 17: return "udp";
    case 58: return "icmpv6";
    default: snprintf(buf, len, "protocol %d", proto); return buf;
    }
}

static void say_miss(eni_ctx *ctx, const struct eni_sg_rule *r, const eni_pkt *p,
                     const eni_addr *remote, unsigned m, char *out, size_t len)
{
    char a[24], b[24];
    size_t at = 0;
    const char *sep = "";
#define SAY(...)                                                                                   \
    do {                                                                                           \
        if (at < len) {                                                                            \
            int k = snprintf(out + at, len - at, __VA_ARGS__);                                     \
            at += k > 0 ? (size_t)k : 0;                                                           \
        }                                                                                          \
    } while (0)
    if (m & MISS_PROTO) {
        SAY("wrong protocol (the packet is %s, the rule allows %s)", proto_word(p->proto, a, sizeof a),
            proto_word(r->protocol, b, sizeof b));
        sep = "; ";
    } else if (m & MISS_PORT) {
        if (r->protocol == 1 || r->protocol == 58)
            SAY("wrong ICMP type (the packet is type %u code %u, the rule allows type %d%s)",
                p->icmp_type, p->icmp_code, r->from_port, r->to_port < 0 ? "" : " with one code");
        else if (p->flags & ENI_PKT_FRAGMENT)
            SAY("wrong port (a fragment carries no ports; only an all-ports rule fits it)");
        else
            SAY("wrong port (the packet is to port %u, the rule allows %d-%d)", p->dport,
                r->from_port, r->to_port);
        sep = "; ";
    }
    if (m & MISS_PEER) {
        char addr[ENI_ADDR_STR_MAX], peer[ENI_PREFIX_STR_MAX + ENI_ID_STRING_MAX];
        eni__addr_format(remote, addr);
        if (r->peer_kind == ENI_PEER_CIDR) {
            eni__prefix_format(&r->cidr, peer);
            if (r->cidr.addr.family != remote->family)
                SAY("%swrong peer (%s is an IPv%u range; the packet is IPv%u)", sep, peer,
                    r->cidr.addr.family, remote->family);
            else
                SAY("%swrong peer (%s is not in %s)", sep, addr, peer);
        } else {
            eni_id_format(ctx, r->peer, peer, sizeof peer);
            SAY("%swrong peer (%s is not %s %s)", sep, addr,
                r->peer_kind == ENI_PEER_PREFIX_LIST ? "in prefix list" : "a member of", peer);
        }
    }
#undef SAY
}

void eni__eval_closest_rule(eni_ctx *ctx, const struct eni_nic *nic, unsigned dir,
                            const eni_pkt *p, char *out, size_t len)
{
    if (!len)
        return;
    out[0] = '\0';
    eni_addr remote = {.family = p->family};
    memcpy(remote.b, dir == ENI_DIR_INBOUND ? p->src : p->dst, p->family == 4 ? 4 : 16);
    const struct eni_sg_rule *best = NULL;
    unsigned best_m = 0, best_n = 4;
    unsigned d = dir == ENI_DIR_INBOUND ? 0 : 1;
    for (uint32_t g = 0; g < nic->group_count; g++) {
        struct eni_sg *sg;
        if (eni__registry_peek(ctx, ENI_KIND_SG, nic->groups[g], (void **)&sg) != ENI_OK)
            continue;
        for (uint32_t i = 0; i < sg->rules[d].count; i++) {
            const struct eni_sg_rule *r = sg->rules[d].v[i];
            unsigned m = misses(ctx, r, p, &remote);
            unsigned n = count_misses(m);
            if (n < best_n) {
                best = r;
                best_m = m;
                best_n = n;
            }
        }
    }
    if (!best) {
        snprintf(out, len, "; the interface's groups have no %s rules",
                 dir == ENI_DIR_INBOUND ? "inbound" : "outbound");
        return;
    }
    char g[ENI_ID_STRING_MAX], r[ENI_ID_STRING_MAX], why[200];
    eni_id_format(ctx, best->sg, g, sizeof g);
    eni_id_format(ctx, best->id, r, sizeof r);
    say_miss(ctx, best, p, &remote, best_m, why, sizeof why);
    snprintf(out, len, "; the closest rule is %s rule %s: %s", g, r, why);
}
