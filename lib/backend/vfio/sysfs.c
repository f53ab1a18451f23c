/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Finding Amazon ENA/EFA functions in sysfs, and binding them to vfio-pci.
 *
 * Everything is read relative to a sysfs root (and a /dev root for the
 * VFIO group nodes), so tools and tests can point at a copy of the tree.
 * Writes go through eni__vfio_sysfs_write, a seam the tests replace with
 * one that also plays the kernel's part (relinking `driver`). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/hw/ena_wire.h"
#include "eni/sys/vfio.h"
#include "vfio_internal.h"

static int write_file(const char *path, const char *data)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(data);
    ssize_t n = write(fd, data, len);
    int err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
    close(fd);
    return -err;
}

int (*eni__vfio_sysfs_write)(const char *path, const char *data) = write_file;

/* ---- small readers ------------------------------------------------------------------ */

static bool read_text(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool ok = fgets(buf, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        buf[strcspn(buf, "\n")] = 0;
    return ok;
}

static bool read_ulong(const char *path, unsigned long *out)
{
    char buf[64], *end;
    if (!read_text(path, buf, sizeof buf))
        return false;
    errno = 0;
    *out = strtoul(buf, &end, 0);
    return errno == 0 && end != buf;
}

/* strlcpy: copy what fits, always terminated (names here are short). */
static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* The last component of a symlink's target ("" when it is not a link). */
static void link_name(const char *path, char *out, size_t cap)
{
    char target[PATH_MAX];
    ssize_t n = readlink(path, target, sizeof target - 1);
    out[0] = 0;
    if (n <= 0)
        return;
    target[n] = 0;
    const char *base = strrchr(target, '/');
    copy_str(out, cap, base ? base + 1 : target);
}

static const char *root_or(const char *root, const char *dflt)
{
    return root && *root ? root : dflt;
}

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

/* Fill one function's description; false when it is not an Amazon function. */
static bool describe(const char *sys, const char *dev, const char *addr, eni_vfio_function *f)
{
    char path[PATH_MAX];
    unsigned long vendor, device, revision = 0;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/vendor", sys, addr);
    if (!read_ulong(path, &vendor))
        return false;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/device", sys, addr);
    if (!read_ulong(path, &device))
        return false;
    uint8_t llq;
    int type = eni__vfio_function_type((uint16_t)vendor, (uint16_t)device, &llq);
    if (!type)
        return false;
    memset(f, 0, sizeof *f);
    f->size = sizeof *f;
    f->type = (uint32_t)type;
    copy_str(f->address, sizeof f->address, addr);
    f->vendor_id = (uint16_t)vendor;
    f->device_id = (uint16_t)device;
    f->llq = llq;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/revision", sys, addr);
    if (read_ulong(path, &revision))
        f->revision = (uint8_t)revision;
    char name[64];
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver", sys, addr);
    link_name(path, f->driver, sizeof f->driver);
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/physfn", sys, addr);
    link_name(path, f->physfn, sizeof f->physfn);
    unsigned long v;
    char text[32];
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/numa_node", sys, addr);
    f->numa_node = read_text(path, text, sizeof text) ? atoi(text) : -1;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/sriov_totalvfs", sys, addr);
    if (read_ulong(path, &v))
        f->sriov_total_vfs = (uint32_t)v;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/sriov_numvfs", sys, addr);
    if (read_ulong(path, &v))
        f->sriov_num_vfs = (uint32_t)v;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/iommu_group", sys, addr);
    link_name(path, name, sizeof name);
    f->iommu_group = *name ? atoi(name) : -1;

    /* readiness, in the order a user has to fix things */
    bool shared = false;
    if (f->iommu_group >= 0) {
        snprintf(path, sizeof path, "%s/kernel/iommu_groups/%d/devices", sys, f->iommu_group);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            f->group_devices++;
            char other[PATH_MAX], drv[64];
            snprintf(other, sizeof other, "%s/bus/pci/devices/%s/driver", sys, e->d_name);
            link_name(other, drv, sizeof drv);
            if (strcmp(e->d_name, addr) != 0 && !vfio_friendly(drv))
                shared = true;
        }
        if (d)
            closedir(d);
        snprintf(path, sizeof path, "%s/vfio/noiommu-%d", dev, f->iommu_group);
        f->noiommu = access(path, F_OK) == 0;
    }
    if (f->iommu_group < 0) {
        f->readiness = ENI_VFIO_NO_IOMMU_GROUP;
    } else if (strcmp(f->driver, "vfio-pci") != 0) {
        f->readiness = ENI_VFIO_NOT_BOUND;
    } else if (shared) {
        f->readiness = ENI_VFIO_SHARED_GROUP;
    } else {
        snprintf(path, sizeof path, f->noiommu ? "%s/vfio/noiommu-%d" : "%s/vfio/%d", dev,
                 f->iommu_group);
        if (access(path, F_OK) != 0)
            f->readiness = ENI_VFIO_NO_DEVICE_NODE;
        else if (access(path, R_OK | W_OK) != 0)
            f->readiness = ENI_VFIO_NO_PERMISSION;
        else
            f->readiness = ENI_VFIO_READY;
    }
    return true;
}

static int cmp_fn(const void *a, const void *b)
{
    return strcmp(((const eni_vfio_function *)a)->address, ((const eni_vfio_function *)b)->address);
}

int eni__vfio_scan(const char *sysfs_root, const char *dev_root, eni_vfio_function **out,
                   uint32_t *count)
{
    const char *sys = root_or(sysfs_root, "/sys"), *dev = root_or(dev_root, "/dev");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bus/pci/devices", sys);
    DIR *d = opendir(path);
    if (!d)
        return eni__vfio_fail(ENI_ENOTFOUND, errno, "vfio: no PCI bus under %s (%s)", path,
                            strerror(errno));
    eni_vfio_function *list = NULL;
    uint32_t n = 0, cap = 0;
    struct dirent *e;
    int rc = ENI_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        eni_vfio_function f;
        if (!describe(sys, dev, e->d_name, &f))
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
                         "published eni_vfio_function (%zu)", stride, sizeof(eni_vfio_function));
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

/* ---- binding ---------------------------------------------------------------------------- */

static int sysfs_write(const char *path, const char *data, const char *what)
{
    int rc = eni__vfio_sysfs_write(path, data);
    if (rc == 0)
        return ENI_OK;
    int err = -rc;
    return eni__vfio_fail(err == EACCES || err == EPERM ? ENI_EPERM : ENI_EBACKEND, err,
                        "vfio: %s: writing \"%s\" to %s failed: %s%s", what, data, path,
                        strerror(err), err == EACCES || err == EPERM ? " (run as root)" : "");
}

static int check_function(const char *sys, const char *address, char *driver, size_t cap)
{
    if (!eni__vfio_valid_address(address))
        return eni__vfio_fail(ENI_EINVAL, 0,
                         "vfio: \"%s\" is not a PCI address like 0000:00:05.0",
                         address ? address : "(null)");
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s", sys, address);
    if (access(path, F_OK) != 0)
        return eni__vfio_fail(ENI_ENOTFOUND, 0, "vfio: no PCI function %s under %s/bus/pci/devices",
                         address, sys);
    eni_vfio_function f;
    if (!describe(sys, "/nonexistent", address, &f))
        return eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: %s is not an Amazon ENA or EFA function",
                         address);
    copy_str(driver, cap, f.driver);
    return ENI_OK;
}

int eni__vfio_bind_pci(const char *sysfs_root, const char *address)
{
    const char *sys = root_or(sysfs_root, "/sys");
    char driver[64], path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver", sys, address);
    link_name(path, driver, sizeof driver);
    if (!strcmp(driver, "vfio-pci"))
        return ENI_OK;
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver_override", sys, address);
    int rc = sysfs_write(path, "vfio-pci", "bind");
    if (rc != ENI_OK)
        return rc;
    if (*driver) {
        snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver/unbind", sys, address);
        if ((rc = sysfs_write(path, address, "bind")) != ENI_OK)
            return rc;
    }
    snprintf(path, sizeof path, "%s/bus/pci/drivers_probe", sys);
    rc = sysfs_write(path, address, "bind");
    char now[64] = "";
    if (rc == ENI_OK) {
        snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver", sys, address);
        link_name(path, now, sizeof now);
        if (strcmp(now, "vfio-pci") != 0)
            rc = eni__vfio_fail(ENI_EBACKEND, 0,
                           "vfio: %s is bound to \"%s\", not vfio-pci, after probing "
                           "(is the vfio-pci module loaded?)", address, *now ? now : "nothing");
    }
    if (rc != ENI_OK) {
        /* Leave it as it was: no override, and its driver probed again, so
         * a failed bind never costs the host its network interface. The
         * first failure is the one reported. */
        eni_error saved = *eni_error_last();
        char msg[256];
        snprintf(msg, sizeof msg, "%s", saved.message ? saved.message : "");
        snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver_override", sys, address);
        (void)eni__vfio_sysfs_write(path, "\n");
        snprintf(path, sizeof path, "%s/bus/pci/drivers_probe", sys);
        (void)eni__vfio_sysfs_write(path, address);
        return eni__vfio_fail(rc, saved.os_errno, "%s", msg);
    }
    return ENI_OK;
}

int eni__vfio_release_pci(const char *sysfs_root, const char *address)
{
    const char *sys = root_or(sysfs_root, "/sys");
    char driver[64], path[PATH_MAX];
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver", sys, address);
    link_name(path, driver, sizeof driver);
    int rc;
    if (!strcmp(driver, "vfio-pci")) {
        snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver/unbind", sys, address);
        if ((rc = sysfs_write(path, address, "release")) != ENI_OK)
            return rc;
    }
    snprintf(path, sizeof path, "%s/bus/pci/devices/%s/driver_override", sys, address);
    if ((rc = sysfs_write(path, "\n", "release")) != ENI_OK)
        return rc;
    snprintf(path, sizeof path, "%s/bus/pci/drivers_probe", sys);
    return sysfs_write(path, address, "release");
}

int eni_vfio_bind(const char *sysfs_root, const char *address)
{
    char driver[64];
    int rc = check_function(root_or(sysfs_root, "/sys"), address, driver, sizeof driver);
    return rc != ENI_OK ? rc : eni__vfio_bind_pci(sysfs_root, address);
}

int eni_vfio_release(const char *sysfs_root, const char *address)
{
    char driver[64];
    int rc = check_function(root_or(sysfs_root, "/sys"), address, driver, sizeof driver);
    return rc != ENI_OK ? rc : eni__vfio_release_pci(sysfs_root, address);
}
