# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Waiting without busy-polling, and enum names shared with the C library."""
import selectors

import pytest

import libeni
from libeni import (Action, AttachKind, AttachmentStatus, EventType, InstanceState,
                    InterfaceStatus, InterfaceType, Kind, LogLevel, MockLatency, Reason,
                    RuleDirection, TrafficDirection)
from libeni._ffi import ffi, lib


def _readable(ctx, seconds=0.0):
    with selectors.DefaultSelector() as sel:
        sel.register(ctx.fileno(), selectors.EVENT_READ)
        return bool(sel.select(seconds))


def test_fileno_is_readable_while_events_wait():
    with libeni.Context() as ctx:
        fd = ctx.fileno()
        assert fd >= 0 and ctx.fileno() == fd
        assert not _readable(ctx)
        ctx.post_user_event(5)
        assert _readable(ctx)
        assert [e.cookie for e in ctx.poll()] == [5]
        assert not _readable(ctx)


def test_timeout_and_wait():
    with libeni.Context() as ctx:
        assert ctx.timeout() is None            # nothing in flight
        assert ctx.wait(0) is False
        assert ctx.wait(0.01) is False
        ctx.post_user_event(1)
        assert ctx.timeout() == 0.0
        assert ctx.wait() is True               # returns at once
        ctx.poll()
        with pytest.raises(libeni.InvalidParameterError):
            ctx.wait(-1)
        with pytest.raises(libeni.InvalidParameterTypeError):
            ctx.wait("soon")


def test_an_attach_in_flight_asks_for_a_short_timeout():
    with libeni.Context() as ctx:
        ctx.mock.configure(MockLatency.AFTER_POLLS, polls=2)
        vpc = ctx.create_vpc("10.0.0.0/16")
        subnet = vpc.create_subnet("10.0.1.0/24", "us-east-1a")
        ctx.run_instance("m5.large", subnet=subnet)
        ctx.poll()                              # the instance's own event
        t = ctx.timeout()
        assert t is not None and 0 < t <= 0.010
        completed = []
        for _ in range(5):
            assert ctx.wait(1.0)
            completed += [e for e in ctx.poll() if e.type == EventType.ATTACH_COMPLETED]
            if completed:
                break
        assert len(completed) == 1
        assert ctx.timeout() == pytest.approx(0.1)  # attached: a slow watch tick


def test_closed_context_refuses():
    ctx = libeni.Context()
    ctx.close()
    with pytest.raises(libeni.ContextClosedError):
        ctx.fileno()


NAMERS = [
    (InstanceState, lib.eni_instance_state_name),
    (InterfaceType, lib.eni_nic_type_name),
    (InterfaceStatus, lib.eni_nic_status_name),
    (AttachmentStatus, lib.eni_attachment_status_name),
    (AttachKind, lib.eni_attach_kind_name),
    (EventType, lib.eni_event_type_name),
    (LogLevel, lib.eni_log_level_name),
    (RuleDirection, lib.eni_direction_name),
    (TrafficDirection, lib.eni_eval_dir_name),
    (Action, lib.eni_action_name),
    (Reason, lib.eni_reason_name),
    (Kind, lib.eni_kind_name),
]


@pytest.mark.parametrize("enum,namer", NAMERS, ids=[e.__name__ for e, _ in NAMERS])
def test_python_and_c_say_the_same_word(enum, namer):
    for member in enum:
        c_name = ffi.string(namer(int(member))).decode()
        if c_name != "unknown":
            assert str(member) == c_name
            assert enum(c_name) is member       # and accept it back
    assert ffi.string(namer(0xdead)).decode() == "unknown"


def test_known_names():
    assert str(InstanceState.SHUTTING_DOWN) == "shutting-down"
    assert str(InterfaceStatus.IN_USE) == "in-use"
    assert str(Reason.SRC_DST_CHECK) == "source-dest-check"
    assert Reason("src_dst_check") is Reason.SRC_DST_CHECK  # the member's name still works
    assert str(Kind.NETWORK_INTERFACE) == "network-interface"
