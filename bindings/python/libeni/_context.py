# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The context: one host's whole EC2 network-interface model."""
from __future__ import annotations

import contextlib
import logging
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple, Type, Union

from ._enums import (Action, AttachmentStatus, ErrorCode, EventType, InstanceState,
                     InterfaceStatus, InterfaceType, LogLevel, Platform, Reason,
                     TrafficDirection, Virtualization)
from ._errors import (ContextClosedError, InvalidParameterError, InvalidParameterTypeError,
                      LibeniError, as_list, as_uint, check, invalid_value)
from ._eval import Evaluator, Packet, PacketLike, Verdict, _as_packet, _now
from ._ffi import cstr, ffi, lib, text
from ._instances import (Attachment, ConntrackTimeouts, ElasticIp, Instance, InstanceType,
                         NetworkInterface)
from ._mock import Mock
from ._network import PrefixList, SecurityGroup, Subnet, Vpc
from ._objects import LibeniObject, id_array, list_ids, str_array, wrap
from ._state import StateInfo, StatePath, state_path

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
    """Something that happened, delivered by :meth:`Context.poll`, decoded.

    ``type`` is an :class:`EventType`. ``instance``, ``network_interface``,
    ``attachment``, ``security_group`` and ``elastic_ip`` are the objects the
    event is about, where it has them (``None`` otherwise): an attach,
    detach, link or device event has the first three, an ``INSTANCE_STATE``
    event its instance; the model-change events (``Context(model_events=True)``)
    their group, interface or Elastic IP (``ACL_CHANGED``: ``subject`` the
    network ACL, ``related`` the subnet whose association moved), with ``state`` a count or 1/0 and
    ``cookie`` the model's change number. ``state`` is the
    new state as an enum: an :class:`InstanceState` for ``INSTANCE_STATE``,
    the attachment's :class:`AttachmentStatus` for attach, detach and
    device events; for ``LINK_CHANGE`` it stays the number 1 (up) or 0
    (down), also read as ``link_up``. ``status`` is the outcome of a failed
    asynchronous operation, with EC2's code in ``ec2_code``.

    The raw fields of ``eni_event`` stay as they were: ``subject`` and
    ``related`` wrap the ids of those C fields, ``cookie`` is the raw number
    (the caller's for a ``USER`` event, the instance's 64-bit id for an
    attachment event), and the enums compare equal to the raw numbers
    (``int(event.state)``).
    """
    type: EventType
    seq: int
    subject: Optional[LibeniObject]
    related: Optional[LibeniObject]
    cookie: int
    status: ErrorCode
    os_errno: int
    state: Union[InstanceState, AttachmentStatus, int]
    ec2_code: Optional[str]
    instance: Optional[Instance] = None
    network_interface: Optional[NetworkInterface] = None
    attachment: Optional[Attachment] = None
    security_group: Optional[SecurityGroup] = None
    elastic_ip: Optional[ElasticIp] = None

    @property
    def link_up(self) -> Optional[bool]:
        """For ``LINK_CHANGE``: whether the link came up; None for other events."""
        return bool(self.state) if self.type == EventType.LINK_CHANGE else None

    @classmethod
    def _from(cls, ctx: "Context", e: Any) -> "Event":
        etype = EventType(e.type)
        subject, related = wrap(ctx, e.subject), wrap(ctx, e.related)
        objs = [subject, related]
        if etype in _ATTACH_EVENTS:
            objs.append(wrap(ctx, e.cookie))  # an attachment event's instance
        state_enum = _STATE_OF.get(etype)
        state = (state_enum(e.state) if state_enum is not None
                 and e.state in state_enum._value2member_map_ else int(e.state))

        def first(kind: type) -> Any:
            return next((o for o in objs if isinstance(o, kind)), None)
        return cls(type=etype, seq=int(e.seq), subject=subject, related=related,
                   cookie=int(e.cookie), status=ErrorCode(e.status), os_errno=int(e.os_errno),
                   state=state, ec2_code=text(e.ec2_code) or None, instance=first(Instance),
                   network_interface=first(NetworkInterface), attachment=first(Attachment),
                   security_group=first(SecurityGroup), elastic_ip=first(ElasticIp))


# Events whose cookie is the instance an attachment belongs to.
_ATTACH_EVENTS = frozenset({EventType.ATTACH_COMPLETED, EventType.ATTACH_FAILED,
                            EventType.DETACH_COMPLETED, EventType.DETACH_FAILED,
                            EventType.LINK_CHANGE, EventType.DEVICE_REMOVED})


_STATE_OF: Dict[EventType, Type[Union[InstanceState, AttachmentStatus]]] = {
    EventType.INSTANCE_STATE: InstanceState,
    EventType.ATTACH_COMPLETED: AttachmentStatus,
    EventType.ATTACH_FAILED: AttachmentStatus,
    EventType.DETACH_COMPLETED: AttachmentStatus,
    EventType.DETACH_FAILED: AttachmentStatus,
    EventType.DEVICE_REMOVED: AttachmentStatus,
}


@dataclass(frozen=True)
class Quotas:
    """Account quotas the model enforces (EC2's defaults unless changed)."""
    elastic_ips: int
    network_interfaces: int
    security_groups: int
    rules_per_group: int
    groups_per_interface: int
    #: network ACL entries per direction and family, the implicit deny included
    acl_rules: int = 20
    network_acls_per_vpc: int = 200
    cidr_blocks_per_vpc: int = 5
    ipv6_cidr_blocks_per_vpc: int = 5


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
    #: ``DeleteOnTermination``: None for EC2's default (true for a new interface,
    #: false for an existing one); True is refused for an existing interface.
    delete_on_termination: Optional[bool] = None
    associate_public_ip_address: Optional[bool] = None
    id: Optional[str] = None  #: the ``eni-`` id EC2 gave a new interface


class Context:
    """One host's EC2 network-interface model (``eni_ctx``).

    Use it as a context manager, or call :meth:`close`. Objects it hands out
    keep it alive; once closed, every call through them raises
    :class:`~libeni.ContextClosedError`.

    Args:
        seed: makes id strings (and addresses libeni picks) reproducible; an
            int from 0 to 2**64 - 1.
        log: a :class:`logging.Logger` or a ``callable(level, message)``.
        log_level: the most verbose level passed to ``log``: a :class:`LogLevel`,
            its name (``"debug"``) or number.
        backend: ``"mock"``, the simulated backend (the default), or ``"vfio"``, real
            ENA/EFA functions (see :func:`libeni.vfio_functions`).
        backend_config: the backend's configuration string (for ``"vfio"``:
            ``sysfs=``, ``dev=``, ``functions=a;b``, ``bind=1``).
        model_events: also deliver events for model changes (rules, group
            membership, addresses, Elastic IPs, remote members), coalesced.
        state: a state file (a path: ``str``, ``bytes`` or ``os.PathLike``) that
            keeps the model across restarts: every accepted change is committed
            to it before the call returns, a context made on an existing file
            starts with the model it holds (same ids and id strings: the file's
            seed wins over ``seed``), and :meth:`close` hands the tracked flows
            over to the next context. One context at a time may hold a file
            (another gets :class:`~libeni.BusyError`); a damaged file raises
            :class:`~libeni.StateCorruptError`.
        flow_checkpoint_ms: with ``state``, :meth:`poll` also saves the flows
            when this many milliseconds have passed since they were last
            saved, bounding what a crash loses; 0 saves them only at
            :meth:`close` and :meth:`save_flows`.
    """

    def __init__(self, *, seed: Optional[int] = None, log: Optional[LogSink] = None,
                 log_level: LogLevel = LogLevel.WARN, backend: str = "mock",
                 backend_config: Optional[str] = None, model_events: bool = False,
                 state: Optional[StatePath] = None, flow_checkpoint_ms: int = 0) -> None:
        self._p: Any = None
        self._evaluators: "weakref.WeakSet[Evaluator]" = weakref.WeakSet()
        self._backlog: List["Event"] = []  # events polled on the caller's behalf
        # every option is checked before anything is made
        level = LogLevel._of(log_level, "log_level")
        if log is not None and not callable(log) and not isinstance(log, logging.Logger):
            raise InvalidParameterTypeError(
                f"log takes a logging.Logger or a callable, not {type(log).__name__}")
        ops = {"mock": lib.eni_mock_backend_ops, "vfio": lib.eni_vfio_backend_ops}.get(backend)
        if ops is None:
            raise invalid_value(f"unknown backend {backend!r} (the bindings offer 'mock' and "
                                "'vfio')")
        opts = ffi.new("eni_ctx_opts *")
        check(lib.eni_ctx_opts_init(opts, ffi.sizeof("eni_ctx_opts")))
        if seed is not None:
            opts.seed = as_uint(seed, "seed", 64)
        if not isinstance(model_events, bool):
            raise InvalidParameterTypeError("model_events takes True or False")
        opts.flags = lib.ENI_CTX_MODEL_EVENTS if model_events else 0
        path = state_path(state)  # kept alive until eni_ctx_new returns; C copies what it needs
        opts.state_path = path
        opts.flow_checkpoint_ms = as_uint(flow_checkpoint_ms, "flow_checkpoint_ms")
        self._log_handle = None
        if log is not None:
            self._log_handle = ffi.new_handle(log)
            opts.log_fn = lib._eni_py_log
            opts.log_userdata = self._log_handle
            opts.log_level = int(level)
        out = ffi.new("eni_ctx **")
        check(lib.eni_ctx_new(opts, out))
        self._p = out[0]
        try:
            check(lib.eni_ctx_set_backend(self._p, ops(), cstr(backend_config, "backend_config")))
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
        """Free the context and everything in it (idempotent). With a state file,
        this is the graceful stop: the tracked flows are saved for the next
        context, and the file is released."""
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
                      int(q.groups_per_nic), int(q.acl_rules), int(q.acls_per_vpc),
                      int(q.cidr_blocks_per_vpc), int(q.ipv6_cidr_blocks_per_vpc))

    def set_quotas(self, *, elastic_ips: int = 0, network_interfaces: int = 0,
                   security_groups: int = 0, rules_per_group: int = 0,
                   groups_per_interface: int = 0, acl_rules: int = 0,
                   network_acls_per_vpc: int = 0, cidr_blocks_per_vpc: int = 0,
                   ipv6_cidr_blocks_per_vpc: int = 0) -> None:
        """Change some quotas; 0 keeps one as it is (EC2 requires groups per
        interface x rules per group <= 1000)."""
        q = ffi.new("eni_quotas *")
        q.size = ffi.sizeof("eni_quotas")
        q.eips = as_uint(elastic_ips, "elastic_ips")
        q.nics = as_uint(network_interfaces, "network_interfaces")
        q.security_groups = as_uint(security_groups, "security_groups")
        q.rules_per_group = as_uint(rules_per_group, "rules_per_group")
        q.groups_per_nic = as_uint(groups_per_interface, "groups_per_interface")
        q.acl_rules = as_uint(acl_rules, "acl_rules")
        q.acls_per_vpc = as_uint(network_acls_per_vpc, "network_acls_per_vpc")
        q.cidr_blocks_per_vpc = as_uint(cidr_blocks_per_vpc, "cidr_blocks_per_vpc")
        q.ipv6_cidr_blocks_per_vpc = as_uint(ipv6_cidr_blocks_per_vpc,
                                             "ipv6_cidr_blocks_per_vpc")
        check(lib.eni_ctx_set_quotas(self._ptr, q))

    def set_op_timeout(self, seconds: float) -> None:
        """How long an attach or detach may wait for the backend before it is rolled back."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidParameterTypeError(
                f"seconds takes a number, not {type(seconds).__name__}")
        if not 0 <= seconds * 1e9 < 1 << 64:  # in nanoseconds, as C takes it; refuses NaN
            raise invalid_value(f"op timeout {seconds!r} s is out of range (0 to 2**64 ns, "
                                "about 584 years)")
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

    @property
    def model_generation(self) -> int:
        """The model's change counter: every change of the model advances it, so
        two equal readings mean nothing changed in between (also the ``cookie``
        of model-change events)."""
        out = ffi.new("uint64_t *")
        check(lib.eni_ctx_model_generation(self._ptr, out))
        return int(out[0])

    # -- the state file (eni/state.h) -----------------------------------------
    @property
    def state_info(self) -> StateInfo:
        """The state file: whether there is one, its schema, what it loaded and
        how much has been written since (see :class:`~libeni.StateInfo`)."""
        return StateInfo._read(self._ptr)

    def save_flows(self, now_ns: int = 0) -> int:
        """Hand the tracked flows over to the state file now (as :meth:`close`
        does) and return how many were saved. ``now_ns`` is the clock given to
        the evaluator: flows already idle past their timeout are left out; 0
        saves every flow. ``InvalidParameterError`` without a state file."""
        saved = ffi.new("uint64_t *")
        check(lib.eni_ctx_save_flows(self._ptr, as_uint(now_ns, "now_ns", 64), saved))
        return int(saved[0])

    def batch_begin(self) -> None:
        """Open a batch: the changes until the matching :meth:`batch_end` are
        committed to the state file together. Batches nest; prefer :meth:`batch`."""
        check(lib.eni_ctx_batch_begin(self._ptr))

    def batch_end(self) -> None:
        """Close a batch; the outermost one commits. ``InvalidStateError`` when no
        batch is open; ``StateIOError`` when the file refused the commit, and then
        every change of the batch is undone."""
        check(lib.eni_ctx_batch_end(self._ptr))

    @contextlib.contextmanager
    def batch(self) -> Iterator["Context"]:
        """``with ctx.batch():`` commits the block's changes to the state file in
        one transaction, at its end.

        The block's changes apply at once (the evaluator sees each one); the
        file gets them together, so a crash inside the block loses all of
        them. An exception leaving the block still ends the batch, which
        commits the calls that succeeded (a batch is not a rollback), and is
        re-raised; should that end fail too, its error is added to the
        exception's notes. Without a state file it changes nothing."""
        self.batch_begin()
        try:
            yield self
        except BaseException as exc:
            try:
                self.batch_end()
            except LibeniError as end_error:
                if hasattr(exc, "add_note"):  # Python 3.11
                    exc.add_note(f"ending the batch failed too: {end_error!r}")
            raise
        self.batch_end()

    def reconcile(self) -> Tuple[int, int]:
        """Settle the attachments a restart left attaching or detaching with the
        backend: returns ``(completed, rolled_back)``. The first :meth:`poll`
        after a restart does it by itself; ``(0, 0)`` when nothing waited."""
        completed, rolled_back = ffi.new("uint32_t *"), ffi.new("uint32_t *")
        check(lib.eni_ctx_reconcile(self._ptr, completed, rolled_back))
        return int(completed[0]), int(rolled_back[0])

    def get(self, id_string: str) -> LibeniObject:
        """The object an EC2 id string names (``Invalid...ID.Malformed`` / ``.NotFound``)."""
        out = ffi.new("uint64_t *")
        check(lib.eni_id_parse(self._ptr, cstr(id_string, "id_string"), lib.ENI_KIND_NONE, out))
        obj = wrap(self, out[0])
        assert obj is not None
        return obj

    # -- events --------------------------------------------------------------
    def poll(self, max_events: int = 0) -> List[Event]:
        """Let the backend make progress and return the events that were pending
        (all of them when ``max_events`` is 0)."""
        max_events = as_uint(max_events, "max_events")
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
        return int(lib.eni_ctx_pending_events(self._ptr)) + len(self._backlog)

    # -- waiting without busy-polling (selectors, asyncio) --------------------
    def fileno(self) -> int:
        """A descriptor that is readable while :meth:`poll` has events, for
        ``selectors`` and ``asyncio`` (``loop.add_reader``). It belongs to the
        context: do not read or close it. Wait at most :meth:`timeout` seconds
        on it, since some work is driven by time rather than by an event."""
        fd = ffi.new("int *")
        check(lib.eni_ctx_event_fd(self._ptr, fd))
        return int(fd[0])

    def timeout(self) -> Optional[float]:
        """Seconds a caller may wait before :meth:`poll` has work: 0 when
        events wait, ``None`` when nothing is in flight (wait for
        :meth:`fileno` alone)."""
        if self._backlog:
            return 0.0
        ms = int(lib.eni_ctx_timeout_ms(self._ptr))
        return None if ms < 0 else ms / 1000.0

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block (without the GIL) until :meth:`poll` has work; ``False`` when
        ``timeout`` seconds passed first (``None``: no limit)."""
        if timeout is None:
            ms = -1
        else:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
                raise InvalidParameterTypeError(
                    f"timeout takes seconds as a number, not {type(timeout).__name__}")
            if not 0 <= timeout * 1000 < 2**31:  # int32 milliseconds; also refuses NaN
                raise invalid_value(f"timeout {timeout!r} s is out of range (0 to 2147483.647 s)")
            ms = int(timeout * 1000)
        if self._backlog:
            return True
        rc = lib.eni_ctx_wait(self._ptr, ms)
        if rc == lib.ENI_ETIMEDOUT:
            return False
        check(rc)
        return True

    def post_user_event(self, cookie: int) -> None:
        """Queue an ``EventType.USER`` event carrying ``cookie`` (to wake a poller)."""
        check(lib.eni_ctx_post_user_event(self._ptr, as_uint(cookie, "cookie", 64)))

    # -- VPCs, groups, prefix lists -------------------------------------------
    def create_vpc(self, cidr_block: str, *, ipv6_cidr_block: Optional[str] = None,
                   amazon_provided_ipv6_cidr_block: bool = False, id: Optional[str] = None,
                   default_group_id: Optional[str] = None,
                   default_acl_id: Optional[str] = None) -> Vpc:
        """``CreateVpc`` (with its default security group and network ACL). ``id``,
        ``default_group_id`` and ``default_acl_id``: the ids EC2 gave them, for
        mirroring a Region."""
        spec = ffi.new("eni_vpc_spec *")
        spec.size = ffi.sizeof("eni_vpc_spec")
        keep = [cstr(cidr_block, "cidr_block"), cstr(ipv6_cidr_block, "ipv6_cidr_block"),
                cstr(id, "id"), cstr(default_group_id, "default_group_id"),
                cstr(default_acl_id, "default_acl_id")]
        (spec.cidr_block, spec.ipv6_cidr_block, spec.id, spec.default_group_id,
         spec.default_acl_id) = keep
        spec.flags = lib.ENI_VPC_AMAZON_IPV6 if amazon_provided_ipv6_cidr_block else 0
        out = ffi.new("eni_vpc_id *")
        check(lib.eni_vpc_create(self._ptr, spec, out))
        return Vpc(self, out.v)

    def vpcs(self) -> List[Vpc]:
        return [Vpc(self, v) for v in
                list_ids(self, "eni_vpc_id", lambda o, c, n: lib.eni_vpc_list(self._ptr, o, c, n))]

    def create_prefix_list(self, name: str, max_entries: int, family: int = 4,
                           entries: Sequence[str] = (), *, id: Optional[str] = None) -> PrefixList:
        """``CreateManagedPrefixList`` (``family`` 4 or 6), with its first entries;
        ``id`` is the ``pl-`` id EC2 gave it."""
        entries = as_list(entries, "entries")
        spec = ffi.new("eni_prefix_list_spec *")
        spec.size = ffi.sizeof("eni_prefix_list_spec")
        keep = [cstr(name, "name"), cstr(id, "id")]
        spec.name = keep[0]
        spec.family = as_uint(family, "family")
        spec.max_entries = as_uint(max_entries, "max_entries")
        spec.id = keep[1]
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
                  conntrack_timeouts: Optional[ConntrackTimeouts] = None,
                  id: Optional[str] = None) -> None:
        spec.size = ffi.sizeof("eni_nic_spec")
        keep.append(cstr(id, "id"))
        spec.id = keep[-1]
        spec.type = InterfaceType._of(interface_type, "interface_type")
        spec.subnet.v = subnet.id_value
        keep += [cstr(description, "description"), cstr(private_ip_address, "private_ip_address")]
        spec.description, spec.private_ip = keep[-2], keep[-1]
        arr, n = str_array(secondary_private_ip_addresses, "secondary_private_ip_addresses",
                           keep)
        spec.secondary_ips, spec.secondary_ip_list_len = arr, n
        spec.secondary_ip_count = as_uint(secondary_private_ip_address_count,
                                          "secondary_private_ip_address_count")
        arr, n = str_array(ipv6_addresses, "ipv6_addresses", keep)
        spec.ipv6_addresses, spec.ipv6_list_len = arr, n
        spec.ipv6_count = as_uint(ipv6_address_count, "ipv6_address_count")
        groups = as_list(groups, "groups")
        if groups:
            keep.append(id_array("eni_sg_id", groups))
            spec.groups, spec.group_count = keep[-1], len(groups)
        spec.flags = lib.ENI_NIC_SPEC_NO_IPV6 if no_ipv6 else 0
        if conntrack_timeouts is not None:
            t = conntrack_timeouts
            spec.conntrack.tcp_established = as_uint(t.tcp_established, "tcp_established")
            spec.conntrack.udp_stream = as_uint(t.udp_stream, "udp_stream")
            spec.conntrack.udp = as_uint(t.udp, "udp")

    def create_network_interface(self, subnet: Subnet, **kwargs: Any) -> NetworkInterface:
        """``CreateNetworkInterface``.

        Keyword arguments: ``groups`` (the VPC's default group if none),
        ``description``, ``private_ip_address``, ``secondary_private_ip_addresses``
        or ``secondary_private_ip_address_count``, ``ipv6_addresses`` or
        ``ipv6_address_count``, ``interface_type``, ``no_ipv6`` (opt out of the
        subnet's assign-on-creation), ``conntrack_timeouts``, ``id`` (the
        ``eni-`` id EC2 gave it).
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
        for s in as_list(status, "status"):
            mask |= 1 << InterfaceStatus._of(s, "status")
        f.status_mask = mask
        return [NetworkInterface(self, v) for v in
                list_ids(self, "eni_nic_id", lambda o, c, n: lib.eni_nic_list(self._ptr, f, o, c, n))]

    # -- instances -------------------------------------------------------------
    def create_instance(self, instance_type: str, *, subnet: Optional[Subnet] = None,
                        virtualization: Virtualization = Virtualization.HVM,
                        platform: Platform = Platform.LINUX,
                        ena_support: bool = True, id: Optional[str] = None) -> Instance:
        """An instance with no interfaces yet, ``pending`` (to attach them cold);
        ``id`` is the ``i-`` id EC2 gave it."""
        spec = ffi.new("eni_instance_spec *")
        spec.size = ffi.sizeof("eni_instance_spec")
        keep = [cstr(instance_type, "instance_type"), cstr(id, "id")]
        spec.instance_type, spec.id = keep
        if subnet is not None:
            spec.subnet.v = subnet.id_value
        spec.virtualization = Virtualization._of(virtualization, "virtualization")
        spec.platform = Platform._of(platform, "platform")
        spec.flags = 0 if ena_support else lib.ENI_INSTANCE_NO_ENA_SUPPORT
        out = ffi.new("eni_instance_id *")
        check(lib.eni_instance_create(self._ptr, spec, out))
        return Instance(self, out.v)

    def run_instance(self, instance_type: str, interfaces: Sequence[LaunchInterface] = (), *,
                     subnet: Optional[Subnet] = None, groups: Sequence[SecurityGroup] = (),
                     virtualization: Virtualization = Virtualization.HVM,
                     platform: Platform = Platform.LINUX,
                     instance_id: Optional[str] = None) -> Instance:
        """``RunInstances`` for one instance with its interfaces cold-attached.

        Either ``interfaces``, or ``subnet`` (and ``groups``) for a single
        primary interface. The instance is ``pending``; its attachments
        complete through :meth:`poll`.
        """
        interfaces = as_list(interfaces, "interfaces")
        if not interfaces:
            if subnet is None:
                raise invalid_value("give interfaces, or a subnet for the primary interface")
            interfaces = [LaunchInterface(subnet=subnet, groups=groups)]
        keep: List[Any] = [cstr(instance_type, "instance_type")]
        nics = ffi.new("eni_launch_nic[]", len(interfaces))
        for i, li in enumerate(interfaces):
            n = nics[i]
            n.size = ffi.sizeof("eni_launch_nic")
            n.device_index = as_uint(li.device_index, f"interfaces[{i}].device_index")
            n.network_card_index = as_uint(li.network_card_index,
                                           f"interfaces[{i}].network_card_index")
            dot = li.delete_on_termination
            if dot is not None and not isinstance(dot, bool):
                raise InvalidParameterTypeError(
                    f"interfaces[{i}].delete_on_termination takes True, False or None")
            n.flags = (0 if dot is None else lib.ENI_LAUNCH_DELETE_ON_TERMINATION if dot
                       else lib.ENI_LAUNCH_KEEP_ON_TERMINATION)
            if li.associate_public_ip_address is True:
                n.flags |= lib.ENI_LAUNCH_PUBLIC_IP
            elif li.associate_public_ip_address is False:
                n.flags |= lib.ENI_LAUNCH_NO_PUBLIC_IP
            if li.existing is not None:
                n.existing.v = li.existing.id_value
            else:
                if li.subnet is None:
                    raise invalid_value(f"interface {i}: give existing, or a subnet")
                spec = ffi.new("eni_nic_spec *")
                keep.append(spec)
                self._nic_spec(spec, keep, li.subnet, groups=li.groups,
                               description=li.description,
                               private_ip_address=li.private_ip_address,
                               secondary_private_ip_address_count=(
                                   li.secondary_private_ip_address_count),
                               ipv6_address_count=li.ipv6_address_count,
                               interface_type=li.interface_type, id=li.id)
                n.spec = spec
        ls = ffi.new("eni_launch_spec *")
        ls.size = ffi.sizeof("eni_launch_spec")
        ls.instance_type = keep[0]
        ls.virtualization = Virtualization._of(virtualization, "virtualization")
        ls.platform = Platform._of(platform, "platform")
        ls.nics, ls.nic_count = nics, len(interfaces)
        keep.append(cstr(instance_id, "instance_id"))
        ls.instance_id = keep[-1]
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
        for s in as_list(states, "states"):
            mask |= 1 << (InstanceState._of(s, "states") >> 4)
        f.state_mask = mask
        return [Instance(self, v) for v in
                list_ids(self, "eni_instance_id",
                         lambda o, c, n: lib.eni_instance_list(self._ptr, f, o, c, n))]

    def clear_remote_source(self, source: str) -> int:
        """Forget every member ``source`` (a host that left) stated, in every
        group; returns how many groups had some."""
        keep = cstr(source, "source")
        groups = ffi.new("uint32_t *")
        check(lib.eni_ctx_clear_remote_source(self._ptr, keep, groups))
        return int(groups[0])

    # -- Elastic IPs -----------------------------------------------------------
    def allocate_address(self, *, allocation_id: Optional[str] = None) -> ElasticIp:
        """``AllocateAddress``; ``allocation_id`` is the ``eipalloc-`` id EC2 gave it."""
        out = ffi.new("eni_eip_id *")
        keep = cstr(allocation_id, "allocation_id")
        check(lib.eni_eip_allocate_id(self._ptr, keep, out))
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
        buf = ffi.new("char[]", lib.ENI_EXPLAIN_TEXT_MAX)
        direction = TrafficDirection._of(direction, "direction")
        check(lib.eni_eval_explain(self._ptr, interface._cid(), direction, p, _now(now_ns),
                                   v, buf, lib.ENI_EXPLAIN_TEXT_MAX))
        return Verdict._from(self, v, text(buf))


def instance_types() -> List[InstanceType]:
    """Every instance type libeni knows, by name."""
    return InstanceType.all()
