# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The VFIO discovery and binding calls through the bindings, on a fake sysfs tree."""
import os

import pytest

import libeni
from libeni import PciFunctionType, VfioReadiness


def add_function(root, addr, vendor, device, driver=None, group=None, numa=0):
    d = root / "sys" / "bus" / "pci" / "devices" / addr
    d.mkdir(parents=True)
    (d / "vendor").write_text(f"0x{vendor:04x}\n")
    (d / "device").write_text(f"0x{device:04x}\n")
    (d / "revision").write_text("0x00\n")
    (d / "numa_node").write_text(f"{numa}\n")
    if driver:
        (root / "sys" / "bus" / "pci" / "drivers" / driver).mkdir(parents=True, exist_ok=True)
        os.symlink(f"../../../bus/pci/drivers/{driver}", d / "driver")
    if group is not None:
        g = root / "sys" / "kernel" / "iommu_groups" / str(group) / "devices"
        g.mkdir(parents=True)
        os.symlink(f"../../../../bus/pci/devices/{addr}", g / addr)
        os.symlink(f"../../../kernel/iommu_groups/{group}", d / "iommu_group")


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "dev" / "vfio").mkdir(parents=True)
    (tmp_path / "dev" / "vfio" / "vfio").write_text("")
    add_function(tmp_path, "0000:00:06.0", 0x1D0F, 0xEC21, "vfio-pci", 3)
    (tmp_path / "dev" / "vfio" / "3").write_text("")
    add_function(tmp_path, "0000:00:05.0", 0x1D0F, 0xEFA0, "ena", 4, numa=1)
    add_function(tmp_path, "0000:00:03.0", 0x8086, 0x100E, "e1000", 2)
    return tmp_path


def test_vfio_functions_lists_amazon_functions_with_readiness(tree):
    """Only Amazon ENA/EFA functions are listed, in address order, with readiness."""
    fns = libeni.vfio_functions(str(tree / "sys"), str(tree / "dev"))
    assert [f.address for f in fns] == ["0000:00:05.0", "0000:00:06.0"]
    efa, ena = fns
    assert efa.type == PciFunctionType.EFA_VF and efa.readiness == VfioReadiness.NOT_BOUND
    assert efa.driver == "ena" and efa.numa_node == 1 and efa.iommu_group == 4
    assert ena.type == PciFunctionType.ENA_VF and ena.llq and ena.ready
    assert ena.vendor_id == 0x1D0F and ena.device_id == 0xEC21 and ena.physfn is None


def test_vfio_functions_without_a_pci_bus(tmp_path):
    """A sysfs root with no PCI bus is NotFoundError, not an empty list."""
    with pytest.raises(libeni.NotFoundError, match="no PCI bus"):
        libeni.vfio_functions(str(tmp_path))


def test_vfio_bind_refusals(tree):
    """Binding checks the address, the function and the vendor before writing anything."""
    sys_root = str(tree / "sys")
    opt_in = {"foreign_root": True, "fake_sysfs": True}
    with pytest.raises(libeni.InvalidParameterError):
        libeni.vfio_bind("00:06.0", sys_root, **opt_in)
    with pytest.raises(libeni.NotFoundError):
        libeni.vfio_bind("0000:00:09.0", sys_root, **opt_in)
    with pytest.raises(libeni.NotSupportedError):
        libeni.vfio_bind("0000:00:03.0", sys_root, **opt_in)
    libeni.vfio_bind("0000:00:06.0", sys_root, **opt_in)  # already vfio-pci: nothing to do
    assert not (tree / "sys" / "bus" / "pci" / "devices" / "0000:00:06.0" / "driver_override").exists()
    with pytest.raises(libeni.InvalidParameterError, match="at most 255"):
        libeni.vfio_bind("0000:00:05.0", "/" + "r" * 299, **opt_in)


def test_vfio_bind_writes_only_where_allowed(tree):
    """Outside /sys only with consent; never through a symlink; never an interface that is up."""
    sys_root = str(tree / "sys")
    fn = tree / "sys" / "bus" / "pci" / "devices" / "0000:00:05.0"
    with pytest.raises(libeni.PermissionDeniedError, match="only /sys is trusted"):
        libeni.vfio_bind("0000:00:05.0", sys_root)
    with pytest.raises(libeni.PermissionDeniedError, match="only /sys is trusted"):
        libeni.vfio_release("0000:00:05.0", sys_root)
    victim = tree / "victim"
    victim.write_text("precious\n")
    os.symlink(victim, fn / "driver_override")
    with pytest.raises(libeni.PermissionDeniedError, match="symbolic link"):
        libeni.vfio_bind("0000:00:05.0", sys_root, foreign_root=True, fake_sysfs=True)
    assert victim.read_text() == "precious\n"
    (fn / "net" / "ens5").mkdir(parents=True)
    (fn / "net" / "ens5" / "operstate").write_text("up\n")
    with pytest.raises(libeni.InUseError, match="ens5"):
        libeni.vfio_bind("0000:00:05.0", sys_root, foreign_root=True, fake_sysfs=True)


def test_vfio_backend_reports_why_nothing_is_usable(tree):
    """Selecting the VFIO backend with no ready function fails with the reasons, never crashes."""
    cfg = f"sysfs={tree / 'sys'},dev={tree / 'dev'},functions=0000:00:05.0"
    with pytest.raises(libeni.NotFoundError, match="0000:00:05.0 is not bound to vfio-pci"):
        libeni.Context(backend="vfio", backend_config=cfg)
    with pytest.raises(ValueError, match="unknown backend"):
        libeni.Context(backend="dpdk")
    with pytest.raises(libeni.InvalidParameterError, match="bind=1 needs functions="):
        libeni.Context(backend="vfio", backend_config=f"sysfs={tree / 'sys'},bind=1")
