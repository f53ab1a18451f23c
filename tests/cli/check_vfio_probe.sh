#!/bin/sh
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
# eni-vfio-probe's command line: --help and --version exit 0, bad arguments
# exit 2 with a message, and an empty sysfs is looked at and reported.
#   check_vfio_probe.sh ENI_VFIO_PROBE VERSION
. "$(dirname "$0")/lib.sh"
exe=$1 version=$2
v=$(printf '%s' "$version" | sed 's/[.]/[.]/g')

expect 0 out '^usage: eni-vfio-probe ' -- "$exe" --help
expect 0 out "^eni-vfio-probe \\(libeni $v\\)\$" -- "$exe" --version
expect 2 err "unknown or incomplete argument '--bogus'" -- "$exe" --bogus
expect 2 err "unknown or incomplete argument '--sysfs'" -- "$exe" --sysfs
mkdir -p "$cli_tmp/sys/bus/pci/devices"
expect 0 out 'No Amazon ENA or EFA PCI function|built without VFIO' -- "$exe" --sysfs "$cli_tmp/sys"
finish
