/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/* The VFIO entry points of a build without VFIO (not Linux, or -Dvfio=disabled):
 * the same symbols, so the ABI is the same everywhere, each saying plainly
 * that this build cannot do it. */
#include "eni/sys/backend.h"
#include "eni/sys/vfio.h"

static const char *const NO_VFIO =
    "libeni was built without VFIO (-Dvfio=disabled or not Linux)";

int eni_vfio_list_functions(const char *sysfs_root, const char *dev_root, eni_vfio_function *out,
                            uint32_t cap, uint32_t *count)
{
    (void)sysfs_root, (void)dev_root, (void)out, (void)cap, (void)count;
    return eni_backend_fail(ENI_ENOTSUP, 0, NO_VFIO);
}

int eni_vfio_bind(const char *sysfs_root, const char *address)
{
    (void)sysfs_root, (void)address;
    return eni_backend_fail(ENI_ENOTSUP, 0, NO_VFIO);
}

int eni_vfio_release(const char *sysfs_root, const char *address)
{
    (void)sysfs_root, (void)address;
    return eni_backend_fail(ENI_ENOTSUP, 0, NO_VFIO);
}

int eni_vfio_bind_flags(const char *sysfs_root, const char *address, uint32_t flags)
{
    (void)sysfs_root, (void)address, (void)flags;
    return eni_backend_fail(ENI_ENOTSUP, 0, NO_VFIO);
}

int eni_vfio_release_flags(const char *sysfs_root, const char *address, uint32_t flags)
{
    (void)sysfs_root, (void)address, (void)flags;
    return eni_backend_fail(ENI_ENOTSUP, 0, NO_VFIO);
}

static int no_open(eni_backend_host *host, const char *config, void **instance)
{
    (void)host, (void)config, (void)instance;
    return eni_backend_fail(ENI_ENOTSUP, 0, NO_VFIO);
}

static const eni_backend_ops no_vfio = {sizeof(eni_backend_ops), ENI_BACKEND_ABI, "vfio",
                                        no_open, NULL, NULL, NULL, NULL, NULL};

const eni_backend_ops *eni_vfio_backend_ops(void)
{
    return &no_vfio;
}
