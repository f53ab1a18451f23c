# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""What the bindings refuse before C sees it: a str with a NUL in it (C would cut it
short there and use the rest silently) or without a UTF-8 form, and a number outside
the range of the C field it goes into (cffi would raise OverflowError). Each refusal is
an InvalidParameterError naming the argument (and for numbers its range), and changes
nothing."""
import pytest

import libeni
from libeni import (InstanceType, InvalidParameterError, InvalidParameterTypeError,
                    LaunchInterface, LibeniError, MockOp, Packet, Rule, TrafficDirection)

INBOUND = TrafficDirection.INBOUND


@pytest.fixture
def scene(ctx, vpc, subnet, web, running, spare):
    class Scene:
        pass
    s = Scene()
    s.ctx, s.vpc, s.subnet, s.web, s.running, s.spare = ctx, vpc, subnet, web, running, spare
    s.nic = running.network_interfaces[0]
    s.pl = ctx.create_prefix_list("partners", 5)
    s.eip = ctx.allocate_address()
    return s


def refused(scene, call, *words):
    """call() raises InvalidParameterError whose message has every word, and the
    model is unchanged."""
    before = scene.ctx.dump()
    with pytest.raises(InvalidParameterError) as info:
        call()
    err = info.value
    assert isinstance(err, LibeniError) and err.ec2_code == "InvalidParameterValue"
    for w in words:
        assert w in err.message, (w, err.message)
    assert scene.ctx.dump() == before
    scene.ctx.check()
    return err


# ---- strings: an embedded NUL, named by its argument --------------------------------

NUL = "\x00junk"
STRING_ARGS = [
    ("cidr_block", lambda s: s.ctx.create_vpc("10.9.0.0/16" + NUL)),
    ("ipv6_cidr_block", lambda s: s.ctx.create_vpc("10.9.0.0/16",
                                                   ipv6_cidr_block="2001:db8:9::/56" + NUL)),
    ("availability_zone", lambda s: s.vpc.create_subnet("10.0.9.0/24", "us-east-1a" + NUL)),
    ("cidr_block", lambda s: s.vpc.create_subnet("10.0.9.0/24" + NUL)),
    ("ipv6_cidr_block", lambda s: s.vpc.create_subnet(
        "10.0.9.0/24", ipv6_cidr_block="2001:db8:0:109::/64" + NUL)),
    ("name", lambda s: s.vpc.create_security_group("db" + NUL, "databases")),
    ("description", lambda s: s.vpc.create_security_group("db", "databases" + NUL)),
    ("cidr", lambda s: s.web.authorize_ingress(Rule("tcp", 22, cidr="0.0.0.0/0" + NUL))),
    ("description", lambda s: s.web.authorize_ingress(
        Rule("tcp", 22, cidr="0.0.0.0/0", description="ssh" + NUL))),
    ("cidr", lambda s: s.web.revoke_egress(Rule("all", cidr="0.0.0.0/0" + NUL))),
    ("name", lambda s: s.ctx.create_prefix_list("office" + NUL, 5)),
    ("add[1]", lambda s: s.pl.modify(add=["10.1.0.0/16", "10.2.0.0/16" + NUL])),
    ("remove[0]", lambda s: s.pl.modify(remove=["10.1.0.0/16" + NUL])),
    ("description", lambda s: s.ctx.create_network_interface(s.subnet, description="x" + NUL)),
    ("private_ip_address", lambda s: s.ctx.create_network_interface(
        s.subnet, private_ip_address="10.0.1.77" + NUL)),
    ("secondary_private_ip_addresses[0]", lambda s: s.ctx.create_network_interface(
        s.subnet, secondary_private_ip_addresses=["10.0.1.78" + NUL])),
    ("ipv6_addresses[0]", lambda s: s.ctx.create_network_interface(
        s.subnet, ipv6_addresses=["2001:db8:0:100::78" + NUL])),
    ("description", lambda s: setattr(s.spare, "description", "new" + NUL)),
    ("addresses[0]", lambda s: s.nic.assign_private_ip_addresses(["10.0.1.79" + NUL])),
    ("addresses[0]", lambda s: s.nic.unassign_private_ip_addresses(["10.0.1.79" + NUL])),
    ("addresses[0]", lambda s: s.nic.assign_ipv6_addresses(["2001:db8:0:100::79" + NUL])),
    ("addresses[0]", lambda s: s.nic.unassign_ipv6_addresses(["2001:db8:0:100::79" + NUL])),
    ("private_ip_address", lambda s: s.eip.associate(s.nic, s.nic.private_ip_address + NUL)),
    ("instance_type", lambda s: s.ctx.create_instance("m5.large" + NUL, subnet=s.subnet)),
    ("instance_type", lambda s: s.ctx.run_instance("m5.large" + NUL, subnet=s.subnet)),
    ("id_string", lambda s: s.ctx.get(s.vpc.id + NUL)),
    ("name", lambda s: InstanceType.lookup("m5.large" + NUL)),
    ("sysfs_root", lambda s: libeni.vfio_functions(sysfs_root="/sys" + NUL)),
    ("address", lambda s: libeni.vfio_bind("0000:00:05.0" + NUL, sysfs_root="/nonexistent")),
]


@pytest.mark.parametrize("arg, call", STRING_ARGS,
                         ids=[f"{i}-{a}" for i, (a, _) in enumerate(STRING_ARGS)])
def test_a_nul_in_a_string_is_refused_by_name(scene, arg, call):
    """A str with a NUL in it is refused, naming the argument, rather than cut short."""
    err = refused(scene, lambda: call(scene), arg, "NUL")
    assert "junk" in err.message


def test_the_reported_case_no_longer_creates_a_vpc(ctx):
    """ctx.create_vpc("10.0.0.0/16\\x00junk") used to create 10.0.0.0/16."""
    with pytest.raises(InvalidParameterError, match="cidr_block .* NUL"):
        ctx.create_vpc("10.0.0.0/16\x00junk")
    assert ctx.vpcs() == []


def test_a_nul_in_a_context_option_is_refused():
    with pytest.raises(InvalidParameterError, match="backend_config"):
        libeni.Context(backend_config="sysfs=/x\x00y")


def test_a_str_without_utf8_form_is_a_libeni_error(scene):
    """A lone surrogate cannot be encoded: InvalidParameterError, not UnicodeEncodeError."""
    refused(scene, lambda: scene.ctx.create_vpc("10.9.0.0/16\ud800"), "cidr_block", "UTF-8")
    refused(scene, lambda: setattr(scene.spare, "description", "\udcff"), "description")


def test_a_string_argument_of_another_type_names_the_argument(scene):
    with pytest.raises(InvalidParameterTypeError, match="cidr_block takes a str"):
        scene.ctx.create_vpc(b"10.9.0.0/16")
    with pytest.raises(InvalidParameterTypeError, match=r"addresses\[0\] takes a str"):
        scene.nic.assign_private_ip_addresses([167837961])


def test_a_bad_address_in_a_packet_is_a_libeni_error(scene, evaluator):
    """Packet addresses that do not parse raise InvalidParameterError (not ipaddress's
    bare ValueError), naming the field."""
    nic = scene.nic
    refused(scene, lambda: evaluator.evaluate(nic, INBOUND,
                                              [("tcp", "300.1.1.1", 1, "10.0.1.5", 22)]),
            "src", "'300.1.1.1'")
    refused(scene, lambda: nic.explain(INBOUND, ("tcp", "1.1.1.1", 1, "10.0.1.5\x00", 22)),
            "dst")
    with pytest.raises(InvalidParameterTypeError, match="src takes an IP address"):
        nic.explain(INBOUND, ("tcp", 16843009, 1, "10.0.1.5", 22))


# ---- numbers: range-checked before cffi, naming the field and its range -------------

def _packet(**kw):
    fields = dict(src="1.1.1.1", dst="10.0.1.4", sport=1, dport=2)
    fields.update(kw)
    return Packet(fields.pop("proto", "tcp"), **fields)


NUMBER_ARGS = [
    ("dport", "0 to 65535", lambda s, ev: ev.evaluate(
        s.nic, INBOUND, [("tcp", "1.1.1.1", 1, "2.2.2.2", 70000)])),
    ("sport", "0 to 65535", lambda s, ev: ev.evaluate(
        s.nic, INBOUND, [("udp", "1.1.1.1", -1, "2.2.2.2", 53)])),
    ("tcp_flags", "0 to 255", lambda s, ev: ev.evaluate(
        s.nic, INBOUND, [("tcp", "1.1.1.1", 1, "2.2.2.2", 22, 256)])),
    ("proto", "0 to 255", lambda s, ev: s.nic.explain(INBOUND, _packet(proto=256))),
    ("icmp_type", "0 to 255", lambda s, ev: s.nic.explain(
        INBOUND, _packet(proto="icmp", icmp_type=300))),
    ("icmp_code", "0 to 255", lambda s, ev: s.nic.explain(
        INBOUND, _packet(proto="icmp", icmp_code=-3))),
    ("length", "0 to 4294967295", lambda s, ev: s.nic.explain(INBOUND, _packet(length=2**32))),
    ("now_ns", "0 to 18446744073709551615", lambda s, ev: ev.evaluate(
        s.nic, INBOUND, [_packet()], now_ns=2**64)),
    ("now_ns", "0 to", lambda s, ev: s.nic.flows(now_ns=-1)),
    ("now_ns", "0 to", lambda s, ev: s.nic.sweep_flows(now_ns=2**70)),
    ("from_port", "-2147483648 to 2147483647", lambda s, ev: s.web.authorize_ingress(
        Rule("tcp", 2**31, cidr="0.0.0.0/0"))),
    ("to_port", "-2147483648 to 2147483647", lambda s, ev: s.web.revoke_ingress(
        Rule("tcp", 1, -2**40, cidr="0.0.0.0/0"))),
    ("protocol", "-2147483648 to 2147483647", lambda s, ev: s.web.authorize_ingress(
        Rule(2**32 + 6, 22, cidr="0.0.0.0/0"))),
    ("protocol", "-2147483648 to 2147483647", lambda s, ev: s.web.authorize_ingress(
        Rule("99999999999", cidr="0.0.0.0/0"))),
    ("max_flows", "0 to 4294967295", lambda s, ev: s.nic.set_conntrack_allowance(2**32)),
    ("udp", "0 to 4294967295", lambda s, ev: s.nic.set_conntrack_timeouts(udp=-1)),
    ("tcp_established", "0 to", lambda s, ev: s.nic.set_conntrack_timeouts(
        tcp_established=2**32)),
    ("device_index", "0 to 4294967295", lambda s, ev: s.spare.attach(s.running, 2**32)),
    ("device_index", "0 to", lambda s, ev: s.spare.attach(s.running, -1)),
    ("network_card_index", "0 to", lambda s, ev: s.spare.attach(s.running, 1, -1)),
    ("count", "0 to 4294967295", lambda s, ev: s.nic.assign_private_ip_addresses(count=-1)),
    ("count", "0 to", lambda s, ev: s.nic.assign_ipv6_addresses(count=2**32)),
    ("secondary_private_ip_address_count", "0 to", lambda s, ev: s.ctx.create_network_interface(
        s.subnet, secondary_private_ip_address_count=2**32)),
    ("ipv6_address_count", "0 to", lambda s, ev: s.ctx.create_network_interface(
        s.subnet, ipv6_address_count=-1)),
    ("interfaces[0].device_index", "0 to", lambda s, ev: s.ctx.run_instance(
        "m5.large", [LaunchInterface(device_index=-1, subnet=s.subnet)])),
    ("interfaces[1].network_card_index", "0 to", lambda s, ev: s.ctx.run_instance(
        "m5.large", [LaunchInterface(subnet=s.subnet),
                     LaunchInterface(device_index=1, network_card_index=2**33,
                                     subnet=s.subnet)])),
    ("max_events", "0 to 4294967295", lambda s, ev: s.ctx.poll(max_events=-1)),
    ("cookie", "0 to 18446744073709551615", lambda s, ev: s.ctx.post_user_event(2**64)),
    ("max_entries", "0 to", lambda s, ev: s.ctx.create_prefix_list("big", 2**32)),
    ("family", "0 to", lambda s, ev: s.ctx.create_prefix_list("neg", 5, family=-4)),
    ("polls", "0 to", lambda s, ev: s.ctx.mock.configure(polls=-1)),
    ("delay_ns", "0 to 18446744073709551615", lambda s, ev: s.ctx.mock.configure(
        delay_ns=2**64)),
    ("n", "0 to", lambda s, ev: s.ctx.mock.fail_nth(MockOp.ATTACH, -1)),
    ("os_errno", "-2147483648 to 2147483647", lambda s, ev: s.ctx.mock.fail_nth(
        MockOp.ATTACH, 1, 2**31)),
    ("n", "0 to", lambda s, ev: s.ctx.mock.drop_nth(MockOp.DETACH, 2**32)),
    ("elastic_ips", "0 to", lambda s, ev: s.ctx.set_quotas(elastic_ips=-1)),
    ("op timeout", "out of range", lambda s, ev: s.ctx.set_op_timeout(18446744073.709551)),
    ("timeout", "2147483.647", lambda s, ev: s.ctx.wait(2147483.648)),
]


@pytest.mark.parametrize("field, words, call", NUMBER_ARGS,
                         ids=[f"{i}-{f}" for i, (f, _, _) in enumerate(NUMBER_ARGS)])
def test_a_number_out_of_range_is_refused_by_name(scene, evaluator, field, words, call):
    """Out of its C field's range: InvalidParameterError naming the field and the range
    (not cffi's OverflowError), before anything is sent to C."""
    refused(scene, lambda: call(scene, evaluator), field, words)


def test_the_reported_case_names_dport_and_its_range(scene, evaluator):
    """("tcp", "1.1.1.1", 1, "2.2.2.2", 70000) used to raise cffi's OverflowError."""
    with pytest.raises(InvalidParameterError) as info:
        evaluator.evaluate(scene.nic, INBOUND, [("tcp", "1.1.1.1", 1, "2.2.2.2", 70000)])
    assert info.value.message == "dport 70000 is out of range (0 to 65535)"
    assert not isinstance(info.value, OverflowError)


def test_numbers_of_another_type_are_type_errors(scene, evaluator):
    """A float or a str where an int goes: InvalidParameterTypeError (a TypeError)."""
    for call in (lambda: evaluator.evaluate(scene.nic, INBOUND,
                                            [("tcp", "1.1.1.1", 1.5, "2.2.2.2", 22)]),
                 lambda: scene.nic.set_conntrack_allowance("64"),
                 lambda: scene.spare.attach(scene.running, 1.0),
                 lambda: scene.ctx.poll(max_events=None),
                 lambda: scene.web.authorize_ingress(Rule("tcp", 22.0, cidr="0.0.0.0/0")),
                 lambda: scene.nic.explain(INBOUND, _packet(tcp_flags=None))):
        with pytest.raises(InvalidParameterTypeError):
            call()


def test_edges_of_each_range_pass_through(scene, evaluator):
    """The first and last values of each range reach the library, which decides."""
    nic = scene.nic
    ip = nic.private_ip_address
    v = evaluator.evaluate(nic, INBOUND, [("udp", "1.1.1.1", 0, ip, 65535, 255)],
                           now_ns=2**64 - 1)
    assert len(v) == 1
    nic.explain(INBOUND, _packet(proto=255, dst=ip, length=2**32 - 1))
    nic.explain(INBOUND, _packet(proto="icmp", icmp_type=255, icmp_code=255, dst=ip))
    with pytest.raises(InvalidParameterError) as info:  # the library's own refusal
        scene.web.authorize_ingress(Rule("tcp", 0, 65536, cidr="0.0.0.0/0"))
    assert info.value.ec2_code == "InvalidPermission.Malformed"
    scene.ctx.post_user_event(2**64 - 1)
    assert [e.cookie for e in scene.ctx.poll() if e.type == libeni.EventType.USER] == [2**64 - 1]
