# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The compiled cffi module, and small conversions shared by the wrappers."""
from __future__ import annotations

from typing import Any, Optional

from ._native import ffi, lib  # type: ignore[import-not-found]

__all__ = ["ffi", "lib", "cstr", "text", "NULL"]

NULL = ffi.NULL


def cstr(value: Optional[str], what: str = "a string argument") -> Any:
    """A NUL-terminated char buffer for a str, or NULL for None (kept alive by the caller).

    ``what`` names the argument in the errors: a str that C would read differently
    (one with a NUL in it, which C would cut short there, or one that has no UTF-8
    form) is refused with :class:`~libeni.InvalidParameterError`, anything but a str
    or None with :class:`~libeni.InvalidParameterTypeError`."""
    if value is None:
        return ffi.NULL
    from ._errors import InvalidParameterTypeError, invalid_value  # _errors imports this module
    if not isinstance(value, str):
        raise InvalidParameterTypeError(f"{what} takes a str or None, not {type(value).__name__}")
    if "\0" in value:
        raise invalid_value(f"{what} {value!r} contains a NUL character, where C would cut "
                            "it short")
    try:
        data = value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise invalid_value(f"{what} {value!r} has no UTF-8 form ({e.reason})") from None
    return ffi.new("char[]", data)


def text(cdata: Any) -> str:
    """A Python str from a char array or pointer (empty for NULL); a str passes through."""
    if isinstance(cdata, str):
        return cdata
    if cdata == ffi.NULL:
        return ""
    return ffi.string(cdata).decode("utf-8", "replace")
