# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The stateful evaluator through the bindings (ec2-semantics.md section 5).

The interface under test is `nic`, the primary of a running m5.large in
10.0.1.0/24 whose only group is `web`. Every call passes an explicit now_ns.
"""
import dataclasses
import ipaddress
import random
import struct

import pytest

import libeni
from libeni import (Action, ContextClosedError, EvalMemory, InvalidParameterError,
                    InvalidParameterTypeError,
                    Packet, Reason, Rule, RuleDirection, TrafficDirection, Verdict)

IN, OUT = TrafficDirection.INBOUND, TrafficDirection.OUTBOUND
CLIENT = "203.0.113.5"
SEC = 1_000_000_000
SYN, SYNACK, ACK = 0x02, 0x12, 0x10


# ---- frames built by hand ------------------------------------------------------------

def ipv4(src, dst, proto, payload):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, 64, proto, 0,
                         ipaddress.ip_address(src).packed, ipaddress.ip_address(dst).packed)
    return header + payload


def tcp(sport, dport, flags=SYN):
    return struct.pack("!HHIIBBHHH", sport, dport, 0, 0, 0x50, flags, 65535, 0, 0)


def ethernet(payload, ethertype=0x0800):
    return b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02" + \
        struct.pack("!H", ethertype) + payload


def tcp_frame(src, sport, dst, dport, flags=SYN):
    """A valid Ethernet II / IPv4 / TCP frame (54 bytes)."""
    return ethernet(ipv4(src, dst, 6, tcp(sport, dport, flags)))


def icmp_unreachable_frame(src, dst, quoted):
    """An ICMP port-unreachable from src to dst quoting the first 28 bytes of `quoted`."""
    return ethernet(ipv4(src, dst, 1, struct.pack("!BBHI", 3, 3, 0, 0) + quoted[:28]))


# ---- packet forms ------------------------------------------------------------------------

def test_packet_forms_agree(nic, evaluator):
    """A Packet, a tuple and a raw frame of the same SYN are judged alike."""
    ip = nic.private_ip_address
    verdicts = [
        evaluator.evaluate_one(nic, OUT, Packet("tcp", src=ip, sport=50000, dst=CLIENT,
                                                dport=443, tcp_flags="S"), now_ns=1),
        evaluator.evaluate_one(nic, OUT, ("tcp", ip, 50001, CLIENT, 443, "S"), now_ns=1),
        evaluator.evaluate_one(nic, OUT, tcp_frame(ip, 50002, CLIENT, 443), now_ns=1),
    ]
    assert all(v.action == Action.ALLOW and v.reason == Reason.RULE for v in verdicts)
    assert all(isinstance(v, Verdict) and v.allowed and bool(v) for v in verdicts)
    assert len(nic.flows(now_ns=2)) == 3


def test_packet_fields_after_proto_are_keyword_only(nic, evaluator):
    """Packet("tcp", src, sport, dst, dport) in the tuple's order is refused, not read as
    (src, dst, sport, dport): a port never becomes the destination address."""
    ip = nic.private_ip_address
    with pytest.raises(InvalidParameterTypeError, match="by keyword") as e:
        Packet("tcp", "1.2.3.4", 1000, ip, 22)
    assert isinstance(e.value, TypeError)
    with pytest.raises(InvalidParameterTypeError, match="by keyword"):
        Packet("tcp", CLIENT, ip)  # the old (proto, src, dst) order
    with pytest.raises(InvalidParameterTypeError, match="src= and dst="):
        Packet("tcp", src=CLIENT)
    pkt = Packet("tcp", src="1.2.3.4", sport=1000, dst=ip, dport=22)
    assert (pkt.src, pkt.sport, pkt.dst, pkt.dport) == ("1.2.3.4", 1000, ip, 22)
    assert pkt == libeni._eval._as_packet(("tcp", "1.2.3.4", 1000, ip, 22))
    assert dataclasses.replace(pkt, dport=23).dport == 23
    assert evaluator.counters.packets == 0


def test_malformed_frames_are_dropped(nic, evaluator):
    """Truncated or non-IP frames get DROP / MALFORMED; good frames in the burst still pass."""
    good = tcp_frame(nic.private_ip_address, 50000, CLIENT, 443)
    not_ip = ethernet(b"\x00" * 46, ethertype=0x0806)
    verdicts = evaluator.evaluate(nic, OUT, [good, good[:20], good[:30], not_ip], now_ns=1)
    assert [v.reason for v in verdicts] == \
        [Reason.RULE, Reason.MALFORMED, Reason.MALFORMED, Reason.MALFORMED]
    assert [v.action for v in verdicts] == [Action.ALLOW] + [Action.DROP] * 3


def test_bytearray_and_memoryview_frames(nic, evaluator):
    """Any bytes-like object is a frame."""
    frame = tcp_frame(nic.private_ip_address, 50000, CLIENT, 443)
    verdicts = evaluator.evaluate(nic, OUT, [bytearray(frame), memoryview(frame)], now_ns=1)
    assert [v.reason for v in verdicts] == [Reason.RULE, Reason.TRACKED]


def test_mixing_frames_and_packets_raises_type_error(nic, evaluator):
    """Frames and packets cannot share one call; nothing is evaluated then."""
    ip = nic.private_ip_address
    with pytest.raises(TypeError):
        evaluator.evaluate(nic, OUT, [tcp_frame(ip, 1, CLIENT, 443), ("tcp", ip, 2, CLIENT, 443)],
                           now_ns=1)
    with pytest.raises(TypeError):
        evaluator.evaluate(nic, OUT, [["tcp", ip, 2, CLIENT, 443]], now_ns=1)
    assert evaluator.counters.packets == 0


def test_one_packet_or_frame_where_a_list_is_wanted_is_refused(nic, evaluator):
    """evaluate() takes a list: one frame (bytes) is not read byte by byte, nor one Packet
    field by field; evaluate_one() is the call for a single packet."""
    ip = nic.private_ip_address
    frame = tcp_frame(ip, 1, CLIENT, 443)
    for single in (frame, bytearray(frame), Packet("tcp", src=ip, sport=1, dst=CLIENT, dport=443),
                   "tcp"):
        with pytest.raises(InvalidParameterTypeError):
            evaluator.evaluate(nic, OUT, single, now_ns=1)
    assert evaluator.counters.packets == 0
    assert evaluator.evaluate_one(nic, OUT, frame, now_ns=1).allowed


def test_direction_is_a_traffic_direction_not_a_rule_direction(ctx, nic, evaluator):
    """RuleDirection.INGRESS is refused where a TrafficDirection is wanted (their numbers
    coincide); TrafficDirection's own names are accepted."""
    pkt = ("tcp", CLIENT, 1, nic.private_ip_address, 22, "S")
    assert int(RuleDirection.INGRESS) == int(IN)  # why the check is needed
    for call in (lambda d: evaluator.evaluate(nic, d, [pkt], now_ns=1)[0],
                 lambda d: evaluator.evaluate_one(nic, d, pkt, now_ns=1),
                 lambda d: ctx.explain(nic, d, pkt, now_ns=1),
                 lambda d: nic.explain(d, pkt, now_ns=1)):
        with pytest.raises(InvalidParameterTypeError, match="TrafficDirection") as e:
            call(RuleDirection.INGRESS)
        assert "RuleDirection.INGRESS" in str(e.value)
        assert call("inbound").reason == Reason.NO_RULE
        with pytest.raises(InvalidParameterError, match="unknown TrafficDirection"):
            call("ingress")
    assert evaluator.counters.packets == 2


def test_packet_parse_round_trips_fields(nic):
    """Packet.parse reads addresses, ports, flags and length back from a frame."""
    p = Packet.parse(tcp_frame("10.0.1.4", 50000, CLIENT, 443, SYNACK))
    assert (p.proto, p.src, p.dst, p.sport, p.dport) == (6, "10.0.1.4", CLIENT, 50000, 443)
    assert (p.tcp_flags, p.length, p.family, p.fragment, p.inner) == (SYNACK, 40, 4, False, None)
    echo = Packet.parse(ethernet(ipv4("10.0.1.4", CLIENT, 1, struct.pack("!BBHHH", 8, 0, 0, 77, 1))))
    assert (echo.proto, echo.icmp_type, echo.sport, echo.dport) == (1, 8, 77, 77)
    quoted = ipv4("10.0.1.4", "192.0.2.7", 6, tcp(40000, 8080))
    err = Packet.parse(icmp_unreachable_frame("192.0.2.7", "10.0.1.4", quoted))
    assert (err.icmp_type, err.icmp_code) == (3, 3)
    assert (err.inner.proto, err.inner.src, err.inner.dst, err.inner.sport, err.inner.dport) == \
        (6, "10.0.1.4", "192.0.2.7", 40000, 8080)


def test_packet_parse_refuses_malformed_frames():
    """Packet.parse raises InvalidParameterError (a ValueError) for a truncated frame."""
    with pytest.raises(InvalidParameterError) as e:
        Packet.parse(tcp_frame("10.0.1.4", 1, CLIENT, 2)[:20])
    assert isinstance(e.value, ValueError)
    assert "truncated" in e.value.message


# ---- rules and state ----------------------------------------------------------------------

def test_default_deny_inbound(nic, evaluator):
    """A new group has no inbound rule: an inbound SYN is dropped (NO_RULE)."""
    v = evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 40000, nic.private_ip_address, 22, "S"),
                               now_ns=1)
    assert (v.action, v.reason, v.group, v.rule) == (Action.DROP, Reason.NO_RULE, None, None)
    assert not v
    assert nic.flows(now_ns=2) == []


def test_stateful_reply_is_tracked(nic, evaluator, web):
    """An outbound SYN creates a flow; the inbound reply passes as TRACKED, with no inbound rule."""
    ip = nic.private_ip_address
    out = evaluator.evaluate_one(nic, OUT, ("tcp", ip, 50000, CLIENT, 443, SYN), now_ns=1)
    assert (out.action, out.reason) == (Action.ALLOW, Reason.RULE)
    assert out.group == web and out.rule == web.egress_rules[0]
    reply = evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 443, ip, 50000, SYNACK), now_ns=2)
    assert (reply.action, reply.reason) == (Action.ALLOW, Reason.TRACKED)
    other = evaluator.evaluate_one(nic, IN, ("tcp", "203.0.113.6", 443, ip, 50000, SYNACK),
                                   now_ns=3)
    assert other.reason == Reason.NO_RULE


def test_untracked_when_open_both_ways(nic, evaluator, web):
    """Inbound from 0.0.0.0/0 with the all-open default egress: UNTRACKED, no flow is kept."""
    web.authorize_ingress(Rule("tcp", 80, cidr="0.0.0.0/0"))
    v = evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 40000, nic.private_ip_address, 80, "S"),
                               now_ns=1)
    assert (v.action, v.reason) == (Action.ALLOW, Reason.UNTRACKED)
    assert nic.flows(now_ns=2) == []


def test_narrow_rule_is_tracked(nic, evaluator, web):
    """A rule from a narrow CIDR keeps its flows tracked (RULE, then a flow exists)."""
    web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    v = evaluator.evaluate_one(nic, IN, ("tcp", "198.51.100.7", 41000, nic.private_ip_address,
                                         22, "S"), now_ns=1)
    assert v.reason == Reason.RULE
    assert len(nic.flows(now_ns=2)) == 1


def test_want_rule_names_group_and_rule(nic, evaluator, web):
    """With want_rule the verdict names the allowing group and rule; without, neither."""
    rule, = web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    pkts = [("tcp", "198.51.100.7", 41000 + i, nic.private_ip_address, 22, "S") for i in range(2)]
    named, = evaluator.evaluate(nic, IN, pkts[:1], now_ns=1, want_rule=True)
    assert named.group == web and named.rule == rule
    assert isinstance(named.rule, libeni.SecurityGroupRule)
    plain, = evaluator.evaluate(nic, IN, pkts[1:], now_ns=1, want_rule=False)
    assert plain.reason == Reason.RULE and plain.group is None and plain.rule is None


def test_tracked_flow_outlives_rule_until_idle(nic, evaluator, web):
    """Revoking a rule keeps its tracked flow until it idles out (TCP established 432000 s)."""
    rule, = web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    ip, peer = nic.private_ip_address, "198.51.100.7"
    evaluator.evaluate_one(nic, IN, ("tcp", peer, 41000, ip, 22, SYN), now_ns=1 * SEC)
    evaluator.evaluate_one(nic, OUT, ("tcp", ip, 22, peer, 41000, SYNACK), now_ns=2 * SEC)
    web.revoke(rule)
    v = evaluator.evaluate_one(nic, IN, ("tcp", peer, 41000, ip, 22, ACK), now_ns=3 * SEC)
    assert v.reason == Reason.TRACKED
    idle = 3 * SEC + 432000 * SEC + 1
    assert evaluator.evaluate_one(nic, IN, ("tcp", peer, 41000, ip, 22, ACK),
                                  now_ns=idle).reason == Reason.NO_RULE


def test_related_icmp_error(nic, evaluator):
    """An ICMP error quoting a tracked flow's packet is RELATED_ICMP; one about nothing is dropped."""
    ip, server = nic.private_ip_address, "192.0.2.7"
    evaluator.evaluate_one(nic, OUT, ("tcp", ip, 40000, server, 8080, SYN), now_ns=1)
    err = Packet("icmp", src=server, dst=ip, icmp_type=3, icmp_code=3,
                 inner=Packet("tcp", src=ip, sport=40000, dst=server, dport=8080))
    v = evaluator.evaluate_one(nic, IN, err, now_ns=2)
    assert (v.action, v.reason) == (Action.ALLOW, Reason.RELATED_ICMP)
    stray = Packet("icmp", src=server, dst=ip, icmp_type=3, icmp_code=3,
                   inner=Packet("tcp", src=ip, sport=40000, dst=server, dport=8081))
    assert evaluator.evaluate_one(nic, IN, stray, now_ns=3).reason == Reason.NO_RULE
    quoted = ipv4(ip, server, 6, tcp(40000, 8080))
    framed, = evaluator.evaluate(nic, IN, [icmp_unreachable_frame(server, ip, quoted)], now_ns=4)
    assert framed.reason == Reason.RELATED_ICMP


def test_icmp_echo_reply_tracked_by_identifier(nic, evaluator):
    """An echo reply with the request's identifier is TRACKED; another identifier is not."""
    ip = nic.private_ip_address
    req = Packet("icmp", src=ip, sport=99, dst="192.0.2.1", dport=99, icmp_type=8)
    assert evaluator.evaluate_one(nic, OUT, req, now_ns=1).reason == Reason.RULE
    rep = Packet("icmp", src="192.0.2.1", sport=99, dst=ip, dport=99, icmp_type=0)
    assert evaluator.evaluate_one(nic, IN, rep, now_ns=2).reason == Reason.TRACKED
    other = Packet("icmp", src="192.0.2.1", sport=100, dst=ip, dport=100, icmp_type=0)
    assert evaluator.evaluate_one(nic, IN, other, now_ns=3).reason == Reason.NO_RULE


def test_services_are_never_filtered(nic, evaluator):
    """Instance metadata (169.254.169.254) passes as SERVICE without any rule."""
    v = evaluator.evaluate_one(nic, IN, ("tcp", "169.254.169.254", 80, nic.private_ip_address,
                                         40000, SYNACK), now_ns=1)
    assert (v.action, v.reason) == (Action.ALLOW, Reason.SERVICE)


def test_unattached_interface_drops(ctx, evaluator, spare, running):
    """An interface still attaching, or detached again, drops everything (NOT_ATTACHED)."""
    att = spare.attach(running, 1)  # attaching: the evaluator knows it, traffic does not pass yet
    pkt = ("tcp", CLIENT, 1, spare.private_ip_address, 22, "S")
    v = evaluator.evaluate_one(spare, IN, pkt, now_ns=1)
    assert (v.action, v.reason) == (Action.DROP, Reason.NOT_ATTACHED)
    ctx.poll()
    att.detach()
    ctx.poll()
    assert evaluator.evaluate_one(spare, IN, pkt, now_ns=2).reason == Reason.NOT_ATTACHED


# ---- explain -------------------------------------------------------------------------------

def test_explain_names_the_rule(ctx, nic, web):
    """explain() says which rule allows a packet, in words, and creates no flow."""
    rule, = web.authorize_ingress(Rule("tcp", 443, cidr="198.51.100.0/24"))
    v = ctx.explain(nic, IN, ("tcp", "198.51.100.9", 1, nic.private_ip_address, 443, "S"),
                    now_ns=1)
    assert isinstance(v, Verdict)
    assert (v.action, v.reason, v.group, v.rule) == (Action.ALLOW, Reason.RULE, web, rule)
    assert rule.id in v.explanation and web.id in v.explanation
    assert "tcp 443-443 from 198.51.100.0/24" in v.explanation
    assert nic.flows(now_ns=2) == []


def test_explain_no_rule(ctx, nic):
    """explain() of a dropped packet says no rule matched."""
    pkt = Packet("tcp", src=CLIENT, sport=1, dst=nic.private_ip_address, dport=444, tcp_flags="S")
    v = ctx.explain(nic, IN, pkt, now_ns=1)
    assert (v.action, v.reason) == (Action.DROP, Reason.NO_RULE)
    assert "no rule matched" in v.explanation


def test_explain_allowed_syn_blames_a_refusal_on_the_instance(ctx, nic, web):
    """An allowed connection attempt: a refused connection comes from the instance."""
    web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    syn = ("tcp", "198.51.100.9", 1, nic.private_ip_address, 22, "S")
    assert "refused connection comes from the instance" in ctx.explain(nic, IN, syn).explanation
    ack = ("tcp", "198.51.100.9", 1, nic.private_ip_address, 22, "A")
    assert "refused" not in ctx.explain(nic, IN, ack).explanation


def test_explain_drop_names_the_closest_rule(ctx, nic, web):
    """A drop names the rule that came closest and what it got wrong."""
    far = web.authorize_ingress(Rule("udp", 53, cidr="192.0.2.0/24"))[0]
    near = web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))[0]
    pkt = ("tcp", "198.51.100.9", 1, nic.private_ip_address, 80, "S")
    v = ctx.explain(nic, IN, pkt)
    assert (v.action, v.reason) == (Action.DROP, Reason.NO_RULE)
    assert f"the closest rule is {web.id} rule {near.id}: wrong port " \
        "(the packet is to port 80, the rule allows 22-22)" in v.explanation
    assert far.id not in v.explanation


def test_interface_explain_matches_context_explain(ctx, nic, web):
    """NetworkInterface.explain is the context's explain for that interface."""
    web.authorize_ingress(Rule("udp", 53, cidr="0.0.0.0/0"))
    pkt = Packet("udp", src=CLIENT, sport=5000, dst=nic.private_ip_address, dport=53)
    a, b = nic.explain(IN, pkt, now_ns=1), ctx.explain(nic, IN, pkt, now_ns=1)
    assert a == b and a.explanation == b.explanation
    assert a.reason == Reason.UNTRACKED and "untracked" in a.explanation


def test_explain_agrees_with_evaluator_on_tracked_flow(ctx, nic, evaluator):
    """explain() sees tracked flows: a reply to a tracked flow is explained as TRACKED."""
    ip = nic.private_ip_address
    evaluator.evaluate_one(nic, OUT, ("tcp", ip, 50000, CLIENT, 443, SYN), now_ns=1)
    v = ctx.explain(nic, IN, ("tcp", CLIENT, 443, ip, 50000, SYNACK), now_ns=2)
    assert (v.action, v.reason) == (Action.ALLOW, Reason.TRACKED)


def test_explain_malformed_frame(ctx, nic, evaluator):
    """explain() of a truncated frame gives the evaluator's verdict: DROP / MALFORMED."""
    frame = tcp_frame(CLIENT, 1, nic.private_ip_address, 22)[:20]
    assert evaluator.evaluate_one(nic, IN, frame, now_ns=1).reason == Reason.MALFORMED
    v = ctx.explain(nic, IN, frame, now_ns=1)
    assert (v.action, v.reason) == (Action.DROP, Reason.MALFORMED)


# ---- source/destination check ----------------------------------------------------------

def test_source_destination_check(nic, evaluator):
    """Packets from (out) or to (in) a foreign address are dropped until the check is off."""
    foreign = "10.0.1.200"
    out = evaluator.evaluate_one(nic, OUT, ("tcp", foreign, 1, CLIENT, 443, "S"), now_ns=1)
    assert (out.action, out.reason) == (Action.DROP, Reason.SRC_DST_CHECK)
    inb = evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 1, foreign, 443, "S"), now_ns=1)
    assert inb.reason == Reason.SRC_DST_CHECK
    nic.source_dest_check = False  # a NAT instance
    v = evaluator.evaluate_one(nic, OUT, ("tcp", foreign, 1, CLIENT, 443, "S"), now_ns=2)
    assert (v.action, v.reason) == (Action.ALLOW, Reason.RULE)


# ---- connection tracking -------------------------------------------------------------------

def test_conntrack_allowance(nic, evaluator):
    """With an allowance of 2 the third new flow is CONNTRACK_FULL; existing flows still work."""
    nic.set_conntrack_allowance(2)
    ip = nic.private_ip_address
    new = [("udp", ip, 1000 + i, CLIENT, 53) for i in range(3)]
    verdicts = evaluator.evaluate(nic, OUT, new, now_ns=1)
    assert [v.reason for v in verdicts] == [Reason.RULE, Reason.RULE, Reason.CONNTRACK_FULL]
    assert verdicts[2].action == Action.DROP
    reply = evaluator.evaluate_one(nic, IN, ("udp", CLIENT, 53, ip, 1000), now_ns=2)
    assert reply.reason == Reason.TRACKED
    st = nic.conntrack
    assert (st.tracked, st.allowance, st.conntrack_allowance_available,
            st.conntrack_allowance_exceeded) == (2, 2, 0, 1)
    c = evaluator.counters
    assert c.conntrack_allowance_exceeded == 1 and c.by_reason[Reason.CONNTRACK_FULL] == 1
    with pytest.raises(InvalidParameterError):
        nic.set_conntrack_allowance(0)
    assert nic.conntrack.allowance == 2


def test_conntrack_gauges_default(nic):
    """An interface starts with the default allowance (16384), all of it available."""
    st = nic.conntrack
    assert (st.tracked, st.allowance, st.conntrack_allowance_available,
            st.conntrack_allowance_exceeded) == (0, 16384, 16384, 0)


def test_eval_memory(nic, spare):
    """eval_memory counts what the evaluator compiled for an attached interface, and
    grows with its allowance; an interface never attached holds nothing."""
    m = nic.eval_memory
    assert m.rules_bytes > 0 and m.acl_bytes > 0 and m.flow_bytes > 0 and m.snapshot_bytes > 0
    nic.set_conntrack_allowance(100000)
    assert nic.eval_memory.flow_bytes >= 100000 * 32 > m.flow_bytes
    assert nic.eval_memory.rules_bytes == m.rules_bytes
    assert spare.eval_memory == EvalMemory(0, 0, 0, 0)


def test_conntrack_budget_belongs_to_the_instance(running, nic, spare, ctx, evaluator):
    """An instance's interfaces share its budget (D38): shares add up to it, a full share
    refuses new flows while a re-division (here: setting the budget again) hands out what
    is left, and the instance reports EC2's per-instance gauge."""
    spare.attach(running, device_index=1)
    ctx.poll()
    running.set_conntrack_allowance(4)
    assert (nic.conntrack.allowance, spare.conntrack.allowance) == (2, 2)
    ip = nic.private_ip_address
    new = [("udp", ip, 1000 + i, CLIENT, 53) for i in range(3)]
    assert [v.reason for v in evaluator.evaluate(nic, OUT, new, now_ns=1)] == \
        [Reason.RULE, Reason.RULE, Reason.CONNTRACK_FULL]
    st = running.conntrack
    assert (st.tracked, st.allowance, st.conntrack_allowance_available,
            st.conntrack_allowance_exceeded) == (2, 4, 2, 1)
    running.set_conntrack_allowance(4)
    assert (nic.conntrack.allowance, spare.conntrack.allowance) == (3, 1)
    with pytest.raises(InvalidParameterError):
        running.set_conntrack_allowance(0)
    assert running.conntrack.allowance == 4


def test_flows_listing(nic, evaluator):
    """flows() lists a tracked flow from the interface's side, with its expiry."""
    ip = nic.private_ip_address
    evaluator.evaluate_one(nic, OUT, ("tcp", ip, 50000, CLIENT, 443, SYN), now_ns=5)
    flow, = nic.flows(now_ns=6)
    assert isinstance(flow, libeni.Flow)
    assert (flow.family, flow.proto, flow.initiator) == (4, 6, OUT)
    assert (flow.local, flow.local_port, flow.remote, flow.remote_port) == (ip, 50000, CLIENT, 443)
    assert flow.state == 1  # TCP opening
    assert flow.expires_ns > 6
    evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 443, ip, 50000, SYNACK), now_ns=7)
    flow, = nic.flows(now_ns=8)
    assert flow.state == 2  # established


def test_sweep_flows(nic, evaluator):
    """Expired flows vanish from flows() at once and from the table when swept."""
    ip = nic.private_ip_address
    evaluator.evaluate(nic, OUT, [("udp", ip, 1000 + i, CLIENT, 53) for i in range(2)], now_ns=1)
    assert nic.sweep_flows(now_ns=2) == 0
    assert len(nic.flows(now_ns=2)) == 2
    far = 10**6 * SEC
    assert nic.flows(now_ns=far) == []
    assert nic.conntrack.tracked == 2  # expired, not yet swept
    assert nic.sweep_flows(now_ns=far) == 2
    assert nic.conntrack.tracked == 0
    assert nic.sweep_flows(now_ns=far) == 0


def test_counters_by_reason(nic, evaluator):
    """The evaluator counts packets, allowed, dropped, flows created, and each reason."""
    ip = nic.private_ip_address
    evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 1, ip, 22, SYN), now_ns=1)         # NO_RULE
    evaluator.evaluate_one(nic, OUT, ("tcp", ip, 50000, CLIENT, 443, SYN), now_ns=2)   # RULE
    evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 443, ip, 50000, SYNACK), now_ns=3)  # TRACKED
    evaluator.evaluate(nic, IN, [b"\x00" * 14], now_ns=4)                               # MALFORMED
    c = evaluator.counters
    assert (c.packets, c.allowed, c.dropped, c.flows_created) == (4, 2, 2, 1)
    assert c.by_reason[Reason.NO_RULE] == 1 and c.by_reason[Reason.RULE] == 1
    assert c.by_reason[Reason.TRACKED] == 1 and c.by_reason[Reason.MALFORMED] == 1
    assert set(c.by_reason) == set(Reason) and sum(c.by_reason.values()) == 4


# ---- evaluator lifetime -------------------------------------------------------------------

def test_evaluator_close_twice_then_use(ctx, nic):
    """An evaluator may be closed twice; using it afterwards raises ContextClosedError."""
    ev = ctx.evaluator()
    ev.close()
    ev.close()
    with pytest.raises(ContextClosedError):
        ev.evaluate(nic, IN, [("tcp", CLIENT, 1, nic.private_ip_address, 22, "S")], now_ns=1)
    with pytest.raises(ContextClosedError):
        ev.counters


def test_evaluator_as_context_manager(ctx, nic):
    """`with ctx.evaluator() as ev` closes it on exit."""
    with ctx.evaluator() as ev:
        assert ev.evaluate(nic, IN, [], now_ns=1) == []
    with pytest.raises(ContextClosedError):
        ev.counters


def test_closing_context_closes_evaluators():
    """Closing the context closes its evaluators; closing them afterwards is harmless."""
    ctx = libeni.Context(seed=3)
    vpc = ctx.create_vpc("10.0.0.0/16")
    inst = ctx.run_instance("m5.large", subnet=vpc.create_subnet("10.0.1.0/24"))
    ctx.poll()
    inst.set_state(libeni.InstanceState.RUNNING)
    nic = inst.network_interfaces[0]
    ev = ctx.evaluator()
    assert ev.evaluate_one(nic, OUT, ("udp", nic.private_ip_address, 1, CLIENT, 53),
                           now_ns=1).allowed
    ctx.close()
    with pytest.raises(ContextClosedError):
        ev.evaluate(nic, OUT, [("udp", "10.0.1.4", 1, CLIENT, 53)], now_ns=2)
    with pytest.raises(ContextClosedError):
        ev.counters
    ev.close()


# ---- ICMP classes (issue 21) --------------------------------------------------------------

def test_informational_icmp_opens_no_flow_for_errors_or_replies(nic, evaluator, web):
    """A router solicitation a rule lets in starts no flow: afterwards an ICMP error quoting
    nothing, either way, and a router advertisement back are still dropped."""
    ip, peer = nic.private_ip_address, "198.51.100.7"
    web.revoke(*web.egress_rules)
    web.authorize_ingress(Rule("icmp", 10, -1, cidr="198.51.100.0/24"))
    rs = Packet("icmp", src=peer, dst=ip, icmp_type=10)
    assert evaluator.evaluate_one(nic, IN, rs, now_ns=1).reason == Reason.RULE
    assert nic.flows(now_ns=2) == []
    in_err = Packet("icmp", src=peer, dst=ip, icmp_type=3, icmp_code=3,
                    inner=Packet("tcp", src=ip, sport=40000, dst=peer, dport=80))
    out_err = Packet("icmp", src=ip, dst=peer, icmp_type=3, icmp_code=3,
                     inner=Packet("udp", src=peer, sport=53, dst=ip, dport=5353))
    ra = Packet("icmp", src=ip, dst=peer, icmp_type=9)
    for direction, pkt in ((IN, in_err), (OUT, out_err), (OUT, ra)):
        v = evaluator.evaluate_one(nic, direction, pkt, now_ns=3)
        assert (v.action, v.reason) == (Action.DROP, Reason.NO_RULE)
    assert "starts no tracked flow" in nic.explain(IN, rs, now_ns=4).explanation


def test_error_quoting_an_echo_request_carries_its_type(nic, evaluator):
    """inner= of an ICMP error carries the quoted ICMP type: a time-exceeded from a router
    about our echo request is related to the echo flow; about an echo reply it is not."""
    ip, router, target = nic.private_ip_address, "192.0.2.254", "192.0.2.1"
    req = Packet("icmp", src=ip, sport=7, dst=target, icmp_type=8)
    assert evaluator.evaluate_one(nic, OUT, req, now_ns=1).reason == Reason.RULE
    ttl = Packet("icmp", src=router, dst=ip, icmp_type=11, inner=req)
    assert evaluator.evaluate_one(nic, IN, ttl, now_ns=2).reason == Reason.RELATED_ICMP
    wrong = Packet("icmp", src=router, dst=ip, icmp_type=11,
                   inner=dataclasses.replace(req, icmp_type=0))
    assert evaluator.evaluate_one(nic, IN, wrong, now_ns=3).reason == Reason.NO_RULE
    frame = ethernet(ipv4(router, ip, 1, struct.pack("!BBHI", 11, 0, 0, 0) +
                          ipv4(ip, target, 1, struct.pack("!BBHHH", 8, 0, 0, 7, 1))))
    parsed = Packet.parse(frame)
    assert (parsed.inner.proto, parsed.inner.icmp_type, parsed.inner.sport) == (1, 8, 7)
    assert evaluator.evaluate_one(nic, IN, frame, now_ns=4).reason == Reason.RELATED_ICMP


@pytest.mark.parametrize("inner, outer_type", [
    (dict(icmp_code=3), 3), (dict(tcp_flags="S", proto="tcp"), 3), (dict(fragment=True), 3),
    (dict(length=100), 3), (dict(inner=Packet("udp", src="10.0.1.4", dst=CLIENT)), 3),
    (dict(icmp_type=5, proto="udp"), 3), (dict(src="2001:db8::1", dst="2001:db8::2"), 3),
    (dict(), 8),  # an echo request quotes nothing
])
def test_inner_that_cannot_be_carried_is_refused(nic, evaluator, inner, outer_type):
    """eni_pkt has no room for the quoted packet's code, flags, fragment bit, length or own
    inner, and only errors quote: Packet(inner=...) refuses rather than drops them."""
    ip = nic.private_ip_address
    fields = dict(proto="icmp", src=ip, dst=CLIENT, icmp_type=8)
    fields.update(inner)
    quoted = Packet(fields.pop("proto"), **fields)
    err = Packet("icmp", src=CLIENT, dst=ip, icmp_type=outer_type, inner=quoted)
    with pytest.raises(InvalidParameterError):
        evaluator.evaluate_one(nic, IN, err, now_ns=1)
    assert evaluator.counters.packets == 0


# ---- entry points: L3 packets, a direction per packet ---------------------------------------

def test_l3_packets_without_ethernet(nic, evaluator):
    """l3=True takes bare IP packets (a TUN device's); Packet.parse(l3=True) reads one."""
    ip = nic.private_ip_address
    syn = ipv4(ip, CLIENT, 6, tcp(50000, 443))
    assert Packet.parse(syn, l3=True) == Packet.parse(ethernet(syn))
    v = evaluator.evaluate(nic, OUT, [syn, ethernet(syn)], now_ns=1, l3=True)
    assert [x.reason for x in v] == [Reason.RULE, Reason.MALFORMED]
    reply = ipv4(CLIENT, ip, 6, tcp(443, 50000, SYNACK))
    assert evaluator.evaluate_one(nic, IN, reply, now_ns=2, l3=True).reason == Reason.TRACKED
    with pytest.raises(InvalidParameterError):
        Packet.parse(ethernet(syn), l3=True)
    with pytest.raises(InvalidParameterError):
        evaluator.evaluate(nic, OUT, [("tcp", ip, 1, CLIENT, 443)], now_ns=3, l3=True)


def test_direction_per_packet(nic, evaluator):
    """A list of directions, one per packet (a capture replay): SYN out and SYN-ACK in in
    one call; records, frames and L3 packets alike; a count mismatch is refused."""
    ip = nic.private_ip_address
    pkts = [("tcp", ip, 50000, CLIENT, 443, "S"), ("tcp", CLIENT, 443, ip, 50000, "SA")]
    v = evaluator.evaluate(nic, [OUT, "inbound"], pkts, now_ns=1)
    assert [x.reason for x in v] == [Reason.RULE, Reason.TRACKED]
    frames = [tcp_frame(ip, 50001, CLIENT, 443), tcp_frame(CLIENT, 443, ip, 50001, SYNACK)]
    v = evaluator.evaluate(nic, (OUT, IN), frames, now_ns=2)
    assert [x.reason for x in v] == [Reason.RULE, Reason.TRACKED]
    raw = [ipv4(ip, CLIENT, 6, tcp(50002, 443)), ipv4(CLIENT, ip, 6, tcp(443, 50002, SYNACK))]
    v = evaluator.evaluate(nic, [OUT, IN], raw, now_ns=3, l3=True)
    assert [x.reason for x in v] == [Reason.RULE, Reason.TRACKED]
    with pytest.raises(InvalidParameterError, match="one per packet"):
        evaluator.evaluate(nic, [OUT], pkts, now_ns=4)
    with pytest.raises(InvalidParameterTypeError):
        evaluator.evaluate(nic, [OUT, RuleDirection.INGRESS], pkts, now_ns=4)
    assert evaluator.counters.packets == 6


def test_rule_helpers_at_the_top_level():
    """What building rules takes is importable from libeni itself."""
    assert libeni.protocol_number("icmpv6") == 58
    assert libeni.protocol_number("all") == -1
    assert "protocol_number" in libeni.__all__ and "PacketLike" in libeni.__all__


# ---- RFC 5952 text for IPv6 --------------------------------------------------------------

def _random_v6(rng):
    """An IPv6 address whose groups are zero half the time, so runs of every length occur."""
    value = 0
    for _ in range(8):
        group = 0 if rng.random() < 0.5 else rng.choice((rng.randrange(1, 16),
                                                          rng.randrange(1, 0x10000)))
        value = value << 16 | group
    return ipaddress.IPv6Address(value)


def test_ipv6_text_is_what_python_ipaddress_prints(ctx, web, nic):
    """Every IPv6 address and prefix libeni prints (prefix-list entries, rule CIDRs, an
    interface's addresses, explanations) is RFC 5952 text, as ipaddress prints it; they are
    given in exploded form, so no input text survives."""
    rng = random.Random(5952)
    for n in range(4):
        nets = set()
        while len(nets) < 1000:
            plen = rng.choice((128, 128, 64, rng.randrange(0, 129)))
            nets.add(ipaddress.IPv6Network((_random_v6(rng), plen), strict=False))
        pl = ctx.create_prefix_list(f"pl-rfc5952-{n}", 1000, 6)
        exploded = [x.exploded for x in nets]
        for i in range(0, len(exploded), 100):
            pl.modify(add=exploded[i:i + 100])
        assert sorted(pl.entries) == sorted(str(x) for x in nets)
        pl.delete()
    for _ in range(4):
        nets = {ipaddress.IPv6Network((_random_v6(rng), rng.randrange(1, 129)), strict=False)
                for _ in range(50)}
        rules = web.authorize_ingress(*[Rule("tcp", 443, cidr=x.exploded) for x in nets])
        assert sorted(r.cidr for r in rules) == sorted(str(x) for x in nets)
        web.revoke(*rules)
    subnet = ipaddress.IPv6Network("2001:db8:0:100::/64")
    for _ in range(20):
        chosen = {subnet[int(_random_v6(rng)) & ((1 << 64) - 1)] for _ in range(4)}
        chosen = {a for a in chosen if int(a) & 0xffff_ffff_ffff_ffff > 16}
        before = set(nic.ipv6_addresses)
        nic.assign_ipv6_addresses([a.exploded for a in chosen])
        assert set(nic.ipv6_addresses) - before == {str(a) for a in chosen}
        nic.unassign_ipv6_addresses([str(a) for a in chosen])
    net = ipaddress.IPv6Network("2001:db8:0:0:1::/80")
    web.authorize_ingress(Rule("tcp", 22, cidr=net.exploded))
    nic.assign_ipv6_addresses(count=1)
    v = ctx.explain(nic, IN, ("tcp", "2001:db8::1:0:0:9", 40000, nic.ipv6_addresses[0], 22, "S"),
                    now_ns=1)
    assert v.reason == Reason.RULE and f"from {net}" in v.explanation
