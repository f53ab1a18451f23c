# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""A VPC's CIDR blocks after creation and an interface's delegated prefixes
(``AssociateVpcCidrBlock``, ``Ipv4Prefixes``/``Ipv6Prefixes``); the classes
in _network.py and _instances.py call these."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, List, Optional

from ._errors import as_uint, check, invalid_value
from ._ffi import cstr, ffi, lib, text
from ._objects import fetch_strings, str_array

if TYPE_CHECKING:
    from ._instances import NetworkInterface
    from ._network import Vpc


def cidr_blocks(vpc: "Vpc") -> List[str]:
    return fetch_strings(lib.ENI_CIDR_STRING_MAX, lambda o, c, n: (
        lib.eni_vpc_get_cidr_blocks(vpc._ctx._ptr, vpc._cid(), o, c, n)))


def associate_cidr_block(vpc: "Vpc", cidr_block: Optional[str],
                         amazon_provided_ipv6: bool) -> str:
    if (cidr_block is None) == (not amazon_provided_ipv6):
        raise invalid_value("give a cidr_block or amazon_provided_ipv6_cidr_block=True")
    keep = cstr(cidr_block, "cidr_block")
    out = ffi.new("char[]", lib.ENI_CIDR_STRING_MAX)
    flags = lib.ENI_VPC_AMAZON_IPV6 if amazon_provided_ipv6 else 0
    check(lib.eni_vpc_associate_cidr_block(vpc._ctx._ptr, vpc._cid(), keep, flags, out))
    return text(out)


def disassociate_cidr_block(vpc: "Vpc", cidr_block: str) -> None:
    keep = cstr(cidr_block, "cidr_block")
    check(lib.eni_vpc_disassociate_cidr_block(vpc._ctx._ptr, vpc._cid(), keep))


def prefixes(nic: "NetworkInterface", family: int) -> List[str]:
    return fetch_strings(lib.ENI_CIDR_STRING_MAX, lambda o, c, n: (
        lib.eni_nic_get_prefixes(nic._ctx._ptr, nic._cid(), family, o, c, n)))


def assign_prefixes(nic: "NetworkInterface", family: int, given: Optional[Iterable[str]],
                    count: int) -> None:
    keep: List[Any] = []  # the strings, alive until the call returns
    arr, n = str_array(given, "prefixes", keep)
    check(lib.eni_nic_assign_prefixes(nic._ctx._ptr, nic._cid(), family, arr, n,
                                      as_uint(count, "count")))


def unassign_prefixes(nic: "NetworkInterface", given: Iterable[str]) -> None:
    keep: List[Any] = []
    arr, n = str_array(given, "prefixes", keep)
    check(lib.eni_nic_unassign_prefixes(nic._ctx._ptr, nic._cid(), arr, n))
