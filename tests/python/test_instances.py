# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Instances, interfaces, attachments, addresses, Elastic IPs, the mock
backend's controls, events and the log hook."""
import ipaddress
import logging
import time

import pytest

import libeni
from libeni import (AttachKind, AttachmentStatus, BackendError, ErrorCode, EventType,
                    InstanceState, InstanceType, InterfaceStatus, InUseError,
                    InvalidParameterError, InvalidStateError, LaunchInterface,
                    LimitExceededError, LogLevel, MockLatency, MockOp, NotFoundError,
                    PermissionDeniedError, StaleIdError)

S = InstanceState


def of_type(events, event_type):
    return [e for e in events if e.type == event_type]


# ---- instance types ------------------------------------------------------------

def test_lookup_instance_type():
    """DescribeInstanceTypes for m5.large: 3 ENIs on one card, 10 IPv4 and 10 IPv6 each, Nitro."""
    t = InstanceType.lookup("m5.large")
    assert t.name == "m5.large"
    assert (t.max_interfaces, t.max_network_cards, t.card_max_interfaces) == (3, 1, (3,))
    assert (t.ipv4_per_interface, t.ipv6_per_interface) == (10, 10)
    assert t.hypervisor == libeni.Hypervisor.NITRO
    assert t.ena_support == libeni.EnaSupport.REQUIRED
    assert t.ipv6_supported and not t.efa_supported and not t.bare_metal


def test_unknown_instance_type():
    """An unknown type is InvalidInstanceType, for lookups and launches alike."""
    with pytest.raises(NotFoundError) as e:
        InstanceType.lookup("m9.huge")
    assert e.value.ec2_code == "InvalidInstanceType"
    assert isinstance(e.value, LookupError)


def test_unknown_instance_type_at_launch(ctx, subnet):
    """RunInstances with an unknown type creates nothing."""
    with pytest.raises(NotFoundError) as e:
        ctx.run_instance("m9.huge", subnet=subnet)
    assert e.value.ec2_code == "InvalidInstanceType"
    assert ctx.instances() == [] and ctx.network_interfaces() == []


def test_all_instance_types_sorted_by_name():
    """The type table is non-empty, name-ordered, and instance_types() is the same list."""
    types = InstanceType.all()
    names = [t.name for t in types]
    assert len(names) > 100
    assert names == sorted(names) and len(set(names)) == len(names)
    assert "m5.large" in names
    assert libeni.instance_types() == types
    assert types[names.index("m5.large")] == InstanceType.lookup("m5.large")


# ---- launching -----------------------------------------------------------------

def test_run_instance_with_subnet_and_groups(ctx, vpc, subnet, web):
    """RunInstances: pending, its primary interface cold-attaching until poll completes it."""
    inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
    assert inst.state == S.PENDING
    assert (inst.instance_type, inst.subnet, inst.vpc) == ("m5.large", subnet, vpc)
    att, = inst.attachments()
    nic = att.network_interface
    assert (att.kind, att.status, att.device_index) == \
        (AttachKind.COLD, AttachmentStatus.ATTACHING, 0)
    assert nic.status == InterfaceStatus.ATTACHING
    assert nic.groups == [web] and nic.subnet == subnet
    ctx.poll()
    assert att.status == AttachmentStatus.ATTACHED
    assert nic.status == InterfaceStatus.IN_USE
    assert att.delete_on_termination  # new interfaces at launch are deleted with it
    assert att.instance == inst and nic.instance == inst and nic.attachment == att


def test_run_instance_with_two_launch_interfaces(ctx, subnet, web, db):
    """RunInstances NetworkInterfaces: two new interfaces at device indexes 0 and 1."""
    inst = ctx.run_instance("m5.large", [
        LaunchInterface(subnet=subnet, groups=[web], private_ip_address="10.0.1.10"),
        LaunchInterface(device_index=1, subnet=subnet, groups=[db], description="backend",
                        secondary_private_ip_address_count=1, delete_on_termination=False),
    ])
    ctx.poll()
    first, second = inst.attachments()
    assert [a.device_index for a in (first, second)] == [0, 1]
    assert all(a.status == AttachmentStatus.ATTACHED for a in (first, second))
    assert first.delete_on_termination and not second.delete_on_termination
    primary, backend = inst.network_interfaces
    assert primary.private_ip_address == "10.0.1.10" and primary.groups == [web]
    assert backend.groups == [db] and backend.description == "backend"
    assert len(backend.private_ip_addresses) == 2


def test_launch_with_existing_interface(ctx, subnet, spare):
    """An existing available interface can join a launch; it is never deleted on termination."""
    inst = ctx.run_instance("m5.large", [LaunchInterface(subnet=subnet),
                                         LaunchInterface(device_index=1, existing=spare)])
    ctx.poll()
    assert inst.network_interfaces[1] == spare
    assert not spare.attachment.delete_on_termination
    assert spare.status == InterfaceStatus.IN_USE


def test_launch_needs_a_primary_interface(ctx, subnet):
    """Without an interface at device index 0 the launch is refused and creates nothing."""
    before = ctx.dump()
    with pytest.raises(InvalidParameterError):
        ctx.run_instance("m5.large", [LaunchInterface(device_index=1, subnet=subnet)])
    assert ctx.dump() == before
    with pytest.raises(ValueError):
        ctx.run_instance("m5.large")  # neither interfaces nor a subnet


# ---- events --------------------------------------------------------------------

def test_poll_returns_attach_completed_event(ctx, subnet, web):
    """The backend's completion arrives as ATTACH_COMPLETED: subject the attachment, related the ENI."""
    inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
    events = ctx.poll()
    assert all(isinstance(e, libeni.Event) for e in events)
    done, = of_type(events, EventType.ATTACH_COMPLETED)
    att, = inst.attachments()
    assert isinstance(done.subject, libeni.Attachment) and done.subject == att
    assert isinstance(done.related, libeni.NetworkInterface)
    assert done.related == inst.network_interfaces[0]
    assert done.status == ErrorCode.OK and done.ec2_code is None
    assert done.state == AttachmentStatus.ATTACHED
    assert isinstance(done.state, AttachmentStatus) and str(done.state) == "attached"
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert ctx.poll() == []


def test_events_are_decoded_into_objects_and_enums(ctx, subnet, web):
    """Events name their instance, interface and attachment as wrappers and their state as
    the enum, not as raw ids (a 64-bit cookie) and numbers (16); the raw fields remain."""
    inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
    done, = of_type(ctx.poll(), EventType.ATTACH_COMPLETED)
    att, = inst.attachments()
    assert isinstance(done.type, EventType) and str(done.type) == "attach-completed"
    assert (done.instance, done.network_interface, done.attachment) == \
        (inst, att.network_interface, att)
    assert isinstance(done.instance, libeni.Instance)
    assert done.cookie == inst.id_value and (done.subject, done.related) == \
        (att, att.network_interface)  # raw fields, as before
    assert done.link_up is None
    inst.set_state("running")
    ev, = ctx.poll()
    assert ev.type == EventType.INSTANCE_STATE and ev.instance == inst
    assert (ev.network_interface, ev.attachment) == (None, None)
    assert isinstance(ev.state, InstanceState) and ev.state is S.RUNNING
    assert str(ev.state) == "running" and ev.state == 16 and int(ev.state) == 16
    ctx.post_user_event(1234)
    user, = ctx.poll()
    assert (user.instance, user.network_interface, user.attachment) == (None, None, None)
    assert user.cookie == 1234


def test_post_user_event(ctx):
    """A user event waits in the queue and comes back with its cookie, oldest first."""
    assert ctx.pending_events == 0
    ctx.post_user_event(41)
    ctx.post_user_event(42)
    assert ctx.pending_events == 2
    first, = ctx.poll(max_events=1)
    assert (first.type, first.cookie, first.subject) == (EventType.USER, 41, None)
    assert ctx.pending_events == 1
    second, = ctx.poll()
    assert second.cookie == 42 and second.seq > first.seq
    assert ctx.pending_events == 0


def test_log_callback_receives_messages():
    """Context(log=callable, log_level=DEBUG) passes (LogLevel, str) messages to the callable."""
    got = []
    with libeni.Context(seed=0x2a, log=lambda lvl, msg: got.append((lvl, msg)),
                        log_level=LogLevel.DEBUG):
        pass
    assert got, "no message reached the callback"
    assert all(isinstance(lvl, LogLevel) and isinstance(msg, str) for lvl, msg in got)
    assert (LogLevel.DEBUG, "ctx created (seed 0x000000000000002a, backend mock)") in got


def test_log_level_threshold_and_logger_sink(caplog):
    """Messages above the threshold are not passed; a logging.Logger receives them as records."""
    quiet = []
    with libeni.Context(seed=1, log=lambda lvl, msg: quiet.append(lvl), log_level=LogLevel.WARN):
        pass
    assert LogLevel.DEBUG not in quiet and LogLevel.INFO not in quiet
    logger = logging.getLogger("libeni.test")
    with caplog.at_level(logging.DEBUG, logger="libeni.test"):
        with libeni.Context(seed=1, log=logger, log_level=LogLevel.DEBUG):
            pass
    assert any(r.levelno == logging.DEBUG and r.getMessage().startswith("ctx created")
               for r in caplog.records)


# ---- instance states -----------------------------------------------------------

def test_set_state_emits_instance_state_event(ctx, subnet):
    """pending -> running is reported as an INSTANCE_STATE event carrying the new state."""
    inst = ctx.run_instance("m5.large", subnet=subnet)
    ctx.poll()
    inst.set_state(S.RUNNING)
    assert inst.state == S.RUNNING
    ev, = ctx.poll()
    assert (ev.type, ev.subject, ev.state) == (EventType.INSTANCE_STATE, inst, S.RUNNING)


def test_stop_and_start_keep_attachments(ctx, running, nic):
    """StopInstances keeps interfaces attached; StartInstances makes it pending again."""
    running.stop()
    assert running.state == S.STOPPED
    assert nic.attachment.status == AttachmentStatus.ATTACHED
    states = [e.state for e in of_type(ctx.poll(), EventType.INSTANCE_STATE)]
    assert states[-2:] == [S.STOPPING, S.STOPPED]
    running.start()
    assert running.state == S.PENDING
    running.set_state(S.RUNNING)
    assert running.network_interfaces == [nic]


@pytest.mark.parametrize("to", [S.PENDING, S.STOPPED, S.TERMINATED])
def test_illegal_transition_refused(running, to):
    """Only EC2's legal transitions: running cannot become pending, stopped or terminated."""
    with pytest.raises(InvalidStateError) as e:
        running.set_state(to)
    assert e.value.ec2_code == "IncorrectInstanceState"
    assert e.value.code == ErrorCode.ESTATE
    assert running.state == S.RUNNING


def test_terminate_through_set_state(ctx, running, nic, spare):
    """Termination detaches everything; delete-on-termination interfaces go with the instance."""
    att = spare.attach(running, 1)
    ctx.poll()
    running.set_state(S.SHUTTING_DOWN)
    events = ctx.poll()
    assert {e.related for e in of_type(events, EventType.DETACH_COMPLETED)} == {nic, spare}
    running.set_state(S.TERMINATED)
    assert running.state == S.TERMINATED
    with pytest.raises(StaleIdError):
        nic.status                  # deleted on termination
    with pytest.raises(StaleIdError):
        att.status
    assert spare.status == InterfaceStatus.AVAILABLE  # attached later: kept
    running.delete()
    assert ctx.instances() == []


def test_terminate_convenience(ctx, running, nic):
    """TerminateInstances: terminate() ends in terminated once the detaches are polled."""
    running.terminate()
    ctx.poll()
    assert running.state == S.TERMINATED
    assert nic not in ctx.network_interfaces()


def test_terminate_keeps_events_for_the_next_poll(ctx, running):
    """terminate() polls on the caller's behalf; the detach events still reach ctx.poll()."""
    primary = running.attachments()[0]
    ctx.mock.configure(libeni.MockLatency.AFTER_POLLS, polls=2)
    running.terminate()
    assert running.state == S.TERMINATED
    events = ctx.poll()
    assert any(e.type == libeni.EventType.DETACH_COMPLETED and e.subject == primary
               for e in events)
    assert ctx.poll() == []  # delivered once


def test_instances_filters(ctx, running, vpc):
    """DescribeInstances filters by state, subnet and VPC."""
    other = vpc.create_subnet("10.0.2.0/24", "us-east-1b")
    pending = ctx.run_instance("t3.micro", subnet=other)
    assert ctx.instances() == [running, pending]
    assert ctx.instances(states=[S.RUNNING]) == [running]
    assert ctx.instances(states=[S.PENDING, S.STOPPED]) == [pending]
    assert ctx.instances(subnet=other) == [pending]
    assert ctx.instances(vpc=vpc) == [running, pending]


# ---- attach and detach -------------------------------------------------------------

def test_hot_attach(ctx, running, nic, spare):
    """AttachNetworkInterface on a running instance: hot, attaching until the backend completes."""
    att = spare.attach(running, 1)
    assert att.kind == AttachKind.HOT
    assert att.status == AttachmentStatus.ATTACHING
    assert spare.status == InterfaceStatus.ATTACHING
    done, = of_type(ctx.poll(), EventType.ATTACH_COMPLETED)
    assert done.subject == att and done.related == spare
    assert att.status == AttachmentStatus.ATTACHED and spare.status == InterfaceStatus.IN_USE
    assert (att.device_index, att.network_card_index) == (1, 0)
    assert att.link_up and not att.delete_on_termination
    assert (att.instance, att.network_interface) == (running, spare)
    assert (spare.instance, spare.attachment) == (running, att)
    dev = att.device
    assert dev.mac_address == spare.mac_address and dev.link_up
    assert dev.vendor_id == 0x1d0f and dev.bus_address.startswith("0000:")
    assert running.network_interfaces == [nic, spare]


def test_warm_attach_to_stopped_instance(ctx, running, spare):
    """Attaching to a stopped instance is a warm attach."""
    running.stop()
    att = spare.attach(running, 1)
    assert att.kind == AttachKind.WARM
    ctx.poll()
    assert att.status == AttachmentStatus.ATTACHED


def test_cold_attach_to_created_instance(ctx, subnet, spare):
    """An instance created without interfaces is pending: an attach then is cold."""
    inst = ctx.create_instance("m5.large", subnet=subnet)
    att = spare.attach(inst, 0)
    assert att.kind == AttachKind.COLD
    ctx.poll()
    assert inst.network_interfaces == [spare]


def test_detach(ctx, running, spare):
    """DetachNetworkInterface: detaching, then the ENI is available and the attachment gone."""
    att = spare.attach(running, 1)
    ctx.poll()
    att.detach()
    assert att.status == AttachmentStatus.DETACHING
    assert spare.status == InterfaceStatus.DETACHING
    done, = of_type(ctx.poll(), EventType.DETACH_COMPLETED)
    assert done.subject == att and done.related == spare
    assert spare.status == InterfaceStatus.AVAILABLE
    assert spare.attachment is None and spare.instance is None
    with pytest.raises(StaleIdError) as e:
        att.status
    assert e.value.ec2_code == "InvalidAttachmentID.NotFound"
    with pytest.raises(InvalidStateError) as again:
        spare.detach()
    assert again.value.ec2_code == "IncorrectState"


def test_forced_detach_goes_through_failing_backend(ctx, running, spare):
    """Force=true detaches even when the backend refuses; without it nothing changes."""
    att = spare.attach(running, 1)
    ctx.poll()
    ctx.mock.fail_nth(MockOp.DETACH, 1, os_errno=16, sync=True)
    with pytest.raises(BackendError) as e:
        att.detach()
    assert e.value.os_errno == 16
    assert att.status == AttachmentStatus.ATTACHED
    ctx.mock.fail_nth(MockOp.DETACH, 1, os_errno=16, sync=True)
    att.detach(force=True)
    ctx.poll()
    assert spare.status == InterfaceStatus.AVAILABLE and spare.attachment is None


def test_detach_while_attaching_refused(ctx, running, spare):
    """An attachment still attaching cannot be detached (IncorrectState)."""
    ctx.mock.configure(MockLatency.AFTER_POLLS, polls=2)
    att = spare.attach(running, 1)
    with pytest.raises(InvalidStateError) as e:
        att.detach()
    assert e.value.ec2_code == "IncorrectState"


def test_primary_interface_cannot_be_detached(nic):
    """The interface at device index 0 never detaches: EPERM / OperationNotPermitted."""
    with pytest.raises(PermissionDeniedError) as e:
        nic.detach()
    assert e.value.code == ErrorCode.EPERM and e.value.name == "ENI_EPERM"
    assert e.value.ec2_code == "OperationNotPermitted"
    assert isinstance(e.value, PermissionError)
    assert nic.attachment.status == AttachmentStatus.ATTACHED


def test_interface_limit_per_type(ctx, running, subnet):
    """m5.large takes 3 interfaces: a fourth is AttachmentLimitExceeded."""
    assert InstanceType.lookup(running.instance_type).max_interfaces == 3
    for index in (1, 2):
        subnet.create_network_interface().attach(running, index)
    ctx.poll()
    fourth = subnet.create_network_interface()
    with pytest.raises(LimitExceededError) as e:
        fourth.attach(running, 3)
    assert e.value.ec2_code == "AttachmentLimitExceeded"
    assert fourth.status == InterfaceStatus.AVAILABLE
    assert len(running.attachments()) == 3


def test_attach_refusals(ctx, running, nic, spare, vpc):
    """An ENI in use, a taken device index, or another zone are refused."""
    with pytest.raises(InUseError) as in_use:
        nic.attach(running, 1)
    assert in_use.value.ec2_code == "InvalidNetworkInterface.InUse"
    with pytest.raises(InvalidParameterError):
        spare.attach(running, 0)
    elsewhere = vpc.create_subnet("10.0.2.0/24", "us-east-1b").create_network_interface()
    with pytest.raises(InvalidParameterError) as zone:
        elsewhere.attach(running, 1)
    assert "us-east-1b" in zone.value.message
    assert spare.status == InterfaceStatus.AVAILABLE


def test_delete_attached_interface_refused(ctx, nic, spare):
    """DeleteNetworkInterface while attached: InvalidNetworkInterface.InUse."""
    with pytest.raises(InUseError) as e:
        nic.delete()
    assert e.value.ec2_code == "InvalidNetworkInterface.InUse"
    spare.delete()
    assert spare not in ctx.network_interfaces()


def test_delete_on_termination_setter(ctx, running, spare):
    """ModifyNetworkInterfaceAttribute Attachment: the flag decides the ENI's fate at termination."""
    att = spare.attach(running, 1)
    ctx.poll()
    assert not att.delete_on_termination
    att.delete_on_termination = True
    assert att.delete_on_termination
    running.set_state(S.SHUTTING_DOWN)
    ctx.poll()
    with pytest.raises(StaleIdError):
        spare.status


# ---- interface addresses and attributes ------------------------------------------

def test_assign_private_ips_by_count(subnet, spare):
    """AssignPrivateIpAddresses with a count: libeni picks free addresses of the subnet."""
    free = subnet.available_ip_address_count
    spare.assign_private_ip_addresses(count=2)
    addrs = spare.addresses
    assert [a.family for a in addrs] == [4, 4, 4]
    assert [a.primary for a in addrs] == [True, False, False]
    assert addrs[0].address == spare.private_ip_address
    net = ipaddress.ip_network(subnet.cidr_block)
    assert all(ipaddress.ip_address(a.address) in net for a in addrs)
    assert len({a.address for a in addrs}) == 3
    assert subnet.available_ip_address_count == free - 2


def test_assign_and_unassign_explicit_private_ip(spare, nic):
    """Explicit secondary IPv4: assigned, unassigned; the primary and a taken one are refused."""
    spare.assign_private_ip_addresses(["10.0.1.100"])
    assert spare.private_ip_addresses == [spare.private_ip_address, "10.0.1.100"]
    spare.unassign_private_ip_addresses(["10.0.1.100"])
    assert spare.private_ip_addresses == [spare.private_ip_address]
    with pytest.raises(InvalidParameterError):
        spare.unassign_private_ip_addresses([spare.private_ip_address])
    with pytest.raises(InUseError):
        spare.assign_private_ip_addresses([nic.private_ip_address])
    assert spare.private_ip_addresses == [spare.private_ip_address]


def test_private_ip_limit_of_attached_type(ctx, nic):
    """An attached m5.large interface holds at most 10 IPv4 addresses."""
    nic.assign_private_ip_addresses(count=9)
    with pytest.raises(LimitExceededError) as e:
        nic.assign_private_ip_addresses(count=1)
    assert e.value.ec2_code == "PrivateIpAddressLimitExceeded"
    assert len(nic.private_ip_addresses) == 10


def test_ipv6_assign_and_unassign(spare):
    """AssignIpv6Addresses by count and explicitly; IPv6 follows IPv4 in the address list."""
    spare.assign_ipv6_addresses(count=2)
    spare.assign_ipv6_addresses(["2001:db8:0:100::abcd"])
    v6 = spare.ipv6_addresses
    assert len(v6) == 3 and v6[-1] == "2001:db8:0:100::abcd"
    assert all(ipaddress.ip_address(a) in ipaddress.ip_network("2001:db8:0:100::/64") for a in v6)
    assert [a.family for a in spare.addresses] == [4, 6, 6, 6]
    assert not any(a.primary for a in spare.addresses if a.family == 6)
    spare.unassign_ipv6_addresses(["2001:db8:0:100::abcd"])
    assert spare.ipv6_addresses == v6[:2]


def test_ipv6_needs_an_ipv6_subnet(vpc):
    """IPv6 on an interface of an IPv4-only subnet is refused."""
    nic = vpc.create_subnet("10.0.9.0/24").create_network_interface()
    with pytest.raises(InvalidParameterError):
        nic.assign_ipv6_addresses(count=1)
    assert nic.ipv6_addresses == []


def test_interface_attribute_setters(vpc, spare, web, db):
    """ModifyNetworkInterfaceAttribute: description, source/dest check, groups (in order)."""
    assert spare.description == "spare"
    spare.description = "changed"
    assert spare.description == "changed"
    assert spare.source_dest_check
    spare.source_dest_check = False
    assert not spare.source_dest_check
    spare.groups = [web, db]
    assert spare.groups == [web, db]
    with pytest.raises(InvalidParameterError):
        spare.groups = []
    other_vpc_group = spare.context.create_vpc("10.9.0.0/16").create_security_group("x", "y")
    with pytest.raises(InvalidParameterError):
        spare.groups = [other_vpc_group]
    assert spare.groups == [web, db]


def test_create_interface_defaults(vpc, subnet):
    """CreateNetworkInterface: the default group when none is given, an explicit primary IPv4."""
    nic = subnet.create_network_interface(private_ip_address="10.0.1.77")
    assert nic.groups == [vpc.default_security_group]
    assert nic.private_ip_address == "10.0.1.77"
    assert nic.status == InterfaceStatus.AVAILABLE and nic.attachment is None
    assert nic.interface_type == libeni.InterfaceType.INTERFACE
    assert nic.mac_address.startswith("02:")
    with pytest.raises(InUseError) as e:
        subnet.create_network_interface(private_ip_address="10.0.1.77")
    assert e.value.ec2_code == "InvalidIPAddress.InUse"


def test_network_interfaces_filters(ctx, vpc, running, nic, spare, web, db):
    """DescribeNetworkInterfaces filters by VPC, subnet, instance, group and status."""
    other = vpc.create_subnet("10.0.2.0/24", "us-east-1b").create_network_interface(groups=[db])
    assert ctx.network_interfaces() == [nic, spare, other]
    assert ctx.network_interfaces(vpc=vpc) == [nic, spare, other]
    assert ctx.network_interfaces(subnet=other.subnet) == [other]
    assert ctx.network_interfaces(instance=running) == [nic]
    assert ctx.network_interfaces(group=web) == [nic]
    assert ctx.network_interfaces(group=db) == [spare, other]
    assert ctx.network_interfaces(status=[InterfaceStatus.IN_USE]) == [nic]
    assert ctx.network_interfaces(status=[InterfaceStatus.AVAILABLE]) == [spare, other]
    assert ctx.network_interfaces(group=db, subnet=nic.subnet) == [spare]


# ---- Elastic IPs -------------------------------------------------------------------

def test_allocate_address(ctx):
    """AllocateAddress: a public IPv4 from 198.18.0.0/15, not associated."""
    eip = ctx.allocate_address()
    assert ipaddress.ip_address(eip.public_ip) in ipaddress.ip_network("198.18.0.0/15")
    assert eip.association is None and eip.network_interface is None
    assert eip.private_ip_address is None and eip.instance is None
    assert ctx.addresses() == [eip]
    assert str(eip).startswith("eipalloc-")


def test_associate_address_shows_on_interface(ctx, running, nic):
    """AssociateAddress maps the EIP to the primary private IPv4; the ENI shows it."""
    eip = ctx.allocate_address()
    assoc = eip.associate(nic)
    assert str(assoc).startswith("eipassoc-")
    assert eip.association == assoc
    assert (eip.network_interface, eip.instance) == (nic, running)
    assert eip.private_ip_address == nic.private_ip_address
    assert nic.public_ip == eip.public_ip
    primary = nic.addresses[0]
    assert primary.primary and primary.public_ip == eip.public_ip and primary.elastic_ip == eip


def test_associate_address_with_secondary_ip(ctx, nic):
    """AssociateAddress with a PrivateIpAddress maps to that secondary address."""
    nic.assign_private_ip_addresses(["10.0.1.50"])
    eip = ctx.allocate_address()
    eip.associate(nic, "10.0.1.50")
    assert eip.private_ip_address == "10.0.1.50"
    assert nic.public_ip is None
    assert [a.elastic_ip for a in nic.addresses] == [None, eip]


def test_disassociate_address(ctx, nic):
    """DisassociateAddress: the public IPv4 leaves the ENI; repeating it is harmless, by
    association id as by Elastic IP (idempotent, as eni_eip_disassociate and EC2's)."""
    eip = ctx.allocate_address()
    assoc = eip.associate(nic)
    eip.disassociate()
    assert eip.association is None and nic.public_ip is None
    before = ctx.dump()
    assoc.disassociate()
    eip.disassociate()
    assert ctx.dump() == before


def test_eip_disassociate_is_idempotent_in_c_and_python(ctx, nic):
    """eni_eip_disassociate itself answers ENI_OK for an association that already ended,
    so neither ElasticIp.disassociate() nor ElasticIpAssociation.disassociate() raises on a
    second call."""
    from libeni._ffi import lib
    eip = ctx.allocate_address()
    assoc = eip.associate(nic)
    assert lib.eni_eip_disassociate(ctx._ptr, assoc._cid()) == lib.ENI_OK
    assert lib.eni_eip_disassociate(ctx._ptr, assoc._cid()) == lib.ENI_OK  # the C side
    eip.associate(nic)
    eip.disassociate()
    eip.disassociate()
    eip.associate(nic).disassociate()
    assoc.disassociate()
    assert eip.association is None and nic.public_ip is None
    ctx.check()


def test_release_address(ctx):
    """ReleaseAddress: gone from the list; its id is stale afterwards."""
    eip = ctx.allocate_address()
    eip.release()
    assert ctx.addresses() == []
    with pytest.raises(StaleIdError) as e:
        eip.public_ip
    assert e.value.ec2_code == "InvalidAllocationID.NotFound"


def test_release_associated_address_refused(ctx, nic):
    """ReleaseAddress while associated: InvalidIPAddress.InUse; it stays associated."""
    eip = ctx.allocate_address()
    eip.associate(nic)
    with pytest.raises(InUseError) as e:
        eip.release()
    assert e.value.ec2_code == "InvalidIPAddress.InUse"
    assert nic.public_ip == eip.public_ip and ctx.addresses() == [eip]


# ---- mock backend controls -----------------------------------------------------------

def test_after_polls_latency(ctx, running, spare):
    """With AFTER_POLLS 3 the attach completes during the third poll, not before."""
    ctx.mock.configure(MockLatency.AFTER_POLLS, polls=3)
    att = spare.attach(running, 1)
    for _ in range(2):
        assert not of_type(ctx.poll(), EventType.ATTACH_COMPLETED)
        assert att.status == AttachmentStatus.ATTACHING
        assert spare.status == InterfaceStatus.ATTACHING
    done, = of_type(ctx.poll(), EventType.ATTACH_COMPLETED)
    assert done.subject == att
    assert att.status == AttachmentStatus.ATTACHED


def test_mock_configure_needs_polls(ctx):
    """AFTER_POLLS needs at least one poll."""
    with pytest.raises(InvalidParameterError):
        ctx.mock.configure(MockLatency.AFTER_POLLS, polls=0)


def test_fail_nth_attach(ctx, running, spare):
    """A failed completion: ATTACH_FAILED with the backend's error, and everything rolled back."""
    ctx.mock.fail_nth(MockOp.ATTACH, 1, os_errno=5)
    att = spare.attach(running, 1)
    failed, = of_type(ctx.poll(), EventType.ATTACH_FAILED)
    assert failed.subject == att and failed.related == spare
    assert failed.status == ErrorCode.EBACKEND and failed.os_errno == 5
    assert failed.state == AttachmentStatus.DETACHED
    assert spare.status == InterfaceStatus.AVAILABLE and spare.attachment is None
    assert ctx.mock.counters.failures == 1
    again = spare.attach(running, 1)  # the index is free again
    ctx.poll()
    assert again.status == AttachmentStatus.ATTACHED


def test_fail_nth_attach_sync(ctx, running, spare):
    """A synchronous backend failure raises BackendError with the errno and changes nothing."""
    ctx.mock.fail_nth(MockOp.ATTACH, 1, os_errno=5, sync=True)
    before = ctx.dump()
    with pytest.raises(BackendError) as e:
        spare.attach(running, 1)
    assert e.value.os_errno == 5 and isinstance(e.value, OSError)
    assert ctx.dump() == before
    assert spare.status == InterfaceStatus.AVAILABLE


def test_dropped_completion_times_out(ctx, running, spare):
    """A completion that never comes is rolled back after the op timeout (ETIMEDOUT)."""
    ctx.set_op_timeout(0.001)
    ctx.mock.drop_nth(MockOp.ATTACH, 1)
    att = spare.attach(running, 1)
    time.sleep(0.02)
    failed, = of_type(ctx.poll(), EventType.ATTACH_FAILED)
    assert failed.subject == att and failed.status == ErrorCode.ETIMEDOUT
    assert spare.status == InterfaceStatus.AVAILABLE
    assert ctx.mock.counters.drops == 1


def test_remove_device(ctx, running, spare):
    """A device that vanishes is reported as DEVICE_REMOVED and the ENI is detached."""
    att = spare.attach(running, 1)
    ctx.poll()
    devices = ctx.mock.counters.devices
    ctx.mock.remove_device(att)
    removed, = of_type(ctx.poll(), EventType.DEVICE_REMOVED)
    assert removed.subject == att and removed.related == spare
    assert (removed.attachment, removed.network_interface, removed.instance) == \
        (att, spare, running)
    assert spare.status == InterfaceStatus.AVAILABLE and spare.attachment is None
    counters = ctx.mock.counters
    assert counters.removals == 1 and counters.devices == devices - 1


def test_set_link(ctx, running, nic):
    """A link change is reported as LINK_CHANGE (state 0 down, 1 up) and shows on the attachment."""
    att = nic.attachment
    ctx.mock.set_link(att, False)
    down, = of_type(ctx.poll(), EventType.LINK_CHANGE)
    assert (down.subject, down.related, down.state) == (att, nic, 0)
    assert (down.attachment, down.network_interface, down.instance) == (att, nic, running)
    assert down.link_up is False
    assert not att.link_up and not att.device.link_up
    ctx.mock.set_link(att, True)
    up, = of_type(ctx.poll(), EventType.LINK_CHANGE)
    assert up.state == 1 and up.link_up is True and att.link_up


def test_mock_counters(ctx, running, spare):
    """The mock counts attach and detach calls, completions and live devices."""
    base = ctx.mock.counters
    assert (base.devices, base.attach_calls, base.completions) == (1, 1, 1)
    att = spare.attach(running, 1)
    ctx.poll()
    att.detach()
    ctx.poll()
    c = ctx.mock.counters
    assert (c.attach_calls, c.detach_calls, c.completions, c.devices) == (2, 1, 3, 1)
    assert (c.failures, c.drops, c.removals) == (0, 0, 0)
