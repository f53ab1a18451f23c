/* SPDX-FileCopyrightText: The libeni authors
 * SPDX-License-Identifier: Apache-2.0 */
/**
 * @file eni/sys/vfio.h
 * @brief The VFIO backend: Amazon ENA/EFA PCI functions driven from user space.
 *
 * Discovery reads sysfs (its root is a parameter, so tools and tests can
 * point it at a copy); binding hands a function to `vfio-pci` through
 * `driver_override` and gives it back the same way. The backend itself is
 * an ::eni_backend_ops table for eni_ctx_set_backend(): an attach claims a
 * function for the instance, brings the device up and reads its MAC;
 * a detach resets and releases it; link changes arrive as events.
 *
 * Like `eni/sys/backend.h`, this header is not included by `eni.h`.
 *
 * @defgroup eni_vfio VFIO backend
 * @{
 */
#ifndef ENI_SYS_VFIO_H
#define ENI_SYS_VFIO_H

#include "../common.h"
#include "backend.h"

/** @brief What kind of Amazon function a PCI device is. */
typedef enum eni_pci_function_type {
    ENI_PCI_ENA_PF = 1, /**< ENA physical function (0x0ec2, 0x1ec2 with LLQ). */
    ENI_PCI_ENA_VF = 2, /**< ENA virtual function (0xec20, 0xec21 with LLQ): what an instance sees. */
    ENI_PCI_EFA_VF = 3  /**< EFA (0xefa0..0xefa3). */
} eni_pci_function_type;

/** @brief Whether a function can be opened through VFIO now, and if not, why. */
typedef enum eni_vfio_readiness {
    ENI_VFIO_READY = 0,          /**< Bound to vfio-pci, its group viable and openable. */
    ENI_VFIO_NOT_BOUND = 1,      /**< Bound to another driver (or none): eni_vfio_bind() first. */
    ENI_VFIO_NO_IOMMU_GROUP = 2, /**< No IOMMU group: no IOMMU, and no noiommu mode. */
    ENI_VFIO_SHARED_GROUP = 3,   /**< Other devices of its group are bound to other drivers. */
    ENI_VFIO_NO_PERMISSION = 4,  /**< The group's device node cannot be opened by this process. */
    ENI_VFIO_NO_DEVICE_NODE = 5  /**< Bound, but `/dev/vfio/<group>` does not exist. */
} eni_vfio_readiness;

/** @brief The length of a PCI address string, "0000:00:05.0", with its NUL. */
#define ENI_PCI_ADDR_MAX 16

/** @brief The size of the longest sysfs or /dev root accepted, with its NUL: a
 *  root of this many characters or more is refused with ::ENI_EINVAL
 *  (eni_error::os_errno `ENAMETOOLONG`), never cut short into another path. */
#define ENI_VFIO_ROOT_MAX 256

/**
 * @brief How far eni_vfio_bind_flags() and eni_vfio_release_flags() trust a
 *        sysfs root they write under. Without flags, writes go only to the
 *        kernel's sysfs mounted at "/sys".
 *
 * Whatever the flags, a write never follows a symbolic link at the attribute
 * itself and never reaches a file whose directory resolves outside the root.
 */
typedef enum eni_vfio_sysfs_flags {
    /** Write under a `sysfs_root` other than "/sys" (sysfs mounted elsewhere,
     *  e.g. a container's "/host/sys"). Whoever controls that tree chooses
     *  the files the writes reach: pass it only for a root you control. */
    ENI_VFIO_FOREIGN_ROOT = 1u << 0,
    /** Accept attribute files that are not on sysfs: a copy of the tree for
     *  tests or dry runs. Without it, each file's filesystem must be sysfs. */
    ENI_VFIO_FAKE_SYSFS = 1u << 1
} eni_vfio_sysfs_flags;

/** @brief One Amazon PCI function found in sysfs. */
typedef struct eni_vfio_function {
    uint32_t size;                 /**< Set by the caller to sizeof (for each array element: the first's). */
    uint32_t type;                 /**< An ::eni_pci_function_type. */
    char address[ENI_PCI_ADDR_MAX];/**< Domain:bus:device.function, e.g. "0000:00:05.0". */
    uint16_t vendor_id;            /**< 0x1d0f. */
    uint16_t device_id;            /**< The PCI device id. */
    uint8_t revision;              /**< PCI revision (ENA: bit 0 = no read-less register reads). */
    uint8_t llq;                   /**< 1 for the LLQ-capable ENA ids. */
    uint16_t reserved0;            /**< Zero. */
    int32_t iommu_group;           /**< The IOMMU group number, or -1 for none. */
    int32_t numa_node;             /**< The NUMA node, or -1 when unknown. */
    char driver[32];               /**< The bound driver ("ena", "vfio-pci"...), or "". */
    uint32_t sriov_total_vfs;      /**< A PF's `sriov_totalvfs` (0 for a VF). */
    uint32_t sriov_num_vfs;        /**< A PF's `sriov_numvfs`. */
    char physfn[ENI_PCI_ADDR_MAX]; /**< A VF's PF, or "". */
    uint32_t group_devices;        /**< Devices in the IOMMU group (1 when alone). */
    uint32_t noiommu;              /**< 1 when the group is a noiommu one (no DMA isolation). */
    uint32_t readiness;            /**< An ::eni_vfio_readiness. */
    uint32_t reserved1;            /**< Zero. */
} eni_vfio_function;

/** Initializer for ::eni_vfio_function: sets `size`, zeroes the rest. Use it for every
 * eni_vfio_function handed to libeni, so a garbage `size` can never reach it. */
#define ENI_VFIO_FUNCTION_INIT { sizeof(eni_vfio_function), 0, {0}, 0, 0, 0, 0, 0, 0, 0, {0}, 0, 0, {0}, 0, 0, 0, 0 }

ENI_BEGIN_DECLS

/**
 * @brief List the Amazon ENA and EFA functions of the host, in address order.
 *
 * Only reads: any root may be given. Readiness is advice, checked with this
 * process's effective ids; the open that follows decides.
 * @param[in]  sysfs_root Where sysfs is mounted, or NULL for "/sys".
 * @param[in]  dev_root   Where device nodes are, or NULL for "/dev".
 * @param[out] out        Receives up to @p cap functions; may be NULL when @p cap is 0.
 *                        Set `out[0].size` first: every element is `out[0].size`
 *                        bytes apart, and only the library's own layout is written
 *                        into each.
 * @param[in]  cap        Capacity of @p out.
 * @param[out] count      Receives how many there are (may exceed @p cap); 0 is not an error.
 * @return ::ENI_OK; ::ENI_EINVAL for a NULL @p count, NULL @p out with @p cap > 0,
 *         a `size` below the first published layout or above ::ENI_STRUCT_SIZE_MAX,
 *         or a root of ::ENI_VFIO_ROOT_MAX characters or more; ::ENI_ENOTFOUND
 *         when @p sysfs_root has no PCI bus; ::ENI_ENOMEM.
 * @since 1.0
 * @threadsafety any thread
 */
ENI_API int eni_vfio_list_functions(const char *sysfs_root, const char *dev_root,
                                    eni_vfio_function *out, uint32_t cap, uint32_t *count);

/**
 * @brief eni_vfio_bind_flags() without flags: writes only under "/sys".
 * @param[in] sysfs_root "/sys", or NULL for it; any other root is refused
 *                       with ::ENI_EPERM (see eni_vfio_bind_flags()).
 * @param[in] address    The function, e.g. "0000:00:05.0".
 * @return What eni_vfio_bind_flags() returns.
 * @since 1.0
 * @threadsafety any thread (one caller per function)
 */
ENI_API int eni_vfio_bind(const char *sysfs_root, const char *address);

/**
 * @brief eni_vfio_release_flags() without flags: writes only under "/sys".
 * @param[in] sysfs_root "/sys", or NULL for it; any other root is refused
 *                       with ::ENI_EPERM.
 * @param[in] address    The function.
 * @return What eni_vfio_release_flags() returns.
 * @since 1.0
 * @threadsafety any thread (one caller per function)
 */
ENI_API int eni_vfio_release(const char *sysfs_root, const char *address);

/**
 * @brief Hand a function to vfio-pci: set its `driver_override`, unbind it
 *        from its driver, and ask the kernel to probe it again.
 *
 * A function with a network interface that is up (administratively, or
 * operationally) is never taken: that would cut the host off from it.
 * When a step fails, the function is left as it was (no override, its
 * driver probed again).
 * @param[in] sysfs_root Where sysfs is mounted, or NULL for "/sys".
 * @param[in] address    The function, e.g. "0000:00:05.0".
 * @param[in] flags      0, or ::eni_vfio_sysfs_flags for a root other than the
 *                       kernel's "/sys".
 * @return ::ENI_OK (also when it already was bound to vfio-pci);
 *         ::ENI_EINVAL for a malformed address, an unknown flag or a root of
 *         ::ENI_VFIO_ROOT_MAX characters or more; ::ENI_EPERM for a root other
 *         than "/sys" without ::ENI_VFIO_FOREIGN_ROOT, an attribute that is a
 *         symbolic link, resolves outside the root or (without
 *         ::ENI_VFIO_FAKE_SYSFS) is not on sysfs, or when sysfs refuses the
 *         writes (not root); ::ENI_ENOTFOUND for no such function;
 *         ::ENI_ENOTSUP when it is not an Amazon ENA/EFA function;
 *         ::ENI_EINUSE when one of its network interfaces is up (the message
 *         names it); ::ENI_EBACKEND when the kernel did not bind it to vfio-pci.
 * @since 1.0
 * @threadsafety any thread (one caller per function)
 */
ENI_API int eni_vfio_bind_flags(const char *sysfs_root, const char *address, uint32_t flags);

/**
 * @brief Give a function back: unbind it from vfio-pci, clear its
 *        `driver_override`, and let the kernel probe it again (the ENA driver
 *        takes it, if loaded).
 * @param[in] sysfs_root Where sysfs is mounted, or NULL for "/sys".
 * @param[in] address    The function.
 * @param[in] flags      As for eni_vfio_bind_flags().
 * @return ::ENI_OK; the errors of eni_vfio_bind_flags() except ::ENI_EINUSE.
 * @since 1.0
 * @threadsafety any thread (one caller per function)
 */
ENI_API int eni_vfio_release_flags(const char *sysfs_root, const char *address, uint32_t flags);

/**
 * @brief The VFIO backend's ops table, for eni_ctx_set_backend().
 *
 * Its configuration string is a comma-separated list of `key=value`:
 * - `sysfs=`, `dev=`: roots (default "/sys" and "/dev"; shorter than
 *   ::ENI_VFIO_ROOT_MAX);
 * - `functions=`: the PCI addresses it may use, separated by `;` (default:
 *   every ready ENA/EFA function);
 * - `bind=1`: bind the listed functions to vfio-pci itself, and give them
 *   back when the backend closes; needs `functions=` (never "all of them":
 *   one is usually the host's own interface) and refuses a function with a
 *   network interface that is up;
 * - `foreign_root=1`, `fake_sysfs=1`: ::ENI_VFIO_FOREIGN_ROOT and
 *   ::ENI_VFIO_FAKE_SYSFS for those writes;
 * - `unsafe_noiommu=1`: also use functions in noiommu groups, whose DMA is
 *   not isolated and whose buffers are held in place by mlock only
 *   (docs/vfio.md, "Running it safely"); without it they are not used.
 *
 * Opening it on a host without a usable function fails with ::ENI_ENOTFOUND
 * and says why.
 * @return The table (static storage).
 * @since 1.0
 * @threadsafety any thread
 */
ENI_API const eni_backend_ops *eni_vfio_backend_ops(void);

ENI_END_DECLS

/** @} */

#endif /* ENI_SYS_VFIO_H */
