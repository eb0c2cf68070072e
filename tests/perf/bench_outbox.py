"""How fast the outbox's sweep empties a backlog: 1,000 notification emails due at once.

Counts claiming (the locking SELECT and the lease UPDATE per batch), building each email from
its templates (plain text and HTML), renewing the lease, handing it to the mail backend (the
in-memory one, so no network is timed) and marking it sent — everything one sweep does. Prints
the median over the rounds and messages per second, and asserts every message went exactly
once in each round."""

import statistics
import time
from collections import Counter
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from academy.models import Notification, OutboxMessage, User
from academy.outbox.services import outbox_sweep

pytestmark = pytest.mark.django_db
N = 1000
ROUNDS = 3


@pytest.fixture
def backlog(db: None) -> list[OutboxMessage]:
    users = User.objects.bulk_create(
        User(email=f"bench{n}@example.test", full_name=f"Bench Person {n}", password="!") for n in range(N)
    )
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            title="Your supervision is due this week",
            body="Book it with your supervisor.",
            url="/",
            send_email=True,
        )
        for user in users
    )
    content_type = ContentType.objects.get_for_model(Notification)
    now = timezone.now()
    return OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind="notification",
            to_email=n.recipient.email,
            recipient=n.recipient,
            content_type=content_type,
            object_id=str(n.pk),
            dedupe_key=f"notification:{n.pk}",
            due_at=now,
        )
        for n in notifications
    )


def test_sweep_sends_a_backlog_of_1000(backlog: list[OutboxMessage], settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    timings = []
    for _ in range(ROUNDS):
        OutboxMessage.objects.update(status=OutboxMessage.Status.PENDING, sent_at=None, attempts=0)
        mail.outbox.clear()
        started = time.perf_counter()
        delivery = outbox_sweep(batch_size=100)
        timings.append(time.perf_counter() - started)
        assert delivery.sent == N
        sent = Counter(str(m.extra_headers["X-Academy-Outbox-Id"]) for m in mail.outbox)
        assert len(sent) == N
        assert set(sent.values()) == {1}
    median = statistics.median(timings)
    print(
        f"\noutbox sweep, {N} messages: median {median:.2f} s over {ROUNDS} rounds "
        f"({N / median:.0f} messages/s; slowest {max(timings):.2f} s)"
    )
