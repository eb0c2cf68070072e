#!/usr/bin/env python3
"""Read pytest's JUnit report and fail a run that proved nothing.

pytest already exits 5 when it collects no test at all; this also fails a run in which every
collected test was skipped or deselected. In CI (the CI variable set, as `.ci/run` does) any
skipped test fails the run: a missing service must show up as a failure, not as a skip."""

from __future__ import annotations

import os
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def summarise(report: Path) -> tuple[int, list[str]]:
    """(tests that ran, names of skipped tests). An expected failure (xfail) counts as run."""
    root = ET.parse(report).getroot()  # noqa: S314  (our own pytest report, not untrusted input)
    ran = 0
    skipped: list[str] = []
    for case in root.iter("testcase"):
        skip = case.find("skipped")
        if skip is not None and skip.get("type") != "pytest.xfail":
            skipped.append(f"{case.get('classname')}::{case.get('name')}: {skip.get('message', '')}")
        else:
            ran += 1
    return ran, skipped


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: check_test_report.py REPORT.xml", file=sys.stderr)
        return 2
    report = Path(argv[0])
    if not report.is_file():
        print(f"{report}: no test report; did pytest run?", file=sys.stderr)
        return 1
    ran, skipped = summarise(report)
    in_ci = bool(os.environ.get("CI"))
    if skipped:
        print(f"{len(skipped)} skipped test(s):", file=sys.stderr)
        for line in skipped:
            print(f"  {line}", file=sys.stderr)
    if ran == 0:
        print("No test ran: a run that tests nothing is a failure.", file=sys.stderr)
        return 1
    if skipped and in_ci:
        print(
            "Skipped tests are not allowed in CI: start the missing service or fix the test.", file=sys.stderr
        )
        return 1
    print(f"{ran} test(s) ran" + (f", {len(skipped)} skipped" if skipped else "") + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
