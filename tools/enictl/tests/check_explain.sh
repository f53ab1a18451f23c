#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# enictl explain: answers in words (eni_eval_explain's), the direction from
# the addresses, IPv6 endpoints, options, --json, and every malformed
# argument refused with status 2. TAP (tests/cli/lib.sh).
#   check_explain.sh ENICTL FIXTURES_DIR
. "$(dirname "$0")/../../../tests/cli/lib.sh"
exe=$1 fx=$2
t=$cli_tmp
nic=eni-0123456789abcdef0
model=$(ls "$fx"/*.json)
ask() { # STATUS REGEX ARGS...
  status=$1 regex=$2
  shift 2
  # shellcheck disable=SC2086
  expect "$status" out "$regex" -- "$exe" explain --model $model --interface $nic "$@"
}

ask 0 "^inbound tcp 203\\.0\\.113\\.5:40000 -> 10\\.0\\.1\\.7:22 on $nic\$" tcp 203.0.113.5:40000 '->' 10.0.1.7:22
has out '^allowed by sg-0123456789abcdef0 rule sgr-[0-9a-f]{17} \(tcp 22-22 from 203\.0\.113\.0/24\)' "the allowing rule, in libeni's words"
ask 1 '^dropped: no rule matched' tcp 192.0.2.200:52000 to 10.0.1.7:22
ask 0 '^allowed by sg-0123456789abcdef0 .*from ::/0' tcp '[2001:db8::5]:40000' '->' '[2600:1f18:1234:5601::7]:443'
ask 0 '^outbound udp 10\.0\.1\.7:40001 -> 10\.0\.0\.2:53' udp 10.0.1.7:40001 '->' 10.0.0.2:53
ask 0 '^inbound icmp 203.0.113.5 -> 10.0.1.7' icmp 203.0.113.5 '->' 10.0.1.7
ask 1 '^dropped' icmp --icmp 13 203.0.113.5 '->' 10.0.1.7
ask 1 '^outbound icmp 10\.0\.1\.7 -> 8\.8\.8\.8' icmp 10.0.1.7 '->' 8.8.8.8
ask 1 '^inbound esp' esp 203.0.113.5 '->' 10.0.1.7
ask 0 '^outbound 6 10\.0\.1\.7:41000 -> 10\.0\.2\.20:5432' 6 10.0.1.7:41000 '->' 10.0.2.20:5432
ask 1 '^inbound tcp .*on' --direction in tcp 203.0.113.5:40003 '->' 10.0.1.99:22
has out 'dropped' "an address not the interface's is dropped (source/destination check)"
ask 0 '' --tcp-flags syn,ack tcp 203.0.113.5:40000 '->' 10.0.1.7:22
# Network ACLs (the web subnet's acl-0fedcba9876543210; the VPC's default ACL for the
# database subnet): each packet below is one the groups allow, so only a loaded ACL
# entry drops it, and the answer names the ACL and the rule.
ask 1 '^dropped: denied by acl-0fedcba9876543210 rule 50 \(deny tcp 22 from 203\.0\.113\.128/25\)' tcp 203.0.113.200:40000 '->' 10.0.1.7:22
ask 1 '^dropped: denied by acl-0fedcba9876543210 rule 60 \(deny icmp type 8 from 198\.51\.100\.0/24\)' icmp 198.51.100.9 '->' 10.0.1.7
ask 1 '^dropped: denied by acl-0fedcba9876543210 rule 70 \(deny tcp 443 from 2001:db8:bad::/48\)' tcp '[2001:db8:bad::1]:40000' '->' '[2600:1f18:1234:5601::7]:443'
ask 1 '^dropped: denied by acl-0fedcba9876543210 rule 60 \(deny tcp 443 to 54\.231\.0\.0/16\)' tcp 10.0.1.7:41002 '->' 54.231.1.1:443
ask 0 '^allowed by sg-0123456789abcdef0 .*to pl-63a5400a' tcp 10.0.1.7:41002 '->' 52.216.1.1:443
ask 1 '"reason": "acl-deny"' --json tcp 203.0.113.200:40000 '->' 10.0.1.7:22
has out '"explanation": "dropped: denied by acl-0fedcba9876543210 rule 50' "explain --json: the ACL rule in the explanation"
# The default ACL's own entry (rule 90 of the JSON, on the database subnet): ssh from
# the secondary block's subnet, whose interface is a member of the default group.
# shellcheck disable=SC2086
expect 1 out '^dropped: denied by acl-0123456789abcdef0 rule 90 \(deny tcp 22 from 10\.1\.0\.0/16\)' -- "$exe" explain --model $model --interface eni-0b1b2b3b4b5b6b7b8 tcp 10.1.0.10:40000 '->' 10.0.2.30:22
# shellcheck disable=SC2086
expect 0 out '^allowed by sg-0d1e2f3a4b5c6d7e8 .*from sg-0d1e2f3a4b5c6d7e8' -- "$exe" explain --model $model --interface eni-0b1b2b3b4b5b6b7b8 tcp 10.1.0.10:40000 '->' 10.0.2.30:80
# Delegated prefixes: an address inside one is the interface's own (direction and
# the source/destination check); one just outside is not.
ask 0 '^inbound tcp 203\.0\.113\.5:40000 -> 10\.0\.1\.70:443 on' tcp 203.0.113.5:40000 '->' 10.0.1.70:443
has out '^allowed by sg-0123456789abcdef0 .*from 0\.0\.0\.0/0' "an address in the IPv4 prefix 10.0.1.64/28 passes the source/destination check"
ask 0 '^outbound tcp 10\.0\.1\.79:41001 -> 52\.216\.4\.5:443 on' tcp 10.0.1.79:41001 '->' 52.216.4.5:443
ask 0 '^allowed by sg-0123456789abcdef0 .*from ::/0' tcp '[2001:db8::5]:40000' '->' '[2600:1f18:1234:5601:1::9]:443'
ask 2 '' tcp 203.0.113.5:40000 '->' 10.0.1.80:443
has err 'neither .* is an address of eni-0123456789abcdef0' "an address outside the prefix is not the interface's"
ask 1 '^dropped by the source/destination check' --direction in tcp 203.0.113.5:40000 '->' 10.0.1.80:443
ask 0 '"reason": "rule"' --json tcp 203.0.113.5:40000 '->' 10.0.1.7:22
if python3 - "$t/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"format", "command", "model", "interface", "direction", "packet", "action",
                  "reason", "group", "rule", "rule_text", "explanation"}, sorted(d)
assert d["packet"] == {"protocol": "tcp", "family": 4, "source": "203.0.113.5", "source_port": 40000,
                       "destination": "10.0.1.7", "destination_port": 22, "tcp_flags": 2,
                       "icmp_type": None, "icmp_code": None}, d["packet"]
assert (d["direction"], d["action"], d["group"]) == ("inbound", "allow", "sg-0123456789abcdef0")
assert d["rule_text"] == "tcp 22 from 203.0.113.0/24" and d["explanation"].startswith("allowed by")
PY
then cli_result ok "explain --json: the documented keys" ""
else cli_result no "explain --json: the documented keys" "see above"; fi

# Refusals, each naming what is wrong.
ask 2 '' tcp 203.0.113.5:40000 '->' 10.0.1.5:22
has err 'neither 203\.0\.113\.5:40000 nor 10\.0\.1\.5:22 is an address of eni-0123456789abcdef0: .*--direction in\|out' "neither address is the interface's"
for bad in 'tcp 203.0.113.5 -> 10.0.1.7:22|port is missing' \
           'tcp 203.0.113.5:70000 -> 10.0.1.7:22|a port is a whole number' \
           'tcp 203.0.113.5:x -> 10.0.1.7:22|a port is a whole number' \
           'tcp 203.0.113.500:1 -> 10.0.1.7:22|not an IPv4 or IPv6 address' \
           'tcp [2001:db8::5:1 -> 10.0.1.7:22|\[ADDRESS\]:PORT' \
           'tcp 203.0.113.5:1 -> [2600:1f18:1234:5601::7]:22|different families' \
           'icmp 203.0.113.5:1 -> 10.0.1.7|has no ports' \
           'icmpv6 203.0.113.5 -> 10.0.1.7|icmpv6 needs IPv6' \
           'tcpx 203.0.113.5:1 -> 10.0.1.7:22|the protocol is' \
           '256 203.0.113.5:1 -> 10.0.1.7:22|the protocol is' \
           'tcp 203.0.113.5:1 => 10.0.1.7:22|explain takes PROTO SRC' \
           'tcp 203.0.113.5:1 ->|explain takes PROTO SRC'; do
  words=${bad%%|*} regex=${bad#*|}
  # shellcheck disable=SC2086
  set -f; set -- $words; set +f
  ask 2 '' "$@"
  has err "$regex" "explain $words: refused"
done
ask 2 '' --tcp-flags syn,bogus tcp 203.0.113.5:1 '->' 10.0.1.7:22
has err "--tcp-flags takes .*not 'bogus'" "an unknown TCP flag"
ask 2 '' --tcp-flags syn udp 203.0.113.5:1 '->' 10.0.1.7:22
has err '--tcp-flags is for tcp' "TCP flags on UDP"
ask 2 '' --icmp 300 icmp 203.0.113.5 '->' 10.0.1.7
has err '--icmp: type and code are 0\.\.255' "an ICMP type out of range"
ask 2 '' --icmp 3/x icmp 203.0.113.5 '->' 10.0.1.7
has err '--icmp is TYPE or TYPE/CODE' "a malformed ICMP type"
ask 2 '' --direction sideways tcp 203.0.113.5:1 '->' 10.0.1.7:22
has err "--direction is in or out, not 'sideways'" "a bad direction"
finish
