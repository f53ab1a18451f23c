#!/bin/sh
# Install into a scratch DESTDIR, then build and run the README's C example
# with nothing but `pkg-config --cflags --libs libeni` from that tree; with a
# Python, also run the README's Python example against the installed package.
# usage: check_install.sh MESON BUILD_DIR README CC [PYTHON]
set -u
meson=$1 build=$2 readme=$3 cc=$4 python=${5:-}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest="$tmp/root"

$meson install -C "$build" --no-rebuild --quiet --destdir "$dest" > "$tmp/install.log" 2>&1 \
  || { echo "not ok: meson install failed"; cat "$tmp/install.log"; exit 1; }
pcfile=$(find "$dest" -name libeni.pc | head -n 1)
[ -n "$pcfile" ] || { echo "not ok: libeni.pc was not installed"; exit 1; }
for f in eni.h eni/ctx.h eni/version.h eni/errors.h eni/types.h eni/common.h; do
  [ -n "$(find "$dest" -path "*/include/$f")" ] || { echo "not ok: $f not installed"; exit 1; }
done

# The first ```c block of the README is the example.
awk '/^```c$/ {on=1; next} /^```$/ && on {exit} on {print}' "$readme" > "$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "not ok: no \`\`\`c block in README"; exit 1; }

export PKG_CONFIG_PATH="$(dirname "$pcfile")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs libeni) || { echo "not ok: pkg-config failed"; exit 1; }
echo "pkg-config: $flags"
# shellcheck disable=SC2086
$cc -std=c11 -Wall -Wextra -Werror -o "$tmp/example" "$tmp/example.c" $flags \
  || { echo "not ok: README example does not build against the installed tree"; exit 1; }
libdir=$(dirname "$(find "$dest" -name 'libeni.so.1' | head -n 1)")
LD_LIBRARY_PATH="$libdir" "$tmp/example" || { echo "not ok: README example failed"; exit 1; }
echo "ok: README example built and ran against the installed tree"

[ -n "$python" ] || exit 0
native=$(find "$dest" -name '_native*.so' -path '*/libeni/*' | head -n 1)
[ -n "$native" ] || { echo "not ok: the Python extension was not installed"; exit 1; }
for f in __init__.py _context.py py.typed; do
  [ -f "$(dirname "$native")/$f" ] || { echo "not ok: libeni/$f not installed"; exit 1; }
done
awk '/^```python$/ {on=1; next} /^```$/ && on {exit} on {print}' "$readme" > "$tmp/example.py"
[ -s "$tmp/example.py" ] || { echo "not ok: no \`\`\`python block in README"; exit 1; }
PYTHONPATH="$(dirname "$(dirname "$native")")" LD_LIBRARY_PATH="$libdir" "$python" "$tmp/example.py" \
  || { echo "not ok: README Python example failed against the installed package"; exit 1; }
echo "ok: README Python example ran against the installed package"
