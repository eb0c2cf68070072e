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


# --- Matching rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 8, 31), (D(2025, 9, 1), D(2026, 8, 31))),
        (D(2026, 9, 1), (D(2026, 9, 1), D(2027, 8, 31))),
        (D(2027, 1, 15), (D(2026, 9, 1), D(2027, 8, 31))),
    ],
)
def test_academic_year_turns_on_1_september(day: datetime.date, expected: tuple[datetime.date, ...]) -> None:
    assert rules.academic_year(day) == expected


@pytest.mark.parametrize(
    ("stage", "kind", "allowed"),
    [
        ("stage_2", "final", True),
        ("stage_1", "final", False),
        ("trainee", "final", False),
        ("stage_1", "first", True),
        ("trainee", "first", True),
        ("stage_2", "first", True),
    ],
)
def test_only_stage_2_takes_a_final_placement(stage: str, kind: str, allowed: bool) -> None:
    assert rules.stage_allows(stage=stage, kind=kind) is allowed


@pytest.mark.parametrize(
    ("capacity", "taken", "left"), [(2, 0, 2), (2, 1, 1), (2, 2, 0), (1, 3, 0), (0, 0, 0)]
)
def test_capacity_left(capacity: int, taken: int, left: int) -> None:
    assert rules.capacity_left(capacity_per_year=capacity, placements_this_year=taken) == left


@pytest.mark.parametrize(
    ("unavailable", "expected"),
    [
        ((None, None), True),
        ((D(2027, 1, 1), D(2027, 1, 10)), True),  # ends the day before the placement starts
        ((D(2027, 1, 1), D(2027, 1, 11)), False),  # ends on the first day
        ((D(2027, 5, 28), D(2027, 6, 30)), False),  # starts on the last day
        ((D(2027, 5, 29), D(2027, 6, 30)), True),  # starts the day after
        ((None, D(2027, 2, 1)), False),  # unavailable until after the start
        ((D(2027, 3, 1), None), False),  # unavailable from mid-placement onwards
        ((D(2027, 6, 1), None), True),
    ],
)
def test_availability_boundaries(unavailable: tuple[datetime.date | None, ...], expected: bool) -> None:
    assert (
        rules.available(
            unavailable_from=unavailable[0],
            unavailable_until=unavailable[1],
            starts_on=D(2027, 1, 11),
            ends_on=D(2027, 5, 28),
        )
        is expected
    )


@pytest.mark.parametrize(
    ("kind", "setting", "first", "expected"),
    [
        ("final", "adults", "adults", False),
        ("final", "children_families", "adults", True),
        ("final", "adults", None, True),
        ("first", "adults", "adults", True),
    ],
)
def test_final_placement_contrasts_with_the_first(
    kind: str, setting: str, first: str | None, expected: bool
) -> None:
    assert rules.contrasts(kind=kind, setting=setting, first_setting=first) is expected


def _candidate(**overrides: object) -> rules.Candidate:
    values: dict[str, object] = {
        "educator_id": 1,
        "stage": "stage_2",
        "settings_offered": ("adults",),
        "capacity_per_year": 1,
        "placements_this_year": 0,
        "currency_status": Currency.CURRENT,
        "unavailable_from": None,
        "unavailable_until": None,
        "same_team": True,
        "off_site": False,
    }
    values.update(overrides)
    return rules.Candidate(**values)  # type: ignore[arg-type]


def _judge(candidate: rules.Candidate, **overrides: object) -> rules.Verdict:
    values: dict[str, object] = {
        "kind": "final",
        "setting": "adults",
        "first_setting": "children_families",
        "starts_on": D(2027, 1, 11),
        "ends_on": D(2027, 5, 28),
    }
    values.update(overrides)
    return rules.judge(candidate, **values)  # type: ignore[arg-type]


def test_judge_passes_a_suitable_educator() -> None:
    verdict = _judge(_candidate())
    assert verdict.suitable
    assert verdict.reasons == ()
    assert verdict.capacity_left == 1


def test_judge_gives_every_reason() -> None:
    verdict = _judge(
        _candidate(
            stage="stage_1",
            placements_this_year=1,
            currency_status=Currency.LAPSED,
            settings_offered=("health",),
            unavailable_from=D(2027, 2, 1),
        ),
        first_setting="adults",
    )
    assert not verdict.suitable
    assert set(verdict.reasons) == {
        "Only a stage 2 educator can take a final placement",
        "No capacity left this academic year",
        "Not available for these dates",
        "Currency has lapsed",
        "Does not offer this setting",
        "Same kind of setting as the student's first placement",
    }


def test_ranking_prefers_suitable_then_own_team_then_on_site_then_capacity() -> None:
    pairs = [
        (name, candidate, _judge(candidate))
        for name, candidate in [
            ("unsuitable", _candidate(stage="stage_1")),
            ("other team", _candidate(same_team=False, capacity_per_year=3)),
            ("off site", _candidate(off_site=True)),
            ("more capacity", _candidate(capacity_per_year=3)),
            ("less capacity", _candidate()),
        ]
    ]
    ordered = [name for name, c, v in sorted(pairs, key=lambda p: rules.rank_key(p[1], p[2]))]
    assert ordered == ["more capacity", "less capacity", "off site", "other team", "unsuitable"]


# --- Days arithmetic ---------------------------------------------------------------------------------


def _days(**overrides: int) -> rules.DaysSummary:
    values = {
        "required": 100,
        "practice": 0,
        "skills": 0,
        "absences": 0,
        "awaiting": 0,
        "skills_cap": 30,
        "skills_used_elsewhere": 0,
    }
    values.update(overrides)
    return rules.days_summary(**values)


@pytest.mark.parametrize(
    ("skills", "used_elsewhere", "counted", "over"),
    [
        (29, 0, 29, 0),
        (30, 0, 30, 0),
        (31, 0, 30, 1),
        (20, 15, 15, 5),
        (10, 30, 0, 10),
        (10, 40, 0, 10),
    ],
)
def test_skills_days_are_capped(skills: int, used_elsewhere: int, counted: int, over: int) -> None:
    summary = _days(skills=skills, skills_used_elsewhere=used_elsewhere)
    assert summary.skills_counted == counted
    assert summary.skills_over_cap == over


def test_absences_and_unconfirmed_days_do_not_count() -> None:
    summary = _days(practice=60, skills=5, absences=4, awaiting=3)
    assert summary.counted == 65
    assert summary.short_by == 35
    assert not summary.met


@pytest.mark.parametrize(("practice", "met", "short"), [(99, False, 1), (100, True, 0), (101, True, 0)])
def test_requirement_boundary(practice: int, met: bool, short: int) -> None:
    summary = _days(practice=practice)
    assert summary.met is met
    assert summary.short_by == short


def test_skills_days_help_meet_the_requirement_only_up_to_the_cap() -> None:
    assert _days(practice=70, skills=30).met
    assert not _days(practice=69, skills=31).met
