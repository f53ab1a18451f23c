# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""libeni's error codes as a Python exception hierarchy.

Every failing call raises a subclass of :class:`LibeniError` that carries
libeni's code, its name, the message the library recorded, and the EC2 error
code (``InvalidNetworkInterfaceID.NotFound``, ``DependencyViolation``...)
where EC2 has one. Subclasses also derive from the closest built-in
exception, so ``except LookupError`` or ``except ValueError`` work too.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Type

from ._ffi import ffi, lib, text

__all__ = [
    "LibeniError", "InvalidParameterError", "OutOfMemoryError", "NotFoundError",
    "StaleIdError", "AlreadyExistsError", "InvalidStateError", "DependencyViolationError",
    "LimitExceededError", "InUseError", "BusyError", "OperationTimeoutError",
    "NotSupportedError", "VersionMismatchError", "BackendError", "CallbackAbortedError",
    "PermissionDeniedError", "InternalError", "StateIOError", "StateCorruptError",
    "ContextClosedError", "InvalidParameterTypeError",
]


class LibeniError(Exception):
    """A libeni call failed.

    Attributes:
        code: libeni's negative error code (an :class:`~libeni.ErrorCode`).
        name: the code's name, e.g. ``"ENI_EDEPEND"``.
        ec2_code: the EC2 error code, or ``None`` where EC2 has none.
        message: the library's message for this failure.
        os_errno: the OS errno behind a backend failure, else 0.
    """

    def __init__(self, code: int, message: str, ec2_code: Optional[str] = None,
                 os_errno: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.name = text(lib.eni_err_name(code))
        self.ec2_code = ec2_code or None
        self.message = message
        self.os_errno = os_errno
        if isinstance(self, OSError):
            self.errno = os_errno or None
            self.strerror = message

    def __reduce__(self) -> Any:
        # rebuilt from the same arguments (pickling, copy, multiprocessing)
        return (type(self), (self.code, self.message, self.ec2_code, self.os_errno))

    def __str__(self) -> str:
        return f"{self.message} ({self.ec2_code})" if self.ec2_code else self.message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(code={self.name}, ec2_code={self.ec2_code!r}, "
                f"message={self.message!r})")


class InvalidParameterError(LibeniError, ValueError):
    """ENI_EINVAL: a bad argument (EC2 ``InvalidParameterValue`` and kin)."""


class OutOfMemoryError(LibeniError, MemoryError):
    """ENI_ENOMEM: the library could not allocate; nothing changed."""


class NotFoundError(LibeniError, LookupError):
    """ENI_ENOTFOUND: no such object (EC2 ``*.NotFound``)."""


class StaleIdError(NotFoundError):
    """ENI_ESTALE: the id named an object that has since been deleted."""


class AlreadyExistsError(LibeniError):
    """ENI_EEXIST: it already exists (EC2 ``*.Duplicate``)."""


class InvalidStateError(LibeniError):
    """ENI_ESTATE: not allowed in the object's current state (EC2 ``IncorrectState``...)."""


class DependencyViolationError(LibeniError):
    """ENI_EDEPEND: something still depends on the object (EC2 ``DependencyViolation``)."""


class LimitExceededError(LibeniError):
    """ENI_ELIMIT: a quota or per-type limit would be exceeded (EC2 ``*LimitExceeded``)."""


class InUseError(LibeniError):
    """ENI_EINUSE: the address, index or slot is taken (EC2 ``*.InUse``)."""


class BusyError(LibeniError):
    """ENI_EBUSY: an operation on the object is still in progress."""


class OperationTimeoutError(LibeniError, TimeoutError):
    """ENI_ETIMEDOUT: the backend did not complete in time; the change was rolled back."""


class NotSupportedError(LibeniError):
    """ENI_ENOTSUP: not supported by this instance type, backend or build."""


class VersionMismatchError(LibeniError):
    """ENI_EVERSION: a struct size or ABI version the library does not know."""


class BackendError(LibeniError, OSError):
    """ENI_EBACKEND: the backend failed; ``os_errno`` says why."""


class CallbackAbortedError(LibeniError):
    """ENI_EUSER: a callback asked to stop."""


class PermissionDeniedError(LibeniError, PermissionError):
    """ENI_EPERM: not permitted (EC2 ``UnauthorizedOperation`` and kin)."""


class InternalError(LibeniError):
    """ENI_EINTERNAL: a library invariant failed; please report it."""


class StateIOError(LibeniError, OSError):
    """ENI_EIO: the state file could not be read or written; the call changed nothing,
    in memory or in the file. ``os_errno`` says why, when it is known."""


class StateCorruptError(LibeniError):
    """ENI_ECORRUPT: the state file is damaged, truncated or not a libeni state file;
    nothing was loaded and the file was left as it was."""


class _RaisedByBindings(LibeniError):
    """A failure the bindings detect themselves: made from its message alone."""

    _ec2_code: Optional[str] = None

    def __init__(self, message: str, code: int = lib.ENI_EINVAL,
                 ec2_code: Optional[str] = None, os_errno: int = 0) -> None:
        super().__init__(code, message, ec2_code or self._ec2_code, os_errno)

    def __reduce__(self) -> Any:
        return (type(self), (self.message, self.code, self.ec2_code, self.os_errno))


class InvalidParameterTypeError(_RaisedByBindings, InvalidParameterError, TypeError):
    """An argument of the wrong type, refused by the bindings before any C call.

    A single ``str`` (or ``bytes``) where a list is wanted, one enum where
    another is (``RuleDirection`` for a ``TrafficDirection``), a float for an
    enum. Code ``ENI_EINVAL``, EC2 code ``InvalidParameterValue``; it is also
    a :class:`TypeError` (and, as every :class:`InvalidParameterError`, a
    :class:`ValueError`).
    """

    _ec2_code = "InvalidParameterValue"


class ContextClosedError(_RaisedByBindings, ValueError):
    """The :class:`~libeni.Context` (or evaluator) was closed.

    Raised by the bindings, not the library: code ``ENI_EINVAL`` (what the C
    API answers for a NULL context), no EC2 code. Also a :class:`ValueError`,
    as Python's own "I/O operation on closed file" is.
    """

    def __init__(self, message: str = "the context is closed", code: int = lib.ENI_EINVAL,
                 ec2_code: Optional[str] = None, os_errno: int = 0) -> None:
        super().__init__(message, code, ec2_code, os_errno)


_BY_CODE: Dict[int, Type[LibeniError]] = {
    lib.ENI_EINVAL: InvalidParameterError,
    lib.ENI_ENOMEM: OutOfMemoryError,
    lib.ENI_ENOTFOUND: NotFoundError,
    lib.ENI_ESTALE: StaleIdError,
    lib.ENI_EEXIST: AlreadyExistsError,
    lib.ENI_ESTATE: InvalidStateError,
    lib.ENI_EDEPEND: DependencyViolationError,
    lib.ENI_ELIMIT: LimitExceededError,
    lib.ENI_EINUSE: InUseError,
    lib.ENI_EBUSY: BusyError,
    lib.ENI_ETIMEDOUT: OperationTimeoutError,
    lib.ENI_ENOTSUP: NotSupportedError,
    lib.ENI_EVERSION: VersionMismatchError,
    lib.ENI_EBACKEND: BackendError,
    lib.ENI_EUSER: CallbackAbortedError,
    lib.ENI_EPERM: PermissionDeniedError,
    lib.ENI_EINTERNAL: InternalError,
    lib.ENI_EIO: StateIOError,
    lib.ENI_ECORRUPT: StateCorruptError,
}


def error_for(code: int) -> LibeniError:
    """The exception for a failed call's return code, with the last error's details."""
    last = lib.eni_error_last()
    if last != ffi.NULL and last.code == code:
        message = text(last.message) or text(lib.eni_strerror(code))
        ec2 = text(last.ec2_code) or None
        errno = int(last.os_errno)
    else:
        message, ec2, errno = text(lib.eni_strerror(code)), text(lib.eni_err_ec2_code(code)), 0
    return _BY_CODE.get(code, LibeniError)(code, message, ec2 or None, errno)


def check(rc: int) -> int:
    """Raise the matching :class:`LibeniError` for a negative return code."""
    if rc < 0:
        raise error_for(rc)
    return rc


def invalid_value(message: str) -> InvalidParameterError:
    """An :class:`InvalidParameterError` for a bad value the bindings refuse themselves."""
    return InvalidParameterError(lib.ENI_EINVAL, message, "InvalidParameterValue")


def as_list(value: Any, what: str) -> List[Any]:
    """``value`` as a list: any iterable but a single ``str``, ``bytes`` or ``bytearray``
    (which would be taken character by character), else :class:`InvalidParameterTypeError`."""
    if isinstance(value, (str, bytes, bytearray, memoryview)):
        raise InvalidParameterTypeError(
            f"{what} takes a list, not a single {type(value).__name__} ({value!r}): "
            f"write [{value!r}]")
    try:
        return list(value)
    except TypeError:
        raise InvalidParameterTypeError(
            f"{what} takes a list, not {type(value).__name__}") from None


def as_int(value: Any, what: str, lo: int, hi: int) -> int:
    """``value`` as an int (not a bool) from ``lo`` to ``hi``, checked before cffi sees
    it: else :class:`InvalidParameterTypeError`, or :class:`InvalidParameterError`
    naming the field and its range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterTypeError(f"{what} takes an int, not {type(value).__name__}")
    if not lo <= value <= hi:
        raise invalid_value(f"{what} {value} is out of range ({lo} to {hi})")
    return int(value)


def as_uint(value: Any, what: str, bits: int = 32) -> int:
    """``value`` as an unsigned C integer of ``bits`` bits (see :func:`as_int`)."""
    return as_int(value, what, 0, (1 << bits) - 1)


def as_int32(value: Any, what: str) -> int:
    """``value`` as a C ``int32_t`` (see :func:`as_int`)."""
    return as_int(value, what, -(1 << 31), (1 << 31) - 1)
