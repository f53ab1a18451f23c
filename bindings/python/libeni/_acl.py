# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Network ACLs (``acl-``): numbered, stateless allow and deny entries for a
subnet's traffic (include/eni/acl.h).

    acl = vpc.create_network_acl()
    acl.create_entry(libeni.AclEntry(100, "tcp", "allow", "0.0.0.0/0", from_port=443))
    acl.create_entry(libeni.AclEntry(100, "all", "allow", "0.0.0.0/0", egress=True))
    subnet.network_acl = acl                  # ReplaceNetworkAclAssociation
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, List, Optional, Union

from ._enums import AclRuleAction, Kind
from ._errors import InvalidParameterTypeError, as_int32, as_uint, check
from ._ffi import cstr, ffi, lib, text
from ._objects import LibeniObject, list_ids

if TYPE_CHECKING:
    from ._network import Subnet, Vpc

__all__ = ["NetworkAcl", "AclEntry"]


def _protocol_number(protocol: Union[int, str]) -> int:
    from ._network import protocol_number
    return protocol_number(protocol)


def _protocol_name(number: int) -> Union[int, str]:
    from ._network import _protocol_name as name
    return name(number)


@dataclass(frozen=True)
class AclEntry:
    """One network ACL entry, as ``CreateNetworkAclEntry`` takes it and
    :meth:`NetworkAcl.entry` reports it.

    ``protocol`` is a number or an EC2 name (``tcp``, ``udp``, ``icmp``,
    ``icmpv6``, ``all``). Ports apply to TCP and UDP only (``from_port`` alone
    means that one port); ``icmp_type`` and ``icmp_code`` to ICMP, and to
    ICMPv6 with an IPv6 CIDR (-1: any). ``egress`` picks the direction.
    """
    rule_number: int
    protocol: Union[int, str] = "all"
    rule_action: Union[AclRuleAction, str] = AclRuleAction.ALLOW
    cidr: str = "0.0.0.0/0"
    egress: bool = False
    from_port: int = -1
    to_port: int = -1
    icmp_type: int = -1
    icmp_code: int = -1

    def _spec(self, keep: List[Any]) -> Any:
        if not isinstance(self.egress, bool):
            raise InvalidParameterTypeError(
                f"egress takes a bool, not {type(self.egress).__name__}")
        spec = ffi.new("eni_acl_entry_spec *")
        spec.size = ffi.sizeof("eni_acl_entry_spec")
        spec.direction = lib.ENI_EGRESS if self.egress else lib.ENI_INGRESS
        spec.rule_number = as_uint(self.rule_number, "rule_number")
        spec.rule_action = int(AclRuleAction._of(self.rule_action, "rule_action"))
        spec.protocol = _protocol_number(self.protocol)
        frm, to = as_int32(self.from_port, "from_port"), as_int32(self.to_port, "to_port")
        if frm != -1 and to == -1:
            to = frm  # AclEntry(100, "tcp", from_port=443) means port 443
        spec.from_port, spec.to_port = frm, to
        spec.icmp_type = as_int32(self.icmp_type, "icmp_type")
        spec.icmp_code = as_int32(self.icmp_code, "icmp_code")
        keep.append(cstr(self.cidr, "cidr"))
        spec.cidr = keep[-1]
        return spec


class NetworkAcl(LibeniObject):
    """A network ACL (``acl-``)."""

    __slots__ = ()
    _kind = Kind.NETWORK_ACL
    _ctype = "eni_acl_id"

    def _d(self) -> Any:
        return self._info("eni_acl_info", lib.eni_acl_describe)

    @property
    def vpc(self) -> "Vpc":
        from ._network import Vpc
        return Vpc(self._ctx, self._d().vpc.v)

    @property
    def is_default(self) -> bool:
        return bool(self._d().is_default)

    @property
    def subnets(self) -> List["Subnet"]:
        """The subnets associated with it (its ``Associations``), in id order."""
        from ._network import Subnet
        ids = list_ids(self._ctx, "eni_subnet_id",
                       lambda o, c, n: lib.eni_acl_list_subnets(self._ctx._ptr, self._cid(),
                                                                o, c, n))
        return [Subnet(self._ctx, v) for v in ids]

    def _numbers(self, egress: bool) -> List[int]:
        direction = lib.ENI_EGRESS if egress else lib.ENI_INGRESS
        count = ffi.new("uint32_t *")
        call = lambda o, c: lib.eni_acl_list_entries(  # noqa: E731
            self._ctx._ptr, self._cid(), direction, o, c, count)
        check(call(ffi.NULL, 0))
        while True:
            cap = count[0]
            out = ffi.new("uint32_t[]", max(cap, 1))
            check(call(out, cap))
            if count[0] <= cap:
                return [int(out[i]) for i in range(count[0])]

    def entry(self, rule_number: int, egress: bool = False) -> AclEntry:
        """One entry by its number and direction."""
        info = ffi.new("eni_acl_entry_info *")
        info.size = ffi.sizeof("eni_acl_entry_info")
        check(lib.eni_acl_get_entry(self._ctx._ptr, self._cid(),
                                    lib.ENI_EGRESS if egress else lib.ENI_INGRESS,
                                    as_uint(rule_number, "rule_number"), info))
        return AclEntry(rule_number=int(info.rule_number),
                        protocol=_protocol_name(int(info.protocol)),
                        rule_action=AclRuleAction(info.rule_action), cidr=text(info.cidr),
                        egress=info.direction == lib.ENI_EGRESS,
                        from_port=int(info.from_port), to_port=int(info.to_port),
                        icmp_type=int(info.icmp_type), icmp_code=int(info.icmp_code))

    @property
    def ingress_entries(self) -> List[AclEntry]:
        """Inbound entries, lowest rule number (evaluated) first."""
        return [self.entry(n) for n in self._numbers(False)]

    @property
    def egress_entries(self) -> List[AclEntry]:
        """Outbound entries, lowest rule number first."""
        return [self.entry(n, True) for n in self._numbers(True)]

    @property
    def entries(self) -> List[AclEntry]:
        """Every entry, inbound first."""
        return self.ingress_entries + self.egress_entries

    def create_entry(self, entry: AclEntry) -> None:
        """``CreateNetworkAclEntry``."""
        self._put(lib.eni_acl_create_entry, entry)

    def replace_entry(self, entry: AclEntry) -> None:
        """``ReplaceNetworkAclEntry``: the entry of the same number and direction."""
        self._put(lib.eni_acl_replace_entry, entry)

    def _put(self, fn: Any, entry: AclEntry) -> None:
        if not isinstance(entry, AclEntry):
            raise InvalidParameterTypeError(
                f"expected libeni.AclEntry, not {type(entry).__name__}")
        keep: List[Any] = []
        spec = entry._spec(keep)
        check(fn(self._ctx._ptr, self._cid(), spec))

    def delete_entry(self, rule_number: int, egress: bool = False) -> None:
        """``DeleteNetworkAclEntry``."""
        check(lib.eni_acl_delete_entry(self._ctx._ptr, self._cid(),
                                       lib.ENI_EGRESS if egress else lib.ENI_INGRESS,
                                       as_uint(rule_number, "rule_number")))

    def associate(self, subnet: "Subnet") -> None:
        """``ReplaceNetworkAclAssociation``: the subnet uses this ACL from now on."""
        check(lib.eni_acl_replace_association(self._ctx._ptr, subnet._cid(), self._cid()))

    def delete(self) -> None:
        """``DeleteNetworkAcl`` (not the default one, not while a subnet uses it)."""
        check(lib.eni_acl_delete(self._ctx._ptr, self._cid()))


def create_network_acl(vpc: "Vpc", id: Optional[str]) -> NetworkAcl:
    spec = ffi.new("eni_acl_spec *")
    spec.size = ffi.sizeof("eni_acl_spec")
    spec.vpc.v = vpc.id_value
    keep = cstr(id, "id")
    spec.id = keep
    out = ffi.new("eni_acl_id *")
    check(lib.eni_acl_create(vpc._ctx._ptr, spec, out))
    return NetworkAcl(vpc._ctx, out.v)


def network_acls(vpc: "Vpc") -> List[NetworkAcl]:
    ids = list_ids(vpc._ctx, "eni_acl_id",
                   lambda o, c, n: lib.eni_acl_list(vpc._ctx._ptr, vpc._cid(), o, c, n))
    return [NetworkAcl(vpc._ctx, v) for v in ids]


def subnet_acl(subnet: "Subnet") -> NetworkAcl:
    out = ffi.new("eni_acl_id *")
    check(lib.eni_subnet_get_acl(subnet._ctx._ptr, subnet._cid(), out))
    return NetworkAcl(subnet._ctx, out.v)
