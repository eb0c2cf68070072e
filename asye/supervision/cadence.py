"""The supervision cadence of a record: which intervals of its year needed a supervision, and
whether one was held in each. Pure functions of dates and numbers (no database, no clock).

Definitions (DOMAIN.md: "at least weekly in weeks 1-6, fortnightly until month 6, then
monthly"; the bands are data on the programme version, `supervision_cadence`):

- The programme's clock runs on "active days": calendar days from the start, skipping the days
  of every pause (a pause still open counts up to `today`). Active day 0 is the start date.
- A band ends at its bound in active days, computed as the review dates are (asye/dates.py):
  `until_months: m` ends `scaled_days(start, m, fte)` active days in, `until_weeks: w` ends
  `ceil(7 w / FTE)` days in, so a part-timer's weekly band lasts as long as six full-time weeks
  of work. The last band runs to the end of the programme (its length, scaled the same way).
- Each band is cut into intervals of `every_days` active days from its own beginning. A
  remainder at the band's end shorter than half an interval joins the interval before it (no
  one is asked to meet in a two-day "fortnight"); a longer remainder is an interval of its own.
- An interval's dates are its first and last active days in the calendar; a pause falling
  between them lies inside it (nobody is expected to meet while paused, and the interval waits
  for them). Days of a pause between two intervals belong to neither.
- A supervision held on a day inside an interval (first and last day included) meets it. An
  interval whose last day is before `today` without one is missed; one that has begun and not
  ended is due; intervals not begun by `today` are not listed.

Everything is a `datetime.date`, so a clock change cannot move an interval: the caller passes
London's date (`timezone.localdate()`), which is where the time zone matters.
"""

import bisect
import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from asye import dates

MET = "met"
MISSED = "missed"
DUE = "due"


@dataclass(frozen=True)
class Interval:
    starts_on: datetime.date
    ends_on: datetime.date  # the last day, included
    every_days: int
    band: str
    state: str
    held_on: datetime.date | None = None  # the first supervision inside it

    @property
    def met(self) -> bool:
        return self.state == MET


def _calendar(
    start: datetime.date, pauses: Sequence[dates.Pause], day: int, today: datetime.date
) -> datetime.date:
    """The calendar date of active day `day`, pause days skipped. A day falling on a pause's first
    day moves past it, where a due date on it would stay (`shift_for_pauses` moves dates after a
    pause's start): so the next day is shifted, and the day before it taken."""
    one = datetime.timedelta(days=1)
    return dates.shift_for_pauses(start + datetime.timedelta(days=day) + one, pauses, as_of=today) - one


def band_bounds(
    start: datetime.date,
    bands: Sequence[Mapping[str, Any]],
    *,
    length_months: int,
    fte: Decimal | float | str,
) -> list[tuple[int, int, Mapping[str, Any]]]:
    """Each band as (first active day, active day after its last, band), in order; empty bands
    (a bound not after the previous one) are left out."""
    share = Decimal(str(fte))
    total = dates.scaled_days(start, length_months, share)
    found = []
    low = 0
    for band in bands:
        if "until_weeks" in band:
            high = math.ceil(Decimal(7 * int(band["until_weeks"])) / share)
        elif "until_months" in band:
            high = dates.scaled_days(start, int(band["until_months"]), share)
        else:
            high = total
        high = min(high, total)
        if high > low:
            found.append((low, high, band))
            low = high
    return found


def intervals(
    *,
    start: datetime.date,
    bands: Sequence[Mapping[str, Any]],
    length_months: int,
    today: datetime.date,
    held: Iterable[datetime.date] = (),
    fte: Decimal | float | str = 1,
    pauses: Sequence[dates.Pause] = (),
) -> list[Interval]:
    """The intervals from the start to `today` (those begun by then), each met, missed or due."""
    if today < start:
        return []
    held_sorted = sorted(held)
    found: list[Interval] = []
    for low, high, band in band_bounds(start, bands, length_months=length_months, fte=fte):
        every = int(band["every_days"])
        label = str(band.get("label") or f"Every {every} days")
        day = low
        while day < high:
            end = min(day + every, high)
            if 0 < high - end < every / 2:
                end = high
            first = _calendar(start, pauses, day, today)
            if first > today:
                return found
            last = _calendar(start, pauses, end - 1, today)
            index = bisect.bisect_left(held_sorted, first)
            inside = held_sorted[index] if index < len(held_sorted) and held_sorted[index] <= last else None
            if inside is not None:
                state = MET
            elif last < today:
                state = MISSED
            else:
                state = DUE
            found.append(Interval(first, last, every, label, state, inside))
            day = end
    return found


def judged_within(
    found: Iterable[Interval], *, starts_on: datetime.date, ends_on: datetime.date, today: datetime.date
) -> list[Interval]:
    """The intervals a period answers for: those that have ended (last day before `today`) with
    their last day inside the period. Consecutive periods so count each interval once."""
    return [i for i in found if starts_on <= i.ends_on <= ends_on and i.ends_on < today]
