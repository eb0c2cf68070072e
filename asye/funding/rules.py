"""The eligibility rule of a funding scheme, as a pure function: tested at its boundary."""

import datetime
from enum import Enum


class Eligibility(Enum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"  # the rule needs the date qualified, and it is not recorded


def anniversary(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def eligibility(
    *, max_years: int | None, date_qualified: datetime.date | None, start_date: datetime.date
) -> Eligibility:
    """Qualified within `max_years`: the NQSW starts on or before the `max_years`th anniversary
    of qualifying (starting on the anniversary itself still counts; the day after does not)."""
    if max_years is None:
        return Eligibility.ELIGIBLE
    if date_qualified is None:
        return Eligibility.UNKNOWN
    if start_date <= anniversary(date_qualified, max_years):
        return Eligibility.ELIGIBLE
    return Eligibility.NOT_ELIGIBLE
