#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Write the seed inputs of fuzz/corpus/<target>/ (seed-*), one valid or
nearly valid input per case each target decodes, in the input formats the
targets' header comments describe. Regression inputs (inputs that once broke
a check) are committed beside them as regress-* and are never rewritten.

Usage: fuzz/make_seeds.py [CORPUS_DIR]   (default: the corpus/ beside this file)
"""
import os
import struct
import sys

NIC4, NIC4_2, SPARE4 = "10.0.1.10", "10.0.1.11", "10.0.1.20"
NIC6 = "2001:db8:0:100::10"


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


ETH = bytes.fromhex("02000000000a" "0200000000ff")  # dst, src MAC


def eth(ethertype, payload, vlans=()):
    head = ETH
    for tpid, vid in vlans:
        head += struct.pack("!HH", tpid, vid)
    return head + struct.pack("!H", ethertype) + payload


def v4(proto, src, dst, l4, options=b"", frag=0):
    ihl = 5 + len(options) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(options) + len(l4), 1, frag, 64,
                    proto, 0, ip4(src), ip4(dst)) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def v6(nh, src, dst, l4, ext=b""):
    return struct.pack("!IHBB16s16s", 0x60000000, len(ext) + len(l4), nh, 64, ip6(src),
                       ip6(dst)) + ext + l4


def tcp(sport, dport, flags=0x02):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, flags, 65535, 0, 0)


def udp(sport, dport, data=b"x"):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(t, code, rest=b"\0\x01\0\x01", data=b""):
    return struct.pack("!BBH", t, code, 0) + rest + data


def frames_input(mode, param, records):
    """records: (ctl, frame bytes)."""
    out = bytes([mode, param])
    for ctl, frame in records:
        out += bytes([ctl]) + struct.pack("<H", len(frame)) + frame
    return out


def frames_seeds():
    IN, OUT = 0, 1
    syn4 = eth(0x0800, v4(6, "203.0.113.5", NIC4, tcp(40000, 22)))
    synack4 = eth(0x0800, v4(6, NIC4, "203.0.113.5", tcp(22, 40000, 0x12)))
    ack4 = eth(0x0800, v4(6, "203.0.113.5", NIC4, tcp(40000, 22, 0x10)))
    out_syn = eth(0x0800, v4(6, NIC4, "198.51.100.7", tcp(41000, 443)))
    quoted = v4(6, NIC4, "198.51.100.7", tcp(41000, 443))[:28]
    unreach = eth(0x0800, v4(1, "198.51.100.7", NIC4, icmp(3, 4, b"\0\0\x05\xdc", quoted)))
    s = {
        "tcp4-handshake": frames_input(0, 0, [(IN, syn4), (OUT | 2, synack4), (IN | 2, ack4)]),
        "tcp4-from-peer-group": frames_input(0, 0, [
            (IN, eth(0x0800, v4(6, SPARE4, NIC4, tcp(5000, 8080))))]),
        "tcp4-prefix-list": frames_input(4, 0, [
            (IN, eth(0x0800, v4(6, "100.64.1.1", NIC4, tcp(5000, 443))))]),
        "tcp4-no-rule": frames_input(0, 0, [
            (IN, eth(0x0800, v4(6, "8.8.8.8", NIC4, tcp(5000, 3389))))]),
        "udp4-dns-range": frames_input(4, 0, [
            (IN, eth(0x0800, v4(17, "192.168.1.1", NIC4_2, udp(5353, 53))))]),
        "icmp4-echo": frames_input(0, 0, [
            (IN, eth(0x0800, v4(1, "8.8.8.8", NIC4, icmp(8, 0)))),
            (OUT, eth(0x0800, v4(1, NIC4, "8.8.8.8", icmp(0, 0))))]),
        "icmp4-error-related": frames_input(0, 0, [(OUT, out_syn), (IN | 2, unreach)]),
        "tcp6-range": frames_input(4, 0, [
            (IN, eth(0x86dd, v6(6, "2001:db8:0:100::20", NIC6, tcp(5000, 80))))]),
        "udp6-any": frames_input(0, 0, [
            (IN, eth(0x86dd, v6(17, "2001:db8:77::1", NIC6, udp(1234, 9999))))]),
        "icmp6-echo-and-error": frames_input(0, 0, [
            (IN, eth(0x86dd, v6(58, "2001:db8:5::1", NIC6, icmp(128, 0)))),
            (OUT, eth(0x86dd, v6(17, NIC6, "2001:db8:5::1", udp(4000, 53)))),
            (IN, eth(0x86dd, v6(58, "2001:db8:5::1", NIC6, icmp(
                2, 0, b"\0\0\x05\x00", v6(17, NIC6, "2001:db8:5::1", udp(4000, 53))[:48]))))]),
        "vlan-udp4": frames_input(0, 0, [
            (IN, eth(0x0800, v4(17, "192.168.3.3", NIC4, udp(53, 53)), [(0x8100, 7)]))]),
        "qinq-tcp4": frames_input(0, 0, [
            (IN, eth(0x0800, v4(6, "203.0.113.9", NIC4, tcp(1, 22)), [(0x88a8, 1), (0x8100, 2)]))]),
        "ipv4-options": frames_input(0, 0, [
            (IN, eth(0x0800, v4(6, "203.0.113.5", NIC4, tcp(40001, 22),
                                options=b"\x01\x01\x01\x00")))]),
        "ipv4-fragments": frames_input(0, 0, [
            (IN, eth(0x0800, v4(17, "192.168.1.1", NIC4, udp(5353, 53, b"y" * 16), frag=0x2000))),
            (IN, eth(0x0800, v4(17, "192.168.1.1", NIC4, b"z" * 16, frag=3)))]),
        "ipv6-ext-headers": frames_input(0, 0, [
            (IN, eth(0x86dd, v6(0, "2001:db8:0:100::20", NIC6, tcp(5000, 80),
                                ext=b"\x2c\x00" + b"\x01\x04\0\0\0\0"
                                + b"\x06\x00\x00\x01\0\0\0\x2a")))]),
        "gre4-and-sctp6": frames_input(0, 0, [
            (IN, eth(0x0800, v4(47, "198.51.100.9", NIC4, b"\0\0\x08\0"))),
            (IN, eth(0x86dd, v6(132, "2001:db8:ffff::1", NIC6, b"\0" * 12)))]),
        "proto0-from-host": frames_input(2, 0, [
            (IN, eth(0x0800, v4(0, "10.0.1.99", NIC4, b"\0" * 8)))]),
        "egress-services": frames_input(1, 0, [
            (OUT, eth(0x0800, v4(17, NIC4, "169.254.169.123", udp(123, 123)))),
            (OUT, eth(0x0800, v4(17, NIC4, "10.0.0.2", udp(4444, 53)))),
            (OUT, eth(0x0800, v4(6, NIC4, "169.254.169.254", tcp(4445, 80))))]),
        # one more rule (tcp 22-22 from the first extra CIDR), then hours between packets
        "extra-rule-and-time": frames_input(0x40, 0, [])
        + bytes([0x02, 22, 0, 22, 0, 0])
        + frames_input(0, 0, [(IN | 0xfe, syn4), (IN | 0xfe, ack4)])[2:],
        "small-table": frames_input(0x08, 0, [
            (IN, eth(0x0800, v4(6, "203.0.113.%d" % i, NIC4, tcp(40000 + i, 22))))
            for i in range(4)]),
        "spare-not-attached": frames_input(0x10, 0, [(IN, syn4)]),
        "no-src-dst-check": frames_input(0x02, 0, [
            (IN, eth(0x0800, v4(6, "203.0.113.5", "10.9.9.9", tcp(40000, 22))))]),
        "explain-text": frames_input(0x80 | 0x04, 40, [(IN, syn4), (IN, ack4)]),
        "malformed": frames_input(0, 0, [
            (IN, syn4[:20]), (IN, eth(0x0800, b"\x4f" + syn4[15:40])),
            (IN, eth(0x86dd, v6(6, "2001:db8::1", NIC6, b"")[:30])), (IN, b"")]),
    }
    pkt = struct.Struct("<8B4HI16s16s16s16s")
    raw = pkt.pack(4, 6, 2, 0, 0, 0, 0, 0, 40000, 22, 0, 0, 40, ip4("203.0.113.5") + bytes(12),
                   ip4(NIC4) + bytes(12), bytes(16), bytes(16))
    err = pkt.pack(4, 1, 0, 2, 3, 1, 6, 0, 0, 0, 41000, 443, 56, ip4("198.51.100.7") + bytes(12),
                   ip4(NIC4) + bytes(12), ip4(NIC4) + bytes(12), ip4("198.51.100.7") + bytes(12))
    s["raw-records"] = bytes([0x20, 0]) + bytes([0]) + raw + bytes([0]) + err + bytes([0]) + \
        bytes(pkt.size)
    return s


def id_seeds():
    # kind byte, the string; the host's real ids depend on the ctx seed, so
    # these are well-formed strings that name nothing, and malformed ones
    return {
        "nic-17": b"\x04eni-0123456789abcdef0",
        "attach-any": b"\x00eni-attach-0123456789abcdef0",
        "sg-8": b"\x08sg-01234567",
        "wrong-kind": b"\x01subnet-0123456789abcdef0",
        "upper-hex": b"\x00vpc-0123456789ABCDEF0",
        "no-digits": b"\x00pl-",
        "unknown-kind": b"\x0bi-0123456789abcdef0",
        "rule": b"\x09sgr-0fffffffffffffff0",
        "eip-assoc": b"\x07eipassoc-00000000000000001",
    }


def strings_seeds():
    def op(n, flags, *strs):
        return bytes([n, flags]) + b"\0".join(s.encode() for s in strs)
    return {
        "vpc": op(0, 0, "10.1.0.0/16", "2001:db8:1::/56"),
        "vpc-host-bits": op(0, 0, "10.1.0.1/16"),
        "vpc-amazon-v6": op(0, 1, "172.16.0.0/20"),
        "subnet": op(1, 0, "us-east-1b", "10.0.2.0/24", "2001:db8:0:101::/64"),
        "sg": op(2, 0, "db servers", "databases (tier 2)"),
        "instance-type": op(3, 0, "c5n.18xlarge"),
        "nic": op(4, 0, "10.0.1.30", "primary of db", "10.0.1.31", "2001:db8:0:100::31"),
        "nic-description": op(5, 0, "a new description"),
        "assign-v4": op(6, 0, "10.0.1.40", "10.0.1.41"),
        "unassign-v4": op(7, 0, "10.0.1.50"),
        "assign-v6": op(8, 0, "2001:db8:0:100::40"),
        "unassign-v6": op(9, 0, "2001:db8:0:100::50"),
        "eip-associate": op(10, 0, "10.0.1.11"),
        "prefix-list": op(11, 0, "office ranges"),
        "prefix-entries": op(12, 0, "198.51.100.0/24", "203.0.113.7/32", "100.64.0.0/10"),
        "authorize": op(13, 1, "203.0.113.0/24", "https from partners"),
        "authorize-v6": op(13, 2, "2001:db8:abcd::/48"),
        "revoke": op(14, 0x10, "0.0.0.0/0"),
        "id": op(15, 0, "vpc-0123456789abcdef0"),
        "v4-mapped": op(4, 0, "::ffff:10.0.1.30"),
        "given-vpc-ids": op(16, 0, "vpc-0123456789abcdef0", "sg-01234567"),
        "given-sg-id": op(16, 1, "sg-0fedcba987654321f"),
        "given-eip-id": op(16, 2, "eipalloc-12345678"),
        "remote-members": op(17, 0, "host-a.example", "10.5.0.7", "2001:db8:5::7"),
        "remote-source-gone": op(17, 1, "host-b"),
    }


def model_ops_seeds():
    # operation numbers: OPS[] in fuzz_model_ops.c
    VPC, SUBNET, SG, AUTH, NIC, LAUNCH, STATE, ATTACH, DETACH = 0, 2, 5, 7, 13, 24, 25, 28, 29
    POLL, EIPA, EIPASSOC, EVAL, DESCRIBE, LIST, MOCK, DELETE_VPC = 35, 31, 33, 39, 41, 43, 36, 1
    ASSIGN4, REVOKE_RULES, PLC, PLM, REMOTE = 19, 9, 10, 11, 44
    base = bytes([VPC, 0, 1, 0,              # 10.0.0.0/16 + 2001:db8:1::/56
                  SUBNET, 0, 0, 0, 1, 0,     # 10.0.1.0/24 in us-east-1a with its first /64
                  SG, 0, 1])                 # group g0 (handle 1; the default group is 0)
    # m5.large, one new interface (10.0.1.10, one IPv6, in g0); poll; running
    launch = bytes([LAUNCH, 0, 0, 0x00, 0, 0x4B, 0, 1, 1, 0, POLL, 0, STATE, 0, 1])
    return {
        "build-and-delete": base + bytes([DELETE_VPC, 0]),
        # a second interface (10.0.1.12, in g0) hot-attached at index 1, then detached
        "launch-attach-detach": base + launch + bytes([
            NIC, 0, 0x0A, 2, 1, 1, 2, ATTACH, 1, 0, 1, POLL, 0, DETACH, 1, 0, POLL, 0]),
        # tcp 22 from 0.0.0.0/0 into g0; a SYN in, the SYN-ACK out
        "authorize-evaluate": base + launch + bytes([
            AUTH, 1, 0, 0, 1, 1, 0, 0,
            EVAL, 0, 0, 0, 2, 0x40, 0x9c, 22, 0, 5, 1,
            EVAL, 0, 1, 0x82, 0x12, 22, 0, 0x40, 0x9c, 5, 1]),
        "eips": base + launch + bytes([EIPA, EIPASSOC, 0, 0, 0, DESCRIBE, 8, 0, LIST, 4, 0]),
        # completions after one poll; the next attach fails at once: the launch is refused
        "faults": base + bytes([MOCK, 35, MOCK, 51]) + launch + bytes([POLL, 0x80]),
        "stale-and-garbage": base + bytes([DELETE_VPC, 0, SUBNET, 0xf2] + [0x11] * 8
                                          + [0, 0, 0, DESCRIBE, 0, 0xf9, ASSIGN4, 0xf0, 5]),
        # g0 has a member 10.7.0.5 on host-a; all traffic from g0 is allowed in; a
        # packet from 10.7.0.5 comes in
        "remote-members": base + launch + bytes([
            REMOTE, 1, 0x04, 9, AUTH, 1, 0, 0, 0, 0, 0x01, 0, 1,
            EVAL, 0, 0, 0, 2, 0x40, 0x9c, 22, 0, 7, 1]),
        # a prefix list with two entries, a rule on it, revoked by id
        "prefix-lists": base + bytes([PLC, 0, 1, 1, PLM, 0, 2, 0, 0, 1,
                                      AUTH, 1, 0, 0, 1, 3, 0x02, 0, 0, REVOKE_RULES, 1, 1, 0]),
    }


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    for target, seeds in (("frames", frames_seeds()), ("id_parse", id_seeds()),
                          ("strings", strings_seeds()), ("model_ops", model_ops_seeds())):
        d = os.path.join(root, target)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith("seed-"):
                os.remove(os.path.join(d, f))
        for name, data in seeds.items():
            with open(os.path.join(d, "seed-" + name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()
