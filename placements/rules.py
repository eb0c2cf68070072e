"""The placement rules as pure functions of plain values: no queries, so each is tested at its
boundaries without a database. The numbers come from settings or data, never from here.

Currency of a practice educator (DOMAIN.md: the refresher interval is a setting, not confirmed
in public sources): an educator stays current for `interval_months` after the latest of the
day they qualified at their stage, the day their last student's placement ended and the last
update they attended. They are warned `warning_days` before that day; from that day on, their
currency has lapsed. A trainee is in training: currency does not apply yet.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings

# Defaults when the deployment sets nothing (settings.PLACEMENTS_CURRENCY_MONTHS and
# settings.PLACEMENTS_CURRENCY_WARNING_DAYS override them).
DEFAULT_CURRENCY_MONTHS = 24
DEFAULT_CURRENCY_WARNING_DAYS = 90


def currency_months() -> int:
    return int(getattr(settings, "PLACEMENTS_CURRENCY_MONTHS", DEFAULT_CURRENCY_MONTHS))


def currency_warning_days() -> int:
    return int(getattr(settings, "PLACEMENTS_CURRENCY_WARNING_DAYS", DEFAULT_CURRENCY_WARNING_DAYS))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier, for a negative number); the month's last day
    when it has no such day (31 August + 6 months is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


class Currency:
    IN_TRAINING = "in_training"
    NOT_RECORDED = "not_recorded"
    CURRENT = "current"
    LAPSING = "lapsing"
    LAPSED = "lapsed"

    LABELS: dict[str, str] = {  # noqa: RUF012 - a constant table
        IN_TRAINING: "In training",
        NOT_RECORDED: "Not recorded",
        CURRENT: "Current",
        LAPSING: "Lapsing soon",
        LAPSED: "Lapsed",
    }
    # Statuses a staff member can filter the register by, in the order the filter offers them.
    FILTERABLE = (CURRENT, LAPSING, LAPSED, IN_TRAINING)


@dataclass(frozen=True)
class CurrencyState:
    status: str
    last_activity: datetime.date | None  # the latest of qualified, last student, last update
    lapses_on: datetime.date | None  # the first day they are no longer current

    @property
    def label(self) -> str:
        return Currency.LABELS[self.status]


def currency_state(
    *,
    is_trainee: bool,
    qualified_on: datetime.date | None,
    last_student_on: datetime.date | None,
    last_update_on: datetime.date | None,
    today: datetime.date,
    interval_months: int,
    warning_days: int,
) -> CurrencyState:
    if is_trainee:
        return CurrencyState(Currency.IN_TRAINING, None, None)
    dates = [d for d in (qualified_on, last_student_on, last_update_on) if d is not None]
    if not dates:
        return CurrencyState(Currency.NOT_RECORDED, None, None)
    latest = max(dates)
    lapses_on = add_months(latest, interval_months)
    if today >= lapses_on:
        status = Currency.LAPSED
    elif today >= lapses_on - datetime.timedelta(days=warning_days):
        status = Currency.LAPSING
    else:
        status = Currency.CURRENT
    return CurrencyState(status, latest, lapses_on)


def activity_cutoffs(
    *, today: datetime.date, interval_months: int, warning_days: int
) -> tuple[datetime.date, datetime.date]:
    """For filtering in the database: an educator whose latest activity is before the first
    date has lapsed; before the second (and not before the first), is lapsing. Consistent with
    `currency_state`: latest < lapsed_before ⟺ add_months(latest, n) <= today."""
    lapsed_before = _latest_current_activity(today, interval_months)
    lapsing_before = _latest_current_activity(today + datetime.timedelta(days=warning_days), interval_months)
    return lapsed_before, lapsing_before


def _latest_current_activity(today: datetime.date, interval_months: int) -> datetime.date:
    """The earliest activity date `d` with add_months(d, n) > today: everything before it has
    lapsed by `today`. add_months is monotonic, so step back from a close guess."""
    guess = add_months(today, -interval_months)
    # Month-end clipping can make several days map to one; walk to the exact boundary.
    while add_months(guess, interval_months) > today:
        guess -= datetime.timedelta(days=1)
    while add_months(guess, interval_months) <= today:
        guess += datetime.timedelta(days=1)
    return guess


# --- Matching ------------------------------------------------------------------------------------
#
# PEPS (BASW 2022): a stage 2 educator may take responsibility for a final placement; stage 1
# educators teach and assess students but not the final placement; a trainee works with a
# stage 2 mentor. SWE's education standards ask for two contrasting settings: a final placement
# is in a different kind of setting from the student's first.

STAGE_TRAINEE = "trainee"
STAGE_1 = "stage_1"
STAGE_2 = "stage_2"
FIRST = "first"
FINAL = "final"


def academic_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The academic year (1 September to 31 August) that `day` falls in: an educator's yearly
    capacity counts placements starting within it."""
    start_year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 8, 31)


def stage_allows(*, stage: str, kind: str) -> bool:
    """Only a stage 2 educator takes a final placement; any stage, a trainee with their
    mentor included, may take a first."""
    if kind == FINAL:
        return stage == STAGE_2
    return stage in {STAGE_TRAINEE, STAGE_1, STAGE_2}


def capacity_left(*, capacity_per_year: int, placements_this_year: int) -> int:
    return max(capacity_per_year - placements_this_year, 0)


def available(
    *,
    unavailable_from: datetime.date | None,
    unavailable_until: datetime.date | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> bool:
    """False when the educator's unavailable period overlaps the placement (both ends count).
    An open-ended period (no end) runs on; one with no start began long ago."""
    if unavailable_from is None and unavailable_until is None:
        return True
    begins = unavailable_from or datetime.date.min
    finishes = unavailable_until or datetime.date.max
    return finishes < starts_on or begins > ends_on


def contrasts(*, kind: str, setting: str, first_setting: str | None) -> bool:
    """A final placement must be in a different kind of setting from the first. A first
    placement, or a final one whose first is not known, passes."""
    if kind != FINAL or not first_setting:
        return True
    return setting != first_setting


@dataclass(frozen=True)
class Candidate:
    """One educator considered for one team's offer."""

    educator_id: object
    stage: str
    settings_offered: tuple[str, ...]
    capacity_per_year: int
    placements_this_year: int
    currency_status: str
    unavailable_from: datetime.date | None
    unavailable_until: datetime.date | None
    same_team: bool
    off_site: bool


@dataclass(frozen=True)
class Verdict:
    suitable: bool
    reasons: tuple[str, ...]  # why not, in plain words (empty when suitable)
    capacity_left: int


def judge(
    candidate: Candidate,
    *,
    kind: str,
    setting: str,
    first_setting: str | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Verdict:
    """Every rule a match must meet, with the reasons it fails."""
    reasons = []
    left = capacity_left(
        capacity_per_year=candidate.capacity_per_year, placements_this_year=candidate.placements_this_year
    )
    if not stage_allows(stage=candidate.stage, kind=kind):
        reasons.append("Only a stage 2 educator can take a final placement")
    if left == 0:
        reasons.append("No capacity left this academic year")
    if not available(
        unavailable_from=candidate.unavailable_from,
        unavailable_until=candidate.unavailable_until,
        starts_on=starts_on,
        ends_on=ends_on,
    ):
        reasons.append("Not available for these dates")
    if candidate.currency_status == Currency.LAPSED:
        reasons.append("Currency has lapsed")
    if setting not in candidate.settings_offered:
        reasons.append("Does not offer this setting")
    if not contrasts(kind=kind, setting=setting, first_setting=first_setting):
        reasons.append("Same kind of setting as the student's first placement")
    return Verdict(not reasons, tuple(reasons), left)


def rank_key(candidate: Candidate, verdict: Verdict) -> tuple[int, int, int, int]:
    """Suitable first; then an educator in the offering team, on site, with the most
    capacity left."""
    return (
        0 if verdict.suitable else 1,
        0 if candidate.same_team else 1,
        1 if candidate.off_site else 0,
        -verdict.capacity_left,
    )


# --- Placement days -------------------------------------------------------------------------------
#
# SWE's education standards: at least 200 days of practice learning over the degree, up to 30
# of them skills days. The cap is a setting; a student's skills days counted on earlier
# placements use up part of it.

DEFAULT_SKILLS_DAYS_CAP = 30


def skills_days_cap() -> int:
    return int(getattr(settings, "PLACEMENTS_SKILLS_DAYS_CAP", DEFAULT_SKILLS_DAYS_CAP))


@dataclass(frozen=True)
class DaysSummary:
    required: int
    practice: int  # confirmed practice days
    skills: int  # confirmed skills days
    skills_counted: int  # of those, within the cap
    absences: int
    awaiting: int  # recorded, not yet confirmed (absences aside)

    @property
    def skills_over_cap(self) -> int:
        return self.skills - self.skills_counted

    @property
    def counted(self) -> int:
        return self.practice + self.skills_counted

    @property
    def short_by(self) -> int:
        return max(self.required - self.counted, 0)

    @property
    def met(self) -> bool:
        return self.counted >= self.required


def days_summary(
    *,
    required: int,
    practice: int,
    skills: int,
    absences: int,
    awaiting: int,
    skills_cap: int,
    skills_used_elsewhere: int = 0,
) -> DaysSummary:
    """The running total against the requirement: confirmed practice days, plus confirmed
    skills days up to what is left of the cap. Absences and unconfirmed days never count."""
    cap_left = max(skills_cap - skills_used_elsewhere, 0)
    return DaysSummary(
        required=required,
        practice=practice,
        skills=skills,
        skills_counted=min(skills, cap_left),
        absences=absences,
        awaiting=awaiting,
    )


# Direct observations a placement needs, by kind of placement (universities set their own:
# settings.PLACEMENTS_OBSERVATIONS_REQUIRED overrides these).
DEFAULT_OBSERVATIONS_REQUIRED = {"first": 2, "final": 3}


def observations_required(kind: str) -> int:
    table = getattr(settings, "PLACEMENTS_OBSERVATIONS_REQUIRED", DEFAULT_OBSERVATIONS_REQUIRED)
    return int(table.get(kind, DEFAULT_OBSERVATIONS_REQUIRED.get(kind, 0)))


# --- What the reminders are due on --------------------------------------------------------------

# The midway review is due at the placement's midpoint, the final report before its last day;
# both reminders go out this many days ahead (settings override).
DEFAULT_REVIEW_NOTICE_DAYS = 7
DEFAULT_FINAL_REPORT_NOTICE_DAYS = 14
# A student is "days short" when their counted days trail the pro-rata expectation by more than
# this margin (a missed week is normal; more is worth a word). Judged from the third week.
DEFAULT_DAYS_SHORT_MARGIN = 5
DAYS_SHORT_FROM_DAY = 14


def review_notice_days() -> int:
    return int(getattr(settings, "PLACEMENTS_REVIEW_NOTICE_DAYS", DEFAULT_REVIEW_NOTICE_DAYS))


def final_report_notice_days() -> int:
    return int(getattr(settings, "PLACEMENTS_FINAL_REPORT_NOTICE_DAYS", DEFAULT_FINAL_REPORT_NOTICE_DAYS))


def days_short_margin() -> int:
    return int(getattr(settings, "PLACEMENTS_DAYS_SHORT_MARGIN", DEFAULT_DAYS_SHORT_MARGIN))


def midway_on(*, starts_on: datetime.date, ends_on: datetime.date) -> datetime.date:
    """The placement's midpoint (the earlier day when it falls between two)."""
    return starts_on + datetime.timedelta(days=(ends_on - starts_on).days // 2)


def expected_days(
    *, required: int, starts_on: datetime.date, ends_on: datetime.date, today: datetime.date
) -> int:
    """The days a student on track would have by the end of `today`: the requirement pro rata
    to the calendar days gone (rounded down). None before the start; all of them from the end."""
    total = (ends_on - starts_on).days + 1
    gone = min(max((today - starts_on).days + 1, 0), total)
    return required * gone // total


def days_short(
    *,
    counted: int,
    required: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date,
    margin: int,
) -> int:
    """How far behind the pro-rata expectation the student is, when it is more than `margin`
    and the placement has run `DAYS_SHORT_FROM_DAY` days; 0 otherwise."""
    if (today - starts_on).days < DAYS_SHORT_FROM_DAY:
        return 0
    behind = expected_days(required=required, starts_on=starts_on, ends_on=ends_on, today=today) - counted
    return behind if behind > margin else 0
