/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* vfio-probe: list the host's Amazon ENA/EFA PCI functions and whether each
 * can be driven from user space through VFIO, and say what to do if not.
 *
 *   eni-vfio-probe [--sysfs DIR] [--dev DIR]
 *
 * Exit status 0 when it could look (whatever it found), 1 on error, 2 for
 * bad arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <eni.h>
#include <eni/sys/vfio.h>

static const char *type_name(uint32_t t)
{
    return t == ENI_PCI_ENA_PF ? "ENA PF" : t == ENI_PCI_ENA_VF ? "ENA VF" : "EFA";
}

static const char *advice(const eni_vfio_function *f)
{
    switch (f->readiness) {
    case ENI_VFIO_READY:
        return f->noiommu ? "ready (noiommu: no DMA isolation)" : "ready";
    case ENI_VFIO_NOT_BOUND:
        return "bind it to vfio-pci (eni_vfio_bind, or the backend's bind=1)";
    case ENI_VFIO_NO_IOMMU_GROUP:
        return "no IOMMU group: enable the IOMMU (intel_iommu=on), or noiommu mode";
    case ENI_VFIO_SHARED_GROUP:
        return "its IOMMU group has devices of other drivers: unbind them too";
    case ENI_VFIO_NO_PERMISSION:
        return "its /dev/vfio node is not accessible: run as root or fix its owner";
    default:
        return "bound, but /dev/vfio/<group> is missing";
    }
}

static void usage(FILE *to)
{
    fprintf(to, "usage: eni-vfio-probe [--sysfs DIR] [--dev DIR]\n"
                "List the host's Amazon ENA/EFA PCI functions and whether VFIO can drive each.\n"
                "  --sysfs DIR  sysfs root (default /sys)\n"
                "  --dev DIR    device root (default /dev)\n"
                "  --help       this text\n"
                "  --version    the libeni version\n");
}

int main(int argc, char **argv)
{
    const char *sysfs = NULL, *dev = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            printf("eni-vfio-probe (libeni %s)\n", eni_version_string());
            return 0;
        } else if (!strcmp(argv[i], "--sysfs") && i + 1 < argc) {
            sysfs = argv[++i];
        } else if (!strcmp(argv[i], "--dev") && i + 1 < argc) {
            dev = argv[++i];
        } else {
            fprintf(stderr, "eni-vfio-probe: unknown or incomplete argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    uint32_t n;
    if (eni_vfio_list_functions(sysfs, dev, NULL, 0, &n) != ENI_OK) {
        fprintf(stderr, "vfio-probe: %s\n", eni_error_last()->message);
        return 1;
    }
    if (n == 0) {
        printf("No Amazon ENA or EFA PCI function was found under %s/bus/pci/devices.\n",
               sysfs ? sysfs : "/sys");
        printf("This host has none (it is not an EC2 instance, or its interfaces are not "
               "ENA/EFA), so the VFIO backend has nothing to drive here.\n");
        return 0;
    }
    eni_vfio_function *f = calloc(n, sizeof *f);
    if (!f)
        return 1;
    const eni_vfio_function init = ENI_VFIO_FUNCTION_INIT;
    for (uint32_t i = 0; i < n; i++)
        f[i] = init;
    if (eni_vfio_list_functions(sysfs, dev, f, n, &n) != ENI_OK) {
        fprintf(stderr, "vfio-probe: %s\n", eni_error_last()->message);
        free(f);
        return 1;
    }
    printf("%-13s %-6s %-9s %-5s %-6s %-10s %s\n", "address", "type", "id", "group", "numa",
           "driver", "VFIO");
    for (uint32_t i = 0; i < n; i++) {
        char group[16] = "-", numa[16] = "-", id[16];
        if (f[i].iommu_group >= 0)
            snprintf(group, sizeof group, "%d", f[i].iommu_group);
        if (f[i].numa_node >= 0)
            snprintf(numa, sizeof numa, "%d", f[i].numa_node);
        snprintf(id, sizeof id, "%04x:%04x", f[i].vendor_id, f[i].device_id);
        printf("%-13s %-6s %-9s %-5s %-6s %-10s %s\n", f[i].address, type_name(f[i].type), id,
               group, numa, f[i].driver[0] ? f[i].driver : "(none)", advice(&f[i]));
        if (f[i].sriov_total_vfs)
            printf("%13s SR-IOV: %u of %u VFs enabled\n", "", f[i].sriov_num_vfs,
                   f[i].sriov_total_vfs);
        if (f[i].physfn[0])
            printf("%13s a VF of %s\n", "", f[i].physfn);
    }
    free(f);
    return 0;
}
