#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""gen_instance_types.py accepts the real CSV (in any row order) and rejects
malformed copies of it with a non-zero exit, a message naming the line, and
no output file. Prints TAP.

Usage: check_gen_rejects.py GENERATOR INSTANCE_TYPES_CSV
"""

import os
import subprocess
import sys
import tempfile


def main(argv):
    if len(argv) != 3:
        print("usage: check_gen_rejects.py GENERATOR CSV", file=sys.stderr)
        return 2
    gen, csv_path = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    with open(csv_path, encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    eol = "\r\n" if lines[0].endswith("\r\n") else "\n"
    header, rows = lines[0], lines[1:]
    index = {r.split(",", 1)[0]: i for i, r in enumerate(rows)}

    def fields(name):
        return rows[index[name]].rstrip("\r\n").split(",")

    def with_row(name, **changes):
        """The CSV with one row's columns replaced (column name -> new text)."""
        cols = header.rstrip("\r\n").split(",")
        f = fields(name)
        for col, value in changes.items():
            f[cols.index(col)] = value
        new = list(rows)
        new[index[name]] = ",".join(f) + eol
        return header + "".join(new), index[name] + 2

    def with_line(name, text):
        new = list(rows)
        new[index[name]] = text + eol
        return header + "".join(new), index[name] + 2

    full = header + "".join(rows)
    m5 = ",".join(fields("m5.large"))

    # (description, csv text, line the message must name or None, text it must contain)
    bad = [
        ("too few columns", *with_line("m5.large", m5.rsplit(",", 1)[0]), "15 columns"),
        ("too many columns", *with_line("m5.large", m5 + ",1"), "17 columns"),
        ("blank line", *with_line("m5.large", ""), "0 columns"),
        ("card list shorter than max_network_cards",
         *with_row("p4d.24xlarge", card_max_interfaces="15;15;15;15;0", max_network_cards="4"),
         "lists 5 card(s)"),
        ("card list longer than max_network_cards",
         *with_row("p4d.24xlarge", max_network_cards="3"), "lists 4 card(s)"),
        ("65 network cards",
         *with_row("m5.large", max_network_cards="65", card_max_interfaces=";".join(["1"] * 65)),
         "max_network_cards: 65"),
        ("no interface on any card",
         *with_row("m5.large", max_network_interfaces="1", card_max_interfaces="0"),
         "no interface"),
        ("cards do not sum to the total", *with_row("m5.large", card_max_interfaces="2"),
         "sum to 2"),
        ("empty card entry", *with_row("c6in.32xlarge", card_max_interfaces="8;"),
         "card_max_interfaces[1]"),
        ("name of 32 characters", *with_row("m5.large", instance_type="m5." + "x" * 29),
         "32 characters"),
        ("empty name", *with_row("m5.large", instance_type=""), "empty"),
        ("upper-case name", *with_row("m5.large", instance_type="M5.large"), "M5.large"),
        ("name without a dot", *with_row("m5.large", instance_type="m5large"), "m5large"),
        ("duplicate name", *with_row("m5.xlarge", instance_type="m5.large"), "repeats"),
        ("unknown hypervisor", *with_row("m5.large", hypervisor="kvm"), "kvm"),
        ("upper-case hypervisor", *with_row("m5.large", hypervisor="Nitro"), "Nitro"),
        ("unknown virtualization", *with_row("m5.large", virtualization="pv"), "pv"),
        ("repeated virtualization", *with_row("m5.large", virtualization="hvm;hvm"), "repeats"),
        ("unknown ena_support", *with_row("m5.large", ena_support="yes"), "yes"),
        ("bare_metal not 0/1", *with_row("m5.large", bare_metal="2"), "bare_metal"),
        ("bare metal with a hypervisor", *with_row("m5.metal", hypervisor="nitro"),
         "no hypervisor"),
        ("no hypervisor but not bare metal", *with_row("m5.large", hypervisor=""),
         "no hypervisor"),
        ("non-integer", *with_row("m5.large", ipv4_per_interface="ten"), "ten"),
        ("negative integer", *with_row("m5.large", ipv4_per_interface="-1"), "-1"),
        ("integer with a space", *with_row("m5.large", ipv4_per_interface=" 10"), " 10"),
        ("integer with a leading zero", *with_row("m5.large", ipv4_per_interface="010"), "010"),
        ("ipv4_per_interface 256", *with_row("m5.large", ipv4_per_interface="256"), "256"),
        ("ipv4_per_interface 0", *with_row("m5.large", ipv4_per_interface="0"), "outside"),
        ("tcp timeout 0", *with_row("m5.large", default_tcp_established_timeout="0"), "outside"),
        ("udp timeout too large", *with_row("m5.large", default_udp_timeout="70000"), "outside"),
        ("IPv6 addresses without IPv6", *with_row("m5.large", ipv6_supported="0"),
         "ipv6_supported"),
        ("EFA without EFA interfaces", *with_row("m5.large", efa_supported="1"),
         "max_efa_interfaces is 0"),
        ("EFA interfaces without EFA", *with_row("p4d.24xlarge", efa_supported="0"),
         "efa_supported is 0"),
        ("bad header", header.replace("ena_support", "ena") + "".join(rows), 1, "header"),
        ("empty file", "", 1, "header"),
        ("header only", header, 1, "no instance types"),
        ("unterminated quote", with_line("m5.large", '"m5.large,' + m5.split(",", 1)[1])[0],
         None, "malformed CSV"),
    ]

    tests = 2 + len(bad)
    print(f"1..{tests}")
    failed = 0
    n = 0

    def report(ok, desc, detail=""):
        nonlocal n, failed
        n += 1
        print(f"{'ok' if ok else 'not ok'} {n} - {desc}")
        if not ok:
            failed += 1
            for line in detail.splitlines():
                print(f"# {line}")

    with tempfile.TemporaryDirectory() as tmp:
        def run(text, name):
            # One directory per case: the generated file names its CSV's basename.
            os.mkdir(os.path.join(tmp, name))
            src = os.path.join(tmp, name, "instance-types.csv")
            dst = os.path.join(tmp, name, "instance_type_table.c")
            with open(src, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            p = subprocess.run([sys.executable, gen, src, dst], capture_output=True, text=True)
            out = None
            if os.path.exists(dst):
                with open(dst, encoding="ascii") as f:
                    out = f.read()
            return p, src, out

        p, _, good = run(full, "good")
        report(p.returncode == 0 and good is not None and "eni__itype_count = 1263;" in good,
               "the real CSV is accepted", p.stderr)

        shuffled = header + "".join(reversed(rows))
        p, _, out = run(shuffled, "reversed")
        report(p.returncode == 0 and out is not None and out == good,
               "rows in reverse order give the same table", p.stderr)

        for k, (desc, text, line, needle) in enumerate(bad):
            p, src, out = run(text, f"bad{k}")
            where = f"{src}:{line}:" if line is not None else src
            problems = []
            if p.returncode == 0:
                problems.append("exit status 0")
            if out is not None:
                problems.append("an output file was written")
            if where not in p.stderr:
                problems.append(f"message does not name {where}")
            if needle not in p.stderr:
                problems.append(f"message does not contain {needle!r}")
            report(not problems, f"rejects: {desc}",
                   "; ".join(problems) + "\nstderr: " + p.stderr.strip())

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
