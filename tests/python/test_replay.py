# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni.replay_pcap: a capture through an interface's groups (enictl replay, in Python).

The captures are enictl's (tools/enictl/tests/gen_captures.py), each packet
with the verdict derived by hand; pcap and pcapng are read in pure Python.
"""
import glob
import os
import sys

import pytest

import libeni
from libeni import CaptureError, Reason, TrafficDirection

ROOT = os.environ.get("LIBENI_SOURCE_ROOT",
                      os.path.join(os.path.dirname(__file__), "..", ".."))
TESTS = os.path.join(ROOT, "tools", "enictl", "tests")
sys.path.insert(0, TESTS)
import gen_captures  # noqa: E402

NIC = "eni-0123456789abcdef0"


@pytest.fixture(scope="module")
def captures(tmp_path_factory):
    d = tmp_path_factory.mktemp("captures")
    gen_captures.write(str(d))
    return d


@pytest.fixture
def model(ctx):
    return libeni.load_aws_json(ctx, *sorted(glob.glob(os.path.join(TESTS, "fixtures", "*.json"))))


def words(p):
    if p.verdict is None:
        return f"- {p.skipped}"
    return f"{p.direction} {p.verdict.action} {p.verdict.reason}"


@pytest.mark.parametrize("name", sorted(gen_captures.CAPTURES))
def test_every_packet_gets_the_verdict_derived_by_hand(ctx, model, captures, name):
    r = libeni.replay_pcap(ctx, NIC, captures / name, mac=model.macs[NIC])
    want = [" ".join(e[3].split()[:3]) for e in gen_captures.CAPTURES[name]]
    assert [words(p) for p in r.packets] == want
    assert r.format == ("pcapng" if name.endswith("pcapng") else "pcap")


def test_summary_flows_and_rules(ctx, model, captures):
    r = libeni.replay_pcap(ctx, ctx.get(NIC), captures / "web.pcap", mac=model.macs[NIC])
    assert r.link_type == "EN10MB"
    s = r.summary
    assert (s["packets"], s["judged"], s["allowed"], s["dropped"], s["flows"]) == (26, 24, 18, 6, 16)
    assert s["by_reason"] == {"rule": 10, "tracked": 7, "service": 1, "no-rule": 4,
                              "source-dest-check": 1, "malformed": 1}
    assert s["not_judged"] == {"not-ip": 1, "unknown-direction": 1}
    first = r.flows[0]  # ssh from 203.0.113.5: rule, then tracked both ways
    assert (first.packets, first.allowed, first.initiator) == (4, 4, TrafficDirection.INBOUND)
    rule = r.packets[1].verdict
    assert rule.group == ctx.get("sg-0123456789abcdef0") and rule.rule.cidr == "203.0.113.0/24"
    assert r.packets[8].verdict.reason == Reason.TRACKED  # cut by the snap length, still judged
    assert r.packets[1].time_ns == 1_700_000_001_000_000_000
    assert [f.malformed for f in r.flows if f.first is None] == ["malformed packet: truncated TCP header"]


def test_unknown_direction_and_no_mac(ctx, model, captures):
    r = libeni.replay_pcap(ctx, NIC, captures / "web.pcap")
    assert words(r.packets[20]) == "- unknown-direction"  # without the MAC: neither address is ours
    r = libeni.replay_pcap(ctx, NIC, captures / "web.pcap",
                           unknown_direction=TrafficDirection.INBOUND)
    assert words(r.packets[20]) == words(r.packets[21]) == "inbound drop source-dest-check"


@pytest.mark.parametrize("name,after", [("truncated.pcap", 1), ("truncated.pcapng", 2)])
def test_a_damaged_capture_keeps_what_came_before(ctx, model, captures, name, after):
    with pytest.raises(CaptureError, match=f"damaged after packet {after}") as e:
        libeni.replay_pcap(ctx, NIC, captures / name)
    assert len(e.value.replay.packets) == after and isinstance(e.value, ValueError)


def test_not_a_capture(ctx, model, captures, tmp_path):
    with pytest.raises(CaptureError, match="truncated file header|not a pcap"):
        libeni.replay_pcap(ctx, NIC, captures / "truncated-header.pcap")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CaptureError, match="not a pcap or pcapng"):
        libeni.replay_pcap(ctx, NIC, tmp_path / "x.json")
    with pytest.raises(CaptureError):
        libeni.replay_pcap(ctx, NIC, tmp_path / "missing.pcap")
    with pytest.raises(libeni.InvalidParameterError):
        libeni.replay_pcap(ctx, "sg-0123456789abcdef0", captures / "web.pcap")
