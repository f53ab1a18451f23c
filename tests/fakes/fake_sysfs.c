/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The throwaway sysfs tree (fake_sysfs.h). */
/* Paths here are a temporary directory plus a few short names: GCC cannot
 * see that they fit, and a truncated path would only fail a test. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#include "fake_sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/vfio/vfio_internal.h"

static struct fake_sysfs *active;
static int (*real_write)(const char *root, const char *rel, const char *data, uint32_t flags);

static void must(int ok, const char *what)
{
    if (!ok) {
        perror(what);
        abort();
    }
}

static void mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            (void)mkdir(buf, 0755);
            *p = '/';
        }
    (void)mkdir(buf, 0755);
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    must(f != NULL, path);
    fputs(text, f);
    fclose(f);
}

static void relink(const char *link, const char *target)
{
    (void)unlink(link);
    if (target)
        must(symlink(target, link) == 0, link);
}

/* The kernel's side of a sysfs write. */
static int hook(const char *root, const char *rel, const char *data, uint32_t flags)
{
    struct fake_sysfs *fs = active;
    if (fs->refuse_errno)
        return -fs->refuse_errno;
    if (fs->nwrites < 32)
        snprintf(fs->writes[fs->nwrites++], sizeof fs->writes[0], "%s=%s", rel, data);
    char dir[PATH_MAX], link[PATH_MAX];
    if (!strcmp(rel, "bus/pci/drivers_probe")) {
        if (fs->kernel_ignores_probe)
            return 0;
        char ov[64] = "";
        snprintf(dir, sizeof dir, "%s/bus/pci/devices/%s/driver_override", fs->sys, data);
        FILE *f = fopen(dir, "r");
        if (f) {
            if (fgets(ov, sizeof ov, f))
                ov[strcspn(ov, "\n")] = 0;
            fclose(f);
        }
        if (!strcmp(ov, "vfio-pci") && !strcmp(fs->ignore_probe_of, data))
            return 0; /* as if vfio-pci were not loaded, for this function */
        snprintf(link, sizeof link, "%s/bus/pci/devices/%s/driver", fs->sys, data);
        char target[128];
        snprintf(target, sizeof target, "../../../bus/pci/drivers/%s", *ov ? ov : "ena");
        relink(link, target);
        return 0;
    }
    const char *unbind = strstr(rel, "/driver/unbind");
    if (unbind) {
        if (fs->refuse_unbind_errno)
            return -fs->refuse_unbind_errno;
        snprintf(link, sizeof link, "%s/%.*s/driver", fs->sys, (int)(unbind - rel), rel);
        relink(link, NULL);
        return 0;
    }
    return real_write(root, rel, data, flags); /* driver_override and the like: plain files */
}

void fake_sysfs_init(struct fake_sysfs *fs)
{
    memset(fs, 0, sizeof *fs);
    snprintf(fs->root, sizeof fs->root, "/tmp/eni-fake-sysfs-XXXXXX");
    must(mkdtemp(fs->root) != NULL, "mkdtemp");
    snprintf(fs->sys, sizeof fs->sys, "%s/sys", fs->root);
    snprintf(fs->dev, sizeof fs->dev, "%s/dev", fs->root);
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/bus/pci/devices", fs->sys);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/bus/pci/drivers/vfio-pci", fs->sys);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/bus/pci/drivers/ena", fs->sys);
    mkdirs(p);
    snprintf(p, sizeof p, "%s/bus/pci/drivers/nvme", fs->sys);
    mkdirs(p);
    put(fs->sys, "bus/pci/drivers_probe", "");
    snprintf(p, sizeof p, "%s/vfio", fs->dev);
    mkdirs(p);
    put(p, "vfio", "");
    active = fs;
    real_write = eni__vfio_sysfs_write;
    eni__vfio_sysfs_write = hook;
}

void fake_sysfs_fini(struct fake_sysfs *fs)
{
    eni__vfio_sysfs_write = real_write;
    active = NULL;
    char cmd[PATH_MAX];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fs->root);
    must(system(cmd) == 0, "rm");
}

void fake_sysfs_add(struct fake_sysfs *fs, const char *addr, unsigned vendor, unsigned device,
                    unsigned revision, int numa, const char *driver, int group)
{
    char dir[PATH_MAX], text[64], link[PATH_MAX], target[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/bus/pci/devices/%s", fs->sys, addr);
    mkdirs(dir);
    snprintf(text, sizeof text, "0x%04x\n", vendor);
    put(dir, "vendor", text);
    snprintf(text, sizeof text, "0x%04x\n", device);
    put(dir, "device", text);
    snprintf(text, sizeof text, "0x%02x\n", revision);
    put(dir, "revision", text);
    snprintf(text, sizeof text, "%d\n", numa);
    put(dir, "numa_node", text);
    put(dir, "driver_override", "(null)\n");
    if (driver && *driver) {
        snprintf(link, sizeof link, "%s/driver", dir);
        snprintf(target, sizeof target, "../../../bus/pci/drivers/%s", driver);
        relink(link, target);
    }
    if (group >= 0) {
        char gdir[PATH_MAX];
        snprintf(gdir, sizeof gdir, "%s/kernel/iommu_groups/%d/devices", fs->sys, group);
        mkdirs(gdir);
        snprintf(link, sizeof link, "%s/%s", gdir, addr);
        snprintf(target, sizeof target, "../../../../bus/pci/devices/%s", addr);
        relink(link, target);
        snprintf(link, sizeof link, "%s/iommu_group", dir);
        snprintf(target, sizeof target, "../../../kernel/iommu_groups/%d", group);
        relink(link, target);
    }
}

void fake_sysfs_sriov(struct fake_sysfs *fs, const char *pf, unsigned total, unsigned num)
{
    char dir[PATH_MAX], text[32];
    snprintf(dir, sizeof dir, "%s/bus/pci/devices/%s", fs->sys, pf);
    snprintf(text, sizeof text, "%u\n", total);
    put(dir, "sriov_totalvfs", text);
    snprintf(text, sizeof text, "%u\n", num);
    put(dir, "sriov_numvfs", text);
}

void fake_sysfs_physfn(struct fake_sysfs *fs, const char *vf, const char *pf)
{
    char link[PATH_MAX], target[PATH_MAX];
    snprintf(link, sizeof link, "%s/bus/pci/devices/%s/physfn", fs->sys, vf);
    snprintf(target, sizeof target, "../%s", pf);
    relink(link, target);
}

void fake_sysfs_group_node(struct fake_sysfs *fs, int group, bool noiommu)
{
    char dir[PATH_MAX], name[32];
    snprintf(dir, sizeof dir, "%s/vfio", fs->dev);
    snprintf(name, sizeof name, noiommu ? "noiommu-%d" : "%d", group);
    put(dir, name, "");
}

void fake_sysfs_driver(struct fake_sysfs *fs, const char *addr, char *out, unsigned cap)
{
    char link[PATH_MAX], target[PATH_MAX];
    snprintf(link, sizeof link, "%s/bus/pci/devices/%s/driver", fs->sys, addr);
    ssize_t n = readlink(link, target, sizeof target - 1);
    out[0] = 0;
    if (n > 0) {
        target[n] = 0;
        const char *b = strrchr(target, '/');
        snprintf(out, cap, "%s", b ? b + 1 : target);
    }
}

void fake_sysfs_netdev(struct fake_sysfs *fs, const char *addr, const char *ifname,
                       const char *operstate, unsigned flags)
{
    char dir[PATH_MAX], text[32];
    snprintf(dir, sizeof dir, "%s/bus/pci/devices/%s/net/%s", fs->sys, addr, ifname);
    mkdirs(dir);
    snprintf(text, sizeof text, "%s\n", operstate);
    put(dir, "operstate", text);
    snprintf(text, sizeof text, "0x%x\n", flags);
    put(dir, "flags", text);
}

void fake_sysfs_put(struct fake_sysfs *fs, const char *rel, const char *text)
{
    put(fs->sys, rel, text);
}
