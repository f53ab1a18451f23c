/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The VFIO backend's private layer: sysfs discovery and binding, the VFIO
 * container/group/device plumbing, and the seams tests replace.
 *
 * Every system call of the plumbing goes through a `struct eni_vfio_sys`
 * table, so unit tests can stand a fake kernel behind it and drive each
 * error path; sysfs writes go through eni__vfio_sysfs_write for the same
 * reason. */
#ifndef ENI_VFIO_INTERNAL_H
#define ENI_VFIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "eni/sys/backend.h"
#include "eni/sys/vfio.h"

#if defined(__GNUC__) || defined(__clang__)
#  define ENI__VFIO_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#  define ENI__VFIO_PRINTF(fmt, args)
#endif

/* The VFIO backend reports through the host services of eni/sys/backend.h,
 * as an out-of-tree backend would; eni__vfio_fail formats the message,
 * records the failure and returns code. */
int eni__vfio_fail(int code, int os_errno, const char *fmt, ...) ENI__VFIO_PRINTF(3, 4);
/* Format a path into buf (cap bytes). A path that does not fit would name
 * another file, so it is refused: ENI_EINVAL with os_errno ENAMETOOLONG. */
int eni__vfio_path(char *buf, size_t cap, const char *fmt, ...) ENI__VFIO_PRINTF(3, 4);
/* *out = root, or dflt when root is NULL or ""; ENI_EINVAL (ENAMETOOLONG)
 * when it has ENI_VFIO_ROOT_MAX characters or more. `what` names it. */
int eni__vfio_root(const char *root, const char *dflt, const char *what, const char **out);

/* ---- sysfs (sysfs.c) ------------------------------------------------------------------ */

/* Writes `data` to the attribute `rel` (relative to `root`, no leading '/');
 * 0 or -errno. The real one never follows a symlink at the attribute itself
 * (ELOOP), refuses a directory that resolves outside the root (EXDEV) and,
 * unless flags has ENI_VFIO_FAKE_SYSFS, a file that is not on sysfs
 * (EMEDIUMTYPE). Tests replace it with one that also plays the kernel. */
extern int (*eni__vfio_sysfs_write)(const char *root, const char *rel, const char *data,
                                    uint32_t flags);
/* Every Amazon function under the roots (malloc'd array, address order). */
int eni__vfio_scan(const char *sysfs_root, const char *dev_root, eni_vfio_function **out,
                   uint32_t *count);
/* An ::eni_pci_function_type for a PCI id, or 0; *llq for the LLQ ids. */
int eni__vfio_function_type(uint16_t vendor, uint16_t device, uint8_t *llq);
bool eni__vfio_valid_address(const char *address);
/* eni_vfio_bind_flags / eni_vfio_release_flags without the Amazon check (the
 * QEMU test drives QEMU's `edu` device with them); the root policy and the
 * up-interface check still apply. */
int eni__vfio_bind_pci(const char *sysfs_root, const char *address, uint32_t flags);
int eni__vfio_release_pci(const char *sysfs_root, const char *address, uint32_t flags);

/* ---- system calls ----------------------------------------------------------------------- */

struct eni_vfio_sys {
    int (*open)(const char *path, int flags);
    int (*close)(int fd);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t off);
    int (*munmap)(void *addr, size_t len);
    ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
    ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
    int (*eventfd)(unsigned int initval, int flags);
    ssize_t (*read)(int fd, void *buf, size_t n); /* draining interrupt eventfds */
    /* Physical address of a locked page (noiommu mode), or 0 with errno. */
    uint64_t (*virt_to_phys)(const void *va);
};

extern const struct eni_vfio_sys eni__vfio_sys_real;
/* When set, the backend uses it instead of the real calls (tests). */
extern const struct eni_vfio_sys *eni__vfio_sys_override;

/* ---- container, group, device (vfio.c) ----------------------------------------------------- */

enum { ENI_VFIO_MAX_REGIONS = 9, ENI_VFIO_MAX_DMA = 64, ENI_VFIO_MAX_IRQS = 8 };

struct eni_vfio_region {
    uint64_t size, offset;
    uint32_t flags;
    void *map;      /* mmap'd BAR, or NULL (then pread/pwrite) */
};

struct eni_vfio_dma {
    void *va;
    uint64_t iova, size;
};

struct eni_vfio_dev {
    const struct eni_vfio_sys *sys;
    int container, group, device;  /* -1 when closed */
    int iommu_type;                /* VFIO_TYPE1v2_IOMMU, VFIO_TYPE1_IOMMU or VFIO_NOIOMMU_IOMMU */
    bool noiommu;
    char address[ENI_PCI_ADDR_MAX];
    uint32_t device_flags, num_regions, num_irqs;
    struct eni_vfio_region region[ENI_VFIO_MAX_REGIONS];
    struct eni_vfio_dma dma[ENI_VFIO_MAX_DMA];
    uint64_t iova_base, iova_limit;
    uint64_t page_sizes;           /* from VFIO_IOMMU_GET_INFO */
    int irq_fd[ENI_VFIO_MAX_IRQS];
    uint32_t irq_index, irq_count; /* VFIO_PCI_MSIX_IRQ_INDEX, _MSI_ or _INTX_ */
};

/* Open the container, the group (`/dev/vfio/<group>` or `noiommu-<group>`),
 * and the device; read its device, region and IRQ information. */
int eni__vfio_open(struct eni_vfio_dev *d, const struct eni_vfio_sys *sys, const char *dev_root,
                   int iommu_group, bool noiommu, const char *address);
/* Undo everything eni__vfio_open and later calls did, in the kernel's order. */
void eni__vfio_close(struct eni_vfio_dev *d);

/* Map a BAR when the kernel allows it (else registers go through pread/pwrite). */
int eni__vfio_map_bar(struct eni_vfio_dev *d, unsigned bar);
int eni__vfio_read32(struct eni_vfio_dev *d, unsigned bar, uint64_t off, uint32_t *out);
int eni__vfio_write32(struct eni_vfio_dev *d, unsigned bar, uint64_t off, uint32_t v);
int eni__vfio_config_read(struct eni_vfio_dev *d, uint32_t off, void *buf, size_t n);
int eni__vfio_config_write(struct eni_vfio_dev *d, uint32_t off, const void *buf, size_t n);
/* Set the PCI command register's memory-space and bus-master bits. */
int eni__vfio_enable_bus_master(struct eni_vfio_dev *d);

/* DMA memory: zeroed, page-aligned, mapped for the device at *iova. */
int eni__vfio_dma_alloc(struct eni_vfio_dev *d, size_t size, void **va, uint64_t *iova);
void eni__vfio_dma_free(struct eni_vfio_dev *d, void *va, size_t size, uint64_t iova);

/* Interrupts through eventfds: up to `want` MSI-X vectors, else MSI
 * vectors, else INTx (one). */
int eni__vfio_irq_enable(struct eni_vfio_dev *d, uint32_t want);
int eni__vfio_irq_unmask_intx(struct eni_vfio_dev *d);
void eni__vfio_irq_disable(struct eni_vfio_dev *d);
/* Read every interrupt eventfd without blocking; how many interrupts
 * arrived since the last drain (0 when interrupts are off). */
uint64_t eni__vfio_irq_drain(struct eni_vfio_dev *d);

/* VFIO_DEVICE_RESET; ENI_ENOTSUP when the function has no reset method. */
int eni__vfio_reset(struct eni_vfio_dev *d);

/* ---- sysfs readers (sysfs_read.c) ---------------------------------------------------- */
bool eni__vfio_read_text_at(int dirfd, const char *name, char *buf, size_t cap);
bool eni__vfio_parse_num(const char *text, int base, long long min, long long max, long long *out);
bool eni__vfio_read_num_at(int dirfd, const char *name, long long min, long long max,
                           long long *out);
void eni__vfio_copy_str(char *dst, size_t cap, const char *src);
void eni__vfio_link_name_at(int dirfd, const char *name, char *out, size_t cap);
int eni__vfio_open_function(const char *sys, const char *address, int *fd);
/* Describe the function open at fd (sysfs.c): 1 for an Amazon ENA/EFA
 * function (*f filled), 0 for another device, a negative eni_err on failure. */
int eni__vfio_describe(const char *sys, const char *dev, int fd, const char *addr,
                       eni_vfio_function *f);

#endif
