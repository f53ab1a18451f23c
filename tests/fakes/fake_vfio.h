/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* A fake VFIO kernel behind the backend's syscall seam (struct eni_vfio_sys).
 *
 * It answers the container, group and device ioctls of Linux 6.1 for a few
 * PCI functions, keeps an IOMMU mapping table, and forwards BAR0 accesses
 * (pread/pwrite: its BAR0 is not mmappable) to a software ENA/EFA device
 * model, whose DMA goes through that table. Any system call can be made to
 * fail, and every descriptor and mapping is counted, so tests can prove
 * that each error path releases everything. One instance at a time. */
#ifndef ENI_TEST_FAKE_VFIO_H
#define ENI_TEST_FAKE_VFIO_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/vfio/vfio_internal.h"
#include "ena_model.h"

enum { FAKE_MAX_FN = 4, FAKE_MAX_FD = 64, FAKE_MAX_MAP = 64 };

struct fake_vfio_fn {
    char address[16];
    int group;
    struct ena_model *model;  /* behind BAR0; NULL: BAR0 reads as zero */
    uint8_t config[256];
    bool has_reset;
    uint32_t msix;            /* MSI-X vectors */
    uint32_t msi;             /* MSI vectors (both 0: INTx only) */
    int resets;
};

struct fake_vfio {
    struct eni_vfio_sys sys;   /* hand &sys to the code under test */
    char dev_root[300];
    struct fake_vfio_fn fn[FAKE_MAX_FN];
    int nfn;
    /* kind: 0 free, 1 container, 2 group, 3 device; ref: a container's group
     * (-1 before one is set), a group's number, a device's function index */
    struct { int kind, ref; bool iommu; } fd[FAKE_MAX_FD];
    struct { uint64_t vaddr, iova, size; int group; } map[FAKE_MAX_MAP]; /* per container (group) */
    int nmap;
    bool group_attached, iommu_set; /* the last container's state (single-function tests) */
    int iommu_type;
    /* faults */
    int fail_call;            /* > 0: that many-th system call fails */
    int fail_errno;
    bool not_viable, noiommu, busy_group;
    int set_iommu_errno;
    int set_irqs_errno;       /* > 0: arming interrupts (a SET_IRQS trigger with fds) fails */
    /* what happened */
    int calls, open_fds, anon_maps, eventfds;
    int irq_index, irq_count; /* the last SET_IRQS trigger */
    int irq_fd[8];            /* its eventfds (write to one to raise the interrupt) */
    int set_irqs, unmasks;    /* SET_IRQS calls in all, and those that unmasked */
    int reads;                /* read() calls (draining eventfds) */
    int unmaps_with_device_open; /* DMA unmapped while the device still held an address in it */
};

/* Make the fake current (its sys table works only while it is). */
void fake_vfio_init(struct fake_vfio *k, const char *dev_root);
void fake_vfio_fini(struct fake_vfio *k);
/* A function in `group`, with `model` behind its BAR0 (may be NULL). */
struct fake_vfio_fn *fake_vfio_add(struct fake_vfio *k, const char *address, int group,
                                   struct ena_model *model);

#endif
