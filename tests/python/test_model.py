# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The model through the bindings: the context, VPCs and subnets, security
groups and their rules, prefix lists, and the id wrappers."""
import ipaddress
import re

import pytest

import libeni
from libeni import (AlreadyExistsError, ContextClosedError, DependencyViolationError,
                    InvalidParameterError, LimitExceededError, NotFoundError, PeerKind,
                    PermissionDeniedError, Rule, RuleDirection, SecurityGroup,
                    SecurityGroupRule, StaleIdError, Subnet, Vpc)

ID_RE = r"[0-9a-f]{17}"


def build(ctx):
    """The same small model in any context: its objects' id strings, in order."""
    vpc = ctx.create_vpc("10.0.0.0/16")
    subnet = vpc.create_subnet("10.0.1.0/24", "us-east-1a")
    sg = vpc.create_security_group("web", "web servers")
    rule, = sg.authorize_ingress(Rule("tcp", 443, cidr="0.0.0.0/0"))
    nic = subnet.create_network_interface(groups=[sg])
    return [o.id for o in (vpc, subnet, sg, rule, nic)]


# ---- the context -------------------------------------------------------------

def test_context_manager_closes_on_exit():
    """Leaving the with-block frees the model: the context reports closed."""
    with libeni.Context(seed=1) as c:
        assert not c.closed
        assert c.backend_name == "mock"
        vpc = c.create_vpc("10.0.0.0/16")
        assert vpc.cidr_block == "10.0.0.0/16"
    assert c.closed
    assert repr(c) == "<libeni.Context closed>"


def test_close_is_idempotent():
    """close() may be called again: the second call does nothing."""
    c = libeni.Context(seed=1)
    c.close()
    c.close()
    assert c.closed


@pytest.mark.parametrize("call", [
    lambda c, vpc: c.dump(),
    lambda c, vpc: c.check(),
    lambda c, vpc: c.quotas,
    lambda c, vpc: c.poll(),
    lambda c, vpc: c.create_vpc("10.1.0.0/16"),
    lambda c, vpc: c.get("vpc-0123456789abcdef0"),
    lambda c, vpc: c.evaluator(),
    lambda c, vpc: vpc.cidr_block,
    lambda c, vpc: vpc.subnets(),
    lambda c, vpc: vpc.id,
    lambda c, vpc: str(vpc),
], ids=["dump", "check", "quotas", "poll", "create_vpc", "get", "evaluator", "vpc.cidr_block",
        "vpc.subnets", "vpc.id", "str(vpc)"])
def test_calls_after_close_raise_context_closed(call):
    """Every call through a closed context, or an object of it, raises ContextClosedError."""
    c = libeni.Context(seed=1)
    vpc = c.create_vpc("10.0.0.0/16")
    c.close()
    with pytest.raises(ContextClosedError):
        call(c, vpc)
    assert issubclass(ContextClosedError, ValueError)
    assert re.fullmatch(r"<Vpc 0x[0-9a-f]{16}>", repr(vpc))  # repr never raises


def test_seed_makes_id_strings_reproducible():
    """Two contexts with the same seed and the same calls hand out the same id strings."""
    with libeni.Context(seed=42) as a, libeni.Context(seed=42) as b, \
            libeni.Context(seed=43) as other:
        ids_a, ids_b, ids_other = build(a), build(b), build(other)
        assert ids_a == ids_b
        assert ids_a != ids_other
        assert len(set(ids_a)) == len(ids_a)
        assert a.dump() == b.dump()


def test_get_by_id_string_returns_the_right_wrapper(ctx, vpc, subnet, web):
    """DescribeX by id: ctx.get() returns a wrapper of the object's class, equal to the original."""
    rule = web.egress_rules[0]
    for obj, cls in ((vpc, Vpc), (subnet, Subnet), (web, SecurityGroup),
                     (rule, SecurityGroupRule)):
        got = ctx.get(obj.id)
        assert type(got) is cls
        assert got == obj
        assert got is not obj


def test_get_malformed_and_unknown_ids(ctx, vpc):
    """A malformed id is <Kind>.Malformed; a well-formed unknown one <Kind>.NotFound."""
    with pytest.raises(InvalidParameterError) as bad:
        ctx.get("vpc-123")
    assert bad.value.ec2_code == "InvalidVpcID.Malformed"
    with pytest.raises(NotFoundError) as unknown:
        ctx.get("vpc-0123456789abcdef0")
    assert unknown.value.ec2_code == "InvalidVpcID.NotFound"
    sg = vpc.create_security_group("gone", "deleted")
    sg_id = sg.id
    sg.delete()
    with pytest.raises(NotFoundError) as deleted:
        ctx.get(sg_id)
    assert deleted.value.ec2_code == "InvalidGroup.NotFound"


def test_dump_shows_every_object_and_follows_changes(ctx, vpc, subnet, web):
    """The canonical dump names every object and changes with the model."""
    before = ctx.dump()
    for text in (vpc.id, subnet.id, web.id, "10.0.0.0/16", "10.0.1.0/24", 'name="web"'):
        assert text in before
    rule, = web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    after = ctx.dump()
    assert after != before
    assert rule.id in after and "198.51.100.0/24" in after
    assert ctx.dump() == after  # reading it changes nothing


def test_check_accepts_a_consistent_model(ctx, running, web, db):
    """The invariant checker finds nothing wrong after a run of ordinary changes."""
    web.authorize_ingress(Rule("tcp", 5432, group=db))
    nic = running.network_interfaces[0]
    nic.assign_private_ip_addresses(count=2)
    nic.groups = [web, db]
    assert ctx.check() is None


def test_quotas_are_ec2_defaults(ctx):
    """Default quotas: 5 EIPs, 5000 ENIs, 2500 groups, 60 rules per group, 5 groups per ENI."""
    q = ctx.quotas
    assert (q.elastic_ips, q.network_interfaces, q.security_groups, q.rules_per_group,
            q.groups_per_interface) == (5, 5000, 2500, 60, 5)


def test_set_quotas_changes_only_given_fields_and_is_enforced(ctx):
    """A 0 field keeps its quota; a lowered Elastic IP quota refuses the next allocation."""
    ctx.set_quotas(elastic_ips=1, groups_per_interface=10)
    q = ctx.quotas
    assert (q.elastic_ips, q.groups_per_interface) == (1, 10)
    assert (q.network_interfaces, q.security_groups, q.rules_per_group) == (5000, 2500, 60)
    ctx.allocate_address()
    with pytest.raises(LimitExceededError) as e:
        ctx.allocate_address()
    assert e.value.ec2_code == "AddressLimitExceeded"


@pytest.mark.parametrize("kwargs", [
    dict(groups_per_interface=17),
    dict(groups_per_interface=16, rules_per_group=100),
], ids=["groups-per-eni-above-16", "groups-x-rules-above-1000"])
def test_set_quotas_bad_value_refused(ctx, kwargs):
    """EC2's limits: groups per interface <= 16 and groups x rules <= 1000."""
    before = ctx.quotas
    with pytest.raises(InvalidParameterError) as e:
        ctx.set_quotas(**kwargs)
    assert e.value.ec2_code == "InvalidParameterValue"
    assert ctx.quotas == before


# ---- VPCs and subnets --------------------------------------------------------

def test_create_vpc_with_default_group(ctx, vpc):
    """CreateVpc: the CIDR blocks, and a default group named 'default' that is listed."""
    assert vpc.cidr_block == "10.0.0.0/16"
    assert vpc.ipv6_cidr_block == "2001:db8:0:100::/56"
    dg = vpc.default_security_group
    assert dg.is_default and dg.name == "default" and dg.vpc == vpc
    assert vpc.security_groups() == [dg]
    assert ctx.vpcs() == [vpc]
    assert ctx.create_vpc("10.1.0.0/16").ipv6_cidr_block is None


def test_subnet_properties(subnet, vpc):
    """CreateSubnet: blocks, zone, VPC; five addresses reserved; interfaces use addresses."""
    assert subnet.cidr_block == "10.0.1.0/24"
    assert subnet.ipv6_cidr_block == "2001:db8:0:100::/64"
    assert subnet.availability_zone == "us-east-1a"
    assert subnet.vpc == vpc
    assert subnet.available_ip_address_count == 256 - 5
    assert subnet.interface_count == 0
    subnet.create_network_interface()
    assert subnet.available_ip_address_count == 256 - 6
    assert subnet.interface_count == 1


def test_vpc_lists_its_subnets_in_id_order(vpc, subnet):
    """vpc.subnets() returns every subnet of the VPC."""
    second = vpc.create_subnet("10.0.2.0/24", "us-east-1b")
    assert vpc.subnets() == [subnet, second]
    second.delete()
    assert vpc.subnets() == [subnet]


def test_delete_vpc_with_subnet_refused(ctx, vpc, subnet):
    """DeleteVpc while it has a subnet: DependencyViolation; once emptied it goes."""
    with pytest.raises(DependencyViolationError) as e:
        vpc.delete()
    assert e.value.ec2_code == "DependencyViolation"
    assert ctx.vpcs() == [vpc]
    subnet.delete()
    vpc.delete()
    assert ctx.vpcs() == []
    with pytest.raises(StaleIdError):
        vpc.cidr_block


def test_delete_subnet_with_interface_refused(subnet):
    """DeleteSubnet while an interface is in it: DependencyViolation."""
    nic = subnet.create_network_interface()
    with pytest.raises(DependencyViolationError) as e:
        subnet.delete()
    assert e.value.ec2_code == "DependencyViolation"
    nic.delete()
    subnet.delete()


@pytest.mark.parametrize("cidr, ec2_code", [
    ("10.0.0.0/33", "InvalidParameterValue"),
    ("not-a-cidr", "InvalidParameterValue"),
    ("10.0.0.1/16", "InvalidVpc.Range"),   # host bits set
    ("10.0.0.0/8", "InvalidVpc.Range"),    # larger than /16
])
def test_malformed_vpc_cidr(ctx, cidr, ec2_code):
    """CreateVpc with a bad CIDR: InvalidParameterError with EC2's code, and no VPC."""
    with pytest.raises(InvalidParameterError) as e:
        ctx.create_vpc(cidr)
    assert e.value.ec2_code == ec2_code
    assert cidr in e.value.message
    assert ctx.vpcs() == []


def test_subnet_cidr_outside_or_overlapping(vpc, subnet):
    """A subnet outside the VPC is InvalidSubnet.Range; an overlapping one InvalidSubnet.Conflict."""
    with pytest.raises(InvalidParameterError) as outside:
        vpc.create_subnet("10.1.0.0/24")
    assert outside.value.ec2_code == "InvalidSubnet.Range"
    with pytest.raises(libeni.InUseError) as overlap:
        vpc.create_subnet("10.0.1.128/25")
    assert overlap.value.ec2_code == "InvalidSubnet.Conflict"
    assert vpc.subnets() == [subnet]


def test_subnet_flag_setters(vpc, subnet):
    """ModifySubnetAttribute: each flag is set and cleared on its own."""
    assert not subnet.map_public_ip_on_launch and not subnet.assign_ipv6_address_on_creation
    subnet.map_public_ip_on_launch = True
    assert subnet.map_public_ip_on_launch and not subnet.assign_ipv6_address_on_creation
    subnet.assign_ipv6_address_on_creation = True
    assert subnet.map_public_ip_on_launch and subnet.assign_ipv6_address_on_creation
    assert len(subnet.create_network_interface().ipv6_addresses) == 1
    subnet.map_public_ip_on_launch = False
    assert not subnet.map_public_ip_on_launch and subnet.assign_ipv6_address_on_creation


def test_subnet_flags_at_creation(ctx, vpc, web):
    """CreateSubnet flags: MapPublicIpOnLaunch gives a launched primary ENI a public IPv4."""
    public = vpc.create_subnet("10.0.2.0/24", ipv6_cidr_block="2001:db8:0:101::/64",
                               map_public_ip_on_launch=True, assign_ipv6_address_on_creation=True)
    assert public.map_public_ip_on_launch and public.assign_ipv6_address_on_creation
    inst = ctx.run_instance("m5.large", subnet=public, groups=[web])
    primary = inst.network_interfaces[0]
    assert ipaddress.ip_address(primary.public_ip) in ipaddress.ip_network("198.18.0.0/15")
    assert len(primary.ipv6_addresses) == 1
    quiet = ctx.run_instance("m5.large", [libeni.LaunchInterface(
        subnet=public, associate_public_ip_address=False)])
    assert quiet.network_interfaces[0].public_ip is None


def test_ipv6_on_creation_needs_ipv6_block(vpc):
    """AssignIpv6AddressOnCreation on a subnet without IPv6 is refused."""
    v4only = vpc.create_subnet("10.0.9.0/24")
    with pytest.raises(InvalidParameterError):
        v4only.assign_ipv6_address_on_creation = True
    assert not v4only.assign_ipv6_address_on_creation


# ---- security groups ---------------------------------------------------------

def test_default_group_rules(vpc):
    """The default group: all inbound from itself, all outbound to 0.0.0.0/0 and ::/0."""
    dg = vpc.default_security_group
    inbound, = dg.ingress_rules
    assert inbound.protocol == "all" and inbound.peer_kind == PeerKind.GROUP
    assert inbound.referenced_group == dg and inbound.cidr is None
    assert sorted(r.cidr for r in dg.egress_rules) == ["0.0.0.0/0", "::/0"]
    assert all(r.protocol == "all" and r.is_egress for r in dg.egress_rules)


def test_new_group_has_default_egress_rule_only(vpc, web):
    """A new group: no inbound rule, outbound rules allowing all IPv4 and (the VPC
    has an IPv6 block) all IPv6, as EC2 gives it (docs/ec2-sections.md 4.2)."""
    assert (web.name, web.description, web.vpc, web.is_default) == \
        ("web", "web servers", vpc, False)
    assert web.ingress_rules == []
    egress, egress6 = web.egress_rules
    assert egress.direction == RuleDirection.EGRESS and egress.is_egress
    assert (egress.protocol, egress.from_port, egress.to_port, egress.cidr) == \
        ("all", -1, -1, "0.0.0.0/0")
    assert (egress6.protocol, egress6.cidr) == ("all", "::/0")
    assert egress.group == web
    assert web in vpc.security_groups()


def test_authorize_ingress_returns_rule_objects(web):
    """AuthorizeSecurityGroupIngress returns the new rules, with canonical CIDRs."""
    rules = web.authorize_ingress(
        Rule("tcp", 8000, 8080, cidr="10.0.0.9/8", description="app"),
        Rule("udp", 53, cidr="2001:db8::/32"))
    assert all(isinstance(r, SecurityGroupRule) for r in rules)
    tcp, udp = rules
    assert (tcp.protocol, tcp.from_port, tcp.to_port, tcp.cidr, tcp.description) == \
        ("tcp", 8000, 8080, "10.0.0.0/8", "app")
    assert (udp.protocol, udp.from_port, udp.to_port, udp.cidr) == ("udp", 53, 53, "2001:db8::/32")
    assert tcp.direction == RuleDirection.INGRESS and not tcp.is_egress
    assert tcp.peer_kind == PeerKind.CIDR and tcp.group == web
    assert web.ingress_rules == rules


def test_single_port_rule_means_that_port(web):
    """Rule("tcp", 443, cidr=...) is port 443..443, and to_rule() gives it back."""
    rule, = web.authorize_ingress(Rule("tcp", 443, cidr="0.0.0.0/0"))
    assert (rule.from_port, rule.to_port) == (443, 443)
    assert rule.to_rule() == Rule("tcp", 443, 443, cidr="0.0.0.0/0")


def test_icmp_rule_type_and_code(web):
    """ICMP rules carry the type in from_port and the code in to_port (-1 = any)."""
    echo, = web.authorize_ingress(Rule("icmp", 8, cidr="0.0.0.0/0"))
    assert (echo.protocol, echo.from_port, echo.to_port) == ("icmp", 8, -1)


def test_authorize_egress(web):
    """AuthorizeSecurityGroupEgress adds outbound rules after the default one."""
    rule, = web.authorize_egress(Rule("tcp", 443, cidr="::/0"))
    assert rule.is_egress and rule.cidr == "::/0"
    assert web.egress_rules[-1] == rule and len(web.egress_rules) == 3
    assert web.ingress_rules == []


def test_group_referencing_rule(web, db):
    """A rule can name another group of the VPC; that group cannot be deleted then."""
    rule, = web.authorize_ingress(Rule("tcp", 5432, group=db))
    assert rule.peer_kind == PeerKind.GROUP
    assert rule.referenced_group == db and rule.cidr is None and rule.prefix_list is None
    assert rule.to_rule().group == db
    assert db.referenced_by == 1
    with pytest.raises(DependencyViolationError):
        db.delete()
    web.revoke(rule)
    assert db.referenced_by == 0
    db.delete()


def test_prefix_list_rule(ctx, web):
    """A rule can name a prefix list; the list cannot be deleted while referenced."""
    pl = ctx.create_prefix_list("office", 5, entries=["192.0.2.0/24"])
    rule, = web.authorize_ingress(Rule("tcp", 443, prefix_list=pl))
    assert rule.peer_kind == PeerKind.PREFIX_LIST
    assert rule.prefix_list == pl and rule.referenced_group is None and rule.cidr is None
    assert pl.referenced_by == 1
    with pytest.raises(DependencyViolationError) as e:
        pl.delete()
    assert e.value.ec2_code == "DependencyViolation"


def test_duplicate_rule_refused(web):
    """Adding a rule that exists (even in non-canonical form) is InvalidPermission.Duplicate."""
    web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    with pytest.raises(AlreadyExistsError) as e:
        web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.77/24"))
    assert e.value.ec2_code == "InvalidPermission.Duplicate"
    assert len(web.ingress_rules) == 1


def test_authorize_is_all_or_nothing(web):
    """A batch with one bad rule adds none of them."""
    with pytest.raises(AlreadyExistsError):
        web.authorize_ingress(Rule("tcp", 1, cidr="192.0.2.0/24"),
                              Rule("tcp", 1, cidr="192.0.2.0/24"))
    assert web.ingress_rules == []


def test_revoke_by_contents(web):
    """RevokeSecurityGroupIngress matches protocol, ports and peer, not the description."""
    keep, gone = web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"),
                                       Rule("tcp", 443, cidr="0.0.0.0/0", description="https"))
    web.revoke_ingress(Rule("tcp", 443, cidr="0.0.0.0/0"))
    assert web.ingress_rules == [keep]
    with pytest.raises(NotFoundError) as e:
        web.revoke_ingress(Rule("tcp", 443, cidr="0.0.0.0/0"))
    assert e.value.ec2_code == "InvalidPermission.NotFound"
    web.revoke_egress(Rule("all", cidr="0.0.0.0/0"), Rule("all", cidr="::/0"))
    assert web.egress_rules == []


def test_revoke_by_id(web):
    """Revoke by SecurityGroupRuleIds; the revoked rule's id is then stale."""
    a, b = web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"),
                                 Rule("udp", 53, cidr="198.51.100.0/24"))
    web.revoke(a)
    assert web.ingress_rules == [b]
    with pytest.raises(StaleIdError) as e:
        a.protocol
    assert e.value.ec2_code == "InvalidSecurityGroupRuleId.NotFound"
    with pytest.raises(NotFoundError):
        web.revoke(a)


def test_delete_group_in_use_refused(vpc, subnet, web):
    """DeleteSecurityGroup while an interface uses it: DependencyViolation."""
    nic = subnet.create_network_interface(groups=[web])
    with pytest.raises(DependencyViolationError) as e:
        web.delete()
    assert e.value.ec2_code == "DependencyViolation"
    assert web.interface_count == 1
    nic.delete()
    web.delete()
    assert web not in vpc.security_groups()


def test_delete_default_group_refused(vpc):
    """The default group cannot be deleted (CannotDelete)."""
    with pytest.raises(PermissionDeniedError) as e:
        vpc.default_security_group.delete()
    assert e.value.ec2_code == "CannotDelete"


def test_group_names(vpc, web):
    """Names are unique per VPC, and 'default' is reserved."""
    with pytest.raises(AlreadyExistsError) as dup:
        vpc.create_security_group("web", "again")
    assert dup.value.ec2_code == "InvalidGroup.Duplicate"
    with pytest.raises(InvalidParameterError) as reserved:
        vpc.create_security_group("default", "mine")
    assert reserved.value.ec2_code == "InvalidGroup.Reserved"


def test_rule_needs_exactly_one_peer(web, db):
    """A Rule with no peer or two peers is refused before reaching the library."""
    with pytest.raises(ValueError):
        web.authorize_ingress(Rule("tcp", 22))
    with pytest.raises(ValueError):
        web.authorize_ingress(Rule("tcp", 22, cidr="0.0.0.0/0", group=db))
    with pytest.raises(TypeError):
        web.authorize_ingress(("tcp", 22, "0.0.0.0/0"))
    assert web.ingress_rules == []


# ---- prefix lists ------------------------------------------------------------

def test_create_prefix_list_with_entries(ctx):
    """CreateManagedPrefixList: entries canonical, in the order given."""
    pl = ctx.create_prefix_list("office", 5, entries=["10.2.0.0/16", "10.1.0.9/16"])
    assert (pl.name, pl.family, pl.max_entries) == ("office", 4, 5)
    assert pl.entries == ["10.2.0.0/16", "10.1.0.0/16"]
    assert ctx.prefix_lists() == [pl]
    assert re.fullmatch(r"pl-" + ID_RE, pl.id)


def test_modify_prefix_list_add_and_remove(ctx):
    """ModifyManagedPrefixList adds at the end and removes in place, in one step."""
    pl = ctx.create_prefix_list("office", 5, entries=["10.1.0.0/16", "10.2.0.0/16"])
    pl.modify(add=["192.0.2.0/24", "198.51.100.0/24"], remove=["10.1.0.0/16"])
    assert pl.entries == ["10.2.0.0/16", "192.0.2.0/24", "198.51.100.0/24"]
    pl.modify(remove=["192.0.2.0/24"])
    assert pl.entries == ["10.2.0.0/16", "198.51.100.0/24"]


def test_prefix_list_max_entries_exceeded(ctx):
    """More entries than max_entries is refused and changes nothing."""
    pl = ctx.create_prefix_list("office", 2, entries=["10.1.0.0/16"])
    with pytest.raises(LimitExceededError) as e:
        pl.modify(add=["10.2.0.0/16", "10.3.0.0/16"])
    assert e.value.ec2_code == "InvalidParameterValue"
    assert pl.entries == ["10.1.0.0/16"]
    with pytest.raises(LimitExceededError):
        ctx.create_prefix_list("tiny", 1, entries=["10.1.0.0/16", "10.2.0.0/16"])
    assert ctx.prefix_lists() == [pl]


def test_prefix_list_modification_errors(ctx):
    """Adding an entry twice, or one of the other family, is InvalidPrefixListModification."""
    pl = ctx.create_prefix_list("v6", 3, family=6, entries=["2001:db8::/32"])
    assert pl.family == 6
    with pytest.raises(InvalidParameterError) as dup:
        pl.modify(add=["2001:db8::/32"])
    assert dup.value.ec2_code == "InvalidPrefixListModification"
    with pytest.raises(InvalidParameterError):
        pl.modify(add=["10.0.0.0/8"])
    assert pl.entries == ["2001:db8::/32"]


# ---- id wrappers ---------------------------------------------------------------

def test_wrapper_equality(ctx, vpc, subnet):
    """Two wrappers of one object are equal; of different objects or kinds, not."""
    again = ctx.get(vpc.id)
    assert again == vpc and not (again != vpc)
    assert vpc != subnet
    assert vpc != vpc.id and vpc != vpc.id_value
    assert subnet.vpc == vpc


def test_wrappers_hash_as_dict_keys_and_in_sets(ctx, vpc, subnet, web, db):
    """Equal wrappers hash alike: sets de-duplicate, and a fresh wrapper finds its dict entry."""
    seen = {vpc, subnet, web, db, ctx.get(vpc.id), ctx.get(web.id)}
    assert len(seen) == 4
    names = {g: g.name for g in vpc.security_groups()}
    assert names[ctx.get(web.id)] == "web"
    assert names[vpc.default_security_group] == "default"


@pytest.mark.parametrize("attr, cls, prefix", [
    ("vpc", "Vpc", "vpc-"), ("subnet", "Subnet", "subnet-"), ("web", "SecurityGroup", "sg-"),
])
def test_repr_and_str(request, attr, cls, prefix):
    """repr names the class and the EC2 id; str is the EC2 id itself."""
    obj = request.getfixturevalue(attr)
    assert re.fullmatch(prefix + ID_RE, str(obj))
    assert str(obj) == obj.id
    assert repr(obj) == f"<{cls} {obj.id}>"


def test_rule_repr_and_context(ctx, web):
    """A rule's id is sgr-...; every wrapper knows its context and its raw id value."""
    rule = web.egress_rules[0]
    assert re.fullmatch(r"sgr-" + ID_RE, str(rule))
    assert repr(rule) == f"<SecurityGroupRule {rule.id}>"
    assert rule.context is ctx
    assert isinstance(rule.id_value, int) and rule.id_value != 0


def test_objects_of_two_contexts_are_never_equal():
    """Same seed, same calls, same id strings: still different objects of different models."""
    with libeni.Context(seed=5) as a, libeni.Context(seed=5) as b:
        va, vb = a.create_vpc("10.0.0.0/16"), b.create_vpc("10.0.0.0/16")
        assert va.id == vb.id and va.id_value == vb.id_value
        assert va != vb
        assert len({va, vb}) == 2
