#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Fail when a file under lib/ includes a libeni header across a layer line.

The rules are the `include-rules` block of docs/architecture.md: each line
names a folder of lib/ and the folders whose headers it may include ("-" for
none). A file belongs to the longest listed folder that contains it; every
file may include its own folder's headers and the public ones (eni.h, eni/).
Usage: check_layers.py SOURCE_ROOT
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_rules(doc):
    text = open(doc, encoding="utf-8").read()
    m = re.search(r"```include-rules\n(.*?)```", text, re.S)
    if not m:
        sys.exit(f"{doc}: no ```include-rules block")
    rules = {}
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        folder, allowed = line[0], [a for a in line[1:] if a != "-"]
        rules[folder] = set(allowed)
    return rules


def owner(path, rules):
    """The longest rule folder containing path (relative to lib/)."""
    best = None
    for folder in rules:
        if path == folder or path.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    lib = os.path.join(root, "lib")
    rules = read_rules(os.path.join(root, "docs", "architecture.md"))
    files = {}
    for d, _, names in os.walk(lib):
        for n in names:
            if n.endswith((".c", ".h")):
                rel = os.path.relpath(os.path.join(d, n), lib)
                files[rel] = True
    bad = []
    unowned = []
    for rel in sorted(files):
        here = owner(os.path.dirname(rel) or rel, rules)
        if here is None:
            unowned.append(rel)
            continue
        text = open(os.path.join(lib, rel), encoding="utf-8").read()
        for inc in INCLUDE.findall(text):
            if inc == "eni.h" or inc.startswith("eni/"):
                continue  # the public API: anyone may
            # Resolve as the compiler does: next to the file, then from lib/.
            local = os.path.normpath(os.path.join(os.path.dirname(rel), inc))
            target = local if local in files else os.path.normpath(inc)
            if target not in files:
                continue  # generated or system header
            there = owner(os.path.dirname(target), rules)
            if there == here or there in rules[here]:
                continue
            bad.append(f"lib/{rel}: includes {inc} ({there or '?'}), "
                       f"which {here} may not include")
    for u in unowned:
        bad.append(f"lib/{u}: its folder has no line in docs/architecture.md")
    for b in bad:
        print(b)
    print(f"{len(files)} files checked, {len(bad)} violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
