/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* VFIO plumbing: container, group, device, regions, DMA, interrupts, reset
 * (the legacy container/group API of Linux 6.1). Every system call goes
 * through d->sys (vfio_internal.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_internal.h"

/* The kernel's page size: DMA buffers are whole pages (64 KiB on some
 * arm64 kernels), and pagemap is indexed by it. */
static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}
/* IOVAs start above the first MiB and stay below 256 MiB: small devices
 * (QEMU's edu has a 28-bit DMA mask) and ENA's 48 bits both reach them. */
#define IOVA_BASE (1ull << 20)
#define IOVA_LIMIT (1ull << 28)

/* ---- the real calls ----------------------------------------------------------------------- */

static int r_open(const char *path, int flags) { return open(path, flags | O_CLOEXEC); }
static int r_ioctl(int fd, unsigned long req, void *arg) { return ioctl(fd, req, arg); }

static uint64_t r_virt_to_phys(const void *va)
{
    /* /proc/self/pagemap: one u64 per page, PFN in bits 0-54, present bit
     * 63. Without CAP_SYS_ADMIN the PFN reads as 0. */
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    uint64_t entry = 0;
    size_t page = page_size();
    off_t off = (off_t)((uintptr_t)va / page * sizeof entry);
    ssize_t n = pread(fd, &entry, sizeof entry, off);
    close(fd);
    if (n != sizeof entry || !(entry >> 63) || (entry & ((1ull << 55) - 1)) == 0) {
        errno = EPERM;
        return 0;
    }
    return (entry & ((1ull << 55) - 1)) * page + (uintptr_t)va % page;
}

const struct eni_vfio_sys eni__vfio_sys_real = {
    .open = r_open, .close = close, .ioctl = r_ioctl, .mmap = mmap, .munmap = munmap,
    .pread = pread, .pwrite = pwrite, .eventfd = eventfd, .read = read,
    .virt_to_phys = r_virt_to_phys};
const struct eni_vfio_sys *eni__vfio_sys_override;

/* ---- open and close ------------------------------------------------------------------------- */

/* A failure with errno's text after `what` (fmt has two %s: what, reason). */
#define os_fail(code, fmt, what) eni__vfio_fail((code), errno, (fmt), (what), strerror(errno))

void eni__vfio_close(struct eni_vfio_dev *d)
{
    if (!d->sys)
        return;
    /* The kernel's order: interrupts off, BARs unmapped, the device closed
     * (vfio-pci resets and disables it), and only then its DMA memory
     * unmapped, so the device can never write into freed memory. */
    eni__vfio_irq_disable(d);
    for (unsigned i = 0; i < ENI_VFIO_MAX_REGIONS; i++)
        if (d->region[i].map) {
            d->sys->munmap(d->region[i].map, d->region[i].size);
            d->region[i].map = NULL;
        }
    if (d->device >= 0)
        d->sys->close(d->device);
    d->device = -1;
    for (unsigned i = 0; i < ENI_VFIO_MAX_DMA; i++)
        if (d->dma[i].va)
            eni__vfio_dma_free(d, d->dma[i].va, d->dma[i].size, d->dma[i].iova);
    if (d->group >= 0) {
        int container = d->container;
        (void)d->sys->ioctl(d->group, VFIO_GROUP_UNSET_CONTAINER, &container);
        d->sys->close(d->group);
    }
    if (d->container >= 0)
        d->sys->close(d->container);
    d->device = d->group = d->container = -1;
}

static int open_container(struct eni_vfio_dev *d, const char *dev_root)
{
    char path[PATH_MAX];
    int rc = eni__vfio_path(path, sizeof path, "%s/vfio/vfio", dev_root);
    if (rc != ENI_OK)
        return rc;
    d->container = d->sys->open(path, O_RDWR);
    if (d->container < 0)
        return os_fail(errno == EACCES || errno == EPERM ? ENI_EPERM : ENI_ENOTFOUND,
                       "vfio: cannot open the container %s: %s (is vfio loaded?)", path);
    int version = d->sys->ioctl(d->container, VFIO_GET_API_VERSION, NULL);
    if (version != VFIO_API_VERSION)
        return eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: API version %d, expected %d", version,
                         VFIO_API_VERSION);
    return ENI_OK;
}

static int open_group(struct eni_vfio_dev *d, const char *dev_root, int group)
{
    char path[PATH_MAX];
    int rc = eni__vfio_path(path, sizeof path, d->noiommu ? "%s/vfio/noiommu-%d" : "%s/vfio/%d",
                            dev_root, group);
    if (rc != ENI_OK)
        return rc;
    d->group = d->sys->open(path, O_RDWR);
    if (d->group < 0) {
        int err = errno;
        return eni__vfio_fail(err == EACCES || err == EPERM ? ENI_EPERM
                              : err == EBUSY                ? ENI_EBUSY
                                                            : ENI_ENOTFOUND,
                              err, "vfio: cannot open group %s: %s%s", path, strerror(err),
                            err == EBUSY ? " (another process holds it)" : "");
    }
    struct vfio_group_status st = {.argsz = sizeof st};
    if (d->sys->ioctl(d->group, VFIO_GROUP_GET_STATUS, &st) < 0)
        return os_fail(ENI_EBACKEND, "vfio: %s: group status: %s", path);
    if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE))
        return eni__vfio_fail(ENI_ESTATE, 0,
                         "vfio: group %d is not viable: every device in it must be bound to "
                         "vfio-pci (or to no driver)", group);
    int container = d->container;
    if (d->sys->ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &container) < 0)
        return os_fail(ENI_EBACKEND, "vfio: %s: set container: %s", path);
    return ENI_OK;
}

static int set_iommu(struct eni_vfio_dev *d)
{
    /* The mode follows the group's node, not the extension check: type1
     * still answers yes in noiommu mode when its module is loaded. */
    static const int pref[] = {VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU};
    int type = 0;
    if (d->noiommu) {
        if (d->sys->ioctl(d->container, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_NOIOMMU_IOMMU) == 1)
            type = VFIO_NOIOMMU_IOMMU;
    } else {
        for (unsigned i = 0; i < 2 && !type; i++)
            if (d->sys->ioctl(d->container, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)pref[i]) == 1)
                type = pref[i];
    }
    if (!type)
        return eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: the container offers no %s IOMMU model",
                         d->noiommu ? "noiommu" : "type1");
    if (d->sys->ioctl(d->container, VFIO_SET_IOMMU, (void *)(uintptr_t)type) < 0) {
        int err = errno;
        return eni__vfio_fail(err == EPERM ? ENI_EPERM : ENI_EBACKEND, err,
                            "vfio: set IOMMU type %d: %s%s", type, strerror(err),
                            err == EPERM ? " (no interrupt remapping: the platform needs it, "
                                           "or vfio_iommu_type1.allow_unsafe_interrupts=1)"
                                         : "");
    }
    d->iommu_type = type;
    if (!d->noiommu) {
        struct vfio_iommu_type1_info info = {.argsz = sizeof info};
        if (d->sys->ioctl(d->container, VFIO_IOMMU_GET_INFO, &info) == 0 &&
            (info.flags & VFIO_IOMMU_INFO_PGSIZES))
            d->page_sizes = info.iova_pgsizes;
    }
    return ENI_OK;
}

static int read_device_info(struct eni_vfio_dev *d)
{
    struct vfio_device_info info = {.argsz = sizeof info};
    if (d->sys->ioctl(d->device, VFIO_DEVICE_GET_INFO, &info) < 0)
        return os_fail(ENI_EBACKEND, "vfio: %s: device info: %s", d->address);
    if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
        return eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: %s is not a PCI device", d->address);
    d->device_flags = info.flags;
    d->num_regions = info.num_regions < ENI_VFIO_MAX_REGIONS ? info.num_regions : ENI_VFIO_MAX_REGIONS;
    d->num_irqs = info.num_irqs;
    for (uint32_t i = 0; i < d->num_regions; i++) {
        struct vfio_region_info r = {.argsz = sizeof r, .index = i};
        if (d->sys->ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, &r) < 0) {
            /* vfio-pci answers EINVAL for regions the device lacks (the VGA
             * region of anything that is not a VGA card): absent, not broken */
            if (errno == EINVAL)
                continue;
            return os_fail(ENI_EBACKEND, "vfio: %s: region info: %s", d->address);
        }
        d->region[i].size = r.size;
        d->region[i].offset = r.offset;
        d->region[i].flags = r.flags;
    }
    if (d->num_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
        !d->region[VFIO_PCI_CONFIG_REGION_INDEX].size)
        return eni__vfio_fail(ENI_EBACKEND, 0, "vfio: %s has no config-space region", d->address);
    return ENI_OK;
}

int eni__vfio_open(struct eni_vfio_dev *d, const struct eni_vfio_sys *sys, const char *dev_root,
                   int iommu_group, bool noiommu, const char *address)
{
    memset(d, 0, sizeof *d);
    d->sys = sys;
    d->container = d->group = d->device = -1;
    for (unsigned i = 0; i < ENI_VFIO_MAX_IRQS; i++)
        d->irq_fd[i] = -1;
    d->noiommu = noiommu;
    d->iova_base = IOVA_BASE;
    d->iova_limit = IOVA_LIMIT;
    if (!eni__vfio_valid_address(address) || iommu_group < 0)
        return eni__vfio_fail(ENI_EINVAL, 0, "vfio: bad function address or group");
    snprintf(d->address, sizeof d->address, "%s", address);
    const char *root;
    int rc = eni__vfio_root(dev_root, "/dev", "dev", &root);
    if (rc == ENI_OK)
        rc = open_container(d, root);
    if (rc == ENI_OK)
        rc = open_group(d, root, iommu_group);
    if (rc == ENI_OK)
        rc = set_iommu(d);
    if (rc == ENI_OK) {
        char name[ENI_PCI_ADDR_MAX];
        snprintf(name, sizeof name, "%s", address);
        d->device = d->sys->ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, name);
        if (d->device < 0) {
            int err = errno;
            bool perm = err == EACCES || err == EPERM;
            rc = eni__vfio_fail(perm ? ENI_EPERM : ENI_ENOTFOUND, err,
                              "vfio: %s: cannot get the device from its group: %s%s", address,
                              strerror(err),
                              perm && d->noiommu ? " (noiommu mode needs CAP_SYS_RAWIO)" : "");
        }
    }
    if (rc == ENI_OK)
        rc = read_device_info(d);
    if (rc != ENI_OK)
        eni__vfio_close(d);
    return rc;
}

/* ---- regions -------------------------------------------------------------------------------- */

int eni__vfio_map_bar(struct eni_vfio_dev *d, unsigned bar)
{
    if (bar > VFIO_PCI_BAR5_REGION_INDEX || bar >= d->num_regions || !d->region[bar].size)
        return eni__vfio_fail(ENI_ENOTFOUND, 0, "vfio: %s has no BAR%u", d->address, bar);
    struct eni_vfio_region *r = &d->region[bar];
    if (r->map || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
        return ENI_OK; /* not mappable: pread/pwrite it is */
    void *p = d->sys->mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
                           (off_t)r->offset);
    if (p == MAP_FAILED)
        return os_fail(ENI_EBACKEND, "vfio: %s: mapping a BAR failed: %s", d->address);
    r->map = p;
    return ENI_OK;
}

static int region_io(struct eni_vfio_dev *d, unsigned idx, uint64_t off, void *buf, size_t n,
                     bool write)
{
    /* off + n could wrap: compare without adding */
    if (idx >= d->num_regions || n > d->region[idx].size || off > d->region[idx].size - n)
        return eni__vfio_fail(ENI_EINVAL, 0, "vfio: %s: access past region %u", d->address, idx);
    ssize_t got = write ? d->sys->pwrite(d->device, buf, n, (off_t)(d->region[idx].offset + off))
                        : d->sys->pread(d->device, buf, n, (off_t)(d->region[idx].offset + off));
    if (got != (ssize_t)n) {
        if (got >= 0)
            errno = EIO; /* short: nothing in errno says why */
        return os_fail(ENI_EBACKEND, "vfio: %s: region access failed: %s", d->address);
    }
    return ENI_OK;
}

int eni__vfio_read32(struct eni_vfio_dev *d, unsigned bar, uint64_t off, uint32_t *out)
{
    struct eni_vfio_region *r = bar < ENI_VFIO_MAX_REGIONS ? &d->region[bar] : NULL;
    if (r && r->map && r->size >= 4 && off <= r->size - 4) {
        *out = *(volatile uint32_t *)(void *)((char *)r->map + off);
        return ENI_OK;
    }
    return region_io(d, bar, off, out, 4, false);
}

int eni__vfio_write32(struct eni_vfio_dev *d, unsigned bar, uint64_t off, uint32_t v)
{
    struct eni_vfio_region *r = bar < ENI_VFIO_MAX_REGIONS ? &d->region[bar] : NULL;
    if (r && r->map && r->size >= 4 && off <= r->size - 4) {
        *(volatile uint32_t *)(void *)((char *)r->map + off) = v;
        return ENI_OK;
    }
    return region_io(d, bar, off, &v, 4, true);
}

int eni__vfio_config_read(struct eni_vfio_dev *d, uint32_t off, void *buf, size_t n)
{
    return region_io(d, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, n, false);
}

int eni__vfio_config_write(struct eni_vfio_dev *d, uint32_t off, const void *buf, size_t n)
{
    return region_io(d, VFIO_PCI_CONFIG_REGION_INDEX, off, (void *)(uintptr_t)buf, n, true);
}

int eni__vfio_enable_bus_master(struct eni_vfio_dev *d)
{
    /* vfio-pci leaves bus mastering off: without it the device's DMA does
     * nothing at all. */
    uint16_t cmd;
    int rc = eni__vfio_config_read(d, 0x04, &cmd, 2);
    if (rc != ENI_OK)
        return rc;
    cmd |= 0x0006; /* memory space, bus master */
    return eni__vfio_config_write(d, 0x04, &cmd, 2);
}

/* ---- DMA ----------------------------------------------------------------------------------------- */

/* The lowest free IOVA range of `size` bytes, or 0. */
static uint64_t iova_find(const struct eni_vfio_dev *d, uint64_t size)
{
    uint64_t at = d->iova_base;
    for (;;) {
        bool moved = false;
        for (unsigned i = 0; i < ENI_VFIO_MAX_DMA; i++) {
            const struct eni_vfio_dma *m = &d->dma[i];
            if (m->va && at < m->iova + m->size && m->iova < at + size) {
                at = m->iova + m->size;
                moved = true;
            }
        }
        if (!moved)
            return at + size <= d->iova_limit ? at : 0;
    }
}

int eni__vfio_dma_alloc(struct eni_vfio_dev *d, size_t size, void **va, uint64_t *iova)
{
    size_t page = page_size();
    if (size == 0 || size > d->iova_limit - d->iova_base)
        return eni__vfio_fail(ENI_EINVAL, 0, "vfio: %s: a DMA buffer of %zu bytes", d->address, size);
    size_t len = (size + page - 1) / page * page;
    unsigned slot = ENI_VFIO_MAX_DMA;
    for (unsigned i = 0; i < ENI_VFIO_MAX_DMA && slot == ENI_VFIO_MAX_DMA; i++)
        if (!d->dma[i].va)
            slot = i;
    if (slot == ENI_VFIO_MAX_DMA)
        return eni__vfio_fail(ENI_ELIMIT, 0, "vfio: %s: too many DMA buffers", d->address);
    if (d->noiommu && len > page)
        return eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: noiommu DMA buffers are one page at most "
                         "(no IOMMU to join scattered pages)");
    void *p = d->sys->mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return os_fail(ENI_ENOMEM, "vfio: %s: no memory for a DMA buffer: %s", d->address);
    memset(p, 0, len);
    uint64_t addr;
    if (d->noiommu) {
        /* The device holds a physical address: the page must stay where it
         * is (locked, never merged into a huge page, not copied on fork). */
        (void)madvise(p, len, MADV_DONTFORK);
        (void)madvise(p, len, MADV_NOHUGEPAGE);
        if (mlock(p, len) != 0) {
            int err = errno;
            d->sys->munmap(p, len);
            return eni__vfio_fail(ENI_ENOMEM, err, "vfio: %s: cannot lock a DMA page: %s "
                                "(RLIMIT_MEMLOCK?)", d->address, strerror(err));
        }
        addr = d->sys->virt_to_phys(p);
        if (!addr) {
            d->sys->munmap(p, len);
            return eni__vfio_fail(ENI_EPERM, 0, "vfio: noiommu mode needs the physical address of "
                             "DMA memory, and /proc/self/pagemap hides it (needs CAP_SYS_ADMIN)");
        }
    } else {
        addr = iova_find(d, len);
        struct vfio_iommu_type1_dma_map map = {.argsz = sizeof map,
                                               .flags = VFIO_DMA_MAP_FLAG_READ |
                                                        VFIO_DMA_MAP_FLAG_WRITE,
                                               .vaddr = (uintptr_t)p, .iova = addr, .size = len};
        if (!addr || d->sys->ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) < 0) {
            int err = addr ? errno : ENOSPC;
            d->sys->munmap(p, len);
            return eni__vfio_fail(err == ENOMEM ? ENI_ENOMEM : ENI_EBACKEND, err,
                                "vfio: %s: mapping %zu bytes for DMA failed: %s%s", d->address,
                                len, strerror(err),
                                err == ENOMEM ? " (RLIMIT_MEMLOCK too low?)" : "");
        }
    }
    d->dma[slot] = (struct eni_vfio_dma){p, addr, len};
    *va = p;
    *iova = addr;
    return ENI_OK;
}

void eni__vfio_dma_free(struct eni_vfio_dev *d, void *va, size_t size, uint64_t iova)
{
    (void)size;
    for (unsigned i = 0; i < ENI_VFIO_MAX_DMA; i++) {
        struct eni_vfio_dma *m = &d->dma[i];
        if (m->va != va || m->iova != iova)
            continue;
        if (!d->noiommu) {
            struct vfio_iommu_type1_dma_unmap un = {.argsz = sizeof un, .iova = m->iova,
                                                    .size = m->size};
            (void)d->sys->ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &un);
        }
        d->sys->munmap(m->va, m->size);
        *m = (struct eni_vfio_dma){0};
        return;
    }
}

/* ---- interrupts ------------------------------------------------------------------------------- */

static int set_irqs(struct eni_vfio_dev *d, uint32_t index, uint32_t flags, uint32_t count,
                    const int32_t *fds)
{
    /* At most ENI_VFIO_MAX_IRQS vectors: the request fits on the stack. */
    union {
        struct vfio_irq_set set;
        unsigned char bytes[sizeof(struct vfio_irq_set) + ENI_VFIO_MAX_IRQS * sizeof(int32_t)];
    } buf;
    if (count > ENI_VFIO_MAX_IRQS)
        return eni__vfio_fail(ENI_EINVAL, 0, "vfio: %u interrupt vectors (at most %d)", count,
                              ENI_VFIO_MAX_IRQS);
    size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
    memset(&buf, 0, sizeof buf);
    struct vfio_irq_set *s = &buf.set;
    s->argsz = (uint32_t)sz;
    s->flags = flags;
    s->index = index;
    s->count = count;
    if (count && fds)
        memcpy(s->data, fds, count * sizeof(int32_t));
    int r = d->sys->ioctl(d->device, VFIO_DEVICE_SET_IRQS, s);
    if (r < 0) {
        return os_fail(ENI_EBACKEND, "vfio: %s: setting interrupts failed: %s", d->address);
    }
    return ENI_OK;
}

int eni__vfio_irq_enable(struct eni_vfio_dev *d, uint32_t want)
{
    if (d->irq_count)
        return eni__vfio_fail(ENI_ESTATE, 0, "vfio: %s: interrupts are already on", d->address);
    if (want == 0 || want > ENI_VFIO_MAX_IRQS)
        return eni__vfio_fail(ENI_EINVAL, 0, "vfio: 1..%d interrupt vectors", ENI_VFIO_MAX_IRQS);
    /* The best the function offers: MSI-X, then MSI, then INTx. */
    uint32_t index = VFIO_PCI_INTX_IRQ_INDEX, count = 0;
    static const uint32_t order[] = {VFIO_PCI_MSIX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
                                     VFIO_PCI_INTX_IRQ_INDEX};
    for (unsigned i = 0; i < 3 && !count; i++) {
        struct vfio_irq_info info = {.argsz = sizeof info, .index = order[i]};
        if (d->num_irqs > order[i] && d->sys->ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &info) == 0 &&
            info.count > 0 && (info.flags & VFIO_IRQ_INFO_EVENTFD)) {
            index = order[i];
            /* INTx is one line, masked by the kernel after each interrupt */
            count = index == VFIO_PCI_INTX_IRQ_INDEX ? 1 : info.count < want ? info.count : want;
        }
    }
    if (!count)
        return eni__vfio_fail(ENI_ENOTSUP, 0, "vfio: %s has no interrupt it can signal through an "
                         "eventfd", d->address);
    int32_t fds[ENI_VFIO_MAX_IRQS];
    for (uint32_t i = 0; i < count; i++) {
        fds[i] = d->sys->eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fds[i] < 0) {
            int rc = os_fail(ENI_EBACKEND, "vfio: %s: eventfd: %s", d->address);
            while (i--)
                d->sys->close(fds[i]);
            return rc;
        }
    }
    int rc = set_irqs(d, index, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, count, fds);
    if (rc != ENI_OK) {
        for (uint32_t i = 0; i < count; i++)
            d->sys->close(fds[i]);
        return rc;
    }
    for (uint32_t i = 0; i < count; i++)
        d->irq_fd[i] = fds[i];
    d->irq_index = index;
    d->irq_count = count;
    return ENI_OK;
}

int eni__vfio_irq_unmask_intx(struct eni_vfio_dev *d)
{
    if (d->irq_index != VFIO_PCI_INTX_IRQ_INDEX || !d->irq_count)
        return eni__vfio_fail(ENI_ESTATE, 0, "vfio: %s: INTx is not in use", d->address);
    return set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
                    1, NULL);
}

uint64_t eni__vfio_irq_drain(struct eni_vfio_dev *d)
{
    /* The eventfds are non-blocking: an empty one answers EAGAIN at once. */
    uint64_t total = 0;
    for (uint32_t i = 0; i < d->irq_count; i++) {
        uint64_t n;
        if (d->sys->read(d->irq_fd[i], &n, sizeof n) == (ssize_t)sizeof n)
            total += n;
    }
    return total;
}

void eni__vfio_irq_disable(struct eni_vfio_dev *d)
{
    if (!d->irq_count)
        return;
    (void)set_irqs(d, d->irq_index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
    for (uint32_t i = 0; i < d->irq_count; i++) {
        d->sys->close(d->irq_fd[i]);
        d->irq_fd[i] = -1;
    }
    d->irq_count = 0;
}

/* ---- reset ---------------------------------------------------------------------------------------- */

int eni__vfio_reset(struct eni_vfio_dev *d)
{
    if (d->sys->ioctl(d->device, VFIO_DEVICE_RESET, NULL) == 0)
        return ENI_OK;
    if (errno == EINVAL || errno == ENOTTY)
        return eni__vfio_fail(ENI_ENOTSUP, errno,
                            "vfio: %s has no reset method (FLR, PM or bus)", d->address);
    return os_fail(ENI_EBACKEND, "vfio: %s: reset failed: %s", d->address);
}
