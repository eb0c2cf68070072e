"""scripts/lint_views.py: views must get their data through access selectors."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lint_views.py"

BAD_VIEW = """\
from django.shortcuts import get_object_or_404, render

from .models import Portfolio


def portfolio_detail(request, pk):
    portfolio = get_object_or_404(Portfolio, pk=pk)
    others = Portfolio.objects.filter(owner=request.user)
    return render(request, "x.html", {"portfolio": portfolio, "others": others})
"""

CLEAN_VIEW = """\
from django.shortcuts import render

from . import selectors


def portfolio_detail(request, pk):
    portfolio = selectors.portfolio_get_for_user(user=request.user, pk=pk)
    return render(request, "x.html", {"portfolio": portfolio})
"""


def run_lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [sys.executable, str(SCRIPT), str(path)], capture_output=True, text=True, check=False
    )


def test_flags_model_objects_and_get_object_or_404(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text(BAD_VIEW)

    result = run_lint(view)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(f"{view}:1:" in line and "get_object_or_404" in line for line in lines)
    assert any(f"{view}:7:" in line and "get_object_or_404()" in line for line in lines)
    assert any(f"{view}:8:" in line and "Portfolio.objects" in line for line in lines)


def test_passes_a_view_that_uses_selectors(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text(CLEAN_VIEW)

    result = run_lint(view)

    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "lint_views: 1 view module(s) clean."


def test_an_exception_needs_a_reason(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text(
        "from .models import Framework\n"
        "A = Framework.objects.all()  # lint-views: allow reference data, not scoped to anyone\n"
        "B = Framework.objects.all()  # lint-views: allow\n"
    )

    result = run_lint(view)

    assert result.returncode == 1
    assert f"{view}:2:" not in result.stdout
    assert f"{view}:3:" in result.stdout
    assert "needs a reason" in result.stdout
