# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Controls of the mock backend: latency, fault injection, device events."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._enums import InterfaceType, MockLatency, MockOp
from ._errors import as_int32, as_uint, check
from ._ffi import ffi, lib

if TYPE_CHECKING:
    from ._context import Context
    from ._instances import Attachment

__all__ = ["Mock", "MockCounters"]


@dataclass(frozen=True)
class MockCounters:
    devices: int
    attach_calls: int
    detach_calls: int
    completions: int
    failures: int
    drops: int
    removals: int


class Mock:
    """The mock backend of a context (``Context.mock``); every call fails with
    :class:`NotSupportedError` when the context runs another backend."""

    def __init__(self, ctx: "Context") -> None:
        self._ctx = ctx

    def configure(self, latency: MockLatency = MockLatency.IMMEDIATE, *, polls: int = 0,
                  delay_ns: int = 0) -> None:
        """When completions arrive: at once, after ``polls`` polls, or after ``delay_ns``."""
        c = ffi.new("eni_mock_config *")
        c.size = ffi.sizeof("eni_mock_config")
        c.latency = MockLatency._of(latency, "latency")
        c.polls, c.delay_ns = as_uint(polls, "polls"), as_uint(delay_ns, "delay_ns", 64)
        check(lib.eni_mock_configure(self._ctx._ptr, c))

    def fail_nth(self, op: MockOp, n: int, os_errno: int = 5, *, sync: bool = False) -> None:
        """Make the ``n``-th next ``op`` fail with ``os_errno``: at once (``sync``) or as a
        failed completion."""
        check(lib.eni_mock_fail_nth(self._ctx._ptr, MockOp._of(op, "op"), as_uint(n, "n"),
                                    as_int32(os_errno, "os_errno"),
                                    lib.ENI_MOCK_FAIL_SYNC if sync else 0))

    def drop_nth(self, op: MockOp, n: int) -> None:
        """Make the ``n``-th next ``op`` never complete (the op timeout then rolls it back)."""
        check(lib.eni_mock_drop_nth(self._ctx._ptr, MockOp._of(op, "op"), as_uint(n, "n")))

    def remove_device(self, attachment: "Attachment") -> None:
        """Simulate the device of an attachment disappearing (hot unplug)."""
        check(lib.eni_mock_remove_device(self._ctx._ptr, attachment._cid()))

    def adopt_device(self, attachment: "Attachment",
                     interface_type: InterfaceType = InterfaceType.INTERFACE) -> None:
        """Give the mock a device (link up) for an attachment it never attached, as
        hardware that outlived the agent's restart has one: after a state file is
        reopened, :meth:`Context.reconcile` then completes an attach that was in
        flight instead of rolling it back. ``AlreadyExistsError`` if it has one."""
        check(lib.eni_mock_adopt_device(self._ctx._ptr, attachment._cid(),
                                        InterfaceType._of(interface_type, "interface_type")))

    def set_link(self, attachment: "Attachment", up: bool) -> None:
        """Raise or drop an attached device's link."""
        check(lib.eni_mock_set_link(self._ctx._ptr, attachment._cid(), int(bool(up))))

    @property
    def counters(self) -> MockCounters:
        c = ffi.new("eni_mock_counters *")
        c.size = ffi.sizeof("eni_mock_counters")
        check(lib.eni_mock_get_counters(self._ctx._ptr, c))
        return MockCounters(int(c.devices), int(c.attach_calls), int(c.detach_calls),
                            int(c.completions), int(c.failures), int(c.drops), int(c.removals))
