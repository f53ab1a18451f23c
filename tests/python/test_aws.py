# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni.load_aws_json: the AWS CLI's describe-* JSON into a model (enictl load, in Python).

The fixtures are enictl's (tools/enictl/tests/fixtures): one VPC with a
secondary IPv4 block and two IPv6 blocks, a web server, a database, a load
balancer's interface, network ACLs with deny entries, delegated prefixes, and
what libeni does not model (a peered group, another account's group...).
test_enictl_and_python_agree compares this loader with `enictl load`.
"""
import glob
import json
import os
import re
import subprocess

import pytest

import libeni
from libeni import AclEntry, AclRuleAction, AwsJsonError, InstanceState, Reason

ROOT = os.environ.get("LIBENI_SOURCE_ROOT",
                      os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "tools", "enictl", "tests", "fixtures")
FILES = sorted(glob.glob(os.path.join(FIXTURES, "*.json")))


@pytest.fixture
def loaded(ctx):
    return libeni.load_aws_json(ctx, *FILES)


def by_id(entries):
    return {(e.kind, e.id): e for e in entries}


def test_builds_every_kind_under_its_ec2_id(ctx, loaded):
    kinds = [e.kind for e in loaded.built]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "vpc": 1, "subnet": 3, "network-acl": 2, "prefix-list": 2, "security-group": 3,
        "network-interface": 7, "instance": 3, "elastic-ip": 1}
    vpc = ctx.get("vpc-0a1b2c3d4e5f60718")
    assert vpc.cidr_block == "10.0.0.0/16"
    assert vpc.ipv6_cidr_block == "2600:1f18:1234:5600::/56"
    # the secondary blocks (10.2.0.0/16 and 2600:1f18:1234:5800::/56 are disassociated in
    # the JSON: left out)
    assert vpc.cidr_blocks == ["10.0.0.0/16", "10.1.0.0/16", "2600:1f18:1234:5600::/56",
                               "2600:1f18:1234:5700::/56"]
    assert repr(vpc.default_security_group).find("sg-0d1e2f3a4b5c6d7e8") >= 0
    assert loaded.objects["subnet-01234567890abcdef"].map_public_ip_on_launch


def test_groups_hold_exactly_the_json_rules(ctx, loaded):
    web = ctx.get("sg-0123456789abcdef0")
    assert len(web.ingress_rules) == 5 and len(web.egress_rules) == 3  # no default egress left
    assert ctx.get("sg-0fedcba9876543210").egress_rules == []
    default = ctx.get("sg-0d1e2f3a4b5c6d7e8")
    assert [r.referenced_group for r in default.ingress_rules] == [default]
    office = ctx.get("pl-0123456789abcdef0")
    assert office.entries == ["198.51.100.0/24", "192.0.2.0/28"] and office.max_entries == 10
    s3 = ctx.get("pl-63a5400a")
    assert s3.name == "aws-managed:com.amazonaws.us-east-1.s3"
    assert s3.entries == ["52.216.0.0/15", "54.231.0.0/16"]


def test_interfaces_instances_and_elastic_ips(ctx, loaded):
    web = ctx.get("eni-0123456789abcdef0")
    assert web.private_ip_addresses == ["10.0.1.7", "10.0.1.8"]
    assert web.ipv6_addresses == ["2600:1f18:1234:5601::7"]
    assert web.conntrack_timeouts.tcp_established == 3600
    assert web.attachment.delete_on_termination and web.attachment.device_index == 0
    assert not ctx.get("eni-0b1b2b3b4b5b6b7b8").source_dest_check
    assert ctx.get("i-0123456789abcdef0").state == InstanceState.RUNNING
    assert ctx.get("i-0fedcba9876543210").state == InstanceState.STOPPED
    assert ctx.get("i-0999999999999999f").instance_type == "p5.48xlarge"  # the stand-in
    eip = ctx.get("eipalloc-0123456789abcdef0")
    assert eip.network_interface == web and eip.private_ip_address == "10.0.1.7"
    assert loaded.macs["eni-0123456789abcdef0"] == "0e:12:34:56:78:9a"
    ctx.check()


def test_reports_what_it_skips_and_why(loaded):
    skipped = by_id(loaded.skipped)
    assert "account 444455556666" in [e.text for e in loaded.skipped
                                      if e.path.endswith("UserIdGroupPairs[0]")][0]
    assert "peered VPC" in [e.text for e in loaded.skipped
                            if e.path.endswith("UserIdGroupPairs[1]")][0]
    assert "x9.superlarge" in skipped[("instance", "i-0aaaaaaaaaaaaaaa1")].text
    assert skipped[("instance", "i-0bbbbbbbbbbbbbbb2")].text.startswith("terminated")
    assert skipped[("network-acl", "acl-0999999999999999e")].text == \
        "VPC vpc-0999999999999999c is not in the input (describe-vpcs)"
    assert "EC2-Classic" in skipped[("security-group", "sg-0c1a55c1a55c1a55c")].text
    assert ("network-interface-attachment", "eni-0f1f2f3f4f5f6f7f8") in skipped
    assert all(e.file.endswith(".json") for e in loaded.skipped)
    assert len(loaded.skipped) == 8
    blocks = sorted((e.path, e.text) for e in loaded.notes
                    if (e.kind, e.id) == ("vpc-cidr-block", "vpc-0a1b2c3d4e5f60718"))
    assert blocks == [
        ("$.Vpcs[0].CidrBlockAssociationSet[2]",
         "block 10.2.0.0/16 is disassociated: left out of the model"),
        ("$.Vpcs[0].Ipv6CidrBlockAssociationSet[2]",
         "block 2600:1f18:1234:5800::/56 is disassociated: left out of the model")]


def test_secondary_block_holds_a_subnet_and_an_interface(ctx, loaded):
    subnet = ctx.get("subnet-0aaaaaaaaaaaaaaaa")
    assert (subnet.cidr_block, subnet.availability_zone) == ("10.1.0.0/24", "us-east-1b")
    assert ctx.get("eni-0d1d2d3d4d5d6d7d8").private_ip_address == "10.1.0.10"
    assert subnet.network_acl == ctx.get("acl-0123456789abcdef0")
    with pytest.raises(libeni.InUseError):  # the subnet uses the block
        subnet.vpc.disassociate_cidr_block("10.1.0.0/16")


def test_every_ipv6_block_of_a_vpc_loads(ctx, loaded):
    vpc = ctx.get("vpc-0a1b2c3d4e5f60718")
    assert vpc.ipv6_cidr_blocks == ["2600:1f18:1234:5600::/56", "2600:1f18:1234:5700::/56"]
    subnet = ctx.get("subnet-0aaaaaaaaaaaaaaaa")  # its /64 lies in the second /56
    assert subnet.ipv6_cidr_block == "2600:1f18:1234:5700::/64"
    assert "subnet-0aaaaaaaaaaaaaaaa" in loaded.objects
    assert not [e for e in loaded.skipped + loaded.notes
                if e.id == subnet.id or "2600:1f18:1234:57" in e.text]
    with pytest.raises(libeni.InUseError):  # the subnet uses the block
        vpc.disassociate_cidr_block("2600:1f18:1234:5700::/56")


def _v6_vpc(count, *more, subnet="2600:1f18:1234:5601::/64", **vpc):
    """A VPC with ``count`` associated IPv6 /56s, then ``more`` blocks, and a subnet."""
    blocks = [{"Ipv6CidrBlock": f"2600:1f18:1234:{0x5600 + i * 0x100:x}::/56",
               "Ipv6CidrBlockState": {"State": "associated"}} for i in range(count)]
    return {"Vpcs": [dict(_VPC, Ipv6CidrBlockAssociationSet=blocks + list(more), **vpc)],
            "Subnets": [{"SubnetId": "subnet-0a1b2c3d", "VpcId": "vpc-0a1b2c3d",
                         "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a",
                         "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": subnet}]}]}


def test_ipv6_blocks_past_the_default_quota(ctx):
    load = libeni.load_aws_json(ctx, _v6_vpc(7, subnet="2600:1f18:1234:5c00::/64"))
    assert len(ctx.get("vpc-0a1b2c3d").ipv6_cidr_blocks) == 7
    assert ctx.quotas.ipv6_cidr_blocks_per_vpc == 7
    assert ctx.get("subnet-0a1b2c3d").ipv6_cidr_block == "2600:1f18:1234:5c00::/64"
    assert not load.skipped and not load.notes


def test_ipv6_blocks_past_ec2s_50(ctx):
    load = libeni.load_aws_json(ctx, _v6_vpc(51, subnet="2600:1f18:1234:8800::/64"))
    assert len(ctx.get("vpc-0a1b2c3d").ipv6_cidr_blocks) == 50
    assert [(e.kind, e.path) for e in load.skipped] == [
        ("vpc-cidr-block", "$.Vpcs[0].Ipv6CidrBlockAssociationSet[50]")]
    assert "CidrLimitExceeded" in load.skipped[0].text
    notes = by_id(load.notes)
    assert notes[("quota", "")].text == \
        "the input needs 51 IPv6 blocks in a VPC: EC2 allows at most 50"
    assert "which is not in the model" in notes[("subnet", "subnet-0a1b2c3d")].text
    assert ctx.get("subnet-0a1b2c3d").ipv6_cidr_block is None  # built, IPv4 only


def test_ipv6_blocks_libeni_leaves_out(ctx):
    load = libeni.load_aws_json(ctx, _v6_vpc(
        2, {"Ipv6CidrBlock": "2600:1f18:1234:9000::/60"},
        {"Ipv6CidrBlock": "2600:1f18:1234:a000::/56",
         "Ipv6CidrBlockState": {"State": "disassociating"}},
        subnet="2600:1f18:1234:a001::/64"))
    assert ctx.get("vpc-0a1b2c3d").ipv6_cidr_blocks == ["2600:1f18:1234:5600::/56",
                                                         "2600:1f18:1234:5700::/56"]
    assert [(e.path, e.text) for e in load.skipped] == [
        ("$.Vpcs[0].Ipv6CidrBlockAssociationSet[2]",
         "IPv6 block 2600:1f18:1234:9000::/60: libeni models /56 blocks in a VPC")]
    assert sorted(e.text for e in load.notes) == [
        "IPv6 block 2600:1f18:1234:a001::/64 left out: it lies in the VPC's block "
        "2600:1f18:1234:a000::/56, which is not in the model",
        "block 2600:1f18:1234:a000::/56 is disassociating: left out of the model"]
    assert ctx.get("subnet-0a1b2c3d").ipv6_cidr_block is None


def test_a_subnet_in_a_left_out_ipv4_block_of_an_ipv6_vpc(ctx):
    doc = _v6_vpc(1, CidrBlockAssociationSet=[{"CidrBlock": "10.2.0.0/16",
                                               "CidrBlockState": {"State": "disassociated"}}])
    doc["Subnets"][0]["CidrBlock"] = "10.2.0.0/24"
    load = libeni.load_aws_json(ctx, doc)  # the IPv6 block does not hold an IPv4 subnet
    assert by_id(load.skipped)[("subnet", "subnet-0a1b2c3d")].text == \
        "it lies in the VPC's block 10.2.0.0/16, which is not in the model"


def test_network_acls_as_the_json_lists_them(ctx, loaded):
    vpc = ctx.get("vpc-0a1b2c3d4e5f60718")
    default, web = ctx.get("acl-0123456789abcdef0"), ctx.get("acl-0fedcba9876543210")
    assert vpc.default_network_acl == default  # made with the VPC, under EC2's id
    assert vpc.network_acls() == sorted([default, web], key=lambda a: a.id_value)
    assert default.is_default and not web.is_default
    # the default ACL's entries are the JSON's (rule 90 added), "*" never created
    assert [(e.rule_number, e.rule_action) for e in default.ingress_entries] == [
        (90, AclRuleAction.DENY), (100, AclRuleAction.ALLOW), (101, AclRuleAction.ALLOW)]
    assert [e.rule_number for e in default.egress_entries] == [100, 101]
    deny, allow = AclRuleAction.DENY, AclRuleAction.ALLOW
    assert default.entry(90) == AclEntry(90, "tcp", deny, "10.1.0.0/16", from_port=22, to_port=22)
    assert web.ingress_entries == [
        AclEntry(50, "tcp", deny, "203.0.113.128/25", from_port=22, to_port=22),
        AclEntry(60, "icmp", deny, "198.51.100.0/24", icmp_type=8, icmp_code=-1),
        AclEntry(70, "tcp", deny, "2001:db8:bad::/48", from_port=443, to_port=443),
        AclEntry(100, "all", allow, "0.0.0.0/0"), AclEntry(101, "all", allow, "::/0")]
    assert web.entry(60, egress=True) == AclEntry(60, "tcp", deny, "54.231.0.0/16", True,
                                                  from_port=443, to_port=443)
    # the associations: the web subnet moved, the others stay with the default ACL
    assert web.subnets == [ctx.get("subnet-01234567890abcdef")]
    assert ctx.get("subnet-0fedcba9876543210").network_acl == default
    built = by_id(loaded.built)
    assert built[("network-acl", web.id)].text == \
        "in vpc-0a1b2c3d4e5f60718: 5 inbound, 3 outbound entries, 1 subnet"
    assert loaded.objects[web.id] == web
    ctx.check()


def _tcp(src, sport, dst, dport):
    return libeni.Packet("tcp", src=src, sport=sport, dst=dst, dport=dport, tcp_flags=0x02)


def _echo(src, dst):
    return libeni.Packet("icmp", src=src, dst=dst, icmp_type=8)


# Each packet is one the groups allow, so only a loaded ACL entry drops it; the
# control packet differs in the one field the entry matches on, and passes.
ACL_CASES = {
    "rule-50": ("eni-0123456789abcdef0", "inbound", _tcp("203.0.113.200", 40000, "10.0.1.7", 22),
                _tcp("203.0.113.5", 40000, "10.0.1.7", 22),
                "denied by acl-0fedcba9876543210 rule 50 (deny tcp 22 from 203.0.113.128/25)"),
    "icmp-rule-60": ("eni-0123456789abcdef0", "inbound", _echo("198.51.100.9", "10.0.1.7"),
                     _echo("203.0.113.5", "10.0.1.7"),
                     "denied by acl-0fedcba9876543210 rule 60 (deny icmp type 8 from "
                     "198.51.100.0/24)"),
    "ipv6-rule-70": ("eni-0123456789abcdef0", "inbound",
                     _tcp("2001:db8:bad::1", 40000, "2600:1f18:1234:5601::7", 443),
                     _tcp("2001:db8::5", 40000, "2600:1f18:1234:5601::7", 443),
                     "denied by acl-0fedcba9876543210 rule 70 (deny tcp 443 from "
                     "2001:db8:bad::/48)"),
    "egress-rule-60": ("eni-0123456789abcdef0", "outbound",
                       _tcp("10.0.1.7", 41002, "54.231.1.1", 443),
                       _tcp("10.0.1.7", 41002, "52.216.1.1", 443),
                       "denied by acl-0fedcba9876543210 rule 60 (deny tcp 443 to 54.231.0.0/16)"),
    # the default ACL's own entry; the source is a member of the default group only
    # because its interface, in the secondary block's subnet, was built
    "default-rule-90": ("eni-0b1b2b3b4b5b6b7b8", "inbound",
                        _tcp("10.1.0.10", 40000, "10.0.2.30", 22),
                        _tcp("10.1.0.10", 40000, "10.0.2.30", 80),
                        "denied by acl-0123456789abcdef0 rule 90 (deny tcp 22 from 10.1.0.0/16)"),
}


@pytest.mark.parametrize("case", sorted(ACL_CASES))
def test_an_acl_deny_entry_drops_what_the_groups_allow(ctx, loaded, case):
    nic, direction, denied, control, words = ACL_CASES[case]
    v = ctx.get(nic).explain(direction, denied)
    assert (v.action, v.reason) == (libeni.Action.DROP, Reason.ACL_DENY)
    assert words in v.explanation
    v = ctx.get(nic).explain(direction, control)
    assert (v.action, v.reason) == (libeni.Action.ALLOW, Reason.RULE), v.explanation


def test_delegated_prefixes_are_the_interfaces_own(ctx, loaded):
    web = ctx.get("eni-0123456789abcdef0")
    assert web.ipv4_prefixes == ["10.0.1.64/28"]
    assert web.ipv6_prefixes == ["2600:1f18:1234:5601:1::/80"]
    assert ctx.get("eni-0b1b2b3b4b5b6b7b8").ipv4_prefixes == ["10.0.2.64/28"]
    inside = web.explain("inbound", ("tcp", "203.0.113.5", 40000, "10.0.1.70", 443))
    assert (inside.action, inside.reason) == (libeni.Action.ALLOW, Reason.RULE)
    v6 = web.explain("inbound", ("tcp", "2001:db8::5", 40000, "2600:1f18:1234:5601:1::9", 443))
    assert v6.reason == Reason.RULE
    outside = web.explain("inbound", ("tcp", "203.0.113.5", 40000, "10.0.1.80", 443))
    assert outside.reason == Reason.SRC_DST_CHECK
    assert "2 prefixes" in by_id(loaded.built)[("network-interface", web.id)].text


def test_any_order_and_parsed_dicts(ctx):
    docs = [json.load(open(f)) for f in reversed(FILES)]
    for f, d in zip(reversed(FILES), docs):  # a dict has no file name to take the list's id from
        if "Entries" in d and "PrefixListId" not in d:
            d["PrefixListId"] = os.path.basename(f)[:-len(".json")]
    with libeni.Context() as other:
        a = libeni.load_aws_json(other, *docs)
    b = libeni.load_aws_json(ctx, *FILES)
    assert sorted((e.kind, e.id) for e in a.built) == sorted((e.kind, e.id) for e in b.built)
    assert a.skipped[0].file == "<dict 0>" or any(e.file.startswith("<dict") for e in a.skipped)


BAD = [
    ({"Vpcs": {}}, "$.Vpcs", "expected an array"),
    ({"Vpcs": [1]}, "$.Vpcs[0]", "expected an object"),
    ({"Vpcs": [{"CidrBlock": "10.0.0.0/16"}]}, "$.Vpcs[0].VpcId", "missing"),
    ({"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": 10}]}, "$.Vpcs[0].CidrBlock",
     "expected a string"),
    ({"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/8"}]}, "$.Vpcs[0]",
     "InvalidVpc.Range"),
    ({"SecurityGroupRules": []}, "$.SecurityGroupRules", "not a describe output"),
    ({"Entries": [{"Cidr": "10.0.0.0/8"}]}, "$.Entries", "which prefix list"),
    ({"Reservations": [{"Instances": [{"InstanceId": "i-0a1b2c3d", "InstanceType": "m5.large",
                                       "State": {"Name": "napping"}}]}]},
     "$.Reservations[0].Instances[0].State.Name", "not an instance state"),
]


def _acl(*entries, **acl):
    """An ACL of a VPC the input lacks (skipped, its entries read all the same)."""
    return {"NetworkAcls": [dict({"NetworkAclId": "acl-0a1b2c3d", "VpcId": "vpc-0a1b2c3d",
                                  "Entries": list(entries)}, **acl)]}


def _entry(**kw):
    return dict({"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow",
                 "CidrBlock": "0.0.0.0/0"}, **kw)


_VPC = {"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/16"}
_E0 = "$.NetworkAcls[0].Entries[0]"
BAD += [
    (_acl(_entry(RuleNumber=0)), _E0 + ".RuleNumber", "0 is out of range (1..32768)"),
    (_acl(_entry(RuleNumber="100")), _E0 + ".RuleNumber", "expected an integer"),
    (_acl(_entry(Protocol="tcp")), _E0 + ".Protocol", "expected -1 or a protocol number"),
    (_acl(_entry(RuleAction="reject")), _E0 + ".RuleAction", "expected allow or deny"),
    (_acl(_entry(Ipv6CidrBlock="::/0")), _E0, "one of CidrBlock and Ipv6CidrBlock, not both"),
    (_acl({"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow"}), _E0,
     "one of CidrBlock and Ipv6CidrBlock, not neither"),
    (_acl(_entry(Protocol="6", PortRange={"From": 22, "To": 70000})), _E0 + ".PortRange.To",
     "70000 is out of range"),
    (_acl(_entry(Protocol="1", IcmpTypeCode={"Type": 8})), _E0 + ".IcmpTypeCode.Code",
     "missing"),
    (_acl(_entry(RuleNumber=32767)), _E0, "rule 32767 is EC2's implicit deny of all IPv4"),
    (_acl(_entry(RuleNumber=32768, RuleAction="deny")), _E0,
     "rule 32768 is EC2's implicit deny of all IPv6"),
    (_acl(Associations=[{"NetworkAclId": "acl-0f0f0f0f", "SubnetId": "subnet-0a1b2c3d"}]),
     "$.NetworkAcls[0].Associations[0].NetworkAclId",
     "names acl-0f0f0f0f, but the association is inside network ACL acl-0a1b2c3d"),
    (dict(_acl(_entry(Protocol="6")), Vpcs=[_VPC]), _E0,
     "libeni refused the entry: "),  # TCP without a port range
    (dict(_acl(_entry(), _entry(RuleAction="deny", CidrBlock="10.0.0.0/8")), Vpcs=[_VPC]),
     "$.NetworkAcls[0].Entries[1]", "NetworkAclEntryAlreadyExists"),
    (dict(_acl(NetworkAclId="acl-xyz", IsDefault=True), Vpcs=[_VPC]),
     "$.NetworkAcls[0].NetworkAclId", "libeni refused the id: "),
    (dict(_acl(NetworkAclId="acl-xyz"), Vpcs=[_VPC]), "$.NetworkAcls[0]",
     "InvalidNetworkAclId.Malformed"),
    (dict(_acl(Associations=[{"SubnetId": "subnet-0a1b2c3d"}]), Vpcs=[_VPC]),
     "$.NetworkAcls[0].Associations[0].SubnetId",
     "subnet subnet-0a1b2c3d is not in the input (describe-subnets)"),
    ({"Vpcs": [_VPC], "NetworkAcls": _acl(IsDefault=True)["NetworkAcls"]
      + _acl(NetworkAclId="acl-0f0f0f0f", IsDefault=True)["NetworkAcls"]},
     "$.NetworkAcls[1].IsDefault", "a second default network ACL of vpc-0a1b2c3d"),
    ({"Vpcs": [dict(_VPC, CidrBlockAssociationSet=[{"CidrBlock": "10.0.0.0/16"},
                                                    {"CidrBlock": "192.168.0.0/16"}])]},
     "$.Vpcs[0].CidrBlockAssociationSet[1]", "InvalidVpc.Range"),
    ({"Vpcs": [dict(_VPC, CidrBlockAssociationSet=[{"CidrBlock": "10.1.0.0/16",
                                                     "CidrBlockState": {"State": 1}}])]},
     "$.Vpcs[0].CidrBlockAssociationSet[0].CidrBlockState.State", "expected a string"),
    ({"Vpcs": [_VPC], "Subnets": [{"SubnetId": "subnet-0a1b2c3d", "VpcId": "vpc-0a1b2c3d",
                                   "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a"}],
      "NetworkInterfaces": [{"NetworkInterfaceId": "eni-0a1b2c3d", "SubnetId": "subnet-0a1b2c3d",
                             "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.66/28"}]}]},
     "$.NetworkInterfaces[0].Ipv4Prefixes[0]", "libeni refused the prefix: "),
    ({"NetworkInterfaces": [{"NetworkInterfaceId": "eni-0a1b2c3d", "SubnetId": "subnet-0a1b2c3d",
                             "Ipv6Prefixes": [{"Ipv6Prefix": ""}]}]},
     "$.NetworkInterfaces[0].Ipv6Prefixes[0].Ipv6Prefix", "empty string"),
    (_v6_vpc(2, subnet="2600:1f18:1234:5a01::/64"), "$.Subnets[0]", "InvalidSubnet.Range"),
    (_v6_vpc(2, {"Ipv6CidrBlock": "2600:1f18:1234:5700::/56"}),
     "$.Vpcs[0].Ipv6CidrBlockAssociationSet[2]", "InvalidVpc.Range"),
]


@pytest.mark.parametrize("doc,path,words", BAD, ids=[b[1] for b in BAD])
def test_bad_json_names_its_path(ctx, doc, path, words):
    with pytest.raises(AwsJsonError) as e:
        libeni.load_aws_json(ctx, doc)
    assert e.value.path == path and words in e.value.message
    assert isinstance(e.value, ValueError)


def test_bad_values_inside_a_file(ctx, tmp_path):
    sgs = open(os.path.join(FIXTURES, "security-groups.json")).read()
    bad = tmp_path / "sgs.json"
    bad.write_text(sgs.replace('"FromPort": 443,', '"FromPort": "443",', 1))
    with pytest.raises(AwsJsonError) as e:
        libeni.load_aws_json(ctx, bad)
    assert (e.value.file, e.value.path) == (str(bad), "$.SecurityGroups[1].IpPermissions[0].FromPort")
    bad.write_text(sgs.replace('"203.0.113.0/24"', '"203.0.113.300/24"'))
    with pytest.raises(AwsJsonError, match=r"is malformed \(InvalidParameterValue\)") as e:
        libeni.load_aws_json(ctx, os.path.join(FIXTURES, "vpcs.json"), bad)
    assert e.value.path == "$.SecurityGroups[1].IpPermissions[1].IpRanges[0]"


def test_files_that_are_not_json(ctx, tmp_path):
    for name, data, words in (("syntax.json", b'{"Vpcs": [', "Expecting"),
                              ("dup.json", b'{"Vpcs": [], "Vpcs": []}', "duplicate"),
                              ("cap.pcap", b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00", "a capture")):
        p = tmp_path / name
        p.write_bytes(data)
        with pytest.raises(AwsJsonError, match=words):
            libeni.load_aws_json(ctx, p)
    with pytest.raises(AwsJsonError):
        libeni.load_aws_json(ctx, tmp_path / "missing.json")


def test_bad_acls_and_prefixes_inside_the_fixtures(ctx, tmp_path):
    acls = open(os.path.join(FIXTURES, "network-acls.json")).read()
    vpcs, subnets = (os.path.join(FIXTURES, f) for f in ("vpcs.json", "subnets.json"))
    bad = tmp_path / "acls.json"
    bad.write_text(acls.replace('"SubnetId": "subnet-01234567890abcdef"',
                                '"SubnetId": "subnet-0fedcba9876543210"'))
    with pytest.raises(AwsJsonError, match="is associated twice") as e:
        libeni.load_aws_json(ctx, vpcs, subnets, bad)
    assert e.value.path == "$.NetworkAcls[1].Associations[0].SubnetId"
    with libeni.Context() as other:
        bad.write_text(acls.replace('"IsDefault": false', '"IsDefault": true'))
        with pytest.raises(AwsJsonError, match="a second default network ACL") as e:
            libeni.load_aws_json(other, vpcs, subnets, bad)
        assert e.value.path == "$.NetworkAcls[1].IsDefault"


# ---- the same model from enictl (C) and load_aws_json (Python) ---------------------

ENICTL = os.environ.get("ENICTL")
needs_enictl = pytest.mark.skipif(not ENICTL, reason="enictl is not built (ENICTL unset)")


def enictl(*args):
    run = subprocess.run([ENICTL, *args], capture_output=True, text=True)
    return run.returncode, json.loads(run.stdout)


def report(entries):
    if entries and isinstance(entries[0], dict):
        return sorted((e["kind"], e["id"], e["file"], e["path"]) for e in entries)
    return sorted((e.kind, e.id, e.file, e.path) for e in entries)


@needs_enictl
def test_enictl_and_python_build_and_skip_the_same(loaded):
    status, doc = enictl("load", "--json", *FILES)
    assert status == 0
    m = doc["model"]
    assert report(m["built"]) == report(loaded.built)
    assert report(m["skipped"]) == report(loaded.skipped)
    assert report(m["notes"]) == report(loaded.notes)
    # the summaries of what this work added are worded alike
    mine = {(e.kind, e.id): e.text for e in loaded.built}
    for e in m["built"]:
        if e["kind"] in ("vpc", "network-acl"):
            assert e["summary"] == mine[(e["kind"], e["id"])]


IPV6_DOCS = {"seven": _v6_vpc(7, subnet="2600:1f18:1234:5c00::/64"),
             "many": _v6_vpc(51, subnet="2600:1f18:1234:8800::/64"),
             "odd": _v6_vpc(2, {"Ipv6CidrBlock": "2600:1f18:1234:9000::/60"},
                            {"Ipv6CidrBlock": "2600:1f18:1234:a000::/56",
                             "Ipv6CidrBlockState": {"State": "disassociating"}},
                            subnet="2600:1f18:1234:a001::/64")}


@needs_enictl
@pytest.mark.parametrize("name", sorted(IPV6_DOCS))
def test_enictl_and_python_load_ipv6_blocks_alike(ctx, tmp_path, name):
    f = tmp_path / f"{name}.json"
    f.write_text(json.dumps(IPV6_DOCS[name]))
    status, doc = enictl("load", "--json", str(f))
    assert status == 0
    load = libeni.load_aws_json(ctx, str(f))
    m = doc["model"]
    assert report(m["built"]) == report(load.built)
    for key, text in (("skipped", "reason"), ("notes", "note")):
        assert sorted((e["kind"], e["id"], e["file"], e["path"], e[text]) for e in m[key]) == \
            sorted((e.kind, e.id, e.file, e.path, e.text) for e in getattr(load, key))


def _endpoint(text):
    """'10.0.1.7:22', '[2001:db8::5]:443' or an address alone, into (address, port)."""
    m = re.fullmatch(r"\[(.*)\]:(\d+)|([^:]*):(\d+)|(.*)", text)
    if m.group(1) or m.group(3):
        return m.group(1) or m.group(3), int(m.group(2) or m.group(4))
    return m.group(5), 0


# (interface, PROTO, SRC, DST) as enictl explain takes them: the ACLs' entries (default and
# not), the prefixes, the secondary block's member, and packets that pass.
PACKETS = [
    ("eni-0123456789abcdef0", "tcp", "203.0.113.200:40000", "10.0.1.7:22"),
    ("eni-0123456789abcdef0", "tcp", "203.0.113.5:40000", "10.0.1.7:22"),
    ("eni-0123456789abcdef0", "icmp", "198.51.100.9", "10.0.1.7"),
    ("eni-0123456789abcdef0", "icmp", "203.0.113.5", "10.0.1.7"),
    ("eni-0123456789abcdef0", "tcp", "[2001:db8:bad::1]:40000", "[2600:1f18:1234:5601::7]:443"),
    ("eni-0123456789abcdef0", "tcp", "10.0.1.7:41002", "54.231.1.1:443"),
    ("eni-0123456789abcdef0", "tcp", "10.0.1.7:41002", "52.216.1.1:443"),
    ("eni-0123456789abcdef0", "tcp", "203.0.113.5:40000", "10.0.1.70:443"),
    ("eni-0123456789abcdef0", "tcp", "10.0.1.79:41001", "52.216.4.5:443"),
    ("eni-0123456789abcdef0", "tcp", "[2001:db8::5]:40000", "[2600:1f18:1234:5601:1::9]:443"),
    ("eni-0123456789abcdef0", "udp", "10.0.1.7:40001", "10.0.0.2:53"),
    ("eni-0b1b2b3b4b5b6b7b8", "tcp", "10.1.0.10:40000", "10.0.2.30:22"),
    ("eni-0b1b2b3b4b5b6b7b8", "tcp", "10.1.0.10:40000", "10.0.2.30:80"),
    ("eni-0b1b2b3b4b5b6b7b8", "tcp", "203.0.113.5:40000", "10.0.2.70:443"),
]


@needs_enictl
@pytest.mark.parametrize("nic,proto,src,dst", PACKETS, ids=[f"{p[0][-4:]}-{p[1]}-{p[2]}-{p[3]}"
                                                          for p in PACKETS])
def test_enictl_and_python_judge_alike(ctx, loaded, nic, proto, src, dst):
    status, doc = enictl("explain", "--json", "--model", *FILES, "--interface", nic,
                         proto, src, "->", dst)
    assert status in (0, 1), doc
    (s, sport), (d, dport) = _endpoint(src), _endpoint(dst)
    pkt = (libeni.Packet("icmp", src=s, dst=d, icmp_type=8) if proto == "icmp" else
           libeni.Packet(proto, src=s, sport=sport, dst=d, dport=dport,
                         tcp_flags=0x02 if proto == "tcp" else 0))
    v = ctx.get(nic).explain(doc["direction"], pkt)
    assert (str(v.action), str(v.reason)) == (doc["action"], doc["reason"])
    assert (v.group.id if v.group else None) == doc["group"]
    sgr = re.compile(r"sgr-[0-9a-f]{17}")  # minted, by contexts of different seeds
    assert sgr.sub("sgr-*", v.explanation) == sgr.sub("sgr-*", doc["explanation"])


@needs_enictl
@pytest.mark.parametrize("doc,path,words", BAD, ids=[b[1] for b in BAD])
def test_enictl_and_python_refuse_alike(ctx, tmp_path, doc, path, words):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    status, out = enictl("load", "--json", str(f))
    assert status == 2 and out["error"]["path"] == path and words in out["error"]["message"]
    with pytest.raises(AwsJsonError) as e:
        libeni.load_aws_json(ctx, f)
    assert (e.value.file, e.value.path) == (str(f), path)
