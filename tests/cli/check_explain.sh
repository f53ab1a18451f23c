#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# eni-explain's command line: every argument is checked (usage errors exit 2
# with a message on stderr), --help and --version exit 0.
#   check_explain.sh ENI_EXPLAIN VERSION
. "$(dirname "$0")/lib.sh"
exe=$1 version=$2
v=$(printf '%s' "$version" | sed 's/[.]/[.]/g')

expect 0 out '^usage: eni-explain ' -- "$exe" --help
expect 0 out "^eni-explain \\(libeni $v\\)\$" -- "$exe" --version
expect 0 out 'HTTPS from anywhere' -- "$exe"
expect 0 out '^in  tcp  203[.]0[.]113[.]9:51000 -> 10[.]0[.]1[.]10:443$' -- "$exe" in tcp 203.0.113.9 51000 443
expect 0 out 'allowed by sg-' -- "$exe" in tcp 203.0.113.9 51000 443
expect 0 out '^out tcp  10[.]0[.]1[.]10:40000 -> 192[.]0[.]2[.]80:5432$' -- "$exe" out tcp 192.0.2.80 5432 40000
expect 0 out 'dropped: no rule matched' -- "$exe" in tcp 203.0.113.9 51000 22
expect 0 out ':0 -> 10[.]0[.]1[.]10:65535$' -- "$exe" in udp 1.2.3.4 0 65535
expect 0 out '^in  6    198[.]51[.]100[.]7:1 -> 10[.]0[.]1[.]10:22$' -- "$exe" in 6 198.51.100.7 1 22
expect 0 out '^in  icmp ' -- "$exe" in icmp 1.2.3.4 0 0

# Each bad word in its place, refused with a message that quotes it.
for p in 70000 65536 -1 +22 22x 0x16 ' 22' '' 18446744073709551638; do
  expect 2 err "port.*'$(re "$p")'" -- "$exe" in tcp 1.2.3.4 "$p" 22  # REMOTE-PORT
  expect 2 err "port.*'$(re "$p")'" -- "$exe" out tcp 1.2.3.4 22 "$p" # LOCAL-PORT
done
for d in inn IN sideways ''; do
  expect 2 err "direction.*'$d'" -- "$exe" "$d" tcp 1.2.3.4 1 22
done
for p in tcpx TCP 256 -1 ''; do
  expect 2 err "protocol.*'$p'" -- "$exe" in "$p" 1.2.3.4 1 22
done
for a in 1.2.3 1.2.3.256 ::1 host ''; do
  expect 2 err "IPv4.*'$(re "$a")'" -- "$exe" out tcp "$a" 1 22
done
# options and argument counts
expect 2 err "unknown option.*'--bogus'" -- "$exe" --bogus
expect 2 err "unknown option.*'-x'" -- "$exe" -x in tcp 1.2.3.4 1 22
expect 2 err 'not 4' -- "$exe" in tcp 1.2.3.4 1
expect 2 err 'not 6' -- "$exe" in tcp 1.2.3.4 1 22 extra
finish
