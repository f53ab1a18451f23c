#!/usr/bin/env python3
# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Every packet's verdict in enictl's replays against the one derived by hand.

    check_verdicts.py ENICTL FIXTURES_DIR CAPTURES_DIR

Replays each capture of gen_captures.CAPTURES with --json --packets on the
web server's interface and compares, packet by packet, the direction,
action, reason and (for a rule) the rule's words with gen_captures.PACKETS;
also that the flows and the summary add up. TAP output, one line a capture.
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_captures  # noqa: E402

NIC = "eni-0123456789abcdef0"


def words(p):
    if p["direction"] is None:
        return "- " + p["reason"]
    w = f'{p["direction"]} {p["action"]} {p["reason"]}'
    return w + (" " + p["rule_text"] if p.get("rule_text") else "")


def check(enictl, models, path, expected):
    run = subprocess.run([enictl, "replay", "--json", "--packets", "--model", *models,
                          "--interface", NIC, path], capture_output=True, text=True)
    doc = json.loads(run.stdout)
    problems = []
    drops = sum(1 for e in expected if " drop " in e[3])
    if run.returncode != (1 if drops else 0):
        problems.append(f"exit status {run.returncode}")
    got = [words(p) for p in doc["packets"]]
    want = [e[3] for e in expected]
    for n, (g, w) in enumerate(zip(got, want), 1):
        if g != w:
            problems.append(f"packet {n}: got '{g}', want '{w}'")
    if len(got) != len(want):
        problems.append(f"{len(got)} packets, want {len(want)}")
    s = doc["summary"]
    if s["dropped"] != drops or s["packets"] != len(want) or \
            s["judged"] != sum(f["packets"] for f in doc["flows"]) or \
            s["judged"] != sum(s["by_reason"].values()):
        problems.append(f"the summary does not add up: {s}")
    return problems


def main():
    enictl, fixtures, captures = sys.argv[1:4]
    models = sorted(glob.glob(os.path.join(fixtures, "*.json")))
    failed = 0
    for n, (name, expected) in enumerate(gen_captures.CAPTURES.items(), 1):
        problems = check(enictl, models, os.path.join(captures, name), expected)
        print(f"{'not ok' if problems else 'ok'} {n} - {name}: every packet's verdict")
        for p in problems:
            print(f"# {p}")
        failed += bool(problems)
    print(f"1..{len(gen_captures.CAPTURES)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
