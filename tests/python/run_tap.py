# SPDX-FileCopyrightText: The libeni authors
# SPDX-License-Identifier: Apache-2.0
"""Run the Python tests under pytest and report them as TAP, one line per test,
so that Meson (protocol: tap) and the project's test count see each one.

Usage: run_tap.py TESTS_DIR [pytest args...]
"""
import os
import sys

import pytest


class TapReporter:
    def __init__(self) -> None:
        self.lines = []
        self.count = 0

    def pytest_runtest_logreport(self, report) -> None:
        name = report.nodeid.replace("#", "")
        if report.when == "call" or (report.when == "setup" and not report.passed):
            self.count += 1
            n = self.count
            if report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
                if getattr(report, "wasxfail", None):
                    reason = f"expected failure: {report.wasxfail}"
                self.lines.append(f"ok {n} {name} # SKIP {reason}")
            elif report.passed:
                self.lines.append(f"ok {n} {name}")
            else:
                self.lines.append(f"not ok {n} {name}")
                for line in str(report.longrepr).splitlines()[-30:]:
                    self.lines.append(f"# {line}")


def main() -> int:
    tap = TapReporter()
    # pytest's own report goes to stderr: stdout carries TAP only
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        rc = pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]], plugins=[tap])
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
    tests = [l for l in tap.lines if not l.startswith("#")]
    print(f"1..{len(tests)}")
    for line in tap.lines:
        print(line)
    # pytest's own failure (collection errors, no tests) must fail the run too
    if rc not in (0, 5) or not tests:
        print("not ok - pytest exited with status", rc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
