# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni's error codes as Python exceptions: the class for each code, the
EC2 code, the built-in bases, and the rule that a failed call changes nothing."""
import copy
import inspect
import pickle

import pytest

import libeni
from libeni import ErrorCode, InstanceState, MockOp, Rule
from libeni import _errors  # error_for(): the code -> exception step every call goes through

CLASS_FOR = {
    ErrorCode.EINVAL: libeni.InvalidParameterError,
    ErrorCode.ENOMEM: libeni.OutOfMemoryError,
    ErrorCode.ENOTFOUND: libeni.NotFoundError,
    ErrorCode.ESTALE: libeni.StaleIdError,
    ErrorCode.EEXIST: libeni.AlreadyExistsError,
    ErrorCode.ESTATE: libeni.InvalidStateError,
    ErrorCode.EDEPEND: libeni.DependencyViolationError,
    ErrorCode.ELIMIT: libeni.LimitExceededError,
    ErrorCode.EINUSE: libeni.InUseError,
    ErrorCode.EBUSY: libeni.BusyError,
    ErrorCode.ETIMEDOUT: libeni.OperationTimeoutError,
    ErrorCode.ENOTSUP: libeni.NotSupportedError,
    ErrorCode.EVERSION: libeni.VersionMismatchError,
    ErrorCode.EBACKEND: libeni.BackendError,
    ErrorCode.EUSER: libeni.CallbackAbortedError,
    ErrorCode.EPERM: libeni.PermissionDeniedError,
    ErrorCode.EINTERNAL: libeni.InternalError,
    ErrorCode.EIO: libeni.StateIOError,
    ErrorCode.ECORRUPT: libeni.StateCorruptError,
}
# Raised by the bindings themselves, never for a library return code.
BINDINGS_ONLY = {libeni.ContextClosedError, libeni.InvalidParameterTypeError}


@pytest.mark.parametrize("code", [c for c in ErrorCode if c != ErrorCode.OK],
                         ids=lambda c: c.name)
def test_each_code_maps_to_its_class(code):
    """Every error code becomes its own LibeniError subclass, carrying the code and its name."""
    err = _errors.error_for(int(code))
    assert type(err) is CLASS_FOR[code]
    assert err.code == code
    assert err.name == "ENI_" + code.name
    assert isinstance(err.message, str) and err.message


def test_every_error_class_has_a_code():
    """Each exported LibeniError subclass is the class of exactly one code, but those the
    bindings raise themselves."""
    exported = {obj for _, obj in inspect.getmembers(libeni, inspect.isclass)
                if issubclass(obj, libeni.LibeniError) and obj is not libeni.LibeniError}
    assert exported == set(CLASS_FOR.values()) | BINDINGS_ONLY
    assert len(set(CLASS_FOR.values())) == len(CLASS_FOR)


@pytest.mark.parametrize("cls, base", [
    (libeni.InvalidParameterError, ValueError),
    (libeni.NotFoundError, LookupError),
    (libeni.StaleIdError, libeni.NotFoundError),
    (libeni.StaleIdError, LookupError),
    (libeni.OutOfMemoryError, MemoryError),
    (libeni.OperationTimeoutError, TimeoutError),
    (libeni.BackendError, OSError),
    (libeni.PermissionDeniedError, PermissionError),
    (libeni.StateIOError, OSError),
], ids=lambda x: x.__name__)
def test_builtin_bases(cls, base):
    """Errors derive from the closest built-in exception, so `except LookupError` works."""
    assert issubclass(cls, base)
    assert issubclass(cls, libeni.LibeniError)


def test_context_closed_is_a_libeni_error():
    """ContextClosedError is a LibeniError, as the README says every failure is, and still
    a ValueError; it carries a code and survives pickling."""
    assert issubclass(libeni.ContextClosedError, libeni.LibeniError)
    assert issubclass(libeni.ContextClosedError, ValueError)
    ctx = libeni.Context()
    ctx.close()
    with pytest.raises(libeni.LibeniError) as info:
        ctx.create_vpc("10.0.0.0/16")
    err = info.value
    assert type(err) is libeni.ContextClosedError
    assert (err.code, err.name, err.ec2_code) == (ErrorCode.EINVAL, "ENI_EINVAL", None)
    assert str(err) == err.message == "the context is closed"
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is libeni.ContextClosedError and clone.message == err.message


def test_invalid_parameter_type_error_is_both_kinds():
    """A wrong argument type raises InvalidParameterTypeError: a LibeniError with EINVAL and
    InvalidParameterValue, caught by `except TypeError` and `except ValueError` alike."""
    cls = libeni.InvalidParameterTypeError
    assert issubclass(cls, libeni.InvalidParameterError) and issubclass(cls, TypeError)
    err = cls("groups takes a list, not a single str")
    assert (err.code, err.ec2_code) == (ErrorCode.EINVAL, "InvalidParameterValue")
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is cls and (clone.message, clone.ec2_code) == (err.message, err.ec2_code)


# ---- real failures through the API --------------------------------------------------------
# Each setup builds what the failure needs and returns the failing call, so the
# model can be compared just before and after it.

def _einval(s):
    return lambda: s.ctx.create_vpc("10.0.0.0/33")


def _enotfound(s):
    return lambda: s.ctx.get("vpc-0123456789abcdef0")


def _estale(s):
    gone = s.vpc.create_security_group("gone", "deleted")
    gone.delete()
    return lambda: gone.name


def _eexist(s):
    s.web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))
    return lambda: s.web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"))


def _estate(s):
    return lambda: s.running.set_state(InstanceState.PENDING)


def _edepend(s):
    return lambda: s.vpc.delete()


def _elimit(s):
    for index in (1, 2):
        s.subnet.create_network_interface().attach(s.running, index)
    s.ctx.poll()
    fourth = s.subnet.create_network_interface()
    return lambda: fourth.attach(s.running, 3)


def _einuse(s):
    eip = s.ctx.allocate_address()
    eip.associate(s.running.network_interfaces[0])
    return lambda: eip.release()


def _eperm(s):
    return lambda: s.running.network_interfaces[0].detach()


def _ebusy(s):
    s.running.set_state(InstanceState.SHUTTING_DOWN)
    return lambda: s.running.set_state(InstanceState.TERMINATED)


def _ebackend(s):
    nic = s.subnet.create_network_interface()
    s.ctx.mock.fail_nth(MockOp.ATTACH, 1, os_errno=5, sync=True)
    return lambda: nic.attach(s.running, 1)


REAL = [
    pytest.param(_einval, ErrorCode.EINVAL, "InvalidParameterValue", id="EINVAL"),
    pytest.param(_enotfound, ErrorCode.ENOTFOUND, "InvalidVpcID.NotFound", id="ENOTFOUND"),
    pytest.param(_estale, ErrorCode.ESTALE, "InvalidGroup.NotFound", id="ESTALE"),
    pytest.param(_eexist, ErrorCode.EEXIST, "InvalidPermission.Duplicate", id="EEXIST"),
    pytest.param(_estate, ErrorCode.ESTATE, "IncorrectInstanceState", id="ESTATE"),
    pytest.param(_edepend, ErrorCode.EDEPEND, "DependencyViolation", id="EDEPEND"),
    pytest.param(_elimit, ErrorCode.ELIMIT, "AttachmentLimitExceeded", id="ELIMIT"),
    pytest.param(_einuse, ErrorCode.EINUSE, "InvalidIPAddress.InUse", id="EINUSE"),
    pytest.param(_eperm, ErrorCode.EPERM, "OperationNotPermitted", id="EPERM"),
    pytest.param(_ebusy, ErrorCode.EBUSY, "IncorrectInstanceState", id="EBUSY"),
    pytest.param(_ebackend, ErrorCode.EBACKEND, "InternalError", id="EBACKEND"),
]


@pytest.fixture
def scene(ctx, vpc, subnet, web, running):
    class Scene:
        pass
    s = Scene()
    s.ctx, s.vpc, s.subnet, s.web, s.running = ctx, vpc, subnet, web, running
    return s


@pytest.mark.parametrize("setup, code, ec2_code", REAL)
def test_real_failure_raises_the_right_error(scene, setup, code, ec2_code):
    """A refused call raises its code's class with the EC2 code, and changes nothing."""
    call = setup(scene)
    before = scene.ctx.dump()
    with pytest.raises(libeni.LibeniError) as info:
        call()
    err = info.value
    assert type(err) is CLASS_FOR[code]
    assert (err.code, err.name, err.ec2_code) == (code, "ENI_" + code.name, ec2_code)
    assert isinstance(err.message, str) and err.message
    assert str(err) == f"{err.message} ({ec2_code})"
    assert scene.ctx.dump() == before
    scene.ctx.check()


def test_builtin_bases_catch_real_failures(ctx, vpc):
    """`except ValueError` and `except LookupError` catch the library's failures."""
    with pytest.raises(ValueError):
        ctx.create_vpc("10.0.0.0/33")
    with pytest.raises(LookupError):
        ctx.get("sg-0123456789abcdef0")
    sg = vpc.create_security_group("gone", "deleted")
    sg.delete()
    with pytest.raises(libeni.NotFoundError) as stale:
        sg.description
    assert type(stale.value) is libeni.StaleIdError


def test_stale_id_versus_lookup_of_deleted_id(ctx, vpc):
    """A wrapper of a deleted object is stale (ESTALE); looking its id string up is NotFound."""
    sg = vpc.create_security_group("gone", "deleted")
    id_string = sg.id
    sg.delete()
    with pytest.raises(libeni.StaleIdError) as stale:
        sg.name
    assert stale.value.code == ErrorCode.ESTALE
    with pytest.raises(libeni.NotFoundError) as missing:
        ctx.get(id_string)
    assert type(missing.value) is libeni.NotFoundError
    assert missing.value.code == ErrorCode.ENOTFOUND
    assert id_string in missing.value.message


def test_message_is_the_library_message(ctx):
    """The message is the library's own, naming the bad argument."""
    with pytest.raises(libeni.InvalidParameterError) as e:
        ctx.create_vpc("10.0.0.0/33")
    assert "'10.0.0.0/33' is not a valid IPv4 CIDR" in e.value.message
    assert e.value.os_errno == 0


def test_backend_error_carries_os_errno(ctx, running, subnet):
    """A backend failure reports the backend's errno in os_errno."""
    nic = subnet.create_network_interface()
    ctx.mock.fail_nth(MockOp.ATTACH, 1, os_errno=5, sync=True)
    with pytest.raises(libeni.BackendError) as e:
        nic.attach(running, 1)
    assert e.value.os_errno == 5
    assert "Input/output error" in e.value.message


def test_str_and_repr():
    """str is the message with the EC2 code in brackets (just the message without one)."""
    with_code = libeni.DependencyViolationError(ErrorCode.EDEPEND, "in use", "DependencyViolation")
    assert str(with_code) == "in use (DependencyViolation)"
    assert repr(with_code) == ("DependencyViolationError(code=ENI_EDEPEND, "
                               "ec2_code='DependencyViolation', message='in use')")
    without = libeni.OperationTimeoutError(ErrorCode.ETIMEDOUT, "too slow")
    assert without.ec2_code is None and str(without) == "too slow"


def test_errors_survive_pickle_and_copy(vpc, subnet):
    """An error can be pickled and copied with its code, EC2 code and message."""
    with pytest.raises(libeni.DependencyViolationError) as info:
        vpc.delete()
    err = info.value
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert type(clone) is libeni.DependencyViolationError
        assert (clone.code, clone.ec2_code, clone.message) == \
            (err.code, err.ec2_code, err.message)


# ---- a failed call changes nothing -------------------------------------------------------

def test_failed_launch_changes_nothing(ctx, subnet, web):
    """A launch refused at its second interface creates neither instance nor interfaces."""
    before = ctx.dump()
    with pytest.raises(libeni.InvalidParameterError):
        ctx.run_instance("m5.large", [
            libeni.LaunchInterface(subnet=subnet, groups=[web]),
            libeni.LaunchInterface(device_index=1, subnet=subnet, private_ip_address="10.0.2.5"),
        ])
    assert ctx.dump() == before
    assert ctx.instances() == [] and ctx.network_interfaces() == []


def test_failed_batch_authorize_changes_nothing(ctx, web):
    """A rule batch with a bad rule adds none of its rules."""
    before = ctx.dump()
    with pytest.raises(libeni.InvalidParameterError):
        web.authorize_ingress(Rule("tcp", 22, cidr="198.51.100.0/24"),
                              Rule("tcp", 70000, cidr="198.51.100.0/24"))
    assert ctx.dump() == before


def test_failed_prefix_list_creation_changes_nothing(ctx):
    """A prefix list created with too many entries leaves no list behind."""
    before = ctx.dump()
    with pytest.raises(libeni.LimitExceededError):
        ctx.create_prefix_list("tiny", 1, entries=["10.1.0.0/16", "10.2.0.0/16"])
    assert ctx.dump() == before
    assert ctx.prefix_lists() == []


def test_failed_address_assignment_changes_nothing(ctx, running, subnet):
    """Assigning past the type's limit assigns none of the addresses."""
    nic = running.network_interfaces[0]
    before = ctx.dump()
    with pytest.raises(libeni.LimitExceededError):
        nic.assign_private_ip_addresses(count=10)
    assert ctx.dump() == before
    assert nic.private_ip_addresses == [nic.private_ip_address]
