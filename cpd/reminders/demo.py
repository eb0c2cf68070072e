"""Demo CPD reminders. The engine's demo step (`academy.reminders.demo`) runs every producer at
today's date, which shows CPD reminders only from late August to 30 November. At any other time
of year this step replays the run-up's latest moment that has passed (on 1 December: the "one
day left" step of the year that ended yesterday) through the same producers and delivery, so
the demo people who had not met that year's requirement (Priya, Martin) and their PSW (Helen)
have a CPD reminder in their notifications. The replayed reminders are sent, so the daily sweep
leaves them alone. Idempotent: nothing is replayed once any CPD reminder exists."""

from datetime import timedelta

from django.utils import timezone

from academy.registry.reminders import ReminderProducer, registered_reminder_producers
from academy.reminders.models import Reminder
from academy.reminders.services import reminders_deliver, reminders_produce

from .. import selectors
from . import schedule


def _cpd_producers() -> list[ReminderProducer]:
    return [p for p in registered_reminder_producers() if p.name.startswith("cpd.")]


def load_cpd_reminders_demo() -> None:
    producers = _cpd_producers()
    if Reminder.objects.filter(producer__in=[p.name for p in producers]).exists():
        return
    now = timezone.now()
    passed = [m.at for year in selectors.registration_years() for m in schedule.moments(year) if m.at <= now]
    if not passed:
        return
    replay_at = max(passed) + timedelta(minutes=1)
    reminders_produce(now=replay_at, producers=producers)
    reminders_deliver(now=replay_at)
