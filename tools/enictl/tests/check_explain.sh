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
