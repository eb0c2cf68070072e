"""The core's Celery wiring against real Redis and a real worker thread: the readiness report
sees the worker, and a notification email queued on commit is delivered once through the outbox,
even if its task runs twice."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from academy.celery import app
from academy.health import record_heartbeat
from academy.models import Notification, OutboxMessage
from academy.outbox.tasks import outbox_send
from academy.services import notification_send
from academy.tests.factories import UserFactory


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


OPERATOR_TOKEN = "operator-token-for-tests"


def operator_report(client: Any, settings: Any) -> Any:
    settings.HEALTH_TOKEN = OPERATOR_TOKEN
    return client.get(reverse("academy:health_ready"), HTTP_AUTHORIZATION=f"Bearer {OPERATOR_TOKEN}")


def test_readiness_reports_database_broker_worker_and_beat(
    client: Any, settings: Any, celery_worker: Any
) -> None:
    record_heartbeat()  # beat's last run; no beat process in this test
    settings.HEALTH_WORKER_PING_SECONDS = 1.0  # the production wait: the worker has time to answer
    response = operator_report(client, settings)
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "ok"
    assert body["workers_responding"] >= 1
    assert body["beat"] == "ok"
    assert response.status_code == 200


def test_readiness_without_a_worker_is_degraded(client: Any, settings: Any, db: None) -> None:
    record_heartbeat()
    response = operator_report(client, settings)
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "unavailable"


def test_notification_email_goes_through_the_worker_once(celery_worker: Any, settings: Any) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "task"
    user = UserFactory(email="reminded@example.test")
    mail.outbox.clear()
    notification = notification_send(recipient=user, title="Supervision is due", url="/", email=True)
    message = OutboxMessage.objects.get(dedupe_key=f"notification:{notification.pk}")
    # on_commit has queued the shortcut (no surrounding transaction); queue a duplicate too.
    outbox_send.apply_async(args=[str(message.pk)]).get(timeout=20)
    for _ in range(200):
        message.refresh_from_db()
        if message.status == OutboxMessage.Status.SENT:
            break
        time.sleep(0.05)
    assert message.status == OutboxMessage.Status.SENT
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    outbox_send.apply_async(args=[str(message.pk)]).get(timeout=20)  # and one after it was sent
    sent = [m for m in mail.outbox if m.to == ["reminded@example.test"]]
    assert len(sent) == 1
    assert "Supervision is due" in sent[0].subject
