"""The programmes' reminders through the core's engine: a place offered (told at once, cancelled
when the offer is taken), a session tomorrow (London days, on a BST date and across the October
clock change), and the waiting-list sweep run twice."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from academy.models import Reminder
from academy.registry.reminders import registered_reminder_producers
from academy.reminders.services import reminders_produce
from programmes import tasks
from programmes.models import Booking, BookingStatus
from programmes.reminders import PLACE_OFFERED, SESSION_TOMORROW
from programmes.services import booking_cancel, booking_offer_accept
from programmes.tests.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def produce(at: datetime.datetime) -> Any:
    wanted = {"programmes.places_offered", "programmes.sessions_tomorrow"}
    producers = [p for p in registered_reminder_producers() if p.name in wanted]
    assert {p.name for p in producers} == wanted
    with time_machine.travel(at, tick=False):
        return reminders_produce(producers=producers)


def test_a_place_offered_is_told_once_and_cancelled_when_taken(
    orgs: Any, nqsw: Any, social_worker: Any
) -> None:
    session = SessionFactory(
        programme__organisation=orgs.home, capacity=1, starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    holder = BookingFactory(session=session, person=social_worker)
    waiting = BookingFactory(
        session=session, person=nqsw, status=BookingStatus.WAITLISTED, waitlisted_at=timezone.now()
    )
    booking_cancel(actor=social_worker, booking=holder)
    now = timezone.now()
    assert produce(now).created == 1
    assert produce(now).created == 0  # the same fact, stored once
    reminder = Reminder.objects.get(kind=PLACE_OFFERED.name)
    assert reminder.recipient == nqsw
    assert reminder.due_at <= now + datetime.timedelta(seconds=1)
    assert session.programme.title in reminder.title
    booking_offer_accept(actor=nqsw, booking=Booking.objects.get(pk=waiting.pk))
    produce(now)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.CANCELLED


def test_session_tomorrow_on_a_summer_date(orgs: Any, nqsw: Any) -> None:
    tomorrow = BookingFactory(
        person=nqsw,
        session__programme__organisation=orgs.home,
        session__starts_at=london(2027, 9, 2, 10),
        session__ends_at=london(2027, 9, 2, 12),
    )
    BookingFactory(
        person=nqsw,
        session__programme__organisation=orgs.home,
        session__starts_at=london(2027, 9, 3, 0, 30),  # the day after tomorrow, though within 48 hours
        session__ends_at=london(2027, 9, 3, 2),
    )
    BookingFactory(
        person=nqsw,
        status=BookingStatus.WAITLISTED,
        session__programme__organisation=orgs.home,
        session__starts_at=london(2027, 9, 2, 14),
        session__ends_at=london(2027, 9, 2, 15),
    )
    produce(london(2027, 9, 1, 8))
    (reminder,) = Reminder.objects.filter(kind=SESSION_TOMORROW.name)
    assert reminder.object_id == str(tomorrow.pk)
    assert reminder.due_at == london(2027, 9, 1, 10)
    assert reminder.title.endswith("is tomorrow")


def test_session_tomorrow_across_the_october_clock_change(orgs: Any, nqsw: Any) -> None:
    """Saturday 30 October 2027 in BST; the clocks go back early on Sunday 31 October. "Tomorrow"
    ends at midnight London time, which is then GMT."""
    sunday_night = BookingFactory(
        person=nqsw,
        session__programme__organisation=orgs.home,
        session__starts_at=london(2027, 10, 31, 23, 30),
        session__ends_at=london(2027, 10, 31, 23, 50),
    )
    BookingFactory(
        person=nqsw,
        session__programme__organisation=orgs.home,
        session__starts_at=london(2027, 11, 1, 0, 15),
        session__ends_at=london(2027, 11, 1, 1),
    )
    produce(london(2027, 10, 30, 9))
    assert [r.object_id for r in Reminder.objects.filter(kind=SESSION_TOMORROW.name)] == [
        str(sunday_night.pk)
    ]


def test_the_waitlist_sweep_twice(orgs: Any, nqsw: Any, social_worker: Any, manager: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=1)
    now = timezone.now()
    BookingFactory(
        session=session,
        person=social_worker,
        status=BookingStatus.OFFERED,
        offer_expires_at=now - datetime.timedelta(minutes=1),
    )
    BookingFactory(session=session, person=nqsw, status=BookingStatus.WAITLISTED, waitlisted_at=now)
    first = tasks.waitlist_sweep()
    second = tasks.waitlist_sweep()
    assert first == {"expired": 1, "offers_told": 1}
    assert second == {"expired": 0, "offers_told": 0}
    assert Booking.objects.get(person=nqsw).status == BookingStatus.OFFERED
    assert Reminder.objects.get(kind=PLACE_OFFERED.name).recipient == nqsw
