"""Protected development time and workload: the arithmetic, as pure functions of dates and
numbers (no database, no clock).

Decided:

- Contracted hours: a full-time week is `FULL_TIME_HOURS_PER_WEEK` (37, the usual local
  government week); a record's contracted hours are that times its FTE. The portal keeps no
  per-person hours: the FTE on the record already says how part-time someone is.
- Protected development time is `PROTECTED_SHARE` (10%) of contracted hours (DOMAIN.md: about
  half a day a week, pro rata for part-time): 3.7 hours a week at full time, 2.22 at 0.6 FTE.
- Expected by a date: the weekly allowance times the weeks of the programme gone by — the days
  from the start (or the period's first day) to that date, both included, less the days of
  every pause (no time is owed while paused), and never past the planned end (the last
  programme day is the day before it). Rounded to a tenth of an hour.
- Workload: the NQSW's caseload against the team's comparison figure (an experienced
  colleague's caseload) for a month. The reduction is `1 - caseload / comparison`, as a whole
  percentage; DOMAIN.md asks for about 10%.
"""

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from asye import dates

FULL_TIME_HOURS_PER_WEEK = Decimal("37")
PROTECTED_SHARE = Decimal("0.10")
TARGET_REDUCTION_PERCENT = 10
TENTH = Decimal("0.1")


def weekly_protected_hours(fte: Decimal | float | str) -> Decimal:
    return FULL_TIME_HOURS_PER_WEEK * Decimal(str(fte)) * PROTECTED_SHARE


def active_days(
    first: datetime.date, last: datetime.date, pauses: Sequence[dates.Pause], *, as_of: datetime.date
) -> int:
    """Days from `first` to `last` (both included) that fall in no pause."""
    if last < first:
        return 0
    days = (last - first).days + 1
    for pause_first, pause_last in dates.pause_spans(pauses, as_of=as_of):
        overlap = (min(last, pause_last) - max(first, pause_first)).days + 1
        if overlap > 0:
            days -= overlap
    return days


def protected_hours_expected(
    *,
    start: datetime.date,
    planned_end: datetime.date,
    fte: Decimal | float | str,
    pauses: Sequence[dates.Pause] = (),
    starts_on: datetime.date,
    ends_on: datetime.date,
    as_of: datetime.date,
) -> Decimal:
    """Hours of protected time owed between `starts_on` and `ends_on` (both included)."""
    first = max(start, starts_on)
    last = min(ends_on, planned_end - datetime.timedelta(days=1))
    days = active_days(first, last, pauses, as_of=as_of)
    return (weekly_protected_hours(fte) * days / 7).quantize(TENTH, rounding=ROUND_HALF_UP)


def reduction_percent(caseload: Decimal, comparison: Decimal) -> int:
    """How much lower the caseload is than the comparison figure, in whole percent (negative
    when it is higher)."""
    if comparison <= 0:
        return 0
    share = (Decimal(1) - Decimal(caseload) / Decimal(comparison)) * 100
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
