# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Objects named by EC2 ids: the shared base class and list helpers.

A wrapper holds its :class:`~libeni.Context` and the id's 64-bit value, and
nothing else: every attribute is read from the library when asked, so a
wrapper never shows stale state. Two wrappers are equal when they name the
same object of the same context; ``repr`` shows the EC2 id string.
"""
from __future__ import annotations

from typing import (TYPE_CHECKING, Any, Callable, ClassVar, Dict, Iterable, List, Optional, Tuple,
                    Type, TypeVar)

from ._enums import Kind
from ._errors import as_list, check
from ._ffi import cstr, ffi, lib, text

if TYPE_CHECKING:
    from ._context import Context

__all__ = ["LibeniObject"]

T = TypeVar("T", bound="LibeniObject")

_BY_KIND: Dict[int, Type["LibeniObject"]] = {}


class LibeniObject:
    """Base class of everything an EC2 id names."""

    __slots__ = ("_ctx", "_v")
    _kind: ClassVar[Kind] = Kind.NONE
    _ctype: ClassVar[str] = ""  # the C id struct, e.g. "eni_vpc_id"

    def __init__(self, ctx: "Context", value: int) -> None:
        self._ctx = ctx
        self._v = int(value)

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls._kind != Kind.NONE:
            _BY_KIND[int(cls._kind)] = cls

    # -- identity ------------------------------------------------------------
    @property
    def context(self) -> "Context":
        """The context the object lives in."""
        return self._ctx

    @property
    def id(self) -> str:
        """The EC2 id string, e.g. ``eni-0a1b2c3d4e5f60718``."""
        buf = ffi.new("char[]", lib.ENI_ID_STRING_MAX)
        check(lib.eni_id_format(self._ctx._ptr, self._v, buf, lib.ENI_ID_STRING_MAX))
        return text(buf)

    @property
    def id_value(self) -> int:
        """The opaque 64-bit id the C API uses."""
        return self._v

    def _cid(self) -> Any:
        # The id struct, passed by value. A list initializer, not p[0] of
        # an ffi.new pointer: that would not keep its memory alive.
        return [self._v]

    def __eq__(self, other: object) -> bool:
        return (type(other) is type(self) and other._ctx is self._ctx  # type: ignore[attr-defined]
                and other._v == self._v)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self).__name__, id(self._ctx), self._v))

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        try:
            return f"<{type(self).__name__} {self.id}>"
        except Exception:  # a closed context, or a deleted object
            return f"<{type(self).__name__} 0x{self._v:016x}>"

    # -- helpers for subclasses ---------------------------------------------
    def _info(self, ctype: str, describe: Callable[..., int]) -> "_Held":
        info = ffi.new(ctype + " *")
        info.size = ffi.sizeof(ctype)
        check(describe(self._ctx._ptr, self._cid(), info))
        return _Held(info, info)


class _Held:
    """A describe call's result, read as Python values.

    cffi's views of a struct's fields (``info.nic``, ``info.cidr_block``) do
    not keep the ``ffi.new`` memory alive, so ``self._d().cidr_block`` could
    read freed memory once the temporary ``info`` is collected. Reads go
    through this holder instead, which keeps the memory and returns ints,
    strs (char arrays) or holders of nested structs.
    """

    __slots__ = ("_root", "_c")

    def __init__(self, root: Any, cdata: Any) -> None:
        self._root = root
        self._c = cdata

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._c, name)
        if isinstance(value, ffi.CData):
            t = ffi.typeof(value)
            if t.kind == "struct":
                return _Held(self._root, value)
            if t.kind == "array" and t.item.cname == "char":
                return ffi.string(value).decode("utf-8", "replace")
            if t.kind == "array":
                return [value[i] for i in range(len(value))]
        return value


def wrap(ctx: "Context", value: int, cls: Optional[Type[T]] = None) -> Optional[Any]:
    """The wrapper for an id value (its class chosen by the id's kind); None for 0."""
    if not value:
        return None
    if cls is None:
        cls = _BY_KIND.get(int(lib.eni_id_kind(value)))  # type: ignore[assignment]
        if cls is None:
            return None
    return cls(ctx, value)


def id_array(ctype: str, objs: List[LibeniObject]) -> Any:
    """A C array of id structs."""
    return ffi.new(ctype + "[]", [[o._v] for o in objs])


def str_array(values: Optional[Iterable[str]], what: str, keep: List[Any]) -> Tuple[Any, int]:
    """A C array of strings and its length (NULL and 0 for None or an empty list); the
    buffers are appended to ``keep``, which the caller holds until the C call returns.
    A single str is refused (see :func:`~libeni._errors.as_list`)."""
    if values is None:
        return ffi.NULL, 0
    strs = [cstr(v, f"{what}[{i}]") for i, v in enumerate(as_list(values, what))]
    if not strs:
        return ffi.NULL, 0
    keep += strs
    keep.append(ffi.new("char *[]", strs))
    return keep[-1], len(strs)


def fetch_all(ctype: str, call: Callable[[Any, int, Any], int],
              sized: bool = False) -> Tuple[Any, int]:
    """Run a C list call (out, cap, count) until the whole list fits: the array
    and how many it holds. ``sized`` sets ``out[0].size`` (size-first structs)."""
    count = ffi.new("uint32_t *")
    check(call(ffi.NULL, 0, count))
    while True:
        cap = count[0]
        out = ffi.new(ctype + "[]", max(cap, 1))
        if sized:
            out[0].size = ffi.sizeof(ctype)
        check(call(out, cap, count))
        if count[0] <= cap:
            return out, int(count[0])


def list_ids(ctx: "Context", ctype: str, call: Callable[[Any, int, Any], int]) -> List[int]:
    """The id values a C list call returns, in order."""
    out, n = fetch_all(ctype, call)
    return [out[i].v for i in range(n)]


def fetch_strings(width: int, call: Callable[[Any, int, Any], int]) -> List[str]:
    """Run a C call that fills ``char[cap][width]`` (out, cap, count) until the
    whole list fits, and return its strings."""
    count = ffi.new("uint32_t *")
    check(call(ffi.NULL, 0, count))
    while True:
        cap = count[0]
        buf = ffi.new("char[]", max(cap, 1) * width)
        check(call(buf, cap, count))
        if count[0] <= cap:
            return [ffi.string(buf + i * width).decode() for i in range(count[0])]

