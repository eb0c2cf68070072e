"""Dates that look like dates of birth.

A reflection is full of dates: visits, meetings, supervision, court hearings. Flagging all of them
would bury the flags that matter, so a date is flagged when

* words just before it say it is a birth date ("DOB", "D.O.B.", "date of birth", "born",
  "born on", "birthday"), or "(DOB)" follows it: flagged whatever the date, even without a year,
  in the future (an expected baby) or last month (a newborn); or
* it is a whole date (day, month and year) more than ten years before today and less than 110,
  with no sign that it is the date of a law or a publication ("Act", "came into force",
  "published", "introduced" nearby). Practice written about in the ASYE happened within the last
  few years; a full date long ago is most often someone's birthday, and otherwise a date in a
  person's history that identifies them as well as one.

A date in the future or within the last ten years without those words is an event, not flagged.
Dates are read day first (the UK way): 03/04/2012 is 3 April 2012. Two-digit years up to this
year's are this century (12 → 2012), later ones the last (85 → 1985).
"""

import datetime
import re
from collections.abc import Iterator

from .flags import Flag, FlagKind

RECENT_YEARS = 10
OLDEST_YEARS = 110

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<month_name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"

_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)"
)
_ISO = re.compile(r"(?<![\w/.-])(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\w/-]|\.\d)")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w])(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?(?![\w])",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"(?<![\w]){_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}(?:,?\s+(?P<year>\d{{4}}))?(?![\w])",
    re.IGNORECASE,
)

_BIRTH_BEFORE = re.compile(
    r"(?:\bDOB|\bD\.O\.B\.?|\bdate\s+of\s+birth|\bborn(?:\s+on)?|\bbirthday(?:\s+is)?|\bb\.)"
    r"\s*(?:[:\-\u2013\u2014=]|is|was|on)?\s*$",
    re.IGNORECASE,
)
_BIRTH_AFTER = re.compile(r"^\s*\(?\s*(?:DOB|D\.O\.B)", re.IGNORECASE)
_NOT_BIRTH = re.compile(
    r"\b(?:Act|Acts|Regulations|came\s+into\s+force|in\s+force|published|introduced|enacted)\b",
    re.IGNORECASE,
)


def _year(raw: str, today: datetime.date) -> int:
    value = int(raw)
    if len(raw) == 2:
        return 2000 + value if value <= today.year % 100 else 1900 + value
    return value


def _candidates(text: str) -> Iterator[tuple[re.Match[str], str | None, int, int]]:
    """Each date-shaped match with its year as written (None when it has none), month and day."""
    for pattern in (_NUMERIC, _ISO):
        for match in pattern.finditer(text):
            yield match, match["year"], int(match["month"]), int(match["day"])
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        for match in pattern.finditer(text):
            yield match, match["year"], _MONTHS[match["month_name"].lower()], int(match["day"])


def _years_before(today: datetime.date, years: int) -> datetime.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def find_birth_dates(text: str, *, today: datetime.date) -> Iterator[Flag]:
    recent = _years_before(today, RECENT_YEARS)
    oldest = _years_before(today, OLDEST_YEARS)
    for match, written_year, month, day in _candidates(text):
        year = _year(written_year, today) if written_year else None
        try:
            when = datetime.date(year if year is not None else 2000, month, day)
        except ValueError:
            continue  # not a day of the calendar: 31/02, 13/13
        before = text[max(0, match.start() - 40) : match.start()]
        after = text[match.end() : match.end() + 15]
        if _BIRTH_BEFORE.search(before) or _BIRTH_AFTER.search(after):
            yield Flag(
                match.start(),
                match.end(),
                FlagKind.DATE_OF_BIRTH,
                match[0],
                "This is given as a date of birth.",
            )
            continue
        if year is None or not oldest < when <= recent:
            continue
        if _NOT_BIRTH.search(text, max(0, match.start() - 40), min(len(text), match.end() + 40)):
            continue
        yield Flag(
            match.start(),
            match.end(),
            FlagKind.DATE_OF_BIRTH,
            match[0],
            f"This full date is more than {RECENT_YEARS} years ago, so it may be someone's date of birth "
            "or another date that identifies them.",
        )
