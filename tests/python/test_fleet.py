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


def test_create_instance_takes_the_id_ec2_gave(ctx, subnet):
    inst = ctx.create_instance("m5.large", subnet=subnet, id="i-0123456789abcdef0")
    assert inst.id == "i-0123456789abcdef0" and ctx.get("i-0123456789abcdef0") == inst
    assert inst.state == libeni.InstanceState.PENDING
    before = ctx.dump()
    with pytest.raises(libeni.InvalidParameterError) as e:
        ctx.create_instance("m5.large", subnet=subnet, id="i-XYZ")
    assert (e.value.code, e.value.ec2_code) == (libeni.ErrorCode.EINVAL,
                                                "InvalidInstanceID.Malformed")
    with pytest.raises(libeni.InvalidParameterError):
        ctx.create_instance("m5.large", subnet=subnet, id="eni-0123456789abcdef0")  # another kind
    with pytest.raises(libeni.AlreadyExistsError) as e:
        ctx.create_instance("t3.micro", subnet=subnet, id="i-0123456789abcdef0")
    assert e.value.code == libeni.ErrorCode.EEXIST
    with pytest.raises(libeni.InvalidParameterTypeError):
        ctx.create_instance("m5.large", subnet=subnet, id=42)
    assert ctx.dump() == before  # nothing was created by the refusals
    minted = ctx.create_instance("m5.large", subnet=subnet)
    assert minted.id.startswith("i-") and minted.id != inst.id


# Every create_* method, and how to call it with a given id. Entries of a network
# ACL are named by their rule number: CreateNetworkAclEntry has no id to give.
NOT_NAMED = {"create_entry"}


def _create_calls(ctx, vpc, subnet):
    return {
        ("Context", "create_vpc"): (lambda i: ctx.create_vpc("10.9.0.0/16", id=i), "vpc-09a8b7c6"),
        ("Context", "create_prefix_list"): (lambda i: ctx.create_prefix_list("p", 2, id=i),
                                            "pl-09a8b7c6"),
        ("Context", "create_network_interface"): (
            lambda i: ctx.create_network_interface(subnet, id=i), "eni-09a8b7c6"),
        ("Context", "create_instance"): (lambda i: ctx.create_instance("m5.large", subnet=subnet,
                                                                       id=i), "i-09a8b7c6"),
        ("Vpc", "create_subnet"): (lambda i: vpc.create_subnet("10.0.9.0/24", id=i),
                                   "subnet-09a8b7c6"),
        ("Vpc", "create_security_group"): (lambda i: vpc.create_security_group("g", "g", id=i),
                                           "sg-09a8b7c6"),
        ("Vpc", "create_network_acl"): (lambda i: vpc.create_network_acl(id=i), "acl-09a8b7c6"),
        ("Subnet", "create_network_interface"): (
            lambda i: subnet.create_network_interface(id=i), "eni-09a8b7c7"),
    }


def test_every_create_method_takes_the_id_ec2_gave(ctx, vpc, subnet):
    calls = _create_calls(ctx, vpc, subnet)
    found = {(cls.__name__, name) for cls in (getattr(libeni, n) for n in libeni.__all__)
             if isinstance(cls, type) for name in vars(cls)
             if name.startswith("create_") and name not in NOT_NAMED}
    assert found == set(calls), "a create_* method without a test of its id="
    for (cls, name), (call, given) in calls.items():
        with pytest.raises(libeni.InvalidParameterError) as e:
            call(given.split("-")[0] + "-XYZ")
        assert e.value.ec2_code.endswith(".Malformed"), (cls, name, e.value.ec2_code)
        assert call(given).id == given, (cls, name)
    ctx.check()


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
        acl = vpc.create_network_acl()
        ctx.poll()
        acl.create_entry(libeni.AclEntry(100, "tcp", "deny", "203.0.113.7/32", from_port=22))
        changed, = ctx.poll()
        assert (changed.type, changed.subject, changed.related, changed.state) == \
            (libeni.EventType.ACL_CHANGED, acl, None, 1)
        acl.associate(subnet)  # the subnet leaves the default ACL and joins this one
        moved = ctx.poll()
        assert {(e.subject, e.related) for e in moved} == {(vpc.default_network_acl, subnet),
                                                            (acl, subnet)}
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
