"""How fast the reminder engine handles a national day: BENCH_REMINDERS practitioners (100,000
by default), each with a current membership and one reminder due.

Timed, each on its own:

1. the producer sweep, first run: the producer's answer (one `DueReminder` per person) checked
   against current memberships, and every row inserted in bulk;
2. the producer sweep again, nothing changed: what a daily run costs on a quiet day;
3. the delivery sweep: every due row locked in batches, its portal notification inserted, its
   outbox email queued and the row marked sent;
4. the outbox sweep for those emails: claiming, building each batch (its reminders and people
   read in a few queries, the templates compiled once), rendering each email (plain text and
   HTML), handing it to the mail backend over one connection per batch (the in-memory one: no
   network is timed; it still builds each MIME message) and marking the batch sent.

Prints each figure and the total, and asserts every person got one notification and one email."""

import os
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.template.base import Template
from django.test.utils import _TestState
from django.utils import timezone

from academy.models import Membership, Notification, Organisation, OutboxMessage, Reminder, User
from academy.outbox.services import outbox_sweep
from academy.registry.reminders import DueReminder, ReminderKind, ReminderProducer
from academy.reminders.services import reminders_deliver, reminders_produce
from academy.roles import Role

pytestmark = pytest.mark.django_db
N = int(os.environ.get("BENCH_REMINDERS", "100000"))
KIND = ReminderKind("bench.supervision_due", "Supervision is due (benchmark)")


@pytest.fixture
def practitioners(db: None) -> list[Any]:
    organisation = Organisation.objects.create(name="Benchmark Council", slug="bench-reminders")
    users = User.objects.bulk_create(
        (
            User(email=f"bench-reminder{n}@example.test", full_name=f"Bench Practitioner {n}", password="!")
            for n in range(N)
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (Membership(user=user, organisation=organisation, role=Role.NQSW) for user in users), batch_size=5000
    )
    return [user.pk for user in users]


def test_sweep_over_many_practitioners(
    practitioners: list[Any], settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Render templates as production does: the test environment wraps every render to send a
    # signal for the test client (a tenth of the outbox sweep's time here).
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)  # type: ignore[attr-defined]
    settings.OUTBOX_SEND_AFTER_COMMIT = "off"  # the outbox sweep is timed on its own below
    due = timezone.now() - timedelta(hours=1)

    def produce(*, now: datetime) -> Iterable[DueReminder]:
        for pk in practitioners:
            yield DueReminder(
                kind=KIND.name,
                recipient_id=pk,
                key="2027-03",
                title="Your supervision for March is due",
                body="Book it with your line manager.",
                url="/notifications/",
                due_at=due,
            )

    producer = ReminderProducer("bench.supervision", produce, (KIND,))
    timings: dict[str, float] = {}

    started = time.perf_counter()
    first = reminders_produce(producers=[producer])
    timings["produce (first run, inserts)"] = time.perf_counter() - started
    assert first.created == N

    started = time.perf_counter()
    again = reminders_produce(producers=[producer])
    timings["produce (second run, no change)"] = time.perf_counter() - started
    assert (again.created, again.unchanged) == (0, N)

    started = time.perf_counter()
    delivered = reminders_deliver(batch_size=2000)
    timings["deliver (portal + outbox rows)"] = time.perf_counter() - started
    assert delivered.sent == N

    mail.outbox.clear()
    started = time.perf_counter()
    sent = outbox_sweep(batch_size=500)
    timings["outbox sweep (render + hand to backend)"] = time.perf_counter() - started
    assert sent.sent == N

    assert Reminder.objects.filter(state=Reminder.State.SENT).count() == N
    assert Notification.objects.count() >= N
    assert OutboxMessage.objects.filter(kind="reminder", status=OutboxMessage.Status.SENT).count() == N
    assert len(mail.outbox) == N
    total = sum(timings.values())
    print(f"\nreminder engine, {N:,} practitioners with a reminder due:")
    for label, seconds in timings.items():
        print(f"  {label:42} {seconds:7.2f} s  ({N / seconds:,.0f}/s)")
    print(f"  {'total':42} {total:7.2f} s")
