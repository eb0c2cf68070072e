"""The core's Celery wiring against real Redis and a real worker thread: /health/ sees the
worker, and a notification email queued on commit is delivered once, even if the task runs
twice."""

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from academy.celery import app
from academy.models import Notification
from academy.services import notification_send
from academy.tasks import notification_email
from academy.tests.factories import UserFactory


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_health_reports_database_broker_and_worker(client: Any, celery_worker: Any) -> None:
    response = client.get(reverse("academy:health"))
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "ok"
    assert body["workers_responding"] >= 1
    assert response.status_code == 200


def test_health_without_a_worker_is_degraded(client: Any, db: None) -> None:
    response = client.get(reverse("academy:health"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] == "unavailable"


def test_notification_email_goes_through_the_worker_once(celery_worker: Any) -> None:
    user = UserFactory(email="reminded@example.test")
    mail.outbox.clear()
    notification = notification_send(recipient=user, title="Supervision is due", url="/", email=True)
    # on_commit has fired (no surrounding transaction); wait for the worker to deliver.
    result = notification_email.apply_async(args=[str(notification.pk)])  # a duplicate delivery
    result.get(timeout=20)
    Notification.objects.get(pk=notification.pk)
    for _ in range(100):
        if Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists():
            break
    assert Notification.objects.get(pk=notification.pk).emailed_at is not None
    sent = [m for m in mail.outbox if m.to == ["reminded@example.test"]]
    assert len(sent) == 1
    assert "Supervision is due" in sent[0].subject
