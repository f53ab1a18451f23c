# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Fail when a source or build file lacks its SPDX licence line.
Usage: check_spdx.py SOURCE_ROOT"""
import os
import sys

DIRS = ["lib", "include", "tests", "bench", "examples", "bindings", "scripts", ".ci", "fuzz", "tools", "sync"]
SUFFIXES = (".c", ".h", ".py", ".sh", ".in", ".map")
NAMES = {"meson.build", "meson_options.txt", "run"}


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    files = [os.path.join(root, "meson.build"), os.path.join(root, "meson_options.txt")]
    for top in DIRS:
        for d, _, names in os.walk(os.path.join(root, top)):
            files += [os.path.join(d, n) for n in names if n.endswith(SUFFIXES) or n in NAMES]
    bad = [f for f in files
           if "SPDX-License-Identifier: Apache-2.0" not in open(f, encoding="utf-8",
                                                              errors="replace").read(600)]
    for f in sorted(bad):
        print(f"{os.path.relpath(f, root)}: no SPDX-License-Identifier line")
    print(f"{len(files)} files checked, {len(bad)} without an SPDX line")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
