#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# Install into a scratch DESTDIR, then build and run the README's C example
# with nothing but `pkg-config --cflags --libs libeni` from that tree, and
# again statically with `--static`, seeing no .pc file but libeni's (so a
# Requires the consumer may lack fails here); check libeni.pc's fields, run
# the installed programs, and look for the licence files and, when the build
# has Doxygen, the HTML reference. With a Python, also run the README's
# Python example against the installed package (docs/packaging.md).
# usage: check_install.sh MESON BUILD_DIR README CC [PYTHON]
set -u
meson=$1 build=$2 readme=$3 cc=$4 python=${5:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"
fail() { echo "not ok: $*"; exit 1; }

$meson install -C "$build" --no-rebuild --quiet --destdir "$dest" > "$tmp/install.log" 2>&1 \
  || { echo "not ok: meson install failed"; cat "$tmp/install.log"; exit 1; }
pcfile=$(find "$dest" -name libeni.pc | head -n 1)
[ -n "$pcfile" ] || fail "libeni.pc was not installed"
for f in eni.h eni/ctx.h eni/version.h eni/errors.h eni/types.h eni/common.h; do
  [ -n "$(find "$dest" -path "*/include/$f")" ] || fail "$f not installed"
done

# The first ```c block of the README is the example.
awk '/^```c$/ {on=1; next} /^```$/ && on {exit} on {print}' "$readme" > "$tmp/example.c"
[ -s "$tmp/example.c" ] || fail "no \`\`\`c block in README"

# pkg-config sees the installed libeni.pc and nothing else.
pcdir=$(dirname "$pcfile")
export PKG_CONFIG_LIBDIR="$pcdir" PKG_CONFIG_PATH=
export PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs libeni) || fail "pkg-config failed"
echo "pkg-config: $flags"
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Werror -o "$tmp/example" "$tmp/example.c" $flags \
  || fail "README example does not build against the installed tree"
libdir=$(dirname "$(find "$dest" -name 'libeni.so.1' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$tmp/example" || fail "README example failed"
echo "ok: README example built and ran against the installed tree"

# libeni.pc: xxhash is compiled in, not a dependency; no placeholder URL;
# Libs.private is enough to link libeni.a.
for field in requires requires-private; do
  names=$(pkg-config --print-$field libeni) \
    || fail "pkg-config --print-$field fails with only libeni.pc visible"
  case $names in *xxhash*) fail "libeni.pc's $field names libxxhash: $names" ;; esac
done
! grep -q 'example\.invalid' "$pcfile" || fail "libeni.pc has the placeholder URL"
version=$(pkg-config --modversion libeni) || fail "pkg-config --modversion failed"
sflags=$(pkg-config --cflags --libs --static libeni) \
  || fail "pkg-config --static fails with only libeni.pc visible"
echo "pkg-config --static: $sflags"
sflags=$(echo " $sflags " | sed 's/ -leni / -Wl,-Bstatic -leni -Wl,-Bdynamic /')
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Werror -o "$tmp/example-static" "$tmp/example.c" $sflags \
  || fail "README example does not link libeni.a with pkg-config --static"
"$tmp/example-static" > /dev/null || fail "statically linked README example failed"
echo "ok: README example linked libeni.a with pkg-config --static and ran"

# The installed programs run from bindir. eni-vfio-probe has no --help: it
# looks at an empty sysfs (a build without VFIO says so), then a missing one.
bindir=$(dirname "$(find "$dest" -path '*/bin/eni-explain' | head -n 1)")
for p in eni-explain eni-vfio-probe; do
  [ -x "$bindir/$p" ] || fail "$p not installed"
done
out=$(LD_LIBRARY_PATH="$libdir" "$bindir/eni-explain" --version) || fail "eni-explain --version failed"
[ "$out" = "eni-explain (libeni $version)" ] || fail "eni-explain --version says '$out', libeni.pc $version"
mkdir -p "$tmp/sys/bus/pci/devices"
if out=$(LD_LIBRARY_PATH="$libdir" "$bindir/eni-vfio-probe" --sysfs "$tmp/sys" 2>&1); then
  case $out in *"No Amazon ENA or EFA PCI function"*) ;; *) fail "eni-vfio-probe: $out" ;; esac
else
  case $out in *"built without VFIO"*) ;; *) fail "eni-vfio-probe failed: $out" ;; esac
fi
out=$(LD_LIBRARY_PATH="$libdir" "$bindir/eni-vfio-probe" --sysfs "$tmp/none" 2>&1) \
  && fail "eni-vfio-probe succeeded without a sysfs"
case $out in "vfio-probe: "*) ;; *) fail "eni-vfio-probe without a sysfs: '$out'" ;; esac
echo "ok: eni-explain $version and eni-vfio-probe ran from $bindir"

# Licence files, and the HTML reference when the build has Doxygen
# (docs/meson.build configures docs/Doxyfile only then).
docdir=$(dirname "$(find "$dest" -path '*/doc/libeni/NOTICE' | head -n 1)")
for f in LICENSE NOTICE AUTHORS NEWS.md; do
  [ -f "$docdir/$f" ] || fail "$f not installed in the doc dir"
done
if [ -f "$build/docs/Doxyfile" ]; then  # 'Where to start': docs/mainpage.md
  grep -q 'Where to start' "$docdir/html/index.html" 2>/dev/null \
    || fail "the HTML reference (with its main page) is not installed in $docdir/html"
  echo "ok: licence files and the HTML reference installed in $docdir"
else
  echo "ok: licence files installed in $docdir (no Doxygen: no HTML reference)"
fi

[ -n "$python" ] || exit 0
native=$(find "$dest" -name '_native*.so' -path '*/libeni/*' | head -n 1)
[ -n "$native" ] || fail "the Python extension was not installed"
for f in __init__.py _context.py py.typed; do
  [ -f "$(dirname "$native")/$f" ] || fail "libeni/$f not installed"
done
awk '/^```python$/ {on=1; next} /^```$/ && on {exit} on {print}' "$readme" > "$tmp/example.py"
[ -s "$tmp/example.py" ] || fail "no \`\`\`python block in README"
PYTHONPATH="$(dirname "$(dirname "$native")")" LD_LIBRARY_PATH="$libdir" "$python" "$tmp/example.py" \
  || fail "README Python example failed against the installed package"
echo "ok: README Python example ran against the installed package"
