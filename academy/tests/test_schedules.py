import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
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


def _next_run(task_name: str, *, last_run_at: datetime.datetime) -> datetime.datetime:
    """When beat would next run the task, as its scheduler computes it: now, plus what remains
    after the last run."""
    task = PeriodicTask.objects.get(name=task_name)
    return timezone.now() + task.schedule.remaining_estimate(last_run_at)


@pytest.mark.parametrize(
    ("last_run", "expected_utc"),
    [
        # Winter (GMT): 06:30 in London is 06:30 UTC.
        (
            datetime.datetime(2027, 1, 14, 6, 30, tzinfo=datetime.UTC),
            datetime.datetime(2027, 1, 15, 6, 30, tzinfo=datetime.UTC),
        ),
        # Summer (BST), 1 September: 06:30 in London is 05:30 UTC.
        (
            datetime.datetime(2027, 8, 31, 5, 30, tzinfo=datetime.UTC),
            datetime.datetime(2027, 9, 1, 5, 30, tzinfo=datetime.UTC),
        ),
        # Across the spring change (Sunday 28 March 2027): the day after a GMT run, BST.
        (
            datetime.datetime(2027, 3, 27, 6, 30, tzinfo=datetime.UTC),
            datetime.datetime(2027, 3, 28, 5, 30, tzinfo=datetime.UTC),
        ),
        # Across the autumn change (Sunday 31 October 2027): the day after a BST run, GMT.
        (
            datetime.datetime(2027, 10, 30, 5, 30, tzinfo=datetime.UTC),
            datetime.datetime(2027, 10, 31, 6, 30, tzinfo=datetime.UTC),
        ),
    ],
)
def test_daily_producers_run_at_the_same_london_time_in_winter_and_summer(
    last_run: datetime.datetime, expected_utc: datetime.datetime, settings: Any
) -> None:
    assert settings.CELERY_TIMEZONE == "Europe/London"
    sync_periodic_tasks()
    task = PeriodicTask.objects.get(name="academy:reminders-produce")
    assert task.crontab is not None
    assert task.interval is None
    assert str(task.crontab.timezone) == "Europe/London"
    assert (task.crontab.hour, task.crontab.minute) == ("6", "30")
    with time_machine.travel(last_run + datetime.timedelta(minutes=1), tick=False):
        next_run = _next_run("academy:reminders-produce", last_run_at=last_run)
    assert next_run == expected_utc
    assert next_run.astimezone(ZoneInfo("Europe/London")).strftime("%H:%M") == "06:30"


def test_the_outbox_sweep_runs_every_minute_and_reminder_delivery_too() -> None:
    sync_periodic_tasks()
    for name in ("academy:outbox-sweep", "academy:reminders-deliver"):
        task = PeriodicTask.objects.get(name=name)
        assert task.interval is not None
        assert (task.interval.every, task.interval.period) == (60, IntervalSchedule.SECONDS)


def test_a_periodic_task_is_either_every_so_often_or_at_a_time() -> None:
    from academy.schedules import register_periodic

    with pytest.raises(ValueError, match="either"):
        register_periodic(name="both", task="x", every_seconds=60, at=(6, 0))
    with pytest.raises(ValueError, match="either"):
        register_periodic(name="neither", task="x")
