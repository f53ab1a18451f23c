/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* libeni's VFIO layer against a real kernel: runs inside a QEMU guest
 * (tests/vfio-qemu/run.sh) with emulated VT-d and QEMU's `edu` device
 * (1234:11e8), built statically from lib/backend/vfio and lib/core/error.c.
 *
 * It binds edu to vfio-pci with libeni's sysfs code, opens container, group
 * and device, reads the regions and config space, maps BAR0, checks edu's
 * identification and liveness registers, moves data RAM -> edu -> RAM by
 * DMA through IOVAs libeni mapped, takes an MSI through an eventfd, tries a
 * reset, and closes everything. Prints STEP lines and one RESULT line. */
#include <errno.h>
#include <linux/vfio.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/vfio/vfio_internal.h"
#include "eni/errors.h"

/* edu's registers (QEMU docs/specs/edu.rst) */
enum {
    EDU_IDENT = 0x00,
    EDU_LIVENESS = 0x04,
    EDU_IRQ_STATUS = 0x24,
    EDU_IRQ_RAISE = 0x60,
    EDU_IRQ_ACK = 0x64,
    EDU_DMA_SRC = 0x80,
    EDU_DMA_DST = 0x88,
    EDU_DMA_COUNT = 0x90,
    EDU_DMA_CMD = 0x98,
    EDU_BUFFER = 0x40000
};
#define EDU_DMA_START 0x1u
#define EDU_DMA_TO_RAM 0x2u
#define DMA_LEN 2048u /* QEMU 7.2's edu aborts on a full 4 KiB transfer */

static int failures;

static void step(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("STEP %-18s %s ", name, ok ? "OK  " : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    failures += !ok;
}

static const char *last(void)
{
    return eni_error_last()->message;
}

static bool edu_wait_dma(struct eni_vfio_dev *d)
{
    for (int i = 0; i < 2000; i++) { /* edu's DMA takes ~100 ms under TCG */
        uint32_t cmd;
        if (eni__vfio_read32(d, 0, EDU_DMA_CMD, &cmd) != ENI_OK)
            return false;
        if (!(cmd & EDU_DMA_START))
            return true;
        usleep(1000);
    }
    return false;
}

static void dma_write64(struct eni_vfio_dev *d, uint32_t reg, uint64_t v)
{
    (void)eni__vfio_write32(d, 0, reg, (uint32_t)v);
    (void)eni__vfio_write32(d, 0, reg + 4, (uint32_t)(v >> 32));
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s <pci address> <iommu group> [want-reset]\n", argv[0]);
        return 2;
    }
    const char *addr = argv[1];
    int group = atoi(argv[2]);
    /* behind a root port the function has a bus reset, and it must work */
    bool want_reset = argc == 4 && !strcmp(argv[3], "want-reset");
    printf("vfio_qemu_test: edu at %s, IOMMU group %d\n", addr, group);

    /* libeni sees no Amazon function here, and refuses to bind edu as one */
    uint32_t n = 99;
    int rc = eni_vfio_list_functions(NULL, NULL, NULL, 0, &n);
    step(rc == ENI_OK && n == 0, "list_functions", "%u Amazon functions (none in this guest)", n);
    rc = eni_vfio_bind(NULL, addr);
    step(rc == ENI_ENOTSUP, "bind_refuses_edu", "%s", last());

    /* through the guarded writer: on sysfs (SYSFS_MAGIC), inside /sys, no symlink */
    rc = eni__vfio_bind_pci(NULL, addr, 0);
    step(rc == ENI_OK, "bind_vfio_pci", "%s", rc == ENI_OK ? "driver_override -> vfio-pci" : last());
    if (rc != ENI_OK)
        goto out;

    struct eni_vfio_dev d;
    rc = eni__vfio_open(&d, &eni__vfio_sys_real, "/dev", group, false, addr);
    step(rc == ENI_OK, "open", "%s", rc == ENI_OK ? "container, group, device" : last());
    if (rc != ENI_OK)
        goto release;
    step(d.iommu_type == VFIO_TYPE1v2_IOMMU || d.iommu_type == VFIO_TYPE1_IOMMU, "iommu_type",
         "type %d, page sizes 0x%llx", d.iommu_type, (unsigned long long)d.page_sizes);
    step(d.num_regions >= 8 && d.region[0].size >= 0x100000, "regions",
         "%u regions, BAR0 %llu bytes, flags 0x%x", d.num_regions,
         (unsigned long long)d.region[0].size, d.region[0].flags);
    uint16_t ids[2] = {0, 0};
    rc = eni__vfio_config_read(&d, 0, ids, 4);
    step(rc == ENI_OK && ids[0] == 0x1234 && ids[1] == 0x11e8, "config_ids", "%04x:%04x", ids[0],
         ids[1]);
    rc = eni__vfio_enable_bus_master(&d);
    uint16_t cmd = 0;
    (void)eni__vfio_config_read(&d, 4, &cmd, 2);
    step(rc == ENI_OK && (cmd & 0x4), "bus_master", "command 0x%04x", cmd);

    rc = eni__vfio_map_bar(&d, 0);
    step(rc == ENI_OK && d.region[0].map, "map_bar0", "%s", rc == ENI_OK ? "mmap'd" : last());
    uint32_t id = 0, x = 0x12345678, y = 0;
    (void)eni__vfio_read32(&d, 0, EDU_IDENT, &id);
    step(id == 0x010000ed, "edu_ident", "0x%08x", id);
    (void)eni__vfio_write32(&d, 0, EDU_LIVENESS, x);
    (void)eni__vfio_read32(&d, 0, EDU_LIVENESS, &y);
    step(y == ~x, "edu_liveness", "wrote 0x%08x read 0x%08x", x, y);

    /* DMA both ways through IOVAs libeni chose and mapped */
    void *buf = NULL;
    uint64_t iova = 0;
    rc = eni__vfio_dma_alloc(&d, 4096, &buf, &iova);
    step(rc == ENI_OK, "dma_map", "%s iova 0x%llx", rc == ENI_OK ? "4096 bytes at" : last(),
         (unsigned long long)iova);
    if (rc == ENI_OK) {
        uint8_t *p = buf;
        for (unsigned i = 0; i < DMA_LEN; i++)
            p[i] = (uint8_t)(i * 7 + 3);
        dma_write64(&d, EDU_DMA_SRC, iova);
        dma_write64(&d, EDU_DMA_DST, EDU_BUFFER);
        dma_write64(&d, EDU_DMA_COUNT, DMA_LEN);
        dma_write64(&d, EDU_DMA_CMD, EDU_DMA_START);
        bool to_dev = edu_wait_dma(&d);
        dma_write64(&d, EDU_DMA_SRC, EDU_BUFFER);
        dma_write64(&d, EDU_DMA_DST, iova + DMA_LEN);
        dma_write64(&d, EDU_DMA_COUNT, DMA_LEN);
        dma_write64(&d, EDU_DMA_CMD, EDU_DMA_START | EDU_DMA_TO_RAM);
        bool to_ram = edu_wait_dma(&d);
        bool same = to_dev && to_ram && memcmp(p, p + DMA_LEN, DMA_LEN) == 0;
        step(same, "dma_roundtrip", "%u bytes RAM -> edu -> RAM (%s)", DMA_LEN,
             same ? "data verified" : to_dev && to_ram ? "data differs" : "did not complete");
        eni__vfio_dma_free(&d, buf, 4096, iova);
        step(d.dma[0].va == NULL, "dma_unmap", "unmapped");
    }

    /* an interrupt through an eventfd (edu has MSI, no MSI-X) */
    rc = eni__vfio_irq_enable(&d, 1);
    step(rc == ENI_OK, "irq_enable", "%s", rc == ENI_OK ? (d.irq_index == VFIO_PCI_MSI_IRQ_INDEX ? "MSI"
                                                           : d.irq_index == VFIO_PCI_MSIX_IRQ_INDEX ? "MSI-X" : "INTx")
                                                        : last());
    if (rc == ENI_OK) {
        (void)eni__vfio_write32(&d, 0, EDU_IRQ_RAISE, 0x5a);
        struct pollfd pfd = {d.irq_fd[0], POLLIN, 0};
        int ready = poll(&pfd, 1, 5000);
        uint64_t count = ready == 1 ? eni__vfio_irq_drain(&d) : 0;
        uint32_t status = 0;
        (void)eni__vfio_read32(&d, 0, EDU_IRQ_STATUS, &status);
        (void)eni__vfio_write32(&d, 0, EDU_IRQ_ACK, status);
        step(count >= 1 && (status & 0x5a) == 0x5a, "irq_eventfd", "count %llu, edu status 0x%x",
             (unsigned long long)count, status);
        if (d.irq_index == VFIO_PCI_INTX_IRQ_INDEX)
            (void)eni__vfio_irq_unmask_intx(&d);
        eni__vfio_irq_disable(&d);
    }

    rc = eni__vfio_reset(&d);
    step(rc == ENI_OK || (rc == ENI_ENOTSUP && !want_reset), "reset", "%s",
         rc == ENI_OK ? "VFIO_DEVICE_RESET done" : last());
    if (rc == ENI_OK) { /* the device still answers after its reset */
        (void)eni__vfio_read32(&d, 0, EDU_IDENT, &id);
        step(id == 0x010000ed, "ident_after_reset", "0x%08x", id);
    }
    eni__vfio_close(&d);
    step(d.device < 0 && d.group < 0 && d.container < 0, "close", "fds closed, container unset");
release:
    rc = eni__vfio_release_pci(NULL, addr, 0);
    step(rc == ENI_OK, "release", "%s", rc == ENI_OK ? "back to no driver" : last());
out:
    printf("RESULT: %s (%d failed)\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
