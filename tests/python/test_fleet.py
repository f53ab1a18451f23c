# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Mirroring a Region: objects under EC2's ids, and group members on other hosts."""
import pytest

import libeni


def test_objects_take_the_ids_ec2_gave(ctx):
    vpc = ctx.create_vpc("10.0.0.0/16", id="vpc-0ab12cd34ef567890",
                         default_group_id="sg-0123abcd4567ef890")
    assert vpc.id == "vpc-0ab12cd34ef567890"
    assert vpc.default_security_group.id == "sg-0123abcd4567ef890"
    subnet = vpc.create_subnet("10.0.1.0/24", id="subnet-5a6b7c8d")
    assert subnet.id == "subnet-5a6b7c8d"
    sg = vpc.create_security_group("app", "app tier", id="sg-0aaaaaaaaaaaaaaa1")
    assert ctx.get("sg-0aaaaaaaaaaaaaaa1") == sg
    nic = subnet.create_network_interface(id="eni-0feedfacecafe0001")
    assert nic.id == "eni-0feedfacecafe0001"
    inst = ctx.run_instance("m5.large", [libeni.LaunchInterface(subnet=subnet,
                                                                id="eni-0feedfacecafe0002")],
                            instance_id="i-0123456789abcdef0")
    assert inst.id == "i-0123456789abcdef0"
    eip = ctx.allocate_address(allocation_id="eipalloc-0c0ffee0c0ffee000")
    assert eip.id == "eipalloc-0c0ffee0c0ffee000"
    pl = ctx.create_prefix_list("office", 3, id="pl-0011223344556677a")
    assert pl.id == "pl-0011223344556677a"


def test_bad_or_taken_ids_are_refused(ctx, vpc):
    vpc.create_security_group("app", "app tier", id="sg-0aaaaaaaaaaaaaaa1")
    before = ctx.dump()
    with pytest.raises(libeni.InvalidParameterError) as e:
        vpc.create_security_group("web", "web", id="sg-XYZ")
    assert e.value.ec2_code == "InvalidGroupId.Malformed"
    with pytest.raises(libeni.InvalidParameterError):
        vpc.create_security_group("web", "web", id="vpc-0aaaaaaaaaaaaaaa1")  # another kind
    with pytest.raises(libeni.AlreadyExistsError):
        vpc.create_security_group("web", "web", id="sg-0aaaaaaaaaaaaaaa1")
    assert ctx.dump() == before


def test_remote_members_replace_whole_and_clear(ctx, vpc, web):
    web.set_remote_members("host-b", ["10.0.2.7", "10.0.1.5", "2001:db8::5"])
    assert web.remote_members("host-b") == ["10.0.1.5", "10.0.2.7", "2001:db8::5"]
    web.set_remote_members("host-b", ["10.0.3.3"])
    assert web.remote_members("host-b") == ["10.0.3.3"]
    web.set_remote_members("host-a", ["10.0.9.9"])
    assert web.remote_sources == ["host-a", "host-b"]
    web.clear_remote_members("host-a")
    assert web.remote_sources == ["host-b"]
    assert ctx.clear_remote_source("host-b") == 1
    assert web.remote_sources == []
    assert web.remote_members("nobody") == []
    ctx.check()


def test_remote_members_refuse_bad_input(ctx, web):
    web.set_remote_members("host-b", ["10.0.1.5"])
    before = ctx.dump()
    with pytest.raises(libeni.InvalidParameterError):
        web.set_remote_members("host-b", ["10.0.1.5", "not-an-address"])
    with pytest.raises(libeni.InvalidParameterError):
        web.set_remote_members("host b", ["10.0.1.5"])
    with pytest.raises(TypeError):
        web.set_remote_members("host-b", "10.0.1.5")  # a str is not a list
    assert ctx.dump() == before


def test_delete_on_termination_true_is_refused_for_an_existing_interface(ctx, subnet):
    spare = subnet.create_network_interface()
    with pytest.raises(libeni.InvalidParameterError) as e:
        ctx.run_instance("m5.large", [libeni.LaunchInterface(subnet=subnet),
                                      libeni.LaunchInterface(existing=spare, device_index=1,
                                                             delete_on_termination=True)])
    assert e.value.ec2_code == "InvalidParameterCombination"
    inst = ctx.run_instance("m5.large", [libeni.LaunchInterface(subnet=subnet,
                                                                delete_on_termination=True),
                                         libeni.LaunchInterface(existing=spare, device_index=1)])
    ctx.poll()
    atts = {a.network_interface: a for a in inst.attachments()}
    assert atts[spare].delete_on_termination is False


def test_trunk_interfaces_are_refused(ctx, subnet):
    with pytest.raises(libeni.NotSupportedError):
        subnet.create_network_interface(interface_type=libeni.InterfaceType.TRUNK)


def test_model_events_report_changes():
    with libeni.Context(model_events=True) as ctx:
        vpc = ctx.create_vpc("10.0.0.0/16")
        subnet = vpc.create_subnet("10.0.1.0/24")
        app = vpc.create_security_group("app", "app")
        ctx.poll()
        nic = subnet.create_network_interface(groups=[app])
        app.set_remote_members("host-b", ["10.0.9.9"])
        events = {e.type: e for e in ctx.poll()}
        joined = events[libeni.EventType.MEMBERSHIP_CHANGED]
        assert joined.security_group == app and joined.network_interface == nic
        assert joined.state == 1 and str(joined.type) == "membership-changed"
        assert events[libeni.EventType.ADDRESSES_CHANGED].network_interface == nic
        assert events[libeni.EventType.REMOTE_MEMBERS_CHANGED].security_group == app
        assert events[libeni.EventType.REMOTE_MEMBERS_CHANGED].cookie > joined.cookie
    with libeni.Context() as quiet:  # off by default
        quiet.create_vpc("10.0.0.0/16").create_security_group("app", "app")
        assert quiet.poll() == []
    with pytest.raises(TypeError):
        libeni.Context(model_events="yes")


def test_rules_edited_in_place(ctx, web):
    (rule,) = web.authorize_ingress(libeni.Rule("tcp", 22, cidr="10.0.0.0/8"))
    rule.modify(libeni.Rule("tcp", 22, cidr="10.1.0.0/16", description="bastion"))
    assert rule.to_rule().cidr == "10.1.0.0/16" and rule.description == "bastion"
    rule.description = "bastion subnet"
    assert rule.description == "bastion subnet"
    rule.description = None
    assert rule.description == ""
    before = ctx.dump()
    with pytest.raises(libeni.InvalidParameterError):
        rule.modify(libeni.Rule("tcp", 22, cidr="10.1.0.0/33"))
    assert ctx.dump() == before
