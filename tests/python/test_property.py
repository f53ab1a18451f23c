# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Property: whatever sequence of calls a program makes through the bindings, with
whatever strings and numbers, only libeni errors (LibeniError subclasses) and ordinary
TypeErrors come out, and the model's invariants hold after every call.

Hypothesis draws the sequences (Debian: python3-hypothesis). The run is bounded
(max_examples, steps per example) and deterministic (derandomize, no example
database), so CI sees the same sequences every time; a failure prints the call that
broke the property and every call before it. For a longer, random search:
LIBENI_PROPERTY_EXAMPLES=5000 LIBENI_PROPERTY_RANDOM=1 (docs/fuzzing.md)."""
import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import libeni  # noqa: E402
from libeni import LaunchInterface, LibeniError, MockOp, Packet, Rule  # noqa: E402

MAX_STEPS = 24
EXAMPLES = int(os.environ.get("LIBENI_PROPERTY_EXAMPLES", "400"))
RANDOM = os.environ.get("LIBENI_PROPERTY_RANDOM") == "1"

# ---- arguments -------------------------------------------------------------------
# Each argument has valid values for its field and bad ones (at or past an edge of its
# range, a NUL or an unencodable character in a str, another type). Half of the steps
# give one of their arguments a bad value, the others none: a call with several
# arguments then still gets through often enough for the sequence to build something.

class Arg:
    def __init__(self, valid, bad):
        self.valid, self.bad = valid, bad


EDGE_INTS = [-2**64, -2**31 - 1, -2**31, -1, 0, 1, 255, 256, 65535, 65536, 2**31 - 1, 2**31,
             2**32 - 1, 2**32, 2**63, 2**64 - 1, 2**64, 2**70]
bad_ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers(-2**66, 2**66),
                     st.sampled_from([None, 1.5, "7", True, b"1"]))
BAD_TEXT_TAILS = ["\x00", "\x00junk", "\ud800", " ", "/", "\u00e9", "x" * 300]


def number(lo, hi):
    return Arg(st.integers(lo, hi), bad_ints)


def text(*choices):
    valid = st.sampled_from(choices)
    return Arg(valid, st.one_of(st.text(max_size=24), st.sampled_from([None, 5, b"x"]),
                                st.builds(lambda a, b: a + b, valid,
                                          st.sampled_from(BAD_TEXT_TAILS))))


def optional(a):
    return Arg(st.one_of(st.none(), a.valid), a.bad)


def list_of(a, n):
    return Arg(st.lists(a.valid, max_size=n), st.lists(a.bad, min_size=1, max_size=n))


CIDRS4 = ["10.0.0.0/16", "10.1.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/28",
          "0.0.0.0/0", "192.168.0.0/24"]
CIDRS6 = ["2001:db8:1::/56", "2001:db8:1:1::/64", "2001:db8:1:2::/64", "::/0",
          "2001:db8::/32"]
cidr4, cidr6 = text(*CIDRS4), text(*CIDRS6)
any_cidr = text(*(CIDRS4 + CIDRS6))
addr4 = text("10.0.1.10", "10.0.1.11", "10.0.1.12", "10.0.2.9", "10.0.1.250")
addr6 = text("2001:db8:1::10", "2001:db8:1::11", "2001:db8:1:1::5")
peer_addr = text("203.0.113.5", "10.0.1.10", "10.0.2.9", "2001:db8:1::99", "2001:db8:1::10")
zone = text("us-east-1a", "us-east-1b")
itype = text("m5.large", "t3.micro", "c5n.18xlarge", "m5.24xlarge")
name = text("web", "db", "cache", "default", "sg-1", "a b")
optional_text = optional(text("a description", ""))
flags = st.booleans()
protocol = Arg(st.sampled_from(["tcp", "udp", "icmp", "icmpv6", "all", -1, 6, 17, 47]),
               st.one_of(bad_ints, st.sampled_from(["99999", "tcpp", "\x00"])))
port = number(-1, 65535)
count = number(0, 2)

OK = (LibeniError, TypeError)  # what a call may raise


class World:
    """A context and the objects made so far (deleted ones stay: stale handles)."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.ev = ctx.evaluator()
        self.slot = self.bad_slot = 0
        self.objs = {k: [] for k in ("vpc", "subnet", "sg", "pl", "nic", "inst", "att", "eip",
                                     "rule")}

    def arg(self, data, a):
        """A value for an argument: the step's one bad value, or a valid one."""
        if not isinstance(a, Arg):
            return data.draw(a)
        self.slot += 1
        return data.draw(a.bad if self.slot == self.bad_slot else a.valid)

    def add(self, kind, obj):
        if obj is not None:
            self.objs[kind].append(obj)
        return obj

    def pick(self, data, kind):
        pool = self.objs[kind]
        if not pool:
            return None
        return data.draw(st.sampled_from(pool), label=kind)


def need(obj):
    if obj is None:
        raise _Skip()
    return obj


class _Skip(Exception):
    """The step needs an object the sequence has not made yet."""


# ---- the calls: each draws its arguments, makes one call, keeps what it made ----------

def s_vpc(w, d):
    v6 = optional(text("2001:db8:2::/56", "2001:db8:3::/56"))
    w.add("vpc", w.ctx.create_vpc(w.arg(d, cidr4), ipv6_cidr_block=w.arg(d, v6),
                                  amazon_provided_ipv6_cidr_block=w.arg(d, flags)))


def s_subnet(w, d):
    vpc = need(w.pick(d, "vpc"))
    w.add("subnet", vpc.create_subnet(w.arg(d, cidr4), w.arg(d, zone),
                                      ipv6_cidr_block=w.arg(d, optional(cidr6)),
                                      map_public_ip_on_launch=w.arg(d, flags)))


def s_group(w, d):
    vpc = need(w.pick(d, "vpc"))
    w.add("sg", vpc.create_security_group(w.arg(d, name), w.arg(d, text("a group", "x"))))


def _rule(w, d):
    peer = w.arg(d, st.sampled_from(["cidr", "cidr", "group", "pl"]))
    return Rule(w.arg(d, protocol), w.arg(d, port), w.arg(d, port),
                cidr=w.arg(d, any_cidr) if peer == "cidr" else None,
                group=w.pick(d, "sg") if peer == "group" else None,
                prefix_list=w.pick(d, "pl") if peer == "pl" else None,
                description=w.arg(d, optional_text))


def s_authorize(w, d):
    sg = need(w.pick(d, "sg"))
    call = sg.authorize_ingress if w.arg(d, flags) else sg.authorize_egress
    for r in call(_rule(w, d)):
        w.add("rule", r)


def s_revoke(w, d):
    sg = need(w.pick(d, "sg"))
    if w.arg(d, flags) and w.objs["rule"]:
        sg.revoke(w.pick(d, "rule"))
    else:
        (sg.revoke_ingress if w.arg(d, flags) else sg.revoke_egress)(_rule(w, d))


def s_prefix_list(w, d):
    w.add("pl", w.ctx.create_prefix_list(w.arg(d, name), w.arg(d, number(1, 5)),
                                         w.arg(d, Arg(st.sampled_from([4, 6]), bad_ints))))


def s_prefix_modify(w, d):
    pl = need(w.pick(d, "pl"))
    pl.modify(add=w.arg(d, list_of(any_cidr, 2)),
              remove=w.arg(d, list_of(any_cidr, 1)))


def s_nic(w, d):
    subnet = need(w.pick(d, "subnet"))
    groups = [g for g in [w.pick(d, "sg")] if g is not None and w.arg(d, flags)]
    w.add("nic", w.ctx.create_network_interface(
        subnet, groups=groups, description=w.arg(d, optional_text),
        private_ip_address=w.arg(d, optional(addr4)),
        secondary_private_ip_address_count=w.arg(d, count),
        ipv6_address_count=w.arg(d, count)))


def s_nic_attrs(w, d):
    nic = need(w.pick(d, "nic"))
    what = w.arg(d, st.integers(0, 3))
    if what == 0:
        nic.description = w.arg(d, text("a", "", "b" * 255))
    elif what == 1:
        nic.set_conntrack_timeouts(tcp_established=w.arg(d, number(0, 432000)),
                                   udp_stream=w.arg(d, number(0, 180)),
                                   udp=w.arg(d, number(0, 60)))
    elif what == 2:
        nic.set_conntrack_allowance(w.arg(d, number(1, 64)))
    else:
        nic.source_dest_check = w.arg(d, flags)


def s_addresses(w, d):
    nic = need(w.pick(d, "nic"))
    call = w.arg(d, st.integers(0, 3))
    addrs = w.arg(d, optional(list_of(addr4 if call < 2 else addr6, 2)))
    if call == 0:
        nic.assign_private_ip_addresses(addrs, count=0 if addrs else w.arg(d, count),
                                        allow_reassignment=w.arg(d, flags))
    elif call == 1:
        nic.unassign_private_ip_addresses(addrs or [])
    elif call == 2:
        nic.assign_ipv6_addresses(addrs, count=0 if addrs else w.arg(d, count))
    else:
        nic.unassign_ipv6_addresses(addrs or [])


def _remember_instance(w, inst):
    w.add("inst", inst)
    for a in inst.attachments():
        w.add("att", a)
        w.add("nic", a.network_interface)


def s_launch(w, d):
    subnet = need(w.pick(d, "subnet"))
    li = LaunchInterface(device_index=w.arg(d, number(0, 0)),
                         network_card_index=w.arg(d, number(0, 0)), subnet=subnet,
                         private_ip_address=w.arg(d, optional(addr4)),
                         ipv6_address_count=w.arg(d, count))
    _remember_instance(w, w.ctx.run_instance(w.arg(d, itype), [li]))


def s_state(w, d):
    inst = need(w.pick(d, "inst"))
    inst.set_state(w.arg(d, Arg(st.sampled_from(list(libeni.InstanceState)),
                                  st.one_of(st.text(max_size=12), bad_ints))))


def s_attach(w, d):
    nic, inst = need(w.pick(d, "nic")), need(w.pick(d, "inst"))
    w.add("att", nic.attach(inst, w.arg(d, number(1, 3)), w.arg(d, number(0, 0))))


def s_detach(w, d):
    need(w.pick(d, "att")).detach(force=w.arg(d, flags))


def s_eip(w, d):
    what = w.arg(d, st.integers(0, 2))
    if what == 0 or not w.objs["eip"]:
        w.add("eip", w.ctx.allocate_address())
    elif what == 1:
        eip, nic = need(w.pick(d, "eip")), need(w.pick(d, "nic"))
        eip.associate(nic, w.arg(d, optional(addr4)),
                      allow_reassociation=w.arg(d, flags))
    else:
        eip = need(w.pick(d, "eip"))
        (eip.release if w.arg(d, flags) else eip.disassociate)()


def s_poll(w, d):
    if w.arg(d, flags):
        w.ctx.post_user_event(w.arg(d, number(0, 2**64 - 1)))
    w.ctx.poll(w.arg(d, number(0, 3)))


def s_mock(w, d):
    what = w.arg(d, st.integers(0, 2))
    if what == 0:
        w.ctx.mock.configure(w.arg(d, st.sampled_from(["immediate", "after-polls", 0, 1, 9])),
                             polls=w.arg(d, number(1, 3)), delay_ns=0)
    elif what == 1:
        w.ctx.mock.fail_nth(MockOp.ATTACH, w.arg(d, number(0, 2)), w.arg(d, number(1, 200)),
                            sync=w.arg(d, flags))
    else:
        w.ctx.mock.drop_nth(MockOp.DETACH, w.arg(d, number(0, 2)))


def _packet(w, d):
    if w.arg(d, st.integers(0, 5)) == 0:
        return w.arg(d, st.binary(max_size=80))  # a frame, rarely one that parses
    fields = dict(src=w.arg(d, peer_addr), dst=w.arg(d, peer_addr),
                  sport=w.arg(d, number(0, 65535)), dport=w.arg(d, number(0, 65535)))
    proto = w.arg(d, Arg(st.sampled_from(["tcp", "udp", "icmp", "icmpv6", 47]),
                           st.one_of(bad_ints, st.sampled_from(["all", "x"]))))
    if w.arg(d, flags):
        return (proto, fields["src"], fields["sport"], fields["dst"], fields["dport"],
                w.arg(d, Arg(st.sampled_from(["S", "SA", "A", "FA", "R", 0x12]),
                               st.one_of(bad_ints, st.sampled_from(["Q", "\x00"])))))
    return Packet(proto, icmp_type=w.arg(d, number(0, 255)), icmp_code=w.arg(d, number(0, 255)),
                  length=w.arg(d, number(0, 1500)), **fields)


def s_evaluate(w, d):
    nic = need(w.pick(d, "nic"))
    direction = w.arg(d, Arg(st.sampled_from(["inbound", "outbound", 1, 2]),
                               st.sampled_from([3, "sideways", None])))
    now = w.arg(d, optional(number(0, 2**64 - 1)))
    if w.arg(d, flags):
        w.ev.evaluate(nic, direction, [_packet(w, d) for _ in range(w.arg(d, st.integers(1, 3)))],
                      now, want_rule=w.arg(d, flags))
    else:
        w.ctx.explain(nic, direction, _packet(w, d), now)


def s_parse_and_lookups(w, d):
    what = w.arg(d, st.integers(0, 3))
    if what == 0:
        Packet.parse(w.arg(d, st.binary(max_size=120)))
    elif what == 1:
        objs = [o for pool in w.objs.values() for o in pool]
        ids = [o.id for o in objs[:8]] or ["vpc-0123456789abcdef0"]
        w.ctx.get(w.arg(d, text(*ids)))
    elif what == 2:
        libeni.InstanceType.lookup(w.arg(d, itype))
    else:
        w.ctx.set_quotas(elastic_ips=w.arg(d, number(0, 9)),
                         network_interfaces=w.arg(d, number(0, 50)),
                         rules_per_group=w.arg(d, number(0, 60)))


def s_delete(w, d):
    kind = w.arg(d, st.sampled_from(["vpc", "subnet", "sg", "pl", "nic", "inst", "rule"]))
    obj = need(w.pick(d, kind))
    if kind == "rule":
        obj.group.revoke(obj)
    else:
        obj.delete()


STEPS = [s_vpc, s_subnet, s_group, s_authorize, s_revoke, s_prefix_list, s_prefix_modify,
         s_nic, s_nic_attrs, s_addresses, s_launch, s_state, s_attach, s_detach, s_eip,
         s_poll, s_mock, s_evaluate, s_parse_and_lookups, s_delete]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_any_call_sequence_raises_only_libeni_errors_and_keeps_invariants(data):
    with libeni.Context(seed=11) as ctx:
        w = World(ctx)
        # a usable start (a running instance in a dual-stack subnet), so that most
        # steps find objects to work on
        vpc = w.add("vpc", ctx.create_vpc("10.0.0.0/16", ipv6_cidr_block="2001:db8:1::/56"))
        subnet = w.add("subnet", vpc.create_subnet("10.0.1.0/24", "us-east-1a",
                                                   ipv6_cidr_block="2001:db8:1::/64"))
        w.add("sg", vpc.default_security_group)
        inst = ctx.run_instance("m5.large", subnet=subnet)
        ctx.poll()
        inst.set_state("running")
        _remember_instance(w, inst)
        for _ in range(data.draw(st.integers(1, MAX_STEPS), label="steps")):
            step = data.draw(st.sampled_from(STEPS), label="call")
            w.slot, w.bad_slot = 0, data.draw(st.integers(1, 6)) if data.draw(flags) else 0
            try:
                step(w, data)
            except _Skip:
                continue
            except OK:
                pass
            ctx.check()  # InternalError (a LibeniError) must not pass silently
        w.ev.close()
