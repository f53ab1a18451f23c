# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The compiled cffi module, and small conversions shared by the wrappers."""
from __future__ import annotations

from typing import Any, Optional

from ._native import ffi, lib  # type: ignore[import-not-found]

__all__ = ["ffi", "lib", "cstr", "text", "NULL"]

NULL = ffi.NULL


def cstr(value: Optional[str]) -> Any:
    """A NUL-terminated char buffer for a str, or NULL for None (kept alive by the caller)."""
    if value is None:
        return ffi.NULL
    if not isinstance(value, str):
        from ._errors import InvalidParameterTypeError  # _errors imports this module
        raise InvalidParameterTypeError(f"expected str or None, not {type(value).__name__}")
    return ffi.new("char[]", value.encode("utf-8"))


def text(cdata: Any) -> str:
    """A Python str from a char array or pointer (empty for NULL); a str passes through."""
    if isinstance(cdata, str):
        return cdata
    if cdata == ffi.NULL:
        return ""
    return ffi.string(cdata).decode("utf-8", "replace")
