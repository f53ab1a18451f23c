# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni.load_aws_json: the AWS CLI's describe-* JSON into a model (enictl load, in Python).

The fixtures are enictl's (tools/enictl/tests/fixtures): one VPC with a web
server, a database, a load balancer's interface and what libeni does not
model (a secondary block, a peered group, prefix delegation, ACLs...).
"""
import glob
import json
import os

import pytest

import libeni
from libeni import AwsJsonError, InstanceState

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
        "vpc": 1, "subnet": 2, "prefix-list": 2, "security-group": 3, "network-interface": 6,
        "instance": 3, "elastic-ip": 1}
    vpc = ctx.get("vpc-0a1b2c3d4e5f60718")
    assert vpc.cidr_block == "10.0.0.0/16"
    assert vpc.ipv6_cidr_block == "2600:1f18:1234:5600::/56"
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
    assert "not modelled by libeni yet" in skipped[("network-acl", "acl-0123456789abcdef0")].text
    assert "EC2-Classic" in skipped[("security-group", "sg-0c1a55c1a55c1a55c")].text
    assert "secondary block" in skipped[("subnet", "subnet-0aaaaaaaaaaaaaaaa")].text
    assert ("network-interface-attachment", "eni-0f1f2f3f4f5f6f7f8") in skipped
    assert skipped[("network-interface-prefix", "eni-0b1b2b3b4b5b6b7b8")].path == \
        "$.NetworkInterfaces[1].Ipv4Prefixes[0]"
    assert all(e.file.endswith(".json") for e in loaded.skipped)
    assert len(loaded.skipped) == 12


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
