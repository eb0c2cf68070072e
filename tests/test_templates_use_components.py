"""Templates draw tables, summary lists, task lists and back links through the component tags
(`academy/templatetags/govuk.py`), link with `{% url %}` rather than fixed paths, and leave role
and status decisions to views and presenters. A page that writes the markup by hand drifts from
the Design System one page at a time; this test stops the first one."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"

# Where the markup is allowed: the component includes themselves, and the few files that must
# stand alone.
ALLOWED = {
    "includes/": "the component includes: the one place each component's markup lives",
    "500.html": "drawn without a database or context processors, so it cannot use tags that need them",
    "allauth/elements/table.html": "allauth's own table element, wrapped for its account pages",
}

RULES = {
    "a table written by hand": re.compile(r"<table\b"),
    "a summary list written by hand": re.compile(r'class="govuk-summary-list[ "]'),
    "a task list written by hand": re.compile(r'class="govuk-task-list[ "]'),
    "a back link written by hand": re.compile(r'class="govuk-back-link"'),
    "a fixed path instead of {% url %}": re.compile(r'href="/'),
    "a role check (compute a flag in the view)": re.compile(r"request\.roles|\.roles\b"),
    "a status mapped to a colour (use a presenter)": re.compile(r'govuk_tag "[^"]+" "[a-z-]+"'),
}


def _templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if not any(path.relative_to(TEMPLATES).as_posix().startswith(prefix) for prefix in ALLOWED)
    )


def test_the_rules_find_what_they_are_for() -> None:
    assert RULES["a table written by hand"].search('<table class="govuk-table">')
    assert RULES["a back link written by hand"].search('<a href="/x/" class="govuk-back-link">')
    assert RULES["a fixed path instead of {% url %}"].search('<a href="/people/">')
    assert RULES["a role check (compute a flag in the view)"].search('{% if "psw" in request.roles %}')
    assert RULES["a status mapped to a colour (use a presenter)"].search('{% govuk_tag "Current" "green" %}')
    assert not RULES["a summary list written by hand"].search('class="govuk-summary-list__row"')


@pytest.mark.parametrize("path", _templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_templates_use_the_component_tags(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    problems = [
        f"line {text.count(chr(10), 0, match.start()) + 1}: {what}"
        for what, pattern in RULES.items()
        for match in pattern.finditer(text)
    ]
    assert not problems, f"{path.relative_to(TEMPLATES)}: {problems}"
