"""The year's task list: each section's rows with a status (words and tag colour, as GOV.UK's
task list draws them), a hint that says what to do next, and a link to the page where that is
done when the viewer can do something there. Templates only loop over what these return.

Statuses (GOV.UK task list convention: a coloured tag while something is to do, plain text
when done, grey text when it cannot start yet):

- Agreement: Not started, In progress (answers missing), Waiting for signatures (who),
  Signed by everyone.
- Development plans, per period: the current period is marked; rows counted.
- Evidence, per kind: accepted items against the programme version's minimum (only accepted
  items count). "So far": the minimum spread evenly over the planned year, as of the share of
  it gone by (`year_fraction`, which follows part-time hours and pauses). It is shown as a
  guide in the hint ("about 2 expected by now if spread evenly"), never as a status: the
  framework sets the minimum for the year, not a pace, so falling behind an even spread is
  worth knowing but is not "overdue".
- Reviews: each review's state (`asye.reviews.presenters.review_state`: Signed, Waiting for
  signatures, Overdue, In progress, Due soon, Not due yet), linked to the review; the home
  panel shows the first review not yet signed by everyone.
- Final assessment: its state (`asye.final.presenters.final_state`) and due date, and the
  submission to moderation (the record's status once it is more than active).
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from academy.components import Cell, Tag
from academy.presenters import format_date
from asye.agreement import rules
from asye.agreement.models import Agreement, SignatureCapacity
from asye.agreement.selectors import capacities_held
from asye.dates import ReviewDue
from asye.evidence.presenters import kind_filter_url
from asye.evidence.selectors import KindCounts
from asye.final.presenters import final_state
from asye.models import AsyeRecord, RecordStatus, ReviewKey
from asye.presenters import month_words, next_review_cell, person, status_tag
from asye.reviews.presenters import review_state
from asye.reviews.presenters import waiting_for as review_waiting_for
from asye.reviews.selectors import capacities_held as review_capacities_held
from asye.selectors import ASSESSOR, NQSW, RecordSchedule
from asye.supervision.presenters import cadence_state, cadence_summary
from asye.supervision.selectors import record_intervals

from .selectors import Progress, YearData

NOT_STARTED = ("Not started", "blue")
IN_PROGRESS = ("In progress", "light-blue")


@dataclass(frozen=True)
class Section:
    title: str
    items: list[dict[str, Any]]
    id_prefix: str
    note: str = ""
    links: tuple[tuple[str, str], ...] = ()


def _item(title: str, status: tuple[str, str], *, url: str = "", hint: str = "") -> dict[str, Any]:
    return {"title": title, "url": url, "status_text": status[0], "status_colour": status[1], "hint": hint}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def year_fraction(record: AsyeRecord, schedule: RecordSchedule, today: datetime.date) -> float:
    """How much of the planned year has gone by (0 before the start, 1 at the planned end), on
    the record's own calendar: part-time hours and pauses stretch it."""
    total = (schedule.planned_end - record.start_date).days
    if total <= 0 or today <= record.start_date:
        return 0.0
    return min(1.0, (today - record.start_date).days / total)


# --- Agreement --------------------------------------------------------------------------------------


def agreement_state(agreement: Agreement | None) -> tuple[str, str]:
    """The agreement's status words and colour (reads prefetched signatures)."""
    if agreement is None:
        return NOT_STARTED
    signed = {s.capacity for s in agreement.signatures.all()}
    if signed >= set(SignatureCapacity.values):
        return ("Signed by everyone", "")
    if not signed and rules.missing_answers(agreement.form, agreement.answers):
        return IN_PROGRESS
    return ("Waiting for signatures", "yellow")


def agreement_tag(agreement: Agreement | None) -> Tag:
    words, colour = agreement_state(agreement)
    return Tag(words, colour or "green")


def _agreement_hint(agreement: Agreement | None, relations: frozenset[str]) -> str:
    if agreement is None:
        if relations & {ASSESSOR}:
            return "You write it with the NQSW after your first meeting."
        if NQSW in relations:
            return "Your assessor writes it with you after your first meeting."
        return "The assessor writes it with the NQSW after their first meeting."
    signed = {s.capacity for s in agreement.signatures.all()}
    missing = [c for c in SignatureCapacity if c not in signed]
    if not missing:
        return f"Version {agreement.number}, signed by everyone."
    if not signed and rules.missing_answers(agreement.form, agreement.answers):
        return f"Version {agreement.number} is being written."
    mine = [c for c in capacities_held(relations) if c in missing]
    still = ", ".join(c.label for c in missing)
    if mine:
        return f"Waiting for your signature. Still to sign: {still}."
    return f"Still to sign: {still}."


def agreement_section(data: YearData, relations: frozenset[str]) -> Section:
    url = reverse("asye:agreement", args=[data.record.pk])
    item = _item(
        "Support and assessment agreement",
        agreement_state(data.agreement),
        url=url,
        hint=_agreement_hint(data.agreement, relations),
    )
    return Section("Support and assessment agreement", [item], "year-agreement")


# --- Development plans ------------------------------------------------------------------------------


def current_period(data: YearData) -> rules.Period | None:
    """The plan period the year is in (by the share of the year gone by, so part-time hours
    and pauses count); the first period before the start."""
    periods = rules.pdp_periods(data.record.programme_version.forms)
    if not periods:
        return None
    months = year_fraction(data.record, data.schedule, data.today) * data.schedule.length_months
    for period in periods:
        if period.from_months <= months and (period.to_months is None or months < period.to_months):
            return period
    return periods[0] if months <= periods[0].from_months else periods[-1]


def plans_section(data: YearData, relations: frozenset[str]) -> Section:
    url = reverse("asye:plans", args=[data.record.pk])
    current = current_period(data)
    months = year_fraction(data.record, data.schedule, data.today) * data.schedule.length_months
    items = []
    for period in rules.pdp_periods(data.record.programme_version.forms):
        rows = data.plan_rows.get(period.key, 0)
        is_current = current is not None and period.key == current.key
        if rows:
            status = (_plural(rows, "row", "rows"), "light-blue" if is_current else "")
        elif is_current:
            status = NOT_STARTED
        elif period.from_months > months:
            status = ("Not yet", "")
        else:
            status = ("No rows", "grey")
        hint = "Current period." if is_current else ""
        if is_current and not rows and NQSW in relations:
            hint = "Current period: write your learning needs and what you will do about them."
        items.append(_item(period.label, status, url=url, hint=hint))
    return Section("Professional development plans", items, "year-plans")


# --- Evidence ---------------------------------------------------------------------------------------


def expected_by_now(minimum: int, fraction: float) -> int:
    """The minimum spread evenly over the year, as of `fraction` of it: whole items, rounded
    down, so nobody is told they are behind for a part of an item."""
    return min(minimum, math.floor(minimum * fraction + 1e-9))


def kind_state(counts: KindCounts) -> tuple[str, str]:
    started = counts.accepted + counts.waiting + counts.returned + counts.drafts
    if counts.minimum and counts.accepted >= counts.minimum:
        return ("Minimum met", "")
    if counts.returned:
        return ("Changes needed", "orange")
    if counts.waiting:
        return ("Waiting for review", "light-blue")
    if not started:
        return NOT_STARTED if counts.minimum else ("Optional", "grey")
    if not counts.minimum and counts.accepted:
        return (f"{counts.accepted} accepted", "")
    return IN_PROGRESS


def kind_hint(counts: KindCounts, fraction: float, relations: frozenset[str]) -> str:
    own = NQSW in relations
    parts: list[str] = []
    if counts.minimum:
        parts.append(f"{counts.accepted} of {counts.minimum} accepted.")
    else:
        parts.append(
            "No minimum for this kind." + (f" {counts.accepted} accepted." if counts.accepted else "")
        )
    if counts.returned:
        needs = "needs your changes" if counts.returned == 1 else "need your changes"
        who = (
            needs
            if own
            else ("is with the NQSW for changes" if counts.returned == 1 else "are with the NQSW")
        )
        parts.append(f"{_plural(counts.returned, 'returned item', 'returned items')} {who}.")
    if counts.waiting:
        waits = "waiting for your review" if ASSESSOR in relations else "waiting for review"
        parts.append(f"{counts.waiting} {waits}.")
    if counts.drafts and own:
        parts.append(f"{_plural(counts.drafts, 'draft', 'drafts')} not sent yet.")
    more = counts.minimum - counts.accepted
    if more > 0:
        parts.append(f"{more} more needed.")
        expected = expected_by_now(counts.minimum, fraction)
        if counts.accepted < expected:
            parts.append(f"About {expected} expected by now if spread evenly over the year.")
    return " ".join(parts)


def evidence_section(data: YearData, relations: frozenset[str]) -> Section:
    record = data.record
    fraction = year_fraction(record, data.schedule, data.today)
    own = NQSW in relations
    listing = reverse("asye:evidence_list", args=[record.pk])
    items = []
    for counts in data.counts:
        if own and not counts.returned and counts.accepted + counts.waiting < max(counts.minimum, 1):
            url = reverse("asye:evidence_new", args=[record.pk, counts.kind])
        else:
            url = kind_filter_url(record, counts.kind)  # the list, showing only this kind
        items.append(
            _item(counts.label, kind_state(counts), url=url, hint=kind_hint(counts, fraction, relations))
        )
    links = [
        ("See all the evidence", listing),
        ("See the framework map", reverse("asye:framework_map", args=[record.pk])),
    ]
    note = "Only accepted evidence counts toward the minimum for each kind."
    return Section("Evidence by kind", items, "year-evidence", note=note, links=tuple(links))


# --- Reviews and the final assessment ---------------------------------------------------------------


def _review_item(
    data: YearData, review: ReviewDue, relations: frozenset[str], *, prefix: str = ""
) -> dict[str, Any]:
    brief = data.reviews.get(review.key)
    hint = f"Due {format_date(review.due_on)}."
    waiting = [c for c in review_waiting_for(brief) if c in review_capacities_held(relations)]
    if brief is not None and brief.completed_at is None and waiting:
        hint += (
            " Your part or signature is still needed." if not brief.signed else " Waiting for your signature."
        )
    return _item(
        f"{prefix}{review.label}",
        review_state(brief, review.due_on, data.today),
        url=reverse("asye:review", args=[data.record.pk, review.key]),
        hint=hint,
    )


def reviews_section(data: YearData, relations: frozenset[str]) -> Section:
    items = [_review_item(data, review, relations) for review in data.schedule.reviews]
    note = "" if items else "This programme sets no reviews."
    return Section("Reviews", items, "year-reviews", note=note)


def next_open_review(data: YearData) -> ReviewDue | None:
    """The first review not yet signed by everyone (an overdue one before the next due)."""
    for review in data.schedule.reviews:
        brief = data.reviews.get(review.key)
        if brief is None or brief.completed_at is None:
            return review
    return None


def final_due(schedule: RecordSchedule) -> datetime.date:
    final = next((r for r in schedule.reviews if r.key == ReviewKey.FINAL), None)
    return final.due_on if final else schedule.planned_end


def final_section(data: YearData) -> Section:
    due = final_due(data.schedule)
    record = data.record
    item = _item(
        "Final assessment",
        final_state(data.final),
        url=reverse("asye:final", args=[record.pk]),
        hint=f"Due {format_date(due)}. Planned end {format_date(data.schedule.planned_end)}.",
    )
    submission = _item(
        "Submission to moderation",
        ("Not submitted", "grey")
        if record.status in (RecordStatus.ACTIVE, RecordStatus.PAUSED, RecordStatus.EXTENDED)
        else (record.get_status_display(), ""),
        url=reverse("asye:submission", args=[record.pk]),
        hint="Lists anything still needed before the portfolio can go to moderation.",
    )
    return Section("Final assessment", [item, submission], "year-final")


def supervision_item(data: YearData) -> dict[str, Any]:
    """Supervision against the programme's cadence, so far (met, missed, due)."""
    found = record_intervals(data.record, data.supervision_held, today=data.today)
    url = reverse("asye:supervisions", args=[data.record.pk])
    return _item("Supervision", cadence_state(found), url=url, hint=cadence_summary(found))


def supervision_section(data: YearData) -> Section:
    links = (("Workload and protected time", reverse("asye:workload", args=[data.record.pk])),)
    return Section("Supervision and support", [supervision_item(data)], "year-supervision", links=links)


def year_sections(data: YearData, relations: frozenset[str]) -> list[Section]:
    return [
        agreement_section(data, relations),
        plans_section(data, relations),
        supervision_section(data),
        evidence_section(data, relations),
        reviews_section(data, relations),
        final_section(data),
    ]


# --- The NQSW's home panel: one row per section ---------------------------------------------------


def evidence_summary(counts: Iterable[KindCounts]) -> tuple[int, int, int, int, int]:
    """Accepted toward the minimums (each kind up to its own), the total required, kinds still
    below their minimum, items returned and items waiting."""
    counts = list(counts)
    toward = sum(min(c.accepted, c.minimum) for c in counts)
    required = sum(c.minimum for c in counts)
    below = sum(1 for c in counts if c.accepted < c.minimum)
    return toward, required, below, sum(c.returned for c in counts), sum(c.waiting for c in counts)


def home_items(data: YearData, relations: frozenset[str]) -> list[dict[str, Any]]:
    record = data.record
    items = [agreement_section(data, relations).items[0]]
    current = current_period(data)
    if current is not None:
        rows = data.plan_rows.get(current.key, 0)
        status = (_plural(rows, "row", "rows"), "light-blue") if rows else NOT_STARTED
        items.append(
            _item(f"Development plan: {current.label}", status, url=reverse("asye:plans", args=[record.pk]))
        )
    toward, required, below, returned, waiting = evidence_summary(data.counts)
    hints = []
    if returned:
        hints.append(f"{_plural(returned, 'returned item needs', 'returned items need')} your changes.")
    if waiting:
        hints.append(f"{waiting} waiting for review.")
    if below:
        hints.append(f"{_plural(below, 'kind is', 'kinds are')} below the minimum.")
    if returned:
        hints.insert(0, f"{toward} of {required} accepted.")
        status = ("Changes needed", "orange")
    elif required and toward >= required:
        status = ("Minimums met", "")
    else:
        status = (f"{toward} of {required} accepted", "light-blue")
    items.append(
        _item("Evidence", status, url=reverse("asye:evidence_list", args=[record.pk]), hint=" ".join(hints))
    )
    items.append(supervision_item(data))
    review = next_open_review(data)
    if review is not None:
        items.append(_review_item(data, review, relations, prefix="Next: "))
    items.append(final_section(data).items[0])
    return items


# --- Lists: the staff list and "My NQSWs" ----------------------------------------------------------


def progress_cell(progress: Progress, *, waiting: bool = True) -> Cell:
    hints = []
    if waiting and progress.waiting:
        hints.append(f"{progress.waiting} waiting for review")
    if progress.returned:
        hints.append(f"{progress.returned} returned")
    return Cell(f"{progress.accepted_toward} of {progress.required}", hint=", ".join(hints))


STAFF_HEAD = ["NQSW", "Status", "Month", "Next review due", "Evidence accepted", "Waiting", "Assessor"]


def staff_row(record: AsyeRecord, schedule: RecordSchedule, progress: Progress) -> list[object]:
    where = record.team.name if record.team else record.organisation.name
    return [
        Cell(person(record.nqsw), href=reverse("asye:record", args=[record.pk]), hint=where),
        Cell(tag=status_tag(record)),
        month_words(schedule),
        next_review_cell(schedule),
        progress_cell(progress, waiting=False),
        Cell(str(progress.waiting), numeric=True),
        Cell(person(record.assessor), hint=f"Manager: {person(record.line_manager)}"),
    ]


ASSIGNED_HEAD = ["NQSW", "Month", "Next review due", "Evidence accepted", "Agreement"]


def assigned_row(record: AsyeRecord, schedule: RecordSchedule, progress: Progress) -> list[object]:
    where = record.team.name if record.team else record.organisation.name
    return [
        Cell(person(record.nqsw), href=reverse("asye:year", args=[record.pk]), hint=where),
        month_words(schedule),
        next_review_cell(schedule),
        progress_cell(progress),
        Cell(tag=agreement_tag(progress.agreement)),
    ]
