"""scripts/check_test_report.py: a run that tested nothing, or skipped tests in CI, fails."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_test_report.py"


def report(tmp_path: Path, *cases: str) -> Path:
    path = tmp_path / "pytest.xml"
    body = "".join(
        f'<testcase classname="tests.test_x" name="test_{i}">{case}</testcase>'
        for i, case in enumerate(cases)
    )
    path.write_text(
        f'<?xml version="1.0"?><testsuites><testsuite name="pytest">{body}</testsuite></testsuites>'
    )
    return path


def check(path: Path, *, ci: bool) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin"} | ({"CI": "true"} if ci else {})
    return subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=False, env=env
    )


SKIP = '<skipped type="pytest.skip" message="no redis" />'
XFAIL = '<skipped type="pytest.xfail" message="known bug" />'


@pytest.mark.parametrize("ci", [False, True])
def test_fails_when_no_test_ran(tmp_path: Path, ci: bool) -> None:
    assert check(report(tmp_path), ci=ci).returncode == 1
    assert check(report(tmp_path, SKIP, SKIP), ci=ci).returncode == 1


def test_passes_a_run_with_tests(tmp_path: Path) -> None:
    result = check(report(tmp_path, "", "", XFAIL), ci=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 test(s) ran."


def test_skips_fail_in_ci_only(tmp_path: Path) -> None:
    path = report(tmp_path, "", SKIP)

    assert check(path, ci=False).returncode == 0
    in_ci = check(path, ci=True)
    assert in_ci.returncode == 1
    assert "tests.test_x::test_1: no redis" in in_ci.stderr


def test_fails_without_a_report(tmp_path: Path) -> None:
    assert check(tmp_path / "missing.xml", ci=False).returncode == 1
