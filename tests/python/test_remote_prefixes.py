# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Members on other hosts with delegated prefixes (D24, D35), and the model's
generation, through the bindings. The interface under test is `nic` (in `web`,
10.0.1.0/24 and an IPv6 address of 2001:db8:0:100::/64); `web` admits TCP 5432
from the group `app`, whose members all run elsewhere."""
import pytest

import libeni
from libeni import Packet, Reason, Rule, TrafficDirection

IN = TrafficDirection.INBOUND


@pytest.fixture
def app(vpc, web):
    group = vpc.create_security_group("app", "app tier, elsewhere")
    web.authorize_ingress(Rule("tcp", 5432, group=group))
    return group


def syn(evaluator, nic, src, port):
    dst = nic.ipv6_addresses[0] if ":" in src else nic.private_ip_address
    return evaluator.evaluate_one(nic, IN, Packet("tcp", src=src, sport=port, dst=dst, dport=5432,
                                                  tcp_flags="S"), now_ns=1).reason


def test_remote_prefixes_are_admitted_whole(ctx, nic, app, evaluator):
    nic.assign_ipv6_addresses(count=1)
    app.set_remote_members("host-b", ["10.0.9.9"],
                           prefixes=["2001:db8:0:100:7::/80", "10.0.7.32/28"])
    assert app.remote_members("host-b") == ["10.0.9.9"]
    assert app.remote_prefixes("host-b") == ["10.0.7.32/28", "2001:db8:0:100:7::/80"]
    port = iter(range(40000, 41000))
    for inside in ("10.0.7.32", "10.0.7.47", "2001:db8:0:100:7::",
                   "2001:db8:0:100:7:ffff:ffff:ffff", "10.0.9.9"):
        assert syn(evaluator, nic, inside, next(port)) == Reason.RULE, inside
    for beside in ("10.0.7.31", "10.0.7.48", "2001:db8:0:100:6:ffff:ffff:ffff",
                   "2001:db8:0:100:8::"):
        assert syn(evaluator, nic, beside, next(port)) == Reason.NO_RULE, beside
    assert "  remote host-b: 10.0.9.9 10.0.7.32/28 2001:db8:0:100:7::/80\n" in ctx.dump()
    # The source's next statement replaces the whole set: without prefixes they go.
    app.set_remote_members("host-b", ["10.0.9.9"])
    assert app.remote_prefixes("host-b") == []
    assert syn(evaluator, nic, "10.0.7.40", next(port)) == Reason.NO_RULE
    assert syn(evaluator, nic, "10.0.9.9", next(port)) == Reason.RULE
    # Prefixes alone; then nothing forgets the source.
    app.set_remote_members("host-b", [], prefixes=["10.0.7.32/28"])
    assert app.remote_members("host-b") == [] and app.remote_sources == ["host-b"]
    app.set_remote_members("host-b", [], prefixes=[])
    assert app.remote_sources == []
    ctx.check()


def test_bad_remote_prefixes_change_nothing(ctx, app):
    app.set_remote_members("host-b", ["10.0.9.9"], prefixes=["10.0.7.32/28"])
    before = ctx.dump()
    for bad in ("10.0.7.0/24", "10.0.7.33/28", "2001:db8::/64", "2001:db8::1:0:0/80",
                "10.0.7.32", "nonsense"):
        with pytest.raises(libeni.InvalidParameterError):
            app.set_remote_members("host-b", ["10.0.9.10"], prefixes=["10.0.7.64/28", bad])
    with pytest.raises(TypeError):
        app.set_remote_members("host-b", [], prefixes="10.0.7.32/28")  # a str is not a list
    assert ctx.dump() == before
    assert app.remote_prefixes("nobody") == []


def test_model_generation_moves_with_changes_only(ctx, app):
    g0 = ctx.model_generation
    assert isinstance(g0, int) and g0 > 0
    ctx.dump()
    ctx.check()
    with pytest.raises(libeni.InvalidParameterError):
        app.set_remote_members("host-b", ["not-an-address"])
    assert ctx.model_generation == g0
    app.set_remote_members("host-b", [], prefixes=["10.0.7.32/28"])
    g1 = ctx.model_generation
    assert g1 > g0
    app.clear_remote_members("host-b")
    assert ctx.model_generation > g1
    with libeni.Context() as fresh:
        assert fresh.model_generation == 0
