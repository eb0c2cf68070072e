"""The placements app's reminder producer (academy/registry/reminders.py): a practice educator
is reminded that their currency is about to lapse, `PLACEMENTS_CURRENCY_WARNING_DAYS` before it
does (at 9am London time), and the reminder stands until they are current again."""

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


def register_reminders() -> None:
    register_reminder_producer(
        name=PRODUCER,
        produce=educator_currency_reminders,
        kinds=[CURRENCY_LAPSING],
        description="Placements: a practice educator's currency is about to lapse, to the educator.",
    )
