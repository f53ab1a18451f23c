/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The fake VFIO kernel (fake_vfio.h). */
#include "fake_vfio.h"

#include <errno.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

static struct fake_vfio *K;

enum { FD_BASE = 1000, K_CONTAINER = 1, K_GROUP = 2, K_DEVICE = 3 };
#define REGION_SHIFT 40

static bool failing(void)
{
    K->calls++;
    if (K->fail_call && K->calls == K->fail_call) {
        errno = K->fail_errno ? K->fail_errno : EIO;
        return true;
    }
    return false;
}

static int new_fd(int kind, int ref)
{
    for (int i = 0; i < FAKE_MAX_FD; i++)
        if (!K->fd[i].kind) {
            K->fd[i].kind = kind;
            K->fd[i].ref = ref;
            K->fd[i].iommu = false;
            K->open_fds++;
            return FD_BASE + i;
        }
    errno = EMFILE;
    return -1;
}

static int kind_of(int fd, int *ref)
{
    int i = fd - FD_BASE;
    if (i < 0 || i >= FAKE_MAX_FD)
        return 0;
    *ref = K->fd[i].ref;
    return K->fd[i].kind;
}

/* ---- the DMA the device model sees ----------------------------------------------------- */

static uint8_t *translate(void *ud, uint64_t iova, size_t len)
{
    const struct fake_vfio_fn *fn = ud;
    if (K->noiommu)
        return (uint8_t *)(uintptr_t)iova; /* physical = virtual, here */
    for (int i = 0; i < K->nmap; i++)
        if (K->map[i].group == fn->group && iova >= K->map[i].iova && len <= K->map[i].size &&
            iova - K->map[i].iova <= K->map[i].size - len)
            return (uint8_t *)(uintptr_t)(K->map[i].vaddr + (iova - K->map[i].iova));
    return NULL;
}

/* ---- system calls ----------------------------------------------------------------------- */

static int f_open(const char *path, int flags)
{
    (void)flags;
    if (failing())
        return -1;
    char want[400];
    snprintf(want, sizeof want, "%s/vfio/vfio", K->dev_root);
    if (!strcmp(path, want))
        return new_fd(K_CONTAINER, -1);
    for (int i = 0; i < K->nfn; i++) {
        snprintf(want, sizeof want, K->noiommu ? "%s/vfio/noiommu-%d" : "%s/vfio/%d", K->dev_root,
                 K->fn[i].group);
        if (!strcmp(path, want)) {
            if (K->busy_group) {
                errno = EBUSY;
                return -1;
            }
            return new_fd(K_GROUP, K->fn[i].group);
        }
    }
    errno = ENOENT;
    return -1;
}

static int f_close(int fd)
{
    int ref;
    if (kind_of(fd, &ref)) {
        K->fd[fd - FD_BASE].kind = 0;
        K->open_fds--;
        return 0;
    }
    K->eventfds--; /* a real eventfd */
    return close(fd);
}

static int container_ioctl(int cfd, unsigned long req, void *arg)
{
    int slot = cfd - FD_BASE, group = K->fd[slot].ref;
    switch (req) {
    case VFIO_GET_API_VERSION:
        return VFIO_API_VERSION;
    case VFIO_CHECK_EXTENSION: {
        uintptr_t ext = (uintptr_t)arg;
        if (ext == VFIO_NOIOMMU_IOMMU)
            return K->noiommu;
        return ext == VFIO_TYPE1v2_IOMMU || ext == VFIO_TYPE1_IOMMU; /* yes even in noiommu */
    }
    case VFIO_SET_IOMMU:
        if (group < 0) {
            errno = EINVAL;
            return -1;
        }
        if (K->set_iommu_errno) {
            errno = K->set_iommu_errno;
            return -1;
        }
        K->fd[slot].iommu = true;
        K->iommu_set = true;
        K->iommu_type = (int)(uintptr_t)arg;
        return 0;
    case VFIO_IOMMU_GET_INFO: {
        struct vfio_iommu_type1_info *i = arg;
        i->flags = VFIO_IOMMU_INFO_PGSIZES;
        i->iova_pgsizes = 0x40201000ull;
        return 0;
    }
    case VFIO_IOMMU_MAP_DMA: {
        struct vfio_iommu_type1_dma_map *m = arg;
        if (!K->fd[slot].iommu || K->noiommu || m->iova % 4096 || m->size % 4096 ||
            K->nmap == FAKE_MAX_MAP) {
            errno = EINVAL;
            return -1;
        }
        for (int i = 0; i < K->nmap; i++)
            if (K->map[i].group == group && m->iova < K->map[i].iova + K->map[i].size &&
                K->map[i].iova < m->iova + m->size) {
                errno = EEXIST;
                return -1;
            }
        K->map[K->nmap].vaddr = m->vaddr;
        K->map[K->nmap].iova = m->iova;
        K->map[K->nmap].size = m->size;
        K->map[K->nmap].group = group;
        K->nmap++;
        return 0;
    }
    case VFIO_IOMMU_UNMAP_DMA: {
        struct vfio_iommu_type1_dma_unmap *u = arg;
        /* freed while the device still holds an address in it? */
        for (int i = 0; i < K->nfn; i++) {
            const struct ena_model *m = K->fn[i].model;
            if (K->fn[i].group != group || !m)
                continue;
            const uint64_t held[4] = {m->aq_base, m->acq_base, m->aenq_base, m->mmio_resp_iova};
            for (int h = 0; h < 4; h++)
                if (held[h] && held[h] >= u->iova && held[h] < u->iova + u->size)
                    K->unmaps_with_device_open++;
        }
        for (int i = 0; i < K->nmap; i++)
            if (K->map[i].group == group && K->map[i].iova == u->iova &&
                K->map[i].size == u->size) {
                K->map[i] = K->map[--K->nmap];
                return 0;
            }
        errno = EINVAL;
        return -1;
    }
    default:
        errno = ENOTTY;
        return -1;
    }
}

static int group_ioctl(int group, unsigned long req, void *arg)
{
    switch (req) {
    case VFIO_GROUP_GET_STATUS: {
        struct vfio_group_status *st = arg;
        st->flags = (K->not_viable ? 0 : VFIO_GROUP_FLAGS_VIABLE) |
                    (K->group_attached ? VFIO_GROUP_FLAGS_CONTAINER_SET : 0);
        return 0;
    }
    case VFIO_GROUP_SET_CONTAINER: {
        int ref, cfd = *(int *)arg;
        if (kind_of(cfd, &ref) != K_CONTAINER) {
            errno = EBADF;
            return -1;
        }
        K->fd[cfd - FD_BASE].ref = group;
        K->group_attached = true;
        return 0;
    }
    case VFIO_GROUP_UNSET_CONTAINER: {
        int ref, cfd = *(int *)arg;
        if (kind_of(cfd, &ref) == K_CONTAINER) {
            K->fd[cfd - FD_BASE].ref = -1;
            K->fd[cfd - FD_BASE].iommu = false;
        }
        K->group_attached = false;
        K->iommu_set = false;
        return 0;
    }
    case VFIO_GROUP_GET_DEVICE_FD:
        for (int i = 0; i < K->nfn; i++)
            if (K->fn[i].group == group && !strcmp(K->fn[i].address, arg))
                return new_fd(K_DEVICE, i);
        errno = ENODEV;
        return -1;
    default:
        errno = ENOTTY;
        return -1;
    }
}

static int device_ioctl(struct fake_vfio_fn *fn, unsigned long req, void *arg)
{
    switch (req) {
    case VFIO_DEVICE_GET_INFO: {
        struct vfio_device_info *i = arg;
        i->flags = VFIO_DEVICE_FLAGS_PCI | (fn->has_reset ? VFIO_DEVICE_FLAGS_RESET : 0);
        i->num_regions = VFIO_PCI_NUM_REGIONS;
        i->num_irqs = VFIO_PCI_NUM_IRQS;
        return 0;
    }
    case VFIO_DEVICE_GET_REGION_INFO: {
        struct vfio_region_info *r = arg;
        r->offset = (uint64_t)r->index << REGION_SHIFT;
        r->size = r->index == VFIO_PCI_BAR0_REGION_INDEX     ? 0x4000
                  : r->index == VFIO_PCI_CONFIG_REGION_INDEX ? 256
                                                             : 0;
        r->flags = r->size ? VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE : 0;
        return 0;
    }
    case VFIO_DEVICE_GET_IRQ_INFO: {
        struct vfio_irq_info *i = arg;
        i->count = i->index == VFIO_PCI_MSIX_IRQ_INDEX  ? fn->msix
                   : i->index == VFIO_PCI_MSI_IRQ_INDEX ? fn->msi
                   : i->index == VFIO_PCI_INTX_IRQ_INDEX ? 1 : 0;
        i->flags = VFIO_IRQ_INFO_EVENTFD |
                   (i->index == VFIO_PCI_INTX_IRQ_INDEX ? VFIO_IRQ_INFO_MASKABLE |
                                                          VFIO_IRQ_INFO_AUTOMASKED : 0);
        return 0;
    }
    case VFIO_DEVICE_SET_IRQS: {
        struct vfio_irq_set *s = arg;
        K->set_irqs++;
        if (s->flags & VFIO_IRQ_SET_ACTION_UNMASK) {
            K->unmasks++;
            return 0;
        }
        if ((s->index == VFIO_PCI_MSIX_IRQ_INDEX && s->count > fn->msix) ||
            (s->index == VFIO_PCI_MSI_IRQ_INDEX && s->count > fn->msi) ||
            (s->count && K->set_irqs_errno)) {
            errno = s->count && K->set_irqs_errno ? K->set_irqs_errno : EINVAL;
            return -1;
        }
        K->irq_index = (int)s->index;
        K->irq_count = (int)s->count;
        for (uint32_t i = 0; i < s->count && i < 8; i++)
            memcpy(&K->irq_fd[i], s->data + i * sizeof(int32_t), sizeof(int32_t));
        return 0;
    }
    case VFIO_DEVICE_RESET:
        if (!fn->has_reset) {
            errno = EINVAL;
            return -1;
        }
        fn->resets++;
        if (fn->model)
            ena_model_flr(fn->model);
        return 0;
    default:
        errno = ENOTTY;
        return -1;
    }
}

static int f_ioctl(int fd, unsigned long req, void *arg)
{
    if (failing())
        return -1;
    int ref;
    switch (kind_of(fd, &ref)) {
    case K_CONTAINER:
        return container_ioctl(fd, req, arg);
    case K_GROUP:
        return group_ioctl(ref, req, arg);
    case K_DEVICE:
        return device_ioctl(&K->fn[ref], req, arg);
    default:
        errno = EBADF;
        return -1;
    }
}

static void *f_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (failing())
        return MAP_FAILED;
    if (!(flags & MAP_ANONYMOUS)) {
        errno = EINVAL; /* its BARs are not mappable */
        return MAP_FAILED;
    }
    void *p = mmap(addr, len, prot, flags, fd, off);
    if (p != MAP_FAILED)
        K->anon_maps++;
    return p;
}

static int f_munmap(void *addr, size_t len)
{
    K->anon_maps--;
    return munmap(addr, len);
}

static ssize_t region_rw(int fd, void *buf, size_t n, off_t off, bool write)
{
    if (failing())
        return -1;
    int ref;
    if (kind_of(fd, &ref) != K_DEVICE) {
        errno = EBADF;
        return -1;
    }
    struct fake_vfio_fn *fn = &K->fn[ref];
    unsigned idx = (unsigned)((uint64_t)off >> REGION_SHIFT);
    uint64_t at = (uint64_t)off & ((1ull << REGION_SHIFT) - 1);
    if (idx == VFIO_PCI_CONFIG_REGION_INDEX && n <= sizeof fn->config &&
        at <= sizeof fn->config - n) {
        if (write)
            memcpy(fn->config + at, buf, n);
        else
            memcpy(buf, fn->config + at, n);
        return (ssize_t)n;
    }
    if (idx == VFIO_PCI_BAR0_REGION_INDEX && n == 4 && at <= 0x4000 - 4) {
        uint32_t v = 0;
        if (write) {
            memcpy(&v, buf, 4);
            if (fn->model)
                fn->model->pf.write32(fn->model, (uint32_t)at, v);
        } else {
            if (fn->model)
                v = fn->model->pf.read32(fn->model, (uint32_t)at);
            memcpy(buf, &v, 4);
        }
        return 4;
    }
    errno = EINVAL;
    return -1;
}

static ssize_t f_pread(int fd, void *buf, size_t n, off_t off)
{
    return region_rw(fd, buf, n, off, false);
}

static ssize_t f_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    return region_rw(fd, (void *)(uintptr_t)buf, n, off, true);
}

static int f_eventfd(unsigned int init, int flags)
{
    if (failing())
        return -1;
    int fd = eventfd(init, flags);
    if (fd >= 0)
        K->eventfds++;
    return fd;
}

static ssize_t f_read(int fd, void *buf, size_t n)
{
    if (failing())
        return -1;
    K->reads++;
    return read(fd, buf, n); /* eventfds are real */
}

static uint64_t f_virt_to_phys(const void *va)
{
    return (uintptr_t)va;
}

void fake_vfio_init(struct fake_vfio *k, const char *dev_root)
{
    memset(k, 0, sizeof *k);
    snprintf(k->dev_root, sizeof k->dev_root, "%s", dev_root);
    k->sys = (struct eni_vfio_sys){.open = f_open, .close = f_close, .ioctl = f_ioctl,
                                   .mmap = f_mmap, .munmap = f_munmap, .pread = f_pread,
                                   .pwrite = f_pwrite, .eventfd = f_eventfd, .read = f_read,
                                   .virt_to_phys = f_virt_to_phys};
    K = k;
}

void fake_vfio_fini(struct fake_vfio *k)
{
    if (K == k)
        K = NULL;
}

struct fake_vfio_fn *fake_vfio_add(struct fake_vfio *k, const char *address, int group,
                                   struct ena_model *model)
{
    struct fake_vfio_fn *fn = &k->fn[k->nfn++];
    memset(fn, 0, sizeof *fn);
    snprintf(fn->address, sizeof fn->address, "%s", address);
    fn->group = group;
    fn->model = model;
    fn->has_reset = true;
    fn->msix = 3;
    fn->config[0] = 0x0f, fn->config[1] = 0x1d; /* vendor 0x1d0f */
    fn->config[4] = 0x03;                        /* command: io + memory */
    if (model) {
        model->xlate = translate;
        model->xlate_ud = fn;
        model->real_time = true;
        model->reset_delay_ns = 1000;
    }
    return fn;
}
