"""The date arithmetic of a record (asye/dates.py): pure functions, no database."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from asye import dates
from asye.dates import Pause

D = datetime.date
TWELVE_MONTHS = [
    {"key": "foundational", "label": "Foundational review", "months": 3},
    {"key": "midpoint", "label": "Midpoint review", "months": 6},
    {"key": "nine_month", "label": "Nine-month review", "months": 9, "optional": True},
    {"key": "final", "label": "Final review", "months": 12},
]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),  # month end: clamped
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year
        (D(2027, 3, 31), -1, D(2027, 2, 28)),
    ],
)
def test_add_months(start: datetime.date, months: int, expected: datetime.date) -> None:
    assert dates.add_months(start, months) == expected


def test_full_time_end_is_the_anniversary() -> None:
    assert dates.planned_end(D(2026, 9, 1), 12) == D(2027, 9, 1)


def test_a_month_end_start_keeps_to_month_ends() -> None:
    dues = dates.review_dues(D(2027, 1, 31), [{"key": "one", "months": 1}, {"key": "final", "months": 12}])
    assert [d.due_on for d in dues] == [D(2027, 2, 28), D(2028, 1, 31)]


def test_part_time_extends_pro_rata() -> None:
    # 1 Sep 2026 + 12 months = 365 days; at 0.6 FTE ceil(365 / 0.6) = 609 days: about 20 months.
    end = dates.planned_end(D(2026, 9, 1), 12, fte=Decimal("0.6"))
    assert end == D(2026, 9, 1) + datetime.timedelta(days=609) == D(2028, 5, 2)
    # Each review scales the same way: 3 months = 91 days -> ceil(151.67) = 152 days.
    dues = {d.key: d.due_on for d in dates.review_dues(D(2026, 9, 1), TWELVE_MONTHS, fte="0.6")}
    assert dues["foundational"] == D(2026, 9, 1) + datetime.timedelta(days=152)
    assert dues["final"] == end


def test_half_time_doubles_exactly() -> None:
    assert dates.planned_end(D(2026, 9, 1), 12, fte="0.5") == D(2026, 9, 1) + datetime.timedelta(days=730)


@pytest.mark.parametrize("fte", ["0", "1.2", "-0.5"])
def test_fte_out_of_range_is_refused(fte: str) -> None:
    with pytest.raises(ValueError, match="FTE"):
        dates.planned_end(D(2026, 9, 1), 12, fte=fte)


def test_a_pause_moves_only_what_falls_after_it_began() -> None:
    # 14 days off in January (both days count): the foundational review (1 Dec) is before it,
    # the rest move by 14 days.
    pause = Pause(D(2027, 1, 4), D(2027, 1, 17))
    dues = {d.key: d.due_on for d in dates.review_dues(D(2026, 9, 1), TWELVE_MONTHS, pauses=[pause])}
    assert dues["foundational"] == D(2026, 12, 1)
    assert dues["midpoint"] == D(2027, 3, 1) + datetime.timedelta(days=14)
    assert dues["final"] == D(2027, 9, 15)
    assert dates.planned_end(D(2026, 9, 1), 12, pauses=[pause]) == D(2027, 9, 15)


def test_a_pause_that_the_shift_reaches_counts_too() -> None:
    # The midpoint is due 1 Mar 2027; a first pause pushes it to 11 Mar; a second pause that
    # began on 5 Mar (after the original date, before the pushed one) pushes it again.
    pauses = [Pause(D(2027, 2, 1), D(2027, 2, 10)), Pause(D(2027, 3, 5), D(2027, 3, 9))]
    assert dates.offset_date(D(2026, 9, 1), 6, pauses=pauses) == D(2027, 3, 16)


def test_overlapping_pauses_count_once() -> None:
    pauses = [Pause(D(2027, 2, 1), D(2027, 2, 10)), Pause(D(2027, 2, 5), D(2027, 2, 12))]
    assert dates.offset_date(D(2026, 9, 1), 6, pauses=pauses) == D(2027, 3, 1) + datetime.timedelta(days=12)


def test_an_open_pause_counts_up_to_as_of() -> None:
    open_pause = [Pause(D(2027, 1, 4))]
    assert dates.planned_end(D(2026, 9, 1), 12, pauses=open_pause) == D(2027, 9, 1)  # no as_of: left out
    end = dates.planned_end(D(2026, 9, 1), 12, pauses=open_pause, as_of=D(2027, 1, 10))
    assert end == D(2027, 9, 8)


def test_part_time_and_a_pause_together() -> None:
    end = dates.planned_end(D(2026, 9, 1), 12, fte="0.6", pauses=[Pause(D(2027, 1, 4), D(2027, 1, 17))])
    assert end == D(2028, 5, 2) + datetime.timedelta(days=14)


def test_an_eleven_month_final_and_a_switched_off_nine_month() -> None:
    points = [
        {"key": "foundational", "months": 3},
        {"key": "midpoint", "months": 6},
        {"key": "nine_month", "months": 9, "optional": True, "enabled": False},
        {"key": "final", "label": "Final review", "months": 11},
    ]
    dues = dates.review_dues(D(2026, 9, 1), points)
    assert [d.key for d in dues] == ["foundational", "midpoint", "final"]
    assert dues[-1].due_on == D(2027, 8, 1)
    assert dates.planned_end(D(2026, 9, 1), 12) == D(2027, 9, 1)  # the programme still runs 12 months


def test_across_the_clock_change_nothing_shifts_a_day() -> None:
    # BST starts on Sunday 28 March 2027 and ends on Sunday 31 October 2027: dates are dates.
    start = D(2027, 3, 27)
    assert dates.add_months(start, 1) == D(2027, 4, 27)
    assert dates.offset_date(start, 1, fte="0.5") == start + datetime.timedelta(days=62)
    assert dates.planned_end(D(2026, 10, 31), 12) == D(2027, 10, 31)
    assert dates.month_of_programme(D(2027, 3, 28), D(2027, 4, 27)) == 1
    assert dates.month_of_programme(D(2027, 3, 28), D(2027, 4, 28)) == 2


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 23:30 UTC on 31 August is 00:30 BST on 1 September: the local date is the 1st.
        ("2027-08-31T23:30:00+00:00", D(2027, 9, 1)),
        # The night BST begins: 00:30 UTC on 28 March is 00:30 GMT, still the 28th.
        ("2027-03-28T00:30:00+00:00", D(2027, 3, 28)),
        # 23:30 UTC on 27 March is 23:30 GMT, the 27th.
        ("2027-03-27T23:30:00+00:00", D(2027, 3, 27)),
    ],
)
def test_today_is_the_london_date(instant: str, expected: datetime.date) -> None:
    with time_machine.travel(instant, tick=False):
        today = timezone.localdate()
    assert today == expected
    dues = dates.review_dues(D(2026, 9, 1), TWELVE_MONTHS)
    nxt = dates.next_review(dues, today)
    assert nxt is not None
    assert nxt.due_on >= today
    # The final review on 1 Sep 2027 is "next" (due on or after today) the morning it is due.
    if expected == D(2027, 9, 1):
        assert nxt.key == "final"


def test_month_of_programme() -> None:
    start = D(2026, 9, 15)
    assert dates.month_of_programme(start, D(2026, 9, 14)) == 0
    assert dates.month_of_programme(start, start) == 1
    assert dates.month_of_programme(start, D(2026, 10, 14)) == 1
    assert dates.month_of_programme(start, D(2026, 10, 15)) == 2
    assert dates.month_of_programme(start, D(2027, 8, 20)) == 12
    assert dates.month_of_programme(D(2027, 1, 31), D(2027, 2, 28)) == 2
