"""When the CPD reminders fall, as pure functions of a registration year (no database).

Every reminder to a person is one step of the year's run-up to its last day, each at 9am London
time on its day:

- three months before the year's end (30 August for a year ending 30 November),
- the renewal window opening (the year's `renewal_window_opens_on`: 1 September),
- one month before (30 October), one week before (23 November), one day before (29 November).

A person who has not met the year's requirement is reminded at each step that falls while they
have not. Only the latest step that has passed is ever "true now": someone who first becomes
eligible late in the year (a new starter in November) hears once, about the nearest deadline,
not about every step they missed. Steps up to `LOOKAHEAD` ahead are also returned, so the daily
producer run (06:30) stores them before their time and the minute-by-minute delivery sends each
at 9am on the dot, in summer time and in winter."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from cpd.rules import LONDON, YearLike

__all__ = ["LONDON", "LOOKAHEAD", "REMINDER_TIME", "WINDOW", "Moment", "Step"]

REMINDER_TIME = datetime.time(9, 0)
LOOKAHEAD = datetime.timedelta(days=2)

WINDOW = "window"


@dataclass(frozen=True)
class Step:
    """One step: `code` keys it within the year; `months` or `days` before the year's last day
    (or the window's opening, for `WINDOW`)."""

    code: str
    months: int = 0
    days: int = 0
    left: str = ""  # "Three months left", as the title says it


STEPS = (
    Step("3-months", months=3, left="Three months left"),
    Step(WINDOW),
    Step("1-month", months=1, left="One month left"),
    Step("1-week", days=7, left="One week left"),
    Step("1-day", days=1, left="One day left"),
)


@dataclass(frozen=True)
class Moment:
    step: Step
    day: datetime.date
    at: datetime.datetime  # aware, 9am London on `day`


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def london_moment(day: datetime.date, at: datetime.time = REMINDER_TIME) -> datetime.datetime:
    """`at` on London's clock on `day`, as an aware datetime (BST or GMT as the date has it)."""
    return datetime.datetime.combine(day, at, tzinfo=LONDON)


def step_day(step: Step, year: YearLike) -> datetime.date:
    if step.code == WINDOW:
        return year.renewal_window_opens_on
    if step.months:
        return months_before(year.ends_on, step.months)
    return year.ends_on - datetime.timedelta(days=step.days)


def moments(year: YearLike) -> list[Moment]:
    """The year's steps in time order (a step that would fall before the year starts is
    dropped)."""
    found = [Moment(step, day, london_moment(day)) for step in STEPS if (day := step_day(step, year))]
    return sorted((m for m in found if m.day >= year.starts_on), key=lambda m: m.at)


def moments_true_now(year: YearLike, *, now: datetime.datetime) -> list[Moment]:
    """The steps to remind of at `now`: the latest one that has passed (never the earlier ones),
    and those due within `LOOKAHEAD`. None once the year's last day is over."""
    if now.astimezone(LONDON).date() > year.ends_on:
        return []
    steps = moments(year)
    past = [m for m in steps if m.at <= now]
    coming = [m for m in steps if now < m.at <= now + LOOKAHEAD]
    return past[-1:] + coming


def week_start(now: datetime.datetime) -> datetime.date:
    """The Monday of `now`'s week, in London."""
    today = now.astimezone(LONDON).date()
    return today - datetime.timedelta(days=today.weekday())
