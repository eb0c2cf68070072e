"""Every periodic task, declared in one place and synced to django-celery-beat's tables.

Apps add theirs with `register_periodic` from their AppConfig.ready(). `manage.py
sync_schedules` (run by `make run` and the container entrypoint) makes the database match:
declared tasks are created or updated, and ones we own that are no longer declared are disabled."""

from dataclasses import dataclass

from django.db import transaction

OWNED_PREFIX = "academy:"


@dataclass(frozen=True)
class Periodic:
    name: str
    task: str
    every_seconds: int


_declared: dict[str, Periodic] = {}


def register_periodic(*, name: str, task: str, every_seconds: int) -> None:
    _declared[name] = Periodic(OWNED_PREFIX + name, task, every_seconds)


def declared() -> list[Periodic]:
    return sorted(_declared.values(), key=lambda p: p.name)


@transaction.atomic
def sync_periodic_tasks() -> dict[str, int]:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    counts = {"created": 0, "updated": 0, "disabled": 0}
    names = set()
    for periodic in declared():
        names.add(periodic.name)
        interval, _ = IntervalSchedule.objects.get_or_create(
            every=periodic.every_seconds, period=IntervalSchedule.SECONDS
        )
        _, created = PeriodicTask.objects.update_or_create(
            name=periodic.name, defaults={"task": periodic.task, "interval": interval, "enabled": True}
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
