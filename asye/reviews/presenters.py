"""Words, dates and tags of the review pages and of the rows other pages show about reviews, so
templates only loop.

A review's state, most advanced first: Signed (by all three), Waiting for signatures (someone
has signed), Overdue (due date passed, not signed), In progress (someone has written part of
it), Due soon (within `DUE_SOON_DAYS`), Not due yet. Due dates are dates: "overdue" means the
due date is before today, London time.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone

from academy.components import Cell, Tag
from academy.models import FrameworkElement
from academy.presenters import format_date
from asye.dates import ReviewDue
from asye.models import AssessorChange, AsyeRecord
from asye.presenters import person
from asye.signatures import CAPACITY_WORDS, SignatureCapacity

from . import rules
from .models import Rating, Review
from .selectors import REVIEW_CAPACITIES, ReviewBrief
from .services import sign_statement

DUE_SOON_DAYS = 28
RATING_COLOURS = {Rating.ON_TRACK: "green", Rating.SOME_CONCERNS: "yellow", Rating.SERIOUS_CONCERNS: "red"}


def _text(value: str) -> object:
    return linebreaksbr(value, autoescape=True)


def review_state(brief: ReviewBrief | None, due_on: datetime.date, today: datetime.date) -> tuple[str, str]:
    """Words and tag colour (empty colour: done, shown as plain text in a task list)."""
    if brief is not None and brief.completed_at is not None:
        return ("Signed", "")
    if brief is not None and brief.signed:
        return ("Waiting for signatures", "yellow")
    if due_on < today:
        return ("Overdue", "red")
    if brief is not None:
        return ("In progress", "light-blue")
    if due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return ("Due soon", "yellow")
    return ("Not due yet", "")


def state_tag(state: tuple[str, str]) -> Tag:
    return Tag(state[0], state[1] or "green")


def brief_of(review: Review | None) -> ReviewBrief | None:
    if review is None:
        return None
    return ReviewBrief(
        review.key, review.completed_at, frozenset(s.capacity for s in review.signatures.all())
    )


def review_url(record: AsyeRecord, key: str) -> str:
    return reverse("asye:review", args=[record.pk, key])


def waiting_for(brief: ReviewBrief | None) -> list[SignatureCapacity]:
    signed = brief.signed if brief else frozenset()
    return [c for c in REVIEW_CAPACITIES if c not in signed]


# --- The record's reviews ----------------------------------------------------------------------------

REVIEWS_HEAD = ["Review", "Due", "State"]


def record_review_rows(
    record: AsyeRecord, dues: Iterable[ReviewDue], briefs: Mapping[str, ReviewBrief], today: datetime.date
) -> list[list[object]]:
    rows: list[list[object]] = []
    for due in dues:
        brief = briefs.get(due.key)
        state = review_state(brief, due.due_on, today)
        rows.append(
            [
                Cell(due.label, href=review_url(record, due.key), hint="Optional" if due.optional else ""),
                format_date(due.due_on),
                Cell(tag=state_tag(state)),
            ]
        )
    return rows


# --- One review --------------------------------------------------------------------------------------


def _value(text: str) -> object:
    return _text(text) if text.strip() else Cell(tag=Tag("Not written yet", "grey"))


def part_rows(
    pairs: Iterable[tuple[str, str]], *, edit_url: str = "", hidden: str = ""
) -> list[dict[str, Any]]:
    """(label, text) pairs as summary list rows, each with a change link when `edit_url`."""
    return [
        {"key": label, "value": _value(text), "action_url": edit_url, "action_hidden": label.lower()}
        for label, text in pairs
    ]


JUDGEMENTS_HEAD = ["Domain", "Progress", "Reasons"]


def judgement_rows(domains: Iterable[FrameworkElement], judgements: dict[str, Any]) -> list[list[object]]:
    rows: list[list[object]] = []
    for element in domains:
        judgement = judgements.get(str(element.pk)) or {}
        rating = judgement.get("rating")
        name = Cell(f"{element.code} {element.title}".strip(), hint=element.version.framework.short_name)
        if rating in Rating.values:
            tag = Cell(tag=Tag(Rating(rating).label, RATING_COLOURS[Rating(rating)]))
        else:
            tag = Cell(tag=Tag("Not judged yet", "grey"))
        rows.append([name, tag, _text(judgement.get("reason", "")) if judgement.get("reason") else ""])
    return rows


ACTIONS_HEAD = ["Action", "To be done by"]


def action_rows(plan: Iterable[dict[str, str]]) -> list[list[object]]:
    return [[_text(row["action"]), format_date(datetime.date.fromisoformat(row["by"]))] for row in plan]


CHANGES_HEAD = ["Date", "From", "To", "Reason"]


def change_rows(changes: Iterable[AssessorChange]) -> list[list[object]]:
    return [
        [
            format_date(timezone.localtime(change.created_at).date()),
            person(change.from_assessor) if change.from_assessor else "",
            person(change.to_assessor),
            Cell(_text(change.reason), hint=f"Changed by {change.changed_by.display_name}"),
        ]
        for change in changes
    ]


def sign_actions(
    record: AsyeRecord, due: ReviewDue, brief: ReviewBrief | None, capacities: Iterable[SignatureCapacity]
) -> list[dict[str, str]]:
    """A sign button, with the words it confirms, for each of the viewer's unsigned capacities."""
    signed = brief.signed if brief else frozenset()
    return [
        {
            "url": reverse("asye:review_sign", args=[record.pk, due.key, capacity.value]),
            "statement": sign_statement(due.label, capacity),
            "label": f"Sign as {CAPACITY_WORDS[capacity]}",
        }
        for capacity in capacities
        if capacity not in signed
    ]


# --- The assessor's and line manager's list -----------------------------------------------------------

TO_DO_HEAD = ["NQSW", "Review", "Due", "State", "Your part"]


def to_do_rows(
    items: Iterable[tuple[AsyeRecord, ReviewDue, ReviewBrief | None, list[SignatureCapacity]]],
    today: datetime.date,
) -> list[list[object]]:
    rows: list[list[object]] = []
    for record, due, brief, mine in items:
        waiting = [c for c in mine if c in waiting_for(brief)]
        if waiting and brief is not None and brief.signed:
            yours = Cell(tag=Tag("Waiting for your signature", "orange"))
        elif waiting:
            yours = Cell("To write and sign")
        else:
            yours = Cell("Signed by you")
        rows.append(
            [
                Cell(person(record.nqsw), hint=record.team.name if record.team else record.organisation.name),
                Cell(due.label, href=review_url(record, due.key)),
                format_date(due.due_on),
                Cell(tag=state_tag(review_state(brief, due.due_on, today))),
                yours,
            ]
        )
    return rows


def form_title(form: rules.ReviewForm, due: ReviewDue) -> str:
    return due.label if due.label else form.title
