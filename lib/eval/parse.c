/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Ethernet / IPv4 / IPv6 / TCP / UDP / ICMP / ICMPv6 parsing.
 *
 * Every read is preceded by a length check against the bytes that remain;
 * `need(n)` failing means the frame is truncated. The parser takes what the
 * evaluator needs (addresses, protocol, ports, TCP flags, ICMP type/code and
 * the tuple inside ICMP errors) and checks the fields those depend on. */
#include "parse.h"

#include <stdbool.h>
#include <string.h>

#include "eni/errors.h"
#include "icmp.h"

enum {
    ETH_HLEN = 14,
    ETHERTYPE_IPV4 = 0x0800,
    ETHERTYPE_IPV6 = 0x86dd,
    ETHERTYPE_VLAN = 0x8100,
    ETHERTYPE_QINQ = 0x88a8,
    PROTO_ICMP = 1,
    PROTO_TCP = 6,
    PROTO_UDP = 17,
    PROTO_ICMPV6 = 58,
    V6_HOPOPTS = 0,
    V6_ROUTING = 43,
    V6_FRAGMENT = 44,
    V6_AH = 51,
    V6_NONE = 59,
    V6_DSTOPTS = 60,
    V6_MAX_EXT = 8, /* more extension headers than this is not a real packet */
};

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* The network layer of one packet (outer, or the one inside an ICMP error). */
struct l3 {
    uint8_t family, proto;
    uint8_t frag_first, frag_later; /* first fragment / non-first fragment */
    uint8_t src[16], dst[16];
    const uint8_t *l4;              /* transport header */
    uint32_t l4_len;                /* bytes available from l4 */
    uint32_t total_len;             /* IP packet length */
};

static int parse_v4(const uint8_t *p, uint32_t len, bool inner, struct l3 *out, const char **why)
{
    if (len < 20) {
        *why = "truncated IPv4 header";
        return -1;
    }
    if ((p[0] >> 4) != 4) {
        *why = "IP version is not 4";
        return -1;
    }
    uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > len) {
        *why = "bad IPv4 header length";
        return -1;
    }
    uint32_t total = rd16(p + 2);
    if (total < ihl) {
        *why = "IPv4 total length below the header length";
        return -1;
    }
    if (total > len) {
        /* An ICMP error quotes only the start of the packet: its inner
         * datagram is shorter than its total length says. */
        if (!inner) {
            *why = "IPv4 total length beyond the frame";
            return -1;
        }
        total = len;
    }
    uint16_t frag = rd16(p + 6);
    uint16_t offset = frag & 0x1fff;
    bool more = frag & 0x2000;
    memset(out, 0, sizeof *out);
    out->family = 4;
    out->proto = p[9];
    out->frag_later = offset != 0;
    out->frag_first = offset == 0 && more;
    memcpy(out->src, p + 12, 4);
    memcpy(out->dst, p + 16, 4);
    out->l4 = p + ihl;
    out->l4_len = total - ihl;
    out->total_len = rd16(p + 2);
    return 0;
}

static int parse_v6(const uint8_t *p, uint32_t len, bool inner, struct l3 *out, const char **why)
{
    if (len < 40) {
        *why = "truncated IPv6 header";
        return -1;
    }
    if ((p[0] >> 4) != 6) {
        *why = "IP version is not 6";
        return -1;
    }
    uint32_t payload = rd16(p + 4);
    uint32_t avail = len - 40;
    if (payload > avail) {
        if (!inner) {
            *why = "IPv6 payload length beyond the frame";
            return -1;
        }
        payload = avail;
    }
    memset(out, 0, sizeof *out);
    out->family = 6;
    memcpy(out->src, p + 8, 16);
    memcpy(out->dst, p + 24, 16);
    out->total_len = 40 + (uint32_t)rd16(p + 4);
    uint8_t next = p[6];
    const uint8_t *q = p + 40;
    uint32_t left = payload;
    for (int hops = 0;; hops++) {
        if (hops > V6_MAX_EXT) {
            *why = "too many IPv6 extension headers";
            return -1;
        }
        if (next == V6_HOPOPTS || next == V6_ROUTING || next == V6_DSTOPTS || next == V6_AH) {
            if (left < 8) {
                *why = "truncated IPv6 extension header";
                return -1;
            }
            /* AH counts its length in 4-byte units (minus 2); the others in 8-byte units (minus 1). */
            uint32_t hlen = next == V6_AH ? ((uint32_t)q[1] + 2) * 4 : ((uint32_t)q[1] + 1) * 8;
            if (hlen > left) {
                *why = "IPv6 extension header beyond the packet";
                return -1;
            }
            if (next == V6_HOPOPTS && hops != 0) {
                *why = "IPv6 hop-by-hop options not first";
                return -1;
            }
            next = q[0];
            q += hlen;
            left -= hlen;
            continue;
        }
        if (next == V6_FRAGMENT) {
            if (left < 8) {
                *why = "truncated IPv6 fragment header";
                return -1;
            }
            uint16_t off = rd16(q + 2) >> 3;
            bool more = q[3] & 1;
            out->frag_later = off != 0;
            out->frag_first = off == 0 && more;
            next = q[0];
            q += 8;
            left -= 8;
            if (out->frag_later)
                break; /* no transport header in a later fragment */
            continue;
        }
        break;
    }
    out->proto = next;
    out->l4 = q;
    out->l4_len = left;
    return 0;
}

/* Ports of the packet quoted in an ICMP error (the first 8 bytes of its
 * transport header are all an ICMP error is required to carry). */
static int parse_inner(const struct l3 *outer, eni_pkt *pkt, const char **why)
{
    const uint8_t *p = outer->l4 + 8;
    uint32_t len = outer->l4_len - 8;
    struct l3 in;
    int rc = outer->family == 4 ? parse_v4(p, len, true, &in, why)
                                : parse_v6(p, len, true, &in, why);
    if (rc != 0)
        return rc;
    if (in.family != outer->family) {
        *why = "ICMP error quoting another IP version";
        return -1;
    }
    pkt->flags |= ENI_PKT_ICMP_ERROR;
    pkt->inner_proto = in.proto;
    memcpy(pkt->inner_src, in.src, 16);
    memcpy(pkt->inner_dst, in.dst, 16);
    if (!in.frag_later && (in.proto == PROTO_TCP || in.proto == PROTO_UDP)) {
        if (in.l4_len < 4) {
            *why = "ICMP error quotes too little of the transport header";
            return -1;
        }
        pkt->inner_sport = rd16(in.l4);
        pkt->inner_dport = rd16(in.l4 + 2);
    } else if (!in.frag_later && in.proto == eni__icmp_proto(in.family)) {
        if (in.l4_len < 8) {
            *why = "ICMP error quotes too little of the ICMP header";
            return -1;
        }
        /* The quoted message's type tells which flow it belongs to (its
         * code is not needed, and the record has no room for it). */
        pkt->flags |= ENI_PKT_INNER_ICMP_TYPE;
        pkt->inner_icmp_type = in.l4[0];
        if (eni__icmp_kind(in.family, in.l4[0]).request)
            pkt->inner_sport = pkt->inner_dport = rd16(in.l4 + 4); /* query identifier */
    }
    return 0;
}

static inline __attribute__((always_inline)) int parse_l4(const struct l3 *l3, eni_pkt *pkt,
                                                          const char **why)
{
    const uint8_t *p = l3->l4;
    uint32_t len = l3->l4_len;
    switch (l3->proto) {
    case PROTO_TCP:
        if (len < 20) {
            *why = "truncated TCP header";
            return -1;
        }
        if ((uint32_t)(p[12] >> 4) * 4 < 20 || (uint32_t)(p[12] >> 4) * 4 > len) {
            *why = "bad TCP data offset";
            return -1;
        }
        pkt->sport = rd16(p);
        pkt->dport = rd16(p + 2);
        pkt->tcp_flags = p[13];
        return 0;
    case PROTO_UDP:
        if (len < 8) {
            *why = "truncated UDP header";
            return -1;
        }
        if (rd16(p + 4) < 8) {
            *why = "bad UDP length";
            return -1;
        }
        pkt->sport = rd16(p);
        pkt->dport = rd16(p + 2);
        return 0;
    case PROTO_ICMP:
    case PROTO_ICMPV6: {
        if ((l3->proto == PROTO_ICMP) != (l3->family == 4)) {
            *why = "ICMP in IPv6 or ICMPv6 in IPv4";
            return -1;
        }
        if (len < 8) {
            *why = "truncated ICMP header";
            return -1;
        }
        pkt->icmp_type = p[0];
        pkt->icmp_code = p[1];
        struct icmp_kind k = eni__icmp_kind(l3->family, p[0]);
        if (k.request) /* a query: its identifier */
            pkt->sport = pkt->dport = rd16(p + 4);
        else if (k.cls == ICMP_ERROR)
            return parse_inner(l3, pkt, why);
        return 0;
    }
    default:
        return 0; /* other protocols are tracked by addresses and number only */
    }
}

/* One IP packet of a known version, from its first header byte (inlined in
 * both entry points: the frame path's parse is per packet). */
static inline __attribute__((always_inline)) int parse_ip(const uint8_t *p, uint32_t len,
                                                          unsigned family, eni_pkt *out,
                                                          const char **why)
{
    struct l3 l3;
    int rc = family == 4 ? parse_v4(p, len, false, &l3, why) : parse_v6(p, len, false, &l3, why);
    if (rc != 0)
        return rc;
    eni_pkt pkt;
    memset(&pkt, 0, sizeof pkt);
    pkt.family = l3.family;
    pkt.proto = l3.proto;
    pkt.len = l3.total_len;
    memcpy(pkt.src, l3.src, 16);
    memcpy(pkt.dst, l3.dst, 16);
    if (l3.frag_later) {
        pkt.flags |= ENI_PKT_FRAGMENT;
    } else {
        if (l3.frag_first)
            pkt.flags |= ENI_PKT_FIRST_FRAGMENT;
        if (parse_l4(&l3, &pkt, why) != 0)
            return -1;
    }
    *out = pkt;
    return 0;
}

int eni__parse_frame(const uint8_t *frame, uint32_t len, eni_pkt *out, const char **why)
{
    if (len < ETH_HLEN) {
        *why = "truncated Ethernet header";
        return -1;
    }
    uint32_t off = 12;
    uint16_t type = rd16(frame + off);
    for (int tags = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ; tags++) {
        if (tags == 2) {
            *why = "more than two VLAN tags";
            return -1;
        }
        off += 4;
        if (len < off + 2) {
            *why = "truncated VLAN tag";
            return -1;
        }
        type = rd16(frame + off);
    }
    off += 2;
    /* one inlined parse per version: the family is a constant in each */
    if (type == ETHERTYPE_IPV4)
        return parse_ip(frame + off, len - off, 4, out, why);
    if (type == ETHERTYPE_IPV6)
        return parse_ip(frame + off, len - off, 6, out, why);
    *why = "not an IPv4 or IPv6 frame";
    return -1;
}

int eni__parse_ip(const uint8_t *packet, uint32_t len, eni_pkt *out, const char **why)
{
    unsigned version = len ? packet[0] >> 4 : 0;
    if (version != 4 && version != 6) {
        *why = len ? "not an IPv4 or IPv6 packet" : "empty packet";
        return -1;
    }
    return parse_ip(packet, len, version, out, why);
}
