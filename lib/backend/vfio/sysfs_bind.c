/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Binding a function to vfio-pci and giving it back: through the guarded
 * writer (sysfs_write.c), never a function whose network interface is up,
 * and undone when a step fails so a failed bind never costs the host an
 * interface. */
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
    int fd, rc = eni__vfio_open_function(sys, address, &fd);
    if (rc != ENI_OK)
        return rc;
    eni__vfio_link_name_at(fd, "driver", driver, cap);
    close(fd);
    return ENI_OK;
}

/* A function whose network interface is up carries traffic the host
 * relies on (often its primary interface): never take it. */
static int no_interface_up(const char *sys, const char *address)
{
    int fd, rc = eni__vfio_open_function(sys, address, &fd);
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
        (void)eni__vfio_read_text_at(ifd, "operstate", state, sizeof state);
        bool admin_up = eni__vfio_read_text_at(ifd, "flags", flagtext, sizeof flagtext) &&
                        eni__vfio_parse_num(flagtext, 16, 0, UINT32_MAX, &iff) && (iff & IFF_UP);
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
        rc = eni__vfio_open_function(sys, address, &fd);
    if (rc != ENI_OK)
        return rc;
    eni_vfio_function f;
    int r = eni__vfio_describe(sys, "/nonexistent", fd, address, &f);
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
