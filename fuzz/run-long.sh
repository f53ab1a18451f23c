#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# Fuzz every target (or the ones named) for a long time: hours, where CI
# gives each 20 seconds. See docs/fuzzing.md.
#
#   fuzz/run-long.sh [-t SECONDS] [-j JOBS] [-b BUILD_DIR] [-m] [TARGET...]
#
#   -t SECONDS  per target (default 3600)
#   -j JOBS     targets fuzzed at the same time (default 1; each uses a core)
#   -b DIR      the libFuzzer build (default build-fuzz; set up with clang if missing)
#   -m          afterwards, merge what each run found into fuzz/corpus/<target>
#               (libFuzzer -merge=1: only inputs that add coverage), to commit
#   TARGET      frames id_parse strings model_ops (default: all)
#
# Corpora grow in BUILD_DIR/fuzz/work/<target>/corpus and carry over from run
# to run; an input that fails a check is kept in .../artifacts/ and the
# command that replays it is printed. The last lines are one per target:
# executions, and libFuzzer's coverage (cov: edges, ft: features). Exits
# non-zero if any target failed.
set -eu
cd "$(dirname "$0")/.."
secs=3600 jobs=1 build=build-fuzz merge=0
while getopts t:j:b:m opt; do
  case $opt in
    t) secs=$OPTARG ;;
    j) jobs=$OPTARG ;;
    b) build=$OPTARG ;;
    m) merge=1 ;;
    *) sed -n '5,21p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
targets=${*:-frames id_parse strings model_ops}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" --buildtype=debugoptimized -Dfuzz=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dtests=false -Ddocs=disabled \
    -Dpython=disabled -Dbench=disabled
fi
ninja -C "$build" fuzz

export ENI_FUZZ_SECONDS="$secs"
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
report=$(mktemp)
trap 'rm -f "$report"' EXIT

run_one() {
  fuzz/run-libfuzzer.sh "$build/fuzz/fuzz_$1" "fuzz/corpus/$1" "$build/fuzz/work/$1" \
    "fuzz/dict/$1.dict" > "$build/fuzz/work/$1.out" 2>&1 && r=ok || r=FAILED
  echo "$r $1" >> "$report"
}

mkdir -p "$build/fuzz/work"
echo "fuzzing $targets for ${secs}s each, $jobs at a time (logs: $build/fuzz/work/*.out)"
running=0
for t in $targets; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait

status=0
for t in $targets; do
  tail -n 2 "$build/fuzz/work/$t.out" | head -n 1
  grep -q "^ok $t\$" "$report" || { status=1; cat "$build/fuzz/work/$t.out"; }
  if [ "$merge" = 1 ]; then
    "$build/fuzz/fuzz_$t" -merge=1 "fuzz/corpus/$t" "$build/fuzz/work/$t/corpus" \
      > "$build/fuzz/work/$t.merge.log" 2>&1 || status=1
    echo "  merged into fuzz/corpus/$t: $(find "fuzz/corpus/$t" -type f | wc -l) inputs"
  fi
done
exit $status
