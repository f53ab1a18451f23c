#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Write the captures enictl's tests replay (run at build time, stdlib only).

    gen_captures.py OUTDIR

The web server's traffic of tests/fixtures (eni-0123456789abcdef0: 10.0.1.7,
10.0.1.8, 2600:1f18:1234:5601::7, MAC 0e:12:34:56:78:9a), packet by packet
with the verdict each should get, derived by hand from the fixtures' rules:
web.pcap (Ethernet, microseconds), web.pcapng (the same, nanoseconds), the
handshake and a drop as Linux cooked (SLL, SLL2) and raw-IP captures, the
network ACLs' and delegated prefixes' packets (acl.pcap, raw IP), and damaged
files for the error tests. check_verdicts.py replays each capture and
compares every packet's verdict with the one PACKETS gives it.
"""
import os
import socket
import struct
import sys

T0 = 1_700_000_000
WEB_MAC = bytes.fromhex("0e123456789a")
GW_MAC = bytes.fromhex("0e0000000001")
WEB, WEB2, WEB6 = "10.0.1.7", "10.0.1.8", "2600:1f18:1234:5601::7"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def pseudo(src, dst, proto, length):
    s, d = socket.inet_pton(family(src), src), socket.inet_pton(family(dst), dst)
    if len(s) == 4:
        return s + d + struct.pack("!BBH", 0, proto, length)
    return s + d + struct.pack("!IxxxB", length, proto)


def tcp(src, dst, sport, dport, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000 if flags & 0x10 else 0, 5 << 4,
                      flags, 65535, 0, 0)
    c = csum(pseudo(src, dst, 6, len(hdr) + len(payload)) + hdr + payload)
    return 6, hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload=b"x" * 8):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = csum(pseudo(src, dst, 17, 8 + len(payload)) + hdr + payload) or 0xFFFF
    return 17, hdr[:6] + struct.pack("!H", c) + payload


def icmp(icmp_type, ident, seq):
    body = struct.pack("!BBHHH", icmp_type, 0, 0, ident, seq) + b"ping" * 8
    return 1, body[:2] + struct.pack("!H", csum(body)) + body[4:]


def ip(src, dst, l4):
    proto, payload = l4
    if family(src) == socket.AF_INET6:
        return struct.pack("!IHBB", 6 << 28, len(payload), proto, 64) + \
            socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def eth(dst_mac, src_mac, l3, vlan=None):
    ethertype = 0x86DD if l3[0] >> 4 == 6 else 0x0800
    tag = struct.pack("!HH", 0x8100, vlan) if vlan is not None else b""
    return dst_mac + src_mac + tag + struct.pack("!H", ethertype) + l3


def inbound(l3, **kw):
    return eth(WEB_MAC, GW_MAC, l3, **kw)


def outbound(l3):
    return eth(GW_MAC, WEB_MAC, l3)


ARP = b"\xff" * 6 + WEB_MAC + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + \
    WEB_MAC + socket.inet_aton(WEB) + b"\0" * 6 + socket.inet_aton("10.0.1.1")
SYN, SYNACK, ACK, PSHACK = 0x02, 0x12, 0x10, 0x18
C = "203.0.113.5"

# (seconds after T0, frame, bytes kept by the snap length or None for all,
#  the verdict derived by hand: "DIRECTION ACTION REASON[ RULE]" or "- NOT-JUDGED-REASON").
PACKETS = [
    (0.000, ARP, None, "- not-ip"),                                                   # 1
    (1.000, inbound(ip(C, WEB, tcp(C, WEB, 40000, 22, SYN))), None,
     "inbound allow rule tcp 22 from 203.0.113.0/24"),                                # 2
    (1.001, outbound(ip(WEB, C, tcp(WEB, C, 22, 40000, SYNACK))), None,
     "outbound allow tracked"),                                                       # 3
    (1.002, inbound(ip(C, WEB, tcp(C, WEB, 40000, 22, ACK))), None, "inbound allow tracked"),  # 4
    (2.000, inbound(ip("198.51.100.9", WEB, tcp("198.51.100.9", WEB, 51000, 22, SYN))), None,
     "inbound allow rule tcp 22 from pl-0123456789abcdef0"),                          # 5 office list
    (3.000, inbound(ip("192.0.2.200", WEB, tcp("192.0.2.200", WEB, 52000, 22, SYN))), None,
     "inbound drop no-rule"),                                                         # 6 the list has 192.0.2.0/28
    (4.000, inbound(ip("203.0.113.77", WEB, tcp("203.0.113.77", WEB, 53000, 443, SYN))), None,
     "inbound allow rule tcp 443 from 0.0.0.0/0"),                                    # 7
    (4.001, outbound(ip(WEB, "203.0.113.77", tcp(WEB, "203.0.113.77", 443, 53000, SYNACK))),
     None, "outbound allow tracked"),                                                 # 8
    (4.002, inbound(ip("203.0.113.77", WEB, tcp("203.0.113.77", WEB, 53000, 443, PSHACK,
                                                b"\x17" * 1400))), 64,
     "inbound allow tracked"),                                                        # 9 cut at 64 bytes
    (5.000, inbound(ip(C, WEB, icmp(8, 7, 1))), None,
     "inbound allow rule icmp type 8 from 0.0.0.0/0"),                                # 10
    (5.001, outbound(ip(WEB, C, icmp(0, 7, 1))), None, "outbound allow tracked"),     # 11
    (6.000, inbound(ip(C, WEB, icmp(8, 8, 1))), None,
     "inbound allow rule icmp type 8 from 0.0.0.0/0"),                                # 12
    (46.000, outbound(ip(WEB, C, icmp(0, 8, 1))), None,
     "outbound drop no-rule"),                                                        # 13 idled out (30 s)
    (47.000, outbound(ip(WEB, "10.0.2.20", tcp(WEB, "10.0.2.20", 41000, 5432, SYN))), None,
     "outbound allow rule tcp 5432 to sg-0fedcba9876543210"),                         # 14 the db group
    (47.001, inbound(ip("10.0.2.20", WEB, tcp("10.0.2.20", WEB, 5432, 41000, SYNACK))), None,
     "inbound allow tracked"),                                                        # 15
    (48.000, outbound(ip(WEB, "52.216.4.5", tcp(WEB, "52.216.4.5", 41001, 443, SYN))), None,
     "outbound allow rule tcp 443 to pl-63a5400a"),                                   # 16 the S3 list
    (49.000, outbound(ip(WEB, "8.8.8.8", udp(WEB, "8.8.8.8", 5353, 53))), None,
     "outbound drop no-rule"),                                                        # 17
    (50.000, outbound(ip(WEB, "10.0.0.2", udp(WEB, "10.0.0.2", 40001, 53))), None,
     "outbound allow service"),                                                       # 18 the VPC resolver
    (51.000, inbound(ip("2001:db8::5", WEB6, tcp("2001:db8::5", WEB6, 40000, 443, SYN))), None,
     "inbound allow rule tcp 443 from ::/0"),                                         # 19
    (52.000, inbound(ip(C, WEB2, tcp(C, WEB2, 40002, 443, SYN))), None,
     "inbound allow rule tcp 443 from 0.0.0.0/0"),                                    # 20 the secondary address
    (53.000, inbound(ip(C, "10.0.1.99", tcp(C, "10.0.1.99", 40003, 22, SYN))), None,
     "inbound drop source-dest-check"),                                               # 21 our MAC, not our address
    (54.000, eth(bytes.fromhex("0e12345678e2"), bytes.fromhex("0e12345678e1"),
                 ip("10.0.1.60", "10.0.1.61", udp("10.0.1.60", "10.0.1.61", 5000, 5000))), None,
     "- unknown-direction"),                                                          # 22 other hosts
    (55.000, inbound(ip("203.0.113.9", WEB, (6, b"\x9c\x40\x00\x16\x00\x00\x00\x01"))), None,
     "inbound drop malformed"),                                                       # 23 8 bytes of TCP
    (56.000, inbound(ip(C, WEB, (50, b"\0\0\0\x01\0\0\0\x01" + b"e" * 24))), None,
     "inbound drop no-rule"),                                                         # 24 ESP
    (57.000, inbound(ip(C, WEB, tcp(C, WEB, 40004, 443, SYN)), vlan=100), None,
     "inbound allow rule tcp 443 from 0.0.0.0/0"),                                    # 25 802.1Q tagged
    (58.000, inbound(ip(C, WEB, tcp(C, WEB, 40000, 22, PSHACK, b"ls\n"))), None,
     "inbound allow tracked"),                                                        # 26 the flow of 2
]
# The handshake, a drop and a packet between two other hosts, for the other link types.
SUBSET = [1, 2, 3, 5, 21]  # indexes into PACKETS (packets 2, 3, 4, 6, 22)

# Network ACLs and delegated prefixes, as raw IP: no MAC, so only the addresses
# tell the way, an address inside one of the interface's prefixes (10.0.1.64/28,
# 2600:1f18:1234:5601:1::/80) included. The web subnet's acl-0fedcba9876543210
# denies ssh from 203.0.113.128/25 (rule 50), echo requests from 198.51.100.0/24
# (60), https from 2001:db8:bad::/48 (70) and https to 54.231.0.0/16 (outbound
# 60), each of which the web group allows; the inbound entries are judged before
# the groups, the outbound ones after.
PFX4, PFX6, FAR = "10.0.1.70", "2600:1f18:1234:5601:1::9", "203.0.113.200"
ACL_PACKETS = [
    (1.000, ip(FAR, WEB, tcp(FAR, WEB, 40000, 22, SYN)), None,
     "inbound drop acl-deny"),                                                        # 1 rule 50
    (2.000, ip(C, PFX4, tcp(C, PFX4, 40010, 443, SYN)), None,
     "inbound allow rule tcp 443 from 0.0.0.0/0"),                                    # 2 the IPv4 prefix
    (2.001, ip(PFX4, C, tcp(PFX4, C, 443, 40010, SYNACK)), None,
     "outbound allow tracked"),                                                       # 3 from the prefix
    (3.000, ip("2001:db8::5", PFX6, tcp("2001:db8::5", PFX6, 40011, 443, SYN)), None,
     "inbound allow rule tcp 443 from ::/0"),                                         # 4 the IPv6 prefix
    (3.500, ip("2001:db8:bad::1", PFX6, tcp("2001:db8:bad::1", PFX6, 40012, 443, SYN)), None,
     "inbound drop acl-deny"),                                                        # 5 rule 70
    (4.000, ip("198.51.100.9", WEB, icmp(8, 9, 1)), None, "inbound drop acl-deny"),   # 6 rule 60
    (5.000, ip(WEB, "54.231.1.1", tcp(WEB, "54.231.1.1", 41002, 443, SYN)), None,
     "outbound drop acl-deny"),                                                       # 7 outbound rule 60
    (6.000, ip(C, "10.0.1.80", tcp(C, "10.0.1.80", 40013, 443, SYN)), None,
     "- unknown-direction"),                                                          # 8 past the prefix
]
# Each capture: its packets as PACKETS (or ACL_PACKETS) lists them.
CAPTURES = {
    "web.pcap": PACKETS, "web.pcapng": PACKETS, "web-sll.pcap": [PACKETS[i] for i in SUBSET],
    "web-sll2.pcapng": [PACKETS[i] for i in SUBSET], "web-raw.pcap": [PACKETS[i] for i in SUBSET],
    "acl.pcap": ACL_PACKETS,
}


def pcap(records, linktype, nano=False):
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)
    for t, data, keep, *_ in records:
        sec = T0 + int(t)
        frac = round((t - int(t)) * (1e9 if nano else 1e6))
        cap = data[:keep] if keep else data
        out += struct.pack("<IIII", sec, frac, len(cap), len(data)) + cap
    return out


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def pcapng(records, linktype):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    tsresol = struct.pack("<HHB3x", 9, 1, 9)  # if_tsresol: 10^-9
    idb = block(1, struct.pack("<HHI", linktype, 0, 65535) + tsresol + struct.pack("<HH", 0, 0))
    out = shb + idb
    for t, data, keep, *_ in records:
        ns = (T0 + int(t)) * 10**9 + round((t - int(t)) * 1e9)
        cap = data[:keep] if keep else data
        out += block(6, struct.pack("<IIIII", 0, ns >> 32, ns & 0xFFFFFFFF, len(cap), len(data)) + cap)
    return out


def l3_of(frame):
    off = 18 if frame[12:14] == b"\x81\x00" else 14
    return frame[12 + (off - 14):off], frame[off:]


def cooked(records, v2):
    """SLL or SLL2: the packet type says the way (0 to us, 3 to another host, 4 from us)."""
    out = []
    for t, frame, keep, *_ in records:
        ethertype, l3 = l3_of(frame)
        src = frame[6:12]
        ptype = 4 if src == WEB_MAC else 0 if frame[0:6] == WEB_MAC else 3
        if v2:
            hdr = ethertype + b"\0\0" + struct.pack("!IHBB", 2, 1, ptype, 6) + src + b"\0\0"
        else:
            hdr = struct.pack("!HHH", ptype, 1, 6) + src + b"\0\0" + ethertype
        out.append((t, hdr + l3, keep))
    return out


def write(outdir):
    subset = [PACKETS[i] for i in SUBSET]
    raw = [(t, l3_of(f)[1], k) for t, f, k, _ in subset]
    web = pcap(PACKETS, 1)
    files = {
        "web.pcap": web,
        "web.pcapng": pcapng(PACKETS, 1),
        "web-sll.pcap": pcap(cooked(subset, False), 113),
        "web-sll2.pcapng": pcapng(cooked(subset, True), 276),
        "web-raw.pcap": pcap(raw, 101, nano=True),
        "acl.pcap": pcap(ACL_PACKETS, 101),
        "truncated.pcap": web[:24 + 16 + 42 + 16 + 30],   # the second packet cut short
        "truncated-header.pcap": web[:10],                  # inside the file header
        "truncated.pcapng": pcapng(PACKETS, 1)[:300],
    }
    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write(sys.argv[1])
