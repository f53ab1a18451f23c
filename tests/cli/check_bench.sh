#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# eni-bench's command line and JSON: options are checked (usage errors exit 2
# with a message on stderr), --help and --version measure nothing, and the
# JSON names what was measured and carries the run's metadata. One repetition
# of the short scenarios; the figures are not judged.
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
assert m["cpu_model"] and m["git_commit"], m
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m["date"]), m
r = doc["results"]
assert r and all({"scenario", "metric", "value"} <= x.keys() for x in r), r
s = {x["scenario"] for x in r}
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
  # --quick measures 100000 flows, and says so
  expect 0 out '^established 100000 flows' -- "$exe" --quick --only established --reps 1 --json "$json"
  expect 0 err '' -- json_ok 1 \
    '"established_100k" in s and "established_1m" not in s and all(x["flows"] == 100000 for x in r)'
else
  skip 'eni-bench --json' 'python3 is missing'
fi
finish
