# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Every exported eni_* function is bound (declared in the cdef and called by the
Pythonic layer) or listed in libeni.UNBOUND with the reason."""
import os
import pathlib
import re

import libeni

ROOT = pathlib.Path(os.environ.get("LIBENI_SOURCE_ROOT",
                                   pathlib.Path(__file__).resolve().parents[2]))
PKG = pathlib.Path(libeni.__file__).parent


def exported():
    """The exports, from the version script (lint/exports keeps it equal to the .so's)."""
    text = (ROOT / "lib" / "libeni.map").read_text()
    return set(re.findall(r"^\s*(eni_[a-z0-9_]+);", text, re.M))


def declared():
    text = (ROOT / "bindings" / "python" / "libeni" / "_cdef.h").read_text()
    return set(re.findall(r"\b(eni_[a-z0-9_]+)\s*\(", text))


def called():
    names = set()
    for path in PKG.glob("*.py"):
        names |= set(re.findall(r"\blib\.(eni_[a-z0-9_]+)\b", path.read_text()))
    return names


def test_every_export_is_bound_or_listed_as_unbound():
    missing = exported() - called() - set(libeni.UNBOUND)
    assert not missing, f"exported but neither wrapped nor in libeni.UNBOUND: {sorted(missing)}"


def test_unbound_list_names_real_exports_that_are_not_wrapped():
    unbound = set(libeni.UNBOUND)
    assert unbound <= exported(), sorted(unbound - exported())
    wrapped_anyway = {n for n in unbound & called() if n != "eni_err_ec2_code"}
    assert not wrapped_anyway, sorted(wrapped_anyway)
    assert all(reason.strip() for reason in libeni.UNBOUND.values())


def test_cdef_declares_only_exports():
    extra = declared() - exported()
    assert not extra, f"declared in _cdef.h but not exported: {sorted(extra)}"


def test_every_call_is_declared():
    assert called() <= declared(), sorted(called() - declared())
