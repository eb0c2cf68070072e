"""Words and rows of the citing pages and of a cited item's page."""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from django.urls import reverse

from academy.components import Cell, Tag
from academy.presenters import format_date
from asye.models import AsyeRecord
from cpd.models import CpdRecord

from .models import CpdCitation
from .selectors import PortfolioReaders
from .snapshot import NOT_SHARED, SHARED_FIELDS

CHOICES_HEAD = ["CPD record", "Date", "Type", "In this portfolio"]


def choice_rows(
    records: Iterable[CpdRecord], *, record: AsyeRecord, cited: Mapping[UUID, UUID]
) -> list[list[object]]:
    """The NQSW's completed CPD records: each links to the citing form, or, once cited, to the
    evidence item made from it."""
    rows: list[list[object]] = []
    for cpd_record in records:
        item_id = cited.get(cpd_record.pk)
        if item_id is None:
            title = Cell(
                cpd_record.title, href=reverse("asye:evidence_cite_record", args=[record.pk, cpd_record.pk])
            )
            status = Cell(tag=Tag("Not cited", "grey"))
        else:
            title = Cell(cpd_record.title, hint="Already cited")
            status = Cell("View the evidence", href=reverse("asye:evidence", args=[item_id]))
        rows.append(
            [title, format_date(cpd_record.occurred_on), cpd_record.get_activity_type_display(), status]
        )
    return rows


def _value(key: str, value: Any) -> str:
    if key == "occurred_on":
        return format_date(datetime.date.fromisoformat(value)) if value else "Not recorded"
    if key == "topics":
        return ", ".join(value) or "None chosen"
    return str(value).strip() or ("Not recorded" if key in {"hours", "provider"} else "None")


def shared_rows(shared: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The shared fields of a snapshot, in order, as a summary list."""
    return [{"key": label, "value": _value(key, shared.get(key, ""))} for key, label in SHARED_FIELDS.items()]


def shared_field_names() -> str:
    """The shared fields named in a sentence, for the warning."""
    names = [label[0].lower() + label[1:] for label in SHARED_FIELDS.values()]
    return ", ".join(names[:-1]) + " and " + names[-1]


def not_shared_names() -> str:
    return ", ".join(NOT_SHARED[:-1]) + " or " + NOT_SHARED[-1]


def readers_words(readers: PortfolioReaders) -> list[str]:
    """Who can read the portfolio, one line each, for the warning."""
    staff = " and ".join(readers.organisations)
    return [
        f"your assessor, {readers.assessor}",
        f"your line manager, {readers.line_manager}",
        f"principal social workers and academy administrators at {staff}",
        "anyone who takes over one of these roles while your ASYE record is open",
        "the members of the moderation panel your portfolio is sent to, while the panel sits",
    ]


def citation_note(citation: CpdCitation, *, is_nqsw: bool, link_cpd: bool) -> dict[str, Any]:
    """The heading words of a cited item's CPD section."""
    return {
        "taken": format_date(citation.snapshot_at),
        "cpd_url": reverse("cpd:record", args=[citation.cpd_record_id])
        if link_cpd and citation.cpd_record_id
        else "",
        "is_nqsw": is_nqsw,
    }
