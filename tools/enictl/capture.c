/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Captures (capture.h). */
#include "capture.h"

#include <eni.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fail.h"
#include "mem.h"

struct capture {
    pcap_t *p;
    int link;
    const char *path;
    char format[8];
    off_t size;
    uint64_t count;
};

enum { ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86dd, ETH_VLAN = 0x8100, ETH_QINQ = 0x88a8 };

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void sniff_format(capture *c)
{
    unsigned char head[4] = {0};
    FILE *f = fopen(c->path, "rb");
    if (f) {
        if (fread(head, 1, 4, f) != 4)
            memset(head, 0, 4);
        fclose(f);
    }
    snprintf(c->format, sizeof c->format, "%s",
             !memcmp(head, "\x0a\x0d\x0d\x0a", 4) ? "pcapng" : "pcap");
}

capture *capture_open(const char *path)
{
    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
    if (!p)
        fail_input(path, NULL, "not a capture libpcap can read: %s", err);
    int link = pcap_datalink(p);
    switch (link) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
        break;
    default: {
        const char *name = pcap_datalink_val_to_name(link);
        fail_input(path, NULL,
                   "link type %s (%d): enictl reads Ethernet, Linux cooked (SLL, SLL2), raw IP "
                   "and BSD loopback captures", name ? name : "unknown", link);
    }
    }
    capture *c = xcalloc(1, sizeof *c);
    c->p = p;
    c->link = link;
    c->path = path;
    sniff_format(c);
    struct stat st;
    c->size = stat(path, &st) == 0 ? st.st_size : 0;
    return c;
}

static void ip_at(cap_pkt *out, uint32_t off, uint16_t ethertype)
{
    if (ethertype != ETH_IPV4 && ethertype != ETH_IPV6) {
        out->cls = CAP_NOT_IP;
        out->what = ethertype == 0x0806 ? "ARP" : "not IP";
        return;
    }
    out->cls = CAP_IP;
    out->l3 = out->data + off;
    out->l3_len = out->hdr->caplen - off;
    out->l3_wire_len = out->hdr->len > off ? out->hdr->len - off : out->l3_len;
}

static void ethernet(cap_pkt *out)
{
    uint32_t len = out->hdr->caplen, off = 12;
    if (len < 14) {
        out->cls = CAP_BAD;
        out->what = "a truncated Ethernet header";
        return;
    }
    out->dst_mac = out->data;
    out->src_mac = out->data + 6;
    uint16_t type = rd16(out->data + off);
    for (int tags = 0; (type == ETH_VLAN || type == ETH_QINQ) && tags < 2; tags++) {
        off += 4;
        if (len < off + 2) {
            out->cls = CAP_BAD;
            out->what = "a truncated VLAN tag";
            return;
        }
        type = rd16(out->data + off);
    }
    ip_at(out, off + 2, type);
}

/* Linux packet types: to this host (0), broadcast (1), multicast (2), to
 * another host (3), sent by this host (4). */
static int sll_direction(unsigned pkttype)
{
    return pkttype <= 2 ? ENI_DIR_INBOUND : pkttype == 4 ? ENI_DIR_OUTBOUND : 0;
}

static void cooked(cap_pkt *out, uint32_t hlen, uint32_t proto_at, uint32_t type_at, bool wide)
{
    if (out->hdr->caplen < hlen) {
        out->cls = CAP_BAD;
        out->what = "a truncated Linux cooked header";
        return;
    }
    out->dir_hint = sll_direction(wide ? rd16(out->data + type_at) : out->data[type_at]);
    ip_at(out, hlen, rd16(out->data + proto_at));
}

/* BSD loopback: the address family in 4 bytes, in the capturing host's
 * byte order (DLT_NULL) or in network order (DLT_LOOP). */
static void loopback(cap_pkt *out)
{
    if (out->hdr->caplen < 4) {
        out->cls = CAP_BAD;
        out->what = "a truncated loopback header";
        return;
    }
    const uint8_t *d = out->data;
    uint32_t le = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
    uint32_t be = (uint32_t)d[3] | (uint32_t)d[2] << 8 | (uint32_t)d[1] << 16 | (uint32_t)d[0] << 24;
    uint32_t af = le < 256 ? le : be;
    ip_at(out, 4, af == 2 ? ETH_IPV4 : (af == 10 || af == 24 || af == 28 || af == 30) ? ETH_IPV6 : 0);
}

static void raw(cap_pkt *out)
{
    unsigned v = out->hdr->caplen ? out->data[0] >> 4 : 0;
    ip_at(out, 0, v == 6 ? ETH_IPV6 : ETH_IPV4); /* another version is malformed, not "not IP" */
}

int capture_next(capture *c, cap_pkt *out)
{
    struct pcap_pkthdr *hdr;
    const u_char *data;
    int rc = pcap_next_ex(c->p, &hdr, &data);
    if (rc == PCAP_ERROR_BREAK)
        return 0;
    if (rc != 1)
        return -1;
    memset(out, 0, sizeof *out);
    out->number = ++c->count;
    out->ts_ns = (uint64_t)hdr->ts.tv_sec * 1000000000u + (uint64_t)hdr->ts.tv_usec;
    out->hdr = hdr;
    out->data = data;
    switch (c->link) {
    case DLT_EN10MB: ethernet(out); break;
    case DLT_LINUX_SLL: cooked(out, 16, 14, 0, true); break;
    case DLT_LINUX_SLL2: cooked(out, 20, 0, 10, false); break;
    case DLT_NULL:
    case DLT_LOOP: loopback(out); break;
    default: raw(out); break;
    }
    return 1;
}

const char *capture_error(capture *c)
{
    return pcap_geterr(c->p);
}

const char *capture_link_name(const capture *c)
{
    const char *n = pcap_datalink_val_to_name(c->link);
    return n ? n : "unknown";
}

const char *capture_format(const capture *c)
{
    return c->format;
}

double capture_done(capture *c)
{
    FILE *f = pcap_file(c->p);
    long pos = f ? ftell(f) : -1;
    return pos < 0 || c->size <= 0 ? 0 : (double)pos / (double)c->size;
}

pcap_t *capture_pcap(capture *c)
{
    return c->p;
}

void capture_close(capture *c)
{
    if (c) {
        pcap_close(c->p);
        free(c);
    }
}
