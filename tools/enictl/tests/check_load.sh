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
expect 0 out '^built 1 VPC, 3 subnets, 2 network ACLs, 2 prefix lists, 3 security groups, 7 network interfaces, 3 instances, 1 Elastic IP$' -- "$exe" load $all
has out 'sg-0123456789abcdef0 +web in vpc-0a1b2c3d4e5f60718: 5 inbound, 3 outbound rules' "the web group and its rules"
has out 'i-0123456789abcdef0 +m5.large running: eni-0123456789abcdef0 at 0, eni-0b1b2b3b4b5b6b7b8 at 1' "an instance and its attachments"
has out 'i-0fedcba9876543210 +t3.micro stopped' "a stopped instance"
has out 'i-0999999999999999f +p5.48xlarge running \(a stand-in' "a stand-in for an instance the input lacks"
has out 'eipalloc-0123456789abcdef0 54.210.1.2 \(198.18.0.1 in the model\) on eni-0123456789abcdef0 10.0.1.7' "an Elastic IP"
has out 'belongs to account 444455556666, not 111122223333' "a group of another account is skipped"
has out 'of a peered VPC \(pcx-0123456789abcdef0\)' "a group of a peered VPC is skipped"
has out 'vpc-0a1b2c3d4e5f60718 +10\.0\.0\.0/16 10\.1\.0\.0/16 2600:1f18:1234:5600::/56 2600:1f18:1234:5700::/56$' "a VPC with its secondary IPv4 block and its two IPv6 blocks"
has out 'subnet-0aaaaaaaaaaaaaaaa +10\.1\.0\.0/24 2600:1f18:1234:5700::/64 us-east-1b' "a subnet in the secondary blocks, IPv4 and IPv6"
lacks out 'IPv6 block 2600:1f18:1234:5700::|subnet-0aaaaaaaaaaaaaaaa:' "neither the second IPv6 block nor its subnet is skipped or left out"
has out 'vpc-cidr-block vpc-0a1b2c3d4e5f60718: block 2600:1f18:1234:5800::/56 is disassociated: left out of the model' "a disassociated IPv6 block is noted, not built"
has out 'eni-0d1d2d3d4d5d6d7d8 +10\.1\.0\.10 in subnet-0aaaaaaaaaaaaaaaa' "an interface in that subnet"
has out 'vpc-cidr-block vpc-0a1b2c3d4e5f60718: block 10\.2\.0\.0/16 is disassociated: left out of the model' "a disassociated block is noted, not built"
has out 'eni-0123456789abcdef0 +10\.0\.1\.7 and 2 more addresses, 2 prefixes in' "delegated prefixes, IPv4 and IPv6"
has out 'eni-0b1b2b3b4b5b6b7b8 +10\.0\.2\.30, 1 prefix in' "an IPv4 prefix"
has out 'acl-0123456789abcdef0 +default ACL of vpc-0a1b2c3d4e5f60718: 3 inbound, 2 outbound entries, 2 subnets$' "the default ACL under its EC2 id, holding the JSON's entries"
has out 'acl-0fedcba9876543210 +in vpc-0a1b2c3d4e5f60718: 5 inbound, 3 outbound entries, 1 subnet$' "another ACL with its entries and its subnet"
has out 'network-acl acl-0999999999999999e: VPC vpc-0999999999999999c is not in the input' "an ACL of a VPC the input lacks is skipped"
has out 'instance type x9.superlarge is not one libeni knows' "an unknown instance type is skipped"
has out 'network-interface-attachment eni-0f1f2f3f4f5f6f7f8: not attached: instance i-0aaaaaaaaaaaaaaa1 was skipped' "so is its interface's attachment"
has out 'instance i-0bbbbbbbbbbbbbbb2: terminated' "a terminated instance is skipped"
has out 'sg-0c1a55c1a55c1a55c: no VpcId: an EC2-Classic group' "an EC2-Classic group is skipped"
has out "named 'aws-managed:com.amazonaws.us-east-1.s3'" "an AWS-managed prefix list is renamed"
has out 'InterfaceType network_load_balancer is modelled as an ordinary interface' "a load balancer's interface"
has out 'at .*security-groups.json \$\.SecurityGroups\[1\]\.IpPermissions\[1\]\.UserIdGroupPairs\[0\]' "skips name their JSON path"

# IPv6 blocks: past the default quota of 5 (raised to the input's count), past EC2's 50, not a
# /56, not associated (a subnet in it keeps its IPv4 block only)
v6vpc() { # COUNT MORE-BLOCKS SUBNET-/64: a VPC with COUNT associated /56s, then MORE-BLOCKS
  # (JSON, each with a leading comma, or ''), and a subnet whose IPv6 block is SUBNET-/64
  printf '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlockAssociationSet": ['
  i=0
  while [ "$i" -lt "$1" ]; do
    printf '%s{"Ipv6CidrBlock": "2600:1f18:1234:%x::/56", "Ipv6CidrBlockState": {"State": "associated"}}' \
      "$([ "$i" -gt 0 ] && echo ,)" $((0x5600 + i * 256))
    i=$((i + 1))
  done
  printf '%s]}], "Subnets": [{"SubnetId": "subnet-0a1b2c3d", "VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a", "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "%s"}]}]}' "$2" "$3"
}
v6vpc 7 '' 2600:1f18:1234:5c00::/64 > "$t/v6-seven.json"
expect 0 out '^built 1 VPC, 1 subnet$' -- "$exe" load "$t/v6-seven.json"
has out 'vpc-0a1b2c3d +10\.0\.0\.0/16 2600:1f18:1234:5600::/56 .*2600:1f18:1234:5c00::/56$' "seven IPv6 blocks: the quota follows the input"
has out 'subnet-0a1b2c3d +10\.0\.1\.0/24 2600:1f18:1234:5c00::/64 ' "a subnet in the seventh IPv6 block"
v6vpc 51 '' 2600:1f18:1234:8800::/64 > "$t/v6-many.json"
expect 0 out 'quota: the input needs 51 IPv6 blocks in a VPC: EC2 allows at most 50' -- "$exe" load "$t/v6-many.json"
has out 'vpc-cidr-block vpc-0a1b2c3d: libeni refused the CIDR block: .*\(CidrLimitExceeded\)' "the 51st IPv6 block is skipped"
has out 'at .*v6-many\.json \$\.Vpcs\[0\]\.Ipv6CidrBlockAssociationSet\[50\]' "at its path"
has out "IPv6 block 2600:1f18:1234:8800::/64 left out: it lies in the VPC's block 2600:1f18:1234:8800::/56, which is not in the model" "a subnet in it keeps its IPv4 block"
v6vpc 2 ', {"Ipv6CidrBlock": "2600:1f18:1234:9000::/60"}, {"Ipv6CidrBlock": "2600:1f18:1234:a000::/56", "Ipv6CidrBlockState": {"State": "disassociating"}}' 2600:1f18:1234:a001::/64 > "$t/v6-odd.json"
expect 0 out 'vpc-cidr-block vpc-0a1b2c3d: IPv6 block 2600:1f18:1234:9000::/60: libeni models /56 blocks in a VPC' -- "$exe" load "$t/v6-odd.json"
has out 'block 2600:1f18:1234:a000::/56 is disassociating: left out of the model' "an IPv6 block not associated is noted"
has out "IPv6 block 2600:1f18:1234:a001::/64 left out: it lies in the VPC's block 2600:1f18:1234:a000::/56" "a subnet in it keeps its IPv4 block"
has out 'subnet-0a1b2c3d +10\.0\.1\.0/24 us-east-1a' "and is built"
v6vpc 1 '' 2600:1f18:1234:5601::/64 | sed 's|"CidrBlock": "10.0.0.0/16", |&"CidrBlockAssociationSet": [{"CidrBlock": "10.2.0.0/16", "CidrBlockState": {"State": "disassociated"}}], |; s|"10.0.1.0/24"|"10.2.0.0/24"|' > "$t/v6-v4.json"
expect 0 out "subnet subnet-0a1b2c3d: it lies in the VPC's block 10\.2\.0\.0/16, which is not in the model" -- "$exe" load "$t/v6-v4.json"

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
if json 'd["format"] == 1 and d["model"]["counts"]["network-interface"] == 7 and d["model"]["counts"]["network-acl"] == 2 and len(d["model"]["skipped"]) == 8 and all(set(e) == {"kind", "id", "file", "path", "reason"} for e in d["model"]["skipped"]) and d["model"]["files"][0].endswith(".json")'; then
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
# network ACLs: every field of an entry, EC2's implicit rules, associations
acl() { # ENTRY-JSON: one entry of an ACL of a VPC the input lacks (read all the same)
  printf '{"NetworkAcls": [{"NetworkAclId": "acl-0a1b2c3d", "VpcId": "vpc-0a1b2c3d", "Entries": [%s]}]}' "$1"
}
e0='\$\.NetworkAcls\[0\]\.Entries\[0\]'
bad acl.json "$(acl '{"RuleNumber": 0, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}')" "$e0\\.RuleNumber: 0 is out of range \\(1\\.\\.32768\\)"
bad acl-num.json "$(acl '{"RuleNumber": "100", "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}')" "$e0\\.RuleNumber: expected an integer, got a string"
bad acl-proto.json "$(acl '{"RuleNumber": 100, "Protocol": "tcp", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}')" "$e0\\.Protocol: expected -1 or a protocol number 0\\.\\.255, got 'tcp'"
bad acl-action.json "$(acl '{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "reject", "CidrBlock": "0.0.0.0/0"}')" "$e0\\.RuleAction: expected allow or deny, got 'reject'"
bad acl-both.json "$(acl '{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "Ipv6CidrBlock": "::/0"}')" "$e0: an entry has one of CidrBlock and Ipv6CidrBlock, not both"
bad acl-none.json "$(acl '{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow"}')" "$e0: an entry has one of CidrBlock and Ipv6CidrBlock, not neither"
bad acl-port.json "$(acl '{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 70000}}')" "$e0\\.PortRange\\.To: 70000 is out of range"
bad acl-icmp.json "$(acl '{"RuleNumber": 100, "Protocol": "1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0", "IcmpTypeCode": {"Type": 8}}')" "$e0\\.IcmpTypeCode\\.Code: missing \\(required\\)"
bad acl-star.json "$(acl '{"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}')" "$e0: rule 32767 is EC2's implicit deny of all IPv4 traffic"
bad acl-star6.json "$(acl '{"RuleNumber": 32768, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "0.0.0.0/0"}')" "$e0: rule 32768 is EC2's implicit deny of all IPv6 traffic"
vpc='{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/16"}'
bad acl-tcp.json '{"Vpcs": ['"$vpc"'], "NetworkAcls": [{"NetworkAclId": "acl-0a1b2c3d", "VpcId": "vpc-0a1b2c3d", "Entries": [{"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}]}]}' "$e0: libeni refused the entry: .*InvalidParameterCombination"
bad acl-twice.json '{"Vpcs": ['"$vpc"'], "NetworkAcls": [{"NetworkAclId": "acl-0a1b2c3d", "VpcId": "vpc-0a1b2c3d", "Entries": [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "CidrBlock": "0.0.0.0/0"}, {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "deny", "CidrBlock": "10.0.0.0/8"}]}]}' '\$\.NetworkAcls\[0\]\.Entries\[1\]: libeni refused the entry: .*NetworkAclEntryAlreadyExists'
bad acl-id.json '{"Vpcs": ['"$vpc"'], "NetworkAcls": [{"NetworkAclId": "acl-xyz", "VpcId": "vpc-0a1b2c3d", "IsDefault": true}]}' '\$\.NetworkAcls\[0\]\.NetworkAclId: libeni refused the id: .*InvalidNetworkAclId\.Malformed'
bad acl-id2.json '{"Vpcs": ['"$vpc"'], "NetworkAcls": [{"NetworkAclId": "acl-xyz", "VpcId": "vpc-0a1b2c3d"}]}' '\$\.NetworkAcls\[0\]: libeni refused the network ACL: .*InvalidNetworkAclId\.Malformed'
bad acl-assoc.json '{"NetworkAcls": [{"NetworkAclId": "acl-0a1b2c3d", "VpcId": "vpc-0a1b2c3d", "Associations": [{"NetworkAclId": "acl-0f0f0f0f", "SubnetId": "subnet-0a1b2c3d"}]}]}' '\$\.NetworkAcls\[0\]\.Associations\[0\]\.NetworkAclId: names acl-0f0f0f0f, but the association is inside network ACL acl-0a1b2c3d'
bad block.json '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/16", "CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16"}, {"CidrBlock": "192.168.0.0/16", "CidrBlockState": {"State": "associated"}}]}]}' '\$\.Vpcs\[0\]\.CidrBlockAssociationSet\[1\]: libeni refused the CIDR block: .*InvalidVpc\.Range'
bad block-state.json '{"Vpcs": [{"VpcId": "vpc-0a1b2c3d", "CidrBlock": "10.0.0.0/16", "CidrBlockAssociationSet": [{"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": 1}}]}]}' '\$\.Vpcs\[0\]\.CidrBlockAssociationSet\[0\]\.CidrBlockState\.State: expected a string, got an integer'
# a subnet's /64 outside every IPv6 block of its VPC; an IPv6 block that overlaps another
bad v6-range.json "$(v6vpc 2 '' 2600:1f18:1234:5a01::/64)" '\$\.Subnets\[0\]: libeni refused the subnet: .*InvalidSubnet\.Range'
bad v6-overlap.json "$(v6vpc 2 ', {"Ipv6CidrBlock": "2600:1f18:1234:5700::/56"}' 2600:1f18:1234:5601::/64)" '\$\.Vpcs\[0\]\.Ipv6CidrBlockAssociationSet\[2\]: libeni refused the CIDR block: .*InvalidVpc\.Range'

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
# network ACLs and prefixes inside the fixtures: an unknown subnet, a subnet in two ACLs,
# a second default ACL, a prefix libeni refuses
sed 's/"SubnetId": "subnet-0aaaaaaaaaaaaaaaa"/"SubnetId": "subnet-0bbbbbbbbbbbbbbbb"/' "$fx/network-acls.json" > "$t/acl-subnet.json"
expect 2 err 'acl-subnet.json: \$\.NetworkAcls\[0\]\.Associations\[1\]\.SubnetId: subnet subnet-0bbbbbbbbbbbbbbbb is not in the input \(describe-subnets\)' -- "$exe" load "$fx/vpcs.json" "$fx/subnets.json" "$t/acl-subnet.json"
sed 's/"SubnetId": "subnet-01234567890abcdef"/"SubnetId": "subnet-0fedcba9876543210"/' "$fx/network-acls.json" > "$t/acl-both.json"
expect 2 err 'acl-both.json: \$\.NetworkAcls\[1\]\.Associations\[0\]\.SubnetId: subnet subnet-0fedcba9876543210 is associated twice \(also at .*acl-both\.json \$\.NetworkAcls\[0\]\.Associations\[0\]\)' -- "$exe" load "$fx/vpcs.json" "$fx/subnets.json" "$t/acl-both.json"
sed 's/"IsDefault": false/"IsDefault": true/' "$fx/network-acls.json" > "$t/acl-default.json"
expect 2 err 'acl-default.json: \$\.NetworkAcls\[1\]\.IsDefault: a second default network ACL of vpc-0a1b2c3d4e5f60718' -- "$exe" load "$fx/vpcs.json" "$t/acl-default.json"
sed 's/"Ipv4Prefix": "10.0.1.64\/28"/"Ipv4Prefix": "10.0.1.66\/28"/' "$fx/network-interfaces.json" > "$t/nic-prefix.json"
expect 2 err 'nic-prefix.json: \$\.NetworkInterfaces\[0\]\.Ipv4Prefixes\[0\]: libeni refused the prefix: ' -- "$exe" load "$fx/vpcs.json" "$fx/subnets.json" "$fx/security-groups.json" "$t/nic-prefix.json"
sed 's/"Ipv4Prefix": "10.0.1.64\/28"/"Ipv4Prefix": ""/' "$fx/network-interfaces.json" > "$t/nic-prefix2.json"
expect 2 err 'nic-prefix2.json: \$\.NetworkInterfaces\[0\]\.Ipv4Prefixes\[0\]\.Ipv4Prefix: empty string' -- "$exe" load "$t/nic-prefix2.json"
# a capture where JSON is expected
printf '\324\303\262\241\002\000\004\000' > "$t/cap.pcap"
expect 2 err 'cap.pcap: a capture, not JSON: --model takes every argument up to the next option' -- "$exe" load "$t/cap.pcap"
expect 2 err "$(re "$t/none.json")" -- "$exe" load "$t/none.json"
# --json: the error is JSON on stdout too
expect 2 out '"path": "\$\.Vpcs\[0\]\.CidrBlock"' -- "$exe" load --json "$t/type.json"
has out '"status": 2' "the JSON error carries the status"
finish
