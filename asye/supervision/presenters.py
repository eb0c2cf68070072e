"""Words, dates and tags of the supervision, workload and protected time pages, so templates
only loop. Nothing here prints a supervision's notes unless the view says the viewer may read
them (`notes=True`)."""

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse

from academy.components import Cell, PostButton, Tag
from academy.presenters import format_date
from asye.models import AsyeRecord
from asye.presenters import person

from . import allowance, cadence
from .models import CaseloadMonth, ProtectedTime, SupervisionAttendance, SupervisionKind

STATE_TAG = {
    cadence.MET: Tag("Met", "green"),
    cadence.MISSED: Tag("Missed", "red"),
    cadence.DUE: Tag("Due", "yellow"),
}


def hours_words(value: Decimal) -> str:
    text = f"{Decimal(value).quantize(Decimal('0.01')).normalize():f}"
    return f"{text} {'hour' if Decimal(value) == 1 else 'hours'}"


def minutes_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {'hour' if hours == 1 else 'hours'}")
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


def when_words(attendance: SupervisionAttendance) -> str:
    session = attendance.supervision
    day = format_date(session.held_on)
    return f"{day} at {session.start_time:%H:%M}" if session.start_time else day


def confirmed_tag(attendance: SupervisionAttendance) -> Tag:
    return Tag("Confirmed", "green") if attendance.confirmed_at else Tag("Not confirmed yet", "yellow")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --- Cadence --------------------------------------------------------------------------------------


def interval_words(interval: cadence.Interval) -> str:
    if interval.starts_on == interval.ends_on:
        return format_date(interval.starts_on)
    return f"{format_date(interval.starts_on)} to {format_date(interval.ends_on)}"


CADENCE_HEAD = ["Interval", "Expected", "Supervision"]


def cadence_rows(found: Sequence[cadence.Interval]) -> list[list[object]]:
    """Newest first: the interval, its band, met (with the day) or missed or due."""
    return [
        [
            interval_words(interval),
            interval.band,
            Cell(
                tag=STATE_TAG[interval.state],
                hint=f"Held {format_date(interval.held_on)}" if interval.held_on else "",
            ),
        ]
        for interval in reversed(found)
    ]


def cadence_summary(found: Sequence[cadence.Interval]) -> str:
    """One sentence on the cadence so far."""
    if not found:
        return "Supervision intervals begin on the first day of the ASYE."
    ended = [i for i in found if i.state != cadence.DUE]
    missed = sum(1 for i in ended if i.state == cadence.MISSED)
    met = sum(1 for i in found if i.state == cadence.MET)
    parts = [f"{met} of {_plural(len(found), 'interval', 'intervals')} so far met."]
    if missed:
        parts.append(f"{_plural(missed, 'interval', 'intervals')} missed.")
    current = found[-1]
    if current.state == cadence.DUE:
        parts.append(f"A supervision is due by {format_date(current.ends_on)}.")
    return " ".join(parts)


def cadence_state(found: Sequence[cadence.Interval]) -> tuple[str, str]:
    """The cadence in words and a tag colour, as the task list draws them (no colour: nothing
    to do)."""
    if not found:
        return ("Not started", "grey")
    missed = sum(1 for i in found if i.state == cadence.MISSED)
    if missed:
        return (f"{_plural(missed, 'interval', 'intervals')} missed", "red")
    if found[-1].state == cadence.DUE:
        return ("Due now", "yellow")
    return ("On track", "")


def cadence_tag(found: Sequence[cadence.Interval]) -> Tag:
    text, colour = cadence_state(found)
    return Tag(text, colour or "green")


def last_held(held: Iterable[datetime.date]) -> str:
    days = list(held)
    return format_date(max(days)) if days else "None yet"


# --- Supervision lists and pages ----------------------------------------------------------------


SUPERVISIONS_HEAD = ["Date", "Kind", "Length", "Supervisor", "NQSW's confirmation"]


def supervision_rows(attendances: Iterable[SupervisionAttendance], record: AsyeRecord) -> list[list[object]]:
    """One row per session on the record. The date links to the session's page for everyone
    who reads the record; the page itself shows the notes only to those who may read them."""
    rows = []
    for attendance in attendances:
        session = attendance.supervision
        kind = session.get_kind_display()
        if session.kind == SupervisionKind.GROUP:
            kind = f"{kind} ({attendance.attendee_count} NQSWs)"  # type: ignore[attr-defined]
        rows.append(
            [
                Cell(when_words(attendance), href=reverse("asye:supervision", args=[record.pk, session.pk])),
                kind,
                minutes_words(session.duration_minutes),
                person(session.supervisor),
                Cell(tag=confirmed_tag(attendance)),
            ]
        )
    return rows


def supervision_summary(
    attendance: SupervisionAttendance, attendees: Sequence[SupervisionAttendance] | None
) -> list[dict[str, Any]]:
    """The session's facts; `attendees` (names) only for those who read the notes."""
    session = attendance.supervision
    rows: list[dict[str, Any]] = [
        {"key": "Date", "value": when_words(attendance)},
        {"key": "Length", "value": minutes_words(session.duration_minutes)},
        {"key": "Kind", "value": session.get_kind_display()},
        {"key": "Supervisor", "value": person(session.supervisor)},
    ]
    if attendees is not None and session.kind == SupervisionKind.GROUP:
        rows.append(
            {"key": "Attendees", "value": ", ".join(str(a.record.nqsw.user.display_name) for a in attendees)}
        )
    confirmation = (
        Cell(tag=confirmed_tag(attendance), hint=f"On {format_date(attendance.confirmed_at)}")
        if attendance.confirmed_at
        else Cell(tag=confirmed_tag(attendance))
    )
    rows.append({"key": "NQSW's confirmation", "value": confirmation})
    return rows


def notes_summary(attendance: SupervisionAttendance) -> list[dict[str, Any]]:
    session = attendance.supervision
    return [
        {"key": "Agenda", "value": session.agenda or "None recorded"},
        {"key": "What was discussed", "value": session.discussion},
        {
            "key": "Recorded by",
            "value": Cell(str(session.recorded_by.display_name), hint=format_date(session.created_at)),
        },
    ]


ACTIONS_HEAD = ["Agreed action", "Owner", "Due"]


def action_rows(actions: Iterable[dict[str, Any]]) -> list[list[object]]:
    return [
        [
            action.get("action", ""),
            action.get("owner", ""),
            format_date(datetime.date.fromisoformat(action["due_on"])) if action.get("due_on") else "No date",
        ]
        for action in actions
    ]


# --- Workload and protected time -----------------------------------------------------------------


def reduction_tag(caseload: Decimal, comparison: Decimal) -> Tag:
    percent = allowance.reduction_percent(caseload, comparison)
    if percent >= allowance.TARGET_REDUCTION_PERCENT:
        return Tag(f"{percent}% lower", "green")
    if percent > 0:
        return Tag(f"{percent}% lower", "yellow")
    if percent == 0:
        return Tag("Not reduced", "red")
    return Tag(f"{-percent}% higher", "red")


def _number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


CASELOAD_HEAD = ["Month", "Caseload", "Comparison figure", "Reduction"]


def caseload_rows(entries: Iterable[CaseloadMonth]) -> list[list[object]]:
    return [
        [
            Cell(f"{entry.month:%B %Y}", hint=entry.note),
            Cell(_number(entry.caseload), numeric=True),
            Cell(_number(entry.comparison), numeric=True),
            Cell(tag=reduction_tag(entry.caseload, entry.comparison)),
        ]
        for entry in entries
    ]


def protected_head(*, can_remove: bool) -> list[str]:
    return ["Date", "Hours", "What it was spent on"] + (["Action"] if can_remove else [])


def protected_rows(entries: Iterable[ProtectedTime], *, can_remove: bool) -> list[list[object]]:
    rows = []
    for entry in entries:
        row: list[object] = [
            format_date(entry.used_on),
            Cell(_number(entry.hours), numeric=True),
            entry.activity,
        ]
        if can_remove:
            url = reverse("asye:protected_time_remove", args=[entry.record_id, entry.pk])
            row.append(
                Cell(buttons=[PostButton(url, "Remove", hidden=f"the entry of {format_date(entry.used_on)}")])
            )
        rows.append(row)
    return rows


def protected_summary(
    *, record: AsyeRecord, used: Decimal, expected: Decimal, today: datetime.date
) -> list[dict[str, Any]]:
    weekly = allowance.weekly_protected_hours(record.fte).quantize(Decimal("0.01"))
    difference = used - expected
    if difference >= 0:
        standing = Cell(tag=Tag("On track", "green"), hint=f"{hours_words(difference)} ahead")
    else:
        standing = Cell(tag=Tag("Behind", "orange"), hint=f"{hours_words(-difference)} short")
    contracted = (allowance.FULL_TIME_HOURS_PER_WEEK * record.fte).quantize(Decimal("0.01"))
    return [
        {
            "key": "Allowance",
            "value": Cell(
                f"{hours_words(weekly)} a week",
                hint=f"10% of {hours_words(contracted)} contracted a week (FTE {record.fte.normalize()})",
            ),
        },
        {"key": "Used so far", "value": hours_words(used)},
        {"key": f"Expected by {format_date(today)}", "value": hours_words(expected)},
        {"key": "Running total", "value": standing},
    ]


# --- The manager's list ----------------------------------------------------------------------------


OVERVIEW_HEAD = ["NQSW", "Expected now", "Intervals met", "Last supervision", "Cadence"]


def overview_row(
    record: AsyeRecord, found: Sequence[cadence.Interval], held: Iterable[datetime.date]
) -> list[object]:
    where = record.team.name if record.team else record.organisation.name
    met = sum(1 for i in found if i.state == cadence.MET)
    return [
        Cell(person(record.nqsw), href=reverse("asye:supervisions", args=[record.pk]), hint=where),
        found[-1].band if found else "Not started",
        Cell(f"{met} of {len(found)}", numeric=True),
        last_held(held),
        Cell(tag=cadence_tag(found)),
    ]
