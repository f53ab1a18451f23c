/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Small readers of sysfs attributes, relative to an open directory. Nothing
 * read is trusted: names must be PCI addresses, numbers are parsed whole and
 * within their range. */
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


/* ---- small readers, relative to an open directory ---------------------------------------- */

bool eni__vfio_read_text_at(int dirfd, const char *name, char *buf, size_t cap)
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
bool eni__vfio_parse_num(const char *text, int base, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, base);
    if (errno || end == text || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool eni__vfio_read_num_at(int dirfd, const char *name, long long min, long long max, long long *out)
{
    char buf[64];
    return eni__vfio_read_text_at(dirfd, name, buf, sizeof buf) && eni__vfio_parse_num(buf, 0, min, max, out);
}

/* strlcpy: copy what fits, always terminated (names here are short). */
void eni__vfio_copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* The last component of a symlink's target ("" when it is not a link). */
void eni__vfio_link_name_at(int dirfd, const char *name, char *out, size_t cap)
{
    char target[PATH_MAX];
    ssize_t n = readlinkat(dirfd, name, target, sizeof target);
    out[0] = 0;
    if (n <= 0 || (size_t)n >= sizeof target)
        return;
    target[n] = 0;
    const char *base = strrchr(target, '/');
    eni__vfio_copy_str(out, cap, base ? base + 1 : target);
}

/* A function's sysfs directory, opened (it is a symlink into /sys/devices). */
int eni__vfio_open_function(const char *sys, const char *address, int *fd)
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
