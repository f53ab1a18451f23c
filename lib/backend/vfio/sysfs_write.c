/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The one way the VFIO backend writes to sysfs (driver_override, unbind,
 * drivers_probe), guarded because a privileged agent's write is what can
 * hurt the host: under /sys unless the caller opts in, never through a
 * symlink at the attribute, never outside the root, and only to sysfs unless
 * told otherwise. It is also a seam (eni__vfio_sysfs_write) the tests
 * replace with one that plays the kernel. */
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
