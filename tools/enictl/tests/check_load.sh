#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# enictl load: what the fixtures build and skip, the JSON report, and every
# kind of bad input, each refused with status 2 and a message naming the
# file and the JSON path (TAP, tests/cli/lib.sh).
#   check_load.sh ENICTL FIXTURES_DIR
. "$(dirname "$0")/../../../tests/cli/lib.sh"
exe=$1 fx=$2
t=$cli_tmp
all=$(ls "$fx"/*.json)

# shellcheck disable=SC2086
expect 0 out '^built 1 VPC, 2 subnets, 2 prefix lists, 3 security groups, 6 network interfaces, 3 instances, 1 Elastic IP$' -- "$exe" load $all
has out 'sg-0123456789abcdef0 +web in vpc-0a1b2c3d4e5f60718: 5 inbound, 3 outbound rules' "the web group and its rules"
has out 'i-0123456789abcdef0 +m5.large running: eni-0123456789abcdef0 at 0, eni-0b1b2b3b4b5b6b7b8 at 1' "an instance and its attachments"
has out 'i-0fedcba9876543210 +t3.micro stopped' "a stopped instance"
has out 'i-0999999999999999f +p5.48xlarge running \(a stand-in' "a stand-in for an instance the input lacks"
has out 'eipalloc-0123456789abcdef0 54.210.1.2 \(198.18.0.1 in the model\) on eni-0123456789abcdef0 10.0.1.7' "an Elastic IP"
has out 'belongs to account 444455556666, not 111122223333' "a group of another account is skipped"
has out 'of a peered VPC \(pcx-0123456789abcdef0\)' "a group of a peered VPC is skipped"
has out 'secondary IPv4 block 10.1.0.0/16' "a secondary VPC block is skipped"
has out "subnet-0aaaaaaaaaaaaaaaa: it lies in the VPC's secondary block" "a subnet in it too"
has out '10.0.2.64/28: prefix delegation is not modelled' "prefix delegation is skipped"
has out 'instance type x9.superlarge is not one libeni knows' "an unknown instance type is skipped"
has out 'network-interface-attachment eni-0f1f2f3f4f5f6f7f8: not attached: instance i-0aaaaaaaaaaaaaaa1 was skipped' "so is its interface's attachment"
has out 'instance i-0bbbbbbbbbbbbbbb2: terminated' "a terminated instance is skipped"
has out 'network-acl acl-0123456789abcdef0: network ACLs are not modelled by libeni yet: its 4 entries' "network ACLs are read and skipped"
has out 'sg-0c1a55c1a55c1a55c: no VpcId: an EC2-Classic group' "an EC2-Classic group is skipped"
has out "named 'aws-managed:com.amazonaws.us-east-1.s3'" "an AWS-managed prefix list is renamed"
has out 'InterfaceType network_load_balancer is modelled as an ordinary interface' "a load balancer's interface"
has out 'at .*security-groups.json \$\.SecurityGroups\[1\]\.IpPermissions\[1\]\.UserIdGroupPairs\[0\]' "skips name their JSON path"

# any order, and the same file twice
# shellcheck disable=SC2086
expect 0 out '^built 1 VPC' -- "$exe" load $(ls -r "$fx"/*.json) "$fx/vpcs.json"
has out 'read twice' "a file read twice is noted"
# a subset: groups without their VPC are skipped, not an error
expect 0 out 'security group.*VPC vpc-0a1b2c3d4e5f60718 is not in the input \(describe-vpcs\)|vpc-0a1b2c3d4e5f60718 is not in the input' -- "$exe" load "$fx/security-groups.json"
# the JSON report
# shellcheck disable=SC2086
expect 0 out '"command": "load"' -- "$exe" load --json $all
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$t/out"; }
if json 'd["format"] == 1 and d["model"]["counts"]["network-interface"] == 6 and len(d["model"]["skipped"]) == 12 and all(set(e) == {"kind", "id", "file", "path", "reason"} for e in d["model"]["skipped"]) and d["model"]["files"][0].endswith(".json")'; then
  cli_result ok "load --json: counts, skipped entries and files" ""
else
  cli_result no "load --json: counts, skipped entries and files" "unexpected JSON"
fi

# Bad input: status 2, the file and the JSON path, and with --json an error object.
bad() { # NAME CONTENT REGEX
  printf '%s' "$2" > "$t/$1"
  expect 2 err "$(re "$t/$1"): $3" -- "$exe" load "$t/$1"
}
bad syntax.json '{"Vpcs": [' 'line 1, column [0-9]+: '
bad empty.json '' ''
bad array.json '[]' '\$: expected an object'
bad key.json '{"SecurityGroupRules": []}' '\$\.SecurityGroupRules: not a describe output enictl reads'
bad dupkey.json '{"Vpcs": [], "Vpcs": []}' 'line 1, column [0-9]+: duplicate object key'
bad notlist.json '{"Vpcs": {}}' '\$\.Vpcs: expected an array, got an object'
bad notobj.json '{"Vpcs": [1]}' '\$\.Vpcs\[0\]: expected an object, got an integer'
bad noid.json '{"Vpcs": [{"CidrBlock": "10.0.0.0/16"}]}' '\$\.Vpcs\[0\]\.VpcId: missing \(required\)'
bad nocidr.json '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d"}]}' '\$\.Vpcs\[0\]\.CidrBlock: missing \(required\)'
bad type.json '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": 10}]}' '\$\.Vpcs\[0\]\.CidrBlock: expected a string, got an integer'
bad range.json '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/8"}]}' '\$\.Vpcs\[0\]: libeni refused the VPC: .*InvalidVpc\.Range'
bad badid.json '{"Vpcs": [{"VpcId": "vpc-xyz", "CidrBlock": "10.0.0.0/16"}]}' '\$\.Vpcs\[0\]: libeni refused the VPC: .*Malformed'
bad twice.json '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.9.0.0/16"}]}' '\$\.Vpcs\[1\]: vpc-0a1b2c3d differs from the one at'
bad entries.json '{"Entries": [{"Cidr": "10.0.0.0/8"}]}' '\$\.Entries: which prefix list\?'
bad state.json '{"Reservations": [{"Instances": [{"InstanceId": "i-0a1b2c3d", "InstanceType": "m5.large", "State": {"Name": "napping"}}]}]}' '\$\.Reservations\[0\]\.Instances\[0\]\.State\.Name: not an instance state'
bad acl.json '{"NetworkAcls": [{"NetworkAclId": "acl-0a1b2c3d", "Entries": [{"RuleNumber": 0, "Protocol": "-1", "RuleAction": "allow"}]}]}' '\$\.NetworkAcls\[0\]\.Entries\[0\]\.RuleNumber: 0 is out of range'

# Bad values inside the fixtures, at their paths.
sed 's/"CidrIp": "203.0.113.0\/24"/"CidrIp": "203.0.113.300\/24"/' "$fx/security-groups.json" > "$t/sg-cidr.json"
expect 2 err 'sg-cidr.json: \$\.SecurityGroups\[1\]\.IpPermissions\[1\]\.IpRanges\[0\]: libeni refused the rule: CIDR block 203[.]0[.]113[.]300/24 is malformed [(]InvalidParameterValue[)]' -- "$exe" load "$fx/vpcs.json" "$t/sg-cidr.json"
sed 's/"FromPort": 443,/"FromPort": "443",/' "$fx/security-groups.json" > "$t/sg-port.json"
expect 2 err 'sg-port.json: \$\.SecurityGroups\[1\]\.IpPermissions\[0\]\.FromPort: expected an integer, got a string' -- "$exe" load "$t/sg-port.json"
sed 's/"IpProtocol": "icmp"/"IpProtocol": "icmpx"/' "$fx/security-groups.json" > "$t/sg-proto.json"
expect 2 err "sg-proto.json: \\\$\\.SecurityGroups\\[1\\]\\.IpPermissions\\[2\\]\\.IpProtocol: expected tcp, udp, icmp, icmpv6, -1 or 0\\.\\.255, got 'icmpx'" -- "$exe" load "$fx/vpcs.json" "$t/sg-proto.json"
sed 's/"PrivateIpAddress": "10.0.2.20"/"PrivateIpAddress": "10.0.2.30"/' "$fx/network-interfaces.json" > "$t/nic-clash.json"
expect 2 err 'nic-clash.json: \$\.NetworkInterfaces\[2\]: libeni refused the interface: .*InUse' -- "$exe" load "$fx/vpcs.json" "$fx/subnets.json" "$fx/security-groups.json" "$t/nic-clash.json"
sed 's/"InstanceId": "i-0fedcba9876543210"/"InstanceId": "i-0123456789abcdef0"/' "$fx/network-interfaces.json" > "$t/nic-other.json"
expect 2 err 'nic-other.json: \$\.NetworkInterfaces\[2\]\.Attachment: attached to i-0123456789abcdef0, but i-0fedcba9876543210 lists it' -- "$exe" load "$fx/instances.json" "$t/nic-other.json"
# a capture where JSON is expected
printf '\324\303\262\241\002\000\004\000' > "$t/cap.pcap"
expect 2 err 'cap.pcap: a capture, not JSON: --model takes every argument up to the next option' -- "$exe" load "$t/cap.pcap"
expect 2 err "$(re "$t/none.json")" -- "$exe" load "$t/none.json"
# --json: the error is JSON on stdout too
expect 2 out '"path": "\$\.Vpcs\[0\]\.CidrBlock"' -- "$exe" load --json "$t/type.json"
has out '"status": 2' "the JSON error carries the status"
finish
