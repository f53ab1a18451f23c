# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The stateful security-group evaluator: packets, verdicts, evaluators."""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ._enums import Action, Reason, TrafficDirection
from ._errors import (ContextClosedError, InvalidParameterTypeError, as_list, as_uint, check,
                      invalid_value)
from ._ffi import ffi, lib

if TYPE_CHECKING:
    from ._context import Context
    from ._instances import NetworkInterface
    from ._network import SecurityGroup, SecurityGroupRule

__all__ = ["Packet", "Verdict", "Evaluator", "Counters", "ConntrackStats", "Flow",
           "PacketLike"]

_TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}
_PROTO_NAMES = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
# ICMP protocol and error types per family (lib/eval/icmp.h): only an error quotes a packet.
_ICMP_PROTO = {4: 1, 6: 58}
_ICMP_ERRORS = {4: frozenset({3, 4, 5, 11, 12}), 6: frozenset({1, 2, 3, 4})}
Address = Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address]


def _now(now_ns: Optional[int]) -> int:
    return time.monotonic_ns() if now_ns is None else as_uint(now_ns, "now_ns", 64)


def _flags(value: Union[int, str]) -> int:
    if not isinstance(value, str):
        return as_uint(value, "tcp_flags", 8)
    out = 0
    for ch in value.upper():
        if ch not in _TCP_FLAGS:
            raise invalid_value(f"unknown TCP flag {ch!r} (use F S R P A U)")
        out |= _TCP_FLAGS[ch]
    return out


def _proto(value: Union[int, str]) -> int:
    if not isinstance(value, str):
        return as_uint(value, "proto", 8)
    if value.lower() not in _PROTO_NAMES:
        raise invalid_value(f"unknown protocol {value!r} (use tcp, udp, icmp, icmpv6 or a number)")
    return _PROTO_NAMES[value.lower()]


def _addr(value: Address, what: str = "address") -> Union[ipaddress.IPv4Address,
                                                          ipaddress.IPv6Address]:
    if isinstance(value, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return value
    if not isinstance(value, str):
        raise InvalidParameterTypeError(
            f"{what} takes an IP address (str or ipaddress), not {type(value).__name__}")
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise invalid_value(f"{what} {value!r} is not an IPv4 or IPv6 address") from None


@dataclass(frozen=True, init=False)
class Packet:
    """A packet as the evaluator sees it (``eni_pkt``).

    ``Packet(proto, src=, sport=, dst=, dport=, ...)``: every field after
    ``proto`` is keyword-only, so no call can put a port where an address
    goes (the tuple form is positional, ``(proto, src, sport, dst, dport[,
    tcp_flags])``). ``proto`` is a number or ``tcp``/``udp``/``icmp``/``icmpv6``;
    ``tcp_flags`` a number or letters (``"S"``, ``"SA"``, ``"FA"``). For
    an ICMP query (echo, timestamp, ...), ``sport`` is the identifier (the
    parser puts it in ``dport`` too). An ICMP error (ICMP types 3, 4, 5, 11,
    12; ICMPv6 1-4) carries the packet it quotes in ``inner``: its protocol,
    addresses, ports and, for a quoted ICMP message, its type. The record has
    no room for the rest, so an ``inner`` with a code, TCP flags, a fragment
    flag, a length or an ``inner`` of its own is refused rather than dropped.
    """
    proto: Union[int, str]
    src: Address
    dst: Address
    sport: int = 0
    dport: int = 0
    tcp_flags: Union[int, str] = 0
    icmp_type: int = 0
    icmp_code: int = 0
    fragment: bool = False
    length: int = 0
    inner: Optional["Packet"] = None

    def __init__(self, proto: Union[int, str], *positional: Any,
                 src: Optional[Address] = None, dst: Optional[Address] = None,
                 sport: int = 0, dport: int = 0, tcp_flags: Union[int, str] = 0,
                 icmp_type: int = 0, icmp_code: int = 0, fragment: bool = False,
                 length: int = 0, inner: Optional["Packet"] = None) -> None:
        given = locals()
        if positional:
            raise InvalidParameterTypeError(
                "Packet takes its fields after proto by keyword: Packet(proto, src=, sport=, "
                "dst=, dport=, ...); the tuple (proto, src, sport, dst, dport) is the "
                "positional form")
        if src is None or dst is None:
            raise InvalidParameterTypeError("Packet needs src= and dst=")
        for f in fields(self):
            object.__setattr__(self, f.name, given[f.name])  # frozen

    @property
    def family(self) -> int:
        return _addr(self.src, "src").version

    def _fill(self, p: Any) -> None:
        src, dst = _addr(self.src, "src"), _addr(self.dst, "dst")
        if src.version != dst.version:
            raise invalid_value("source and destination are of different families")
        p.family = src.version
        p.proto = _proto(self.proto)
        p.tcp_flags = _flags(self.tcp_flags)
        p.sport, p.dport = as_uint(self.sport, "sport", 16), as_uint(self.dport, "dport", 16)
        p.icmp_type = as_uint(self.icmp_type, "icmp_type", 8)
        p.icmp_code = as_uint(self.icmp_code, "icmp_code", 8)
        p.len = as_uint(self.length, "length") or (40 if src.version == 4 else 60)
        p.src[0:len(src.packed)] = src.packed
        p.dst[0:len(dst.packed)] = dst.packed
        flags = lib.ENI_PKT_FRAGMENT if self.fragment else 0
        if self.inner is not None:
            flags |= self._fill_inner(p, src.version)
        p.flags = flags

    def _fill_inner(self, p: Any, family: int) -> int:
        """The quoted packet's fields, or InvalidParameterError for what eni_pkt cannot carry."""
        i = self.inner
        assert i is not None
        if p.proto != _ICMP_PROTO[family] or self.icmp_type not in _ICMP_ERRORS[family]:
            raise invalid_value(
                "inner= is the packet an ICMP error quotes: this packet is not an ICMP error "
                f"(ICMP types {sorted(_ICMP_ERRORS[4])}, ICMPv6 types {sorted(_ICMP_ERRORS[6])})")
        lost = [name for name, value in (("icmp_code", i.icmp_code), ("tcp_flags", i.tcp_flags),
                                         ("fragment", i.fragment), ("length", i.length),
                                         ("inner", i.inner)) if value]
        if lost:
            raise invalid_value(f"the quoted packet's {', '.join(lost)} cannot be carried "
                                "(eni_pkt holds the quoted protocol, addresses, ports and ICMP "
                                "type only)")
        isrc, idst = _addr(i.src, "inner.src"), _addr(i.dst, "inner.dst")
        if isrc.version != family or idst.version != family:
            raise invalid_value("the quoted packet is of another family than the error")
        flags = lib.ENI_PKT_ICMP_ERROR
        p.inner_proto = _proto(i.proto)
        p.inner_sport = as_uint(i.sport, "inner.sport", 16)
        p.inner_dport = as_uint(i.dport, "inner.dport", 16)
        if p.inner_proto == _ICMP_PROTO[family]:
            p.inner_icmp_type = as_uint(i.icmp_type, "inner.icmp_type", 8)
            flags |= lib.ENI_PKT_INNER_ICMP_TYPE
        elif i.icmp_type:
            raise invalid_value("the quoted packet has an icmp_type but is not ICMP")
        p.inner_src[0:len(isrc.packed)] = isrc.packed
        p.inner_dst[0:len(idst.packed)] = idst.packed
        return flags

    @classmethod
    def _from(cls, p: Any) -> "Packet":
        n = 4 if p.family == 4 else 16
        def ip(arr: Any) -> Any:
            return ipaddress.ip_address(bytes(ffi.buffer(arr, n)))
        inner = None
        if p.flags & lib.ENI_PKT_ICMP_ERROR:
            itype = int(p.inner_icmp_type) if p.flags & lib.ENI_PKT_INNER_ICMP_TYPE else 0
            inner = cls(proto=int(p.inner_proto), src=str(ip(p.inner_src)),
                        dst=str(ip(p.inner_dst)), sport=int(p.inner_sport),
                        dport=int(p.inner_dport), icmp_type=itype)
        return cls(proto=int(p.proto), src=str(ip(p.src)), dst=str(ip(p.dst)),
                   sport=int(p.sport), dport=int(p.dport), tcp_flags=int(p.tcp_flags),
                   icmp_type=int(p.icmp_type), icmp_code=int(p.icmp_code),
                   fragment=bool(p.flags & lib.ENI_PKT_FRAGMENT), length=int(p.len), inner=inner)

    @classmethod
    def parse(cls, frame: Union[bytes, bytearray, memoryview], *, l3: bool = False) -> "Packet":
        """Parse an Ethernet frame, or with ``l3=True`` a bare IPv4/IPv6 packet
        (``InvalidParameterValue`` when it is malformed)."""
        data = ffi.from_buffer(frame)
        p = ffi.new("eni_pkt *")
        check((lib.eni_pkt_parse_ip if l3 else lib.eni_pkt_parse)(data, len(data), p))
        return cls._from(p)


# A packet given to the evaluator: a Packet, a tuple
# (proto, src, sport, dst, dport[, tcp_flags]), or a raw frame.
PacketLike = Union[Packet, Tuple[Any, ...], bytes, bytearray, memoryview]


def _as_packet(x: Any) -> Packet:
    if isinstance(x, Packet):
        return x
    if isinstance(x, tuple) and len(x) in (5, 6):
        return Packet(x[0], src=x[1], sport=x[2], dst=x[3], dport=x[4],
                      tcp_flags=x[5] if len(x) == 6 else 0)
    raise InvalidParameterTypeError("a packet is a libeni.Packet, a (proto, src, sport, dst, dport[, flags]) "
                    f"tuple or a frame (bytes-like), not {type(x).__name__}")


def _is_frame(x: Any) -> bool:
    return isinstance(x, (bytes, bytearray, memoryview))


_REASON_WORDS = {
    Reason.RULE: "allowed by a rule; a tracked flow was created",
    Reason.TRACKED: "allowed: part of a tracked connection",
    Reason.RELATED_ICMP: "allowed: an ICMP error about a tracked connection",
    Reason.UNTRACKED: "allowed by a rule open to all addresses both ways (untracked)",
    Reason.SERVICE: "allowed: Amazon DNS, instance metadata and time sync are never filtered",
    Reason.NO_RULE: "dropped: no rule matched — the client would see a timeout",
    Reason.SRC_DST_CHECK: "dropped by the source/destination check",
    Reason.NOT_ATTACHED: "dropped: the interface is not attached",
    Reason.CONNTRACK_FULL: "dropped: the conntrack allowance is exhausted",
    Reason.MALFORMED: "dropped: malformed packet",
    Reason.ACL_DENY: "dropped by the subnet's network ACL (stateless: replies are judged too)",
}


@dataclass(frozen=True)
class Verdict:
    """The evaluator's answer for one packet."""
    action: Action
    reason: Reason
    group: Optional["SecurityGroup"] = None
    rule: Optional["SecurityGroupRule"] = None
    explanation: Optional[str] = field(default=None, compare=False)

    @property
    def allowed(self) -> bool:
        return self.action == Action.ALLOW

    def __bool__(self) -> bool:
        return self.allowed

    def explain(self) -> str:
        """Why, in words: the library's sentence when the verdict came from
        :meth:`Context.explain`, else one made from the reason and the rule."""
        if self.explanation:
            return self.explanation
        words = _REASON_WORDS[self.reason]
        if self.rule is not None and self.group is not None:
            words += f" ({self.group.id} rule {self.rule.id})"
        return words

    @classmethod
    def _from(cls, ctx: "Context", v: Any, explanation: Optional[str] = None) -> "Verdict":
        from ._network import SecurityGroup, SecurityGroupRule
        from ._objects import wrap
        return cls(action=Action(v.action), reason=Reason(v.reason),
                   group=wrap(ctx, v.group.v, SecurityGroup),
                   rule=wrap(ctx, v.rule.v, SecurityGroupRule), explanation=explanation)


@dataclass(frozen=True)
class Counters:
    """An evaluator's counters since it was made."""
    packets: int
    allowed: int
    dropped: int
    by_reason: Dict[Reason, int]
    flows_created: int
    conntrack_allowance_exceeded: int


@dataclass(frozen=True)
class ConntrackStats:
    """An interface's tracked flows and conntrack-allowance gauges (ENA's names)."""
    tracked: int
    allowance: int
    conntrack_allowance_available: int
    conntrack_allowance_exceeded: int

    @classmethod
    def _from(cls, s: Any) -> "ConntrackStats":
        return cls(int(s.tracked), int(s.allowance), int(s.conntrack_allowance_available),
                   int(s.conntrack_allowance_exceeded))


@dataclass(frozen=True)
class EvalMemory:
    """Bytes the evaluator holds for an interface (``eni_nic_get_eval_memory``)."""
    rules_bytes: int
    acl_bytes: int
    flow_bytes: int
    snapshot_bytes: int

    @classmethod
    def _from(cls, m: Any) -> "EvalMemory":
        return cls(int(m.rules_bytes), int(m.acl_bytes), int(m.flow_bytes),
                   int(m.snapshot_bytes))


@dataclass(frozen=True)
class Flow:
    """One tracked flow, seen from the interface."""
    family: int
    proto: int
    initiator: TrafficDirection
    state: int
    local: str
    local_port: int
    remote: str
    remote_port: int
    expires_ns: int

    @classmethod
    def _from(cls, f: Any) -> "Flow":
        n = 4 if f.family == 4 else 16
        return cls(family=int(f.family), proto=int(f.proto),
                   initiator=TrafficDirection(f.initiator), state=int(f.state),
                   local=str(ipaddress.ip_address(bytes(ffi.buffer(f.local, n)))),
                   local_port=int(f.local_port),
                   remote=str(ipaddress.ip_address(bytes(ffi.buffer(f.remote, n)))),
                   remote_port=int(f.remote_port), expires_ns=int(f.expires_ns))


class Evaluator:
    """A per-thread evaluation handle (``eni_eval_worker``): use one per thread.

    Made by :meth:`libeni.Context.evaluator`; closing the context closes it.
    """

    def __init__(self, ctx: "Context") -> None:
        out = ffi.new("eni_eval_worker **")
        check(lib.eni_eval_worker_new(ctx._ptr, out))
        self._ctx = ctx
        self._w: Any = out[0]
        ctx._evaluators.add(self)

    @property
    def _ptr(self) -> Any:
        if self._w is None:
            raise ContextClosedError("the evaluator is closed")
        return self._w

    def close(self) -> None:
        """Free the evaluator (idempotent)."""
        if self._w is not None:
            if not self._ctx.closed:
                lib.eni_eval_worker_free(self._w)
            self._w = None
            self._ctx._evaluators.discard(self)

    def _forget(self) -> None:  # the context freed it
        self._w = None

    def __enter__(self) -> "Evaluator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def evaluate(self, interface: "NetworkInterface",
                 direction: Union[TrafficDirection, Sequence[TrafficDirection]],
                 packets: Iterable[PacketLike], now_ns: Optional[int] = None, *,
                 want_rule: bool = False, l3: bool = False) -> List[Verdict]:
        """Judge packets crossing ``interface``, in order, creating and
        refreshing tracked flows. ``direction`` is one direction for all of
        them, or a list with one per packet (a capture replay, a
        bump-in-the-wire). Frames (bytes-like: Ethernet frames, or with
        ``l3=True`` bare IP packets) and packets may not be mixed in one
        call. ``want_rule`` names the group and rule that allowed each packet
        a rule allowed. A worker is one thread's: using it from two threads
        at once raises :class:`BusyError` in one of them."""
        dirs = None
        if isinstance(direction, (list, tuple)):
            dirs = [TrafficDirection._of(d, "direction") for d in direction]
        else:
            direction = TrafficDirection._of(direction, "direction")
        if isinstance(packets, Packet):
            raise InvalidParameterTypeError("packets takes a list; for one packet use "
                                            "evaluate_one()")
        items = as_list(packets, "packets")
        n = len(items)
        if dirs is not None and len(dirs) != n:
            raise invalid_value(f"{len(dirs)} directions for {n} packets: give one per packet")
        out = ffi.new("eni_verdict[]", max(n, 1))
        flags = (lib.ENI_EVAL_WANT_RULE if want_rule else 0) | (lib.ENI_EVAL_L3 if l3 else 0)
        now = _now(now_ns)
        dir_arg = ffi.new("uint8_t[]", [int(d) for d in dirs] or [0]) if dirs is not None \
            else direction
        if n and all(_is_frame(x) for x in items):
            bufs = [ffi.from_buffer(x) for x in items]
            frames = ffi.new("uint8_t *[]", [ffi.cast("uint8_t *", b) for b in bufs])
            lens = ffi.new("uint32_t[]", [len(b) for b in bufs])
            call = lib.eni_eval_frames if dirs is None else lib.eni_eval_frames_dirs
            check(call(self._ptr, interface._cid(), dir_arg, frames, lens, n, now, flags, out))
            del bufs
        else:
            if any(_is_frame(x) for x in items):
                raise InvalidParameterTypeError("frames and packets cannot be mixed in one call")
            if l3:
                raise invalid_value("l3=True is for frames (bytes-like IP packets), not Packets")
            pk = ffi.new("eni_pkt[]", max(n, 1))
            for i, x in enumerate(items):
                _as_packet(x)._fill(pk[i])
            call = lib.eni_eval_burst if dirs is None else lib.eni_eval_burst_dirs
            check(call(self._ptr, interface._cid(), dir_arg, pk, n, now, flags, out))
        return [Verdict._from(self._ctx, out[i]) for i in range(n)]

    def evaluate_one(self, interface: "NetworkInterface", direction: TrafficDirection,
                     packet: PacketLike, now_ns: Optional[int] = None, *,
                     want_rule: bool = True, l3: bool = False) -> Verdict:
        """:meth:`evaluate` for one packet (naming the allowing rule by default)."""
        direction = TrafficDirection._of(direction, "direction")
        return self.evaluate(interface, direction, [packet], now_ns, want_rule=want_rule,
                             l3=l3)[0]

    @property
    def counters(self) -> Counters:
        c = ffi.new("eni_eval_counters *")
        c.size = ffi.sizeof("eni_eval_counters")
        check(lib.eni_eval_worker_counters(self._ptr, c))
        # ACL_DENY is past by_reason's fixed size: the counter appended for it
        by = {r: int(c.by_reason[int(r)] if r != Reason.ACL_DENY else c.acl_denied)
              for r in Reason}
        return Counters(int(c.packets), int(c.allowed), int(c.dropped), by,
                        int(c.flows_created), int(c.conntrack_allowance_exceeded))
