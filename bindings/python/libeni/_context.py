"""The context: one host's whole EC2 network-interface model."""
from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, Union

from ._enums import (Action, ErrorCode, EventType, InstanceState, InterfaceStatus, InterfaceType,
                     Kind, LogLevel, Platform, Reason, TrafficDirection, Virtualization)
from ._errors import ContextClosedError, InvalidParameterError, check
from ._eval import Evaluator, Packet, PacketLike, Verdict, _as_packet, _now
from ._ffi import cstr, ffi, lib, text
from ._instances import (ConntrackTimeouts, ElasticIp, Instance, InstanceType,
                         NetworkInterface)
from ._mock import Mock
from ._network import PrefixList, SecurityGroup, Subnet, Vpc
from ._objects import LibeniObject, id_array, list_ids, wrap

__all__ = ["Context", "Event", "Quotas", "LaunchInterface"]

LogSink = Union[logging.Logger, Callable[[LogLevel, str], None]]

_PY_LEVEL = {LogLevel.ERROR: logging.ERROR, LogLevel.WARN: logging.WARNING,
             LogLevel.INFO: logging.INFO, LogLevel.DEBUG: logging.DEBUG}


@ffi.def_extern()
def _eni_py_log(level: int, message: Any, userdata: Any) -> None:
    sink = ffi.from_handle(userdata)
    lvl = LogLevel(level) if level in LogLevel._value2member_map_ else LogLevel.DEBUG
    msg = text(message)
    if isinstance(sink, logging.Logger):
        sink.log(_PY_LEVEL.get(lvl, logging.DEBUG), "%s", msg)
    else:
        sink(lvl, msg)


@ffi.def_extern()
def _eni_py_event(event: Any, userdata: Any) -> int:
    sink = ffi.from_handle(userdata)
    sink.append(Event._from(sink.ctx, event))
    return 0


class _EventSink(list):  # type: ignore[type-arg]
    def __init__(self, ctx: "Context") -> None:
        super().__init__()
        self.ctx = ctx


@dataclass(frozen=True)
class Event:
    """Something that happened, delivered by :meth:`Context.poll`.

    ``subject`` is what it is about (an attachment, an instance...),
    ``related`` the other object involved (the interface of an attachment).
    ``status`` is the outcome of a failed asynchronous operation, with EC2's
    code in ``ec2_code``.
    """
    type: EventType
    seq: int
    subject: Optional[LibeniObject]
    related: Optional[LibeniObject]
    cookie: int
    status: ErrorCode
    os_errno: int
    state: int
    ec2_code: Optional[str]

    @classmethod
    def _from(cls, ctx: "Context", e: Any) -> "Event":
        return cls(type=EventType(e.type), seq=int(e.seq), subject=wrap(ctx, e.subject),
                   related=wrap(ctx, e.related), cookie=int(e.cookie),
                   status=ErrorCode(e.status), os_errno=int(e.os_errno), state=int(e.state),
                   ec2_code=text(e.ec2_code) or None)


@dataclass(frozen=True)
class Quotas:
    """Account quotas the model enforces (EC2's defaults unless changed)."""
    elastic_ips: int
    network_interfaces: int
    security_groups: int
    rules_per_group: int
    groups_per_interface: int


@dataclass
class LaunchInterface:
    """One interface of ``RunInstances``' ``NetworkInterfaces``: an existing one, or
    one to create in ``subnet``."""
    device_index: int = 0
    network_card_index: int = 0
    existing: Optional[NetworkInterface] = None
    subnet: Optional[Subnet] = None
    groups: Sequence[SecurityGroup] = ()
    private_ip_address: Optional[str] = None
    secondary_private_ip_address_count: int = 0
    ipv6_address_count: int = 0
    interface_type: InterfaceType = InterfaceType.INTERFACE
    description: Optional[str] = None
    delete_on_termination: bool = True
    associate_public_ip_address: Optional[bool] = None


class Context:
    """One host's EC2 network-interface model (``eni_ctx``).

    Use it as a context manager, or call :meth:`close`. Objects it hands out
    keep it alive; once closed, every call through them raises
    :class:`~libeni.ContextClosedError`.

    Args:
        seed: makes id strings (and addresses libeni picks) reproducible.
        log: a :class:`logging.Logger` or a ``callable(level, message)``.
        log_level: the most verbose level passed to ``log``.
        backend: ``"mock"``, the simulated backend (the default), or ``"vfio"``, real
            ENA/EFA functions (see :func:`libeni.vfio_functions`).
        backend_config: the backend's configuration string (for ``"vfio"``:
            ``sysfs=``, ``dev=``, ``functions=a;b``, ``bind=1``).
    """

    def __init__(self, *, seed: Optional[int] = None, log: Optional[LogSink] = None,
                 log_level: LogLevel = LogLevel.WARN, backend: str = "mock",
                 backend_config: Optional[str] = None) -> None:
        self._p: Any = None
        self._evaluators: "weakref.WeakSet[Evaluator]" = weakref.WeakSet()
        self._backlog: List["Event"] = []  # events polled on the caller's behalf
        opts = ffi.new("eni_ctx_opts *")
        check(lib.eni_ctx_opts_init(opts, ffi.sizeof("eni_ctx_opts")))
        if seed is not None:
            opts.seed = seed
        self._log_handle = None
        if log is not None:
            self._log_handle = ffi.new_handle(log)
            opts.log_fn = lib._eni_py_log
            opts.log_userdata = self._log_handle
            opts.log_level = int(log_level)
        out = ffi.new("eni_ctx **")
        check(lib.eni_ctx_new(opts, out))
        self._p = out[0]
        ops = {"mock": lib.eni_mock_backend_ops, "vfio": lib.eni_vfio_backend_ops}.get(backend)
        if ops is None:
            self.close()
            raise ValueError(f"unknown backend {backend!r} (the bindings offer 'mock' and 'vfio')")
        try:
            check(lib.eni_ctx_set_backend(self._p, ops(), cstr(backend_config)))
        except BaseException:
            self.close()
            raise

    # -- lifetime --------------------------------------------------------------
    @property
    def _ptr(self) -> Any:
        if self._p is None:
            raise ContextClosedError("the context is closed")
        return self._p

    @property
    def closed(self) -> bool:
        return self._p is None

    def close(self) -> None:
        """Free the context and everything in it (idempotent)."""
        if self._p is not None:
            for ev in list(self._evaluators):
                ev._forget()  # freed with the context
            lib.eni_ctx_free(self._p)
            self._p = None

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def __repr__(self) -> str:
        return "<libeni.Context closed>" if self.closed else f"<libeni.Context {self.backend_name}>"

    # -- whole-model ---------------------------------------------------------
    @property
    def backend_name(self) -> Optional[str]:
        return text(lib.eni_ctx_backend_name(self._ptr)) or None

    @property
    def mock(self) -> Mock:
        """Controls of the mock backend."""
        return Mock(self)

    @property
    def quotas(self) -> Quotas:
        q = ffi.new("eni_quotas *")
        q.size = ffi.sizeof("eni_quotas")
        check(lib.eni_ctx_get_quotas(self._ptr, q))
        return Quotas(int(q.eips), int(q.nics), int(q.security_groups), int(q.rules_per_group),
                      int(q.groups_per_nic))

    def set_quotas(self, *, elastic_ips: int = 0, network_interfaces: int = 0,
                   security_groups: int = 0, rules_per_group: int = 0,
                   groups_per_interface: int = 0) -> None:
        """Change some quotas; 0 keeps one as it is (EC2 requires groups per
        interface x rules per group <= 1000)."""
        q = ffi.new("eni_quotas *")
        q.size = ffi.sizeof("eni_quotas")
        q.eips, q.nics, q.security_groups = elastic_ips, network_interfaces, security_groups
        q.rules_per_group, q.groups_per_nic = rules_per_group, groups_per_interface
        check(lib.eni_ctx_set_quotas(self._ptr, q))

    def set_op_timeout(self, seconds: float) -> None:
        """How long an attach or detach may wait for the backend before it is rolled back."""
        check(lib.eni_ctx_set_op_timeout(self._ptr, int(seconds * 1e9)))

    def check(self) -> None:
        """Verify the model's invariants (``InternalError`` if one is broken)."""
        check(lib.eni_ctx_check(self._ptr))

    def dump(self) -> str:
        """A canonical text dump of the whole model."""
        needed = ffi.new("size_t *")
        check(lib.eni_ctx_dump(self._ptr, ffi.NULL, 0, needed))
        while True:
            size = needed[0]
            buf = ffi.new("char[]", size)
            rc = lib.eni_ctx_dump(self._ptr, buf, size, needed)
            if rc != lib.ENI_ELIMIT:
                check(rc)
                return text(buf)

    def get(self, id_string: str) -> LibeniObject:
        """The object an EC2 id string names (``Invalid...ID.Malformed`` / ``.NotFound``)."""
        out = ffi.new("uint64_t *")
        check(lib.eni_id_parse(self._ptr, cstr(id_string), lib.ENI_KIND_NONE, out))
        obj = wrap(self, out[0])
        assert obj is not None
        return obj

    # -- events --------------------------------------------------------------
    def poll(self, max_events: int = 0) -> List[Event]:
        """Let the backend make progress and return the events that were pending
        (all of them when ``max_events`` is 0)."""
        kept = self._backlog
        if max_events and len(kept) >= max_events:
            self._backlog = kept[max_events:]
            return kept[:max_events]
        self._backlog = []
        sink = _EventSink(self)
        handle = ffi.new_handle(sink)
        delivered = ffi.new("uint32_t *")
        want = max_events - len(kept) if max_events else 0
        try:
            check(lib.eni_ctx_poll(self._ptr, want, lib._eni_py_event, handle, delivered))
        except BaseException:
            self._backlog = kept + self._backlog
            raise
        return kept + list(sink)

    def _poll_into_backlog(self) -> None:
        """Drive the backend without losing the events to the caller."""
        self._backlog.extend(self._poll_fresh())

    def _poll_fresh(self) -> List["Event"]:
        sink = _EventSink(self)
        handle = ffi.new_handle(sink)
        delivered = ffi.new("uint32_t *")
        check(lib.eni_ctx_poll(self._ptr, 0, lib._eni_py_event, handle, delivered))
        return list(sink)

    @property
    def pending_events(self) -> int:
        return int(lib.eni_ctx_pending_events(self._ptr))

    def post_user_event(self, cookie: int) -> None:
        """Queue an ``EventType.USER`` event carrying ``cookie`` (to wake a poller)."""
        check(lib.eni_ctx_post_user_event(self._ptr, cookie))

    # -- VPCs, groups, prefix lists -------------------------------------------
    def create_vpc(self, cidr_block: str, *, ipv6_cidr_block: Optional[str] = None,
                   amazon_provided_ipv6_cidr_block: bool = False) -> Vpc:
        """``CreateVpc`` (with its default security group)."""
        spec = ffi.new("eni_vpc_spec *")
        spec.size = ffi.sizeof("eni_vpc_spec")
        keep = [cstr(cidr_block), cstr(ipv6_cidr_block)]
        spec.cidr_block, spec.ipv6_cidr_block = keep
        spec.flags = lib.ENI_VPC_AMAZON_IPV6 if amazon_provided_ipv6_cidr_block else 0
        out = ffi.new("eni_vpc_id *")
        check(lib.eni_vpc_create(self._ptr, spec, out))
        return Vpc(self, out.v)

    def vpcs(self) -> List[Vpc]:
        return [Vpc(self, v) for v in
                list_ids(self, "eni_vpc_id", lambda o, c, n: lib.eni_vpc_list(self._ptr, o, c, n))]

    def create_prefix_list(self, name: str, max_entries: int, family: int = 4,
                           entries: Sequence[str] = ()) -> PrefixList:
        """``CreateManagedPrefixList`` (``family`` 4 or 6), with its first entries."""
        spec = ffi.new("eni_prefix_list_spec *")
        spec.size = ffi.sizeof("eni_prefix_list_spec")
        keep = cstr(name)
        spec.name, spec.family, spec.max_entries = keep, family, max_entries
        out = ffi.new("eni_prefix_list_id *")
        check(lib.eni_prefix_list_create(self._ptr, spec, out))
        pl = PrefixList(self, out.v)
        if entries:
            try:
                pl.modify(add=entries)
            except Exception:
                pl.delete()
                raise
        return pl

    def prefix_lists(self) -> List[PrefixList]:
        return [PrefixList(self, v) for v in
                list_ids(self, "eni_prefix_list_id",
                         lambda o, c, n: lib.eni_prefix_list_list(self._ptr, o, c, n))]

    # -- interfaces ------------------------------------------------------------
    @staticmethod
    def _nic_spec(spec: Any, keep: List[Any], subnet: Subnet, *,
                  groups: Sequence[SecurityGroup] = (), description: Optional[str] = None,
                  private_ip_address: Optional[str] = None,
                  secondary_private_ip_addresses: Sequence[str] = (),
                  secondary_private_ip_address_count: int = 0,
                  ipv6_addresses: Sequence[str] = (), ipv6_address_count: int = 0,
                  interface_type: InterfaceType = InterfaceType.INTERFACE,
                  no_ipv6: bool = False,
                  conntrack_timeouts: Optional[ConntrackTimeouts] = None) -> None:
        spec.size = ffi.sizeof("eni_nic_spec")
        spec.type = int(interface_type)
        spec.subnet.v = subnet.id_value
        keep += [cstr(description), cstr(private_ip_address)]
        spec.description, spec.private_ip = keep[-2], keep[-1]
        if secondary_private_ip_addresses:
            strs = [cstr(a) for a in secondary_private_ip_addresses]
            keep += strs
            keep.append(ffi.new("char *[]", strs))
            spec.secondary_ips, spec.secondary_ip_list_len = keep[-1], len(strs)
        spec.secondary_ip_count = secondary_private_ip_address_count
        if ipv6_addresses:
            strs = [cstr(a) for a in ipv6_addresses]
            keep += strs
            keep.append(ffi.new("char *[]", strs))
            spec.ipv6_addresses, spec.ipv6_list_len = keep[-1], len(strs)
        spec.ipv6_count = ipv6_address_count
        groups = list(groups)
        if groups:
            keep.append(id_array("eni_sg_id", groups))
            spec.groups, spec.group_count = keep[-1], len(groups)
        spec.flags = lib.ENI_NIC_SPEC_NO_IPV6 if no_ipv6 else 0
        if conntrack_timeouts is not None:
            spec.conntrack.tcp_established = conntrack_timeouts.tcp_established
            spec.conntrack.udp_stream = conntrack_timeouts.udp_stream
            spec.conntrack.udp = conntrack_timeouts.udp

    def create_network_interface(self, subnet: Subnet, **kwargs: Any) -> NetworkInterface:
        """``CreateNetworkInterface``.

        Keyword arguments: ``groups`` (the VPC's default group if none),
        ``description``, ``private_ip_address``, ``secondary_private_ip_addresses``
        or ``secondary_private_ip_address_count``, ``ipv6_addresses`` or
        ``ipv6_address_count``, ``interface_type``, ``no_ipv6`` (opt out of the
        subnet's assign-on-creation), ``conntrack_timeouts``.
        """
        spec = ffi.new("eni_nic_spec *")
        keep: List[Any] = []
        self._nic_spec(spec, keep, subnet, **kwargs)
        out = ffi.new("eni_nic_id *")
        check(lib.eni_nic_create(self._ptr, spec, out))
        return NetworkInterface(self, out.v)

    def network_interfaces(self, *, vpc: Optional[Vpc] = None, subnet: Optional[Subnet] = None,
                           instance: Optional[Instance] = None,
                           group: Optional[SecurityGroup] = None,
                           status: Sequence[InterfaceStatus] = ()) -> List[NetworkInterface]:
        """``DescribeNetworkInterfaces`` with its common filters."""
        f = ffi.new("eni_nic_filter *")
        f.size = ffi.sizeof("eni_nic_filter")
        for attr, obj in (("vpc", vpc), ("subnet", subnet), ("instance", instance),
                          ("group", group)):
            if obj is not None:
                getattr(f, attr).v = obj.id_value
        mask = 0
        for s in status:
            mask |= 1 << int(s)
        f.status_mask = mask
        return [NetworkInterface(self, v) for v in
                list_ids(self, "eni_nic_id", lambda o, c, n: lib.eni_nic_list(self._ptr, f, o, c, n))]

    # -- instances -------------------------------------------------------------
    def create_instance(self, instance_type: str, *, subnet: Optional[Subnet] = None,
                        virtualization: Virtualization = Virtualization.HVM,
                        platform: Platform = Platform.LINUX,
                        ena_support: bool = True) -> Instance:
        """An instance with no interfaces yet, ``pending`` (to attach them cold)."""
        spec = ffi.new("eni_instance_spec *")
        spec.size = ffi.sizeof("eni_instance_spec")
        keep = cstr(instance_type)
        spec.instance_type = keep
        if subnet is not None:
            spec.subnet.v = subnet.id_value
        spec.virtualization, spec.platform = int(virtualization), int(platform)
        spec.flags = 0 if ena_support else lib.ENI_INSTANCE_NO_ENA_SUPPORT
        out = ffi.new("eni_instance_id *")
        check(lib.eni_instance_create(self._ptr, spec, out))
        return Instance(self, out.v)

    def run_instance(self, instance_type: str, interfaces: Sequence[LaunchInterface] = (), *,
                     subnet: Optional[Subnet] = None, groups: Sequence[SecurityGroup] = (),
                     virtualization: Virtualization = Virtualization.HVM,
                     platform: Platform = Platform.LINUX) -> Instance:
        """``RunInstances`` for one instance with its interfaces cold-attached.

        Either ``interfaces``, or ``subnet`` (and ``groups``) for a single
        primary interface. The instance is ``pending``; its attachments
        complete through :meth:`poll`.
        """
        if not interfaces:
            if subnet is None:
                raise ValueError("give interfaces, or a subnet for the primary interface")
            interfaces = [LaunchInterface(subnet=subnet, groups=groups)]
        keep: List[Any] = [cstr(instance_type)]
        nics = ffi.new("eni_launch_nic[]", len(interfaces))
        for i, li in enumerate(interfaces):
            n = nics[i]
            n.size = ffi.sizeof("eni_launch_nic")
            n.device_index, n.network_card_index = li.device_index, li.network_card_index
            n.flags = (0 if li.delete_on_termination else lib.ENI_LAUNCH_KEEP_ON_TERMINATION)
            if li.associate_public_ip_address is True:
                n.flags |= lib.ENI_LAUNCH_PUBLIC_IP
            elif li.associate_public_ip_address is False:
                n.flags |= lib.ENI_LAUNCH_NO_PUBLIC_IP
            if li.existing is not None:
                n.existing.v = li.existing.id_value
            else:
                if li.subnet is None:
                    raise ValueError(f"interface {i}: give existing, or a subnet")
                spec = ffi.new("eni_nic_spec *")
                keep.append(spec)
                self._nic_spec(spec, keep, li.subnet, groups=li.groups,
                               description=li.description,
                               private_ip_address=li.private_ip_address,
                               secondary_private_ip_address_count=(
                                   li.secondary_private_ip_address_count),
                               ipv6_address_count=li.ipv6_address_count,
                               interface_type=li.interface_type)
                n.spec = spec
        ls = ffi.new("eni_launch_spec *")
        ls.size = ffi.sizeof("eni_launch_spec")
        ls.instance_type = keep[0]
        ls.virtualization, ls.platform = int(virtualization), int(platform)
        ls.nics, ls.nic_count = nics, len(interfaces)
        out = ffi.new("eni_instance_id *")
        check(lib.eni_instance_launch(self._ptr, ls, out))
        return Instance(self, out.v)

    def instances(self, *, vpc: Optional[Vpc] = None, subnet: Optional[Subnet] = None,
                  states: Sequence[InstanceState] = ()) -> List[Instance]:
        """``DescribeInstances`` with its common filters."""
        f = ffi.new("eni_instance_filter *")
        f.size = ffi.sizeof("eni_instance_filter")
        if vpc is not None:
            f.vpc.v = vpc.id_value
        if subnet is not None:
            f.subnet.v = subnet.id_value
        mask = 0
        for s in states:
            mask |= 1 << (int(s) >> 4)
        f.state_mask = mask
        return [Instance(self, v) for v in
                list_ids(self, "eni_instance_id",
                         lambda o, c, n: lib.eni_instance_list(self._ptr, f, o, c, n))]

    # -- Elastic IPs -----------------------------------------------------------
    def allocate_address(self) -> ElasticIp:
        """``AllocateAddress``."""
        out = ffi.new("eni_eip_id *")
        check(lib.eni_eip_allocate(self._ptr, out))
        return ElasticIp(self, out.v)

    def addresses(self) -> List[ElasticIp]:
        """``DescribeAddresses``."""
        return [ElasticIp(self, v) for v in
                list_ids(self, "eni_eip_id", lambda o, c, n: lib.eni_eip_list(self._ptr, o, c, n))]

    # -- evaluator -------------------------------------------------------------
    def evaluator(self) -> Evaluator:
        """A new evaluator (one per thread that judges packets)."""
        return Evaluator(self)

    def explain(self, interface: NetworkInterface, direction: TrafficDirection,
                packet: PacketLike, now_ns: Optional[int] = None) -> Verdict:
        """Would ``packet`` pass, and why: a :class:`Verdict` with the allowing rule and an
        ``explanation`` in words. Changes nothing (no flow is created)."""
        if isinstance(packet, (bytes, bytearray, memoryview)):
            try:
                packet = Packet.parse(packet)
            except InvalidParameterError as e:
                # what the evaluator answers for the same frame, with the reason
                return Verdict(Action.DROP, Reason.MALFORMED,
                               explanation=f"dropped: {e.message}")
        p = ffi.new("eni_pkt *")
        _as_packet(packet)._fill(p)
        v = ffi.new("eni_verdict *")
        buf = ffi.new("char[]", 512)
        check(lib.eni_eval_explain(self._ptr, interface._cid(), int(direction), p, _now(now_ns),
                                   v, buf, 512))
        return Verdict._from(self, v, text(buf))


def instance_types() -> List[InstanceType]:
    """Every instance type libeni knows, by name."""
    return InstanceType.all()
