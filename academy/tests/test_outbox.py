"""The outbox's services and tasks against the database: queueing, the sweep, leases, retries
with backoff, the kinds that decide not to send, invitations whose link is minted at send
time, and the operator's retry. Faults with real processes are in tests/test_outbox_faults.py."""

import hashlib
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy import services
from academy.models import AuditEntry, Invitation, Membership, Notification, OutboxMessage
from academy.outbox import registry
from academy.outbox.services import _claim, outbox_deliver, outbox_enqueue, outbox_message_retry, outbox_sweep
from academy.outbox.tasks import outbox_send
from academy.outbox.tasks import outbox_sweep as outbox_sweep_task
from academy.roles import Role
from academy.tests.factories import MembershipFactory, NotificationFactory, UserFactory, token_from_email
from conftest import Orgs

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _sweep_only(settings: Any) -> None:
    """Rows wait for the sweep unless a test asks for the after-commit shortcut."""
    settings.OUTBOX_SEND_AFTER_COMMIT = "off"
    mail.outbox.clear()


@pytest.fixture
def broken_kind() -> Iterator[str]:
    """A kind whose builder always fails, as a template error or a bad row would."""

    def build(message: OutboxMessage) -> registry.Email:
        raise RuntimeError("the template could not be rendered")

    registry.register_email_kind(name="test_broken", build=build)
    yield "test_broken"
    registry._kinds.pop("test_broken")


def email_notification(user: Any = None, **kwargs: Any) -> OutboxMessage:
    notification = services.notification_send(
        recipient=user or UserFactory(), title="Your review is due", email=True, **kwargs
    )
    return OutboxMessage.objects.get(dedupe_key=f"notification:{notification.pk}")


def outbox_id(message: Any) -> str:
    return str(message.extra_headers["X-Academy-Outbox-Id"])


# --- Queueing ---------------------------------------------------------------------------------


def test_a_notification_with_email_is_a_row_due_now_and_nothing_is_sent_yet() -> None:
    user = UserFactory(email="due@example.test")
    message = email_notification(user)
    assert message.status == Status.PENDING
    assert message.to_email == "due@example.test"
    assert message.recipient == user
    assert message.about == Notification.objects.get(recipient=user)
    assert message.due_at <= timezone.now()
    assert mail.outbox == []


def test_the_same_dedupe_key_queues_one_row() -> None:
    user = UserFactory()
    first = outbox_enqueue(kind="notification", to_email=user.email, dedupe_key="reminder:1")
    second = outbox_enqueue(kind="notification", to_email=user.email, dedupe_key="reminder:1")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="No email kind"):
        outbox_enqueue(kind="nobody-registered-this", to_email="x@example.test", dedupe_key="x")


def test_an_in_app_only_notification_queues_no_email() -> None:
    services.notification_send(recipient=UserFactory(), title="Only in the portal")
    assert not OutboxMessage.objects.exists()


def test_the_row_rolls_back_with_its_cause() -> None:
    from django.db import transaction

    def write_then_fail() -> None:
        with transaction.atomic():
            email_notification()
            raise RuntimeError("the surrounding write failed")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert not OutboxMessage.objects.exists()


# --- The sweep --------------------------------------------------------------------------------


def test_the_sweep_sends_each_due_row_once_with_text_and_html() -> None:
    user = UserFactory(full_name="Rowan Example")
    message = email_notification(user, url="/notifications/")
    first = outbox_sweep()
    second = outbox_sweep()
    assert (first.sent, second.claimed) == (1, 0)
    (sent,) = mail.outbox
    assert sent.to == [user.email]
    assert "Your review is due" in sent.subject
    assert "Hello Rowan Example" in sent.body
    assert "http://testserver/notifications/" in sent.body
    (html, mimetype) = sent.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert 'href="http://testserver/notifications/"' in str(html)
    assert outbox_id(sent) == str(message.pk)
    assert sent.extra_headers["Message-ID"] == f"<outbox-{message.pk}@testserver>"
    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_until) == (Status.SENT, 1, None)
    assert message.sent_at is not None
    assert message.email_subject == sent.subject
    assert Notification.objects.get(pk=message.object_id).emailed_at is not None


def test_the_sweep_task_runs_twice_and_sends_once() -> None:
    email_notification()
    assert outbox_sweep_task.apply().get()["sent"] == 1
    assert outbox_sweep_task.apply().get()["sent"] == 0
    assert len(mail.outbox) == 1


def test_the_shortcut_task_sends_its_row_once_and_only_when_due() -> None:
    message = email_notification()
    later = outbox_enqueue(
        kind="notification",
        to_email="later@example.test",
        dedupe_key="later",
        about=message.about,
        due_at=timezone.now() + timedelta(days=2),
    )
    assert outbox_send.apply(args=[str(message.pk)]).get()["sent"] == 1
    assert outbox_send.apply(args=[str(message.pk)]).get()["sent"] == 0
    assert outbox_send.apply(args=[str(later.pk)]).get()["claimed"] == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "when",
    [
        "2026-10-25T00:30:00+01:00",  # the night the clocks go back
        "2026-09-01T08:00:00+01:00",  # British Summer Time, when the CPD renewal window opens
    ],
)
def test_a_row_due_later_waits_until_its_time(when: str) -> None:
    notification = NotificationFactory()
    with time_machine.travel(when, tick=False) as clock:
        due_at = timezone.now() + timedelta(hours=2)
        outbox_enqueue(
            kind="notification",
            to_email="x@example.test",
            dedupe_key="later",
            about=notification,
            due_at=due_at,
        )
        clock.shift(timedelta(hours=1, minutes=59))
        assert outbox_sweep().claimed == 0
        clock.shift(timedelta(minutes=1))
        assert outbox_sweep().sent == 1


def test_the_shortcut_after_commit_sends_at_once_when_inline(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "inline"
    with django_capture_on_commit_callbacks(execute=True):
        message = email_notification()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_the_shortcut_as_a_task_waits_for_commit(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OUTBOX_SEND_AFTER_COMMIT = "task"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_notification()
    assert len(callbacks) == 2  # the unread count's cache, and the outbox shortcut
    assert mail.outbox == []


# --- Leases -----------------------------------------------------------------------------------


def test_a_held_row_is_not_sent_again_until_its_lease_runs_out(caplog: Any) -> None:
    message = email_notification()
    claim = _claim(batch_size=10)  # a sender takes it, then dies without reporting back
    assert claim.ids == [message.pk]
    assert outbox_sweep().claimed == 0
    with time_machine.travel(timezone.now() + timedelta(seconds=301)), caplog.at_level(logging.WARNING):
        assert outbox_sweep().sent == 1
    assert f"lease on {message.pk} ran out" in caplog.text
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 2)


def test_a_message_whose_sender_keeps_dying_fails_after_the_last_attempt(settings: Any, caplog: Any) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = email_notification()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(1, 4):
            assert _claim(batch_size=10).ids == [message.pk]  # taken, then the sender dies
            message.refresh_from_db()
            assert message.attempts == attempt
            clock.shift(timedelta(seconds=301))
        with caplog.at_level(logging.ERROR):
            delivery = outbox_sweep()
    assert (delivery.claimed, delivery.failed, delivery.sent) == (0, 1, 0)
    assert "giving up" in caplog.text
    assert mail.outbox == []
    message.refresh_from_db()
    assert (message.status, message.attempts, message.claimed_until) == (Status.FAILED, 3, None)
    assert "stopped without reporting back" in message.last_error
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert outbox_sweep().claimed == 0  # it waits for the operator


def test_the_shortcut_also_gives_up_on_a_message_whose_sender_keeps_dying(settings: Any) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = email_notification()
    _claim(batch_size=10)
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        assert outbox_deliver(message_ids=[message.pk]).failed == 1
    assert OutboxMessage.objects.get(pk=message.pk).status == Status.FAILED
    assert mail.outbox == []


def test_a_sender_that_lost_its_lease_does_not_send() -> None:
    from django.core.mail import get_connection

    from academy.outbox.services import Delivery, _deliver_one

    message = email_notification()
    stale = _claim(batch_size=10)  # a sender takes it and stalls for longer than the lease
    loaded = OutboxMessage.objects.get(pk=message.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        current = _claim(batch_size=10)  # another sender takes over
        late = Delivery()
        assert _deliver_one(loaded, stale, get_connection(), late) == "lost"  # the first wakes up
        assert mail.outbox == []
        assert outbox_deliver(message_ids=[message.pk]).claimed == 0  # held by the new sender
        on_time = Delivery()
        assert _deliver_one(loaded, current, get_connection(), on_time) == "sent"
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT


def test_a_slow_batch_renews_each_lease_before_sending() -> None:
    seen: dict[str, Any] = {}

    def build(message: OutboxMessage) -> registry.Email:
        # What any other sender would see in the table while this one is building.
        seen["claimed_until"] = OutboxMessage.objects.get(pk=message.pk).claimed_until
        return registry.Email(subject="Observed", text="Body")

    registry.register_email_kind(name="test_observer", build=build)
    try:
        fast = outbox_enqueue(kind="test_observer", to_email="a@example.test", dedupe_key="fast")
        with time_machine.travel(timezone.now(), tick=False) as clock:
            claim = _claim(batch_size=10)
            from academy.outbox.services import Delivery, _deliver

            _deliver(claim, Delivery())
            assert seen["claimed_until"] == claim.at + timedelta(seconds=300)  # no renewal needed

            slow = outbox_enqueue(kind="test_observer", to_email="b@example.test", dedupe_key="slow")
            claim = _claim(batch_size=10)
            assert claim.ids == [slow.pk]
            clock.shift(timedelta(seconds=200))  # two thirds of the lease gone before its turn
            _deliver(claim, Delivery())
            assert seen["claimed_until"] == timezone.now() + timedelta(seconds=300)
    finally:
        registry._kinds.pop("test_observer")
    assert OutboxMessage.objects.get(pk=fast.pk).status == Status.SENT
    assert len(mail.outbox) == 2


def test_an_after_send_hook_that_fails_leaves_the_email_sent_once(caplog: Any) -> None:
    def build(message: OutboxMessage) -> registry.Email:
        return registry.Email(subject="Hooked", text="Body")

    def on_sent(message: OutboxMessage) -> None:
        Notification.objects.create(recipient=UserFactory(), title="written by the hook")
        raise RuntimeError("the hook broke")

    registry.register_email_kind(name="test_hooked", build=build, on_sent=on_sent)
    try:
        message = outbox_enqueue(kind="test_hooked", to_email="a@example.test", dedupe_key="hooked")
        with caplog.at_level(logging.ERROR):
            assert outbox_sweep().sent == 1
        with time_machine.travel(timezone.now() + timedelta(hours=1)):
            assert outbox_sweep().claimed == 0  # not sent again once the lease runs out
    finally:
        registry._kinds.pop("test_hooked")
    assert len(mail.outbox) == 1
    assert "after-send hook failed" in caplog.text
    message.refresh_from_db()
    assert (message.status, message.claimed_until) == (Status.SENT, None)
    assert not Notification.objects.filter(title="written by the hook").exists()  # its writes undone


def test_the_soft_time_limit_stops_the_sweep_and_hands_back_the_rest() -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    def build(message: OutboxMessage) -> registry.Email:
        if message.dedupe_key == "limit-1":
            raise SoftTimeLimitExceeded()  # the task's soft limit arrives during this message
        return registry.Email(subject="Timed", text="Body")

    registry.register_email_kind(name="test_timed", build=build)
    try:
        with time_machine.travel(timezone.now(), tick=False) as clock:
            for n in range(3):
                outbox_enqueue(kind="test_timed", to_email="a@example.test", dedupe_key=f"limit-{n}")
                clock.shift(timedelta(seconds=1))
            with pytest.raises(SoftTimeLimitExceeded):
                outbox_sweep()
    finally:
        registry._kinds.pop("test_timed")
    assert len(mail.outbox) == 1
    rows = {row.dedupe_key: row for row in OutboxMessage.objects.all()}
    assert rows["limit-0"].status == Status.SENT
    assert rows["limit-1"].claimed_until is not None  # keeps its lease: it may have gone out
    assert (rows["limit-1"].attempts, rows["limit-1"].last_error) == (1, "")
    assert (rows["limit-2"].claimed_until, rows["limit-2"].attempts) == (None, 0)  # handed back


# --- Failures and backoff -----------------------------------------------------------------------


def test_failures_back_off_exponentially_then_fail_for_good(settings: Any, broken_kind: str) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 4
    message = outbox_enqueue(kind=broken_kind, to_email="x@example.test", dedupe_key="broken")
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            assert outbox_sweep().retrying == 1
            message.refresh_from_db()
            waits.append(message.due_at - timezone.now())
            assert outbox_sweep().claimed == 0
            clock.move_to(message.due_at)
        assert outbox_sweep().failed == 1
    assert waits == [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=240)]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 4)
    assert message.last_error == "RuntimeError: the template could not be rendered"
    with time_machine.travel(start + timedelta(days=30)):
        assert outbox_sweep().claimed == 0  # a failed row waits for a person
    assert mail.outbox == []


def test_the_wait_between_attempts_is_capped(settings: Any) -> None:
    from academy.outbox.services import retry_delay

    assert retry_delay(1) == timedelta(seconds=60)
    assert retry_delay(5) == timedelta(seconds=960)
    assert retry_delay(30) == timedelta(seconds=settings.OUTBOX_RETRY_MAX_SECONDS)


def test_a_failing_row_does_not_hold_up_the_others(broken_kind: str) -> None:
    outbox_enqueue(kind=broken_kind, to_email="x@example.test", dedupe_key="broken")
    email_notification()
    delivery = outbox_sweep()
    assert (delivery.sent, delivery.retrying) == (1, 1)


def test_several_failures_in_a_row_pause_the_sweep_without_counting_the_rest(
    settings: Any, broken_kind: str
) -> None:
    settings.OUTBOX_FAILURES_BEFORE_PAUSE = 2
    for n in range(4):
        outbox_enqueue(kind=broken_kind, to_email="x@example.test", dedupe_key=f"broken-{n}")
    delivery = outbox_sweep()
    assert (delivery.retrying, delivery.released) == (2, 2)
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [0, 0, 1, 1]


# --- Kinds that decide not to send ----------------------------------------------------------------


def test_a_notification_about_an_organisation_the_person_left_stays_unsent(nqsw: Any, orgs: Orgs) -> None:
    message = email_notification(nqsw, organisation=orgs.home)
    Membership.objects.filter(user=nqsw).update(is_active=False)
    assert outbox_sweep().cancelled == 1
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == Status.CANCELLED
    assert "left the organisation" in message.cancel_reason
    assert Notification.objects.get(pk=message.object_id).emailed_at is None


# --- Invitations ------------------------------------------------------------------------------


def test_an_invitation_link_exists_only_in_the_email(psw: Any, orgs: Orgs) -> None:
    issued = services.invitation_create(
        actor=psw, organisation=orgs.home, email="new@example.test", role=Role.NQSW, full_name="Ola New"
    )
    message = issued.email
    assert message.kind == "invitation"
    assert message.organisation == orgs.home
    hash_before_sending = Invitation.objects.get(pk=issued.invitation.pk).token_hash
    assert outbox_sweep().sent == 1
    (sent,) = mail.outbox
    token = token_from_email(sent)
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest() != hash_before_sending
    assert invitation.sent_at is not None
    message.refresh_from_db()
    assert token not in str(message.context) + message.email_subject + message.last_error
    assert f"http://testserver/invitations/{token}/" in str(sent.alternatives[0][0])  # type: ignore[union-attr]


def test_a_resend_before_the_first_email_left_sends_only_the_new_one(psw: Any, orgs: Orgs) -> None:
    """The first email never left (the sweep had not run); the resend replaces it."""
    issued = services.invitation_create(
        actor=psw, organisation=orgs.home, email="new@example.test", role=Role.NQSW
    )
    # Resends wait a few minutes after the last send was queued; the first email is still
    # waiting (no sweep ran) when the second is asked for.
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        again = services.invitation_resend(actor=psw, invitation=issued.invitation)
        delivery = outbox_sweep()
    assert (delivery.sent, delivery.cancelled) == (1, 1)
    issued.email.refresh_from_db()
    assert issued.email.status == Status.CANCELLED
    assert "later email" in issued.email.cancel_reason
    assert OutboxMessage.objects.get(pk=again.email.pk).status == Status.SENT
    assert services.invitation_find_by_token(token=token_from_email(mail.outbox[0])) is not None


def test_a_revoked_invitation_is_not_emailed(psw: Any, orgs: Orgs) -> None:
    issued = services.invitation_create(
        actor=psw, organisation=orgs.home, email="new@example.test", role=Role.NQSW
    )
    services.invitation_revoke(actor=psw, invitation=issued.invitation)
    assert outbox_sweep().cancelled == 1
    assert mail.outbox == []


def test_inviting_while_the_mail_server_is_down_is_not_an_error(
    client: Client, psw: Any, orgs: Orgs, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tests.smtp_capture import free_port

    settings.OUTBOX_SEND_AFTER_COMMIT = "inline"  # the shortcut tries at once, in the request
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens there
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    client.force_login(psw)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("academy:invite"),
            {
                "full_name": "Nadia Invitee",
                "email": "nadia@example.test",
                "organisation": orgs.home.pk,
                "role": Role.NQSW,
            },
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind="invitation")
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "ConnectionRefusedError" in message.last_error
    assert message.due_at > timezone.now()


# --- The operator's retry -----------------------------------------------------------------------


@pytest.fixture
def failed(orgs: Orgs, broken_kind: str) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind=broken_kind,
        to_email="x@example.test",
        organisation=orgs.home,
        dedupe_key="failed-1",
        status=Status.FAILED,
        due_at=timezone.now() - timedelta(hours=3),
        attempts=10,
        last_error="SMTPRecipientsRefused: no such mailbox",
    )


def test_an_academy_admin_retries_a_failed_row_with_fresh_attempts(
    academy_admin: Any, failed: OutboxMessage
) -> None:
    retried = outbox_message_retry(actor=academy_admin, message=failed)
    assert (retried.status, retried.attempts) == (Status.PENDING, 0)
    assert retried.due_at <= timezone.now()
    entry = AuditEntry.objects.get(verb="outbox.retry")
    assert (entry.actor, entry.organisation, entry.before["attempts"]) == (
        academy_admin,
        failed.organisation,
        10,
    )
    assert outbox_sweep().claimed == 1


@pytest.mark.parametrize("status", [Status.PENDING, Status.SENT, Status.CANCELLED])
def test_only_a_failed_row_can_be_retried(academy_admin: Any, failed: OutboxMessage, status: str) -> None:
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=status, sent_at=timezone.now() if status == Status.SENT else None
    )
    with pytest.raises(ValidationError):
        outbox_message_retry(actor=academy_admin, message=failed)
    assert not AuditEntry.objects.filter(verb="outbox.retry").exists()


@pytest.mark.parametrize("persona", ["psw", "nqsw", "outsider"])
def test_others_cannot_retry(persona: str, personas: dict[str, Any], failed: OutboxMessage) -> None:
    with pytest.raises(PermissionDenied):
        outbox_message_retry(actor=personas[persona], message=failed)


def test_an_academy_admin_elsewhere_cannot_retry(orgs: Orgs, failed: OutboxMessage) -> None:
    elsewhere = MembershipFactory(organisation=orgs.other, role=Role.ACADEMY_ADMIN).user
    with pytest.raises(PermissionDenied):
        outbox_message_retry(actor=elsewhere, message=failed)


def test_a_superuser_may_retry_any_row(failed: OutboxMessage) -> None:
    superuser = UserFactory(is_superuser=True, is_staff=True)
    assert outbox_message_retry(actor=superuser, message=failed).status == Status.PENDING


def test_a_lease_shorter_than_a_task_may_run_fails_the_system_check(settings: Any) -> None:
    from academy.outbox.checks import outbox_lease_outlasts_a_task

    assert outbox_lease_outlasts_a_task(None) == []
    settings.OUTBOX_LEASE_SECONDS = settings.CELERY_TASK_TIME_LIMIT
    assert [error.id for error in outbox_lease_outlasts_a_task(None)] == ["academy.E101"]


def test_a_sweep_out_of_time_hands_back_what_it_has_not_tried() -> None:
    for _ in range(3):
        email_notification()
    delivery = outbox_sweep(time_budget=-1)  # already past its deadline after the first send
    assert (delivery.sent, delivery.released) == (1, 2)
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [0, 0, 1]
    assert outbox_sweep().sent == 2
