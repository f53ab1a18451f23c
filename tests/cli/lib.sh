# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# Sourced by the tests/cli checks: TAP helpers that run a command and check
# its exit status and output text (never its timing).
#
#   expect STATUS out|err REGEX -- COMMAND [ARGS...]
#       COMMAND exits STATUS and, unless REGEX is empty, its stdout (out) or
#       stderr (err) matches the extended regular expression REGEX.
#   has out|err REGEX DESCRIPTION, lacks out|err REGEX DESCRIPTION
#       the last command's stdout or stderr matches REGEX, or does not.
#   re STRING                STRING as an extended regular expression
#   skip DESCRIPTION REASON
#   finish                   the TAP plan; the status is 1 if any check failed.
set -u
cli_n=0
cli_failed=0
cli_tmp=$(mktemp -d)
trap 'rm -rf "$cli_tmp"' EXIT

cli_result() { # OK DESCRIPTION WHY
  cli_n=$((cli_n + 1))
  if [ "$1" = ok ]; then
    echo "ok $cli_n - $2"
  else
    cli_failed=$((cli_failed + 1))
    echo "not ok $cli_n - $2: $3"
    sed -n '1,20s/^/# stdout: /p' "$cli_tmp/out"
    sed -n '1,20s/^/# stderr: /p' "$cli_tmp/err"
  fi
}

expect() {
  want=$1 where=$2 regex=$3
  shift 4
  desc="$(basename "$1")$(shift; for a in "$@"; do printf " '%s'" "$a"; done) -> $want"
  "$@" >"$cli_tmp/out" 2>"$cli_tmp/err" </dev/null
  got=$?
  if [ "$got" != "$want" ]; then
    cli_result no "$desc" "exit status $got"
  elif [ -n "$regex" ] && ! grep -Eq -- "$regex" "$cli_tmp/$where"; then
    cli_result no "$desc" "std$where does not match /$regex/"
  else
    cli_result ok "$desc"
  fi
}

has() {
  if grep -Eq -- "$2" "$cli_tmp/$1"; then
    cli_result ok "$3"
  else
    cli_result no "$3" "std$1 does not match /$2/"
  fi
}

lacks() {
  if grep -Eq -- "$2" "$cli_tmp/$1"; then
    cli_result no "$3" "std$1 matches /$2/"
  else
    cli_result ok "$3"
  fi
}

re() {
  printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

skip() {
  cli_n=$((cli_n + 1))
  echo "ok $cli_n - $1 # SKIP $2"
}

finish() {
  echo "1..$cli_n"
  [ "$cli_failed" -eq 0 ]
}
