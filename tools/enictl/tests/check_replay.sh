#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# enictl replay: the text of a replay (web.expected: the flows of web.pcap,
# derived by hand packet by packet in gen_captures.py; rule ids masked),
# its options, and damaged captures and bad interfaces (status 2). Every
# packet's verdict is checked by check_verdicts.py. TAP (tests/cli/lib.sh).
#   check_replay.sh ENICTL FIXTURES_DIR CAPTURES_DIR EXPECTED
. "$(dirname "$0")/../../../tests/cli/lib.sh"
exe=$1 fx=$2 caps=$3 expected=$4
t=$cli_tmp
nic=eni-0123456789abcdef0
model=$(ls "$fx"/*.json)
mask() { tail -n +2 "$t/out" | sed 's/sgr-[0-9a-f]\{17\}/sgr-*/g'; }

# shellcheck disable=SC2086
expect 1 out "^replay of .*web.pcap \\(pcap, EN10MB\\) on $nic\$" -- "$exe" replay --model $model --interface $nic "$caps/web.pcap"
if mask | diff -u "$expected" - > "$t/diff"; then
  cli_result ok "web.pcap: flows and summary as derived by hand" ""
else
  cli_result no "web.pcap: flows and summary as derived by hand" "$(head -20 "$t/diff")"
fi
has err 'the model skipped 8 objects' "the skipped objects are mentioned on stderr"
# pcapng: the same flows (nanosecond timestamps)
# shellcheck disable=SC2086
expect 1 out '\(pcapng, EN10MB\)' -- "$exe" replay -m $model -i $nic "$caps/web.pcapng"
if mask | diff -u "$expected" - > "$t/diff"; then
  cli_result ok "web.pcapng: the same flows" ""
else
  cli_result no "web.pcapng: the same flows" "$(head -20 "$t/diff")"
fi
# one invocation: the model, then the interface, then the capture; --model=FILE; '--'
# shellcheck disable=SC2086
expect 1 out 'summary: 26 packets' -- "$exe" replay --interface $nic --model $model -- "$caps/web.pcap"
# shellcheck disable=SC2086
expect 1 out 'summary: 5 packets' -- "$exe" replay $(for f in $model; do printf ' --model=%s' "$f"; done) -i $nic "$caps/web-sll.pcap"
# a capture caught by --model is named as such
# shellcheck disable=SC2086
expect 2 err 'web.pcap: a capture, not JSON' -- "$exe" replay -i $nic --model $model "$caps/web.pcap"

# --dropped: the six dropped packets, dropped again on their own
# shellcheck disable=SC2086
expect 1 out 'dropped packets written to .*: 6$' -- "$exe" replay -m $model -i $nic --dropped "$t/dropped.pcap" "$caps/web.pcap"
# shellcheck disable=SC2086
expect 1 out '^summary: 6 packets, 0 allowed, 6 dropped, 0 not judged' -- "$exe" replay -m $model -i $nic "$t/dropped.pcap"
# --flows, --unknown-direction, --packets, progress options
# shellcheck disable=SC2086
expect 1 out '^flow 3: tcp 192\.0\.2\.200:52000 -> 10\.0\.1\.7:22' -- "$exe" replay -m $model -i $nic --flows dropped "$caps/web.pcap"
lacks out '^flow 1:' "--flows dropped leaves out the flows that lost nothing"
# shellcheck disable=SC2086
expect 1 out '^summary' -- "$exe" replay -m $model -i $nic --flows none "$caps/web.pcap"
lacks out '^flow' "--flows none lists none"
# shellcheck disable=SC2086
expect 1 out '^  source-dest-check  2$' -- "$exe" replay -m $model -i $nic --unknown-direction in --no-progress "$caps/web.pcap"
# shellcheck disable=SC2086
expect 1 out '^packet 22 at 1700000054\.000000000: not judged \(unknown-direction\)$' -- "$exe" replay -m $model -i $nic --packets --progress "$caps/web.pcap"
has out '^packet 2 at 1700000001\.000000000: inbound allow rule sg-0123456789abcdef0 sgr-[0-9a-f]{17}: tcp 22 from 203\.0\.113\.0/24$' "--packets: a packet's verdict and rule"
# shellcheck disable=SC2086
# JSON: the documented keys
# shellcheck disable=SC2086
expect 1 out '"command": "replay"' -- "$exe" replay --json -m $model -i $nic --dropped "$t/d.pcap" "$caps/web.pcap"
if python3 - "$t/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"format", "command", "model", "interface", "capture", "flows", "packets",
                  "summary", "dropped_file", "error"}, sorted(d)
assert d["capture"] == {"file": d["capture"]["file"], "format": "pcap", "link_type": "EN10MB"}
f = d["flows"][0]
assert set(f) == {"number", "protocol", "family", "source", "source_port", "destination",
                  "destination_port", "icmp_type", "initiator", "first_packet", "first_seen_ns",
                  "last_seen_ns", "packets", "allowed", "dropped", "malformed", "verdicts"}, sorted(f)
assert f["first_seen_ns"] == 1700000001000000000 and f["verdicts"][0]["rule_text"] == "tcp 22 from 203.0.113.0/24"
assert set(f["verdicts"][0]) == {"direction", "action", "reason", "group", "rule", "rule_text",
                                 "packets", "first_packet"}
s = d["summary"]
assert (s["packets"], s["judged"], s["allowed"], s["dropped"], s["flows"]) == (26, 24, 18, 6, 16), s
assert s["not_judged"] == {"not-ip": 1, "unknown-direction": 1} and s["by_reason"]["rule"] == 10
assert d["dropped_file"]["packets"] == 6 and d["packets"] is None and d["error"] is None
PY
then cli_result ok "replay --json: the documented keys and counts" ""
else cli_result no "replay --json: the documented keys and counts" "see above"; fi

# Damaged captures: what was read, then status 2 naming the file.
# shellcheck disable=SC2086
expect 2 err 'truncated\.pcap: damaged after packet 1: truncated dump file' -- "$exe" replay -m $model -i $nic "$caps/truncated.pcap"
has out '^summary: 1 packet, ' "the packets before the damage are reported"
# shellcheck disable=SC2086
expect 2 err 'truncated\.pcapng: damaged after packet 2: truncated pcapng dump file' -- "$exe" replay -m $model -i $nic "$caps/truncated.pcapng"
# shellcheck disable=SC2086
expect 2 err 'truncated-header\.pcap: not a capture libpcap can read: truncated dump file' -- "$exe" replay -m $model -i $nic "$caps/truncated-header.pcap"
# shellcheck disable=SC2086
expect 2 out '"message": "truncated dump file' -- "$exe" replay --json -m $model -i $nic "$caps/truncated.pcap"
# shellcheck disable=SC2086
expect 2 err 'vpcs\.json: not a capture libpcap can read' -- "$exe" replay -m $model -i $nic -- "$fx/vpcs.json"
# shellcheck disable=SC2086
expect 2 err 'none\.pcap: not a capture libpcap can read' -- "$exe" replay -m $model -i $nic "$t/none.pcap"
# Interfaces the model lacks, skipped, or never attached.
# shellcheck disable=SC2086
expect 2 err 'interface eni-0aaaaaaaaaaaaaaaa is not in the model' -- "$exe" replay -m $model -i eni-0aaaaaaaaaaaaaaaa "$caps/web.pcap"
# shellcheck disable=SC2086
expect 2 err "interface eni-0123456789abcdef0 was skipped while loading the model: subnet subnet-01234567890abcdef is not in the input \\(describe-subnets\\)" -- "$exe" replay -m "$fx/vpcs.json" "$fx/security-groups.json" "$fx/network-interfaces.json" -i eni-0123456789abcdef0 "$caps/web.pcap"
# shellcheck disable=SC2086
expect 2 err 'interface eni-0d1d2d3d4d5d6d7d8 is not attached to an instance in the model \(available\)' -- "$exe" replay -m $model -i eni-0d1d2d3d4d5d6d7d8 "$caps/web.pcap"
# shellcheck disable=SC2086
expect 2 err 'interface eni-0f1f2f3f4f5f6f7f8 is not attached to an instance in the model \(available\)' -- "$exe" replay -m $model -i eni-0f1f2f3f4f5f6f7f8 "$caps/web.pcap"
# shellcheck disable=SC2086
expect 2 err "interface sg-0123456789abcdef0 is not in the model" -- "$exe" replay -m $model -i sg-0123456789abcdef0 "$caps/web.pcap"
finish
