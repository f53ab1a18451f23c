# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Generate the C source of libeni's cffi extension (API mode, out of line).

Usage: gen_cffi.py CDEF OUTPUT.c

Meson compiles the output into ``libeni._native`` against the headers and
the library of the same build, so the extension always matches them.
"""
import sys

import cffi


def main() -> int:
    cdef_path, out_path = sys.argv[1], sys.argv[2]
    with open(cdef_path, encoding="utf-8") as f:
        cdef = f.read()
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    ffi.set_source("libeni._native",
                   "#include <eni.h>\n#include <eni/sys/mock.h>\n#include <eni/sys/vfio.h>\n")
    ffi.emit_c_code(out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
