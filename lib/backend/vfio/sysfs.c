/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Finding Amazon ENA/EFA functions in sysfs: what each is, which driver
 * holds it, whether VFIO can drive it. Everything is read relative to a
 * sysfs root (and a /dev root for the VFIO group nodes), so tools and tests
 * can point at a copy of the tree. Binding is in sysfs_bind.c, the guarded
 * writer in sysfs_write.c, the readers in sysfs_read.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "backend/hw/ena_wire.h"
#include "eni/sys/vfio.h"
#include "vfio_internal.h"


/* ---- identity ------------------------------------------------------------------------- */

int eni__vfio_function_type(uint16_t vendor, uint16_t device, uint8_t *llq)
{
    *llq = 0;
    if (vendor != ENA_PCI_VENDOR_AMAZON)
        return 0;
    switch (device) {
    case ENA_PCI_DEV_LLQ_PF:
        *llq = 1;
        return ENI_PCI_ENA_PF;
    case ENA_PCI_DEV_PF:
        return ENI_PCI_ENA_PF;
    case ENA_PCI_DEV_LLQ_VF:
        *llq = 1;
        return ENI_PCI_ENA_VF;
    case ENA_PCI_DEV_VF:
    case ENA_PCI_DEV_RESRV0:
        return ENI_PCI_ENA_VF;
    default:
        return device >= EFA_PCI_DEV_VF0 && device <= EFA_PCI_DEV_VF3 ? ENI_PCI_EFA_VF : 0;
    }
}

bool eni__vfio_valid_address(const char *a)
{
    /* dddd:bb:dd.f, hex digits, function 0-7 */
    static const char shape[] = "hhhh:hh:hh.o";
    if (!a || strlen(a) != sizeof shape - 1)
        return false;
    for (size_t i = 0; shape[i]; i++) {
        char c = a[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if ((shape[i] == 'h' && !hex) || (shape[i] == 'o' && (c < '0' || c > '7')) ||
            (shape[i] != 'h' && shape[i] != 'o' && c != shape[i]))
            return false;
    }
    return true;
}

/* Is a driver one that leaves an IOMMU group viable for VFIO? */
static bool vfio_friendly(const char *driver)
{
    return !*driver || !strcmp(driver, "vfio-pci") || !strcmp(driver, "pci-stub") ||
           !strcmp(driver, "pcieport");
}

/* Advice only: with the effective ids (AT_EACCESS), which are the ones
 * open() will use; the open itself decides. */
static bool can_access(const char *path, int mode)
{
    return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0;
}

/* Group membership, noiommu mode and readiness, in the order a user has to
 * fix things. */
static int judge(const char *sys, const char *dev, const char *addr, eni_vfio_function *f)
{
    char path[PATH_MAX];
    bool shared = false;
    int rc;
    if (f->iommu_group >= 0) {
        rc = eni__vfio_path(path, sizeof path, "%s/kernel/iommu_groups/%d/devices", sys,
                            f->iommu_group);
        if (rc != ENI_OK)
            return rc;
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (!eni__vfio_valid_address(e->d_name))
                continue;
            f->group_devices++;
            char drv[64] = "";
            int mfd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (mfd >= 0) {
                eni__vfio_link_name_at(mfd, "driver", drv, sizeof drv);
                close(mfd);
            }
            if (strcmp(e->d_name, addr) != 0 && !vfio_friendly(drv))
                shared = true;
        }
        if (d)
            closedir(d);
        if ((rc = eni__vfio_path(path, sizeof path, "%s/vfio/noiommu-%d", dev,
                                 f->iommu_group)) != ENI_OK)
            return rc;
        f->noiommu = can_access(path, F_OK);
    }
    if (f->iommu_group < 0) {
        f->readiness = ENI_VFIO_NO_IOMMU_GROUP;
    } else if (strcmp(f->driver, "vfio-pci") != 0) {
        f->readiness = ENI_VFIO_NOT_BOUND;
    } else if (shared) {
        f->readiness = ENI_VFIO_SHARED_GROUP;
    } else {
        rc = eni__vfio_path(path, sizeof path, f->noiommu ? "%s/vfio/noiommu-%d" : "%s/vfio/%d",
                            dev, f->iommu_group);
        if (rc != ENI_OK)
            return rc;
        if (!can_access(path, F_OK))
            f->readiness = ENI_VFIO_NO_DEVICE_NODE;
        else if (!can_access(path, R_OK | W_OK))
            f->readiness = ENI_VFIO_NO_PERMISSION;
        else
            f->readiness = ENI_VFIO_READY;
    }
    return ENI_OK;
}

/* Fill one function's description from its directory `fd`: 1 for an
 * Amazon function, 0 for another, or an error. */
int eni__vfio_describe(const char *sys, const char *dev, int fd, const char *addr,
                       eni_vfio_function *f)
{
    long long vendor, device, v;
    if (!eni__vfio_read_num_at(fd, "vendor", 0, 0xffff, &vendor) ||
        !eni__vfio_read_num_at(fd, "device", 0, 0xffff, &device))
        return 0;
    uint8_t llq;
    int type = eni__vfio_function_type((uint16_t)vendor, (uint16_t)device, &llq);
    if (!type)
        return 0;
    memset(f, 0, sizeof *f);
    f->size = sizeof *f;
    f->type = (uint32_t)type;
    eni__vfio_copy_str(f->address, sizeof f->address, addr);
    f->vendor_id = (uint16_t)vendor;
    f->device_id = (uint16_t)device;
    f->llq = llq;
    if (eni__vfio_read_num_at(fd, "revision", 0, 0xff, &v))
        f->revision = (uint8_t)v;
    eni__vfio_link_name_at(fd, "driver", f->driver, sizeof f->driver);
    eni__vfio_link_name_at(fd, "physfn", f->physfn, sizeof f->physfn);
    if (!eni__vfio_valid_address(f->physfn))
        f->physfn[0] = 0;
    f->numa_node = eni__vfio_read_num_at(fd, "numa_node", -1, INT32_MAX, &v) ? (int32_t)v : -1;
    if (eni__vfio_read_num_at(fd, "sriov_totalvfs", 0, UINT16_MAX, &v)) /* a 16-bit field in PCI */
        f->sriov_total_vfs = (uint32_t)v;
    if (eni__vfio_read_num_at(fd, "sriov_numvfs", 0, UINT16_MAX, &v))
        f->sriov_num_vfs = (uint32_t)v;
    char name[32];
    eni__vfio_link_name_at(fd, "iommu_group", name, sizeof name);
    f->iommu_group = eni__vfio_parse_num(name, 10, 0, INT32_MAX, &v) ? (int32_t)v : -1;
    int rc = judge(sys, dev, addr, f);
    return rc != ENI_OK ? rc : 1;
}

static int cmp_fn(const void *a, const void *b)
{
    return strcmp(((const eni_vfio_function *)a)->address, ((const eni_vfio_function *)b)->address);
}

int eni__vfio_scan(const char *sysfs_root, const char *dev_root, eni_vfio_function **out,
                   uint32_t *count)
{
    const char *sys, *dev;
    char path[PATH_MAX];
    int rc = eni__vfio_root(sysfs_root, "/sys", "sysfs", &sys);
    if (rc == ENI_OK)
        rc = eni__vfio_root(dev_root, "/dev", "dev", &dev);
    if (rc == ENI_OK)
        rc = eni__vfio_path(path, sizeof path, "%s/bus/pci/devices", sys);
    if (rc != ENI_OK)
        return rc;
    DIR *d = opendir(path);
    if (!d)
        return eni__vfio_fail(ENI_ENOTFOUND, errno, "vfio: no PCI bus under %s (%s)", path,
                              strerror(errno));
    eni_vfio_function *list = NULL;
    uint32_t n = 0, cap = 0;
    struct dirent *e;
    while (rc == ENI_OK && (e = readdir(d)) != NULL) {
        if (!eni__vfio_valid_address(e->d_name)) /* the kernel names them so; a copy may not */
            continue;
        eni_vfio_function f;
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            continue;
        int r = eni__vfio_describe(sys, dev, fd, e->d_name, &f);
        close(fd);
        if (r < 0)
            rc = r;
        if (r <= 0)
            continue;
        if (n == cap) {
            uint32_t ncap = cap ? cap * 2 : 8;
            /* Discovery runs without a ctx (eni_vfio_list_functions), so
             * with libc's allocator; the list never outlives the call. */
            eni_vfio_function *grown = realloc(list, ncap * sizeof *grown);
            if (!grown) {
                rc = eni__vfio_fail(ENI_ENOMEM, 0, "vfio: out of memory listing functions");
                break;
            }
            list = grown;
            cap = ncap;
        }
        list[n++] = f;
    }
    closedir(d);
    if (rc != ENI_OK) {
        free(list);
        return rc;
    }
    if (n > 1)
        qsort(list, n, sizeof *list, cmp_fn);
    *out = list;
    *count = n;
    return ENI_OK;
}

int eni_vfio_list_functions(const char *sysfs_root, const char *dev_root, eni_vfio_function *out,
                            uint32_t cap, uint32_t *count)
{
    if (!count || (cap && !out))
        return eni__vfio_fail(ENI_EINVAL, 0, "eni_vfio_list_functions: %s is NULL",
                              count ? "out" : "count");
    uint32_t stride = cap ? out[0].size : 0;
    if (cap && stride > ENI_STRUCT_SIZE_MAX)
        return eni__vfio_fail(ENI_EINVAL, 0,
                              "eni_vfio_list_functions: out[0].size %u is above "
                              "ENI_STRUCT_SIZE_MAX (use ENI_VFIO_FUNCTION_INIT)", stride);
    if (cap && stride < sizeof(eni_vfio_function))
        return eni__vfio_fail(ENI_EINVAL, 0,
                              "eni_vfio_list_functions: out[0].size %u is smaller than the first "
                              "published eni_vfio_function (%zu)", stride,
                              sizeof(eni_vfio_function));
    eni_vfio_function *list;
    uint32_t n;
    int rc = eni__vfio_scan(sysfs_root, dev_root, &list, &n);
    if (rc != ENI_OK)
        return rc;
    for (uint32_t i = 0; i < n && i < cap; i++)
        memcpy((char *)out + (size_t)i * stride, &list[i], sizeof list[i]);
    free(list);
    *count = n;
    return ENI_OK;
}
