"""The midway review, final report and days-short reminders: their dates at the boundaries (no
database), then run through the reminder engine (twice: nothing doubles) and cancelled once the
fact no longer holds."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from academy.models import Reminder
from academy.registry.reminders import registered_reminder_producers
from academy.reminders.services import reminders_produce
from academy.tests.factories import TeamFactory
from conftest import Orgs
from placements import rules
from placements.models import DocumentKind, EducatorStage, Placement
from placements.reminders import DAYS_PRODUCER, REVIEWS_PRODUCER
from placements.tests.factories import (
    PlacementDayFactory,
    PlacementDocumentFactory,
    PlacementFactory,
    PracticeEducatorFactory,
)

LONDON = ZoneInfo("Europe/London")
D = datetime.date
START, END = D(2027, 1, 11), D(2027, 5, 28)  # 138 days, both ends counted


def test_midway_is_the_middle_day() -> None:
    assert rules.midway_on(starts_on=START, ends_on=END) == D(2027, 3, 20)
    assert rules.midway_on(starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 4)) == D(2027, 1, 2)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (START - datetime.timedelta(days=1), 0),
        (START, 0),  # 70 x 1 / 138, rounded down
        (D(2027, 1, 12), 1),
        (D(2027, 2, 10), 15),  # day 31: 70 x 31 / 138 = 15.7
        (END, 70),
        (END + datetime.timedelta(days=30), 70),
    ],
)
def test_expected_days_pro_rata(today: datetime.date, expected: int) -> None:
    assert rules.expected_days(required=70, starts_on=START, ends_on=END, today=today) == expected


@pytest.mark.parametrize(
    ("today", "counted", "short"),
    [
        (D(2027, 1, 24), 0, 0),  # day 14: too early to judge
        (D(2027, 1, 25), 0, 7),  # day 15: 70 x 15 / 138 = 7.6, more than the margin of 5
        (D(2027, 2, 10), 10, 0),  # 15 expected, 10 counted: 5 behind is within the margin
        (D(2027, 2, 10), 9, 6),
        (D(2027, 2, 10), 20, 0),  # ahead
    ],
)
def test_days_short_beyond_the_margin(today: datetime.date, counted: int, short: int) -> None:
    assert (
        rules.days_short(counted=counted, required=70, starts_on=START, ends_on=END, today=today, margin=5)
        == short
    )


def produce(at: datetime.datetime, name: str) -> Any:
    producers = [p for p in registered_reminder_producers() if p.name == name]
    with time_machine.travel(at, tick=False):
        return reminders_produce(producers=producers)


@pytest.fixture
def placement(db: None, orgs: Orgs, student: Any, tutor: Any, practice_educator: Any) -> Placement:
    educator = PracticeEducatorFactory(
        user=practice_educator, organisation=orgs.home, stage=EducatorStage.STAGE_2
    )
    return PlacementFactory(
        offer__team=TeamFactory(organisation=orgs.home),
        offer__request__partnership__university=orgs.university,
        educator=educator,
        student=student,
        tutor=tutor,
        starts_on=START,
        ends_on=END,
        days_required=70,
        status=Placement.Status.ACTIVE,
    )


def _live(producer: str) -> Any:
    return Reminder.objects.filter(producer=producer, cancelled_at__isnull=True)


def test_midway_review_reminder_a_week_before_the_midpoint(
    placement: Placement, practice_educator: Any
) -> None:
    produce(datetime.datetime(2027, 3, 12, 12, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    assert not _live(REVIEWS_PRODUCER).exists()  # a day early
    produce(datetime.datetime(2027, 3, 13, 6, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    produce(datetime.datetime(2027, 3, 13, 7, 0, tzinfo=LONDON), REVIEWS_PRODUCER)  # twice: created once
    reminder = Reminder.objects.get(producer=REVIEWS_PRODUCER)
    assert reminder.recipient == practice_educator
    assert reminder.kind == "placements.midway_review_due"
    assert reminder.due_at == datetime.datetime(2027, 3, 13, 9, 0, tzinfo=LONDON)
    assert "20 March 2027" in reminder.title
    assert reminder.organisation_id == placement.organisation_id
    # Recorded: the reminder is cancelled.
    PlacementDocumentFactory(placement=placement, kind=DocumentKind.MIDWAY_REVIEW, held_on=D(2027, 3, 15))
    produce(datetime.datetime(2027, 3, 16, 6, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    assert not _live(REVIEWS_PRODUCER).exists()


def test_final_report_reminder_two_weeks_before_the_end(placement: Placement) -> None:
    PlacementDocumentFactory(placement=placement, kind=DocumentKind.MIDWAY_REVIEW, held_on=D(2027, 3, 15))
    produce(datetime.datetime(2027, 5, 13, 12, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    assert not _live(REVIEWS_PRODUCER).exists()
    produce(datetime.datetime(2027, 5, 14, 6, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    produce(datetime.datetime(2027, 5, 14, 8, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    reminder = Reminder.objects.get(producer=REVIEWS_PRODUCER)
    assert reminder.kind == "placements.final_report_due"
    assert "28 May 2027" in reminder.title
    PlacementDocumentFactory(
        placement=placement, kind=DocumentKind.FINAL_REPORT, recommendation="pass", held_on=D(2027, 5, 20)
    )
    produce(datetime.datetime(2027, 5, 21, 6, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    assert not _live(REVIEWS_PRODUCER).exists()


def test_finished_placements_are_reminded_of_nothing(placement: Placement) -> None:
    Placement.objects.filter(pk=placement.pk).update(status=Placement.Status.ENDED_EARLY)
    produce(datetime.datetime(2027, 5, 20, 6, 0, tzinfo=LONDON), REVIEWS_PRODUCER)
    produce(datetime.datetime(2027, 5, 20, 6, 0, tzinfo=LONDON), DAYS_PRODUCER)
    assert not Reminder.objects.exists()


def test_days_short_reminds_the_student_and_the_educator(
    placement: Placement, student: Any, practice_educator: Any
) -> None:
    confirmed = datetime.datetime(2027, 2, 1, 12, 0, tzinfo=LONDON)
    for n in range(10):
        PlacementDayFactory(
            placement=placement,
            day=START + datetime.timedelta(days=n),
            confirmed_by=practice_educator,
            confirmed_at=confirmed,
        )
    produce(datetime.datetime(2027, 2, 10, 6, 0, tzinfo=LONDON), DAYS_PRODUCER)
    assert not _live(DAYS_PRODUCER).exists()  # 10 of 15 expected: within the margin
    produce(datetime.datetime(2027, 2, 13, 6, 0, tzinfo=LONDON), DAYS_PRODUCER)  # 17 expected now (day 34)
    produce(datetime.datetime(2027, 2, 13, 7, 0, tzinfo=LONDON), DAYS_PRODUCER)
    reminders = Reminder.objects.filter(producer=DAYS_PRODUCER)
    assert {r.recipient for r in reminders} == {student, practice_educator}
    assert all("7 days behind" in r.title for r in reminders)
    # Caught up (ten more days confirmed): the reminders not yet sent are cancelled.
    for n in range(10, 20):
        PlacementDayFactory(
            placement=placement,
            day=START + datetime.timedelta(days=n),
            confirmed_by=practice_educator,
            confirmed_at=confirmed,
        )
    produce(datetime.datetime(2027, 2, 13, 8, 0, tzinfo=LONDON), DAYS_PRODUCER)
    assert not _live(DAYS_PRODUCER).exists()


def test_skills_days_over_the_cap_do_not_count_towards_the_days(
    placement: Placement, practice_educator: Any, settings: Any
) -> None:
    settings.PLACEMENTS_SKILLS_DAYS_CAP = 2
    confirmed = datetime.datetime(2027, 2, 1, 12, 0, tzinfo=LONDON)
    for n in range(12):
        PlacementDayFactory(
            placement=placement,
            day=START + datetime.timedelta(days=n),
            kind="skills",
            confirmed_by=practice_educator,
            confirmed_at=confirmed,
        )
    # 12 skills days, 2 counted: 15 expected on 10 February, 13 behind.
    produce(datetime.datetime(2027, 2, 10, 6, 0, tzinfo=LONDON), DAYS_PRODUCER)
    assert all("13 days behind" in r.title for r in _live(DAYS_PRODUCER))
    assert _live(DAYS_PRODUCER).count() == 2


def test_the_producers_read_every_placement_in_one_query(
    placement: Placement, django_assert_num_queries: Any
) -> None:
    from placements.reminders import days_short_reminders, reviews_due_reminders

    for _ in range(3):
        PlacementFactory(
            educator=placement.educator, starts_on=START, ends_on=END, status=Placement.Status.ACTIVE
        )
    at = datetime.datetime(2027, 5, 14, 12, 0, tzinfo=LONDON)
    with django_assert_num_queries(1):
        reviews = list(reviews_due_reminders(now=at))
    with django_assert_num_queries(1):
        days = list(days_short_reminders(now=at))
    assert len(reviews) == 8  # midway review and final report for each of four placements
    assert len(days) == 8  # every one far behind: student and educator
