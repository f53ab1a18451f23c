/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Finding Amazon ENA/EFA functions in sysfs, and binding them to vfio-pci.
 *
 * Everything is read relative to a sysfs root (and a /dev root for the
 * VFIO group nodes), so tools and tests can point at a copy of the tree.
 * Nothing read is trusted: names must be PCI addresses, numbers are parsed
 * whole and within their range. Writing is what can hurt the host, so every
 * write goes through one guarded writer: under /sys unless the caller opts
 * in, never through a symlink at the attribute, never outside the root, and
 * only to sysfs unless told otherwise. It is also a seam
 * (eni__vfio_sysfs_write) the tests replace with one that plays the kernel. */
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

/* ---- the guarded writer ------------------------------------------------------------- */

/* Where an open directory really is (its /proc/self/fd link). */
static bool fd_path(int fd, char *out, size_t cap)
{
    char link[32];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd); /* an int always fits */
    ssize_t n = readlink(link, out, cap);
    if (n <= 0 || (size_t)n >= cap)
        return false;
    out[n] = 0;
    return true;
}

/* Is `dir` the directory `root` or below it? */
static bool within(const char *root, const char *dir)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return true;
    return !strncmp(dir, root, n) && (dir[n] == 0 || dir[n] == '/');
}

static int write_file(const char *root, const char *rel, const char *data, uint32_t flags)
{
    const char *slash = strrchr(rel, '/'), *name = slash ? slash + 1 : rel;
    char dir[PATH_MAX], real_root[PATH_MAX], real_dir[PATH_MAX];
    int n = snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - rel) : 1, slash ? rel : ".");
    if (n < 0 || (size_t)n >= sizeof dir)
        return -ENAMETOOLONG;
    /* The directory is resolved once and held, so what is checked is what
     * is written into; symlinks on the way are sysfs's own layout. */
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return -errno;
    int dirfd = openat(rootfd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC), err = 0;
    if (dirfd < 0)
        err = errno;
    else if (!fd_path(rootfd, real_root, sizeof real_root) ||
             !fd_path(dirfd, real_dir, sizeof real_dir))
        err = EXDEV; /* no /proc: that it stays inside cannot be shown */
    else if (!within(real_root, real_dir))
        err = EXDEV;
    close(rootfd);
    if (err) {
        if (dirfd >= 0)
            close(dirfd);
        return -err;
    }
    /* O_NONBLOCK: a FIFO planted in a copied tree must not hang the caller */
    int fd = openat(dirfd, name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    err = fd < 0 ? errno : 0;
    close(dirfd);
    if (err)
        return -err;
    struct stat st;
    struct statfs sfs;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        err = EINVAL;
    else if (!(flags & ENI_VFIO_FAKE_SYSFS) &&
             (fstatfs(fd, &sfs) != 0 || sfs.f_type != SYSFS_MAGIC))
        err = EMEDIUMTYPE;
    if (!err) {
        size_t len = strlen(data);
        ssize_t w = write(fd, data, len);
        err = w < 0 ? errno : (size_t)w != len ? EIO : 0;
    }
    close(fd);
    return -err;
}

int (*eni__vfio_sysfs_write)(const char *root, const char *rel, const char *data,
                             uint32_t flags) = write_file;

/* ---- small readers, relative to an open directory ---------------------------------------- */

static bool read_text_at(int dirfd, const char *name, char *buf, size_t cap)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return true;
}

/* A whole number in [min, max] and nothing else (base 0: "0x1d0f", "-1"). */
static bool parse_num(const char *text, int base, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, base);
    if (errno || end == text || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool read_num_at(int dirfd, const char *name, long long min, long long max, long long *out)
{
    char buf[64];
    return read_text_at(dirfd, name, buf, sizeof buf) && parse_num(buf, 0, min, max, out);
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
static void link_name_at(int dirfd, const char *name, char *out, size_t cap)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(dirfd, name, target, sizeof target);
    out[0] = 0;
    if (n <= 0 || (size_t)n >= sizeof target)
        return;
    target[n] = 0;
    const char *base = strrchr(target, '/');
    copy_str(out, cap, base ? base + 1 : target);
}

/* A function's sysfs directory, opened (it is a symlink into /sys/devices). */
static int open_function(const char *sys, const char *address, int *fd)
{
    char path[PATH_MAX];
    int rc = eni__vfio_path(path, sizeof path, "%s/bus/pci/devices/%s", sys, address);
    if (rc != ENI_OK)
        return rc;
    *fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return *fd < 0 ? eni__vfio_fail(ENI_ENOTFOUND, errno, "vfio: no PCI function %s under "
                                    "%s/bus/pci/devices", address, sys)
                   : ENI_OK;
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
                link_name_at(mfd, "driver", drv, sizeof drv);
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
static int describe(const char *sys, const char *dev, int fd, const char *addr,
                    eni_vfio_function *f)
{
    long long vendor, device, v;
    if (!read_num_at(fd, "vendor", 0, 0xffff, &vendor) ||
        !read_num_at(fd, "device", 0, 0xffff, &device))
        return 0;
    uint8_t llq;
    int type = eni__vfio_function_type((uint16_t)vendor, (uint16_t)device, &llq);
    if (!type)
        return 0;
    memset(f, 0, sizeof *f);
    f->size = sizeof *f;
    f->type = (uint32_t)type;
    copy_str(f->address, sizeof f->address, addr);
    f->vendor_id = (uint16_t)vendor;
    f->device_id = (uint16_t)device;
    f->llq = llq;
    if (read_num_at(fd, "revision", 0, 0xff, &v))
        f->revision = (uint8_t)v;
    link_name_at(fd, "driver", f->driver, sizeof f->driver);
    link_name_at(fd, "physfn", f->physfn, sizeof f->physfn);
    if (!eni__vfio_valid_address(f->physfn))
        f->physfn[0] = 0;
    f->numa_node = read_num_at(fd, "numa_node", -1, INT32_MAX, &v) ? (int32_t)v : -1;
    if (read_num_at(fd, "sriov_totalvfs", 0, UINT16_MAX, &v)) /* a 16-bit field in PCI */
        f->sriov_total_vfs = (uint32_t)v;
    if (read_num_at(fd, "sriov_numvfs", 0, UINT16_MAX, &v))
        f->sriov_num_vfs = (uint32_t)v;
    char name[32];
    link_name_at(fd, "iommu_group", name, sizeof name);
    f->iommu_group = parse_num(name, 10, 0, INT32_MAX, &v) ? (int32_t)v : -1;
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
        int r = describe(sys, dev, fd, e->d_name, &f);
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

/* ---- binding ---------------------------------------------------------------------------- */

/* Only /sys is the kernel's for sure; another tree's owner decides where
 * its names lead, so writing there takes the caller's word. */
static int write_policy(const char *sysfs_root, uint32_t flags, const char **sys)
{
    const uint32_t known = ENI_VFIO_FOREIGN_ROOT | ENI_VFIO_FAKE_SYSFS;
    if (flags & ~known)
        return eni__vfio_fail(ENI_EINVAL, 0, "vfio: unknown sysfs flags 0x%x", flags & ~known);
    int rc = eni__vfio_root(sysfs_root, "/sys", "sysfs", sys);
    if (rc == ENI_OK && strcmp(*sys, "/sys") != 0 && !(flags & ENI_VFIO_FOREIGN_ROOT))
        rc = eni__vfio_fail(ENI_EPERM, 0,
                            "vfio: refusing to write under %s: only /sys is trusted, as whoever "
                            "controls another tree chooses which files the writes reach "
                            "(ENI_VFIO_FOREIGN_ROOT, or the backend's foreign_root=1, accepts it)",
                            *sys);
    return rc;
}

static int sysfs_write(const char *sys, const char *rel, const char *data, uint32_t flags,
                       const char *what)
{
    int rc = eni__vfio_sysfs_write(sys, rel, data, flags);
    if (rc == 0)
        return ENI_OK;
    int err = -rc;
    bool perm = err == EACCES || err == EPERM;
    const char *why = perm ? " (run as root)"
                      : err == ELOOP ? " (a symbolic link, which a sysfs attribute never is)"
                      : err == EXDEV ? " (its directory is not inside the root, or no /proc "
                                       "shows where it is)"
                      : err == EMEDIUMTYPE ? " (not on sysfs; ENI_VFIO_FAKE_SYSFS, or the "
                                             "backend's fake_sysfs=1, accepts a copy of the tree)"
                                           : "";
    int code = perm || err == ELOOP || err == EXDEV || err == EMEDIUMTYPE ? ENI_EPERM
               : err == ENAMETOOLONG                                       ? ENI_EINVAL
                                                                           : ENI_EBACKEND;
    return eni__vfio_fail(code, err, "vfio: %s: writing \"%s\" to %s/%s failed: %s%s", what,
                          strcmp(data, "\n") ? data : "\\n", sys, rel, strerror(err), why);
}

/* "bus/pci/devices/<address>/<attr>", the relative name of an attribute */
static int attr_rel(char *rel, size_t cap, const char *address, const char *attr)
{
    return eni__vfio_path(rel, cap, "bus/pci/devices/%s/%s", address, attr);
}

static int current_driver(const char *sys, const char *address, char *driver, size_t cap)
{
    int fd, rc = open_function(sys, address, &fd);
    if (rc != ENI_OK)
        return rc;
    link_name_at(fd, "driver", driver, cap);
    close(fd);
    return ENI_OK;
}

/* A function whose network interface is up carries traffic the host
 * relies on (often its primary interface): never take it. */
static int no_interface_up(const char *sys, const char *address)
{
    int fd, rc = open_function(sys, address, &fd);
    if (rc != ENI_OK)
        return rc;
    int netfd = openat(fd, "net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    close(fd);
    DIR *d = netfd >= 0 ? fdopendir(netfd) : NULL;
    if (!d) {
        if (netfd >= 0)
            close(netfd);
        return ENI_OK; /* no network interface */
    }
    struct dirent *e;
    while (rc == ENI_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        int ifd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (ifd < 0)
            continue;
        char state[32] = "", flagtext[32];
        long long iff = 0;
        (void)read_text_at(ifd, "operstate", state, sizeof state);
        bool admin_up = read_text_at(ifd, "flags", flagtext, sizeof flagtext) &&
                        parse_num(flagtext, 16, 0, UINT32_MAX, &iff) && (iff & IFF_UP);
        close(ifd);
        if (admin_up || !strcmp(state, "up"))
            rc = eni__vfio_fail(ENI_EINUSE, 0,
                                "vfio: %s carries the network interface %.*s, which is up "
                                "(operstate %s, flags 0x%llx): handing the function to vfio-pci "
                                "would take that interface from the host; bring it down first "
                                "(ip link set %.*s down) or use another function",
                                address, IFNAMSIZ, e->d_name, *state ? state : "unknown", iff,
                                IFNAMSIZ, e->d_name);
    }
    closedir(d);
    return rc;
}

/* After a failed bind: no override, and the function probed again, so a
 * failed bind never costs the host its network interface. The writes go
 * straight to the seam, so the first failure stays the one reported. */
static void undo_bind(const char *sys, const char *address, uint32_t flags)
{
    char rel[96];
    if (attr_rel(rel, sizeof rel, address, "driver_override") == ENI_OK)
        (void)eni__vfio_sysfs_write(sys, rel, "\n", flags);
    (void)eni__vfio_sysfs_write(sys, "bus/pci/drivers_probe", address, flags);
}

static int bind_at(const char *sys, const char *address, uint32_t flags)
{
    char driver[64], rel[96], now[64] = "";
    int rc = current_driver(sys, address, driver, sizeof driver);
    if (rc != ENI_OK || !strcmp(driver, "vfio-pci"))
        return rc;
    if ((rc = no_interface_up(sys, address)) != ENI_OK ||
        (rc = attr_rel(rel, sizeof rel, address, "driver_override")) != ENI_OK ||
        (rc = sysfs_write(sys, rel, "vfio-pci", flags, "bind")) != ENI_OK)
        return rc; /* nothing changed yet */
    if (*driver && (rc = attr_rel(rel, sizeof rel, address, "driver/unbind")) == ENI_OK)
        rc = sysfs_write(sys, rel, address, flags, "bind");
    if (rc == ENI_OK)
        rc = sysfs_write(sys, "bus/pci/drivers_probe", address, flags, "bind");
    if (rc == ENI_OK && (rc = current_driver(sys, address, now, sizeof now)) == ENI_OK &&
        strcmp(now, "vfio-pci") != 0)
        rc = eni__vfio_fail(ENI_EBACKEND, 0,
                            "vfio: %s is bound to \"%s\", not vfio-pci, after probing "
                            "(is the vfio-pci module loaded?)", address, *now ? now : "nothing");
    if (rc != ENI_OK)
        undo_bind(sys, address, flags);
    return rc;
}

static int release_at(const char *sys, const char *address, uint32_t flags)
{
    char driver[64], rel[96];
    int rc = current_driver(sys, address, driver, sizeof driver);
    if (rc == ENI_OK && !strcmp(driver, "vfio-pci") &&
        (rc = attr_rel(rel, sizeof rel, address, "driver/unbind")) == ENI_OK)
        rc = sysfs_write(sys, rel, address, flags, "release");
    if (rc == ENI_OK && (rc = attr_rel(rel, sizeof rel, address, "driver_override")) == ENI_OK)
        rc = sysfs_write(sys, rel, "\n", flags, "release");
    if (rc == ENI_OK)
        rc = sysfs_write(sys, "bus/pci/drivers_probe", address, flags, "release");
    return rc;
}

static int check_address(const char *address)
{
    return eni__vfio_valid_address(address)
               ? ENI_OK
               : eni__vfio_fail(ENI_EINVAL, 0, "vfio: \"%s\" is not a PCI address like "
                                "0000:00:05.0", address ? address : "(null)");
}

/* An Amazon ENA/EFA function that exists under the root. */
static int check_function(const char *sys, const char *address)
{
    int fd, rc = check_address(address);
    if (rc == ENI_OK)
        rc = open_function(sys, address, &fd);
    if (rc != ENI_OK)
        return rc;
    eni_vfio_function f;
    int r = describe(sys, "/nonexistent", fd, address, &f);
    close(fd);
    if (r < 0)
        return r;
    return r ? ENI_OK : eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: %s is not an Amazon ENA or EFA "
                                       "function", address);
}

/* The root policy and the address (and, for the public calls, that it is an
 * Amazon function) before anything is written. */
static int guarded(const char *sysfs_root, const char *address, uint32_t flags, bool amazon,
                   int (*op)(const char *sys, const char *address, uint32_t flags))
{
    const char *sys;
    int rc = write_policy(sysfs_root, flags, &sys);
    if (rc == ENI_OK)
        rc = amazon ? check_function(sys, address) : check_address(address);
    return rc != ENI_OK ? rc : op(sys, address, flags);
}

int eni__vfio_bind_pci(const char *sysfs_root, const char *address, uint32_t flags)
{
    return guarded(sysfs_root, address, flags, false, bind_at);
}

int eni__vfio_release_pci(const char *sysfs_root, const char *address, uint32_t flags)
{
    return guarded(sysfs_root, address, flags, false, release_at);
}

int eni_vfio_bind_flags(const char *sysfs_root, const char *address, uint32_t flags)
{
    return guarded(sysfs_root, address, flags, true, bind_at);
}

int eni_vfio_release_flags(const char *sysfs_root, const char *address, uint32_t flags)
{
    return guarded(sysfs_root, address, flags, true, release_at);
}

int eni_vfio_bind(const char *sysfs_root, const char *address)
{
    return eni_vfio_bind_flags(sysfs_root, address, 0);
}

int eni_vfio_release(const char *sysfs_root, const char *address)
{
    return eni_vfio_release_flags(sysfs_root, address, 0);
}
