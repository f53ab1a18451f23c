# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The stateful security-group evaluator: packets, verdicts, evaluators."""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple, Union

from ._enums import Action, Reason, TrafficDirection
from ._errors import ContextClosedError, InvalidParameterTypeError, as_list, check, invalid_value
from ._ffi import ffi, lib

if TYPE_CHECKING:
    from ._context import Context
    from ._instances import NetworkInterface
    from ._network import SecurityGroup, SecurityGroupRule

__all__ = ["Packet", "Verdict", "Evaluator", "Counters", "ConntrackStats", "Flow",
           "PacketLike"]

_TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}
_PROTO_NAMES = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
Address = Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address]


def _now(now_ns: Optional[int]) -> int:
    return time.monotonic_ns() if now_ns is None else int(now_ns)


def _flags(value: Union[int, str]) -> int:
    if isinstance(value, int):
        return value
    out = 0
    for ch in value.upper():
        if ch not in _TCP_FLAGS:
            raise invalid_value(f"unknown TCP flag {ch!r} (use F S R P A U)")
        out |= _TCP_FLAGS[ch]
    return out


def _proto(value: Union[int, str]) -> int:
    if not isinstance(value, str):
        return int(value)
    if value.lower() not in _PROTO_NAMES:
        raise invalid_value(f"unknown protocol {value!r} (use tcp, udp, icmp, icmpv6 or a number)")
    return _PROTO_NAMES[value.lower()]


def _addr(value: Address) -> Union[ipaddress.IPv4Address, ipaddress.IPv6Address]:
    return value if not isinstance(value, str) else ipaddress.ip_address(value)


@dataclass(frozen=True, init=False)
class Packet:
    """A packet as the evaluator sees it (``eni_pkt``).

    ``Packet(proto, src=, sport=, dst=, dport=, ...)``: every field after
    ``proto`` is keyword-only, so no call can put a port where an address
    goes (the tuple form is positional, ``(proto, src, sport, dst, dport[,
    tcp_flags])``). ``proto`` is a number or ``tcp``/``udp``/``icmp``/``icmpv6``;
    ``tcp_flags`` a number or letters (``"S"``, ``"SA"``, ``"FA"``). For
    ICMP, ``sport`` and ``dport`` are the echo identifier. An ICMP error
    carries the packet it quotes in ``inner``.
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
        return _addr(self.src).version

    def _fill(self, p: Any) -> None:
        src, dst = _addr(self.src), _addr(self.dst)
        if src.version != dst.version:
            raise invalid_value("source and destination are of different families")
        p.family = src.version
        p.proto = _proto(self.proto)
        p.tcp_flags = _flags(self.tcp_flags)
        p.sport, p.dport = self.sport, self.dport
        p.icmp_type, p.icmp_code = self.icmp_type, self.icmp_code
        p.len = self.length or (40 if src.version == 4 else 60)
        p.src[0:len(src.packed)] = src.packed
        p.dst[0:len(dst.packed)] = dst.packed
        flags = lib.ENI_PKT_FRAGMENT if self.fragment else 0
        if self.inner is not None:
            i = self.inner
            isrc, idst = _addr(i.src), _addr(i.dst)
            flags |= lib.ENI_PKT_ICMP_ERROR
            p.inner_proto = _proto(i.proto)
            p.inner_sport, p.inner_dport = i.sport, i.dport
            p.inner_src[0:len(isrc.packed)] = isrc.packed
            p.inner_dst[0:len(idst.packed)] = idst.packed
        p.flags = flags

    @classmethod
    def _from(cls, p: Any) -> "Packet":
        n = 4 if p.family == 4 else 16
        def ip(arr: Any) -> Any:
            return ipaddress.ip_address(bytes(ffi.buffer(arr, n)))
        inner = None
        if p.flags & lib.ENI_PKT_ICMP_ERROR:
            inner = cls(proto=int(p.inner_proto), src=str(ip(p.inner_src)),
                        dst=str(ip(p.inner_dst)), sport=int(p.inner_sport),
                        dport=int(p.inner_dport))
        return cls(proto=int(p.proto), src=str(ip(p.src)), dst=str(ip(p.dst)),
                   sport=int(p.sport), dport=int(p.dport), tcp_flags=int(p.tcp_flags),
                   icmp_type=int(p.icmp_type), icmp_code=int(p.icmp_code),
                   fragment=bool(p.flags & lib.ENI_PKT_FRAGMENT), length=int(p.len), inner=inner)

    @classmethod
    def parse(cls, frame: Union[bytes, bytearray, memoryview]) -> "Packet":
        """Parse an Ethernet frame (``InvalidParameterValue`` when it is malformed)."""
        data = ffi.from_buffer(frame)
        p = ffi.new("eni_pkt *")
        check(lib.eni_pkt_parse(data, len(data), p))
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

    def evaluate(self, interface: "NetworkInterface", direction: TrafficDirection,
                 packets: Iterable[PacketLike], now_ns: Optional[int] = None, *,
                 want_rule: bool = False) -> List[Verdict]:
        """Judge packets crossing ``interface`` one way, in order, creating and
        refreshing tracked flows. Frames (bytes-like) and packets may not be
        mixed in one call. ``want_rule`` names the group and rule that allowed
        each packet a rule allowed."""
        direction = TrafficDirection._of(direction, "direction")
        if isinstance(packets, Packet):
            raise InvalidParameterTypeError("packets takes a list; for one packet use "
                                            "evaluate_one()")
        items = as_list(packets, "packets")
        n = len(items)
        out = ffi.new("eni_verdict[]", max(n, 1))
        flags = lib.ENI_EVAL_WANT_RULE if want_rule else 0
        now = _now(now_ns)
        if n and all(_is_frame(x) for x in items):
            bufs = [ffi.from_buffer(x) for x in items]
            frames = ffi.new("uint8_t *[]", [ffi.cast("uint8_t *", b) for b in bufs])
            lens = ffi.new("uint32_t[]", [len(b) for b in bufs])
            check(lib.eni_eval_frames(self._ptr, interface._cid(), direction, frames,
                                      lens, n, now, flags, out))
            del bufs
        else:
            if any(_is_frame(x) for x in items):
                raise InvalidParameterTypeError("frames and packets cannot be mixed in one call")
            pk = ffi.new("eni_pkt[]", max(n, 1))
            for i, x in enumerate(items):
                _as_packet(x)._fill(pk[i])
            check(lib.eni_eval_burst(self._ptr, interface._cid(), direction, pk, n, now,
                                     flags, out))
        return [Verdict._from(self._ctx, out[i]) for i in range(n)]

    def evaluate_one(self, interface: "NetworkInterface", direction: TrafficDirection,
                     packet: PacketLike, now_ns: Optional[int] = None, *,
                     want_rule: bool = True) -> Verdict:
        """:meth:`evaluate` for one packet (naming the allowing rule by default)."""
        return self.evaluate(interface, direction, [packet], now_ns, want_rule=want_rule)[0]

    @property
    def counters(self) -> Counters:
        c = ffi.new("eni_eval_counters *")
        c.size = ffi.sizeof("eni_eval_counters")
        check(lib.eni_eval_worker_counters(self._ptr, c))
        by = {r: int(c.by_reason[int(r)]) for r in Reason}
        return Counters(int(c.packets), int(c.allowed), int(c.dropped), by,
                        int(c.flows_created), int(c.conntrack_allowance_exceeded))
