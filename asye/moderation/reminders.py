"""The reminder producer "moderation panel coming up" (issue 18): each member of an open panel
held within the next fortnight, and up to its day, hears of it once. Selected with a date range,
never an exact date, so a missed run still finds it; the key holds the panel and its date, so a
panel moved to another day is a new reminder and the old one is cancelled."""

import datetime
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from academy.registry.reminders import DueReminder, ReminderKind, register_reminder_producer

from .selectors import panels_for_reminders

PANEL_COMING_UP = ReminderKind("asye.moderation_panel", "A moderation panel you sit on is coming up")
NOTICE_DAYS = 14


def panel_reminders(*, now: datetime.datetime) -> Iterable[DueReminder]:
    today = timezone.localdate(now)
    for panel in panels_for_reminders(held_from=today, held_to=today + datetime.timedelta(days=NOTICE_DAYS)):
        due_at = timezone.make_aware(
            datetime.datetime.combine(panel.held_on - datetime.timedelta(days=NOTICE_DAYS), datetime.time(8))
        )
        for member in panel.members.all():
            yield DueReminder(
                kind=PANEL_COMING_UP.name,
                recipient_id=member.membership.user_id,
                key=f"panel:{panel.pk}:{panel.held_on:%Y%m%d}",
                title=f"{panel.title} sits on {panel.held_on.day} {panel.held_on:%B %Y}",
                body="Read the portfolios allocated to it and complete their checklists before the panel.",
                url=reverse("asye:moderation_panel", args=[panel.pk]),
                about=panel,
                due_at=due_at,
                organisation_id=panel.organisation_id,
            )


def register_moderation_reminders() -> None:
    register_reminder_producer(
        name="asye.moderation_panel",
        produce=panel_reminders,
        kinds=[PANEL_COMING_UP],
        description="A moderation panel coming up, to each of its members, from a fortnight before.",
    )
