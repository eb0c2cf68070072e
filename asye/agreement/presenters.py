"""Words, dates and tags of the agreement and plan pages, so templates only loop."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse

from academy.components import Cell, Tag
from academy.presenters import format_date
from asye.models import AsyeRecord
from asye.selectors import RecordSchedule
from asye.signatures import SIGNATURES_HEAD, SignatureCapacity
from asye.signatures import signature_rows as shared_signature_rows

from . import rules
from .models import Agreement, DevelopmentPlan, PlanRow
from .services import CAPACITY_WORDS, agreement_fully_signed, sign_statement

__all__ = ["SIGNATURES_HEAD"]

NOT_ANSWERED = Cell(tag=Tag("Not answered", "grey"))


def _text(value: str) -> object:
    """Typed text with its line breaks kept (escaped, then `<br>`)."""
    return linebreaksbr(value, autoescape=True)


def _answer(field: rules.Field, value: object) -> object:
    text = str(value or "").strip()
    if not text:
        return Cell("Not answered", hint="Optional") if field.optional else NOT_ANSWERED
    if field.is_date:
        try:
            return format_date(datetime.date.fromisoformat(text))
        except ValueError:
            return text
    return _text(text)


def agreement_status(agreement: Agreement | None) -> Tag:
    if agreement is None:
        return Tag("Not started", "grey")
    if agreement_fully_signed(agreement):
        return Tag("Signed by everyone", "green")
    if agreement.signatures.all():
        return Tag("Partly signed", "yellow")
    if rules.missing_answers(agreement.form, agreement.answers):
        return Tag("Being written", "blue")
    return Tag("Ready to sign", "light-blue")


def _person(membership: Any) -> str:
    return str(membership.user.display_name)


def record_facts(record: AsyeRecord, schedule: RecordSchedule) -> list[dict[str, Any]]:
    """What the agreement takes from the record itself, as it is today."""
    rows: list[dict[str, Any]] = [
        {"key": "NQSW", "value": _person(record.nqsw)},
        {"key": "Social Work England registration", "value": record.swe_number},
        {"key": "Line manager", "value": _person(record.line_manager)},
        {"key": "Assessor", "value": _person(record.assessor)},
        {"key": "Employing organisation", "value": record.organisation.name},
        {"key": "Team", "value": record.team.name if record.team else "Not set"},
        {
            "key": "Programme",
            "value": Cell(record.programme_version.programme_type.name, hint=record.programme_version.label),
        },
        {"key": "Start date", "value": format_date(record.start_date)},
    ]
    rows += [{"key": review.label, "value": format_date(review.due_on)} for review in schedule.reviews]
    return rows


def answer_sections(agreement: Agreement, *, edit_url: str = "") -> list[dict[str, Any]]:
    """Every answer of the version, section by section, as summary lists."""
    return [
        {
            "title": section.title,
            "rows": [
                {
                    "key": field.label,
                    "value": _answer(field, agreement.answers.get(field.key)),
                    "action_url": f"{edit_url}#id_{field.key}{'_0' if field.is_date else ''}"
                    if edit_url
                    else "",
                    "action_hidden": field.label.lower(),
                }
                for field in section.fields
            ],
        }
        for section in rules.agreement_sections(agreement.form)
    ]


def signature_rows(agreement: Agreement, record: AsyeRecord) -> list[list[object]]:
    return shared_signature_rows(agreement.signatures.all(), record, SignatureCapacity)


def missing_items(agreement: Agreement) -> list[str]:
    """What stands between this version and "signed by everyone"."""
    items = [
        f"An answer to “{field.label}”" for field in rules.missing_answers(agreement.form, agreement.answers)
    ]
    signed = {s.capacity for s in agreement.signatures.all()}
    items += [
        f"A signature from the {CAPACITY_WORDS[capacity]}"
        for capacity in SignatureCapacity
        if capacity not in signed
    ]
    return items


def sign_actions(
    agreement: Agreement, record: AsyeRecord, capacities: Iterable[SignatureCapacity]
) -> list[dict[str, str]]:
    """A sign button, with the words it confirms, for each capacity the viewer holds and that is
    still unsigned on this version."""
    signed = {s.capacity for s in agreement.signatures.all()}
    return [
        {
            "url": reverse("asye:agreement_sign", args=[record.pk, agreement.number, capacity.value]),
            "statement": sign_statement(agreement, capacity),
            "label": f"Sign as {CAPACITY_WORDS[capacity]}",
        }
        for capacity in capacities
        if capacity not in signed
    ]


VERSIONS_HEAD = ["Version", "Made", "Signatures"]


def version_rows(versions: Iterable[Agreement], record: AsyeRecord, *, showing: int) -> list[list[object]]:
    total = len(SignatureCapacity)
    rows: list[list[object]] = []
    for version in versions:
        label = f"Version {version.number}"
        link = (
            ""
            if version.number == showing
            else reverse("asye:agreement_version", args=[record.pk, version.number])
        )
        rows.append(
            [
                Cell(label, href=link, hint="Shown above" if not link else ""),
                Cell(
                    format_date(version.created_at.astimezone().date()),
                    hint=f"by {version.created_by.display_name}",
                ),
                f"{version.signature_count} of {total}",  # type: ignore[attr-defined]
            ]
        )
    return rows


# --- Development plans ------------------------------------------------------------------------

CURRENT = Tag("Current", "blue")
# Short column headings; the version's longer prompts label the form's fields.
PLAN_HEAD = [
    "Learning need",
    "Action",
    "Support",
    "Target date",
    "Evidence of progress",
    "Review note",
    "Actions",
]


def _row_cells(row: PlanRow, record: AsyeRecord, *, can_write: bool, can_review: bool) -> list[object]:
    note: object = "None yet"
    if row.review_note:
        by = row.reviewed_by.display_name if row.reviewed_by else ""
        when = format_date(row.reviewed_at.astimezone().date()) if row.reviewed_at else ""
        note = Cell(_text(row.review_note), hint=f"{by}, {when}".strip(", "))
    cells: list[object] = [
        _text(row.learning_need),
        _text(row.action),
        _text(row.support) if row.support else "None",
        format_date(row.target_date) if row.target_date else "Not set",
        _text(row.progress_evidence) if row.progress_evidence else "Not yet",
        note,
    ]
    if can_write:
        cells.append(Cell("Change", href=reverse("asye:plan_row_edit", args=[record.pk, row.pk])))
    elif can_review:
        words = "Change review note" if row.review_note else "Add review note"
        cells.append(Cell(words, href=reverse("asye:plan_row_review", args=[record.pk, row.pk])))
    return cells


def plan_head(*, can_write: bool, can_review: bool) -> list[str]:
    return PLAN_HEAD if can_write or can_review else PLAN_HEAD[:-1]


def plan_sections(
    *,
    record: AsyeRecord,
    periods: list[rules.Period],
    plans: dict[str, DevelopmentPlan],
    month: int,
    can_write: bool,
    can_review: bool,
) -> list[dict[str, Any]]:
    """One section per period: its rows, whether it is the current one, where to add a row."""
    sections = []
    for period in periods:
        plan = plans.get(period.key)
        rows = list(plan.rows.all()) if plan else []
        current = period.from_months < month and (period.to_months is None or month <= period.to_months)
        sections.append(
            {
                "key": period.key,
                "label": period.label,
                "current": CURRENT if current and period.to_months is not None else None,
                "rows": [_row_cells(r, record, can_write=can_write, can_review=can_review) for r in rows],
                "add_url": reverse("asye:plan_row_add", args=[record.pk, period.key]) if can_write else "",
            }
        )
    return sections


def row_summary(row: PlanRow) -> list[dict[str, Any]]:
    """The row the reviewer writes a note on, as the NQSW wrote it."""
    return [
        {"key": "Learning need", "value": _text(row.learning_need)},
        {"key": "Action", "value": _text(row.action)},
        {"key": "Support", "value": _text(row.support) if row.support else "None"},
        {"key": "Target date", "value": format_date(row.target_date) if row.target_date else "Not set"},
        {
            "key": "Evidence of progress",
            "value": _text(row.progress_evidence) if row.progress_evidence else "Not yet",
        },
    ]
