"""The academy cancels a session: every live booking ends (the waiting list and an open offer
included), nobody is offered a place on it again, everyone is told through the reminder engine
with the reason, and it is audited. Line managers are reminded of bookings waiting for them."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy.models import AuditEntry, Membership, Reminder
from academy.registry.reminders import registered_reminder_producers
from academy.reminders.services import reminders_produce
from academy.roles import Role
from academy.tests.factories import MembershipFactory
from programmes.models import Booking, BookingStatus
from programmes.reminders import APPROVAL_WAITING, SESSION_CANCELLED
from programmes.services import booking_approve, session_cancel
from programmes.tests.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def produce(*names: str) -> Any:
    producers = [p for p in registered_reminder_producers() if p.name in names]
    assert len(producers) == len(names)
    return reminders_produce(producers=producers)


def _full_session(orgs: Any, nqsw: Any, social_worker: Any) -> Any:
    session = SessionFactory(programme__organisation=orgs.home, capacity=1)
    BookingFactory(session=session, person=social_worker, organisation=orgs.home)
    BookingFactory(
        session=session,
        person=nqsw,
        organisation=orgs.home,
        status=BookingStatus.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    return session


def test_cancelling_ends_every_booking_tells_everyone_and_is_audited(
    orgs: Any, psw: Any, nqsw: Any, social_worker: Any
) -> None:
    session = _full_session(orgs, nqsw, social_worker)
    done = session_cancel(actor=psw, session=session, reason="The trainer is unwell.")
    assert done.released == 2
    session.refresh_from_db()
    assert session.cancelled_at is not None
    assert session.cancelled_by == psw
    assert set(Booking.objects.filter(session=session).values_list("status", flat=True)) == {
        BookingStatus.CANCELLED
    }
    assert AuditEntry.objects.filter(verb="session.cancel").count() == 1
    assert AuditEntry.objects.filter(verb="booking.cancel_with_session").count() == 2

    assert produce("programmes.sessions_cancelled").created == 2
    assert produce("programmes.sessions_cancelled").created == 0  # told once
    told = Reminder.objects.filter(kind=SESSION_CANCELLED.name)
    assert {r.recipient_id for r in told} == {nqsw.pk, social_worker.pk}
    assert all("The trainer is unwell." in r.body for r in told)

    # A second cancellation changes nothing; a place freed later is offered to nobody.
    assert session_cancel(actor=psw, session=session, reason="Again").released == 0
    assert AuditEntry.objects.filter(verb="session.cancel").count() == 1
    assert not Booking.objects.filter(session=session, status=BookingStatus.OFFERED).exists()


def test_a_booking_the_person_cancelled_earlier_is_not_told(orgs: Any, psw: Any, nqsw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    BookingFactory(
        session=session,
        person=nqsw,
        organisation=orgs.home,
        status=BookingStatus.CANCELLED,
        cancelled_at=timezone.now() - datetime.timedelta(days=1),
    )
    session_cancel(actor=psw, session=session, reason="Too few people booked.")
    assert produce("programmes.sessions_cancelled").created == 0


def test_a_reason_is_needed_and_a_started_session_stays(orgs: Any, psw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    with pytest.raises(ValidationError):
        session_cancel(actor=psw, session=session, reason="  ")
    start = timezone.now() - datetime.timedelta(minutes=5)
    started = SessionFactory(
        programme__organisation=orgs.home, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError):
        session_cancel(actor=psw, session=started, reason="Fire alarm")
    started.refresh_from_db()
    assert started.cancelled_at is None


def test_staff_cancel_from_the_session_page(
    client: Any, orgs: Any, psw: Any, nqsw: Any, social_worker: Any
) -> None:
    session = _full_session(orgs, nqsw, social_worker)
    page_url = reverse("programmes:session", args=[session.pk])
    url = reverse("programmes:session_cancel", args=[session.pk])
    client.force_login(psw)
    assert url in client.get(page_url).content.decode()
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()
    response = client.post(url, {"reason": "The venue flooded."})
    assert response.status_code == 302
    assert response.url == page_url
    page = client.get(page_url).content.decode()
    assert "The venue flooded." in page
    assert url not in page
    # The person once booked sees it too, and may not book it again.
    client.force_login(nqsw)
    page = client.get(page_url).content.decode()
    assert "The venue flooded." in page
    client.post(reverse("programmes:session_book", args=[session.pk]))
    assert not Booking.objects.filter(
        session=session, person=nqsw, status__in=["booked", "waitlisted"]
    ).exists()


def test_a_reader_may_not_cancel(client: Any, orgs: Any, nqsw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    client.force_login(nqsw)
    assert (
        client.post(reverse("programmes:session_cancel", args=[session.pk]), {"reason": "x"}).status_code
        == 403
    )


def test_line_managers_are_reminded_of_bookings_waiting_for_them(orgs: Any, manager: Any) -> None:
    team = Membership.objects.get(user=manager, role=Role.LINE_MANAGER).team
    colleague = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER, team=team).user
    stranger = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER).user
    boss = MembershipFactory(organisation=orgs.home, role=Role.LINE_MANAGER, team=None).user
    session = SessionFactory(programme__organisation=orgs.home)
    waiting = BookingFactory(
        session=session, person=colleague, organisation=orgs.home, status=BookingStatus.AWAITING_APPROVAL
    )
    BookingFactory(
        session=session, person=stranger, organisation=orgs.home, status=BookingStatus.AWAITING_APPROVAL
    )
    assert produce("programmes.approvals_waiting").created == 3
    reminders = Reminder.objects.filter(kind=APPROVAL_WAITING.name)
    assert sorted((r.recipient_id, r.object_id) for r in reminders) == sorted(
        [
            (manager.pk, str(waiting.pk)),
            (boss.pk, str(waiting.pk)),
            (boss.pk, str(Booking.objects.get(person=stranger).pk)),
        ]
    )
    booking_approve(actor=manager, booking=waiting)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1)):
        produce("programmes.approvals_waiting")
    withdrawn = Reminder.objects.filter(kind=APPROVAL_WAITING.name, object_id=str(waiting.pk))
    assert {r.state for r in withdrawn} == {Reminder.State.CANCELLED}
