"""Two reminder sweeps at the same instant (a doubled beat, two workers) make each reminder once
and deliver each once: real PostgreSQL row locks, two real connections."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from academy.models import Notification, OutboxMessage, Reminder
from academy.reminders.services import reminders_deliver, reminders_produce
from academy.roles import Role
from academy.tests.factories import MembershipFactory
from academy.tests.reminders_support import (
    Fact,
    TestProducer,
    test_producer_fixture,  # noqa: F401  (the `test_producer` fixture)
)
from conftest import Orgs

PEOPLE = 120


def at_once(work: Callable[[], Any]) -> list[Any]:
    """Run `work` in two threads, each with its own database connection, released together."""
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except BaseException as error:  # re-raised below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    assert len(results) == 2
    return results


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_make_and_deliver_each_reminder_once(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    people = [MembershipFactory(organisation=orgs.home, role=Role.NQSW).user for _ in range(PEOPLE)]
    now = timezone.now()
    test_producer.facts = [Fact(person, "month-1", now - timedelta(minutes=1)) for person in people]

    at_once(reminders_produce)
    assert Reminder.objects.count() == PEOPLE

    mail.outbox.clear()
    deliveries = at_once(lambda: reminders_deliver(batch_size=10))
    assert sum(d.sent for d in deliveries) == PEOPLE
    assert all(d.sent > 0 for d in deliveries), "both sweeps should have taken a share"
    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == PEOPLE
    assert Notification.objects.count() == PEOPLE
    assert OutboxMessage.objects.filter(kind="reminder").count() == PEOPLE
    sent = Counter(m.to[0] for m in mail.outbox)
    assert len(sent) == PEOPLE
    assert set(sent.values()) == {1}
