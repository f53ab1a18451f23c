/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The VFIO plumbing (lib/backend/vfio/vfio.c) against the fake kernel:
 * the ioctl sequence, regions, bus master, DMA mapping, interrupts, reset,
 * noiommu, and every system call failing in turn without a leak. */
#include <errno.h>
#include <linux/vfio.h>
#include <unistd.h>

#include "test_helpers.h"

#include "fakes/fake_vfio.h"

#define ADDR "0000:00:06.0"

struct fx {
    struct fake_vfio k;
    struct ena_model m;
    struct eni_vfio_dev d;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    fake_vfio_init(&f->k, "/fakedev");
    ena_model_init(&f->m, ENI_HW_ENA);
    fake_vfio_add(&f->k, ADDR, 3, &f->m);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    eni__vfio_close(&f->d);
    assert_int_equal(f->k.open_fds, 0);
    assert_int_equal(f->k.anon_maps, 0);
    assert_int_equal(f->k.eventfds, 0);
    assert_int_equal(f->k.nmap, 0);
    assert_int_equal(f->k.unmaps_with_device_open, 0); /* device closed before its DMA went */
    fake_vfio_fini(&f->k);
    ena_model_fini(&f->m);
    free(f);
    return 0;
}

static void test_open_follows_the_kernel_sequence(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR));
    assert_int_equal(f->k.open_fds, 3);              /* container, group, device */
    assert_true(f->k.group_attached && f->k.iommu_set);
    assert_int_equal(f->k.iommu_type, VFIO_TYPE1v2_IOMMU);
    assert_int_equal(f->d.page_sizes, 0x40201000ull);
    assert_int_equal(f->d.num_regions, VFIO_PCI_NUM_REGIONS);
    assert_int_equal(f->d.region[0].size, 0x4000);
    assert_int_equal(f->d.region[VFIO_PCI_CONFIG_REGION_INDEX].size, 256);
    assert_true(f->d.device_flags & VFIO_DEVICE_FLAGS_RESET);
    /* BAR0 is not mappable here: registers go through pread/pwrite */
    assert_eni_ok(eni__vfio_map_bar(&f->d, 0));
    assert_null(f->d.region[0].map);
    uint32_t v;
    assert_eni_ok(eni__vfio_read32(&f->d, 0, ENA_REG_CONTROLLER_VERSION, &v));
    assert_int_equal(v, f->m.ctrl_version);
    assert_eni_fail(eni__vfio_map_bar(&f->d, 2), ENI_ENOTFOUND, "InvalidID"); /* no BAR2 */
    assert_eni_fail(eni__vfio_read32(&f->d, 0, 0x4000, &v), ENI_EINVAL, "InvalidParameterValue");
    /* off + 4 wraps to 2 here: still past the region, not a read at 2 */
    assert_eni_fail(eni__vfio_read32(&f->d, 0, UINT64_MAX - 1, &v), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni__vfio_write32(&f->d, 0, UINT64_MAX - 1, 1), ENI_EINVAL,
                    "InvalidParameterValue");
    uint8_t cfg[8];
    assert_eni_fail(eni__vfio_config_read(&f->d, 250, cfg, 8), ENI_EINVAL, "InvalidParameterValue");
    eni__vfio_close(&f->d);
    assert_int_equal(f->k.open_fds, 0);
    assert_false(f->k.group_attached);
}

static void test_bus_master_and_config(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR));
    assert_eni_ok(eni__vfio_enable_bus_master(&f->d));
    assert_int_equal(f->k.fn[0].config[4], 0x07); /* 0x0103-style command gains bus master */
    uint16_t vendor;
    assert_eni_ok(eni__vfio_config_read(&f->d, 0, &vendor, 2));
    assert_int_equal(vendor, 0x1d0f);
}

static void test_dma_maps_below_256m_and_unmaps(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR));
    void *a, *b;
    uint64_t ia, ib;
    assert_eni_ok(eni__vfio_dma_alloc(&f->d, 100, &a, &ia));
    assert_eni_ok(eni__vfio_dma_alloc(&f->d, 3 * 4096, &b, &ib));
    assert_int_equal(f->k.nmap, 2);
    assert_true(ia >= (1u << 20) && ib >= (1u << 20) && ib + 3 * 4096 <= (1u << 28));
    assert_true(ib >= ia + 4096 || ia >= ib + 3 * 4096); /* no overlap */
    assert_int_equal(((uint8_t *)a)[99], 0);
    eni__vfio_dma_free(&f->d, a, 100, ia);
    assert_int_equal(f->k.nmap, 1);
    void *c;
    uint64_t ic;
    assert_eni_ok(eni__vfio_dma_alloc(&f->d, 4096, &c, &ic));
    assert_int_equal(ic, ia); /* the freed range is reused */
    /* close unmaps what is left */
}

static void test_interrupts_msix_then_intx(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR));
    assert_eni_ok(eni__vfio_irq_enable(&f->d, 2));
    assert_int_equal(f->k.irq_index, VFIO_PCI_MSIX_IRQ_INDEX);
    assert_int_equal(f->k.irq_count, 2);
    assert_int_equal(f->k.eventfds, 2);
    assert_eni_fail(eni__vfio_irq_enable(&f->d, 1), ENI_ESTATE, "IncorrectState");
    assert_eni_fail(eni__vfio_irq_unmask_intx(&f->d), ENI_ESTATE, "IncorrectState");
    eni__vfio_irq_disable(&f->d);
    assert_int_equal(f->k.irq_count, 0);
    assert_int_equal(f->k.eventfds, 0);
    f->k.fn[0].msix = 0; /* a function with MSI only (QEMU's edu) */
    f->k.fn[0].msi = 1;
    assert_eni_ok(eni__vfio_irq_enable(&f->d, 4));
    assert_int_equal(f->k.irq_index, VFIO_PCI_MSI_IRQ_INDEX);
    assert_int_equal(f->k.irq_count, 1);
    eni__vfio_irq_disable(&f->d);
    f->k.fn[0].msi = 0; /* neither: INTx */
    assert_eni_ok(eni__vfio_irq_enable(&f->d, 4));
    assert_int_equal(f->k.irq_index, VFIO_PCI_INTX_IRQ_INDEX);
    assert_int_equal(f->k.irq_count, 1);
    assert_eni_ok(eni__vfio_irq_unmask_intx(&f->d));
    assert_int_equal(f->k.unmasks, 1);
    assert_eni_fail(eni__vfio_irq_enable(&f->d, 0), ENI_ESTATE, "IncorrectState");
}

static void test_interrupts_drain_without_blocking(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR));
    assert_int_equal(eni__vfio_irq_drain(&f->d), 0); /* off: nothing to read */
    assert_int_equal(f->k.reads, 0);
    assert_eni_ok(eni__vfio_irq_enable(&f->d, 2));
    assert_int_equal(eni__vfio_irq_drain(&f->d), 0); /* armed, quiet: returns at once */
    uint64_t one = 1;
    assert_int_equal(write(f->k.irq_fd[0], &one, sizeof one), sizeof one);
    assert_int_equal(write(f->k.irq_fd[1], &one, sizeof one), sizeof one);
    assert_int_equal(write(f->k.irq_fd[1], &one, sizeof one), sizeof one);
    assert_int_equal(eni__vfio_irq_drain(&f->d), 3);
    assert_int_equal(eni__vfio_irq_drain(&f->d), 0); /* drained */
}

static void test_reset_with_and_without_a_method(void **state)
{
    struct fx *f = *state;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR));
    assert_eni_ok(eni__vfio_reset(&f->d));
    assert_int_equal(f->k.fn[0].resets, 1);
    f->k.fn[0].has_reset = false; /* edu on a root bus: EINVAL */
    assert_eni_fail(eni__vfio_reset(&f->d), ENI_ENOTSUP, "UnsupportedOperation");
    assert_non_null(strstr(eni_error_last()->message, "no reset method"));
}

static void test_open_refusals(void **state)
{
    struct fx *f = *state;
    f->k.not_viable = true;
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR), ENI_ESTATE,
                    "IncorrectState");
    assert_non_null(strstr(eni_error_last()->message, "not viable"));
    assert_int_equal(f->k.open_fds, 0);
    f->k.not_viable = false;
    f->k.set_iommu_errno = EPERM; /* type1 without interrupt remapping */
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR), ENI_EPERM,
                    "OperationNotPermitted");
    assert_non_null(strstr(eni_error_last()->message, "allow_unsafe_interrupts"));
    assert_int_equal(f->k.open_fds, 0);
    f->k.set_iommu_errno = 0;
    f->k.busy_group = true;
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR), ENI_EBUSY,
                    "IncorrectState");
    f->k.busy_group = false;
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 4, false, ADDR), ENI_ENOTFOUND,
                    "InvalidID"); /* no such group */
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, "0000:00:07.0"),
                    ENI_ENOTFOUND, "InvalidID"); /* not in the group */
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, "junk"), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, "/nodev", 3, false, ADDR), ENI_ENOTFOUND,
                    "InvalidID");
    assert_non_null(strstr(eni_error_last()->message, "is vfio loaded"));
    assert_int_equal(f->k.open_fds, 0);
    /* a root that would not fit: refused, never opened cut short */
    char root[301];
    memset(root, 'd', 300);
    root[0] = '/';
    root[300] = 0;
    int calls = f->k.calls;
    assert_eni_fail(eni__vfio_open(&f->d, &f->k.sys, root, 3, false, ADDR), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(eni_error_last()->os_errno, ENAMETOOLONG);
    assert_int_equal(f->k.calls, calls); /* no system call was made */
}

static void test_noiommu_uses_physical_addresses(void **state)
{
    struct fx *f = *state;
    f->k.noiommu = true;
    assert_eni_ok(eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, true, ADDR));
    assert_int_equal(f->k.iommu_type, VFIO_NOIOMMU_IOMMU); /* not type1, though offered */
    void *p;
    uint64_t pa;
    assert_eni_ok(eni__vfio_dma_alloc(&f->d, 2048, &p, &pa));
    assert_int_equal(pa, (uintptr_t)p); /* the fake's pagemap */
    assert_int_equal(f->k.nmap, 0);     /* no MAP_DMA in noiommu mode */
    assert_eni_fail(eni__vfio_dma_alloc(&f->d, 8192, &p, &pa), ENI_ENOTSUP, "UnsupportedOperation");
}

/* Each system call of a full bring-up fails in turn: a clean error, and
 * nothing left open or mapped. */
static void test_every_syscall_failure_releases_everything(void **state)
{
    struct fx *f = *state;
    int failures = 0, tolerated = 0;
    for (int n = 1;; n++) {
        f->k.calls = 0;
        f->k.fail_call = n;
        f->k.fail_errno = EIO;
        void *p = NULL;
        uint64_t iova;
        int rc = eni__vfio_open(&f->d, &f->k.sys, "/fakedev", 3, false, ADDR);
        if (rc == ENI_OK)
            rc = eni__vfio_enable_bus_master(&f->d);
        if (rc == ENI_OK)
            rc = eni__vfio_dma_alloc(&f->d, 4096, &p, &iova);
        if (rc == ENI_OK)
            rc = eni__vfio_irq_enable(&f->d, 2);
        if (rc == ENI_OK)
            rc = eni__vfio_reset(&f->d);
        bool fired = f->k.calls >= n;
        eni__vfio_close(&f->d);
        assert_int_equal(f->k.open_fds, 0);
        assert_int_equal(f->k.anon_maps, 0);
        assert_int_equal(f->k.eventfds, 0);
        assert_int_equal(f->k.nmap, 0);
        if (!fired) {
            assert_eni_ok(rc);
            break;
        }
        if (rc == ENI_OK) {
            tolerated++; /* IOMMU info and MSI-X info are optional; a failed type1v2 check falls back to type1 */
            continue;
        }
        assert_true(eni_error_last()->message[0] != 0);
        failures++;
    }
    f->k.fail_call = 0;
    assert_true(failures >= 15);
    assert_int_equal(tolerated, 3);
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_open_follows_the_kernel_sequence),
        T(test_bus_master_and_config),
        T(test_dma_maps_below_256m_and_unmaps),
        T(test_interrupts_msix_then_intx),
        T(test_interrupts_drain_without_blocking),
        T(test_reset_with_and_without_a_method),
        T(test_open_refusals),
        T(test_noiommu_uses_physical_addresses),
        T(test_every_syscall_failure_releases_everything),
    };
    return cmocka_run_group_tests_name("vfio_plumbing", tests, NULL, NULL);
}
