# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""A capture through one interface's security groups: ``replay_pcap(ctx, interface, path)``.

What ``enictl replay`` does (docs/enictl.md), in Python with no dependency:
classic pcap (either byte order, micro- or nanosecond timestamps) and
pcapng are read here; Ethernet (up to two VLAN tags), Linux cooked (SLL,
SLL2), raw IP and BSD loopback link types. Each packet crosses the
interface in the direction its addresses say (the interface's own address, or
one inside its delegated prefixes, as destination: inbound; as source:
outbound), else its MAC address (give
``mac=``, the JSON's MacAddress: the model mints its own), else a cooked
header's packet type; the evaluator judges the packets in order at their
capture timestamps.
"""
from __future__ import annotations

import ipaddress
import os
import struct
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from ._context import Context
from ._enums import Action, TrafficDirection
from ._errors import InvalidParameterError, invalid_value
from ._eval import Packet, Verdict
from ._instances import NetworkInterface

__all__ = ["CaptureError", "Replay", "ReplayFlow", "ReplayPacket", "replay_pcap"]

IN, OUT = TrafficDirection.INBOUND, TrafficDirection.OUTBOUND
_LINKS = {1: "EN10MB", 113: "LINUX_SLL", 276: "LINUX_SLL2", 101: "RAW", 12: "RAW", 14: "RAW",
          228: "IPV4", 229: "IPV6", 0: "NULL", 108: "LOOP"}


class CaptureError(ValueError):
    """A capture that cannot be read, or is damaged part way (``replay`` then
    holds what was judged before the damage)."""

    def __init__(self, path: str, message: str, replay: Optional["Replay"] = None) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message, self.replay = path, message, replay


@dataclass
class ReplayPacket:
    """One packet: its number (from 1), timestamp, direction and verdict, or
    ``skipped`` (``"not-ip"``, ``"unknown-direction"``) when it was not judged."""
    number: int
    time_ns: int
    direction: Optional[TrafficDirection]
    verdict: Optional[Verdict]
    skipped: Optional[str] = None


@dataclass
class ReplayFlow:
    """Packets of one flow as the evaluator tracks it, seen from the interface;
    ``first`` is its first packet (``None`` for malformed ones, grouped by
    ``malformed``); ``verdicts`` counts each distinct (direction, verdict)."""
    first: Optional[Packet]
    initiator: TrafficDirection
    malformed: Optional[str] = None
    packets: int = 0
    allowed: int = 0
    dropped: int = 0
    verdicts: Dict[Tuple[TrafficDirection, Verdict], int] = field(default_factory=dict)


@dataclass
class Replay:
    """A replay's packets, flows and summary (the keys of enictl's JSON summary)."""
    format: str
    link_type: str
    packets: List[ReplayPacket] = field(default_factory=list)
    flows: List[ReplayFlow] = field(default_factory=list)
    summary: Dict[str, Any] = field(default_factory=dict)


# ---- reading captures -------------------------------------------------------------------

def _pcap(data: bytes, path: str) -> Tuple[int, Iterator[Tuple[int, bytes, int]]]:
    magic = data[:4]
    orders = {b"\xd4\xc3\xb2\xa1": ("<", 1000), b"\xa1\xb2\xc3\xd4": (">", 1000),
              b"\x4d\x3c\xb2\xa1": ("<", 1), b"\xa1\xb2\x3c\x4d": (">", 1)}
    order, scale = orders[magic]
    if len(data) < 24:
        raise CaptureError(path, "truncated file header")
    link = struct.unpack(order + "I", data[20:24])[0] & 0xFFFF

    def records() -> Iterator[Tuple[int, bytes, int]]:
        off = 24
        while off < len(data):
            if off + 16 > len(data):
                raise CaptureError(path, "truncated record header")
            sec, frac, caplen, length = struct.unpack(order + "IIII", data[off:off + 16])
            if off + 16 + caplen > len(data):
                raise CaptureError(path, f"truncated record: {caplen} captured bytes, "
                                         f"{len(data) - off - 16} in the file")
            yield sec * 10**9 + frac * scale, data[off + 16:off + 16 + caplen], length
            off += 16 + caplen
    return link, records()


def _pcapng(data: bytes, path: str) -> Tuple[int, Iterator[Tuple[int, bytes, int]]]:
    if len(data) < 12:
        raise CaptureError(path, "truncated section header")
    order = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    links: List[Tuple[int, int]] = []  # per interface: link type, ns per tick

    def blocks() -> Iterator[Tuple[int, bytes]]:
        off = 0
        while off < len(data):
            if off + 12 > len(data):
                raise CaptureError(path, "truncated block header")
            btype, blen = struct.unpack(order + "II", data[off:off + 8])
            if blen < 12 or off + blen > len(data):
                raise CaptureError(path, f"truncated block: {blen} bytes, "
                                         f"{len(data) - off} in the file")
            yield btype, data[off + 8:off + blen - 4]
            off += blen

    def interface(body: bytes) -> Tuple[int, int]:
        link = struct.unpack(order + "H", body[:2])[0]
        tick, opt = 1000, 8  # microseconds unless if_tsresol says otherwise
        while opt + 4 <= len(body):
            code, n = struct.unpack(order + "HH", body[opt:opt + 4])
            if code == 0:
                break
            if code == 9 and n >= 1:
                r = body[opt + 4]
                tick = 10**9 // (2 ** (r & 0x7F)) if r & 0x80 else 10 ** max(0, 9 - r)
            opt += 4 + n + (-n % 4)
        return link, tick

    it = blocks()
    records: List[Tuple[int, bytes, int]] = []

    def packets() -> Iterator[Tuple[int, bytes, int]]:
        yield from records
        for btype, body in it:
            if btype == 1:
                links.append(interface(body))
            elif btype == 6:  # enhanced packet block
                iface, hi, lo, caplen, length = struct.unpack(order + "IIIII", body[:20])
                yield (hi << 32 | lo) * links[iface][1], body[20:20 + caplen], length
            elif btype == 3:  # simple packet block: no timestamp
                length = struct.unpack(order + "I", body[:4])[0]
                yield 0, body[4:4 + min(length, len(body) - 4)], length
    for btype, body in it:  # up to the first interface, which names the link type
        if btype == 1:
            links.append(interface(body))
            break
    if not links:
        raise CaptureError(path, "no interface description block")
    return links[0][0], packets()


def _read(path: str) -> Tuple[str, int, Iterator[Tuple[int, bytes, int]]]:
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return ("pcapng",) + _pcapng(data, path)
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1",
                    b"\xa1\xb2\x3c\x4d"):
        return ("pcap",) + _pcap(data, path)
    raise CaptureError(path, "not a pcap or pcapng capture")


# ---- link layers ------------------------------------------------------------------------

def _l3(link: int, frame: bytes) -> Tuple[Optional[int], Optional[bytes], Optional[bytes],
                                           Optional[TrafficDirection], Optional[bytes]]:
    """(offset of the IP header or None when not IP, dst MAC, src MAC, cooked direction, why bad)"""
    def ip_at(off: int, ethertype: int) -> Optional[int]:
        return off if ethertype in (0x0800, 0x86DD) else None

    if link == 1:
        if len(frame) < 14:
            return None, None, None, None, b"truncated Ethernet header"
        off, etype = 12, struct.unpack("!H", frame[12:14])[0]
        for _ in range(2):
            if etype not in (0x8100, 0x88A8):
                break
            off += 4
            if len(frame) < off + 2:
                return None, None, None, None, b"truncated VLAN tag"
            etype = struct.unpack("!H", frame[off:off + 2])[0]
        return ip_at(off + 2, etype), frame[:6], frame[6:12], None, None
    if link in (113, 276):
        hlen = 16 if link == 113 else 20
        if len(frame) < hlen:
            return None, None, None, None, b"truncated Linux cooked header"
        ptype = struct.unpack("!H", frame[:2])[0] if link == 113 else frame[10]
        proto = struct.unpack("!H", frame[14:16] if link == 113 else frame[:2])[0]
        way = IN if ptype <= 2 else OUT if ptype == 4 else None
        return ip_at(hlen, proto), None, None, way, None
    if link in (0, 108):
        if len(frame) < 4:
            return None, None, None, None, b"truncated loopback header"
        le, be = struct.unpack("<I", frame[:4])[0], struct.unpack(">I", frame[:4])[0]
        af = le if link == 0 and le < 256 else be
        return (4 if af in (2, 10, 24, 28, 30) else None), None, None, None, None
    return 0, None, None, None, None  # raw IP


def _uncut(ip: bytes, wire: int) -> bytes:
    """An IP packet the snap length cut short, its header's length made to agree."""
    if len(ip) >= wire or not ip:
        return ip
    b = bytearray(ip)
    if b[0] >> 4 == 4 and len(b) >= 20:
        b[2:4] = struct.pack("!H", len(b))
    elif b[0] >> 4 == 6 and len(b) >= 40:
        b[4:6] = struct.pack("!H", len(b) - 40)
    return bytes(b)


# ---- the replay -------------------------------------------------------------------------

class _Owned:
    """The interface's addresses and delegated prefixes: ``address in owned``."""

    def __init__(self, nic: NetworkInterface) -> None:
        self.addresses = {ipaddress.ip_address(a) for a in
                          nic.private_ip_addresses + nic.ipv6_addresses}
        self.prefixes = [ipaddress.ip_network(p) for p in nic.ipv4_prefixes + nic.ipv6_prefixes]

    def __contains__(self, address: Any) -> bool:
        return address in self.addresses or any(address in p for p in self.prefixes)


def _direction(owned: _Owned, mac: Optional[bytes], pkt: Optional[Packet],
               dst_mac: Optional[bytes], src_mac: Optional[bytes],
               cooked: Optional[TrafficDirection]) -> Optional[TrafficDirection]:
    if pkt is not None:
        if ipaddress.ip_address(pkt.dst) in owned:
            return IN
        if ipaddress.ip_address(pkt.src) in owned:
            return OUT
    if mac is not None and dst_mac == mac:
        return IN
    if mac is not None and src_mac == mac:
        return OUT
    return cooked


class _Replayer:
    def __init__(self, ctx: Context, nic: NetworkInterface, mac: Optional[str],
                 unknown: Optional[TrafficDirection]) -> None:
        self.ctx, self.nic, self.unknown = ctx, nic, unknown
        self.mac = bytes.fromhex(mac.replace(":", "")) if mac else None
        self.owned = _Owned(nic)
        self.flows: Dict[tuple, ReplayFlow] = {}
        self.clock = self.backwards = 0
        self.result: Optional[Replay] = None

    def packet(self, ev: Any, number: int, ts: int, link: int, frame: bytes, wire: int) -> None:
        off, dst_mac, src_mac, cooked, bad = _l3(link, frame)
        r = self.result
        assert r is not None
        if off is None and bad is None:
            r.packets.append(ReplayPacket(number, ts, None, None, "not-ip"))
            return
        ip = _uncut(frame[off:], wire - (off or 0)) if off is not None else b""
        pkt = why = None
        try:
            pkt = Packet.parse(ip, l3=True) if bad is None else None
        except InvalidParameterError as e:
            why = e.message
        why = why or (bad.decode() if bad else None)
        way = _direction(self.owned, self.mac, pkt, dst_mac, src_mac, cooked)
        way = way or (IN if why else self.unknown)
        if way is None:
            r.packets.append(ReplayPacket(number, ts, None, None, "unknown-direction"))
            return
        if ts < self.clock:
            self.backwards += 1
        self.clock = max(self.clock, ts)
        v = ev.evaluate_one(self.nic, way, pkt if pkt is not None else (ip or b"\0"),
                            self.clock, l3=pkt is None)
        r.packets.append(ReplayPacket(number, ts, way, v))
        self.count(way, pkt, why, v)

    def count(self, way: TrafficDirection, pkt: Optional[Packet], why: Optional[str],
              v: Verdict) -> None:
        if pkt is None:
            key: tuple = ("malformed", why)
        else:
            local, remote = (pkt.dst, pkt.src) if way == IN else (pkt.src, pkt.dst)
            lport, rport = (pkt.dport, pkt.sport) if way == IN else (pkt.sport, pkt.dport)
            key = (pkt.proto, str(local), lport, str(remote), rport)
        f = self.flows.get(key)
        if f is None:
            f = self.flows[key] = ReplayFlow(pkt, way, why)
        f.packets += 1
        f.allowed += v.action == Action.ALLOW
        f.dropped += v.action != Action.ALLOW
        f.verdicts[(way, v)] = f.verdicts.get((way, v), 0) + 1

    def summarise(self) -> None:
        r = self.result
        assert r is not None
        judged = [p.verdict for p in r.packets if p.verdict is not None]
        by: Dict[str, int] = {}
        for v in judged:
            by[str(v.reason)] = by.get(str(v.reason), 0) + 1
        r.flows = list(self.flows.values())
        r.summary = {
            "packets": len(r.packets), "judged": len(judged),
            "allowed": sum(1 for v in judged if v.action == Action.ALLOW),
            "dropped": sum(1 for v in judged if v.action != Action.ALLOW),
            "flows": len(r.flows), "by_reason": by,
            "not_judged": {k: sum(1 for p in r.packets if p.skipped == k)
                           for k in ("not-ip", "unknown-direction")},
            "time_went_backwards": self.backwards}


def replay_pcap(ctx: Context, interface: Union[NetworkInterface, str],
                path: Union[str, "os.PathLike[str]"], *, mac: Optional[str] = None,
                unknown_direction: Optional[TrafficDirection] = None) -> Replay:
    """Judge every packet of the capture at ``path`` on ``interface`` (an
    attached :class:`NetworkInterface` or its ``eni-`` id), in order, at its
    timestamp. ``mac``: the interface's MAC as EC2 gave it (``AwsLoad.macs``),
    to tell the direction of frames neither address decides;
    ``unknown_direction``: how to judge those still undecided (else skipped).
    Raises :class:`CaptureError` for a file that is not a capture or is
    damaged (its ``replay`` holds what was judged before)."""
    nic = ctx.get(interface) if isinstance(interface, str) else interface
    if not isinstance(nic, NetworkInterface):
        raise invalid_value(f"{interface!r} is not a network interface")
    path = os.fspath(path)
    try:
        fmt, link, records = _read(path)
    except OSError as e:
        raise CaptureError(path, e.strerror or str(e)) from None
    if link not in _LINKS:
        raise CaptureError(path, f"link type {link}: Ethernet, Linux cooked (SLL, SLL2), raw "
                                 "IP and BSD loopback captures are read")
    rp = _Replayer(ctx, nic, mac, unknown_direction)
    rp.result = Replay(fmt, _LINKS[link])
    with ctx.evaluator() as ev:
        try:
            for number, (ts, frame, wire) in enumerate(records, 1):
                rp.packet(ev, number, ts, link, frame, wire)
        except CaptureError as e:
            rp.summarise()
            raise CaptureError(path, f"damaged after packet {len(rp.result.packets)}: "
                                     f"{e.message}", rp.result) from None
    rp.summarise()
    return rp.result
