"""Words, dates and tag colours of the evidence pages, so templates only loop."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from academy.components import Cell, Tag
from academy.models import FrameworkElement
from academy.presenters import format_date
from asye.models import AsyeRecord, EvidenceKind

from .forms_data import RATING_LABELS, KindForm
from .guard import GuardFlag, Passage
from .models import AnonymisationCheck, EvidenceItem, EvidenceStatus, EvidenceTransition
from .selectors import ItemDetail, KindCounts, MapRow

STATUS_TAG = {
    EvidenceStatus.DRAFT: "grey",
    EvidenceStatus.SUBMITTED: "blue",
    EvidenceStatus.RETURNED: "orange",
    EvidenceStatus.RESUBMITTED: "light-blue",
    EvidenceStatus.ACCEPTED: "green",
}


def status_tag(status: str) -> Tag:
    return Tag(EvidenceStatus(status).label, STATUS_TAG.get(EvidenceStatus(status), ""))


def kind_label(kind: str) -> str:
    return str(EvidenceKind(kind).label)


def item_url(item: EvidenceItem) -> str:
    return reverse("asye:evidence", args=[item.pk])


# --- The record's evidence ---------------------------------------------------------------------------

COUNTS_HEAD = [
    "Kind",
    Cell("Accepted", numeric=True),
    Cell("With the assessor", numeric=True),
    Cell("Returned", numeric=True),
    Cell("Drafts", numeric=True),
]


def kind_filter_url(record: AsyeRecord, kind: str = "") -> str:
    """The record's evidence list, showing only `kind` when given."""
    listing = reverse("asye:evidence_list", args=[record.pk])
    return f"{listing}?{urlencode({'kind': kind})}" if kind else listing


def count_rows(counts: Iterable[KindCounts], *, record: AsyeRecord, current: str = "") -> list[list[object]]:
    """Per kind, its counts; the kind links to the list showing only that kind (the one shown
    now is not a link)."""
    rows: list[list[object]] = []
    for c in counts:
        accepted = f"{c.accepted} of {c.minimum}" if c.minimum else str(c.accepted)
        hint = "Minimum reached" if c.minimum and c.accepted >= c.minimum else ""
        rows.append(
            [
                Cell(c.label, href="" if c.kind == current else kind_filter_url(record, c.kind)),
                Cell(accepted, numeric=True, hint=hint),
                Cell(str(c.waiting), numeric=True),
                Cell(str(c.returned), numeric=True),
                Cell(str(c.drafts), numeric=True),
            ]
        )
    return rows


ITEMS_HEAD = ["Evidence", "Kind", "Date", "Status"]


def item_rows(items: Iterable[EvidenceItem]) -> list[list[object]]:
    return [
        [
            Cell(item.title, href=item_url(item)),
            kind_label(item.kind),
            format_date(item.date),
            Cell(tag=status_tag(item.status)),
        ]
        for item in items
    ]


def kind_choices(record: AsyeRecord, *, element: str = "") -> list[dict[str, str]]:
    """The "add evidence" page: one link per kind, with its guidance."""
    forms = record.programme_version.forms or {}
    suffix = f"?element={element}" if element else ""
    return [
        {
            "label": label,
            "hint": str((forms.get(kind) or {}).get("guidance", "")),
            "url": reverse("asye:evidence_new", args=[record.pk, kind]) + suffix,
        }
        for kind, label in EvidenceKind.choices
    ]


# --- One item --------------------------------------------------------------------------------------


def item_summary(item: EvidenceItem) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {"key": "Kind", "value": kind_label(item.kind)},
        {"key": "Status", "value": Cell(tag=status_tag(item.status))},
        {"key": "Date", "value": format_date(item.date)},
        {"key": "NQSW", "value": item.record.nqsw.user.display_name},
    ]
    if item.kind == EvidenceKind.DIRECT_OBSERVATION:
        observer = item.observer or item.record.assessor
        rows.append({"key": "Observer", "value": observer.user.display_name})
    return rows


def answer_rows(item: EvidenceItem, form: KindForm, *, observer: bool = False) -> list[dict[str, Any]]:
    prompts = form.observer_prompts if observer else form.nqsw_prompts
    answers = item.answers or {}
    return [
        {"key": prompt, "value": answers.get(key) or "Not answered yet"} for key, prompt in prompts.items()
    ]


STATEMENTS_HEAD = ["Statement", "Rating", "Note"]


def statement_rows(item: EvidenceItem, elements: Sequence[FrameworkElement]) -> list[list[object]]:
    answers = (item.answers or {}).get("statements") or {}
    rows = []
    for element in elements:
        answer = answers.get(str(element.pk)) or {}
        rows.append(
            [str(element), RATING_LABELS.get(answer.get("rating", ""), "Not rated"), answer.get("note", "")]
        )
    return rows


def file_rows(detail: ItemDetail) -> list[dict[str, Any]]:
    return [
        {
            "key": "Attachment",
            "value": Cell(
                stored.original_name,
                href=reverse("academy:files:download", args=[stored.pk]),
                hint=f"{max(1, stored.size // 1024)} KB",
            ),
        }
        for stored in detail.files
    ]


def mapping_rows(detail: ItemDetail) -> list[str]:
    return [f"{m.element.version.framework.short_name}: {m.element}" for m in detail.mappings]


HISTORY_HEAD = ["When", "Change", "By", "Reason"]


def history_rows(transitions: Iterable[EvidenceTransition]) -> list[list[object]]:
    return [
        [
            format_date(t.created_at),
            EvidenceStatus(t.to_status).label if t.from_status else "Started",
            t.actor.display_name,
            t.reason,
        ]
        for t in transitions
    ]


def comment_items(detail: ItemDetail) -> list[dict[str, str]]:
    return [
        {"author": c.author.display_name, "at": format_date(c.created_at), "body": c.body}
        for c in detail.comments
    ]


# --- The anonymisation check ------------------------------------------------------------------------

EXCERPT = 120
CONFIRMED_TAG = Tag("Confirmed not identifying", "green")


@dataclass(frozen=True)
class Segment:
    text: str
    reason: str = ""
    flagged: bool = False
    confirmed: bool = False


@dataclass
class PassageView:
    label: str
    segments: list[Segment]
    flags: list[dict[str, Any]]


def _segments(text: str, flags: list[tuple[GuardFlag, bool]], *, excerpt: bool) -> list[Segment]:
    segments: list[Segment] = []
    at = 0
    for guard_flag, confirmed in flags:
        flag = guard_flag.flag
        before = text[at : flag.start]
        if excerpt and len(before) > 2 * EXCERPT:
            before = (before[:EXCERPT] + " … " if at else " … ") + before[-EXCERPT:]
        segments.append(Segment(before))
        segments.append(Segment(flag.text, reason=flag.reason, flagged=True, confirmed=confirmed))
        at = flag.end
    rest = text[at:]
    if excerpt and len(rest) > EXCERPT:
        rest = rest[:EXCERPT] + " …"
    segments.append(Segment(rest))
    return [s for s in segments if s.text]


def check_passages(
    flags: list[GuardFlag], checks: Iterable[AnonymisationCheck]
) -> tuple[list[PassageView], int]:
    """Each passage with a flag, its text with the flags marked in place, and the flags waiting
    for a decision (with what the confirm button posts). Returns them and how many are open."""
    confirmed = {
        (c.source, c.kind, c.text_sha256)
        for c in checks
        if c.decision == AnonymisationCheck.Decision.NOT_IDENTIFYING
    }
    by_passage: dict[str, tuple[Passage, list[tuple[GuardFlag, bool]]]] = {}
    for flag in flags:
        entry = by_passage.setdefault(flag.passage.source, (flag.passage, []))
        entry[1].append((flag, flag.identity in confirmed))
    views = []
    open_count = 0
    for passage, passage_flags in by_passage.values():
        decisions = []
        seen = set()
        for flag, done in passage_flags:
            if flag.identity in seen:
                continue
            seen.add(flag.identity)
            open_count += 0 if done else 1
            decisions.append(
                {
                    "text": flag.flag.text,
                    "reason": flag.flag.reason,
                    "kind": str(flag.flag.kind),
                    "source": passage.source,
                    "sha": flag.text_sha256,
                    "confirmed": done,
                    "tag": CONFIRMED_TAG,
                }
            )
        excerpt = passage.source.startswith("file-text:")
        views.append(
            PassageView(passage.label, _segments(passage.text, passage_flags, excerpt=excerpt), decisions)
        )
    return views, open_count


# --- Assessor queue ----------------------------------------------------------------------------------

QUEUE_HEAD = ["Evidence", "NQSW", "Status", "Waiting"]


def waited_words(since: datetime.datetime | None, now: datetime.datetime) -> str:
    if since is None:
        return ""
    days = (now - since).days
    if days < 1:
        hours = int((now - since).total_seconds() // 3600)
        return "Less than an hour" if hours < 1 else f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def queue_rows(items: Iterable[EvidenceItem], now: datetime.datetime) -> list[list[object]]:
    return [
        [
            Cell(item.title, href=item_url(item), hint=kind_label(item.kind)),
            item.record.nqsw.user.display_name,
            Cell(tag=status_tag(item.status)),
            Cell(
                waited_words(item.submitted_at, now),
                hint=f"Since {format_date(item.submitted_at)}" if item.submitted_at else "",
            ),
        ]
        for item in items
    ]


# --- Framework map -----------------------------------------------------------------------------------

MAP_HEAD = ["Element", "Coverage", "Evidence"]


def _coverage(row: MapRow) -> Tag:
    if row.accepted:
        return Tag("Covered", "green")
    if row.submitted:
        return Tag("Submitted", "blue")
    if row.drafts:
        return Tag("Draft only", "grey")
    return Tag("Gap", "red")


def map_sections(rows: Iterable[MapRow], *, add_url: str | None) -> list[dict[str, Any]]:
    """One table per framework version: each element, its coverage and its evidence; a gap
    links to "add evidence for this" when the viewer is the NQSW (`add_url`)."""
    sections: dict[int, dict[str, Any]] = {}
    for row in rows:
        version = row.element.version
        section = sections.setdefault(
            version.pk, {"caption": f"{version.framework.name} ({version.label})", "rows": [], "gaps": 0}
        )
        items = [*row.accepted, *row.submitted, *row.drafts]
        if items:
            evidence = Cell(
                items[0].title,
                href=item_url(items[0]),
                hint=", ".join(i.title for i in items[1:]) if len(items) > 1 else "",
            )
        elif add_url:
            evidence = Cell("Add evidence for this", href=f"{add_url}?element={row.element.pk}")
        else:
            evidence = Cell("None yet")
        if not row.covered:
            section["gaps"] += 1
        section["rows"].append([str(row.element), Cell(tag=_coverage(row)), evidence])
    return list(sections.values())
