#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# Every public header must stand alone, as C99 (-pedantic -Werror) and as
# C++, and hold nothing an FFI cannot call: no static inline functions and no
# variadic functions.
# usage: check_headers.sh CC CXX SRC_INCLUDE BUILD_INCLUDE
set -u
cc=$1 cxx=$2 src=$3 bld=$4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
headers=$( (cd "$src" && find . -name '*.h') | sed 's|^\./||' | sort)
headers="$headers eni/version.h"
for h in $headers; do
  n=$((n + 1))
  printf '#include <%s>\nint eni_header_test_anchor;\n' "$h" > "$tmp/t.c"
  if ! "$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I"$src" -I"$bld" -c "$tmp/t.c" -o "$tmp/t.o" 2> "$tmp/err"; then
    echo "not ok: $h does not compile alone as C99"; cat "$tmp/err"; fail=1
  fi
  if [ -n "$cxx" ] && [ "$cxx" != none ]; then
    cp "$tmp/t.c" "$tmp/t.cpp"
    if ! "$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -I"$src" -I"$bld" -c "$tmp/t.cpp" -o "$tmp/t.o" 2> "$tmp/err"; then
      echo "not ok: $h does not compile alone as C++"; cat "$tmp/err"; fail=1
    fi
  fi
  f="$src/$h"; [ -f "$f" ] || f="$bld/$h"
  if grep -n 'static[[:space:]]\{1,\}inline' "$f"; then
    echo "not ok: $h has a static inline function (cffi cannot call it)"; fail=1
  fi
  if grep -nE '^[^*/]*,[[:space:]]*\.\.\.[[:space:]]*\)' "$f"; then
    echo "not ok: $h declares a variadic function (cffi cannot call it portably)"; fail=1
  fi
done
# Every *_INIT macro initialises its struct in full: no warning as C99 or C++
# (-Wmissing-field-initializers would catch a field left out).
{
  echo '#include <eni.h>'
  echo '#include <eni/sys/backend.h>'
  echo '#include <eni/sys/mock.h>'
  echo '#include <eni/sys/vfio.h>'
  echo 'void eni_init_macro_test(void);'
  echo 'void eni_init_macro_test(void) {'
  cat $(find "$src" -name '*.h') |
    sed -n 's/^#define \(ENI_[A-Z0-9_]*_INIT\) { sizeof(\([a-z0-9_]*\)).*/    \2 v_\2 = \1; (void)v_\2;/p'
  echo '}'
} > "$tmp/init.c"
inits=$(grep -c ' = ENI_' "$tmp/init.c")
if ! "$cc" -std=c99 -pedantic -Wall -Wextra -Werror -I"$src" -I"$bld" -c "$tmp/init.c" -o "$tmp/t.o" 2> "$tmp/err"; then
  echo "not ok: an *_INIT macro does not initialise its struct cleanly as C99"; cat "$tmp/err"; fail=1
fi
if [ -n "$cxx" ] && [ "$cxx" != none ]; then
  cp "$tmp/init.c" "$tmp/init.cpp"
  if ! "$cxx" -std=c++11 -pedantic -Wall -Wextra -Werror -I"$src" -I"$bld" -c "$tmp/init.cpp" -o "$tmp/t.o" 2> "$tmp/err"; then
    echo "not ok: an *_INIT macro does not initialise its struct cleanly as C++"; cat "$tmp/err"; fail=1
  fi
fi
echo "checked $inits *_INIT macros"
[ -n "$cxx" ] && [ "$cxx" != none ] || echo "note: no C++ compiler, C++ checks skipped"
echo "checked $n headers"
exit $fail
