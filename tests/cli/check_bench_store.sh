#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# eni-bench-store's command line: options are checked (usage errors exit 2
# with a message on stderr), --help and --version measure nothing, and a
# --quick run prints every section's table and removes the state files it
# made. The figures are printed, not judged. A libeni built without the
# state file (-Dstore=disabled) makes the bench exit 77: the run is skipped.
#   check_bench_store.sh ENI_BENCH_STORE VERSION
. "$(dirname "$0")/lib.sh"
exe=$1 version=$2
v=$(printf '%s' "$version" | sed 's/[.]/[.]/g')

expect 0 out '^usage: .*eni-bench-store \[--quick\] \[--reps N\] \[--dir PATH\]' -- "$exe" --help
lacks out 'state-file bench' '--help measures nothing'
expect 0 out "^eni-bench-store \\(libeni $v\\)\$" -- "$exe" --version
lacks out 'state-file bench' '--version measures nothing'

expect 2 err "unrecognized option '--bogus'" -- "$exe" --bogus
expect 2 err "unexpected argument.*'extra'" -- "$exe" extra
expect 2 err "--reps.*'0'" -- "$exe" --reps 0
expect 2 err "--reps.*'101'" -- "$exe" --reps 101
expect 2 err "--reps.*'x'" -- "$exe" --reps x
expect 2 err "requires an argument" -- "$exe" --reps
expect 2 err "--nics.*'0'" -- "$exe" --nics 0
expect 2 err "--nics.*'2000001'" -- "$exe" --nics 2000001
expect 2 err "--flows.*'4000001'" -- "$exe" --flows 4000001
expect 2 err "--only.*'everything'" -- "$exe" --only everything
expect 2 err "--only needs at least one section" -- "$exe" --only ,
expect 2 err "--dir must be a writable directory.*'$cli_tmp/none'" -- "$exe" --dir "$cli_tmp/none"

# One quick run, its files in two directories of our own (the second stands
# for the tmpfs), so that nothing is left in /tmp or /dev/shm.
mkdir "$cli_tmp/disk" "$cli_tmp/shm"
"$exe" --quick --dir "$cli_tmp/disk" --shm-dir "$cli_tmp/shm" \
  >"$cli_tmp/out" 2>"$cli_tmp/err" </dev/null
status=$?
if [ "$status" = 77 ]; then
  has err 'without SQLite' 'exit 77 says the state file is not built in'
  skip '--quick run' 'libeni built without the state file'
else
  if [ "$status" = 0 ]; then
    cli_result ok "--quick exits 0"
  else
    cli_result no "--quick exits 0" "exit status $status"
  fi
  has out '^libeni state-file bench \(libeni [0-9.]+\): 1 repetitions, quick; load average ' 'the header'
  has out '^1\. Single mutations' 'section 1'
  has out '^  nic_create +[0-9]+ ±' 'section 1 has a row per call kind'
  has out '^  all of the above +[0-9]+ ±.* [0-9.]+x +[0-9]+ ±.* [0-9.]+x$' 'the mix, with the file and the tmpfs'
  has out '^  target: the file costs at most 2x memory per single mutation: (met|MISSED)' 'the verdict on the target'
  has out '^2\. Batches of 10 calls' 'section 2, batches of 10'
  has out '^2\. Batches of 1000 calls' 'section 2, batches of 1000'
  has out '^  established hits \(interface 0\) +[0-9.]+ ±' 'section 3, established'
  has out '^  new tracked flows \(interface 1\) +[0-9.]+ ±' 'section 3, new flows'
  has out '^4\. A model of 2000 interfaces' 'section 4'
  has out '^  restore: eni_ctx_new on the file +[0-9.]+ s .*2[0-9]{3} objects' 'section 4 restores the model'
  has out '^5\. 5000 tracked IPv4 TCP flows' 'section 5'
  has out '^  restore: eni_ctx_new putting them back +[0-9.]+ s' 'section 5 restores the flows'
  left=$(find "$cli_tmp/disk" "$cli_tmp/shm" -type f)
  if [ -z "$left" ]; then
    cli_result ok 'no state file is left behind'
  else
    cli_result no 'no state file is left behind' "$left"
  fi
  expect 0 out '^3\. Packet path' -- "$exe" --quick --only packets --dir "$cli_tmp/disk"
  lacks out '^(1|2|4|5)\. ' '--only packets runs that section alone'
fi
finish
