"""The registration-year rules: boundaries in London time, the requirement, what is missing."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cpd import rules
from cpd.selectors import registration_year_current, registration_year_for

LONDON = ZoneInfo("Europe/London")
EN_DASH = "\N{EN DASH}"
LABEL_2025 = f"2025{EN_DASH}26"
LABEL_2026 = f"2026{EN_DASH}27"


@dataclass(frozen=True)
class Year:
    label: str = LABEL_2025
    starts_on: datetime.date = datetime.date(2025, 12, 1)
    ends_on: datetime.date = datetime.date(2026, 11, 30)
    required_records: int = 2
    required_peer_reflected: int = 1
    renewal_window_opens_on: datetime.date = datetime.date(2026, 9, 1)


YEAR = Year()


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def facts(title: str, *, complete: bool = True, peer: bool = False, content: str = "") -> rules.RecordFacts:
    return rules.RecordFacts(
        complete=complete,
        peer_reflected=peer,
        title=title,
        occurred_on=datetime.date(2026, 3, 1),
        content=content or f"content of {title}",
    )


def test_last_minute_of_the_year_is_still_in_it() -> None:
    progress = rules.progress(year=YEAR, records=[], now=at(2026, 11, 30, 23, 59))
    assert progress.is_current
    assert progress.days_left == 0
    assert progress.renewal_window_open
    assert progress.at_risk


def test_midnight_on_1_december_ends_the_year() -> None:
    progress = rules.progress(year=YEAR, records=[], now=at(2026, 12, 1, 0, 0))
    assert progress.is_past
    assert progress.days_left is None
    assert not progress.renewal_window_open
    assert not progress.at_risk  # it is over: "not met", not "at risk"


def test_midnight_on_1_december_in_utc_terms() -> None:
    """In winter London time is UTC: 23:59:59 UTC on 30 November is still the old year."""
    late = datetime.datetime(2026, 11, 30, 23, 59, 59, tzinfo=datetime.UTC)
    assert rules.london_today(late) == datetime.date(2026, 11, 30)


def test_first_of_september_in_summer_time_opens_the_window() -> None:
    """00:30 on 1 September in London is 23:30 on 31 August in UTC: the window is open."""
    moment = at(2026, 9, 1, 0, 30)
    assert moment.astimezone(datetime.UTC).date() == datetime.date(2026, 8, 31)
    progress = rules.progress(year=YEAR, records=[], now=moment)
    assert progress.renewal_window_open
    assert progress.days_left == 90
    earlier = rules.progress(year=YEAR, records=[], now=at(2026, 8, 31, 23, 30))
    assert not earlier.renewal_window_open


@pytest.mark.django_db
def test_a_record_on_1_september_in_bst_belongs_to_the_year_of_that_london_date() -> None:
    with time_machine.travel(at(2026, 9, 1, 0, 30), tick=False):
        today = timezone.localdate()
        assert today == datetime.date(2026, 9, 1)
        year = registration_year_for(day=today)
        assert year is not None
        assert year.label == LABEL_2025
        current = registration_year_current(now=timezone.now())
        assert current == year


@pytest.mark.django_db
def test_the_current_year_turns_over_at_london_midnight() -> None:
    with time_machine.travel(at(2026, 11, 30, 23, 59), tick=False):
        assert str(registration_year_current(now=timezone.now())) == LABEL_2025
    with time_machine.travel(at(2026, 12, 1, 0, 0), tick=False):
        assert str(registration_year_current(now=timezone.now())) == LABEL_2026


def test_two_different_records_one_peer_reflected_meet_the_requirement() -> None:
    records = [facts("Webinar", peer=True), facts("Reading")]
    progress = rules.progress(year=YEAR, records=records, now=at(2026, 10, 1, 12))
    assert progress.met
    assert progress.missing == []
    assert (progress.complete, progress.distinct, progress.peer_reflected) == (2, 2, 1)


def test_drafts_do_not_count() -> None:
    records = [facts("Webinar", peer=True, complete=False), facts("Reading")]
    progress = rules.progress(year=YEAR, records=records, now=at(2026, 10, 1, 12))
    assert not progress.met
    assert progress.drafts == 1
    assert progress.missing == [
        "Complete 1 more CPD record (the year asks for at least 2 different pieces of learning).",
        "Add a peer reflection to 1 more completed record (at least 1 must have one).",
    ]


def test_two_records_with_the_same_content_are_one_piece_of_learning() -> None:
    same = "The same course, the same learning, the same impact."
    records = [facts("Course", content=same, peer=True), facts("Course again", content=same.upper() + "  ")]
    progress = rules.progress(year=YEAR, records=records, now=at(2026, 10, 1, 12))
    assert progress.distinct == 1
    assert not progress.met
    assert progress.missing[0].startswith("Complete 1 more CPD record")


def test_requirement_comes_from_the_year() -> None:
    stricter = Year(required_records=3, required_peer_reflected=2)
    records = [facts("A", peer=True), facts("B", peer=True)]
    progress = rules.progress(year=stricter, records=records, now=at(2026, 10, 1, 12))
    assert progress.missing == [
        "Complete 1 more CPD record (the year asks for at least 3 different pieces of learning)."
    ]
    assert rules.progress(year=YEAR, records=records, now=at(2026, 10, 1, 12)).met


def test_before_the_window_not_met_is_in_progress_not_at_risk() -> None:
    progress = rules.progress(year=YEAR, records=[], now=at(2026, 5, 1, 12))
    assert not progress.met
    assert not progress.at_risk
    assert progress.days_left == 213


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        rules.london_today(datetime.datetime(2026, 1, 1))  # noqa: DTZ001  (the point of the test)


@pytest.mark.django_db
def test_loader_is_idempotent_and_years_are_data() -> None:
    from cpd.models import RegistrationYear
    from cpd.year_loader import load_registration_years

    assert load_registration_years() == 0
    labels = list(RegistrationYear.objects.order_by("starts_on").values_list("label", flat=True))
    assert labels == [f"{y}{EN_DASH}{y - 1999}" for y in range(2023, 2028)]
    year = RegistrationYear.objects.get(label=LABEL_2025)
    assert (year.starts_on, year.ends_on, year.renewal_window_opens_on) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 30),
        datetime.date(2026, 9, 1),
    )
    assert (year.required_records, year.required_peer_reflected) == (2, 1)
