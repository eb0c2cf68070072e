"""The placements app's reminder producers (academy/registry/reminders.py), each at 9am London
time on the day it falls due:

- a practice educator is reminded that their currency is about to lapse,
  `PLACEMENTS_CURRENCY_WARNING_DAYS` before it does; it stands until they are current again;
- the educator, that the midway review is due, `PLACEMENTS_REVIEW_NOTICE_DAYS` before the
  placement's midpoint, until it is recorded;
- the educator, that the final report is due, `PLACEMENTS_FINAL_REPORT_NOTICE_DAYS` before the
  placement's last day (a new reminder if it is extended), until it is written;
- the student and the educator, that the student's confirmed days trail the pro-rata
  expectation by more than `PLACEMENTS_DAYS_SHORT_MARGIN`; at most once a month while it holds.

Placements that are completed or ended early are reminded of nothing."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from academy.registry.reminders import DueReminder, ReminderKind, register_reminder_producer

from . import presenters, rules, selectors

CURRENCY_LAPSING = ReminderKind(
    "placements.educator_currency", "Your practice educator currency is about to lapse"
)
PRODUCER = "placements.educator_currency"
SEND_AT = datetime.time(9, 0)


def educator_currency_reminders(*, now: datetime.datetime) -> Iterable[DueReminder]:
    today = timezone.localdate(now)
    warning = rules.currency_warning_days()
    london = ZoneInfo(settings.TIME_ZONE)
    for entry in selectors.educators_lapsing(today=today):
        state = selectors.currency_of(entry, today=today)
        if state.lapses_on is None:
            continue
        warn_on = state.lapses_on - datetime.timedelta(days=warning)
        last_current_day = state.lapses_on - datetime.timedelta(days=1)
        yield DueReminder(
            kind=CURRENCY_LAPSING.name,
            recipient_id=entry.user_id,
            key=f"educator:{entry.pk}:{state.lapses_on.isoformat()}",
            title=f"Your practice educator currency runs until {presenters.day(last_current_day)}",
            body=(
                "Support a student or attend a practice educator update before then, and ask "
                "academy staff to record it on the register."
            ),
            url=reverse("placements:educator", args=[entry.pk]),
            about=entry,
            organisation_id=entry.organisation_id,
            due_at=datetime.datetime.combine(warn_on, SEND_AT, tzinfo=london),
        )


MIDWAY_REVIEW_DUE = ReminderKind("placements.midway_review_due", "A student's midway review is due")
FINAL_REPORT_DUE = ReminderKind("placements.final_report_due", "A student's final placement report is due")
DAYS_SHORT = ReminderKind("placements.days_short", "A placement is behind on its days")
REVIEWS_PRODUCER = "placements.reviews_due"
DAYS_PRODUCER = "placements.days_short"


def _at_nine(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, SEND_AT, tzinfo=ZoneInfo(settings.TIME_ZONE))


def reviews_due_reminders(*, now: datetime.datetime) -> Iterable[DueReminder]:
    today = timezone.localdate(now)
    review_notice = datetime.timedelta(days=rules.review_notice_days())
    report_notice = datetime.timedelta(days=rules.final_report_notice_days())
    for placement in selectors.placements_under_way(today=today):
        url = reverse("placements:placement", args=[placement.pk])
        student = placement.student.display_name
        midway = rules.midway_on(starts_on=placement.starts_on, ends_on=placement.ends_on)
        if not placement.has_midway and midway - review_notice <= today:  # type: ignore[attr-defined]
            yield DueReminder(
                kind=MIDWAY_REVIEW_DUE.name,
                recipient_id=placement.educator.user_id,
                key=f"placement:{placement.pk}:midway:{midway.isoformat()}",
                title=f"{student}'s midway review is due by {presenters.day(midway)}",
                body="Meet the student, their supervisor and tutor, then record the review for them to sign.",
                url=url,
                about=placement,
                organisation_id=placement.organisation_id,
                due_at=_at_nine(midway - review_notice),
            )
        if not placement.has_final_report and placement.ends_on - report_notice <= today:  # type: ignore[attr-defined]
            yield DueReminder(
                kind=FINAL_REPORT_DUE.name,
                recipient_id=placement.educator.user_id,
                key=f"placement:{placement.pk}:final_report:{placement.ends_on.isoformat()}",
                title=f"{student}'s final report is due by {presenters.day(placement.ends_on)}",
                body="Write the final report with your recommendation; the student and tutor then sign it.",
                url=url,
                about=placement,
                organisation_id=placement.organisation_id,
                due_at=_at_nine(placement.ends_on - report_notice),
            )


def days_short_reminders(*, now: datetime.datetime) -> Iterable[DueReminder]:
    today = timezone.localdate(now)
    margin = rules.days_short_margin()
    for placement in selectors.placements_under_way(today=today):
        if placement.ends_on < today:
            continue
        short = rules.days_short(
            counted=selectors.counted_days(placement),
            required=placement.days_required,
            starts_on=placement.starts_on,
            ends_on=placement.ends_on,
            today=today,
            margin=margin,
        )
        if not short:
            continue
        student = placement.student.display_name
        for recipient, title in (
            (placement.student_id, f"Your placement is {short} days behind where it should be"),
            (placement.educator.user_id, f"{student}'s placement is {short} days behind where it should be"),
        ):
            yield DueReminder(
                kind=DAYS_SHORT.name,
                recipient_id=recipient,
                key=f"placement:{placement.pk}:days_short:{today:%Y-%m}",
                title=title,
                body=(
                    "Confirmed days trail the pro-rata share of the days required. Check that every "
                    "day is recorded and confirmed, and agree an extension if the time cannot be made up."
                ),
                url=reverse("placements:placement", args=[placement.pk]),
                about=placement,
                organisation_id=placement.organisation_id,
                due_at=_at_nine(today),
            )


def register_reminders() -> None:
    register_reminder_producer(
        name=PRODUCER,
        produce=educator_currency_reminders,
        kinds=[CURRENCY_LAPSING],
        description="Placements: a practice educator's currency is about to lapse, to the educator.",
    )
    register_reminder_producer(
        name=REVIEWS_PRODUCER,
        produce=reviews_due_reminders,
        kinds=[MIDWAY_REVIEW_DUE, FINAL_REPORT_DUE],
        description="Placements: the midway review and the final report are due, to the practice educator.",
    )
    register_reminder_producer(
        name=DAYS_PRODUCER,
        produce=days_short_reminders,
        kinds=[DAYS_SHORT],
        description="Placements: a student is behind on their days, to the student and the educator.",
    )
