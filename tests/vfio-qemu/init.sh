#!/bin/busybox sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# The guest's /init: load VFIO, find QEMU's edu device, run libeni's test,
# power off. Output goes to the serial console, which run.sh reads.
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# busybox insmod ignores modname.param= on the kernel command line
for m in irqbypass vfio vfio_iommu_type1 vfio_virqfd vfio-pci-core vfio-pci; do
  insmod "/lib/modules/$m.ko" || echo "ENI-T: insmod $m failed"
done
addr=""
for d in /sys/bus/pci/devices/*; do
  if [ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ]; then
    addr=$(basename "$d")
  fi
done
if [ -z "$addr" ]; then
  echo "RESULT: FAIL (no edu device in the guest)"
else
  group=$(basename "$(readlink "/sys/bus/pci/devices/$addr/iommu_group")")
  echo "ENI-T: edu at $addr, IOMMU group $group"
  want=""
  grep -q eni_want_reset /proc/cmdline && want=want-reset
  /vfio_qemu_test "$addr" "$group" $want
fi
dmesg | grep -iE 'DMAR|vfio' | tail -n 5 | sed 's/^/ENI-T: dmesg: /'
poweroff -f
