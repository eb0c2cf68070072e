"""The supervision cadence (asye/supervision/cadence.py) and the protected time arithmetic
(asye/supervision/allowance.py) as pure functions, then through the record with the clock
frozen: across the spring clock change, on a date in British Summer Time, and across a pause."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from asye.dates import Pause
from asye.models import AsyeRecord
from asye.supervision import allowance, cadence
from asye.supervision.cadence import DUE, MET, MISSED
from asye.supervision.selectors import record_intervals, supervision_dates
from asye.tests.factories import AsyeRecordFactory, RecordPauseFactory

BANDS = [
    {"until_weeks": 6, "every_days": 7, "label": "Weekly"},
    {"until_months": 6, "every_days": 14, "label": "Fortnightly"},
    {"every_days": 31, "label": "Monthly"},
]
START = datetime.date(2026, 9, 1)
D = datetime.date


def spans(found: list[cadence.Interval]) -> list[tuple[datetime.date, datetime.date, str]]:
    return [(i.starts_on, i.ends_on, i.state) for i in found]


def run(today: datetime.date, held: Any = (), **kwargs: Any) -> list[cadence.Interval]:
    return cadence.intervals(
        start=kwargs.pop("start", START), bands=BANDS, length_months=12, today=today, held=held, **kwargs
    )


def test_weekly_then_fortnightly_each_met_missed_or_due() -> None:
    found = run(
        D(2026, 10, 20), held=[D(2026, 9, 3), D(2026, 9, 10), D(2026, 9, 17), D(2026, 10, 1), D(2026, 10, 8)]
    )
    assert spans(found) == [
        (D(2026, 9, 1), D(2026, 9, 7), MET),
        (D(2026, 9, 8), D(2026, 9, 14), MET),
        (D(2026, 9, 15), D(2026, 9, 21), MET),
        (D(2026, 9, 22), D(2026, 9, 28), MISSED),
        (D(2026, 9, 29), D(2026, 10, 5), MET),
        (D(2026, 10, 6), D(2026, 10, 12), MET),
        (D(2026, 10, 13), D(2026, 10, 26), DUE),  # fortnightly from week 7, not over yet
    ]
    assert [i.band for i in found] == ["Weekly"] * 6 + ["Fortnightly"]
    assert found[0].held_on == D(2026, 9, 3)


def test_a_supervision_on_either_end_day_meets_the_interval() -> None:
    found = run(D(2026, 9, 20), held=[D(2026, 9, 1), D(2026, 9, 14)])
    assert [i.state for i in found] == [MET, MET, DUE]


def test_an_interval_ending_today_is_still_due() -> None:
    assert run(D(2026, 9, 7))[-1].state == DUE
    assert run(D(2026, 9, 8))[0].state == MISSED


def test_nothing_before_the_start() -> None:
    assert run(D(2026, 8, 31)) == []


def test_monthly_after_month_six_and_nothing_after_the_end() -> None:
    found = run(D(2028, 1, 1))
    monthly = [i for i in found if i.band == "Monthly"]
    assert monthly[0].starts_on == D(2027, 3, 1)  # six months from 1 September
    assert monthly[0].ends_on == D(2027, 3, 31)  # 31 days
    assert found[-1].ends_on == D(2027, 8, 31)  # the last programme day, before 1 September 2027
    fortnightly = [i for i in found if i.band == "Fortnightly"]
    # 181 days to month six, less 42 weekly: nine fortnights and a 13-day remainder of its own
    assert [(i.ends_on - i.starts_on).days + 1 for i in fortnightly] == [14] * 9 + [13]


def test_a_short_remainder_joins_the_interval_before() -> None:
    bands = [{"until_weeks": 2, "every_days": 10}, {"every_days": 31}]
    found = cadence.intervals(start=START, bands=bands, length_months=12, today=D(2026, 9, 30))
    assert (found[0].starts_on, found[0].ends_on) == (D(2026, 9, 1), D(2026, 9, 14))  # 10 + 4 days


def test_part_time_stretches_the_bands_not_the_intervals() -> None:
    found = run(D(2026, 12, 1), fte=Decimal("0.5"))
    weekly = [i for i in found if i.band == "Weekly"]
    assert len(weekly) == 12  # six weeks of work at half time
    assert all((i.ends_on - i.starts_on).days == 6 for i in weekly)


def test_a_pause_inside_an_interval_stretches_it() -> None:
    pause = Pause(D(2026, 9, 10), D(2026, 9, 16))
    found = run(D(2026, 10, 1), held=[D(2026, 9, 2), D(2026, 9, 12)], pauses=[pause])
    assert spans(found)[:3] == [
        (D(2026, 9, 1), D(2026, 9, 7), MET),
        (D(2026, 9, 8), D(2026, 9, 21), MET),  # a week's pause inside: the interval waits
        (D(2026, 9, 22), D(2026, 9, 28), MISSED),
    ]


def test_days_of_a_pause_between_intervals_belong_to_none() -> None:
    pause = Pause(D(2026, 9, 15), D(2026, 9, 28))
    found = run(D(2026, 11, 1), pauses=[pause])
    assert (found[1].ends_on, found[2].starts_on) == (D(2026, 9, 14), D(2026, 9, 29))
    # the weekly band ends two weeks later than without the pause
    weekly = [i for i in found if i.band == "Weekly"]
    assert len(weekly) == 6
    assert weekly[-1].ends_on == D(2026, 10, 26)


def test_an_open_pause_keeps_its_interval_open() -> None:
    found = run(D(2026, 10, 20), pauses=[Pause(D(2026, 10, 1))])
    assert spans(found)[-1] == (D(2026, 9, 29), D(2026, 10, 25), DUE)  # not missed while paused
    assert sum(1 for i in found if i.state == MISSED) == 4


def test_judged_within_counts_each_ended_interval_once() -> None:
    found = run(D(2026, 10, 20), held=[D(2026, 9, 3)])
    first = cadence.judged_within(found, starts_on=START, ends_on=D(2026, 9, 30), today=D(2026, 10, 20))
    second = cadence.judged_within(
        found, starts_on=D(2026, 10, 1), ends_on=D(2026, 12, 1), today=D(2026, 10, 20)
    )
    assert len(first) == 4
    assert len(second) == 2
    assert len(first) + len(second) == len(found) - 1


# --- Protected time ----------------------------------------------------------------------------


def test_protected_hours_pro_rata_and_paused() -> None:
    common: dict[str, Any] = {"start": START, "planned_end": D(2027, 9, 1), "as_of": D(2026, 12, 1)}
    period: dict[str, Any] = {"starts_on": START, "ends_on": D(2026, 11, 30)}  # 91 days, 13 weeks
    assert allowance.protected_hours_expected(fte=1, **common, **period) == Decimal("48.1")
    assert allowance.protected_hours_expected(fte=Decimal("0.6"), **common, **period) == Decimal("28.9")
    paused = [Pause(D(2026, 10, 1), D(2026, 10, 14))]
    assert allowance.protected_hours_expected(fte=1, pauses=paused, **common, **period) == Decimal("40.7")
    after_end: dict[str, Any] = {"starts_on": D(2027, 8, 25), "ends_on": D(2027, 12, 31)}
    assert allowance.protected_hours_expected(fte=1, **common, **after_end) == Decimal("3.7")  # seven days


def test_reduction_percent() -> None:
    assert allowance.reduction_percent(Decimal(18), Decimal(20)) == 10
    assert allowance.reduction_percent(Decimal(22), Decimal(20)) == -10
    assert allowance.reduction_percent(Decimal(20), Decimal(20)) == 0


# --- Through the record, with the clock frozen ---------------------------------------------------


def _record_of(pk: Any) -> AsyeRecord:
    return AsyeRecord.objects.select_related("programme_version").prefetch_related("pauses").get(pk=pk)


def _record(start: datetime.date, **fields: Any) -> AsyeRecord:
    return _record_of(AsyeRecordFactory(start_date=start, **fields).pk)


def _held(record: AsyeRecord, *days: datetime.date) -> list[datetime.date]:
    from asye.tests.supervision_support import supervision_on

    for day in days:
        supervision_on(record, day)
    return supervision_dates([record])[record.pk]


@pytest.mark.django_db
def test_across_the_spring_clock_change(programme_types: None) -> None:
    """Clocks go forward at 01:00 UTC on Sunday 28 March 2027. At 23:30 UTC that evening it is
    already Monday 29 March in London: the week that ended on Sunday is over, and missed."""
    record = _record(D(2027, 3, 1))
    held = _held(record, D(2027, 3, 2), D(2027, 3, 9), D(2027, 3, 16))
    with time_machine.travel(datetime.datetime(2027, 3, 28, 23, 30, tzinfo=datetime.UTC), tick=False):
        assert timezone.localdate() == D(2027, 3, 29)
        found = record_intervals(record, held)
    assert spans(found)[-2:] == [
        (D(2027, 3, 22), D(2027, 3, 28), MISSED),
        (D(2027, 3, 29), D(2027, 4, 4), DUE),
    ]
    with time_machine.travel(datetime.datetime(2027, 3, 28, 22, 30, tzinfo=datetime.UTC), tick=False):
        # 23:30 on Sunday in London (the change happened that morning): the week is still open
        assert record_intervals(record, held)[-1].state == DUE


@pytest.mark.django_db
def test_on_a_date_in_summer_time(programme_types: None) -> None:
    """00:30 on 1 September in London is 23:30 UTC on 31 August."""
    record = _record(D(2026, 8, 25))
    with time_machine.travel(datetime.datetime(2026, 8, 31, 23, 30, tzinfo=datetime.UTC), tick=False):
        found = record_intervals(record, [])
    assert spans(found) == [(D(2026, 8, 25), D(2026, 8, 31), MISSED), (D(2026, 9, 1), D(2026, 9, 7), DUE)]


@pytest.mark.django_db
def test_across_a_recorded_pause(programme_types: None) -> None:
    made = AsyeRecordFactory(start_date=START)
    RecordPauseFactory(record=made, starts_on=D(2026, 9, 10), ends_on=D(2026, 9, 16))
    record = _record_of(made.pk)
    held = _held(record, D(2026, 9, 2), D(2026, 9, 20))
    with time_machine.travel(datetime.datetime(2026, 9, 29, 9, 0, tzinfo=datetime.UTC), tick=False):
        found = record_intervals(record, held)
    assert spans(found) == [
        (D(2026, 9, 1), D(2026, 9, 7), MET),
        (D(2026, 9, 8), D(2026, 9, 21), MET),  # met on 20 September, after the pause
        (D(2026, 9, 22), D(2026, 9, 28), MISSED),
        (D(2026, 9, 29), D(2026, 10, 5), DUE),
    ]
