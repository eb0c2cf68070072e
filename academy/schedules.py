"""Every periodic task, declared in one place and synced to django-celery-beat's tables.

Apps add theirs with `register_periodic` from their AppConfig.ready(). `manage.py
sync_schedules` (run by `make run` and the container entrypoint) makes the database match:
declared tasks are created or updated, and ones we own that are no longer declared are disabled.

A task runs either every so many seconds (`every_seconds`, an interval schedule) or at a time of
day (`at=(hour, minute)`, a crontab schedule). A time of day is London time: the crontab row
carries the Europe/London timezone (CELERY_TIMEZONE is the same), so a task set for 06:30 runs at
06:30 on London's clock in winter and in British Summer Time alike (05:30 UTC in summer)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

OWNED_PREFIX = "academy:"


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int = 0
    at: tuple[int, int] | None = None  # (hour, minute), London time, every day


_declared: dict[str, Periodic] = {}


def register_periodic(
    *, name: str, task: str, every_seconds: int = 0, at: tuple[int, int] | None = None
) -> None:
    if bool(every_seconds) == (at is not None):
        raise ValueError("A periodic task runs either every so many seconds or at a time of day.")
    _declared[name] = Periodic(OWNED_PREFIX + name, task, every_seconds, at)


def declared() -> list[Periodic]:
    return sorted(_declared.values(), key=lambda p: p.name)


@transaction.atomic
def sync_periodic_tasks() -> dict[str, int]:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    counts = {"created": 0, "updated": 0, "disabled": 0}
    names = set()
    for periodic in declared():
        names.add(periodic.name)
        if periodic.at is not None:
            hour, minute = periodic.at
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=str(minute),
                hour=str(hour),
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.TIME_ZONE,
            )
            schedule = {"crontab": crontab, "interval": None}
        else:
            interval, _ = IntervalSchedule.objects.get_or_create(
                every=periodic.every_seconds, period=IntervalSchedule.SECONDS
            )
            schedule = {"interval": interval, "crontab": None}
        _, created = PeriodicTask.objects.update_or_create(
            name=periodic.name, defaults={"task": periodic.task, "enabled": True, **schedule}
        )
        counts["created" if created else "updated"] += 1
    counts["disabled"] = (
        PeriodicTask.objects.filter(name__startswith=OWNED_PREFIX, enabled=True)
        .exclude(name__in=names)
        .update(enabled=False)
    )
    return counts


register_periodic(name="heartbeat", task="academy.tasks.heartbeat", every_seconds=60)
register_periodic(
    name="memberships-end-sweep", task="academy.tasks.memberships_end_sweep", every_seconds=24 * 60 * 60
)
register_periodic(name="outbox-sweep", task="academy.outbox.tasks.outbox_sweep", every_seconds=60)
register_periodic(name="drafts-sweep", task="academy.drafts.tasks.drafts_sweep", every_seconds=24 * 60 * 60)
register_periodic(name="files-pending-sweep", task="academy.tasks.files_pending_sweep", every_seconds=60 * 60)
# The reminder engine (academy/reminders/): producers once a day at a London time, delivery and
# digests every minute.
register_periodic(
    name="reminders-produce",
    task="academy.reminders.tasks.reminders_produce",
    at=settings.REMINDERS_PRODUCE_AT,
)
register_periodic(
    name="reminders-deliver", task="academy.reminders.tasks.reminders_deliver", every_seconds=60
)
