# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Network ACLs, VPC CIDR blocks and delegated prefixes through the bindings
(docs/ec2-sections.md sections 9, 10 and 1.8)."""
import pytest

import libeni
from libeni import (AclEntry, AclRuleAction, AlreadyExistsError, DependencyViolationError,
                    InvalidParameterError, InvalidParameterTypeError, InUseError, Kind,
                    LimitExceededError, NetworkAcl, NotFoundError, PermissionDeniedError,
                    Reason, TrafficDirection)

IN, OUT = TrafficDirection.INBOUND, TrafficDirection.OUTBOUND
CLIENT = "203.0.113.7"


def test_s9_2_default_acl_allows_all_both_families(vpc, subnet):
    """Rules 100 and 101 both ways; every subnet starts with it."""
    acl = vpc.default_network_acl
    assert acl.is_default and acl.vpc == vpc and repr(acl).startswith("<NetworkAcl acl-")
    assert acl.id.startswith("acl-") and Kind.NETWORK_ACL.prefix == "acl-"
    assert [(e.rule_number, e.cidr, e.protocol, str(e.rule_action)) for e in acl.ingress_entries] \
        == [(100, "0.0.0.0/0", "all", "allow"), (101, "::/0", "all", "allow")]
    assert [e.egress for e in acl.egress_entries] == [True, True]
    assert subnet.network_acl == acl and acl.subnets == [subnet]
    assert vpc.network_acls() == [acl]
    with pytest.raises(PermissionDeniedError) as e:
        acl.delete()
    assert e.value.ec2_code == "InvalidParameterValue"


def test_s9_3_entries_and_association(ctx, vpc, subnet):
    acl = vpc.create_network_acl(id="acl-0a1b2c3d4e5f60718")
    assert acl.id == "acl-0a1b2c3d4e5f60718" and not acl.is_default and acl.entries == []
    acl.create_entry(AclEntry(100, "tcp", "deny", f"{CLIENT}/32", from_port=22))
    acl.create_entry(AclEntry(200, "icmp", AclRuleAction.ALLOW, "0.0.0.0/0", icmp_type=8))
    acl.create_entry(AclEntry(100, egress=True))
    first = acl.entry(100)
    assert (first.protocol, first.from_port, first.to_port, first.rule_action) == \
        ("tcp", 22, 22, AclRuleAction.DENY)
    assert acl.entry(200).icmp_type == 8 and acl.entry(200).icmp_code == -1
    with pytest.raises(AlreadyExistsError) as e:
        acl.create_entry(AclEntry(100, cidr="10.0.0.0/8"))
    assert e.value.ec2_code == "NetworkAclEntryAlreadyExists"
    acl.replace_entry(AclEntry(100, "udp", "allow", "10.0.0.9/8", from_port=53))
    assert acl.entry(100).cidr == "10.0.0.0/8"  # stored canonical
    with pytest.raises(NotFoundError) as e:
        acl.replace_entry(AclEntry(300))
    assert e.value.ec2_code == "InvalidNetworkAclEntry.NotFound"
    with pytest.raises(InvalidParameterError) as e:
        acl.create_entry(AclEntry(300, cidr="10.0.0.0/33"))
    assert e.value.ec2_code == "InvalidParameterValue"
    with pytest.raises(InvalidParameterTypeError):
        acl.create_entry({"rule_number": 300})
    with pytest.raises(InvalidParameterError):
        acl.create_entry(AclEntry(300, rule_action="maybe"))
    subnet.network_acl = acl
    assert subnet.network_acl == acl and acl.subnets == [subnet]
    with pytest.raises(DependencyViolationError):
        acl.delete()
    vpc.default_network_acl.associate(subnet)
    acl.delete_entry(100)
    acl.delete_entry(100, egress=True)
    assert [e.rule_number for e in acl.entries] == [200]
    acl.delete()
    with pytest.raises(NotFoundError):
        acl.entries


def test_s9_5_acl_denies_and_explains(ctx, vpc, subnet, web, nic, evaluator):
    web.authorize_ingress(libeni.Rule("tcp", 22, cidr="0.0.0.0/0"))
    acl = vpc.create_network_acl()
    acl.create_entry(AclEntry(100, "tcp", "deny", f"{CLIENT}/32", from_port=22))
    acl.create_entry(AclEntry(200, cidr="0.0.0.0/0"))
    acl.create_entry(AclEntry(100, egress=True))
    subnet.network_acl = acl
    ip = nic.private_ip_address
    v = evaluator.evaluate_one(nic, IN, ("tcp", CLIENT, 40000, ip, 22, "S"), now_ns=1)
    assert v.reason == Reason.ACL_DENY and str(v.reason) == "acl-deny"
    assert evaluator.evaluate_one(nic, IN, ("tcp", "203.0.113.8", 40000, ip, 22, "S"),
                                  now_ns=1).reason == Reason.UNTRACKED
    text = ctx.explain(nic, IN, ("tcp", CLIENT, 40000, ip, 22, "S"), now_ns=1).explanation
    assert f"denied by {acl.id} rule 100 (deny tcp 22 from {CLIENT}/32)" in text
    assert evaluator.counters.by_reason[Reason.ACL_DENY] == 1


def test_s9_6_quotas_for_acls_and_blocks(ctx, vpc):
    q = ctx.quotas
    assert (q.acl_rules, q.network_acls_per_vpc, q.cidr_blocks_per_vpc) == (20, 200, 5)
    ctx.set_quotas(acl_rules=40, network_acls_per_vpc=2, cidr_blocks_per_vpc=6)
    assert ctx.quotas.acl_rules == 40 and ctx.quotas.cidr_blocks_per_vpc == 6
    vpc.create_network_acl()
    with pytest.raises(LimitExceededError) as e:
        vpc.create_network_acl()
    assert e.value.ec2_code == "NetworkAclLimitExceeded"
    with pytest.raises(InvalidParameterError):
        ctx.set_quotas(acl_rules=41)


def test_s10_1_vpc_cidr_blocks(ctx):
    vpc = ctx.create_vpc("10.0.0.0/16", default_acl_id="acl-1a2b3c4d")
    assert vpc.default_network_acl.id == "acl-1a2b3c4d"
    assert vpc.associate_cidr_block("10.1.0.0/16") == "10.1.0.0/16"
    with pytest.raises(InvalidParameterError) as e:
        vpc.associate_cidr_block("192.168.0.0/16")
    assert e.value.ec2_code == "InvalidVpc.Range"
    v6 = vpc.associate_cidr_block(amazon_provided_ipv6_cidr_block=True)
    assert vpc.cidr_blocks == ["10.0.0.0/16", "10.1.0.0/16", v6] and vpc.ipv6_cidr_block == v6
    # the default group gained ::/0 egress, the default ACL rule 101
    assert "::/0" in [r.cidr for r in vpc.default_security_group.egress_rules]
    assert [e.rule_number for e in vpc.default_network_acl.ingress_entries] == [100, 101]
    subnet = vpc.create_subnet("10.1.2.0/24")
    with pytest.raises(InUseError) as e:
        vpc.disassociate_cidr_block("10.1.0.0/16")
    assert e.value.ec2_code == "InvalidCidrBlock.InUse"
    with pytest.raises(PermissionDeniedError):
        vpc.disassociate_cidr_block("10.0.0.0/16")
    subnet.delete()
    vpc.disassociate_cidr_block("10.1.0.0/16")
    with pytest.raises(InvalidParameterError):
        vpc.associate_cidr_block()


def test_s1_8_delegated_prefixes(ctx, nic, spare, evaluator):
    nic.assign_ipv4_prefixes(count=1)
    nic.assign_ipv6_prefixes(["2001:db8:0:100:5::/80"])
    assert nic.ipv4_prefixes == ["10.0.1.16/28"]
    assert nic.ipv6_prefixes == ["2001:db8:0:100:5::/80"]
    with pytest.raises(InUseError):
        spare.assign_ipv4_prefixes(["10.0.1.16/28"])
    # an address inside a prefix is the interface's own for the source/dest check
    v = evaluator.evaluate_one(nic, OUT, ("tcp", "10.0.1.20", 40000, CLIENT, 443, "S"),
                               now_ns=1)
    assert v.reason != Reason.SRC_DST_CHECK
    nic.unassign_prefixes(["10.0.1.16/28", "2001:db8:0:100:5::/80"])
    assert nic.ipv4_prefixes == [] and nic.ipv6_prefixes == []
    with pytest.raises(InvalidParameterError):
        nic.assign_ipv4_prefixes()


def test_network_acl_is_exported():
    assert NetworkAcl.__name__ in libeni.__all__ and "AclEntry" in libeni.__all__
