"""The outbox under the faults it exists for, with real processes at every edge: a real Celery
worker process killed with SIGKILL in the middle of a send, Redis losing every queued task, a
mail server that is down and comes back, and two senders racing. Mail goes to a real SMTP
server on a local port (tests/smtp_capture.py), which counts what arrives by outbox id.

Each ends with every message sent exactly once — or, in the crash case, the one message whose
sender died after the server took it sent twice, and only after its lease ran out."""

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone

from academy.celery import app
from academy.models import Invitation, OutboxMessage
from academy.outbox.services import outbox_sweep
from academy.outbox.tasks import outbox_sweep as outbox_sweep_task
from academy.roles import Role
from academy.services import invitation_create, invitation_find_by_token, notification_send
from academy.tests.factories import UserFactory, token_from_email
from conftest import Orgs
from tests.smtp_capture import SmtpCapture, free_port

ROOT = Path(__file__).resolve().parent.parent
Status = OutboxMessage.Status


@pytest.fixture
def capture() -> Iterator[SmtpCapture]:
    with SmtpCapture() as server:
        yield server


@pytest.fixture
def broker(settings: Any) -> Iterator[redis.Redis]:
    """The test's own Redis database (broker and result backend), empty before and after."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


def send_mail_to(settings: Any, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


def queue_notifications(count: int) -> list[str]:
    """Notifications with email, each queued in the outbox (and, after commit, as a task)."""
    ids = []
    for n in range(count):
        user = UserFactory(email=f"fault{n}@example.test")
        notification = notification_send(recipient=user, title=f"Supervision {n} is due", email=True)
        ids.append(str(OutboxMessage.objects.get(dedupe_key=f"notification:{notification.pk}").pk))
    return ids


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def worker_process(*, smtp_port: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`celery -A academy worker` as a separate process, on this test's database, Redis
    database and queue (the test settings derive them from the same environment)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.outbox_worker_settings",
        "DATABASE_URL": _database_url(),
        "OUTBOX_SMTP_CAPTURE_PORT": str(smtp_port),
    }
    command = [sys.executable, "-m", "celery", "-A", "academy", "worker", "--pool=solo", "--loglevel=INFO"]
    command += [
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--hostname",
        f"fault-{log.stem}@%h",
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def rows(*ids: str) -> dict[str, OutboxMessage]:
    return {str(m.pk): m for m in OutboxMessage.objects.filter(pk__in=ids)}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_duplicates_only_after_the_lease(
    settings: Any, capture: SmtpCapture, broker: redis.Redis, tmp_path: Path
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "task"
    send_mail_to(settings, capture.port)
    capture.stall_next()
    ids = queue_notifications(3)
    assert broker.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 3

    # The first worker takes one message to the mail server, which holds its reply: the
    # message has arrived, the worker has not heard back. Then the worker is killed outright.
    with worker_process(smtp_port=capture.port, log=tmp_path / "first.log") as first:
        wait_until(capture.stalled.is_set, "the worker to reach the mail server")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    (held,) = [pk for pk, m in rows(*ids).items() if m.claimed_until is not None]
    assert capture.outbox_ids() == {held: 1}
    capture.release()

    log = tmp_path / "second.log"
    with worker_process(smtp_port=capture.port, log=log):
        # A second worker sends the other two (their queued tasks survived in Redis) ...
        wait_until(
            lambda: OutboxMessage.objects.filter(pk__in=ids, status=Status.SENT).count() == 2,
            "the second worker to send the other messages",
        )
        # ... and a sweep leaves the held one alone while its lease runs.
        outbox_sweep_task.apply_async().get(timeout=60)
        assert rows(held)[held].status == Status.PENDING
        assert capture.outbox_ids() == dict.fromkeys(ids, 1)

        # The lease runs out (moved into the past rather than waited for): the next sweep sends
        # the held message again — the one duplicate the outbox allows — and a doubled sweep
        # sends nothing more.
        OutboxMessage.objects.filter(pk=held).update(claimed_until=timezone.now() - timedelta(seconds=1))
        outbox_sweep_task.apply_async().get(timeout=60)
        outbox_sweep_task.apply_async().get(timeout=60)

    assert {m.status for m in rows(*ids).values()} == {Status.SENT}
    assert capture.outbox_ids() == {**dict.fromkeys(ids, 1), held: 2}
    assert f"lease on {held} ran out" in log.read_text()


@pytest.mark.django_db(transaction=True)
def test_redis_flushed_with_tasks_queued_the_sweep_sends_everything_once(
    settings: Any, capture: SmtpCapture, broker: redis.Redis, orgs: Orgs, psw: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "task"
    send_mail_to(settings, capture.port)
    ids = queue_notifications(4)
    invitation = invitation_create(
        actor=psw, organisation=orgs.home, email="newcomer@example.test", role=Role.NQSW
    ).invitation
    ids.append(str(OutboxMessage.objects.get(object_id=str(invitation.pk)).pk))
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    queued = broker.lrange(queue, 0, -1)
    assert len(queued) == 5
    # What waits in the broker is an outbox id and nothing else: no address, no link, no token.
    for raw in queued:
        assert b"@example.test" not in raw
        assert b"/invitations/" not in raw

    broker.flushdb()  # Redis restarts without persistence
    assert broker.llen(queue) == 0

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        outbox_sweep_task.apply_async().get(timeout=60)
        outbox_sweep_task.apply_async().get(timeout=60)  # a doubled run sends nothing twice

    assert {m.status for m in rows(*ids).values()} == {Status.SENT}
    assert capture.outbox_ids() == dict.fromkeys(ids, 1)
    (invitation_email,) = [m for m in capture.messages if m["To"] == "newcomer@example.test"]
    token = token_from_email(invitation_email.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert invitation_find_by_token(token=token) == invitation
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_mail_server_down_then_back_retries_with_backoff_and_sends_once(settings: Any) -> None:
    port = free_port()  # nothing listens here yet: connections are refused
    send_mail_to(settings, port)
    settings.OUTBOX_SEND_AFTER_COMMIT = "off"
    settings.OUTBOX_FAILURES_BEFORE_PAUSE = 10
    ids = queue_notifications(3)
    start = timezone.now()

    with time_machine.travel(start, tick=False) as clock:
        first = outbox_sweep()
        assert (first.sent, first.retrying) == (0, 3)
        after_one = rows(*ids)
        assert {m.attempts for m in after_one.values()} == {1}
        assert all("ConnectionRefusedError" in m.last_error for m in after_one.values())
        assert {m.due_at - start for m in after_one.values()} == {timedelta(seconds=60)}
        assert outbox_sweep().claimed == 0  # nothing is due until the backoff passes

        clock.shift(timedelta(seconds=61))
        second = outbox_sweep()
        assert second.retrying == 3
        assert {m.due_at - timezone.now() for m in rows(*ids).values()} == {timedelta(seconds=120)}

        with SmtpCapture(port=port) as capture:  # the server is back
            clock.shift(timedelta(seconds=59))
            assert outbox_sweep().claimed == 0  # still inside the doubled wait
            clock.shift(timedelta(seconds=62))
            third = outbox_sweep()
            again = outbox_sweep()

    assert third.sent == 3
    assert again.claimed == 0
    assert capture.outbox_ids() == dict.fromkeys(ids, 1)
    final = rows(*ids).values()
    assert {(m.status, m.attempts, m.last_error) for m in final} == {(Status.SENT, 3, "")}


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_once(settings: Any, capture: SmtpCapture) -> None:
    send_mail_to(settings, capture.port)
    settings.OUTBOX_SEND_AFTER_COMMIT = "off"
    ids = queue_notifications(30)
    start = threading.Barrier(2)
    results: list[Any] = []

    def sender() -> None:
        from django.db import connection as thread_connection

        try:
            start.wait(timeout=10)
            results.append(outbox_sweep(batch_size=5))
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sum(r.sent for r in results) == 30
    assert all(r.sent > 0 for r in results), "both senders should have taken a share"
    assert capture.outbox_ids() == dict.fromkeys(ids, 1)
