# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The durable model through the bindings (eni/state.h): Context(state=...),
batches, flows handed over at close, reconcile, and the state file's errors.

Every test makes its own file under tmp_path; nothing outlives the test.
"""
import gc
import os
import sqlite3
import time

import pytest

import libeni
from libeni import (AttachmentStatus, ErrorCode, InstanceState, MockLatency, Reason, Rule,
                    TrafficDirection)

IN, OUT = TrafficDirection.INBOUND, TrafficDirection.OUTBOUND
CLIENT = "203.0.113.5"


def open_state(path, **kw):
    """A Context on `path`; skipped when this libeni was built without SQLite."""
    try:
        return libeni.Context(state=path, **kw)
    except libeni.NotSupportedError as e:
        pytest.skip(f"no state file support in this build: {e}")


def build_model(ctx):
    """A VPC with a subnet, a group with a rule, a running instance and an
    Elastic IP on its interface; returns the interface."""
    vpc = ctx.create_vpc("10.0.0.0/16")
    subnet = vpc.create_subnet("10.0.1.0/24", "us-east-1a")
    web = vpc.create_security_group("web", "web servers")
    web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    inst = ctx.run_instance("m5.large", subnet=subnet, groups=[web])
    ctx.poll()
    inst.set_state(InstanceState.RUNNING)
    nic = inst.network_interfaces[0]
    ctx.allocate_address().associate(nic)
    return nic


def ids(ctx):
    """Every VPC, interface, instance and Elastic IP id string of the model."""
    return sorted([v.id for v in ctx.vpcs()] + [n.id for n in ctx.network_interfaces()]
                  + [i.id for i in ctx.instances()] + [a.id for a in ctx.addresses()])


def open_flow(ctx, nic, sport=50000, now_ns=1):
    """An outbound SYN from `nic` to CLIENT:443: allowed by the default egress rule,
    it leaves a tracked flow."""
    with ctx.evaluator() as ev:
        v = ev.evaluate_one(nic, OUT, ("tcp", nic.private_ip_address, sport, CLIENT, 443, "S"),
                            now_ns=now_ns)
    assert v.reason == Reason.RULE


def reply(ctx, nic, sport=50000, now_ns=2):
    """CLIENT's SYN-ACK to open_flow's SYN: only a tracked flow lets it in (`web` has
    no rule for it)."""
    with ctx.evaluator() as ev:
        return ev.evaluate_one(nic, IN, ("tcp", CLIENT, 443, nic.private_ip_address, sport, "SA"),
                               now_ns=now_ns)


# ---- the model across a close ----------------------------------------------------------

def test_model_survives_close_and_reopen(tmp_path):
    """What a Context built is there again in the next one on the same file: the same
    ids, the same dump, a clean check; the file's seed wins over the new one."""
    path = tmp_path / "s.db"
    with open_state(path, seed=7) as ctx:
        nic = build_model(ctx)
        nic_id, nic_ip = nic.id, nic.private_ip_address
        before_ids, before_dump = ids(ctx), ctx.dump()
        info = ctx.state_info
        assert info.open and info.schema == info.library_schema and info.objects_loaded == 0
        assert info.commits > 0 and info.rows_written > 0
    assert path.exists()
    with open_state(str(path), seed=99) as again:
        assert ids(again) == before_ids
        assert again.dump() == before_dump
        again.check()
        assert again.get(nic_id).private_ip_address == nic_ip
        info = again.state_info
        assert info.open and not info.batch and not info.broken
        assert info.objects_loaded > 0 and info.commits == 0
        assert info.schema == info.library_schema >= 2


def test_reopened_model_takes_changes(tmp_path):
    """A reopened model is a live one: a change made in it is there the time after."""
    path = tmp_path / "s.db"
    with open_state(path) as ctx:
        build_model(ctx)
    with open_state(path) as ctx:
        vpc = ctx.vpcs()[0]
        vpc.create_security_group("db", "databases")
        after = ctx.dump()
    with open_state(os.fsencode(path)) as ctx:
        assert ctx.dump() == after
        assert sorted(g.name for g in ctx.vpcs()[0].security_groups()) == \
            ["db", "default", "web"]


def test_second_context_on_the_same_file_is_busy(tmp_path):
    """One context at a time holds a file: a second one gets BusyError (the first is
    untouched), and the file opens again once the first is closed."""
    path = tmp_path / "s.db"
    first = open_state(path)
    try:
        first.create_vpc("10.0.0.0/16")
        with pytest.raises(libeni.BusyError) as e:
            libeni.Context(state=path)
        assert e.value.code == ErrorCode.EBUSY and e.value.name == "ENI_EBUSY"
        assert len(first.vpcs()) == 1
        first.check()
    finally:
        first.close()
    with libeni.Context(state=path) as second:
        assert len(second.vpcs()) == 1


@pytest.mark.parametrize("content", [b"this is not a database\n" * 200, b"\x00" * 4096],
                         ids=["text", "zeros"])
def test_garbage_file_is_corrupt_and_left_alone(tmp_path, content):
    """A file that is no SQLite database raises StateCorruptError and is not changed."""
    path = tmp_path / "s.db"
    path.write_bytes(content)
    try:
        libeni.Context(state=path)
    except libeni.NotSupportedError as e:
        pytest.skip(f"no state file support in this build: {e}")
    except libeni.StateCorruptError as e:
        assert e.code == ErrorCode.ECORRUPT and e.name == "ENI_ECORRUPT" and e.message
    else:
        pytest.fail("a garbage state file was accepted")
    assert path.read_bytes() == content


def test_foreign_sqlite_database_is_corrupt_and_left_alone(tmp_path):
    """A SQLite database of someone else's is not a libeni state file: StateCorruptError,
    and its table is still there."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (42)")
    db.close()
    before = path.read_bytes()
    with pytest.raises((libeni.StateCorruptError, libeni.NotSupportedError)) as e:
        libeni.Context(state=path)
    if isinstance(e.value, libeni.NotSupportedError):
        pytest.skip("no state file support in this build")
    assert path.read_bytes() == before
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT x FROM t").fetchall() == [(42,)]
    db.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    """A file a newer libeni wrote (its schema past this library's) raises
    VersionMismatchError and is not changed."""
    path = tmp_path / "s.db"
    with open_state(path) as ctx:
        ctx.create_vpc("10.0.0.0/16")
        newer = ctx.state_info.library_schema + 1
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {newer}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(libeni.VersionMismatchError) as e:
        libeni.Context(state=path)
    assert e.value.code == ErrorCode.EVERSION
    assert path.read_bytes() == before


def test_unopenable_path_is_an_io_error(tmp_path):
    """A state file that cannot be created (its directory is missing) raises
    StateIOError, an OSError; nothing is created."""
    path = tmp_path / "missing" / "s.db"
    with pytest.raises((libeni.StateIOError, libeni.NotSupportedError)) as e:
        libeni.Context(state=path)
    if isinstance(e.value, libeni.NotSupportedError):
        pytest.skip("no state file support in this build")
    assert isinstance(e.value, OSError)
    assert e.value.code == ErrorCode.EIO and e.value.name == "ENI_EIO"
    assert e.value.errno == (e.value.os_errno or None)
    assert not (tmp_path / "missing").exists()


# ---- batches -------------------------------------------------------------------------------

def test_batch_commits_once(tmp_path):
    """`with ctx.batch()` commits its changes in one transaction, at its end; nested
    batches commit at the outermost end."""
    with open_state(tmp_path / "s.db") as ctx:
        start = ctx.state_info.commits
        with ctx.batch() as same:
            assert same is ctx
            vpc = ctx.create_vpc("10.0.0.0/16")
            vpc.create_subnet("10.0.1.0/24", "us-east-1a")
            vpc.create_security_group("web", "web servers")
            info = ctx.state_info
            assert info.batch and info.commits == start
        info = ctx.state_info
        assert not info.batch and info.commits == start + 1
        ctx.batch_begin()
        ctx.batch_begin()
        vpc.create_security_group("db", "databases")
        ctx.batch_end()
        assert ctx.state_info.batch and ctx.state_info.commits == start + 1
        ctx.batch_end()
        assert not ctx.state_info.batch and ctx.state_info.commits == start + 2
        with pytest.raises(libeni.InvalidStateError):
            ctx.batch_end()  # none is open
        ctx.check()


def test_batch_ends_and_reraises_on_exception(tmp_path):
    """An exception leaving the block still ends the batch, which commits what
    succeeded (it is not a rollback), and is re-raised as it was."""
    path = tmp_path / "s.db"
    with open_state(path) as ctx:
        vpc = ctx.create_vpc("10.0.0.0/16")
        start = ctx.state_info.commits

        class Boom(Exception):
            pass

        with pytest.raises(Boom, match="out of the block"):
            with ctx.batch():
                vpc.create_security_group("web", "web servers")
                raise Boom("out of the block")
        info = ctx.state_info
        assert not info.batch and info.commits == start + 1
        with pytest.raises(libeni.InvalidParameterError):
            with ctx.batch():
                vpc.create_subnet("192.168.0.0/24", "us-east-1a")  # outside the VPC
        assert not ctx.state_info.batch
        after = ctx.dump()
    with open_state(path) as ctx:
        assert ctx.dump() == after
        assert "web" in [g.name for g in ctx.vpcs()[0].security_groups()]


# ---- flows -----------------------------------------------------------------------------------

def test_save_flows_returns_the_number_of_flows(tmp_path):
    """save_flows() hands every tracked flow over and says how many."""
    with open_state(tmp_path / "s.db") as ctx:
        nic = build_model(ctx)
        assert ctx.save_flows() == 0
        open_flow(ctx, nic, 50000)
        open_flow(ctx, nic, 50001)
        assert len(nic.flows(now_ns=2)) == 2
        assert ctx.save_flows() == 2
        assert ctx.save_flows(now_ns=2) == 2
        # far past the timeout of a half-open TCP flow: nothing is left to save
        assert ctx.save_flows(now_ns=10**6 * 10**9) == 0


def test_flow_survives_close_and_reopen(tmp_path):
    """A flow tracked before close() lets its reply in after the reopen (TRACKED); a
    reply to a flow that never was is still dropped."""
    path = tmp_path / "s.db"
    with open_state(path) as ctx:
        nic = build_model(ctx)
        nic_id = nic.id
        open_flow(ctx, nic, 50000)
    with open_state(path) as ctx:
        assert ctx.state_info.flows_loaded == 1
        nic = ctx.get(nic_id)
        assert len(nic.flows(now_ns=2)) == 1
        assert reply(ctx, nic, 50000).reason == Reason.TRACKED
        stranger = reply(ctx, nic, 50999)
        assert not stranger.allowed and stranger.reason == Reason.NO_RULE


def test_dropping_the_last_reference_hands_flows_over(tmp_path):
    """A Context nobody refers to any more is freed by __del__, which saves the flows as
    close() does."""
    path = tmp_path / "s.db"

    def run():
        ctx = open_state(path)
        open_flow(ctx, build_model(ctx), 50000)
    run()
    gc.collect()
    with open_state(path) as ctx:  # also: the file is free again
        assert ctx.state_info.flows_loaded == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
@pytest.mark.parametrize("checkpoint_ms", [0, 1])
def test_flow_checkpoint_bounds_what_a_crash_loses(tmp_path, checkpoint_ms):
    """A process that dies without close() loses its flows, unless flow_checkpoint_ms
    had poll() save them."""
    path = tmp_path / "s.db"
    with open_state(path):
        pass  # skips here without SQLite, not in the child
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        status = 1
        try:
            ctx = libeni.Context(state=path, flow_checkpoint_ms=checkpoint_ms)
            open_flow(ctx, build_model(ctx), 50000)
            time.sleep(0.01)
            ctx.poll()
            status = 0
        finally:
            os._exit(status)  # a crash: no eni_ctx_free
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    with open_state(path) as ctx:
        assert len(ctx.network_interfaces()) == 1  # the model was committed all along
        assert ctx.state_info.flows_loaded == (1 if checkpoint_ms else 0)


# ---- attachments in flight -------------------------------------------------------------------

def attach_in_flight(path):
    """Close a Context on `path` while an attach waits for the backend; returns the
    attachment's id."""
    with open_state(path) as ctx:
        nic = build_model(ctx)
        inst = nic.attachment.instance
        spare = ctx.vpcs()[0].subnets()[0].create_network_interface(description="spare")
        ctx.mock.configure(MockLatency.AFTER_POLLS, polls=1000)
        att = spare.attach(inst, 1)
        assert att.status == AttachmentStatus.ATTACHING
        return att.id


def test_reconcile_without_anything_waiting(tmp_path):
    """reconcile() returns a (completed, rolled_back) tuple, (0, 0) when nothing waited,
    with or without a state file."""
    with open_state(tmp_path / "s.db") as ctx:
        build_model(ctx)
        assert ctx.reconcile() == (0, 0)
    with libeni.Context() as ctx:
        result = ctx.reconcile()
        assert isinstance(result, tuple) and result == (0, 0)


def test_reconcile_rolls_back_an_attach_whose_device_is_gone(tmp_path):
    """An attach in flight at close is rolled back after the reopen when the backend
    has no device for it."""
    path = tmp_path / "s.db"
    att_id = attach_in_flight(path)
    with open_state(path) as ctx:
        assert ctx.state_info.reconcile
        assert ctx.get(att_id).status == AttachmentStatus.ATTACHING
        assert ctx.reconcile() == (0, 1)
        assert not ctx.state_info.reconcile
        assert ctx.reconcile() == (0, 0)
        ctx.check()


def test_reconcile_completes_an_attach_whose_device_is_there(tmp_path):
    """With the device there (Mock.adopt_device), the attach in flight completes."""
    path = tmp_path / "s.db"
    att_id = attach_in_flight(path)
    with open_state(path) as ctx:
        att = ctx.get(att_id)
        ctx.mock.adopt_device(att)
        assert ctx.reconcile() == (1, 0)
        assert att.status == AttachmentStatus.ATTACHED
        ctx.check()


# ---- without a state file, and arguments ------------------------------------------------------

def test_state_info_without_a_file():
    """A Context without a state file reports open False and schema 0; batches are
    accepted and commit nothing; save_flows() has nothing to save to."""
    with libeni.Context() as ctx:
        info = ctx.state_info
        assert isinstance(info, libeni.StateInfo)
        assert (info.open, info.schema, info.flags) == (False, 0, 0)
        assert (info.objects_loaded, info.flows_loaded, info.commits, info.rows_written) == \
            (0, 0, 0, 0)
        assert info.library_schema >= 2
        with ctx.batch():
            ctx.create_vpc("10.0.0.0/16")
            assert ctx.state_info.batch and ctx.state_info.flags == libeni._ffi.lib.ENI_STATE_BATCH
        assert ctx.state_info.commits == 0 and len(ctx.vpcs()) == 1
        with pytest.raises(libeni.InvalidParameterError):
            ctx.save_flows()


def test_state_arguments_are_checked(tmp_path):
    """state takes a path or None, flow_checkpoint_ms an unsigned int and a state file;
    nothing is created when one is refused."""
    with pytest.raises(libeni.InvalidParameterTypeError):
        libeni.Context(state=42)
    with pytest.raises(libeni.InvalidParameterError, match="NUL"):
        libeni.Context(state=str(tmp_path / "a\0b"))
    with pytest.raises(libeni.InvalidParameterError):
        libeni.Context(state="")
    with pytest.raises(libeni.InvalidParameterError):
        libeni.Context(flow_checkpoint_ms=100)  # needs a state file
    with pytest.raises(libeni.InvalidParameterError):
        libeni.Context(state=tmp_path / "s.db", flow_checkpoint_ms=-1)
    with pytest.raises(libeni.InvalidParameterTypeError):
        libeni.Context(state=tmp_path / "s.db", flow_checkpoint_ms=1.5)
    assert list(tmp_path.iterdir()) == []


def test_closed_context_refuses_state_calls(tmp_path):
    """Every state call on a closed Context raises ContextClosedError."""
    ctx = open_state(tmp_path / "s.db")
    ctx.close()
    for call in (lambda: ctx.state_info, ctx.save_flows, ctx.batch_begin, ctx.batch_end,
                 ctx.reconcile):
        with pytest.raises(libeni.ContextClosedError):
            call()
    with pytest.raises(libeni.ContextClosedError):
        with ctx.batch():
            pass
