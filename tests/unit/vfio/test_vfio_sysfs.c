/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* Discovery of Amazon functions against a fake sysfs tree
 * (tests/fakes/fake_sysfs.c); binding is test_vfio_bind.c's. */
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_helpers.h"

#include <eni/sys/vfio.h>

#include "fakes/fake_sysfs.h"

struct fx {
    struct fake_sysfs fs;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    fake_sysfs_init(&f->fs);
    struct fake_sysfs *fs = &f->fs;
    /* an ENA VF with LLQ, ready: vfio-pci, alone in group 3, node present */
    fake_sysfs_add(fs, "0000:00:06.0", 0x1d0f, 0xec21, 0x01, 0, "vfio-pci", 3);
    fake_sysfs_group_node(fs, 3, false);
    /* an ENA VF still with the kernel driver, group 4 */
    fake_sysfs_add(fs, "0000:00:05.0", 0x1d0f, 0xec20, 0x00, 0, "ena", 4);
    fake_sysfs_group_node(fs, 4, false);
    /* an EFA in a group shared with an NVMe disk the kernel still drives */
    fake_sysfs_add(fs, "0000:00:07.0", 0x1d0f, 0xefa1, 0x00, 1, "vfio-pci", 5);
    fake_sysfs_add(fs, "0000:00:08.0", 0x1d0f, 0x8061, 0x00, 1, "nvme", 5);
    fake_sysfs_group_node(fs, 5, false);
    /* an ENA PF with SR-IOV and no IOMMU group */
    fake_sysfs_add(fs, "0000:01:00.0", 0x1d0f, 0x0ec2, 0x00, -1, "", -1);
    fake_sysfs_sriov(fs, "0000:01:00.0", 8, 2);
    /* one of its VFs, bound, noiommu group 9 */
    fake_sysfs_add(fs, "0000:01:00.1", 0x1d0f, 0xec20, 0x00, -1, "vfio-pci", 9);
    fake_sysfs_physfn(fs, "0000:01:00.1", "0000:01:00.0");
    fake_sysfs_group_node(fs, 9, true);
    /* bound, but its group's node is missing */
    fake_sysfs_add(fs, "0000:02:00.0", 0x1d0f, 0xefa0, 0x00, 0, "vfio-pci", 11);
    /* not Amazon */
    fake_sysfs_add(fs, "0000:00:03.0", 0x8086, 0x100e, 0x00, 0, "e1000", 2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fake_sysfs_fini(&f->fs);
    free(f);
    return 0;
}

static const eni_vfio_function *by_addr(const eni_vfio_function *v, uint32_t n, const char *a)
{
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(v[i].address, a))
            return &v[i];
    fail_msg("%s not listed", a);
    return NULL;
}

static void test_list_finds_amazon_functions_in_order(void **state)
{
    struct fx *f = *state;
    uint32_t n;
    assert_eni_ok(eni_vfio_list_functions(f->fs.sys, f->fs.dev, NULL, 0, &n));
    assert_int_equal(n, 6); /* the Intel NIC and the NVMe disk are not listed */
    eni_vfio_function v[8];
    v[0].size = sizeof v[0];
    assert_eni_ok(eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 8, &n));
    for (uint32_t i = 1; i < n; i++)
        assert_true(strcmp(v[i - 1].address, v[i].address) < 0);
    const eni_vfio_function *llq = by_addr(v, n, "0000:00:06.0");
    assert_int_equal(llq->type, ENI_PCI_ENA_VF);
    assert_int_equal(llq->device_id, 0xec21);
    assert_int_equal(llq->vendor_id, 0x1d0f);
    assert_int_equal(llq->llq, 1);
    assert_int_equal(llq->revision, 1);
    assert_int_equal(llq->iommu_group, 3);
    assert_int_equal(llq->group_devices, 1);
    assert_string_equal(llq->driver, "vfio-pci");
    assert_int_equal(llq->readiness, ENI_VFIO_READY);
    assert_int_equal(llq->noiommu, 0);
    assert_int_equal(by_addr(v, n, "0000:00:05.0")->readiness, ENI_VFIO_NOT_BOUND);
    assert_string_equal(by_addr(v, n, "0000:00:05.0")->driver, "ena");
    const eni_vfio_function *efa = by_addr(v, n, "0000:00:07.0");
    assert_int_equal(efa->type, ENI_PCI_EFA_VF);
    assert_int_equal(efa->readiness, ENI_VFIO_SHARED_GROUP);
    assert_int_equal(efa->group_devices, 2);
    assert_int_equal(efa->numa_node, 1);
    const eni_vfio_function *pf = by_addr(v, n, "0000:01:00.0");
    assert_int_equal(pf->type, ENI_PCI_ENA_PF);
    assert_int_equal(pf->readiness, ENI_VFIO_NO_IOMMU_GROUP);
    assert_int_equal(pf->iommu_group, -1);
    assert_int_equal(pf->numa_node, -1);
    assert_int_equal(pf->sriov_total_vfs, 8);
    assert_int_equal(pf->sriov_num_vfs, 2);
    assert_string_equal(pf->driver, "");
    const eni_vfio_function *vf = by_addr(v, n, "0000:01:00.1");
    assert_string_equal(vf->physfn, "0000:01:00.0");
    assert_int_equal(vf->noiommu, 1);
    assert_int_equal(vf->readiness, ENI_VFIO_READY);
    assert_int_equal(by_addr(v, n, "0000:02:00.0")->readiness, ENI_VFIO_NO_DEVICE_NODE);
}

/* The readiness of the ready function as seen by this process. */
static uint32_t readiness_of_06(struct fx *f)
{
    eni_vfio_function v[8];
    v[0].size = sizeof v[0];
    uint32_t n;
    if (eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 8, &n) != ENI_OK)
        return 99;
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(v[i].address, "0000:00:06.0"))
            return v[i].readiness;
    return 98;
}

static void test_list_no_permission(void **state)
{
    struct fx *f = *state;
    char node[400];
    snprintf(node, sizeof node, "%s/vfio/3", f->fs.dev);
    assert_int_equal(chmod(node, 0), 0);
    if (geteuid() != 0) {
        assert_int_equal(readiness_of_06(f), ENI_VFIO_NO_PERMISSION);
        return;
    }
    /* root opens anything: look as an ordinary user, in a child */
    assert_int_equal(chmod(f->fs.root, 0755), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(97);
        _exit((int)readiness_of_06(f));
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), ENI_VFIO_NO_PERMISSION);
    assert_int_equal(readiness_of_06(f), ENI_VFIO_READY); /* root itself may */
}

static void test_list_refusals(void **state)
{
    struct fx *f = *state;
    eni_vfio_function v[2];
    uint32_t n = 77;
    assert_eni_fail(eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 2, NULL), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_eni_fail(eni_vfio_list_functions(f->fs.sys, f->fs.dev, NULL, 2, &n), ENI_EINVAL,
                    "InvalidParameterValue");
    v[0].size = 8; /* smaller than the first published layout */
    assert_eni_fail(eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 2, &n), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_int_equal(n, 77); /* nothing written */
    assert_eni_fail(eni_vfio_list_functions("/nonexistent-root", NULL, NULL, 0, &n), ENI_ENOTFOUND,
                    "InvalidID");
    /* a short array: the count says how many there are, the first ones come back */
    v[0].size = sizeof v[0];
    assert_eni_ok(eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 2, &n));
    assert_int_equal(n, 6);
    assert_string_equal(v[0].address, "0000:00:05.0");
    assert_string_equal(v[1].address, "0000:00:06.0");
}

static void test_list_size_bounds(void **state)
{
    struct fx *f = *state;
    uint32_t n = 77;
    eni_vfio_function v[2];
    v[0].size = ENI_STRUCT_SIZE_MAX + 1; /* garbage from an uninitialised struct */
    assert_eni_fail(eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 2, &n), ENI_EINVAL,
                    "InvalidParameterValue");
    assert_non_null(strstr(eni_error_last()->message, "ENI_STRUCT_SIZE_MAX"));
    assert_int_equal(n, 77);
    /* a newer, larger layout: elements that far apart, each tail left alone */
    enum { STRIDE = sizeof(eni_vfio_function) + 16 };
    unsigned char big[2 * STRIDE];
    memset(big, 0xab, sizeof big);
    eni_vfio_function first = ENI_VFIO_FUNCTION_INIT;
    first.size = STRIDE;
    memcpy(big, &first, sizeof first);
    assert_eni_ok(eni_vfio_list_functions(f->fs.sys, f->fs.dev, (eni_vfio_function *)(void *)big,
                                          2, &n));
    assert_int_equal(n, 6);
    eni_vfio_function second;
    memcpy(&second, big + STRIDE, sizeof second);
    assert_string_equal(second.address, "0000:00:06.0");
    for (size_t i = sizeof(eni_vfio_function); i < STRIDE; i++)
        assert_int_equal(big[i], 0xab);
    assert_int_equal(big[2 * STRIDE - 1], 0xab);
}

/* A copied tree can hold anything: names that are not addresses and
 * numbers out of range are not taken at their word. */
static void test_list_trusts_no_name_or_number(void **state)
{
    struct fx *f = *state;
    /* a directory whose name is no PCI address (it used to be cut to 15 chars) */
    fake_sysfs_add(&f->fs, "0000:00:0a.0-x", 0x1d0f, 0xec20, 0, 0, "vfio-pci", 12);
    /* a vendor id that only matches once cut to 16 bits */
    fake_sysfs_add(&f->fs, "0000:00:0b.0", 0x11d0f, 0xec20, 0, 0, "vfio-pci", 13);
    /* numbers with junk, out of range, and a group link that names no number */
    fake_sysfs_add(&f->fs, "0000:00:0c.0", 0x1d0f, 0xec20, 0, 0, "vfio-pci", -1);
    fake_sysfs_put(&f->fs, "bus/pci/devices/0000:00:0c.0/numa_node", "1junk\n");
    fake_sysfs_put(&f->fs, "bus/pci/devices/0000:00:0c.0/revision", "0x100\n");
    fake_sysfs_put(&f->fs, "bus/pci/devices/0000:00:0c.0/sriov_totalvfs", "99999999999\n");
    char link[512];
    snprintf(link, sizeof link, "%s/bus/pci/devices/0000:00:0c.0/iommu_group", f->fs.sys);
    assert_int_equal(symlink("../../../kernel/iommu_groups/7x", link), 0);
    eni_vfio_function v[10];
    v[0].size = sizeof v[0];
    uint32_t n;
    assert_eni_ok(eni_vfio_list_functions(f->fs.sys, f->fs.dev, v, 10, &n));
    assert_int_equal(n, 7); /* the six, and 0c.0 */
    const eni_vfio_function *c = by_addr(v, n, "0000:00:0c.0");
    assert_int_equal(c->numa_node, -1);
    assert_int_equal(c->revision, 0);
    assert_int_equal(c->sriov_total_vfs, 0);
    assert_int_equal(c->iommu_group, -1);
    assert_int_equal(c->readiness, ENI_VFIO_NO_IOMMU_GROUP);
    for (uint32_t i = 0; i < n; i++)
        assert_true(strcmp(v[i].address, "0000:00:0b.0") != 0);
}

/* Readiness is asked with the effective ids, the ones open() uses: a
 * set-uid helper must not be told "no permission" for its real user's sake,
 * nor the reverse. */
static void test_readiness_uses_the_effective_ids(void **state)
{
    struct fx *f = *state;
    if (geteuid() != 0)
        skip(); /* switching ids needs root */
    char node[400];
    snprintf(node, sizeof node, "%s/vfio/3", f->fs.dev);
    assert_int_equal(chmod(node, 0600), 0); /* root's alone */
    assert_int_equal(chmod(f->fs.root, 0755), 0);
    static const uid_t ids[2][2] = {{65534, 0}, {0, 65534}}; /* real, effective */
    static const int want[2] = {ENI_VFIO_READY, ENI_VFIO_NO_PERMISSION};
    for (int i = 0; i < 2; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (setresuid(ids[i][0], ids[i][1], 0) != 0)
                _exit(97);
            _exit((int)readiness_of_06(f));
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), want[i]);
    }
}

#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_list_finds_amazon_functions_in_order),
        T(test_list_no_permission),
        T(test_list_refusals),
        T(test_list_size_bounds),
        T(test_list_trusts_no_name_or_number),
        T(test_readiness_uses_the_effective_ids),
    };
    return cmocka_run_group_tests_name("vfio_sysfs", tests, NULL, NULL);
}
