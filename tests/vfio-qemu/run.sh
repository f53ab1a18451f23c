#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# QEMU integration test of libeni's VFIO layer (issue 7).
#
#   tests/vfio-qemu/run.sh BUILD_DIR SOURCE_DIR
#
# Boots Debian's own kernel (downloaded from the Debian archive as a .deb and
# unpacked, never installed) in a TCG guest with emulated VT-d and QEMU's
# edu device, and runs tests/vfio-qemu/vfio_qemu_test.c, built statically
# from libeni's VFIO sources, against the real VFIO ioctls. Exit 0 on PASS,
# 1 on FAIL, 77 (skip) only when no kernel image can be obtained.
# Needs qemu-system-x86, busybox-static, cpio and gcc (scripts/dev.sh installs them).
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
W=$BUILD/vfio-qemu
mkdir -p "$W"
start=$(date +%s)

for tool in qemu-system-x86_64 busybox cpio gcc gzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "FAIL: $tool is missing (scripts/dev.sh installs it)"; exit 1; }
done
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q "statically linked" || \
  ldd "$BUSYBOX" 2>&1 | grep -q "not a dynamic" || \
  { echo "FAIL: $BUSYBOX is not static (install busybox-static)"; exit 1; }

# 1. A kernel, from the Debian archive, cached in the build tree.
K=$W/kernel
if ! ls "$K"/boot/vmlinuz-* >/dev/null 2>&1; then
  KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$KPKG" ]; then
    echo "SKIP: cannot obtain a kernel image: apt-cache knows no linux-image-amd64 (run apt-get update?)"
    exit 77
  fi
  rm -rf "$W/deb" && mkdir -p "$W/deb"
  if ! (cd "$W/deb" && apt-get download -q "$KPKG" >"$W/download.log" 2>&1); then
    echo "SKIP: cannot obtain a kernel image: apt-get download $KPKG failed:"
    tail -n 3 "$W/download.log"
    exit 77
  fi
  dpkg -x "$W"/deb/*.deb "$K" || { echo "FAIL: dpkg -x of $KPKG failed"; exit 1; }
fi
KVER=$(ls "$K/lib/modules" | head -n 1)
echo "kernel: $KVER (unpacked in $K)"

# 2. The test program, static, from libeni's own VFIO sources.
gcc -static -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra \
  -I"$SRC/include" -I"$BUILD/include" -I"$SRC/lib" \
  "$SRC/tests/vfio-qemu/vfio_qemu_test.c" "$SRC/lib/backend/vfio/vfio.c" \
  "$SRC/lib/backend/vfio/sysfs.c" "$SRC/lib/backend/vfio/sysfs_bind.c" \
  "$SRC/lib/backend/vfio/sysfs_read.c" "$SRC/lib/backend/vfio/sysfs_write.c" \
  "$SRC/lib/backend/vfio/report.c" "$SRC/lib/core/error.c" \
  -o "$W/vfio_qemu_test" || { echo "FAIL: building the test program"; exit 1; }

# 3. The initramfs: busybox, the VFIO modules of that kernel, /init, the test.
ST=$W/stage
rm -rf "$ST"
mkdir -p "$ST/bin" "$ST/lib/modules" "$ST/dev"
cp "$BUSYBOX" "$ST/bin/busybox"
cp "$SRC/tests/vfio-qemu/init.sh" "$ST/init"
chmod 755 "$ST/init"
cp "$W/vfio_qemu_test" "$ST/"
MD=$K/lib/modules/$KVER/kernel
for m in virt/lib/irqbypass drivers/vfio/vfio drivers/vfio/vfio_iommu_type1 \
         drivers/vfio/vfio_virqfd drivers/vfio/pci/vfio-pci-core drivers/vfio/pci/vfio-pci; do
  f=$(ls "$MD/$m".ko* 2>/dev/null | head -n 1)
  [ -n "$f" ] || { echo "FAIL: $m.ko is not in $KVER"; exit 1; }
  case "$f" in
    *.xz) xz -dc "$f" > "$ST/lib/modules/$(basename "$m").ko" ;;
    *.zst) zstd -dcq "$f" > "$ST/lib/modules/$(basename "$m").ko" ;;
    *) cp "$f" "$ST/lib/modules/$(basename "$m").ko" ;;
  esac
done
mknod -m 600 "$ST/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$ST/dev/null" c 1 3 2>/dev/null || true
(cd "$ST" && find . | cpio -o -H newc --quiet | gzip -1) > "$W/initramfs.cpio.gz"

# 4. Boot it, twice: edu on the root bus (no reset method: VFIO_DEVICE_RESET
# must fail cleanly), then behind a PCIe root port (a bus reset: it must
# work). TCG: /dev/kvm here cannot run a normal guest. no_timer_check keeps
# a loaded host from panicking the guest's timer check.
status=0
for variant in root-bus root-port; do
  LOG=$W/console-$variant.log
  if [ "$variant" = root-port ]; then
    EDU="-device pcie-root-port,id=rp1,chassis=1,slot=1 -device edu,bus=rp1"
    EXTRA=eni_want_reset
  else
    EDU="-device edu"
    EXTRA=""
  fi
  echo "== $variant"
  # shellcheck disable=SC2086
  timeout 120 qemu-system-x86_64 -machine q35 -accel tcg -cpu max -m 512M \
    -device intel-iommu,intremap=on $EDU -nic none -nographic -no-reboot \
    -kernel "$K/boot/vmlinuz-$KVER" -initrd "$W/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet loglevel=4 no_timer_check intel_iommu=on $EXTRA" \
    </dev/null >"$LOG" 2>&1
  rc=$?
  grep -E '^(STEP|RESULT|vfio_qemu_test)' "$LOG"
  grep -q '^RESULT: PASS' "$LOG" || { echo "qemu exit $rc; console: $LOG"; status=1; }
done
echo "$(( $(date +%s) - start )) s in all"
exit $status
