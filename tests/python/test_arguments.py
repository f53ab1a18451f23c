# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Arguments the bindings check before calling C: enums (printed and accepted by EC2's
names, never one enum for another), lists (never a single str taken character by
character) and the Context's numeric options."""
import enum
import math

import pytest

import libeni
from libeni import (EventType, InstanceState, InterfaceStatus, InterfaceType,
                    InvalidParameterError, InvalidParameterTypeError, LibeniError, LogLevel,
                    MockLatency, MockOp, Platform, Reason, RuleDirection, TrafficDirection,
                    Virtualization)

ENUMS = [obj for _, obj in sorted(vars(libeni).items())
         if isinstance(obj, type) and issubclass(obj, enum.IntEnum)]


# ---- enums: str() is EC2's name, and names are accepted ----------------------------------

def test_str_of_an_enum_is_ec2s_name(running, capsys):
    """print(inst.state) prints `running`, not 16; the value stays an IntEnum."""
    print(running.state)
    assert capsys.readouterr().out == "running\n"
    state = running.state
    assert isinstance(state, InstanceState) and isinstance(state, int) and state == 16
    assert (str(state), f"{state}", f"{state:>9}", f"{state:d}", f"{state:#x}") == \
        ("running", "running", "  running", "16", "0x10")
    assert repr(state) == "<InstanceState.RUNNING: 16>"
    assert str(InstanceState.SHUTTING_DOWN) == InstanceState.SHUTTING_DOWN.ec2_name == \
        "shutting-down"
    assert (str(InterfaceStatus.IN_USE), str(InterfaceType.EFA_ONLY)) == ("in-use", "efa-only")
    assert (str(TrafficDirection.INBOUND), str(Reason.NO_RULE)) == ("inbound", "no-rule")


@pytest.mark.parametrize("cls", ENUMS, ids=lambda c: c.__name__)
def test_every_enum_reads_back_its_names(cls):
    """Each member is found again from its str(), its member name in any case, and its number."""
    for member in cls:
        assert cls(str(member)) is member
        assert cls(member.name) is member and cls(member.name.lower()) is member
        assert cls(int(member)) is member


def test_unknown_name_or_number_is_a_libeni_error():
    """An unknown name raises InvalidParameterError (InvalidParameterValue) naming the choices."""
    with pytest.raises(InvalidParameterError) as e:
        InstanceState("runing")
    err = e.value
    assert isinstance(err, LibeniError) and isinstance(err, ValueError)
    assert err.ec2_code == "InvalidParameterValue"
    assert "'runing'" in err.message and "shutting-down" in err.message
    with pytest.raises(InvalidParameterError):
        InstanceState(17)


def test_set_state_takes_ec2s_names(ctx, subnet):
    """inst.set_state("running") moves the instance; an unknown name changes nothing."""
    inst = ctx.run_instance("m5.large", subnet=subnet)
    ctx.poll()
    before = ctx.dump()
    with pytest.raises(InvalidParameterError, match="unknown InstanceState"):
        inst.set_state("runnin")
    assert ctx.dump() == before
    inst.set_state("running")
    assert inst.state is InstanceState.RUNNING
    inst.set_state("STOPPING")
    inst.set_state(InstanceState.STOPPED.value)  # the number still works
    assert inst.state is InstanceState.STOPPED
    inst.set_state("pending")
    assert str(inst.state) == "pending"


def test_enum_names_accepted_wherever_an_enum_is(ctx, subnet, running):
    """Interface type, virtualization, platform, status and state filters, mock ops and
    latencies, and the log level all take names."""
    nic = ctx.create_network_interface(subnet, interface_type="interface")
    assert nic.interface_type is InterfaceType.INTERFACE
    inst = ctx.create_instance("m5.large", subnet=subnet, virtualization="hvm", platform="windows")
    assert (inst.virtualization, inst.platform) == (Virtualization.HVM, Platform.WINDOWS)
    launched = ctx.run_instance("m5.large", subnet=subnet, virtualization="hvm",
                                platform="linux")
    ctx.poll()
    assert set(ctx.instances(states=["running"])) == {running}
    assert set(ctx.instances(states=["pending"])) == {inst, launched}
    assert ctx.network_interfaces(status=["available"]) == [nic]
    ctx.mock.configure("after-polls", polls=1)
    ctx.mock.fail_nth("attach", 1, sync=True)
    with pytest.raises(libeni.BackendError):
        nic.attach(running, 1)
    ctx.mock.drop_nth("detach", 1)
    got = []
    with libeni.Context(log=lambda lvl, msg: got.append(lvl), log_level="debug"):
        pass
    assert LogLevel.DEBUG in got


def test_one_enum_is_not_taken_for_another(ctx, subnet, running):
    """A member of another enum is refused with InvalidParameterTypeError even where the
    numbers coincide (RuleDirection.INGRESS == TrafficDirection.INBOUND == 0)."""
    nic = running.network_interfaces[0]
    calls = {
        "set_state": lambda: running.set_state(InterfaceStatus.AVAILABLE),
        "interface_type": lambda: ctx.create_network_interface(
            subnet, interface_type=InstanceState.PENDING),
        "platform": lambda: ctx.create_instance("m5.large", platform=Virtualization.HVM),
        "status": lambda: ctx.network_interfaces(status=[InstanceState.PENDING]),
        "states": lambda: ctx.instances(states=[InterfaceStatus.IN_USE]),
        "direction": lambda: ctx.explain(nic, RuleDirection.INGRESS,
                                         ("tcp", "203.0.113.5", 1, nic.private_ip_address, 22)),
        "op": lambda: ctx.mock.fail_nth(MockLatency.IMMEDIATE, 1),
        "latency": lambda: ctx.mock.configure(MockOp.ATTACH),
        "log_level": lambda: libeni.Context(log_level=EventType.USER),
        "a bool": lambda: running.set_state(True),
        "a float": lambda: running.set_state(16.0),
    }
    before = ctx.dump()
    for what, call in calls.items():
        with pytest.raises(InvalidParameterTypeError) as e:
            call()
        assert isinstance(e.value, TypeError) and e.value.ec2_code == "InvalidParameterValue", what
    assert ctx.dump() == before
    assert running.state is InstanceState.RUNNING


# ---- lists: a single str (or bytes) is refused -------------------------------------------

def test_a_single_string_where_a_list_is_wanted_is_refused(ctx, vpc, subnet, running, web):
    """Every call taking a list refuses one str or bytes (it would be iterated character by
    character) with InvalidParameterTypeError, and changes nothing."""
    nic = running.network_interfaces[0]
    pl = ctx.create_prefix_list("pl", 5)
    calls = {
        "assign_private_ip_addresses": lambda v: nic.assign_private_ip_addresses(v),
        "unassign_private_ip_addresses": lambda v: nic.unassign_private_ip_addresses(v),
        "assign_ipv6_addresses": lambda v: nic.assign_ipv6_addresses(v),
        "unassign_ipv6_addresses": lambda v: nic.unassign_ipv6_addresses(v),
        "groups=": lambda v: setattr(nic, "groups", v),
        "secondary_private_ip_addresses": lambda v: ctx.create_network_interface(
            subnet, secondary_private_ip_addresses=v),
        "ipv6_addresses": lambda v: ctx.create_network_interface(subnet, ipv6_addresses=v),
        "create groups": lambda v: ctx.create_network_interface(subnet, groups=v),
        "run_instance groups": lambda v: ctx.run_instance("m5.large", subnet=subnet, groups=v),
        "run_instance interfaces": lambda v: ctx.run_instance("m5.large", v),
        "launch interface groups": lambda v: ctx.run_instance(
            "m5.large", [libeni.LaunchInterface(subnet=subnet, groups=v)]),
        "entries": lambda v: ctx.create_prefix_list("p2", 5, entries=v),
        "modify add": lambda v: pl.modify(add=v),
        "modify remove": lambda v: pl.modify(remove=v),
        "status": lambda v: ctx.network_interfaces(status=v),
        "states": lambda v: ctx.instances(states=v),
    }
    before = ctx.dump()
    for what, call in calls.items():
        for single in ("10.0.1.50", b"10.0.1.50", "2001:db8:0:100::50", "in-use"):
            with pytest.raises(InvalidParameterTypeError, match="takes a list") as e:
                call(single)
            assert isinstance(e.value, TypeError) and isinstance(e.value, LibeniError), what
        with pytest.raises(InvalidParameterTypeError, match="takes a list"):
            call(42)  # not iterable at all
    assert ctx.dump() == before
    nic.assign_private_ip_addresses(["10.0.1.50"])  # the list form works
    assert "10.0.1.50" in nic.private_ip_addresses
    pl.modify(add=("10.9.0.0/16",))
    assert pl.entries == ["10.9.0.0/16"]


# ---- the Context's options -----------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error", [
    ({"log_level": 99}, InvalidParameterError),
    ({"log_level": 99, "log": print}, InvalidParameterError),
    ({"log_level": -1}, InvalidParameterError),
    ({"log_level": "loud"}, InvalidParameterError),
    ({"log_level": 2.0}, InvalidParameterTypeError),
    ({"seed": -1}, InvalidParameterError),
    ({"seed": 1 << 64}, InvalidParameterError),
    ({"seed": "7"}, InvalidParameterTypeError),
    ({"seed": 1.5}, InvalidParameterTypeError),
    ({"log": "stderr"}, InvalidParameterTypeError),
    ({"backend": "dpdk"}, InvalidParameterError),
], ids=lambda x: repr(x) if isinstance(x, dict) else x.__name__)
def test_bad_context_option_is_refused(kwargs, error):
    """Context(log_level=99) and other out-of-range or mistyped options raise a LibeniError."""
    with pytest.raises(error) as e:
        libeni.Context(**kwargs)
    assert isinstance(e.value, LibeniError) and e.value.ec2_code == "InvalidParameterValue"


def test_context_option_limits_are_accepted():
    """The ends of each range are fine: seed 0 and 2**64 - 1, every LogLevel."""
    for seed in (0, (1 << 64) - 1):
        with libeni.Context(seed=seed):
            pass
    for level in LogLevel:
        with libeni.Context(log=lambda lvl, msg: None, log_level=level):
            pass


@pytest.mark.parametrize("call", [
    lambda c: c.set_quotas(elastic_ips=-1),
    lambda c: c.set_quotas(network_interfaces=1 << 32),
    lambda c: c.set_quotas(security_groups="5"),
    lambda c: c.set_op_timeout(-1),
    lambda c: c.set_op_timeout(math.nan),
    lambda c: c.set_op_timeout("1"),
], ids=["eips<0", "nics>u32", "groups-str", "timeout<0", "timeout-nan", "timeout-str"])
def test_bad_numeric_setting_is_refused(ctx, call):
    """Quotas and the op timeout are checked too: InvalidParameterError, never OverflowError."""
    before = (ctx.quotas, ctx.dump())
    with pytest.raises(InvalidParameterError):
        call(ctx)
    assert (ctx.quotas, ctx.dump()) == before
