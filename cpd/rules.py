"""The registration-year rules, as pure functions of plain values (no database): which year a
date falls in, and how far a person's records go towards that year's requirement.

Time: a registration year runs from its first day to its last, in London time, and records are
due by 11.59pm on the last day. "Today" is always the London date of an aware `now`, so the
answer does not depend on the server's clock zone, and a test can pin `now` either side of
midnight in summer time (when London is an hour ahead of UTC) as well as in winter."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class YearLike(Protocol):
    """What the rules need of a registration year (the model has these fields)."""

    @property
    def label(self) -> str: ...
    @property
    def starts_on(self) -> datetime.date: ...
    @property
    def ends_on(self) -> datetime.date: ...
    @property
    def required_records(self) -> int: ...
    @property
    def required_peer_reflected(self) -> int: ...
    @property
    def renewal_window_opens_on(self) -> datetime.date: ...


@dataclass(frozen=True)
class RecordFacts:
    """What the rules need of a record: whether it is complete, whether it has a peer reflection
    with some learning in it, and the words that make it a distinct piece of learning."""

    complete: bool
    peer_reflected: bool
    title: str
    occurred_on: datetime.date
    content: str = ""


@dataclass(frozen=True)
class YearProgress:
    year: YearLike
    today: datetime.date
    complete: int
    distinct: int
    peer_reflected: int
    drafts: int
    missing: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.missing

    @property
    def is_past(self) -> bool:
        return self.today > self.year.ends_on

    @property
    def is_future(self) -> bool:
        return self.today < self.year.starts_on

    @property
    def is_current(self) -> bool:
        return not self.is_past and not self.is_future

    @property
    def days_left(self) -> int | None:
        """Whole days after today up to the last day; 0 on the last day itself; None once the
        year is over or before it starts."""
        if not self.is_current:
            return None
        return (self.year.ends_on - self.today).days

    @property
    def renewal_window_open(self) -> bool:
        return self.year.renewal_window_opens_on <= self.today <= self.year.ends_on

    @property
    def at_risk(self) -> bool:
        """Not met while the renewal window is open: the person should act now."""
        return not self.met and self.renewal_window_open


def london_today(now: datetime.datetime) -> datetime.date:
    """The date in London at the aware moment `now`."""
    if now.tzinfo is None:
        raise ValueError("london_today needs an aware datetime.")
    return now.astimezone(LONDON).date()


def year_for(day: datetime.date, years: Iterable[YearLike]) -> YearLike | None:
    """The registration year that contains `day`, or None."""
    for year in years:
        if year.starts_on <= day <= year.ends_on:
            return year
    return None


_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text compared for sameness: case, spacing and surrounding punctuation ignored."""
    return _SPACES.sub(" ", text).strip().strip(".").casefold()


def fingerprint(record: RecordFacts) -> tuple[str, ...]:
    """Two records with the same content are one piece of learning, whatever their titles."""
    content = normalise(record.content)
    if content:
        return ("content", content)
    return ("title", normalise(record.title), record.occurred_on.isoformat())


def repeat_keys(record: RecordFacts) -> set[tuple[str, ...]]:
    """What makes two records one piece of learning, as keys to compare: the same title on the
    same date, or (once description, learning and impact are all written) the same content.
    `cpd.selectors.cpd_record_repeating` asks the same question of the database one record at a
    time; an import asks it of many rows at once."""
    keys: set[tuple[str, ...]] = {("title", normalise(record.title), record.occurred_on.isoformat())}
    if record.content:
        keys.add(fingerprint(record))
    return keys


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def progress(*, year: YearLike, records: Sequence[RecordFacts], now: datetime.datetime) -> YearProgress:
    """How `records` (the person's records dated in `year`) meet the year's requirement."""
    today = london_today(now)
    complete = [r for r in records if r.complete]
    distinct = len({fingerprint(r) for r in complete})
    peer = len({fingerprint(r) for r in complete if r.peer_reflected})
    drafts = len(records) - len(complete)
    missing: list[str] = []
    if distinct < year.required_records:
        more = year.required_records - distinct
        missing.append(
            f"Complete {_plural(more, 'more CPD record', 'more CPD records')} "
            f"(the year asks for at least {year.required_records} different pieces of learning)."
        )
    if peer < year.required_peer_reflected:
        more = year.required_peer_reflected - peer
        missing.append(
            f"Add a peer reflection to {_plural(more, 'more completed record', 'more completed records')} "
            f"(at least {year.required_peer_reflected} must have one)."
        )
    return YearProgress(
        year=year,
        today=today,
        complete=len(complete),
        distinct=distinct,
        peer_reflected=peer,
        drafts=drafts,
        missing=missing,
    )
