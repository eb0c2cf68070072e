"""The reminder engine's services against the database: producing (once, cancelled when the fact
changes, reopened when it returns, nothing for people whose memberships ended), delivering (once,
into the portal and the outbox, as each person chose), the daily digest at a London time across a
clock change, failures and the operator's retry, and the emails' content."""

import datetime
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from academy.models import AuditEntry, Membership, Notification, OutboxMessage, Reminder, ReminderDigest
from academy.outbox.services import outbox_sweep
from academy.registry.reminders import DueReminder, ReminderKind, ReminderProducer, reminder_producers
from academy.reminders import services
from academy.reminders.services import (
    digest_next_at,
    reminder_preferences_set,
    reminder_retry,
    reminders_deliver,
    reminders_digest_send,
    reminders_produce,
)
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from academy.tests.reminders_support import (
    REVIEW,
    SUPERVISION,
    Fact,
    TestProducer,
    test_producer_fixture,  # noqa: F401  (the `test_producer` fixture)
)
from conftest import Orgs

pytestmark = pytest.mark.django_db
State = Reminder.State
LONDON = ZoneInfo("Europe/London")


def person(orgs: Orgs, email: str = "nqsw-reminded@example.test") -> Any:
    user = UserFactory(email=email, full_name="Rowan Reminded")
    MembershipFactory(user=user, organisation=orgs.home, role=Role.NQSW)
    return user


def deliver() -> services.Delivered:
    """The delivery sweep, then the outbox's sweep (which the on-commit shortcut would save
    waiting for; tests run inside a transaction that never commits)."""
    delivered = reminders_deliver()
    outbox_sweep()
    return delivered


def digest() -> services.Digested:
    digested = reminders_digest_send()
    outbox_sweep()
    return digested


def emails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if m.to == [address]]


# --- Producing -----------------------------------------------------------------------------------


def test_producing_twice_creates_once(orgs: Orgs, test_producer: TestProducer) -> None:
    user = person(orgs)
    now = timezone.now()
    test_producer.facts = [
        Fact(user, "month-1", now - timedelta(hours=1)),
        Fact(user, "month-2", now + timedelta(days=3)),
    ]
    first = reminders_produce()
    assert first.created == 2
    second = reminders_produce()
    assert second.created == 0
    assert second.unchanged == 2
    assert Reminder.objects.count() == 2
    states = dict(Reminder.objects.values_list("key", "state"))
    assert states == {
        f"{SUPERVISION.name}:{user.pk}:month-1": State.DUE,
        f"{SUPERVISION.name}:{user.pk}:month-2": State.PENDING,
    }


def test_a_fact_that_changes_cancels_the_reminder_and_reopens_it_when_it_returns(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    user = person(orgs)
    fact = Fact(user, "month-1", timezone.now() + timedelta(days=1))
    test_producer.facts = [fact]
    reminders_produce()
    test_producer.facts = []  # the supervision was recorded
    assert reminders_produce().cancelled == 1
    reminder = Reminder.objects.get()
    assert reminder.state == State.CANCELLED
    assert reminder.cancel_reason == services.CHANGED
    test_producer.facts = [fact]  # the record was deleted: due again
    assert reminders_produce().reopened == 1
    assert Reminder.objects.get().state == State.PENDING


def test_a_sent_reminder_is_not_cancelled_when_its_fact_changes(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    user = person(orgs)
    test_producer.facts = [Fact(user, "month-1", timezone.now())]
    reminders_produce()
    deliver()
    test_producer.facts = []
    assert reminders_produce().cancelled == 0
    assert Reminder.objects.get().state == State.SENT


def test_nobody_whose_memberships_have_all_ended_is_reminded(orgs: Orgs, test_producer: TestProducer) -> None:
    gone = person(orgs, "gone@example.test")
    Membership.objects.filter(user=gone).update(ended_on=timezone.localdate() - timedelta(days=1))
    stays = person(orgs, "stays@example.test")
    leaving = person(orgs, "leaving@example.test")
    now = timezone.now()
    test_producer.facts = [Fact(gone, "a", now), Fact(stays, "a", now), Fact(leaving, "a", now)]
    produced = reminders_produce()
    assert produced.created == 2
    assert produced.skipped_quiet == 1
    # `leaving` leaves after the reminder was made and before it is delivered.
    Membership.objects.filter(user=leaving).update(is_active=False)
    mail.outbox.clear()
    delivered = deliver()
    assert delivered.sent == 1
    assert delivered.quiet == 1
    assert Reminder.objects.get(recipient=leaving).cancel_reason == services.QUIET
    assert not Notification.objects.filter(recipient__in=[gone, leaving]).exists()
    assert emails_to("stays@example.test")
    assert not emails_to("leaving@example.test")
    assert not emails_to("gone@example.test")
    # The next sweep keeps them quiet and reopens nothing.
    again = reminders_produce()
    assert again.reopened == 0
    assert Reminder.objects.get(recipient=leaving).state == State.CANCELLED


def test_a_broken_producer_does_not_stop_the_others(orgs: Orgs, test_producer: TestProducer) -> None:
    user = person(orgs)
    test_producer.facts = [Fact(user, "month-1", timezone.now())]

    def broken(*, now: datetime.datetime) -> list[DueReminder]:
        return [DueReminder(kind="undeclared", recipient_id=user.pk, key="x", title="x", url="/", due_at=now)]

    with reminder_producers.registered("test.broken", ReminderProducer("test.broken", broken, (), "")):
        produced = reminders_produce()
    assert produced.created == 1
    assert Reminder.objects.get().producer == "test.supervision"


def test_a_long_key_is_shortened_and_still_unique() -> None:
    long_key = "x" * 400
    key = services.reminder_key(kind="k", recipient_id="u", key=long_key)
    assert len(key) <= 300
    assert key == services.reminder_key(kind="k", recipient_id="u", key=long_key)
    assert key != services.reminder_key(kind="k", recipient_id="u", key=long_key + "y")


# --- Delivering ----------------------------------------------------------------------------------


def test_delivery_twice_sends_once_into_the_portal_and_by_email(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    user = person(orgs)
    test_producer.facts = [Fact(user, "month-1", timezone.now() - timedelta(minutes=1))]
    reminders_produce()
    mail.outbox.clear()
    first = deliver()
    second = deliver()
    assert (first.sent, first.emailed, second.sent) == (1, 1, 0)
    reminder = Reminder.objects.get()
    assert reminder.state == State.SENT
    assert reminder.email == Reminder.Email.SINGLE
    assert Notification.objects.filter(recipient=user).count() == 1
    assert reminder.notification is not None
    assert reminder.notification.url == "/notifications/"
    assert OutboxMessage.objects.get(dedupe_key=f"reminder:{reminder.pk}").status == OutboxMessage.Status.SENT
    assert len(emails_to(user.email)) == 1


def test_the_email_has_text_html_the_link_to_resolve_it_and_to_the_preferences(
    orgs: Orgs, test_producer: TestProducer, settings: Any
) -> None:
    settings.SITE_URL = "https://academy.example.test"
    user = person(orgs)
    test_producer.facts = [Fact(user, "month-1", timezone.now(), title="Your supervision for March is due")]
    reminders_produce()
    mail.outbox.clear()
    deliver()
    (email,) = emails_to(user.email)
    assert email.subject == f"{settings.ACADEMY_NAME}: Your supervision for March is due"
    assert "Hello Rowan Reminded" in email.body
    assert "Book it with your line manager." in email.body
    assert "See what to do: https://academy.example.test/notifications/" in email.body
    assert "https://academy.example.test/reminders/preferences/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://academy.example.test/notifications/"' in html
    assert 'href="https://academy.example.test/reminders/preferences/"' in html


def test_a_reminder_not_due_yet_waits_and_a_missed_run_catches_up(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    user = person(orgs)
    due = timezone.now() + timedelta(days=2)
    test_producer.facts = [Fact(user, "month-1", due)]
    reminders_produce()
    assert deliver().sent == 0
    # Nobody ran the sweeps for a week: the next run delivers it once.
    with time_machine.travel(due + timedelta(days=7)):
        reminders_produce()
        assert deliver().sent == 1
        assert deliver().sent == 0
    assert Notification.objects.filter(recipient=user).count() == 1


def test_portal_only_kinds_are_not_emailed(orgs: Orgs, test_producer: TestProducer) -> None:
    user = person(orgs)
    reminder_preferences_set(
        user=user,
        email_kinds=[REVIEW.name],
        all_kinds=[SUPERVISION.name, REVIEW.name],
        digest=False,
        digest_time=datetime.time(8, 0),
    )
    now = timezone.now()
    test_producer.facts = [
        Fact(user, "s", now),
        Fact(user, "r", now, kind=REVIEW.name, title="Your review is due"),
    ]
    reminders_produce()
    mail.outbox.clear()
    delivered = deliver()
    assert (delivered.sent, delivered.emailed, delivered.portal_only) == (2, 1, 1)
    assert [m.subject.split(": ", 1)[1] for m in emails_to(user.email)] == ["Your review is due"]
    assert Notification.objects.filter(recipient=user).count() == 2
    assert AuditEntry.objects.filter(verb="reminders.preferences", object_id=str(user.pk)).exists()


def test_a_failing_delivery_is_retried_then_failed_then_retried_by_an_operator(
    orgs: Orgs,
    test_producer: TestProducer,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    academy_admin: Any,
) -> None:
    user = person(orgs)
    other = person(orgs, "other@example.test")
    now = timezone.now()
    test_producer.facts = [Fact(user, "a", now), Fact(other, "a", now)]
    reminders_produce()
    real = services._deliver_rows

    def broken_for_user(rows: list[Reminder], **kwargs: Any) -> None:
        if any(row.recipient_id == user.pk for row in rows):
            raise RuntimeError("the database said no")
        real(rows, **kwargs)

    monkeypatch.setattr(services, "_deliver_rows", broken_for_user)
    first = deliver()
    assert (first.sent, first.retrying) == (1, 1)  # the other person's is not held back
    stuck = Reminder.objects.get(recipient=user)
    assert stuck.state == State.DUE
    assert stuck.attempts == 1
    assert "the database said no" in stuck.last_error
    for attempt in range(2, settings.REMINDER_MAX_ATTEMPTS + 1):
        with time_machine.travel(timezone.now() + timedelta(hours=attempt * 24)):
            deliver()
    stuck.refresh_from_db()
    assert stuck.state == State.FAILED
    assert stuck.attempts == settings.REMINDER_MAX_ATTEMPTS
    monkeypatch.setattr(services, "_deliver_rows", real)
    with pytest.raises(PermissionDenied):
        reminder_retry(actor=other, reminder=stuck)
    reminder_retry(actor=academy_admin, reminder=stuck)
    assert AuditEntry.objects.filter(verb="reminders.retry", object_id=str(stuck.pk)).exists()
    with pytest.raises(ValidationError):
        reminder_retry(actor=academy_admin, reminder=stuck)  # it is due again, not failed
    mail.outbox.clear()
    assert deliver().sent == 1
    assert len(emails_to(user.email)) == 1


def test_an_email_that_fails_at_the_mail_server_then_recovers_is_sent_once(
    orgs: Orgs, test_producer: TestProducer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from academy.outbox import services as outbox_services

    user = person(orgs)
    test_producer.facts = [Fact(user, "a", timezone.now())]
    reminders_produce()
    real_send = outbox_services._send

    def smtp_down(*args: Any) -> None:
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(outbox_services, "_send", smtp_down)
    mail.outbox.clear()
    deliver()
    message = OutboxMessage.objects.get(kind="reminder")
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    monkeypatch.setattr(outbox_services, "_send", real_send)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        outbox_sweep()
        outbox_sweep()
        deliver()
    assert len(emails_to(user.email)) == 1


def test_an_email_that_fails_for_good_shows_the_reminder_failed_until_an_operator_sends_it_again(
    orgs: Orgs,
    test_producer: TestProducer,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    academy_admin: Any,
) -> None:
    from academy.outbox import services as outbox_services

    settings.OUTBOX_MAX_ATTEMPTS = 2
    user = person(orgs)
    test_producer.facts = [Fact(user, "a", timezone.now())]
    reminders_produce()
    real_send = outbox_services._send

    def refused(*args: Any) -> None:
        raise ConnectionRefusedError("550 mailbox unavailable")

    monkeypatch.setattr(outbox_services, "_send", refused)
    mail.outbox.clear()
    deliver()
    assert Reminder.objects.get().state == State.SENT  # one attempt failed; the outbox tries again
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert outbox_sweep().failed == 1
    message = OutboxMessage.objects.get(kind="reminder")
    assert message.status == OutboxMessage.Status.FAILED
    reminder = Reminder.objects.get()
    assert reminder.state == State.FAILED  # on the operators' page with the failed ones
    assert "550 mailbox unavailable" in reminder.last_error
    assert Notification.objects.filter(recipient=user).count() == 1  # still in the portal

    monkeypatch.setattr(outbox_services, "_send", real_send)
    reminder_retry(actor=academy_admin, reminder=reminder)
    outbox_sweep()
    deliver()
    reminder.refresh_from_db()
    message.refresh_from_db()
    assert (reminder.state, message.status) == (State.SENT, OutboxMessage.Status.SENT)
    assert len(emails_to(user.email)) == 1
    assert Notification.objects.filter(recipient=user).count() == 1  # not delivered twice


def test_an_email_an_operator_sends_again_from_the_outbox_page_marks_its_reminder_sent(
    orgs: Orgs, test_producer: TestProducer, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from academy.outbox import services as outbox_services

    settings.OUTBOX_MAX_ATTEMPTS = 1
    user = person(orgs)
    test_producer.facts = [Fact(user, "a", timezone.now())]
    reminders_produce()
    real_send = outbox_services._send
    monkeypatch.setattr(outbox_services, "_send", lambda *args: (_ for _ in ()).throw(OSError("down")))
    deliver()
    assert Reminder.objects.get().state == State.FAILED
    monkeypatch.setattr(outbox_services, "_send", real_send)
    superuser = UserFactory(is_superuser=True)
    outbox_services.outbox_message_retry(actor=superuser, message=OutboxMessage.objects.get(kind="reminder"))
    mail.outbox.clear()
    outbox_sweep()
    assert Reminder.objects.get().state == State.SENT
    assert len(emails_to(user.email)) == 1


def test_a_batch_of_reminder_emails_is_built_in_a_fixed_number_of_queries(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    """Claim, fetch, build (reminders with their people, and whose memberships are current),
    mark sent: the same few queries for 3 emails or 30."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (3, 30):
        people = [person(orgs, f"batch-{size}-{n}@example.test") for n in range(size)]
        test_producer.facts = [Fact(p, f"b{size}", timezone.now()) for p in people]
        reminders_produce()
        reminders_deliver()
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            assert outbox_sweep(batch_size=100).sent == size
        counts.append(len(queries))
        assert len(mail.outbox) == size
        assert {m.to[0] for m in mail.outbox} == {p.email for p in people}
    assert counts[0] == counts[1] <= 15  # 14 today, whatever the batch size


# --- The daily digest ----------------------------------------------------------------------------


def at_london(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_digest_next_time_follows_london_clock_across_the_changes() -> None:
    eight = datetime.time(8, 0)
    # Winter: 08:00 London is 08:00 UTC.
    assert digest_next_at(time_of_day_=eight, after=at_london(2027, 1, 15, 9)) == at_london(2027, 1, 16, 8)
    assert digest_next_at(time_of_day_=eight, after=at_london(2027, 1, 16, 8)).utcoffset() == timedelta(0)
    # Clocks go forward on Sunday 28 March 2027: the next 08:00 is 07:00 UTC.
    nxt = digest_next_at(time_of_day_=eight, after=at_london(2027, 3, 27, 9))
    assert nxt == datetime.datetime(2027, 3, 28, 7, 0, tzinfo=datetime.UTC)
    # A time the spring change skips (01:30) comes when the clocks jump past it.
    skipped = digest_next_at(time_of_day_=datetime.time(1, 30), after=at_london(2027, 3, 27, 9))
    assert skipped == datetime.datetime(2027, 3, 28, 1, 30, tzinfo=datetime.UTC)
    # Clocks go back on Sunday 31 October 2027: 01:30 happens twice; the digest goes at the first.
    twice = digest_next_at(time_of_day_=datetime.time(1, 30), after=at_london(2027, 10, 30, 9))
    assert twice == datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.UTC)


def test_the_digest_goes_out_once_at_the_chosen_london_time_across_a_clock_change(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    user = person(orgs)
    with time_machine.travel(at_london(2027, 3, 26, 12), tick=False):
        reminder_preferences_set(
            user=user,
            email_kinds=[SUPERVISION.name, REVIEW.name],
            all_kinds=[SUPERVISION.name, REVIEW.name],
            digest=True,
            digest_time=datetime.time(8, 0),
        )
        assert ReminderDigest.objects.get(user=user).next_at == at_london(2027, 3, 27, 8)
        test_producer.facts = [
            Fact(user, "s", timezone.now()),
            Fact(user, "r", timezone.now(), kind=REVIEW.name),
        ]
        reminders_produce()
        mail.outbox.clear()
        delivered = deliver()
        assert (delivered.sent, delivered.digest, delivered.emailed) == (2, 2, 0)
        assert emails_to(user.email) == []  # no single emails for a digest person
    # Saturday 27 March, still GMT: nothing at 07:59, the digest at 08:00 (08:00 UTC).
    with time_machine.travel(at_london(2027, 3, 27, 7, 59), tick=False):
        assert digest().emails == 0
    with time_machine.travel(at_london(2027, 3, 27, 8, 0), tick=False):
        assert digest().emails == 1
        assert digest().emails == 0
    (first_digest,) = emails_to(user.email)
    assert first_digest.subject.endswith("2 reminders for today")
    assert "/reminders/preferences/" in first_digest.body
    # A new reminder on Saturday afternoon waits for Sunday 28 March, the first day of BST:
    # 08:00 London is 07:00 UTC.
    with time_machine.travel(at_london(2027, 3, 27, 15), tick=False):
        test_producer.facts.append(Fact(user, "s2", timezone.now(), title="Another supervision"))
        reminders_produce()
        deliver()
    with time_machine.travel(datetime.datetime(2027, 3, 28, 6, 59, tzinfo=datetime.UTC), tick=False):
        assert digest().emails == 0
    with time_machine.travel(datetime.datetime(2027, 3, 28, 7, 0, tzinfo=datetime.UTC), tick=False):
        assert digest().emails == 1
    # Run again all day: nothing more.
    with time_machine.travel(datetime.datetime(2027, 3, 28, 20, 0, tzinfo=datetime.UTC), tick=False):
        assert digest().emails == 0
    digests = emails_to(user.email)
    assert len(digests) == 2
    assert "Another supervision" in digests[1].body
    assert "1 reminder for today" in digests[1].subject
    # Nothing waiting on Monday: no empty email, and the next time moves on.
    with time_machine.travel(at_london(2027, 3, 29, 8, 0), tick=False):
        assert digest().empty == 1
    assert len(emails_to(user.email)) == 2
    assert ReminderDigest.objects.get(user=user).next_at == at_london(2027, 3, 30, 8)


def test_turning_the_digest_off_leaves_waiting_reminders_in_the_portal(
    orgs: Orgs, test_producer: TestProducer
) -> None:
    user = person(orgs)
    kinds = [SUPERVISION.name, REVIEW.name]
    reminder_preferences_set(
        user=user, email_kinds=kinds, all_kinds=kinds, digest=True, digest_time=datetime.time(7, 0)
    )
    test_producer.facts = [Fact(user, "s", timezone.now())]
    reminders_produce()
    deliver()
    reminder_preferences_set(
        user=user, email_kinds=kinds, all_kinds=kinds, digest=False, digest_time=datetime.time(7, 0)
    )
    assert Reminder.objects.get().email == Reminder.Email.NONE
    assert ReminderDigest.objects.get(user=user).next_at is None


def test_a_digest_producer_kind_unknown_to_the_page_is_still_labelled() -> None:
    from academy.reminders.presenters import kind_label

    with reminder_producers.registered(
        "test.labels",
        ReminderProducer("test.labels", lambda *, now: [], (ReminderKind("test.k", "Test kind"),)),
    ):
        assert kind_label("test.k") == "Test kind"
    assert kind_label("gone.kind") == "gone.kind"
