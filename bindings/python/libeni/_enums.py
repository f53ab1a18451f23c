# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni's C enums as :class:`enum.IntEnum` classes, named as EC2 names them.

Values come from the C headers through the compiled module, never from
copies here. Every enum is an ``IntEnum`` (its members are the C values)
whose ``str()`` is the value's name as EC2 spells it: ``running``,
``in-use``, ``efa-only``; enums EC2 has no names for are spelled the same
way (``inbound``, ``no-rule``). Where EC2 has a wire name for a value it is
also the member's ``ec2_name``.

Wherever the bindings take an enum they also take its name in that
spelling, or the member's name in any case (``"running"``, ``"RUNNING"``,
``"shutting_down"``), and its number. An unknown name or number raises
:class:`~libeni.InvalidParameterError`; a member of another enum (a
``RuleDirection`` where a ``TrafficDirection`` is wanted), or a value of
another type, :class:`~libeni.InvalidParameterTypeError`.
"""
from __future__ import annotations

import enum
from typing import Any, Optional, Type, TypeVar

from ._errors import InvalidParameterTypeError, invalid_value
from ._ffi import ffi, lib

__all__ = [
    "ErrorCode", "Kind", "LogLevel", "EventType", "InstanceState", "Hypervisor", "EnaSupport",
    "Virtualization", "Platform", "InterfaceType", "InterfaceStatus", "AttachmentStatus",
    "AttachKind", "RuleDirection", "PeerKind", "TrafficDirection", "Action", "Reason",
    "AclRuleAction",
    "MockOp", "MockLatency", "PciFunctionType", "VfioReadiness",
]

E = TypeVar("E", bound="_Enum")

# format() specs that ask for the number rather than the name ("{:d}", "{:#x}")
_NUMERIC_FORMATS = frozenset("bcdeEfFgGnoxX%")


def _spelling(name: str) -> str:
    return name.strip().lower().replace("_", "-")


class _Enum(enum.IntEnum):
    """Base of libeni's enums: ``str()`` is the name as EC2 spells it, and names
    are accepted as input (``InstanceState("running")``)."""

    def __str__(self) -> str:
        namer = _C_NAMES.get(type(self))
        if namer is not None:
            name = ffi.string(namer(int(self))).decode()
            if name != "unknown":
                return name  # the C library's own word (eni/names.h)
        return _spelling(self.name)

    def __format__(self, spec: str) -> str:
        if spec and spec[-1] in _NUMERIC_FORMATS:
            return int.__format__(int(self), spec)
        return format(str(self), spec)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            for member in cls:
                if _spelling(value) in (str(member), _spelling(member.name)):
                    return member
            names = ", ".join(str(m) for m in cls)
            raise invalid_value(f"unknown {cls.__name__} {value!r} (one of: {names})")
        raise invalid_value(f"{value!r} is not a valid {cls.__name__}")

    @classmethod
    def _of(cls: Type[E], value: Any, what: Optional[str] = None) -> E:
        """``value`` as a member: a member, its name or its number; a member of
        another enum, a bool or any other type is refused."""
        if isinstance(value, cls):
            return value
        if isinstance(value, (enum.Enum, bool)) or not isinstance(value, (int, str)):
            got = (f"{type(value).__name__}.{value.name}" if isinstance(value, enum.Enum)
                   else f"{type(value).__name__} {value!r}")
            raise InvalidParameterTypeError(
                f"{what or 'the value'} takes a {cls.__name__} or its name, not {got}")
        return cls(value)


class _Ec2Named(_Enum):
    @property
    def ec2_name(self) -> str:
        """The value as EC2 spells it (``running``, ``in-use``, ``efa-only``...)."""
        return str(self)


class ErrorCode(_Enum):
    OK = lib.ENI_OK
    EINVAL = lib.ENI_EINVAL
    ENOMEM = lib.ENI_ENOMEM
    ENOTFOUND = lib.ENI_ENOTFOUND
    ESTALE = lib.ENI_ESTALE
    EEXIST = lib.ENI_EEXIST
    ESTATE = lib.ENI_ESTATE
    EDEPEND = lib.ENI_EDEPEND
    ELIMIT = lib.ENI_ELIMIT
    EINUSE = lib.ENI_EINUSE
    EBUSY = lib.ENI_EBUSY
    ETIMEDOUT = lib.ENI_ETIMEDOUT
    ENOTSUP = lib.ENI_ENOTSUP
    EVERSION = lib.ENI_EVERSION
    EBACKEND = lib.ENI_EBACKEND
    EUSER = lib.ENI_EUSER
    EPERM = lib.ENI_EPERM
    EINTERNAL = lib.ENI_EINTERNAL
    EIO = lib.ENI_EIO
    ECORRUPT = lib.ENI_ECORRUPT


class Kind(_Enum):
    """What an id names; the EC2 prefix is ``prefix``."""
    NONE = lib.ENI_KIND_NONE
    VPC = lib.ENI_KIND_VPC
    SUBNET = lib.ENI_KIND_SUBNET
    INSTANCE = lib.ENI_KIND_INSTANCE
    NETWORK_INTERFACE = lib.ENI_KIND_NIC
    ATTACHMENT = lib.ENI_KIND_ATTACHMENT
    ELASTIC_IP = lib.ENI_KIND_EIP
    ELASTIC_IP_ASSOCIATION = lib.ENI_KIND_EIP_ASSOC
    SECURITY_GROUP = lib.ENI_KIND_SG
    SECURITY_GROUP_RULE = lib.ENI_KIND_SG_RULE
    PREFIX_LIST = lib.ENI_KIND_PREFIX_LIST
    NETWORK_ACL = lib.ENI_KIND_NETWORK_ACL

    @property
    def prefix(self) -> str:
        """The id prefix, e.g. ``"eni-"``; empty for NONE."""
        from ._ffi import text
        return text(lib.eni_kind_prefix(int(self)))


class LogLevel(_Enum):
    NONE = lib.ENI_LOG_NONE
    ERROR = lib.ENI_LOG_ERROR
    WARN = lib.ENI_LOG_WARN
    INFO = lib.ENI_LOG_INFO
    DEBUG = lib.ENI_LOG_DEBUG
    OFF = lib.ENI_LOG_OFF


class EventType(_Enum):
    NONE = lib.ENI_EVENT_NONE
    USER = lib.ENI_EVENT_USER
    ATTACH_COMPLETED = lib.ENI_EVENT_ATTACH_COMPLETED
    ATTACH_FAILED = lib.ENI_EVENT_ATTACH_FAILED
    DETACH_COMPLETED = lib.ENI_EVENT_DETACH_COMPLETED
    DETACH_FAILED = lib.ENI_EVENT_DETACH_FAILED
    INSTANCE_STATE = lib.ENI_EVENT_INSTANCE_STATE
    LINK_CHANGE = lib.ENI_EVENT_LINK_CHANGE
    DEVICE_REMOVED = lib.ENI_EVENT_DEVICE_REMOVED
    RULES_CHANGED = lib.ENI_EVENT_RULES_CHANGED
    MEMBERSHIP_CHANGED = lib.ENI_EVENT_MEMBERSHIP_CHANGED
    ADDRESSES_CHANGED = lib.ENI_EVENT_ADDRESSES_CHANGED
    EIP_CHANGED = lib.ENI_EVENT_EIP_CHANGED
    REMOTE_MEMBERS_CHANGED = lib.ENI_EVENT_REMOTE_MEMBERS_CHANGED
    ACL_CHANGED = lib.ENI_EVENT_ACL_CHANGED


class InstanceState(_Ec2Named):
    """EC2's instance states, with EC2's state codes as values."""
    PENDING = lib.ENI_INSTANCE_PENDING
    RUNNING = lib.ENI_INSTANCE_RUNNING
    SHUTTING_DOWN = lib.ENI_INSTANCE_SHUTTING_DOWN
    TERMINATED = lib.ENI_INSTANCE_TERMINATED
    STOPPING = lib.ENI_INSTANCE_STOPPING
    STOPPED = lib.ENI_INSTANCE_STOPPED


class Hypervisor(_Ec2Named):
    NONE = lib.ENI_HYPERVISOR_NONE
    NITRO = lib.ENI_HYPERVISOR_NITRO
    XEN = lib.ENI_HYPERVISOR_XEN


class EnaSupport(_Ec2Named):
    UNSUPPORTED = lib.ENI_ENA_UNSUPPORTED
    SUPPORTED = lib.ENI_ENA_SUPPORTED
    REQUIRED = lib.ENI_ENA_REQUIRED


class Virtualization(_Ec2Named):
    HVM = lib.ENI_VIRT_HVM
    PARAVIRTUAL = lib.ENI_VIRT_PARAVIRTUAL


class Platform(_Ec2Named):
    LINUX = lib.ENI_PLATFORM_LINUX
    WINDOWS = lib.ENI_PLATFORM_WINDOWS


class InterfaceType(_Ec2Named):
    """EC2's ``InterfaceType``: ``interface``, ``efa``, ``efa-only``, ``trunk``."""
    INTERFACE = lib.ENI_NIC_INTERFACE
    EFA = lib.ENI_NIC_EFA
    EFA_ONLY = lib.ENI_NIC_EFA_ONLY
    TRUNK = lib.ENI_NIC_TRUNK


class InterfaceStatus(_Ec2Named):
    """EC2's interface ``Status``: ``available``, ``attaching``, ``in-use``, ``detaching``."""
    AVAILABLE = lib.ENI_NIC_AVAILABLE
    ATTACHING = lib.ENI_NIC_ATTACHING
    IN_USE = lib.ENI_NIC_IN_USE
    DETACHING = lib.ENI_NIC_DETACHING


class AttachmentStatus(_Ec2Named):
    ATTACHING = lib.ENI_ATTACHMENT_ATTACHING
    ATTACHED = lib.ENI_ATTACHMENT_ATTACHED
    DETACHING = lib.ENI_ATTACHMENT_DETACHING
    DETACHED = lib.ENI_ATTACHMENT_DETACHED


class AttachKind(_Ec2Named):
    """Cold (at launch), hot (running instance) or warm (stopped instance)."""
    COLD = lib.ENI_ATTACH_COLD
    HOT = lib.ENI_ATTACH_HOT
    WARM = lib.ENI_ATTACH_WARM


class RuleDirection(_Ec2Named):
    """A security-group rule's direction."""
    INGRESS = lib.ENI_INGRESS
    EGRESS = lib.ENI_EGRESS


class PeerKind(_Enum):
    CIDR = lib.ENI_PEER_CIDR
    GROUP = lib.ENI_PEER_GROUP
    PREFIX_LIST = lib.ENI_PEER_PREFIX_LIST


class TrafficDirection(_Enum):
    """Which way a packet crosses the interface."""
    INBOUND = lib.ENI_DIR_INBOUND
    OUTBOUND = lib.ENI_DIR_OUTBOUND


class Action(_Enum):
    DROP = lib.ENI_DROP
    ALLOW = lib.ENI_ALLOW


class Reason(_Enum):
    """Why a packet was allowed or dropped."""
    RULE = lib.ENI_REASON_RULE
    TRACKED = lib.ENI_REASON_TRACKED
    RELATED_ICMP = lib.ENI_REASON_RELATED_ICMP
    UNTRACKED = lib.ENI_REASON_UNTRACKED
    SERVICE = lib.ENI_REASON_SERVICE
    NO_RULE = lib.ENI_REASON_NO_RULE
    SRC_DST_CHECK = lib.ENI_REASON_SRC_DST_CHECK
    NOT_ATTACHED = lib.ENI_REASON_NOT_ATTACHED
    CONNTRACK_FULL = lib.ENI_REASON_CONNTRACK_FULL
    MALFORMED = lib.ENI_REASON_MALFORMED
    ACL_DENY = lib.ENI_REASON_ACL_DENY


class AclRuleAction(_Enum):
    """What a network ACL entry does with the traffic it matches (``RuleAction``)."""
    ALLOW = lib.ENI_ACL_ALLOW
    DENY = lib.ENI_ACL_DENY


class MockOp(_Enum):
    ATTACH = lib.ENI_MOCK_OP_ATTACH
    DETACH = lib.ENI_MOCK_OP_DETACH


class MockLatency(_Enum):
    IMMEDIATE = lib.ENI_MOCK_IMMEDIATE
    AFTER_POLLS = lib.ENI_MOCK_AFTER_POLLS
    AFTER_TIME = lib.ENI_MOCK_AFTER_TIME


class PciFunctionType(_Enum):
    """What kind of Amazon PCI function a device is."""
    ENA_PF = lib.ENI_PCI_ENA_PF
    ENA_VF = lib.ENI_PCI_ENA_VF
    EFA_VF = lib.ENI_PCI_EFA_VF


class VfioReadiness(_Enum):
    """Whether a function can be opened through VFIO now, and if not, why."""
    READY = lib.ENI_VFIO_READY
    NOT_BOUND = lib.ENI_VFIO_NOT_BOUND
    NO_IOMMU_GROUP = lib.ENI_VFIO_NO_IOMMU_GROUP
    SHARED_GROUP = lib.ENI_VFIO_SHARED_GROUP
    NO_PERMISSION = lib.ENI_VFIO_NO_PERMISSION
    NO_DEVICE_NODE = lib.ENI_VFIO_NO_DEVICE_NODE


# Enums whose str() comes from eni/names.h, so C and Python say the same word.
_C_NAMES = {
    InstanceState: lib.eni_instance_state_name,
    InterfaceType: lib.eni_nic_type_name,
    InterfaceStatus: lib.eni_nic_status_name,
    AttachmentStatus: lib.eni_attachment_status_name,
    AttachKind: lib.eni_attach_kind_name,
    EventType: lib.eni_event_type_name,
    LogLevel: lib.eni_log_level_name,
    RuleDirection: lib.eni_direction_name,
    TrafficDirection: lib.eni_eval_dir_name,
    Action: lib.eni_action_name,
    Reason: lib.eni_reason_name,
    Kind: lib.eni_kind_name,
    AclRuleAction: lib.eni_acl_rule_action_name,
}
