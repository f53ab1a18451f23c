#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# eni-bench's command line and JSON: options are checked (usage errors exit 2
# with a message on stderr), --help and --version measure nothing, and the
# JSON names what was measured and carries the run's metadata. One repetition
# of the short scenarios; the figures are not judged, but every rule shape
# must have run, with each of its measures, and when the DPDK peer is built
# in, its verdicts must agree with libeni's on every packet.
#   check_bench.sh ENI_BENCH VERSION
. "$(dirname "$0")/lib.sh"
exe=$1 version=$2
v=$(printf '%s' "$version" | sed 's/[.]/[.]/g')
json=$cli_tmp/bench.json

expect 0 out '^usage: .*eni-bench \[--reps N\]' -- "$exe" --help
lacks out '^(eni-bench:|classify |established )' '--help measures nothing'
expect 0 out "^eni-bench \\(libeni $v\\)\$" -- "$exe" --version
lacks out '^(eni-bench:|classify |established )' '--version measures nothing'

expect 2 err "unrecognized option '--bogus'" -- "$exe" --bogus
expect 2 err "invalid option -- 'x'" -- "$exe" -x
expect 2 err "unexpected argument.*'extra'" -- "$exe" extra
expect 2 err "--reps.*'0'" -- "$exe" --reps 0
expect 2 err "--reps.*'101'" -- "$exe" --reps 101
expect 2 err "--reps.*'x'" -- "$exe" --reps x
expect 2 err "--reps.*'3x'" -- "$exe" --reps 3x
expect 2 err "--reps.*'-1'" -- "$exe" --reps -1
expect 2 err "requires an argument" -- "$exe" --reps
expect 2 err "--flows.*'999'" -- "$exe" --flows 999
expect 2 err "--flows.*'4000001'" -- "$exe" --flows 4000001
expect 2 err "--only.*'everything'" -- "$exe" --only everything
expect 2 err "requires an argument" -- "$exe" --json
expect 2 err "--shape.*'bogus'" -- "$exe" --shape bogus
expect 2 err "--shape.*'v4-mix'" -- "$exe" --shape mix,v4-mix
expect 2 err "--shape needs a shape name" -- "$exe" --shape ,
expect 2 err "--shape.*'v6-v6-hosts'" -- "$exe" --shape v6-v6-hosts
expect 2 err "requires an argument" -- "$exe" --shape

# Reads the JSON (python3), checks the metadata and that every record has
# scenario, metric and value, then runs the Python expression $2 on the set
# of scenario names (s) and the records (r).
json_ok() {
  python3 - "$json" "$version" "$1" "$2" <<'PY'
import json, re, sys
path, version, reps, cond = sys.argv[1:]
doc = json.load(open(path))
m = doc["meta"]
assert m["program"] == "eni-bench", m
assert m["libeni_version"] == version, m
assert m["repetitions"] == int(reps), m
assert isinstance(m["cpus"], int) and m["cpus"] >= 1, m
assert m["cpu_model"] and m["git_commit"] and m["shapes"], m
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m["date"]), m
r = doc["results"]
assert r and all({"scenario", "metric", "value"} <= x.keys() for x in r), r
s = {x["scenario"] for x in r}

def shapes_ok(names, sizes):
    """Every shape ran at every size with its four measures and its compiled
    memory; with the peer, every shape and size has no verdict mismatch (or
    says the peer skipped it)."""
    names = names.split()
    ran = {(x["shape"], x["rules"], x["measure"]) for x in r if x["metric"] == "libeni_mpps"}
    want = {(sh, n, ms) for sh in names for n in sizes
            for ms in ("drop", "new", "established", "drop_after_churn")}
    assert ran == want, sorted(want ^ ran)
    assert all(x["scenario"] == "classify_%s_%s" % (x["shape"], x["measure"]) and x["value"] > 0
               for x in r if "measure" in x), r
    for sh in names:
        for n in sizes:
            mem = {x["metric"]: x["value"] for x in r
                   if x.get("shape") == sh and x.get("rules") == n and "measure" not in x}
            assert mem.get("rules_bytes", 0) > 0 and "acl_bytes" in mem, (sh, n, mem)
    if m["peer"] != "dpdk":
        return not any("peer" in x["metric"] for x in r)
    for sh in names:
        for n in sizes:
            checks = {x["metric"]: x["value"] for x in r
                      if x.get("shape") == sh and x.get("rules") == n and "measure" not in x}
            assert checks.get("verdict_mismatches") == 0 or "peer_skipped" in checks, (sh, n, checks)
    return True

assert eval(cond), (cond, sorted(s))
PY
}
if command -v python3 >/dev/null 2>&1; then
  expect 0 out 'frames +parse' -- "$exe" --only frames --reps 1 --json "$json"
  expect 0 err '' -- json_ok 1 \
    's == {"frames", "publish_1000", "publish_1000_15_interfaces"} and all(x["rules"] == 1000 for x in r)'
  expect 0 out '^established 1000 flows' -- "$exe" --only established --flows 1000 --reps 1 --json "$json"
  expect 0 err '' -- json_ok 1 \
    '"established_1k" in s and not any(x.startswith("classify") or x == "established_1m" for x in s) and all(x["flows"] == 1000 for x in r)'
  # the classifier by rule shape: every shape at 10 and 100 rules (--quick),
  # each with its three measures; with the peer, no verdict differs
  shapes='tcpudp mix icmp all groupref prefixlist acl'
  shapes="$shapes $(for s in $shapes; do printf 'v6-%s ' "$s"; done)"
  expect 0 out '^classify v6-acl +100 rules' -- "$exe" --only classify --quick --reps 1 --json "$json"
  for s in $shapes; do
    has out "^classify $s +10 rules .*dropped.*new flows" "shape $s ran"
  done
  lacks out '^classify (v6-)?(ranges|hosts|protos|icmptypes|cluster|sameport) ' \
    'a default run has no stress shape'
  expect 0 err '' -- json_ok 1 "shapes_ok('$shapes', (10, 100))"
  # --stress runs the stress shapes (and, with --shape, those named too)
  stress='ranges hosts protos icmptypes cluster sameport'
  stress="$stress $(for s in $stress; do printf 'v6-%s ' "$s"; done)"
  expect 0 out '^classify v6-sameport +100 rules' -- "$exe" --only classify --quick --reps 1 --stress --shape acl --json "$json"
  for s in $stress acl; do
    has out "^classify $s +10 rules .*dropped.*new flows" "stress shape $s ran"
  done
  lacks out '^classify (tcpudp|mix|v6-acl) ' 'no other standard shape ran'
  expect 0 err '' -- json_ok 1 "shapes_ok('$stress acl', (10, 100))"
  expect 0 out '^classify v6-cluster +10 rules' -- "$exe" --only classify --quick --reps 1 --shape v6-cluster
  lacks out '^classify (cluster|v6-hosts) ' 'a stress shape runs alone through --shape'
  # --shape runs a subset, repeated or as a comma list
  expect 0 out '^classify icmp ' -- "$exe" --only classify --quick --reps 1 --shape v6-acl --shape mix,icmp --json "$json"
  lacks out '^classify (tcpudp|all|groupref|prefixlist|acl|v6-mix) ' 'only the shapes named ran'
  expect 0 err '' -- json_ok 1 \
    '{x["shape"] for x in r} == {"mix", "icmp", "v6-acl"} and doc["meta"]["shapes"] == "mix,icmp,v6-acl"'
  # --quick measures 100000 flows, and says so
  expect 0 out '^established 100000 flows' -- "$exe" --quick --only established --reps 1 --json "$json"
  expect 0 err '' -- json_ok 1 \
    '"established_100k" in s and "established_1m" not in s and all(x["flows"] == 100000 for x in r)'
else
  skip 'eni-bench --json' 'python3 is missing'
fi
finish
