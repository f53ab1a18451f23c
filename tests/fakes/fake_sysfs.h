/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A throwaway sysfs and /dev tree for the VFIO tests, and a sysfs-write hook
 * that plays the kernel's part: writing a function's address to
 * `drivers_probe` binds it to its `driver_override` driver, writing it to
 * `driver/unbind` unbinds it. Every other write (driver_override) goes on
 * to the library's own guarded writer, so its refusals are exercised too;
 * the tree is not /sys and not sysfs, so callers pass FAKE_SYSFS_FLAGS.
 * Every write is recorded in order. */
#ifndef ENI_TEST_FAKE_SYSFS_H
#define ENI_TEST_FAKE_SYSFS_H

#include <stdbool.h>
#include <stdint.h>

#include <eni/sys/vfio.h>

struct fake_sysfs {
    char root[256];   /* a temporary directory */
    char sys[300];    /* root/sys */
    char dev[300];    /* root/dev */
    char writes[32][160]; /* "relative/path=data" */
    int nwrites;
    int refuse_errno;     /* > 0: every write fails with it */
    bool kernel_ignores_probe;
    char ignore_probe_of[16];   /* this function cannot be bound to vfio-pci (other drivers work) */
    int refuse_unbind_errno;    /* > 0: writes to driver/unbind fail with it */
};

/* The flags a test passes to write into the tree: it is not /sys, and not sysfs. */
#define FAKE_SYSFS_FLAGS (ENI_VFIO_FOREIGN_ROOT | ENI_VFIO_FAKE_SYSFS)

/* Make an empty tree (sys/bus/pci/devices, sys/bus/pci/drivers, dev/vfio) and
 * install the write hook. */
void fake_sysfs_init(struct fake_sysfs *fs);
/* Remove the tree and restore the real write. */
void fake_sysfs_fini(struct fake_sysfs *fs);

/* A PCI function: ids, revision, NUMA node, driver ("" = none), IOMMU group
 * (-1 = none). */
void fake_sysfs_add(struct fake_sysfs *fs, const char *addr, unsigned vendor, unsigned device,
                    unsigned revision, int numa, const char *driver, int group);
/* SR-IOV: a PF's totals, or a VF's PF. */
void fake_sysfs_sriov(struct fake_sysfs *fs, const char *pf, unsigned total, unsigned num);
void fake_sysfs_physfn(struct fake_sysfs *fs, const char *vf, const char *pf);
/* The group's node in dev/vfio ("N", or "noiommu-N"). */
void fake_sysfs_group_node(struct fake_sysfs *fs, int group, bool noiommu);
/* The driver a function is bound to now ("" = none). */
void fake_sysfs_driver(struct fake_sysfs *fs, const char *addr, char *out, unsigned cap);
/* A network interface of a function: net/<ifname>/operstate and flags (hex). */
void fake_sysfs_netdev(struct fake_sysfs *fs, const char *addr, const char *ifname,
                       const char *operstate, unsigned flags);
/* A file at `rel` under sys/ with `text` (its directory must exist). */
void fake_sysfs_put(struct fake_sysfs *fs, const char *rel, const char *text);

#endif
