"""Words, dates and tags of the year's-end pages, and of the rows the record page and the year's
task list show about them, so templates only loop."""

from collections.abc import Iterable
from typing import Any

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone

from academy.components import Cell, Tag
from academy.models import FrameworkElement
from academy.presenters import format_date
from asye.models import AsyeRecord, RecordPause, RecordStatus
from asye.reviews.presenters import part_rows
from asye.reviews.services import sign_statement
from asye.signatures import CAPACITY_WORDS, SignatureCapacity

from . import rules
from .models import (
    Endorsement,
    FinalAssessment,
    ModerationSubmission,
    Recommendation,
    RecordExtension,
    RecordWithdrawal,
)
from .selectors import FinalBrief, Refusal

RECOMMENDATION_COLOURS = {Recommendation.PASS: "green", Recommendation.FAIL: "red"}


def _text(value: str) -> object:
    return linebreaksbr(value, autoescape=True)


def final_state(brief: FinalBrief | None) -> tuple[str, str]:
    """Words and tag colour (empty: done, plain text in a task list)."""
    if brief is None:
        return ("Not started", "blue")
    if brief.completed_at is not None:
        return (f"Signed: recommends {Recommendation(brief.recommendation).label.lower()}", "")
    if brief.signed:
        return ("Waiting for signatures", "yellow")
    return ("In progress", "light-blue")


def final_tag(brief: FinalBrief | None) -> Tag:
    words, colour = final_state(brief)
    return Tag(words, colour or "green")


def recommendation_value(value: str) -> object:
    if value in Recommendation.values:
        return Cell(tag=Tag(Recommendation(value).label, RECOMMENDATION_COLOURS[Recommendation(value)]))
    return Cell(tag=Tag("Not made yet", "grey"))


def endorsement_value(value: str) -> object:
    if value in Endorsement.values:
        return Endorsement(value).label
    return Cell(tag=Tag("Not given yet", "grey"))


def nqsw_rows(
    assessment: FinalAssessment | None, prompts: dict[str, str], edit_url: str
) -> list[dict[str, Any]]:
    return part_rows(
        [
            (prompts["reflection"], assessment.reflection if assessment else ""),
            (prompts["further_development"], assessment.further_development if assessment else ""),
        ],
        edit_url=edit_url,
    )


def assessor_rows(
    assessment: FinalAssessment | None, prompts: dict[str, str], edit_url: str
) -> list[dict[str, Any]]:
    rows = part_rows([(prompts["report"], assessment.report if assessment else "")], edit_url=edit_url)
    rows.append(
        {
            "key": prompts["recommendation"],
            "value": recommendation_value(assessment.recommendation if assessment else ""),
            "action_url": edit_url,
            "action_hidden": "recommendation",
        }
    )
    return rows


def manager_rows(
    assessment: FinalAssessment | None, prompts: dict[str, str], edit_url: str
) -> list[dict[str, Any]]:
    rows = [
        {
            "key": prompts["endorsement"],
            "value": endorsement_value(assessment.endorsement if assessment else ""),
            "action_url": edit_url,
            "action_hidden": "endorsement",
        }
    ]
    rows += part_rows(
        [(prompts["manager_comments"], assessment.manager_comments if assessment else "")], edit_url=edit_url
    )
    return rows


JUDGEMENTS_HEAD = ["Domain", "Judgement", "Reasons"]


def judgement_rows(domains: Iterable[FrameworkElement], judgements: dict[str, Any]) -> list[list[object]]:
    rows: list[list[object]] = []
    for element in domains:
        judgement = judgements.get(str(element.pk)) or {}
        met = judgement.get("met")
        if met == rules.MET:
            tag = Cell(tag=Tag("Met", "green"))
        elif met == rules.NOT_MET:
            tag = Cell(tag=Tag("Not met", "red"))
        else:
            tag = Cell(tag=Tag("Not judged yet", "grey"))
        name = Cell(f"{element.code} {element.title}".strip(), hint=element.version.framework.short_name)
        rows.append([name, tag, _text(judgement.get("reason", "")) if judgement.get("reason") else ""])
    return rows


def sign_actions(
    record: AsyeRecord, signed: frozenset[str], capacities: Iterable[SignatureCapacity]
) -> list[dict[str, str]]:
    return [
        {
            "url": reverse("asye:final_sign", args=[record.pk, capacity.value]),
            "statement": sign_statement("final assessment", capacity),
            "label": f"Sign as {CAPACITY_WORDS[capacity]}",
        }
        for capacity in capacities
        if capacity not in signed
    ]


# --- Submission -----------------------------------------------------------------------------------


def refusal_items(refusals: Iterable[Refusal]) -> list[dict[str, str]]:
    return [{"message": r.message, "url": r.url, "link_text": r.link_text} for r in refusals]


ITEMS_HEAD = ["Item", "Kind", "Date", "Anonymisation"]


def item_rows(items: Iterable[Any]) -> list[list[object]]:
    return [
        [
            Cell(item.title, href=reverse("asye:evidence", args=[item.pk])),
            item.get_kind_display(),
            format_date(item.date),
            Cell(tag=Tag("Confirmed", "green")) if item.confirmed else Cell(tag=Tag("To confirm", "yellow")),
        ]
        for item in items
    ]


# --- The record page --------------------------------------------------------------------------------

EXTENSIONS_HEAD = ["Granted", "Planned end before", "New planned end", "Reason"]


def extension_rows(extensions: Iterable[RecordExtension]) -> list[list[object]]:
    return [
        [
            format_date(e.granted_on),
            format_date(e.previous_end_on),
            format_date(e.new_end_on),
            Cell(_text(e.reason), hint=f"Recorded by {e.granted_by.display_name}"),
        ]
        for e in extensions
    ]


def withdrawal_rows(withdrawal: RecordWithdrawal | None) -> list[dict[str, Any]]:
    if withdrawal is None:
        return []
    return [
        {"key": "Withdrew on", "value": format_date(withdrawal.withdrawn_on)},
        {"key": "Reason", "value": _text(withdrawal.reason)},
        {
            "key": "Recorded by",
            "value": f"{withdrawal.recorded_by.display_name}, "
            f"{format_date(timezone.localtime(withdrawal.created_at).date())}",
        },
    ]


SUBMISSIONS_HEAD = ["Submitted", "By"]


def submission_rows(submissions: Iterable[ModerationSubmission]) -> list[list[object]]:
    return [[format_date(s.created_at), str(s.submitted_by.display_name)] for s in submissions]


def open_pause(record: AsyeRecord) -> RecordPause | None:
    """The pause still open (prefetched by the record selectors)."""
    return next((p for p in record.pauses.all() if p.ends_on is None), None)


def employer_actions(record: AsyeRecord, *, can_change: bool) -> list[tuple[str, str]]:
    """Links for the PSW or academy admin: pause (or end the pause), extend, withdraw."""
    if not can_change:
        return []
    actions: list[tuple[str, str]] = []
    status = record.status
    if status in (RecordStatus.ACTIVE, RecordStatus.EXTENDED, RecordStatus.PAUSED):
        if open_pause(record) is not None:
            actions.append(("End the pause", reverse("asye:record_pause_end", args=[record.pk])))
        else:
            actions.append(("Record a pause", reverse("asye:record_pause", args=[record.pk])))
        actions.append(("Extend the year", reverse("asye:record_extend", args=[record.pk])))
    if status in (RecordStatus.ACTIVE, RecordStatus.EXTENDED, RecordStatus.PAUSED, RecordStatus.SUBMITTED):
        actions.append(("Record a withdrawal", reverse("asye:record_withdraw", args=[record.pk])))
    return actions
