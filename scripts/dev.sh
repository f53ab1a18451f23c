#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# libeni's one entry point for a fresh Debian 12 machine (run as root):
#
#   scripts/dev.sh demo   install what is missing, build, run the demo (eni-agent)
#   scripts/dev.sh test   install what is missing, build, run every test
#                         suite in the normal build, the unit and fault
#                         suites under valgrind, everything in the ASan+UBSan
#                         build (the fuzz corpora included), the unit and
#                         fault suites under TSan, each fuzz target under
#                         libFuzzer for ENI_FUZZ_SECONDS (20) seconds, then
#                         print "N passed, N failed, N skipped"
#
# Build directories: build/ (debugoptimized), build-asan/ (AddressSanitizer +
# UndefinedBehaviorSanitizer), build-tsan/ (ThreadSanitizer), warnings are
# errors in these three; build-fuzz/ (clang, libFuzzer + ASan + UBSan, only
# the fuzz targets are built; clang's warnings are shown, not fatal: see
# docs/fuzzing.md).
set -eu
cd "$(dirname "$0")/.."

# Debian packages the build and the tests need; see docs/decisions.md.
PACKAGES="meson ninja-build pkg-config gcc g++ libcmocka-dev libcidr-dev libxxhash-dev
doxygen abigail-tools valgrind binutils python3 python3-cffi python3-dev python3-pytest
python3-hypothesis qemu-system-x86 busybox-static cpio clang libclang-rt-dev llvm"
PACKAGES="$PACKAGES libsqlite3-dev"  # the durable model (lib/store)
PACKAGES="$PACKAGES etcd-server libcurl4-openssl-dev libjansson-dev"  # sync/ and its tests
PACKAGES="$PACKAGES libjansson-dev libpcap-dev groff-base python3-mesonpy python3-pip python3-build python3-venv patchelf"  # enictl, pip install

install_missing() {
  missing=""
  for p in $PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "missing packages:$missing (run as root, or install them)" >&2
    exit 1
  fi
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
}

setup_build() { # dir, extra options...
  dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" > /dev/null
  else
    meson setup "$dir" "$@"
  fi
}

build_normal() {
  setup_build build --buildtype=debugoptimized -Dwerror=true
  ninja -C build
}

build_asan() {
  setup_build build-asan --buildtype=debug -Dwerror=true \
    -Db_sanitize=address,undefined -Db_lundef=false -Ddocs=disabled
  ninja -C build-asan
}

build_tsan() {
  setup_build build-tsan --buildtype=debug -Dwerror=true \
    -Db_sanitize=thread -Db_lundef=false -Ddocs=disabled
  ninja -C build-tsan
}

# The libFuzzer build: the library again with coverage feedback, and the
# fuzz targets (fuzz/meson.build); `ninja ... fuzz` builds only those.
build_fuzz() {
  CC=clang setup_build build-fuzz --buildtype=debugoptimized -Dfuzz=enabled \
    -Db_sanitize=address,undefined -Db_lundef=false -Dtests=false -Ddocs=disabled \
    -Dpython=disabled -Dbench=disabled
  ninja -C build-fuzz fuzz
}

LOGS="build/meson-logs/testlog.json build/meson-logs/testlog-valgrind.json
build-asan/meson-logs/testlog-asan.json build-tsan/meson-logs/testlog-tsan.json
build-fuzz/meson-logs/testlog.json"

# "N passed, N failed, N skipped" over every run's test log. A cmocka
# test program counts once per subtest it ran (Meson keeps cmocka's own
# summary in its log, so it is recounted here from the TAP results).
summary() {
  # shellcheck disable=SC2086
  python3 - $LOGS <<'PY'
import json, re, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        failed += 1
        print(f"missing test log: {path}")
        continue
    for line in lines:
        t = json.loads(line)
        res = t.get("result")
        out = t.get("stdout") or ""
        is_tap = re.search(r"^1\.\.\d+\s*$", out, re.M)  # a TAP plan line
        subs = re.findall(r"^(ok|not ok)\b[^\n#]*(#\s*SKIP)?", out, re.M)
        if is_tap and subs and res in ("OK", "FAIL", "SKIP"):
            for status, skip in subs:
                if skip:
                    skipped += 1
                elif status == "ok":
                    passed += 1
                else:
                    failed += 1
            if res == "FAIL" and not any(s == "not ok" for s, _ in subs):
                failed += 1  # crashed after its last subtest
        elif res in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif res == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
}

cmd=${1:-}
case "$cmd" in
  demo)
    install_missing
    build_normal
    ./build/examples/eni-agent
    ;;
  test)
    install_missing
    status=0
    # shellcheck disable=SC2086
    rm -f $LOGS
    # 1. every suite on the normal build (unit fault lint abi docs)
    if build_normal; then
      meson test -C build --print-errorlogs || status=1
      # 2. unit and fault suites under valgrind (leaks, uninitialised reads)
      meson test -C build --setup=valgrind --suite unit --suite fault --print-errorlogs \
        || status=1
    else
      status=1
    fi
    # 3. everything that runs in a sanitized build under ASan + UBSan
    if build_asan; then
      meson test -C build-asan --setup=asan --print-errorlogs || status=1
    else
      status=1
    fi
    # 4. unit and fault suites under ThreadSanitizer
    if build_tsan; then
      meson test -C build-tsan --setup=tsan --suite unit --suite fault --print-errorlogs \
        || status=1
    else
      status=1
    fi
    # 5. a short libFuzzer run of every fuzz target (clang, ASan + UBSan): any
    # crash, leak, timeout or broken check fails it (docs/fuzzing.md)
    if build_fuzz; then
      meson test -C build-fuzz --suite fuzz-run --print-errorlogs || status=1
    else
      status=1
    fi
    summary || status=1
    exit $status
    ;;
  *)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
