# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""The durable model (eni/state.h): what a context's state file reports, and
the conversion of the ``state=`` path C is given."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Union

from ._errors import InvalidParameterTypeError, check, invalid_value
from ._ffi import ffi, lib

__all__ = ["StateInfo"]

StatePath = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


@dataclass(frozen=True)
class StateInfo:
    """``Context.state_info``: the context's state file (``eni_state_info``), its
    flags decoded.

    A context without a state file reports ``open`` False and ``schema`` 0.
    ``schema`` is the file's version when it was opened (an older file is
    upgraded to ``library_schema``); ``objects_loaded`` and ``flows_loaded``
    what the file gave the context when it was made; ``commits`` and
    ``rows_written`` the transactions and object rows written since.
    """
    open: bool           #: the context has a state file
    batch: bool          #: a batch is open (:meth:`Context.batch`)
    broken: bool         #: a failed commit could not be undone: nothing more is written
    reconcile: bool      #: restored attachments wait for :meth:`Context.reconcile` or a poll
    schema: int
    library_schema: int
    objects_loaded: int
    flows_loaded: int
    commits: int
    rows_written: int
    flags: int           #: the raw ``eni_state_flag`` bits the booleans decode

    @classmethod
    def _read(cls, ctx_ptr: Any) -> "StateInfo":
        i = ffi.new("eni_state_info *")
        i.size = ffi.sizeof("eni_state_info")
        check(lib.eni_ctx_get_state_info(ctx_ptr, i))
        flags = int(i.flags)
        return cls(open=bool(flags & lib.ENI_STATE_OPEN), batch=bool(flags & lib.ENI_STATE_BATCH),
                   broken=bool(flags & lib.ENI_STATE_BROKEN),
                   reconcile=bool(flags & lib.ENI_STATE_RECONCILE), schema=int(i.schema),
                   library_schema=int(i.library_schema), objects_loaded=int(i.objects_loaded),
                   flows_loaded=int(i.flows_loaded), commits=int(i.commits),
                   rows_written=int(i.rows_written), flags=flags)


def state_path(value: Any) -> Any:
    """``state=`` as the char buffer ``eni_ctx_opts::state_path`` takes (NULL for None).

    A path is any ``str``, ``bytes`` or ``os.PathLike`` (``tmp_path / "s.db"``),
    encoded as ``open()`` would (``os.fsencode``), so a file name that is not
    UTF-8 still names the same file. An empty path is the library's to refuse."""
    if value is None:
        return ffi.NULL
    try:
        path = os.fsencode(value)
    except TypeError:
        raise InvalidParameterTypeError(
            f"state takes a path (str, bytes or os.PathLike) or None, not "
            f"{type(value).__name__}") from None
    except UnicodeEncodeError as e:
        raise invalid_value(f"state {value!r} has no file-system form ({e.reason})") from None
    if b"\0" in path:
        raise invalid_value(f"state {value!r} contains a NUL character, where C would cut it "
                            "short")
    return ffi.new("char[]", path)
