#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Fail when an exported function that takes a ctx does not begin with
ENI__CALL(ctx): without it, log lines emitted under the ctx lock would reach
the log callback while the lock is held (see lib/core/log.c), and refusals
found before the lock would go unlogged.

Backends (lib/backend/*/) are exempt: they see only eni/sys/ and reach the
ctx through eni_ctx_backend_call, which has its own ENI__CALL.
Usage: check_entry.py SOURCE_ROOT
"""
import glob
import os
import re
import sys

# Functions that take a ctx but must not enter a call on it.
EXEMPT = {"eni_ctx_new", "eni_ctx_free", "eni_ctx_opts_init"}
DEF = re.compile(r"^[A-Za-z_][^\n;(]*?\b(eni_[a-z0-9][a-z0-9_]*)\(((?:const )?eni_ctx \*ctx)"
                 r"[^{;]*?\)\n\{\n(.*?)\n", re.M | re.S)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    exported = set(re.findall(r"(eni_[a-z0-9_]+);",
                              open(os.path.join(root, "lib/libeni.map")).read()))
    bad, checked = [], 0
    for path in sorted(glob.glob(os.path.join(root, "lib/**/*.c"), recursive=True)):
        rel = os.path.relpath(path, root)
        if re.match(r"lib/backend/[^/]+/", rel):
            continue
        for m in DEF.finditer(open(path, encoding="utf-8").read()):
            name, first = m.group(1), m.group(3).strip()
            if name not in exported or name in EXEMPT:
                continue
            checked += 1
            if not first.startswith("ENI__CALL("):
                bad.append(f"{rel}: {name} does not begin with ENI__CALL(ctx)")
    for b in bad:
        print(b)
    print(f"{checked} entry points checked, {len(bad)} without ENI__CALL")
    return 1 if bad or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
