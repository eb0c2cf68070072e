"""Words of the year's export (PDF and CSV) and of the import's preview. The regulator's fields
come from the copy pack's presenter (`cpd.presenters.copy_pack`), so the export, the copy pack
and the regulator's form agree on order and wording."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from academy.components import Cell, Tag
from academy.models import User
from academy.presenters import format_date

from ..models import ActivityType, CpdRecord, RecordStatus, RegistrationYear
from ..presenters import copy_pack, has_reflection, progress_tag, topic_label, year_summary
from ..rules import YearProgress
from .columns import COLUMNS
from .services import ImportPlan, ImportResult, RowPlan


@dataclass(frozen=True)
class Field:
    heading: str
    text: str


@dataclass(frozen=True)
class RecordPage:
    title: str
    caption: str
    regulator: list[Field]
    own: list[Field]


def _day(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _hours(record: CpdRecord) -> str:
    return f"{record.hours.normalize():f}" if record.hours is not None else ""


def _topics(record: CpdRecord) -> str:
    """The topics, prefetched in order by the export selector."""
    return "; ".join(topic_label(topic) for topic in record.topics.all())


def _own_values(record: CpdRecord) -> dict[str, str]:
    """The person's own notes on the record, by column key."""
    reflection = record.peer_reflection if has_reflection(record) else None
    return {
        "title": record.title,
        "peer_name": reflection.peer_name if reflection else "",
        "peer_role": reflection.peer_role if reflection else "",
        "peer_discussed_on": _day(reflection.discussed_on) if reflection else "",
        "hours": _hours(record),
        "provider": record.provider,
        "topics": _topics(record),
        "status": RecordStatus(record.status).label,
    }


def csv_row(record: CpdRecord) -> list[str]:
    """One record as a row of the year's CSV, in the order of `columns.COLUMNS`."""
    copied = {field.slug: field.text for field in copy_pack(record)}
    own = _own_values(record)
    return [copied[column.copy_slug] if column.copy_slug else own[column.key] for column in COLUMNS]


def record_page(record: CpdRecord) -> RecordPage:
    """One record in the PDF: the regulator's questions with the copy pack's answers, then the
    person's own notes, every field shown (an empty one says so)."""
    own = _own_values(record)
    notes = [
        Field(column.heading, own[column.key])
        for column in COLUMNS
        if not column.copy_slug and column.key not in ("title", "status")
    ]
    return RecordPage(
        title=record.title,
        caption=f"{format_date(record.occurred_on)} · {own['status']}",
        regulator=[Field(field.heading, field.text) for field in copy_pack(record)],
        own=notes,
    )


def _plain(value: object) -> str:
    if isinstance(value, Cell):
        return value.tag.text if value.tag is not None else str(value.text)
    if isinstance(value, Tag):
        return value.text
    return str(value)


def cover_summary(progress: YearProgress | None) -> list[Field]:
    """The tracker's summary of the year, as plain words for print."""
    if progress is None:
        return []
    return [Field(row["key"], _plain(row["value"])) for row in year_summary(progress)]


def export_context(
    *, person: User, year: RegistrationYear, progress: YearProgress | None, records: Iterable[CpdRecord]
) -> dict[str, Any]:
    pages = [record_page(record) for record in records]
    return {
        "person_name": person.display_name,
        "year": year,
        "status": _plain(Cell(tag=progress_tag(progress))) if progress else "",
        "missing": progress.missing if progress else [],
        "summary": cover_summary(progress),
        "pages": pages,
    }


def export_name(year: RegistrationYear, extension: str) -> str:
    return f"cpd-{year.slug}.{extension}"


# --- The import's preview --------------------------------------------------------------------------

PREVIEW_HEAD = ["Row", "Title", "Date", "What will happen"]


def _outcome(row: RowPlan) -> Cell:
    if row.errors:
        problems = format_html_join(
            mark_safe("<br>"), "{}: {}", ((error.column, error.message) for error in row.errors)
        )
        return Cell(tag=Tag("Put right", "red"), hint=problems)
    if row.repeats is not None:
        return Cell(
            tag=Tag("Already in your CPD", "grey"),
            hint=f"It repeats “{row.repeats.title}” of {format_date(row.repeats.occurred_on)}, "
            "so it will not be added again.",
        )
    new = row.record
    kind = "complete record" if new and new.complete else "draft"
    extra = " with a peer reflection" if new and new.peer_learning else ""
    return Cell(tag=Tag("Will be added", "green"), hint=f"As a {kind}{extra}.")


def preview_rows(plan: ImportPlan) -> list[list[object]]:
    return [
        [
            str(row.number),
            row.title or "No title",
            format_date(row.record.occurred_on) if row.record and row.record.occurred_on else "",
            _outcome(row),
        ]
        for row in plan.rows
    ]


def preview_errors(plan: ImportPlan, *, href: str) -> list[dict[str, str]]:
    """The error summary: every problem, with its row and column, linked to the upload."""
    return [
        {"href": href, "text": f"Row {number}, {error.column}: {error.message}"}
        for number, error in plan.errors
    ]


def import_outcome_words(result: ImportResult, *, name: str) -> str:
    if not result.created:
        return f"Every record in “{name}” is already in your CPD: nothing new was imported."
    words = f"Imported {result.created} {'record' if result.created == 1 else 'records'} from “{name}”."
    if result.repeated:
        words += (
            f" {result.repeated} {'was' if result.repeated == 1 else 'were'} already in your CPD "
            "and not added again."
        )
    return words


ACTIVITY_TYPES_HEAD = ["Write", "or"]


def activity_type_rows() -> list[list[object]]:
    """The types of activity an import accepts: the words as the portal shows them, or the code."""
    return [[str(label), Cell(value, small=True)] for value, label in ActivityType.choices]
