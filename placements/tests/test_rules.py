"""The currency rule at its boundaries (no database)."""

import datetime

import pytest

from placements import rules
from placements.rules import Currency

D = datetime.date


def state(today: datetime.date, **dates: datetime.date | None) -> rules.CurrencyState:
    return rules.currency_state(
        is_trainee=False,
        qualified_on=dates.get("qualified_on"),
        last_student_on=dates.get("last_student_on"),
        last_update_on=dates.get("last_update_on"),
        today=today,
        interval_months=24,
        warning_days=90,
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 3, 15), -3, D(2025, 12, 15)),
        (D(2026, 12, 1), 24, D(2028, 12, 1)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert rules.add_months(day, months) == expected


def test_currency_runs_from_the_latest_activity() -> None:
    found = state(D(2026, 9, 1), qualified_on=D(2020, 1, 1), last_student_on=D(2025, 7, 10))
    assert found.last_activity == D(2025, 7, 10)
    assert found.lapses_on == D(2027, 7, 10)
    assert found.status == Currency.CURRENT


def test_currency_warning_starts_exactly_warning_days_before_it_lapses() -> None:
    lapses = D(2027, 7, 10)
    day_before_warning = lapses - datetime.timedelta(days=91)
    first_warning_day = lapses - datetime.timedelta(days=90)
    assert state(day_before_warning, last_update_on=D(2025, 7, 10)).status == Currency.CURRENT
    assert state(first_warning_day, last_update_on=D(2025, 7, 10)).status == Currency.LAPSING


def test_currency_lapses_on_the_anniversary_not_the_day_before() -> None:
    assert state(D(2027, 7, 9), last_update_on=D(2025, 7, 10)).status == Currency.LAPSING
    assert state(D(2027, 7, 10), last_update_on=D(2025, 7, 10)).status == Currency.LAPSED


def test_trainee_and_missing_dates() -> None:
    trainee = rules.currency_state(
        is_trainee=True,
        qualified_on=None,
        last_student_on=None,
        last_update_on=None,
        today=D(2026, 9, 1),
        interval_months=24,
        warning_days=90,
    )
    assert trainee.status == Currency.IN_TRAINING
    assert state(D(2026, 9, 1)).status == Currency.NOT_RECORDED


def test_interval_is_a_setting(settings: object) -> None:
    settings.PLACEMENTS_CURRENCY_MONTHS = 36  # type: ignore[attr-defined]
    settings.PLACEMENTS_CURRENCY_WARNING_DAYS = 30  # type: ignore[attr-defined]
    assert rules.currency_months() == 36
    assert rules.currency_warning_days() == 30


@pytest.mark.parametrize("months", [12, 24, 36])
@pytest.mark.parametrize(
    "today",
    [D(2026, 3, 1), D(2026, 2, 28), D(2027, 2, 28), D(2026, 8, 31), D(2026, 10, 25), D(2024, 2, 29)],
)
def test_database_cutoffs_agree_with_the_rule(today: datetime.date, months: int) -> None:
    """The register filters in SQL with `activity_cutoffs`; every activity date around the
    cutoffs gets the same status as `currency_state` gives it."""
    lapsed_before, lapsing_before = rules.activity_cutoffs(
        today=today, interval_months=months, warning_days=90
    )
    start = rules.add_months(today, -months) - datetime.timedelta(days=10)
    for offset in range(0, 120):
        activity = start + datetime.timedelta(days=offset)
        status = rules.currency_state(
            is_trainee=False,
            qualified_on=activity,
            last_student_on=None,
            last_update_on=None,
            today=today,
            interval_months=months,
            warning_days=90,
        ).status
        if activity < lapsed_before:
            assert status == Currency.LAPSED, activity
        elif activity < lapsing_before:
            assert status == Currency.LAPSING, activity
        else:
            assert status == Currency.CURRENT, activity
