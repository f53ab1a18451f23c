#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# The shared library exports exactly the symbols of the version script, each
# named eni_* and bound to a LIBENI_ version node.
# usage: check_exports.sh LIBRARY MAPFILE
set -u
lib=$1 map=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# Defined dynamic symbols with their version, e.g. "eni_ctx_new@@LIBENI_1.0".
nm -D --defined-only --with-symbol-versions "$lib" | awk '{print $3}' \
  | grep -v '^LIBENI_[0-9.]*$' | sort > "$tmp/exported"
[ -s "$tmp/exported" ] || { echo "not ok: no exported symbols in $lib"; exit 1; }

if grep -v '^eni_[a-z0-9_]*@@LIBENI_1\.0$' "$tmp/exported"; then
  echo "not ok: symbols above are not eni_*@@LIBENI_1.0"; fail=1
fi

sed 's/@.*//' "$tmp/exported" | sort > "$tmp/names"
# Names listed in the map (global: lines up to local:), comments stripped.
sed -e 's|/\*.*\*/||g' "$map" | tr -d ' \t' | grep -E '^eni_[a-z0-9_]+;$' | tr -d ';' | sort > "$tmp/mapped"
# Every other entry is a mistake ld would only warn about (an editing slip
# such as a macro name pasted from a header).
tr -d ' \t' < "$map" | awk '/^\/\*/{c=1} !c{print} /\*\//{c=0}' \
  | grep -E ';$' | grep -vE '^(eni_[a-z0-9_]+|\*|global:|local:|local:\*|\}|\}LIBENI_[0-9.]+);$' \
  > "$tmp/stray"
if [ -s "$tmp/stray" ]; then
  echo "not ok: entries of $map that are not eni_* symbols:"; cat "$tmp/stray"; fail=1
fi
if ! cmp -s "$tmp/names" "$tmp/mapped"; then
  echo "not ok: exported set differs from $map (< exported only, > map only):"
  diff "$tmp/names" "$tmp/mapped"; fail=1
fi
echo "$(wc -l < "$tmp/names") symbols exported"
exit $fail
