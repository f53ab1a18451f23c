# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni for Python: one host's EC2 network-interface model, and its enforcement.

    import libeni

    with libeni.Context(seed=1) as ctx:
        vpc = ctx.create_vpc("10.0.0.0/16")
        subnet = vpc.create_subnet("10.0.1.0/24", "us-east-1a")
        web = vpc.create_security_group("web", "web servers")
        web.authorize_ingress(libeni.Rule("tcp", 443, cidr="0.0.0.0/0"))
        inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
        ctx.poll()                                   # the backend completes the attach
        inst.set_state("running")                    # or libeni.InstanceState.RUNNING
        nic = inst.network_interfaces[0]
        v = ctx.explain(nic, libeni.TrafficDirection.INBOUND,
                        ("tcp", "203.0.113.5", 40000, nic.private_ip_address, 443))
        print(v.reason.name, v.explanation)

Every object an EC2 id names is a small wrapper (``repr`` shows the id);
enums are ``IntEnum``s whose ``str()`` is EC2's name (``running``), and their
names are accepted wherever an enum is; every failure raises a
:class:`LibeniError` subclass carrying ``ec2_code``.
"""


def _load_bundled_libeni() -> None:
    """A wheel (`pip install .`, meson-python 0.12) bundles libeni.so under its
    file name (.libeni.mesonpy.libs/libeni.so.1.0.0) but not the soname link
    the extension asks for (libeni.so.1); loaded first, the dynamic loader
    matches it by its soname. Nothing to do elsewhere (a build tree, meson install)."""
    import ctypes
    import glob
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    for lib in glob.glob(os.path.join(here, "..", ".libeni.mesonpy.libs", "libeni.so.*")):
        ctypes.CDLL(lib)


_load_bundled_libeni()
from ._acl import AclEntry, NetworkAcl
from ._context import Context, Event, LaunchInterface, Quotas, instance_types
from ._enums import (AclRuleAction, Action, AttachKind, AttachmentStatus, EnaSupport, ErrorCode, EventType,
                     Hypervisor, InstanceState, InterfaceStatus, InterfaceType, Kind, LogLevel,
                     MockLatency, MockOp, PciFunctionType, PeerKind, Platform, Reason,
                     RuleDirection, TrafficDirection, Virtualization, VfioReadiness)
from ._errors import (AlreadyExistsError, BackendError, BusyError, CallbackAbortedError,
                      ContextClosedError, DependencyViolationError, InternalError,
                      InUseError, InvalidParameterError, InvalidParameterTypeError,
                      InvalidStateError, LibeniError,
                      LimitExceededError, NotFoundError, NotSupportedError,
                      OperationTimeoutError, OutOfMemoryError, PermissionDeniedError,
                      StaleIdError, StateCorruptError, StateIOError, VersionMismatchError)
from ._eval import ConntrackStats, Counters, EvalMemory, Evaluator, Flow, Packet, PacketLike, Verdict
from . import _ffi
from ._instances import (Address, Attachment, ConntrackTimeouts, Device, ElasticIp,
                         ElasticIpAssociation, Instance, InstanceType, NetworkInterface)
from ._mock import Mock, MockCounters
from ._network import (PrefixList, Rule, SecurityGroup, SecurityGroupRule, Subnet, Vpc,
                       protocol_number)
from ._objects import LibeniObject
from ._vfio import PciFunction, vfio_bind, vfio_functions, vfio_release
from ._aws import AwsEntry, AwsJsonError, AwsLoad, load_aws_json
from ._replay import CaptureError, Replay, ReplayFlow, ReplayPacket, replay_pcap
from ._state import StateInfo

#: The library's version string, e.g. "0.1.0".
__version__: str = _ffi.text(_ffi.lib.eni_version_string())
#: The library's version as MAJOR * 10000 + MINOR * 100 + PATCH.
version_number: int = int(_ffi.lib.eni_version())

# Exported C functions the bindings deliberately do not wrap, and why.
# tests/python/test_symbols.py fails for an export neither wrapped nor listed.
UNBOUND = {
    "eni_backend_post": "for backends written in C: they post completions from their own threads",
    "eni_backend_calloc": "a host service for backends written in C",
    "eni_backend_realloc_array": "a host service for backends written in C",
    "eni_backend_free": "a host service for backends written in C",
    "eni_backend_log": "a host service for backends written in C",
    "eni_backend_fail": "a host service for backends written in C",
    "eni_ctx_backend_call": "for a C backend's own control API (eni/sys/mock.h is bound instead)",
    "eni_error_clear": "the bindings turn every failure into an exception at once; "
                       "nothing is left to clear",
    "eni_err_ec2_code": "used internally when a failure carries no recorded error",
    "eni_eip_allocate": "allocate_address() calls eni_eip_allocate_id, which does the same "
                        "with no id given",
}

__all__ = [
    "Context", "Event", "LaunchInterface", "Quotas", "StateInfo", "instance_types",
    "AclEntry", "AclRuleAction", "NetworkAcl",
    "Action", "AttachKind", "AttachmentStatus", "EnaSupport", "ErrorCode", "EventType",
    "Hypervisor", "InstanceState", "InterfaceStatus", "InterfaceType", "Kind", "LogLevel",
    "MockLatency", "MockOp", "PeerKind", "Platform", "Reason", "RuleDirection",
    "TrafficDirection", "Virtualization",
    "AlreadyExistsError", "BackendError", "BusyError", "CallbackAbortedError",
    "ContextClosedError", "DependencyViolationError", "InternalError", "InUseError",
    "InvalidParameterError", "InvalidParameterTypeError", "InvalidStateError", "LibeniError",
    "LimitExceededError",
    "NotFoundError", "NotSupportedError", "OperationTimeoutError", "OutOfMemoryError",
    "PermissionDeniedError", "StaleIdError", "StateCorruptError", "StateIOError",
    "VersionMismatchError",
    "ConntrackStats", "Counters", "EvalMemory", "Evaluator", "Flow", "Packet", "PacketLike", "Verdict",
    "Address", "Attachment", "ConntrackTimeouts", "Device", "ElasticIp", "ElasticIpAssociation",
    "Instance", "InstanceType", "NetworkInterface", "Mock", "MockCounters",
    "PrefixList", "Rule", "SecurityGroup", "SecurityGroupRule", "Subnet", "Vpc",
    "protocol_number",
    "LibeniObject", "UNBOUND", "version_number",
    "PciFunctionType", "VfioReadiness", "PciFunction", "vfio_functions", "vfio_bind",
    "vfio_release",
    "AwsEntry", "AwsJsonError", "AwsLoad", "load_aws_json",
    "CaptureError", "Replay", "ReplayFlow", "ReplayPacket", "replay_pcap",
]
