# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Instances, network interfaces, attachments and Elastic IPs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence, Tuple, Union

from ._enums import (AttachKind, AttachmentStatus, EnaSupport, Hypervisor, InstanceState,
                     InterfaceStatus, InterfaceType, Kind, Platform, TrafficDirection,
                     Virtualization)
from ._errors import as_list, as_uint, check
from ._ffi import cstr, ffi, lib, text
from ._network import SecurityGroup, Subnet, Vpc
from ._objects import LibeniObject, fetch_all, id_array, list_ids, str_array, wrap

if TYPE_CHECKING:
    from ._eval import ConntrackStats, Flow, Packet, Verdict

__all__ = ["InstanceType", "Instance", "NetworkInterface", "Address", "ConntrackTimeouts",
           "Attachment", "Device", "ElasticIp", "ElasticIpAssociation"]


@dataclass(frozen=True)
class InstanceType:
    """One row of the instance-type table (``DescribeInstanceTypes``' network part)."""
    name: str
    hypervisor: Hypervisor
    ena_support: EnaSupport
    max_interfaces: int
    max_network_cards: int
    ipv4_per_interface: int
    ipv6_per_interface: int
    max_efa_interfaces: int
    card_max_interfaces: Tuple[int, ...]
    bare_metal: bool
    ipv6_supported: bool
    efa_supported: bool
    default_tcp_established_timeout: int
    default_udp_stream_timeout: int
    default_udp_timeout: int

    @classmethod
    def _from(cls, t: Any) -> "InstanceType":
        cards = int(t.max_network_cards)
        return cls(name=text(t.name), hypervisor=Hypervisor(t.hypervisor),
                   ena_support=EnaSupport(t.ena_support), max_interfaces=int(t.max_interfaces),
                   max_network_cards=cards, ipv4_per_interface=int(t.ipv4_per_interface),
                   ipv6_per_interface=int(t.ipv6_per_interface),
                   max_efa_interfaces=int(t.max_efa_interfaces),
                   card_max_interfaces=tuple(int(t.card_max_interfaces[i]) for i in range(cards)),
                   bare_metal=bool(t.flags & lib.ENI_ITYPE_BARE_METAL),
                   ipv6_supported=bool(t.flags & lib.ENI_ITYPE_IPV6),
                   efa_supported=bool(t.flags & lib.ENI_ITYPE_EFA),
                   default_tcp_established_timeout=int(t.default_tcp_established_timeout),
                   default_udp_stream_timeout=int(t.default_udp_stream_timeout),
                   default_udp_timeout=int(t.default_udp_timeout))

    @classmethod
    def lookup(cls, name: str) -> "InstanceType":
        """The type called ``name`` (``InvalidInstanceType`` if there is none)."""
        t = ffi.new("eni_instance_type_info *")
        t.size = ffi.sizeof("eni_instance_type_info")
        check(lib.eni_instance_type_lookup(cstr(name, "name"), t))
        return cls._from(t)

    @classmethod
    def all(cls) -> List["InstanceType"]:
        """Every type libeni knows, by name."""
        out = []
        for i in range(lib.eni_instance_type_count()):
            t = ffi.new("eni_instance_type_info *")
            t.size = ffi.sizeof("eni_instance_type_info")
            check(lib.eni_instance_type_at(i, t))
            out.append(cls._from(t))
        return out


@dataclass(frozen=True)
class ConntrackTimeouts:
    """Idle timeouts in seconds (``ConnectionTrackingSpecification``)."""
    tcp_established: int
    udp_stream: int
    udp: int


@dataclass(frozen=True)
class Address:
    """One private address of an interface, with its public IPv4 if it has one."""
    address: str
    family: int
    primary: bool
    public_ip: Optional[str]
    elastic_ip: Optional["ElasticIp"]


@dataclass(frozen=True)
class Device:
    """What the backend reports for an attached interface's device."""
    bus_address: str
    mac_address: str
    link_up: bool
    vendor_id: int
    device_id: int


class Instance(LibeniObject):
    """An instance (``i-``)."""

    __slots__ = ()
    _kind = Kind.INSTANCE
    _ctype = "eni_instance_id"

    def _d(self) -> Any:
        return self._info("eni_instance_info", lib.eni_instance_describe)

    @property
    def state(self) -> InstanceState:
        return InstanceState(self._d().state)

    def set_state(self, state: Union[InstanceState, str]) -> None:
        """Move to ``state`` (an :class:`InstanceState` or its name, ``"running"``) along
        EC2's legal transitions (``IncorrectInstanceState`` else)."""
        check(lib.eni_instance_set_state(self._ctx._ptr, self._cid(),
                                         InstanceState._of(state, "state")))

    def start(self) -> None:
        """``StartInstances``: a stopped instance becomes pending."""
        self.set_state(InstanceState.PENDING)

    def stop(self) -> None:
        """``StopInstances``: stopping, then stopped."""
        self.set_state(InstanceState.STOPPING)
        self.set_state(InstanceState.STOPPED)

    @property
    def conntrack(self) -> "ConntrackStats":
        """The instance's conntrack budget, the flows its interfaces track together,
        ``conntrack_allowance_available`` (EC2's per-instance gauge) and the sum of its
        interfaces' ``conntrack_allowance_exceeded``."""
        from ._eval import ConntrackStats
        st = ffi.new("eni_conntrack_stats *")
        st.size = ffi.sizeof("eni_conntrack_stats")
        check(lib.eni_instance_get_conntrack(self._ctx._ptr, self._cid(), st))
        return ConntrackStats._from(st)

    def set_conntrack_allowance(self, max_flows: int) -> None:
        """The most flows all the instance's interfaces track together (default 16384);
        divided into per-interface shares (docs/eval.md, decisions.md D38)."""
        check(lib.eni_instance_set_conntrack_allowance(self._ctx._ptr, self._cid(),
                                                       as_uint(max_flows, "max_flows")))

    def terminate(self, timeout: float = 5.0) -> None:
        """``TerminateInstances``: shutting-down, which detaches every interface;
        then terminated once the backend has completed the detaches.

        The context is polled meanwhile; the events it returns are kept for
        your next :meth:`Context.poll`. Like EC2's, termination is not atomic:
        if the backend has not finished within ``timeout`` seconds,
        :class:`BusyError` is raised with the instance ``shutting-down``;
        call ``terminate()`` again later.
        """
        import time
        from ._errors import BusyError
        if self.state != InstanceState.SHUTTING_DOWN:
            self.set_state(InstanceState.SHUTTING_DOWN)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.set_state(InstanceState.TERMINATED)
                return
            except BusyError:
                if time.monotonic() >= deadline:
                    raise
                self._ctx._poll_into_backlog()
                time.sleep(0.0005)

    @property
    def instance_type(self) -> str:
        return text(self._d().instance_type)

    @property
    def subnet(self) -> Optional[Subnet]:
        return wrap(self._ctx, self._d().subnet.v, Subnet)

    @property
    def vpc(self) -> Optional[Vpc]:
        return wrap(self._ctx, self._d().vpc.v, Vpc)

    @property
    def virtualization(self) -> Virtualization:
        return Virtualization(self._d().virtualization)

    @property
    def platform(self) -> Platform:
        return Platform(self._d().platform)

    @property
    def ena_support(self) -> bool:
        """The instance's ``enaSupport`` attribute."""
        return bool(self._d().ena_support)

    @ena_support.setter
    def ena_support(self, enabled: bool) -> None:
        check(lib.eni_instance_set_ena_support(self._ctx._ptr, self._cid(), int(bool(enabled))))

    @property
    def ena_active(self) -> bool:
        """Enhanced networking is in effect (type, AMI and attribute allow it)."""
        return bool(self._d().ena_active)

    @property
    def efa_capable(self) -> bool:
        return bool(self._d().efa_capable)

    def attachments(self) -> List["Attachment"]:
        """The instance's attachments, by device index."""
        ids = list_ids(self._ctx, "eni_attachment_id",
                       lambda o, c, n: lib.eni_instance_list_attachments(self._ctx._ptr,
                                                                         self._cid(), o, c, n))
        return [Attachment(self._ctx, v) for v in ids]

    @property
    def network_interfaces(self) -> List["NetworkInterface"]:
        """The attached interfaces, by device index."""
        return [a.network_interface for a in self.attachments()]

    def delete(self) -> None:
        """Remove a terminated (or never-started) instance from the model."""
        check(lib.eni_instance_delete(self._ctx._ptr, self._cid()))


class Attachment(LibeniObject):
    """An interface's attachment to an instance (``eni-attach-``)."""

    __slots__ = ()
    _kind = Kind.ATTACHMENT
    _ctype = "eni_attachment_id"

    def _d(self) -> Any:
        return self._info("eni_attachment_info", lib.eni_attachment_describe)

    @property
    def status(self) -> AttachmentStatus:
        return AttachmentStatus(self._d().status)

    @property
    def network_interface(self) -> "NetworkInterface":
        return NetworkInterface(self._ctx, self._d().nic.v)

    @property
    def instance(self) -> Instance:
        return Instance(self._ctx, self._d().instance.v)

    @property
    def device_index(self) -> int:
        return int(self._d().device_index)

    @property
    def network_card_index(self) -> int:
        return int(self._d().network_card_index)

    @property
    def kind(self) -> AttachKind:
        """Cold (at launch), hot (running) or warm (stopped)."""
        return AttachKind(self._d().kind)

    @property
    def delete_on_termination(self) -> bool:
        return bool(self._d().delete_on_termination)

    @delete_on_termination.setter
    def delete_on_termination(self, enabled: bool) -> None:
        check(lib.eni_attachment_set_delete_on_termination(self._ctx._ptr, self._cid(),
                                                           int(bool(enabled))))

    @property
    def link_up(self) -> bool:
        return bool(self._d().link_up)

    @property
    def device(self) -> Device:
        """The backend's device for this attachment."""
        d = ffi.new("eni_backend_device *")
        d.size = ffi.sizeof("eni_backend_device")
        check(lib.eni_attachment_get_device(self._ctx._ptr, self._cid(), d))
        mac = ":".join(f"{d.mac[i]:02x}" for i in range(6))
        return Device(bus_address=text(d.bus_address), mac_address=mac,
                      link_up=bool(d.link_up), vendor_id=int(d.vendor_id),
                      device_id=int(d.device_id))

    def detach(self, force: bool = False) -> None:
        """``DetachNetworkInterface``; completes through :meth:`Context.poll`."""
        check(lib.eni_nic_detach(self._ctx._ptr, self._cid(),
                                 lib.ENI_DETACH_FORCE if force else 0))


class NetworkInterface(LibeniObject):
    """An elastic network interface (``eni-``)."""

    __slots__ = ()
    _kind = Kind.NETWORK_INTERFACE
    _ctype = "eni_nic_id"

    def _d(self) -> Any:
        return self._info("eni_nic_info", lib.eni_nic_describe)

    # -- description ---------------------------------------------------------
    @property
    def interface_type(self) -> InterfaceType:
        return InterfaceType(self._d().type)

    @property
    def status(self) -> InterfaceStatus:
        return InterfaceStatus(self._d().status)

    @property
    def subnet(self) -> Subnet:
        return Subnet(self._ctx, self._d().subnet.v)

    @property
    def vpc(self) -> Vpc:
        return Vpc(self._ctx, self._d().vpc.v)

    @property
    def mac_address(self) -> str:
        return text(self._d().mac_string)

    @property
    def private_ip_address(self) -> Optional[str]:
        """The primary private IPv4 (None for an ``efa-only`` interface)."""
        return text(self._d().private_ip) or None

    @property
    def public_ip(self) -> Optional[str]:
        """The primary address's public IPv4 (auto-assigned or Elastic), if any."""
        return text(self._d().public_ip) or None

    @property
    def description(self) -> str:
        return text(self._d().description)

    @description.setter
    def description(self, value: str) -> None:
        check(lib.eni_nic_set_description(self._ctx._ptr, self._cid(), cstr(value, "description")))

    @property
    def source_dest_check(self) -> bool:
        return bool(self._d().source_dest_check)

    @source_dest_check.setter
    def source_dest_check(self, enabled: bool) -> None:
        check(lib.eni_nic_set_source_dest_check(self._ctx._ptr, self._cid(), int(bool(enabled))))

    @property
    def groups(self) -> List[SecurityGroup]:
        ids = list_ids(self._ctx, "eni_sg_id",
                       lambda o, c, n: lib.eni_nic_get_groups(self._ctx._ptr, self._cid(),
                                                              o, c, n))
        return [SecurityGroup(self._ctx, v) for v in ids]

    @groups.setter
    def groups(self, groups: Sequence[SecurityGroup]) -> None:
        groups = as_list(groups, "groups")
        arr = id_array("eni_sg_id", groups) if groups else ffi.NULL
        check(lib.eni_nic_set_groups(self._ctx._ptr, self._cid(), arr, len(groups)))

    @property
    def addresses(self) -> List[Address]:
        """Every private address, IPv4 first (the primary leading), then IPv6."""
        out, n = fetch_all("eni_nic_address",
                           lambda o, c, k: lib.eni_nic_get_addresses(self._ctx._ptr, self._cid(),
                                                                     o, c, k))
        return [Address(address=text(a.address), family=int(a.family), primary=bool(a.primary),
                        public_ip=text(a.public_ip) or None,
                        elastic_ip=wrap(self._ctx, a.eip.v, ElasticIp))
                for a in (out[i] for i in range(n))]

    @property
    def private_ip_addresses(self) -> List[str]:
        return [a.address for a in self.addresses if a.family == 4]

    @property
    def ipv6_addresses(self) -> List[str]:
        return [a.address for a in self.addresses if a.family == 6]

    @property
    def attachment(self) -> Optional[Attachment]:
        return wrap(self._ctx, self._d().attachment.v, Attachment)

    @property
    def instance(self) -> Optional[Instance]:
        return wrap(self._ctx, self._d().instance.v, Instance)

    @property
    def conntrack_timeouts(self) -> ConntrackTimeouts:
        c = self._d().conntrack
        return ConntrackTimeouts(int(c.tcp_established), int(c.udp_stream), int(c.udp))

    @conntrack_timeouts.setter
    def conntrack_timeouts(self, t: ConntrackTimeouts) -> None:
        self.set_conntrack_timeouts(tcp_established=t.tcp_established, udp_stream=t.udp_stream,
                                    udp=t.udp)

    def set_conntrack_timeouts(self, *, tcp_established: int = 0, udp_stream: int = 0,
                               udp: int = 0) -> None:
        """Set some of the idle timeouts (seconds); 0 keeps a value as it is."""
        c = ffi.new("eni_conntrack_timeouts *", [as_uint(tcp_established, "tcp_established"),
                                                 as_uint(udp_stream, "udp_stream"),
                                                 as_uint(udp, "udp")])
        check(lib.eni_nic_set_conntrack_timeouts(self._ctx._ptr, self._cid(), c))

    # -- addresses -----------------------------------------------------------
    def _address_call(self, call: Any, addresses: Optional[Iterable[str]], *rest: int) -> None:
        keep: List[Any] = []  # the strings, alive until the call returns
        arr, n = str_array(addresses, "addresses", keep)
        check(call(self._ctx._ptr, self._cid(), arr, n, *rest))

    def assign_private_ip_addresses(self, addresses: Optional[Iterable[str]] = None, *,
                                    count: int = 0, allow_reassignment: bool = False) -> None:
        """``AssignPrivateIpAddresses``: given addresses (a list), or ``count`` picked by
        libeni."""
        flags = lib.ENI_ASSIGN_ALLOW_REASSIGNMENT if allow_reassignment else 0
        self._address_call(lib.eni_nic_assign_private_ips, addresses, as_uint(count, "count"),
                           flags)

    def unassign_private_ip_addresses(self, addresses: Iterable[str]) -> None:
        """``UnassignPrivateIpAddresses`` (a list; never the primary)."""
        self._address_call(lib.eni_nic_unassign_private_ips, addresses)

    def assign_ipv6_addresses(self, addresses: Optional[Iterable[str]] = None, *,
                              count: int = 0) -> None:
        """``AssignIpv6Addresses``: given addresses (a list), or ``count`` picked by libeni."""
        self._address_call(lib.eni_nic_assign_ipv6, addresses, as_uint(count, "count"))

    def unassign_ipv6_addresses(self, addresses: Iterable[str]) -> None:
        """``UnassignIpv6Addresses`` (a list)."""
        self._address_call(lib.eni_nic_unassign_ipv6, addresses)

    # -- delegated prefixes (_addressing.py) --------------------------------
    @property
    def ipv4_prefixes(self) -> List[str]:
        """Delegated IPv4 /28 prefixes (``Ipv4Prefixes``), in the order delegated."""
        from ._addressing import prefixes
        return prefixes(self, 4)

    @property
    def ipv6_prefixes(self) -> List[str]:
        """Delegated IPv6 /80 prefixes (``Ipv6Prefixes``)."""
        from ._addressing import prefixes
        return prefixes(self, 6)

    def assign_ipv4_prefixes(self, prefixes: Optional[Iterable[str]] = None, *,
                             count: int = 0) -> None:
        """``AssignPrivateIpAddresses`` with ``Ipv4Prefixes`` (a list of /28s) or
        ``Ipv4PrefixCount``; each takes one of the type's address slots."""
        from ._addressing import assign_prefixes
        assign_prefixes(self, 4, prefixes, count)

    def assign_ipv6_prefixes(self, prefixes: Optional[Iterable[str]] = None, *,
                             count: int = 0) -> None:
        """``AssignIpv6Addresses`` with ``Ipv6Prefixes`` (/80s) or ``Ipv6PrefixCount``."""
        from ._addressing import assign_prefixes
        assign_prefixes(self, 6, prefixes, count)

    def unassign_prefixes(self, prefixes: Iterable[str]) -> None:
        """Take delegated prefixes of either family back (a list)."""
        from ._addressing import unassign_prefixes
        unassign_prefixes(self, prefixes)

    # -- attach --------------------------------------------------------------
    def attach(self, instance: Instance, device_index: int,
               network_card_index: int = 0) -> Attachment:
        """``AttachNetworkInterface``: hot on a running instance, warm on a stopped one.
        The attachment is ``attaching`` until :meth:`Context.poll` delivers the
        backend's completion."""
        out = ffi.new("eni_attachment_id *")
        check(lib.eni_nic_attach(self._ctx._ptr, self._cid(), instance._cid(),
                                 as_uint(device_index, "device_index"),
                                 as_uint(network_card_index, "network_card_index"), out))
        return Attachment(self._ctx, out.v)

    def detach(self, force: bool = False) -> None:
        """Detach from its instance (``IncorrectState`` when it is not attached)."""
        att = self.attachment
        if att is None:
            from ._errors import InvalidStateError
            raise InvalidStateError(lib.ENI_ESTATE, f"{self.id} is not attached",
                                    "IncorrectState")
        att.detach(force)

    def delete(self) -> None:
        """``DeleteNetworkInterface`` (``InvalidNetworkInterface.InUse`` while attached)."""
        check(lib.eni_nic_delete(self._ctx._ptr, self._cid()))

    # -- evaluator -----------------------------------------------------------
    @property
    def conntrack(self) -> "ConntrackStats":
        """Tracked flows and the conntrack allowance's gauges."""
        from ._eval import ConntrackStats
        st = ffi.new("eni_conntrack_stats *")
        st.size = ffi.sizeof("eni_conntrack_stats")
        check(lib.eni_nic_get_conntrack(self._ctx._ptr, self._cid(), st))
        return ConntrackStats._from(st)

    @property
    def eval_memory(self) -> "EvalMemory":
        """Bytes the evaluator holds for this interface: compiled rules, network
        ACL, flow tables and the rest of its snapshot (all 0 if never attached)."""
        from ._eval import EvalMemory
        m = ffi.new("eni_eval_memory *")
        m.size = ffi.sizeof("eni_eval_memory")
        check(lib.eni_nic_get_eval_memory(self._ctx._ptr, self._cid(), m))
        return EvalMemory._from(m)

    def set_conntrack_allowance(self, max_flows: int) -> None:
        """The most flows this interface ever tracks, whatever its instance's budget
        (tracked flows are kept)."""
        check(lib.eni_nic_set_conntrack_allowance(self._ctx._ptr, self._cid(),
                                                  as_uint(max_flows, "max_flows")))

    def flows(self, now_ns: Optional[int] = None) -> List["Flow"]:
        """The live tracked flows, seen from the interface."""
        from ._eval import Flow, _now
        now = _now(now_ns)
        out, n = fetch_all("eni_flow_info",
                           lambda o, c, k: lib.eni_nic_list_flows(self._ctx._ptr, self._cid(), now,
                                                                  o, c, k))
        return [Flow._from(out[i]) for i in range(n)]

    def sweep_flows(self, now_ns: Optional[int] = None) -> int:
        """Remove the flows that have idled out; how many went."""
        from ._eval import _now
        removed = ffi.new("uint32_t *")
        check(lib.eni_nic_sweep_flows(self._ctx._ptr, self._cid(), _now(now_ns), removed))
        return int(removed[0])

    def explain(self, direction: TrafficDirection, packet: "Packet",
                now_ns: Optional[int] = None) -> "Verdict":
        """Would this packet pass, and why (changes nothing)."""
        return self._ctx.explain(self, direction, packet, now_ns)


class ElasticIpAssociation(LibeniObject):
    """An Elastic IP's association (``eipassoc-``)."""

    __slots__ = ()
    _kind = Kind.ELASTIC_IP_ASSOCIATION
    _ctype = "eni_eip_assoc_id"

    def disassociate(self) -> None:
        """``DisassociateAddress`` (idempotent: an association that already ended is not
        an error)."""
        check(lib.eni_eip_disassociate(self._ctx._ptr, self._cid()))


class ElasticIp(LibeniObject):
    """An Elastic IP allocation (``eipalloc-``)."""

    __slots__ = ()
    _kind = Kind.ELASTIC_IP
    _ctype = "eni_eip_id"

    def _d(self) -> Any:
        return self._info("eni_eip_info", lib.eni_eip_describe)

    @property
    def public_ip(self) -> str:
        return text(self._d().public_ip)

    @property
    def association(self) -> Optional[ElasticIpAssociation]:
        return wrap(self._ctx, self._d().association.v, ElasticIpAssociation)

    @property
    def network_interface(self) -> Optional[NetworkInterface]:
        return wrap(self._ctx, self._d().nic.v, NetworkInterface)

    @property
    def private_ip_address(self) -> Optional[str]:
        return text(self._d().private_ip) or None

    @property
    def instance(self) -> Optional[Instance]:
        return wrap(self._ctx, self._d().instance.v, Instance)

    def associate(self, interface: NetworkInterface, private_ip_address: Optional[str] = None,
                  *, allow_reassociation: bool = True) -> ElasticIpAssociation:
        """``AssociateAddress`` to an interface's primary (or given) private IPv4."""
        out = ffi.new("eni_eip_assoc_id *")
        flags = 0 if allow_reassociation else lib.ENI_EIP_NO_REASSOCIATION
        check(lib.eni_eip_associate(self._ctx._ptr, self._cid(), interface._cid(),
                                    cstr(private_ip_address, "private_ip_address"), flags, out))
        return ElasticIpAssociation(self._ctx, out.v)

    def disassociate(self) -> None:
        """``DisassociateAddress`` of its association, if it has one: idempotent, as
        :meth:`ElasticIpAssociation.disassociate` and ``eni_eip_disassociate`` are."""
        assoc = self.association
        if assoc is not None:
            assoc.disassociate()

    def release(self) -> None:
        """``ReleaseAddress``."""
        check(lib.eni_eip_release(self._ctx._ptr, self._cid()))
