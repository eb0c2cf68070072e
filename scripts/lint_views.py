#!/usr/bin/env python3
"""Fail when a view reaches the database without going through an access selector.

Views get their data from `<app>/selectors.py` (e.g. `portfolio_get_for_user`, `*_visible_to`),
which scope every query to the user and organisation and decide between 404 and 403. A view that
writes `Model.objects...` or calls `get_object_or_404` skips that check, so this script, run by
`make lint`, refuses both in the views of our apps.

    python scripts/lint_views.py            # every views.py (or views/ package) in our apps
    python scripts/lint_views.py FILE ...   # just these files, whatever their name

A line that really needs an exception carries `# lint-views: allow <reason>`; a bare
`# lint-views: allow` without a reason is itself reported.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("academy", "asye", "cpd", "programmes", "placements")
SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
ALLOW_MARKER = "# lint-views: allow"


@dataclass(frozen=True, order=True)
class Violation:
    path: str
    line: int
    col: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col + 1}: {self.reason}"


def view_files(root: Path = ROOT) -> Iterator[Path]:
    for app in APPS:
        app_dir = root / app
        if not app_dir.is_dir():
            continue
        for path in sorted(app_dir.rglob("*.py")):
            relative = path.relative_to(app_dir).parts
            if "migrations" in relative or "tests" in relative:
                continue
            if path.name == "views.py" or "views" in relative[:-1]:
                yield path


def _allowed(lines: list[str], lineno: int) -> bool | None:
    """True when the line opts out with a reason, None when it opts out without one."""
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    if ALLOW_MARKER not in line:
        return False
    reason = line.split(ALLOW_MARKER, 1)[1].strip(" :-—")
    return True if reason else None


def check_source(source: str, path: str) -> list[Violation]:
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        return [Violation(path, exc.lineno or 1, (exc.offset or 1) - 1, f"cannot parse: {exc.msg}")]
    lines = source.splitlines()
    found: list[Violation] = []

    def report(node: ast.AST, reason: str) -> None:
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        allowed = _allowed(lines, line)
        if allowed is None:
            found.append(Violation(path, line, col, f"'{ALLOW_MARKER}' needs a reason after it"))
        elif not allowed:
            found.append(Violation(path, line, col, reason))

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            owner = ast.unparse(node.value)
            report(
                node,
                f"{owner}.{node.attr} in a view: read through an access selector in selectors.py "
                "(scoped to the user and organisation, 404/403 decided there)",
            )
        elif isinstance(node, ast.Name) and node.id in SHORTCUTS:
            report(node, f"{node.id}() in a view: use the object's access selector, which raises 404/403")
        elif isinstance(node, ast.Attribute) and node.attr in SHORTCUTS:
            report(node, f"{node.attr}() in a view: use the object's access selector, which raises 404/403")
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in SHORTCUTS:
                    report(node, f"imports {alias.name}: views get objects from access selectors")
    return sorted(set(found))


def check_files(paths: Iterable[Path]) -> list[Violation]:
    violations: list[Violation] = []
    for path in paths:
        try:
            shown = str(path.resolve().relative_to(ROOT))
        except ValueError:
            shown = str(path)
        violations.extend(check_source(path.read_text(encoding="utf-8"), shown))
    return violations


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] if argv else list(view_files())
    missing = [p for p in paths if not p.is_file()]
    if missing:
        for path in missing:
            print(f"{path}: no such file", file=sys.stderr)
        return 2
    violations = check_files(paths)
    for violation in violations:
        print(violation)
    if violations:
        print(
            f"\n{len(violations)} problem(s) in views: data reaches views only through access selectors "
            "(see CONTRIBUTING.md, 'Permissions').",
            file=sys.stderr,
        )
        return 1
    print(f"lint_views: {len(paths)} view module(s) clean.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
