"""Words, dates and tag colours of the CPD pages, so templates only loop."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.urls import reverse

from academy.components import Cell, Tag
from academy.files.models import StoredFile
from academy.models import FrameworkElement
from academy.presenters import format_date

from .models import CpdRecord, PeerReflection, RecordStatus, RegistrationYear
from .rules import YearProgress

# Short words for the parts of SWE standard 4, shown while the framework data has no confirmed
# title for a part (academy/framework_data/swe-professional-standards.json seeds them by number).
STANDARD_4_WORDS = {
    "4.1": "Feedback",
    "4.2": "Supervision",
    "4.3": "Research, theories and frameworks",
    "4.4": "Current knowledge",
    "4.5": "An open learning culture",
    "4.6": "Reflection",
    "4.7": "Recording learning",
    "4.8": "Values and ethics",
}

STATUS_TAG = {RecordStatus.DRAFT: "grey", RecordStatus.COMPLETE: "green"}


def topic_label(element: FrameworkElement) -> str:
    words = element.title or STANDARD_4_WORDS.get(element.code, "")
    return f"{element.code} {words}".strip()


def status_tag(record: CpdRecord) -> Tag:
    status = RecordStatus(record.status)
    return Tag(status.label, STATUS_TAG[status])


def has_reflection(record: CpdRecord) -> bool:
    try:
        return bool(record.peer_reflection.learning.strip())
    except PeerReflection.DoesNotExist:
        return False


def year_of(record: CpdRecord, years: Iterable[RegistrationYear]) -> str:
    for year in years:
        if year.starts_on <= record.occurred_on <= year.ends_on:
            return year.label
    return "No registration year"


LEDGER_HEAD = ["Record", "Date", "Type", "Peer reflection", "Status"]


def ledger_rows(records: Iterable[CpdRecord]) -> list[list[object]]:
    return [
        [
            Cell(record.title, href=reverse("cpd:record", args=[record.pk])),
            format_date(record.occurred_on),
            record.get_activity_type_display(),
            "Yes" if has_reflection(record) else "No",
            Cell(tag=status_tag(record)),
        ]
        for record in records
    ]


def _text(value: str) -> str:
    return value.strip() or "Not written yet"


def record_summary(
    record: CpdRecord, *, year_label: str, topics: list[FrameworkElement], edit_url: str
) -> list[dict[str, Any]]:
    def row(key: str, value: object) -> dict[str, Any]:
        return {"key": key, "value": value, "action_url": edit_url, "action_hidden": key.lower()}

    return [
        {"key": "Status", "value": Cell(tag=status_tag(record))},
        {"key": "Registration year", "value": year_label},
        row("Title", record.title),
        row("Type of CPD activity", record.get_activity_type_display()),
        row("Description and relevance", _text(record.description)),
        row("Date", format_date(record.occurred_on)),
        row("What I learnt", _text(record.learning)),
        row("Impact on my practice and the people I work with", _text(record.impact)),
        row("Hours", f"{record.hours.normalize():f}" if record.hours is not None else "Not recorded"),
        row("Provider", record.provider or "Not recorded"),
        row("Standard 4 topics", ", ".join(topic_label(t) for t in topics) or "None chosen"),
    ]


def reflection_summary(reflection: PeerReflection, *, edit_url: str) -> list[dict[str, Any]]:
    def row(key: str, value: object) -> dict[str, Any]:
        return {"key": key, "value": value, "action_url": edit_url, "action_hidden": key.lower()}

    return [
        row("What I learnt from the discussion", reflection.learning),
        row("Peer", reflection.peer_name or "Not recorded"),
        row("Their role", reflection.peer_role or "Not recorded"),
        row(
            "Date of the conversation",
            format_date(reflection.discussed_on) if reflection.discussed_on else "Not recorded",
        ),
    ]


ATTACHMENTS_HEAD = ["File", "Added"]


def attachment_rows(files: Iterable[StoredFile]) -> list[list[object]]:
    return [
        [
            Cell(stored.original_name, href=reverse("academy:files:download", args=[stored.pk])),
            format_date(stored.created_at),
        ]
        for stored in files
    ]


@dataclass(frozen=True)
class CopyField:
    """One field of the copy pack: its heading as the regulator's form asks it, and the text."""

    slug: str
    heading: str
    text: str


def copy_pack(record: CpdRecord) -> list[CopyField]:
    """The record's fields as plain text, in the order of SWE's CPD form."""
    reflection = record.peer_reflection if has_reflection(record) else None
    return [
        CopyField("type", "Type of CPD activity", record.get_activity_type_display()),
        CopyField(
            "description", "Description of the activity and why it is relevant to you", record.description
        ),
        CopyField("date", "Date of the activity", record.occurred_on.strftime("%d/%m/%Y")),
        CopyField("learning", "What did you learn?", record.learning),
        CopyField(
            "impact",
            "What impact has it had, or will it have, on your practice and the people you work with?",
            record.impact,
        ),
        CopyField(
            "peer",
            "Peer reflection: what did you learn from discussing this with a peer?",
            reflection.learning if reflection else "",
        ),
    ]


def progress_tag(progress: YearProgress) -> Tag:
    if progress.met:
        return Tag("Requirement met", "green")
    if progress.is_past:
        return Tag("Not met", "red")
    if progress.renewal_window_open:
        return Tag("At risk", "orange")
    return Tag("In progress", "blue")


def days_left_words(progress: YearProgress) -> str:
    if progress.is_past:
        return f"The year ended on {format_date(progress.year.ends_on)}."
    if progress.is_future:
        return f"The year starts on {format_date(progress.year.starts_on)}."
    days = progress.days_left or 0
    if days == 0:
        return "Today is the last day: records are due by 11.59pm."
    unit = "day" if days == 1 else "days"
    return f"{days} {unit} left, until 11.59pm on {format_date(progress.year.ends_on)}."


def progress_tasks(progress: YearProgress, *, ledger_url: str) -> list[dict[str, Any]]:
    """The year's requirement as a task list: each part and whether it is done."""
    year = progress.year
    records_done = progress.distinct >= year.required_records
    peer_done = progress.peer_reflected >= year.required_peer_reflected
    return [
        {
            "title": f"At least {year.required_records} different completed CPD records",
            "url": ledger_url,
            "hint": f"{progress.distinct} of {year.required_records} completed"
            + (f"; {progress.drafts} in draft" if progress.drafts else ""),
            "status_text": "Completed" if records_done else "Incomplete",
            "status_colour": "" if records_done else "blue",
        },
        {
            "title": f"At least {year.required_peer_reflected} completed record with a peer reflection",
            "url": ledger_url,
            "hint": f"{progress.peer_reflected} of {year.required_peer_reflected} with a peer reflection",
            "status_text": "Completed" if peer_done else "Incomplete",
            "status_colour": "" if peer_done else "blue",
        },
    ]


def year_summary(progress: YearProgress) -> list[dict[str, Any]]:
    year = progress.year
    rows: list[dict[str, Any]] = [
        {"key": "Status", "value": Cell(tag=progress_tag(progress))},
        {"key": "Dates", "value": f"{format_date(year.starts_on)} to {format_date(year.ends_on)}"},
        {"key": "Time left", "value": days_left_words(progress)},
        {
            "key": "Renewal window",
            "value": ("Open" if progress.renewal_window_open else "Opens")
            + f" on {format_date(year.renewal_window_opens_on)}"
            if not progress.is_past
            else f"Closed on {format_date(year.ends_on)}",
        },
        {"key": "Completed records", "value": str(progress.complete)},
        {"key": "Drafts", "value": str(progress.drafts)},
    ]
    notes = cast(RegistrationYear, year).notes
    if notes:
        rows.append({"key": "About this year", "value": notes})
    return rows


YEARS_HEAD = ["Registration year", "Completed records", "Peer-reflected", "Status"]


def years_rows(summaries: Iterable[Any]) -> list[list[object]]:
    return [
        [
            Cell(s.year.label, href=reverse("cpd:tracker") + f"?year={s.year.slug}"),
            Cell(str(s.progress.distinct), numeric=True),
            Cell(str(s.progress.peer_reflected), numeric=True),
            Cell(tag=progress_tag(s.progress)),
        ]
        for s in summaries
    ]
