"""Date arithmetic of an ASYE record: planned end and review due dates. Pure functions of
dates and numbers (no database, no clock), so they are tested alone and reused by pages,
reminders and reports.

Definitions (DOMAIN.md: "start + length, extended pro rata for FTE below 1 and for leave"):

- Adding months keeps the day of the month, or the last day of a shorter month:
  31 January + 1 month = 28 February (29 in a leap year); 30 November + 3 months = 28/29 February.
- An offset of `m` months from the start is `D = (start + m months) - start` calendar days.
  For a contracted FTE below 1 it becomes `ceil(D / FTE)` calendar days (a part-timer never
  gets less time than the rule gives): 12 months from 1 September 2026 is 365 days; at 0.6 FTE
  that is ceil(608.33) = 609 days, about 20 months. At FTE 1 the offset is exactly `m` months.
- A pause (`starts_on` to `ends_on`, both days included) adds its length in days to every date
  that falls after the pause began: the date is pushed by the pause, and a pause that began
  before the pushed date pushes it too. Pauses that overlap are counted once. A pause still
  open counts up to `as_of` (usually today); without `as_of` it is left out.
- The planned end is the start plus the programme length so computed (the anniversary at full
  time: 1 September 2026 + 12 months = 1 September 2027). A review due date is the start plus
  its month offset, scaled and shifted the same way; a final review at 11 months is simply an
  offset of 11.

Everything is a `datetime.date`: nothing here knows about time zones, so a clock change (BST)
cannot move a date.
"""

import calendar
import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Pause:
    starts_on: datetime.date
    ends_on: datetime.date | None = None


@dataclass(frozen=True)
class ReviewDue:
    key: str
    label: str
    months: int
    due_on: datetime.date
    optional: bool = False


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` plus `months` calendar months (negative goes back), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def scaled_days(start: datetime.date, months: int, fte: Decimal | float | str) -> int:
    """Calendar days an offset of `months` takes at `fte` (see the module's definitions)."""
    share = Decimal(str(fte))
    if not Decimal(0) < share <= Decimal(1):
        raise ValueError(f"FTE must be above 0 and at most 1, not {fte}.")
    days = (add_months(start, months) - start).days
    if share == 1:
        return days
    return math.ceil(Decimal(days) / share)


def _merged(
    pauses: Iterable[Pause], as_of: datetime.date | None
) -> list[tuple[datetime.date, datetime.date]]:
    """Pauses as closed (first day, last day) intervals, sorted, overlaps merged; open pauses
    end on `as_of`, or are dropped without it."""
    spans = []
    for pause in pauses:
        end = pause.ends_on if pause.ends_on is not None else as_of
        if end is None or end < pause.starts_on:
            continue
        spans.append((pause.starts_on, end))
    spans.sort()
    merged: list[tuple[datetime.date, datetime.date]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + datetime.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def shift_for_pauses(
    due: datetime.date, pauses: Iterable[Pause], *, as_of: datetime.date | None = None
) -> datetime.date:
    """`due` pushed by every pause that began before it (the pushed date, as it moves)."""
    for first, last in _merged(pauses, as_of):
        if first < due:
            due += datetime.timedelta(days=(last - first).days + 1)
        else:
            break
    return due


def offset_date(
    start: datetime.date,
    months: int,
    *,
    fte: Decimal | float | str = 1,
    pauses: Sequence[Pause] = (),
    as_of: datetime.date | None = None,
) -> datetime.date:
    return shift_for_pauses(
        start + datetime.timedelta(days=scaled_days(start, months, fte)), pauses, as_of=as_of
    )


def planned_end(
    start: datetime.date,
    length_months: int,
    *,
    fte: Decimal | float | str = 1,
    pauses: Sequence[Pause] = (),
    as_of: datetime.date | None = None,
) -> datetime.date:
    return offset_date(start, length_months, fte=fte, pauses=pauses, as_of=as_of)


def review_dues(
    start: datetime.date,
    review_points: Sequence[dict[str, Any]],
    *,
    fte: Decimal | float | str = 1,
    pauses: Sequence[Pause] = (),
    as_of: datetime.date | None = None,
) -> list[ReviewDue]:
    """The enabled review points (a version's `review_points`) with their due dates, in order."""
    dues = [
        ReviewDue(
            key=str(point["key"]),
            label=str(point.get("label") or point["key"]),
            months=int(point["months"]),
            due_on=offset_date(start, int(point["months"]), fte=fte, pauses=pauses, as_of=as_of),
            optional=bool(point.get("optional", False)),
        )
        for point in review_points
        if point.get("enabled", True)
    ]
    return sorted(dues, key=lambda due: (due.due_on, due.months))


def next_review(dues: Sequence[ReviewDue], today: datetime.date) -> ReviewDue | None:
    """The first review due on or after `today`."""
    return next((due for due in dues if due.due_on >= today), None)


def month_of_programme(start: datetime.date, today: datetime.date) -> int:
    """Which month of the programme `today` is in, by the calendar: 1 from the start day until
    the day before start + 1 month; 0 before the start."""
    if today < start:
        return 0
    months = (today.year - start.year) * 12 + today.month - start.month
    if add_months(start, months) > today:
        months -= 1
    return months + 1


def pause_spans(
    pauses: Iterable[Pause], *, as_of: datetime.date | None = None
) -> list[tuple[datetime.date, datetime.date]]:
    """The pauses as sorted (first day, last day) spans, overlaps merged; an open pause runs to
    `as_of`, or is left out without it."""
    return _merged(pauses, as_of)
