import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from academy.health import run_checks
from academy.schedules import sync_periodic_tasks
from academy.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_declared_tasks_are_synced_once_and_stale_ones_disabled() -> None:
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    stale = PeriodicTask.objects.create(
        name="academy:retired", task="academy.tasks.gone", interval=every_hour
    )
    first = sync_periodic_tasks()
    assert first["created"] >= 1
    assert first["disabled"] == 1
    assert PeriodicTask.objects.get(name="academy:heartbeat").task == "academy.tasks.heartbeat"
    stale.refresh_from_db()
    assert stale.enabled is False
    second = sync_periodic_tasks()
    assert second["created"] == 0
    assert second["disabled"] == 0
    assert PeriodicTask.objects.filter(name="academy:heartbeat").count() == 1


def test_heartbeat_shows_on_health() -> None:
    assert run_checks()["beat_last_seen"] is None
    heartbeat.apply()
    assert run_checks()["beat_last_seen"] is not None
