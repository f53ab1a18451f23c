#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# One time-boxed libFuzzer run of one target (the `fuzz-run` Meson suite,
# and fuzz/run-long.sh):
#
#   run-libfuzzer.sh FUZZER SEEDS WORKDIR [DICT]
#
# Fuzzes for ENI_FUZZ_SECONDS seconds (default 20), starting from the
# committed SEEDS and from what earlier runs left in WORKDIR/corpus (new
# inputs go there, never into the source tree). Exits non-zero on any crash,
# sanitizer report, leak, timeout (ENI_FUZZ_TIMEOUT, default 10 s per
# input) or out-of-memory; the input that did it is kept in
# WORKDIR/artifacts/ and the command that replays it is printed. The last
# line gives libFuzzer's figures: executions, coverage (cov: edges) and
# features (ft:).
set -eu
fuzzer=$1 seeds=$2 work=$3 dict=${4:-}
secs=${ENI_FUZZ_SECONDS:-20}
per_input=${ENI_FUZZ_TIMEOUT:-10}
name=$(basename "$fuzzer")
mkdir -p "$work/corpus" "$work/artifacts"
log="$work/last-run.log"
set -- -max_total_time="$secs" -timeout="$per_input" -rss_limit_mb=2048 \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/"
[ -n "$dict" ] && [ -f "$dict" ] && set -- "$@" -dict="$dict"
[ -n "${ENI_FUZZ_JOBS:-}" ] && set -- "$@" -jobs="$ENI_FUZZ_JOBS" -workers="$ENI_FUZZ_JOBS"
status=0
"$fuzzer" "$@" "$work/corpus" "$seeds" > "$log" 2>&1 || status=$?
done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
if [ "$status" != 0 ]; then
  tail -n 80 "$log"
  echo "$name: FAILED (status $status; budget ${secs}s); full log: $log"
  for a in "$work"/artifacts/*; do
    [ -e "$a" ] && echo "  reproduce: $fuzzer $a"
  done
  exit 1
fi
echo "$name: ${runs:-?} runs in ${secs}s, no failure; ${done_line:-no DONE line}"
echo "  corpus: $work/corpus ($(find "$work/corpus" -type f | wc -l) inputs); log: $log"
