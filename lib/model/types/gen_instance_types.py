#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Generate libeni's instance-type table from data/instance-types.csv.

Usage: gen_instance_types.py INPUT.csv OUTPUT.c

Every row is validated; the first bad row stops the run with a message
naming the file and line, and a non-zero exit status. The output is only
written (atomically) when the whole file is valid.

The generated C defines what lib/model/types/instance_type_table.h declares:
  eni__itype_names  every name, NUL-terminated, one after another
  eni__itype_cards  per-card interface limits, shared between types
  eni__itype_table  one struct eni__itype per type, sorted by name (bytewise,
                    as strcmp orders them)
  eni__itype_count  the number of rows of eni__itype_table
Python 3.11 standard library only.
"""

import csv
import os
import re
import sys
import tempfile

# Limits that mirror include/eni/instance_type.h.
NAME_MAX = 32  # ENI_INSTANCE_TYPE_NAME_MAX, terminating NUL included
MAX_NETWORK_CARDS = 64  # ENI_MAX_NETWORK_CARDS

COLUMNS = [
    "instance_type",
    "hypervisor",
    "virtualization",
    "bare_metal",
    "max_network_interfaces",
    "max_network_cards",
    "card_max_interfaces",
    "ipv4_per_interface",
    "ipv6_per_interface",
    "ipv6_supported",
    "ena_support",
    "efa_supported",
    "max_efa_interfaces",
    "default_tcp_established_timeout",
    "default_udp_stream_timeout",
    "default_udp_timeout",
]

# Inclusive ranges of the integer columns. The upper bounds never exceed the
# width of the field in struct eni__itype; the timeout ranges are the ones
# EC2 accepts for the connection-tracking timeouts.
U8 = 0xFF
RANGES = {
    "max_network_interfaces": (1, U8),
    "max_network_cards": (1, MAX_NETWORK_CARDS),
    "ipv4_per_interface": (1, U8),
    "ipv6_per_interface": (0, U8),
    "max_efa_interfaces": (0, U8),
    "default_tcp_established_timeout": (60, 432000),
    "default_udp_stream_timeout": (60, 180),
    "default_udp_timeout": (30, 60),
}
CARD_RANGE = (0, U8)
OFFSET_MAX = 0xFFFF  # name_off and card_off are uint16_t

HYPERVISORS = {
    "": "ENI_HYPERVISOR_NONE",
    "nitro": "ENI_HYPERVISOR_NITRO",
    "xen": "ENI_HYPERVISOR_XEN",
}
ENA = {
    "unsupported": "ENI_ENA_UNSUPPORTED",
    "supported": "ENI_ENA_SUPPORTED",
    "required": "ENI_ENA_REQUIRED",
}
VIRTUALIZATION_FLAGS = {
    "hvm": "ENI_ITYPE_HVM",
    "paravirtual": "ENI_ITYPE_PARAVIRTUAL",
}

# Arguments of the generated ITYPE_ROW macro and the struct eni__itype
# field each one initializes.
ROW_FIELDS = [
    ("name", "name_off"),
    ("cards", "card_off"),
    ("tcp", "tcp_established_timeout"),
    ("udp_stream", "udp_stream_timeout"),
    ("udp", "udp_timeout"),
    ("ifaces", "max_interfaces"),
    ("ncards", "max_network_cards"),
    ("ipv4", "ipv4_per_interface"),
    ("ipv6", "ipv6_per_interface"),
    ("efa", "max_efa_interfaces"),
    ("hv", "hypervisor"),
    ("ena", "ena_support"),
    ("flags", "flags"),
]
# Short local aliases the generated rows use for the public constants.
SHORT_NAMES = {
    "HV_NONE": "ENI_HYPERVISOR_NONE",
    "HV_NITRO": "ENI_HYPERVISOR_NITRO",
    "HV_XEN": "ENI_HYPERVISOR_XEN",
    "ENA_NO": "ENI_ENA_UNSUPPORTED",
    "ENA_OK": "ENI_ENA_SUPPORTED",
    "ENA_REQ": "ENI_ENA_REQUIRED",
    "F_METAL": "ENI_ITYPE_BARE_METAL",
    "F_HVM": "ENI_ITYPE_HVM",
    "F_PV": "ENI_ITYPE_PARAVIRTUAL",
    "F_IPV6": "ENI_ITYPE_IPV6",
    "F_EFA": "ENI_ITYPE_EFA",
}
SHORT = {full: short for short, full in SHORT_NAMES.items()}

# "m5.large", "u-6tb1.112xlarge", "c7i-flex.large", "c7a.metal-48xl".
NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9-]*")
INT_RE = re.compile(r"0|[1-9][0-9]*")


class CsvError(Exception):
    """A problem in the input, reported as 'file:line: message'."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


def parse_int(line, column, text, lo, hi):
    if not INT_RE.fullmatch(text):
        raise CsvError(line, f"{column}: '{text}' is not a decimal integer")
    value = int(text)
    if not lo <= value <= hi:
        raise CsvError(line, f"{column}: {value} is outside {lo}..{hi}")
    return value


def parse_bool(line, column, text):
    if text not in ("0", "1"):
        raise CsvError(line, f"{column}: '{text}' is not 0 or 1")
    return text == "1"


def parse_row(line, fields):
    """Validate one data row; return a dict of parsed values."""
    if len(fields) != len(COLUMNS):
        raise CsvError(line, f"{len(fields)} columns, expected {len(COLUMNS)}")
    raw = dict(zip(COLUMNS, fields))
    row = {}

    name = raw["instance_type"]
    if not name:
        raise CsvError(line, "instance_type is empty")
    if len(name) >= NAME_MAX:
        raise CsvError(line, f"instance_type '{name}' has {len(name)} characters, "
                             f"at most {NAME_MAX - 1} fit")
    if not NAME_RE.fullmatch(name):
        raise CsvError(line, f"instance_type '{name}' is not of the form family.size "
                             "(lower-case letters, digits and '-')")
    row["name"] = name

    for column, (lo, hi) in RANGES.items():
        row[column] = parse_int(line, column, raw[column], lo, hi)

    hypervisor = raw["hypervisor"]
    if hypervisor not in HYPERVISORS:
        raise CsvError(line, f"hypervisor '{hypervisor}' is not one of nitro, xen "
                             "or empty (bare metal)")
    row["hypervisor"] = HYPERVISORS[hypervisor]

    bare_metal = parse_bool(line, "bare_metal", raw["bare_metal"])
    if bare_metal != (hypervisor == ""):
        raise CsvError(line, f"bare_metal is {int(bare_metal)} but hypervisor is "
                             f"'{hypervisor}' (bare metal types have no hypervisor)")

    virt = raw["virtualization"].split(";")
    for v in virt:
        if v not in VIRTUALIZATION_FLAGS:
            raise CsvError(line, f"virtualization '{raw['virtualization']}': '{v}' is "
                                 "not hvm or paravirtual")
    if len(set(virt)) != len(virt):
        raise CsvError(line, f"virtualization '{raw['virtualization']}' repeats a value")

    ena = raw["ena_support"]
    if ena not in ENA:
        raise CsvError(line, f"ena_support '{ena}' is not required, supported or "
                             "unsupported")
    row["ena_support"] = ENA[ena]

    ipv6 = parse_bool(line, "ipv6_supported", raw["ipv6_supported"])
    if not ipv6 and row["ipv6_per_interface"] != 0:
        raise CsvError(line, f"ipv6_per_interface is {row['ipv6_per_interface']} but "
                             "ipv6_supported is 0")

    efa = parse_bool(line, "efa_supported", raw["efa_supported"])
    if efa and row["max_efa_interfaces"] == 0:
        raise CsvError(line, "efa_supported is 1 but max_efa_interfaces is 0")
    if not efa and row["max_efa_interfaces"] != 0:
        raise CsvError(line, f"max_efa_interfaces is {row['max_efa_interfaces']} but "
                             "efa_supported is 0")
    if row["max_efa_interfaces"] > row["max_network_interfaces"]:
        raise CsvError(line, f"max_efa_interfaces {row['max_efa_interfaces']} exceeds "
                             f"max_network_interfaces {row['max_network_interfaces']}")

    cards_text = raw["card_max_interfaces"].split(";")
    cards = tuple(parse_int(line, f"card_max_interfaces[{i}]", t, *CARD_RANGE)
                  for i, t in enumerate(cards_text))
    if len(cards) != row["max_network_cards"]:
        raise CsvError(line, f"card_max_interfaces lists {len(cards)} card(s) but "
                             f"max_network_cards is {row['max_network_cards']}")
    total = sum(cards)
    if total < 1:
        raise CsvError(line, "card_max_interfaces allows no interface at all")
    if total != row["max_network_interfaces"]:
        raise CsvError(line, f"card_max_interfaces sum to {total} but "
                             f"max_network_interfaces is {row['max_network_interfaces']}")
    row["cards"] = cards

    flags = []
    if bare_metal:
        flags.append("ENI_ITYPE_BARE_METAL")
    flags += [VIRTUALIZATION_FLAGS[v] for v in VIRTUALIZATION_FLAGS if v in virt]
    if ipv6:
        flags.append("ENI_ITYPE_IPV6")
    if efa:
        flags.append("ENI_ITYPE_EFA")
    row["flags"] = flags
    return row


def read_rows(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.reader(f, strict=True)
            try:
                header = next(reader, None)
                if header != COLUMNS:
                    raise CsvError(1, "header is not: " + ",".join(COLUMNS))
                rows = []
                first_line = {}
                for fields in reader:
                    line = reader.line_num
                    row = parse_row(line, fields)
                    if row["name"] in first_line:
                        raise CsvError(line, f"instance_type '{row['name']}' repeats "
                                             f"line {first_line[row['name']]}")
                    first_line[row["name"]] = line
                    rows.append(row)
            except csv.Error as e:
                raise CsvError(reader.line_num, f"malformed CSV: {e}") from None
    except UnicodeDecodeError as e:
        raise CsvError(0, f"not UTF-8: {e}") from None
    if not rows:
        raise CsvError(1, "no instance types")
    rows.sort(key=lambda r: r["name"].encode("ascii"))  # strcmp order
    return rows


def pack_cards(rows):
    """One shared uint8_t pool; a type's list reuses any equal run already in it."""
    pool = []
    offsets = {}
    for cards in sorted({r["cards"] for r in rows}, key=lambda c: (-len(c), c)):
        n = len(cards)
        off = next((i for i in range(len(pool) - n + 1) if tuple(pool[i:i + n]) == cards),
                   None)
        if off is None:
            off = len(pool)
            pool.extend(cards)
        offsets[cards] = off
    return pool, offsets


def c_char(ch):
    return f"'{ch}'"  # NAME_RE admits only [a-z0-9.-], none of which needs escaping


def render(rows, source_name):
    pool, card_off = pack_cards(rows)
    if len(pool) > OFFSET_MAX + 1:
        raise CsvError(0, f"the card pool needs {len(pool)} bytes; card_off (uint16_t) "
                          "cannot address it")
    out = []
    emit = out.append
    emit(f"/* Generated by gen_instance_types.py from {source_name}. Do not edit. */")
    emit('#include "model/types/instance_type_table.h"')
    emit("")
    emit(f"const uint32_t eni__itype_count = {len(rows)};")
    emit("")

    name_off = []
    pos = 0
    emit("const char eni__itype_names[] = {")
    for r in rows:
        name_off.append(pos)
        emit("    " + ",".join(c_char(ch) for ch in r["name"]) + ",0,")
        pos += len(r["name"]) + 1
    emit("};")
    emit("")
    if name_off[-1] > OFFSET_MAX:
        raise CsvError(0, f"the name pool needs {pos} bytes; name_off (uint16_t) cannot "
                          "address it")

    emit(f"const uint8_t eni__itype_cards[{len(pool)}] = {{")
    for i in range(0, len(pool), 16):
        emit("    " + ", ".join(str(v) for v in pool[i:i + 16]) + ",")
    emit("};")
    emit("")

    # Rows are positional calls of a macro that binds each argument to its
    # field by name, so they stay right if struct eni__itype is reordered.
    # The parameters end in '_' so that none can replace a field designator.
    params = ", ".join(p + "_" for p, _ in ROW_FIELDS)
    inits = ", ".join(f".{f} = ({p}_)" for p, f in ROW_FIELDS)
    emit("/* ITYPE_ROW(" + params + ") */")
    emit(f"#define ITYPE_ROW({params}) \\")
    emit(f"    {{{inits}}}")
    for short, full in SHORT_NAMES.items():
        emit(f"#define {short} {full}")
    emit("")
    emit(f"const struct eni__itype eni__itype_table[{len(rows)}] = {{")
    for r, noff in zip(rows, name_off):
        args = [
            noff, card_off[r["cards"]],
            r["default_tcp_established_timeout"], r["default_udp_stream_timeout"],
            r["default_udp_timeout"], r["max_network_interfaces"], r["max_network_cards"],
            r["ipv4_per_interface"], r["ipv6_per_interface"], r["max_efa_interfaces"],
            SHORT[r["hypervisor"]], SHORT[r["ena_support"]],
            "|".join(SHORT[f] for f in r["flags"]) if r["flags"] else "0",
        ]
        assert len(args) == len(ROW_FIELDS)
        emit(f"    ITYPE_ROW({','.join(str(a) for a in args)}), /* {r['name']} */")
    emit("};")
    emit("")
    for short in ["ITYPE_ROW", *SHORT_NAMES]:
        emit(f"#undef {short}")
    return "\n".join(out) + "\n"


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".gen_instance_types.")
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    if len(argv) != 3:
        print(f"usage: {os.path.basename(argv[0])} INPUT.csv OUTPUT.c", file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    try:
        rows = read_rows(src)
        text = render(rows, os.path.basename(src))
    except CsvError as e:
        where = f"{src}:{e.line}" if e.line else src
        print(f"gen_instance_types: {where}: {e.message}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"gen_instance_types: {e}", file=sys.stderr)
        return 1
    write_atomically(dst, text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
