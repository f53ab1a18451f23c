# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""VPCs, subnets, security groups and their rules, prefix lists."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence, Union

from ._enums import Kind, PeerKind, RuleDirection
from ._errors import InvalidParameterTypeError, as_int32, check, invalid_value
from ._ffi import cstr, ffi, lib, text
from ._objects import LibeniObject, fetch_strings, id_array, list_ids, str_array, wrap

if TYPE_CHECKING:
    from ._acl import NetworkAcl
    from ._instances import NetworkInterface

__all__ = ["Vpc", "Subnet", "SecurityGroup", "SecurityGroupRule", "Rule", "PrefixList",
           "protocol_number"]

_PROTOCOLS = {"all": -1, "-1": -1, "icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58}


def protocol_number(protocol: Union[int, str]) -> int:
    """An IANA protocol number from a number or an EC2 name (``tcp``, ``udp``, ``icmp``,
    ``icmpv6``, ``all``/``-1``)."""
    if isinstance(protocol, str):
        key = protocol.strip().lower()
        if key in _PROTOCOLS:
            return _PROTOCOLS[key]
        digits = key[1:] if key.startswith("-") else key
        if digits.isascii() and digits.isdigit():
            return as_int32(int(key), "protocol")
        raise invalid_value(f"unknown protocol {protocol!r}")
    return as_int32(protocol, "protocol")


def _protocol_name(number: int) -> Union[int, str]:
    for name, value in _PROTOCOLS.items():
        if value == number and name not in ("-1",):
            return name
    return number


class Vpc(LibeniObject):
    """A VPC (``vpc-``)."""

    __slots__ = ()
    _kind = Kind.VPC
    _ctype = "eni_vpc_id"

    def _d(self) -> Any:
        return self._info("eni_vpc_info", lib.eni_vpc_describe)

    @property
    def cidr_block(self) -> str:
        return text(self._d().cidr_block)

    @property
    def ipv6_cidr_block(self) -> Optional[str]:
        """The first IPv6 /56 in association order (``ipv6_cidr_blocks`` has them all)."""
        return text(self._d().ipv6_cidr_block) or None

    @property
    def default_security_group(self) -> "SecurityGroup":
        return SecurityGroup(self._ctx, self._d().default_group.v)

    def subnets(self) -> List["Subnet"]:
        """The VPC's subnets, in id order."""
        ids = list_ids(self._ctx, "eni_subnet_id",
                       lambda o, c, n: lib.eni_subnet_list(self._ctx._ptr, self._cid(), o, c, n))
        return [Subnet(self._ctx, v) for v in ids]

    def security_groups(self) -> List["SecurityGroup"]:
        """The VPC's security groups, the default one included."""
        ids = list_ids(self._ctx, "eni_sg_id",
                       lambda o, c, n: lib.eni_sg_list(self._ctx._ptr, self._cid(), o, c, n))
        return [SecurityGroup(self._ctx, v) for v in ids]

    def create_subnet(self, cidr_block: str, availability_zone: str = "us-east-1a", *,
                      ipv6_cidr_block: Optional[str] = None,
                      map_public_ip_on_launch: bool = False,
                      assign_ipv6_address_on_creation: bool = False,
                      id: Optional[str] = None) -> "Subnet":
        """``CreateSubnet``; ``id`` is the ``subnet-`` id EC2 gave it."""
        spec = ffi.new("eni_subnet_spec *")
        spec.size = ffi.sizeof("eni_subnet_spec")
        spec.vpc.v = self._v
        keep = [cstr(availability_zone, "availability_zone"), cstr(cidr_block, "cidr_block"),
                cstr(ipv6_cidr_block, "ipv6_cidr_block"), cstr(id, "id")]
        spec.availability_zone, spec.cidr_block, spec.ipv6_cidr_block, spec.id = keep
        spec.flags = ((lib.ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH if map_public_ip_on_launch else 0)
                      | (lib.ENI_SUBNET_ASSIGN_IPV6_ON_CREATION
                         if assign_ipv6_address_on_creation else 0))
        out = ffi.new("eni_subnet_id *")
        check(lib.eni_subnet_create(self._ctx._ptr, spec, out))
        return Subnet(self._ctx, out.v)

    # -- blocks and network ACLs (_addressing.py, _acl.py) ---------------------
    @property
    def cidr_blocks(self) -> List[str]:
        """Every block: the primary IPv4 first, secondary ones, then the IPv6 /56s."""
        from ._addressing import cidr_blocks
        return cidr_blocks(self)

    @property
    def ipv6_cidr_blocks(self) -> List[str]:
        """The IPv6 /56 blocks in association order (``Ipv6CidrBlockAssociationSet``)."""
        return [b for b in self.cidr_blocks if ":" in b]

    def associate_cidr_block(self, cidr_block: Optional[str] = None, *,
                             amazon_provided_ipv6_cidr_block: bool = False) -> str:
        """``AssociateVpcCidrBlock``: a secondary IPv4 block or an IPv6 /56 (given, or
        Amazon's; up to ``ipv6_cidr_blocks_per_vpc`` of them); returns the block as
        associated."""
        from ._addressing import associate_cidr_block
        return associate_cidr_block(self, cidr_block, amazon_provided_ipv6_cidr_block)

    def disassociate_cidr_block(self, cidr_block: str) -> None:
        """``DisassociateVpcCidrBlock`` (never the primary; not while a subnet uses it)."""
        from ._addressing import disassociate_cidr_block
        disassociate_cidr_block(self, cidr_block)

    def network_acls(self) -> List["NetworkAcl"]:
        """The VPC's network ACLs, the default one included."""
        from ._acl import network_acls
        return network_acls(self)

    @property
    def default_network_acl(self) -> "NetworkAcl":
        return next(a for a in self.network_acls() if a.is_default)

    def create_network_acl(self, *, id: Optional[str] = None) -> "NetworkAcl":
        """``CreateNetworkAcl`` (no entries: it denies everything); ``id`` is the
        ``acl-`` id EC2 gave it."""
        from ._acl import create_network_acl
        return create_network_acl(self, id)

    def create_security_group(self, name: str, description: str, *,
                              id: Optional[str] = None) -> "SecurityGroup":
        """``CreateSecurityGroup`` (it starts with EC2's default egress rule);
        ``id`` is the ``sg-`` id EC2 gave it."""
        spec = ffi.new("eni_sg_spec *")
        spec.size = ffi.sizeof("eni_sg_spec")
        spec.vpc.v = self._v
        keep = [cstr(name, "name"), cstr(description, "description"), cstr(id, "id")]
        spec.name, spec.description, spec.id = keep
        out = ffi.new("eni_sg_id *")
        check(lib.eni_sg_create(self._ctx._ptr, spec, out))
        return SecurityGroup(self._ctx, out.v)

    def delete(self) -> None:
        """``DeleteVpc`` (``DependencyViolation`` while it has subnets or groups)."""
        check(lib.eni_vpc_delete(self._ctx._ptr, self._cid()))


class Subnet(LibeniObject):
    """A subnet (``subnet-``)."""

    __slots__ = ()
    _kind = Kind.SUBNET
    _ctype = "eni_subnet_id"

    def _d(self) -> Any:
        return self._info("eni_subnet_info", lib.eni_subnet_describe)

    @property
    def vpc(self) -> Vpc:
        return Vpc(self._ctx, self._d().vpc.v)

    @property
    def availability_zone(self) -> str:
        return text(self._d().availability_zone)

    @property
    def cidr_block(self) -> str:
        return text(self._d().cidr_block)

    @property
    def ipv6_cidr_block(self) -> Optional[str]:
        return text(self._d().ipv6_cidr_block) or None

    @property
    def available_ip_address_count(self) -> int:
        """Addresses still free (EC2 reserves five per subnet)."""
        return int(self._d().available_ip_count)

    @property
    def map_public_ip_on_launch(self) -> bool:
        return bool(self._d().flags & lib.ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH)

    @map_public_ip_on_launch.setter
    def map_public_ip_on_launch(self, value: bool) -> None:
        self._set_flag(lib.ENI_SUBNET_MAP_PUBLIC_IP_ON_LAUNCH, value)

    @property
    def assign_ipv6_address_on_creation(self) -> bool:
        return bool(self._d().flags & lib.ENI_SUBNET_ASSIGN_IPV6_ON_CREATION)

    @assign_ipv6_address_on_creation.setter
    def assign_ipv6_address_on_creation(self, value: bool) -> None:
        self._set_flag(lib.ENI_SUBNET_ASSIGN_IPV6_ON_CREATION, value)

    def _set_flag(self, bit: int, on: bool) -> None:
        flags = self._d().flags
        flags = (flags | bit) if on else (flags & ~bit)
        check(lib.eni_subnet_set_flags(self._ctx._ptr, self._cid(), flags))

    @property
    def interface_count(self) -> int:
        return int(self._d().nic_count)

    @property
    def network_acl(self) -> "NetworkAcl":
        """The network ACL the subnet is associated with; assigning one is
        ``ReplaceNetworkAclAssociation``."""
        from ._acl import subnet_acl
        return subnet_acl(self)

    @network_acl.setter
    def network_acl(self, acl: "NetworkAcl") -> None:
        acl.associate(self)

    def create_network_interface(self, **kwargs: Any) -> "NetworkInterface":
        """``CreateNetworkInterface`` in this subnet; see
        :meth:`libeni.Context.create_network_interface` for the arguments."""
        return self._ctx.create_network_interface(self, **kwargs)

    def delete(self) -> None:
        """``DeleteSubnet``."""
        check(lib.eni_subnet_delete(self._ctx._ptr, self._cid()))


@dataclass(frozen=True)
class Rule:
    """One security-group permission, as ``AuthorizeSecurityGroupIngress`` takes it.

    Exactly one peer: ``cidr`` (IPv4 or IPv6), ``group`` or ``prefix_list``.
    ``protocol`` is a number or an EC2 name (``tcp``, ``udp``, ``icmp``,
    ``icmpv6``, ``all``); ports are -1 where they do not apply (for ICMP they
    are the type and code).
    """
    protocol: Union[int, str] = "tcp"
    from_port: int = -1
    to_port: int = -1
    cidr: Optional[str] = None
    group: Optional["SecurityGroup"] = None
    prefix_list: Optional["PrefixList"] = None
    description: Optional[str] = None

    def _fill(self, spec: Any, keep: List[Any]) -> None:
        spec.size = ffi.sizeof("eni_sg_rule_spec")
        spec.protocol = protocol_number(self.protocol)
        frm = as_int32(self.from_port, "from_port")
        to = as_int32(self.to_port, "to_port")
        if spec.protocol in (6, 17) and frm != -1 and to == -1:
            to = frm  # Rule("tcp", 443) means port 443
        spec.from_port, spec.to_port = frm, to
        peers = [p is not None for p in (self.cidr, self.group, self.prefix_list)]
        if sum(peers) != 1:
            raise invalid_value("a rule needs exactly one of cidr, group and prefix_list")
        if self.cidr is not None:
            spec.peer_kind = lib.ENI_PEER_CIDR
            keep.append(cstr(self.cidr, "cidr"))
            spec.cidr = keep[-1]
        elif self.group is not None:
            spec.peer_kind = lib.ENI_PEER_GROUP
            spec.group.v = self.group.id_value
        else:
            assert self.prefix_list is not None
            spec.peer_kind = lib.ENI_PEER_PREFIX_LIST
            spec.prefix_list.v = self.prefix_list.id_value
        if self.description is not None:
            keep.append(cstr(self.description, "description"))
            spec.description = keep[-1]


def _rule_specs(rules: Sequence[Rule]) -> Any:
    if not rules:
        raise invalid_value("at least one rule is needed")
    for r in rules:
        if not isinstance(r, Rule):
            raise InvalidParameterTypeError(f"expected libeni.Rule, not {type(r).__name__}")
    specs = ffi.new("eni_sg_rule_spec[]", len(rules))
    keep: List[Any] = []
    for i, r in enumerate(rules):
        r._fill(specs[i], keep)
    return specs, keep


class SecurityGroup(LibeniObject):
    """A security group (``sg-``)."""

    __slots__ = ()

    # -- members on other hosts ------------------------------------------------
    def set_remote_members(self, source: str, addresses: Iterable[str],
                           prefixes: Optional[Iterable[str]] = None) -> None:
        """State the addresses of this group's member interfaces on host
        ``source``, and the prefixes delegated to them (IPv4 /28s, IPv6 /80s),
        replacing everything that source said before, prefixes included; rules
        that reference the group admit them like local members. Empty lists
        forget them."""
        keep: List[Any] = [cstr(source, "source")]
        arr, n = str_array(addresses, "addresses", keep)
        parr, pn = str_array(prefixes, "prefixes", keep)
        if not pn:
            check(lib.eni_sg_set_remote_members(self._ctx._ptr, self._cid(), keep[0], arr, n))
            return
        m = ffi.new("eni_remote_members *")
        m.size = ffi.sizeof("eni_remote_members")
        m.addresses, m.address_count = arr, n
        m.prefixes, m.prefix_count = parr, pn
        check(lib.eni_sg_set_remote(self._ctx._ptr, self._cid(), keep[0], m))

    def clear_remote_members(self, source: str) -> None:
        """Forget what ``source`` said about this group."""
        keep = cstr(source, "source")
        check(lib.eni_sg_clear_remote_members(self._ctx._ptr, self._cid(), keep))

    @property
    def remote_sources(self) -> List[str]:
        """The hosts that have stated members of this group, in name order."""
        return fetch_strings(lib.ENI_REMOTE_SOURCE_MAX, lambda o, c, n: (
            lib.eni_sg_list_remote_sources(self._ctx._ptr, self._cid(), o, c, n)))

    def remote_members(self, source: str) -> List[str]:
        """The addresses ``source`` stated (IPv4 first, each family in order)."""
        keep = cstr(source, "source")
        return fetch_strings(lib.ENI_IP_STRING_MAX, lambda o, c, n: (
            lib.eni_sg_get_remote_members(self._ctx._ptr, self._cid(), keep, o, c, n)))

    def remote_prefixes(self, source: str) -> List[str]:
        """The delegated prefixes ``source`` stated (IPv4 first, each family in order)."""
        keep = cstr(source, "source")
        return fetch_strings(lib.ENI_CIDR_STRING_MAX, lambda o, c, n: (
            lib.eni_sg_get_remote_prefixes(self._ctx._ptr, self._cid(), keep, o, c, n)))
    _kind = Kind.SECURITY_GROUP
    _ctype = "eni_sg_id"

    def _d(self) -> Any:
        return self._info("eni_sg_info", lib.eni_sg_describe)

    @property
    def name(self) -> str:
        return text(self._d().name)

    @property
    def description(self) -> str:
        return text(self._d().description)

    @property
    def vpc(self) -> Vpc:
        return Vpc(self._ctx, self._d().vpc.v)

    @property
    def is_default(self) -> bool:
        return bool(self._d().is_default)

    @property
    def interface_count(self) -> int:
        return int(self._d().nic_count)

    @property
    def referenced_by(self) -> int:
        """How many rules of other groups name this one as their peer."""
        return int(self._d().referenced_by)

    def _rules(self, direction: int) -> List["SecurityGroupRule"]:
        ids = list_ids(self._ctx, "eni_sg_rule_id",
                       lambda o, c, n: lib.eni_sg_list_rules(self._ctx._ptr, self._cid(),
                                                             direction, o, c, n))
        return [SecurityGroupRule(self._ctx, v) for v in ids]

    @property
    def ingress_rules(self) -> List["SecurityGroupRule"]:
        return self._rules(lib.ENI_INGRESS)

    @property
    def egress_rules(self) -> List["SecurityGroupRule"]:
        return self._rules(lib.ENI_EGRESS)

    def _authorize(self, direction: int, rules: Sequence[Rule]) -> List["SecurityGroupRule"]:
        specs, keep = _rule_specs(rules)
        ids = ffi.new("eni_sg_rule_id[]", len(rules))
        check(lib.eni_sg_authorize(self._ctx._ptr, self._cid(), direction, specs, len(rules),
                                   ids))
        del keep
        return [SecurityGroupRule(self._ctx, ids[i].v) for i in range(len(rules))]

    def authorize_ingress(self, *rules: Rule) -> List["SecurityGroupRule"]:
        """``AuthorizeSecurityGroupIngress``: all rules or none."""
        return self._authorize(lib.ENI_INGRESS, rules)

    def authorize_egress(self, *rules: Rule) -> List["SecurityGroupRule"]:
        """``AuthorizeSecurityGroupEgress``: all rules or none."""
        return self._authorize(lib.ENI_EGRESS, rules)

    def _revoke(self, direction: int, rules: Sequence[Rule]) -> None:
        specs, keep = _rule_specs(rules)
        check(lib.eni_sg_revoke(self._ctx._ptr, self._cid(), direction, specs, len(rules)))
        del keep

    def revoke_ingress(self, *rules: Rule) -> None:
        """``RevokeSecurityGroupIngress`` by rule contents."""
        self._revoke(lib.ENI_INGRESS, rules)

    def revoke_egress(self, *rules: Rule) -> None:
        """``RevokeSecurityGroupEgress`` by rule contents."""
        self._revoke(lib.ENI_EGRESS, rules)

    def revoke(self, *rules: "SecurityGroupRule") -> None:
        """Revoke rules by id (``SecurityGroupRuleIds``), in either direction."""
        if not rules:
            raise invalid_value("at least one rule is needed")
        arr = id_array("eni_sg_rule_id", list(rules))
        check(lib.eni_sg_revoke_rules(self._ctx._ptr, self._cid(), arr, len(rules)))

    def delete(self) -> None:
        """``DeleteSecurityGroup``."""
        check(lib.eni_sg_delete(self._ctx._ptr, self._cid()))


class SecurityGroupRule(LibeniObject):
    """One rule of a security group (``sgr-``)."""

    __slots__ = ()
    _kind = Kind.SECURITY_GROUP_RULE
    _ctype = "eni_sg_rule_id"

    def _d(self) -> Any:
        return self._info("eni_sg_rule_info", lib.eni_sg_rule_describe)

    @property
    def group(self) -> SecurityGroup:
        return SecurityGroup(self._ctx, self._d().group.v)

    @property
    def direction(self) -> RuleDirection:
        return RuleDirection(self._d().direction)

    @property
    def is_egress(self) -> bool:
        return self.direction == RuleDirection.EGRESS

    @property
    def protocol(self) -> Union[int, str]:
        """``tcp``, ``udp``, ``icmp``, ``icmpv6``, ``all``, or another protocol's number."""
        return _protocol_name(int(self._d().protocol))

    @property
    def from_port(self) -> int:
        return int(self._d().from_port)

    @property
    def to_port(self) -> int:
        return int(self._d().to_port)

    @property
    def peer_kind(self) -> PeerKind:
        return PeerKind(self._d().peer_kind)

    @property
    def cidr(self) -> Optional[str]:
        return text(self._d().cidr) or None

    @property
    def referenced_group(self) -> Optional[SecurityGroup]:
        return wrap(self._ctx, self._d().peer_group.v, SecurityGroup)

    @property
    def prefix_list(self) -> Optional["PrefixList"]:
        return wrap(self._ctx, self._d().prefix_list.v, PrefixList)

    @property
    def description(self) -> str:
        return text(self._d().description)

    @description.setter
    def description(self, value: Optional[str]) -> None:
        """``UpdateSecurityGroupRuleDescriptions*``: None or "" clears it."""
        keep = cstr(value, "description")
        check(lib.eni_sg_rule_set_description(self._ctx._ptr, self._cid(), keep))

    def modify(self, rule: Rule) -> None:
        """``ModifySecurityGroupRules``: replace this rule's protocol, ports, peer
        and description in place (its id, group and direction stay)."""
        specs, keep = _rule_specs([rule])
        check(lib.eni_sg_rule_modify(self._ctx._ptr, self._cid(), specs))

    def to_rule(self) -> Rule:
        """The rule's contents as a :class:`Rule` (to revoke or copy it)."""
        d = self._d()
        kind = d.peer_kind
        return Rule(protocol=_protocol_name(int(d.protocol)), from_port=int(d.from_port),
                    to_port=int(d.to_port),
                    cidr=text(d.cidr) if kind == lib.ENI_PEER_CIDR else None,
                    group=(SecurityGroup(self._ctx, d.peer_group.v)
                           if kind == lib.ENI_PEER_GROUP else None),
                    prefix_list=(PrefixList(self._ctx, d.prefix_list.v)
                                 if kind == lib.ENI_PEER_PREFIX_LIST else None),
                    description=text(d.description) or None)


class PrefixList(LibeniObject):
    """A customer-managed prefix list (``pl-``)."""

    __slots__ = ()
    _kind = Kind.PREFIX_LIST
    _ctype = "eni_prefix_list_id"

    def _d(self) -> Any:
        return self._info("eni_prefix_list_info", lib.eni_prefix_list_describe)

    @property
    def name(self) -> str:
        return text(self._d().name)

    @property
    def family(self) -> int:
        """4 or 6."""
        return int(self._d().family)

    @property
    def max_entries(self) -> int:
        return int(self._d().max_entries)

    @property
    def referenced_by(self) -> int:
        return int(self._d().referenced_by)

    @property
    def entries(self) -> List[str]:
        """The CIDRs, canonical, in the order they were added."""
        return fetch_strings(lib.ENI_CIDR_STRING_MAX, lambda o, c, n: (
            lib.eni_prefix_list_get_entries(self._ctx._ptr, self._cid(), o, c, n)))

    def modify(self, add: Iterable[str] = (), remove: Iterable[str] = ()) -> None:
        """``ModifyManagedPrefixList``: add and remove entries (lists of CIDRs), all or
        nothing."""
        keep: List[Any] = []  # the strings, alive until the call returns
        add_arr, n_add = str_array(add, "add", keep)
        rem_arr, n_rem = str_array(remove, "remove", keep)
        check(lib.eni_prefix_list_modify(self._ctx._ptr, self._cid(), add_arr, n_add,
                                         rem_arr, n_rem))

    def delete(self) -> None:
        """``DeleteManagedPrefixList``."""
        check(lib.eni_prefix_list_delete(self._ctx._ptr, self._cid()))
