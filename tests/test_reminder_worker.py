"""The reminder engine end to end through a real Celery worker against the real Redis: beat's
tasks (as synced to django-celery-beat) make a reminder, deliver it into the portal and by email
through the outbox, and the next beat repeats nothing."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from academy.celery import app
from academy.models import Notification, OutboxMessage, Reminder
from academy.roles import Role
from academy.schedules import sync_periodic_tasks
from academy.tests.factories import MembershipFactory, UserFactory
from academy.tests.reminders_support import (
    Fact,
    TestProducer,
    test_producer_fixture,  # noqa: F401  (the `test_producer` fixture)
)
from conftest import Orgs


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def beat(name: str) -> Any:
    """Send the task beat would send for the periodic task `name`, and wait for its result."""
    task = PeriodicTask.objects.get(name=name)
    return app.send_task(task.task).get(timeout=60)


def wait_for(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_reminder_goes_from_producer_to_portal_and_email_once(
    celery_worker: Any, orgs: Orgs, test_producer: TestProducer, settings: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "task"
    person = UserFactory(email="worker-reminded@example.test")
    MembershipFactory(user=person, organisation=orgs.home, role=Role.NQSW)
    test_producer.facts = [Fact(person, "month-1", timezone.now(), title="Supervision is due (worker)")]
    sync_periodic_tasks()
    mail.outbox.clear()

    assert beat("academy:reminders-produce")["created"] == 1
    delivered = beat("academy:reminders-deliver")
    assert delivered["sent"] == 1
    reminder = Reminder.objects.get()
    assert reminder.state == Reminder.State.SENT
    assert Notification.objects.filter(recipient=person, title="Supervision is due (worker)").count() == 1
    # The delivery queued an outbox sweep after commit; the worker sends the email.
    message = OutboxMessage.objects.get(dedupe_key=f"reminder:{reminder.pk}")
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.SENT)

    # The next beats (and a doubled one) repeat nothing.
    for name in ("academy:reminders-produce", "academy:reminders-deliver", "academy:reminders-deliver"):
        beat(name)
    beat("academy:outbox-sweep")
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(recipient=person).count() == 1
    emails = [m for m in mail.outbox if m.to == ["worker-reminded@example.test"]]
    assert len(emails) == 1
    assert "Supervision is due (worker)" in emails[0].subject
    assert "/reminders/preferences/" in emails[0].body
