#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# eni-bench-model's command line: sizes are checked (1..2000000 interfaces,
# 1..100 repetitions; usage errors exit 2 with a message on stderr) and every
# size in range runs. Small sizes only: the figures are printed, not judged.
#   check_bench_model.sh ENI_BENCH_MODEL VERSION
. "$(dirname "$0")/lib.sh"
exe=$1 version=$2
v=$(printf '%s' "$version" | sed 's/[.]/[.]/g')

expect 0 out '^usage: .*eni-bench-model \[INTERFACES \[REPETITIONS\]\]' -- "$exe" --help
lacks out 'libeni model bench' '--help measures nothing'
expect 0 out "^eni-bench-model \\(libeni $v\\)\$" -- "$exe" --version
lacks out 'libeni model bench' '--version measures nothing'

# the smallest size, and sizes around one batch (100000: it died of SIGFPE)
expect 0 out '^\{"interfaces":1,"repetitions":1,"bytes_per_interface":[0-9.]+,' -- "$exe" 1 1
expect 0 out '^  at scale: delete \(op/s\) +[0-9]+$' -- "$exe" 2 3
expect 0 out '^libeni model bench: 1000 interfaces' -- "$exe" 1000 2
expect 0 out '^\{"interfaces":100000,"repetitions":1,' -- "$exe" 100000 1
expect 0 out '^\{"interfaces":100001,"repetitions":2,' -- "$exe" 100001 2

# out of range or not a whole decimal number
expect 2 err "INTERFACES.*'0'" -- "$exe" 0
expect 2 err "INTERFACES.*'2000001'" -- "$exe" 2000001 1
expect 2 err "INTERFACES.*'4294967297'" -- "$exe" 4294967297 1
expect 2 err "INTERFACES.*'99999999999999999999999'" -- "$exe" 99999999999999999999999 1
expect 2 err "INTERFACES.*'abc'" -- "$exe" abc
expect 2 err "INTERFACES.*'1e3'" -- "$exe" 1e3
expect 2 err "INTERFACES.*'0x10'" -- "$exe" 0x10
expect 2 err "INTERFACES.*'\\+5'" -- "$exe" +5
expect 2 err "INTERFACES.*' 5'" -- "$exe" ' 5'
expect 2 err "INTERFACES.*''" -- "$exe" ''
expect 2 err "REPETITIONS.*'0'" -- "$exe" 10 0
expect 2 err "REPETITIONS.*'101'" -- "$exe" 10 101
expect 2 err "REPETITIONS.*'x'" -- "$exe" 10 x
expect 2 err "too many arguments.*'3'" -- "$exe" 1 2 3
expect 2 err "unrecognized option '--bogus'" -- "$exe" --bogus
expect 2 err "invalid option -- '5'" -- "$exe" -5
finish
