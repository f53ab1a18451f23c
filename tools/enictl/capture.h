/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Reading a capture with libpcap (pcap and pcapng, timestamps in
 * nanoseconds) and finding each packet's IP header behind its link layer:
 * Ethernet (with up to two VLAN tags), Linux cooked captures (SLL, SLL2),
 * raw IP, BSD loopback. What the link layer says about direction (a cooked
 * capture's packet type, an Ethernet frame's MACs) is kept for iface.h. */
#ifndef ENICTL_CAPTURE_H
#define ENICTL_CAPTURE_H

#include <pcap/pcap.h>
#include <stdint.h>

typedef enum cap_class {
    CAP_IP,     /* an IPv4 or IPv6 packet at l3 */
    CAP_NOT_IP, /* ARP, LLDP...: security groups do not see it */
    CAP_BAD     /* a link-layer header cut short */
} cap_class;

typedef struct cap_pkt {
    uint64_t number;                /* 1, 2, ... in the file */
    uint64_t ts_ns;                 /* the capture timestamp, ns since the epoch */
    const struct pcap_pkthdr *hdr;  /* as libpcap read it (valid until the next packet) */
    const uint8_t *data;
    cap_class cls;
    const uint8_t *l3;              /* CAP_IP: the IP header */
    uint32_t l3_len;                /* bytes captured from it on */
    uint32_t l3_wire_len;           /* ... and on the wire (more when the snap length cut it) */
    int dir_hint;                   /* an eni_eval_dir from a cooked header's packet type, else 0 */
    const uint8_t *src_mac, *dst_mac; /* Ethernet: the frame's addresses, else NULL */
    const char *what;               /* CAP_NOT_IP, CAP_BAD: what it is */
} cap_pkt;

typedef struct capture capture;

/* Open @path; a file libpcap cannot read, or an unsupported link type, is status 2. */
capture *capture_open(const char *path);
/* The next packet: 1, or 0 at the end; -1 when the file is damaged (capture_error()). */
int capture_next(capture *c, cap_pkt *out);
const char *capture_error(capture *c);
const char *capture_link_name(const capture *c); /* "EN10MB", "LINUX_SLL2", ... */
const char *capture_format(const capture *c);    /* "pcap" or "pcapng" */
double capture_done(capture *c);                 /* how much of the file was read, 0..1 */
pcap_t *capture_pcap(capture *c);
void capture_close(capture *c);

#endif
