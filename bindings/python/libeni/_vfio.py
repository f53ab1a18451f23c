# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The host's Amazon ENA/EFA PCI functions, and handing them to vfio-pci."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

from ._enums import PciFunctionType, VfioReadiness
from ._errors import check
from ._ffi import cstr, lib, text
from ._objects import fetch_all

__all__ = ["PciFunction", "vfio_functions", "vfio_bind", "vfio_release"]


@dataclass(frozen=True)
class PciFunction:
    """One Amazon ENA or EFA function, as sysfs describes it."""
    address: str
    type: PciFunctionType
    vendor_id: int
    device_id: int
    revision: int
    llq: bool
    iommu_group: Optional[int]
    numa_node: Optional[int]
    driver: Optional[str]
    sriov_total_vfs: int
    sriov_num_vfs: int
    physfn: Optional[str]
    group_devices: int
    noiommu: bool
    readiness: VfioReadiness

    @property
    def ready(self) -> bool:
        return self.readiness == VfioReadiness.READY


def vfio_functions(sysfs_root: Optional[str] = None,
                   dev_root: Optional[str] = None) -> List[PciFunction]:
    """The host's Amazon ENA/EFA functions, in address order (empty when there are none)."""
    sys_c, dev_c = cstr(sysfs_root, "sysfs_root"), cstr(dev_root, "dev_root")
    out, n = fetch_all("eni_vfio_function",
                       lambda o, c, k: lib.eni_vfio_list_functions(sys_c, dev_c, o, c, k),
                       sized=True)
    result = []
    for i in range(n):
        f = out[i]
        result.append(PciFunction(
            address=text(f.address), type=PciFunctionType(f.type), vendor_id=int(f.vendor_id),
            device_id=int(f.device_id), revision=int(f.revision), llq=bool(f.llq),
            iommu_group=int(f.iommu_group) if f.iommu_group >= 0 else None,
            numa_node=int(f.numa_node) if f.numa_node >= 0 else None,
            driver=text(f.driver) or None, sriov_total_vfs=int(f.sriov_total_vfs),
            sriov_num_vfs=int(f.sriov_num_vfs), physfn=text(f.physfn) or None,
            group_devices=int(f.group_devices), noiommu=bool(f.noiommu),
            readiness=VfioReadiness(f.readiness)))
    return result


def _sysfs_flags(foreign_root: bool, fake_sysfs: bool) -> int:
    return ((lib.ENI_VFIO_FOREIGN_ROOT if foreign_root else 0)
            | (lib.ENI_VFIO_FAKE_SYSFS if fake_sysfs else 0))


def vfio_bind(address: str, sysfs_root: Optional[str] = None, *, foreign_root: bool = False,
              fake_sysfs: bool = False) -> None:
    """Hand a function to vfio-pci (``driver_override``, unbind, probe); needs root.

    A function with a network interface that is up is refused (InUseError).
    Writes go only under ``/sys`` unless ``foreign_root`` accepts another
    root (whoever controls it decides where the writes land) and, for a
    tree that is not sysfs at all (a copy, in tests), ``fake_sysfs``.
    """
    flags = _sysfs_flags(foreign_root, fake_sysfs)
    root, addr = cstr(sysfs_root, "sysfs_root"), cstr(address, "address")
    check(lib.eni_vfio_bind_flags(root, addr, flags) if flags else lib.eni_vfio_bind(root, addr))


def vfio_release(address: str, sysfs_root: Optional[str] = None, *, foreign_root: bool = False,
                 fake_sysfs: bool = False) -> None:
    """Give a function back from vfio-pci to the kernel's driver (flags as for vfio_bind)."""
    flags = _sysfs_flags(foreign_root, fake_sysfs)
    root, addr = cstr(sysfs_root, "sysfs_root"), cstr(address, "address")
    check(lib.eni_vfio_release_flags(root, addr, flags) if flags
          else lib.eni_vfio_release(root, addr))
