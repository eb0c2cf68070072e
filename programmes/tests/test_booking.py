"""Booking services against the database: capacity, the waiting list and its offers, the double
click, manager approval, and the last place wanted by two people at once (two real database
connections)."""

import datetime
import threading
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from academy.models import AuditEntry, Organisation, User
from academy.roles import Role
from academy.tests.factories import MembershipFactory
from programmes.models import Booking, BookingStatus, Session
from programmes.services import (
    booking_approve,
    booking_cancel,
    booking_decline,
    booking_make,
    booking_offer_accept,
    offers_expire,
)
from programmes.tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def person(organisation: Organisation, role: str = Role.SOCIAL_WORKER) -> User:
    return MembershipFactory(organisation=organisation, role=role).user


def book(session: Session, user: User, organisation: Organisation) -> Booking:
    return booking_make(actor=user, session=session, organisation=organisation).booking


def statuses(session: Session) -> dict[str, str]:
    return {
        b.person.email: b.status for b in Booking.objects.filter(session=session).select_related("person")
    }


def test_places_then_waiting_list_then_offer_to_the_next_person(orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=2)
    first, second, third, fourth = (person(orgs.home) for _ in range(4))
    assert book(session, first, orgs.home).status == BookingStatus.BOOKED
    assert book(session, second, orgs.home).status == BookingStatus.BOOKED
    waiting = book(session, third, orgs.home)
    later = book(session, fourth, orgs.home)
    assert waiting.status == later.status == BookingStatus.WAITLISTED

    with time_machine.travel(timezone.now(), tick=False):
        booking_cancel(actor=second, booking=Booking.objects.get(person=second))
        offered = Booking.objects.get(pk=waiting.pk)
        assert offered.status == BookingStatus.OFFERED
        assert offered.offer_expires_at == timezone.now() + datetime.timedelta(hours=48)
    # Only the first person waiting is offered the one place.
    assert Booking.objects.get(pk=later.pk).status == BookingStatus.WAITLISTED
    assert booking_offer_accept(actor=third, booking=offered).status == BookingStatus.BOOKED
    assert AuditEntry.objects.filter(verb="booking.offer", object_id=str(waiting.pk)).exists()


def test_a_double_click_books_once(orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=3)
    user = person(orgs.home)
    first = booking_make(actor=user, session=session, organisation=orgs.home)
    second = booking_make(actor=user, session=session, organisation=orgs.home)
    assert first.created
    assert not second.created
    assert first.booking.pk == second.booking.pk
    assert Booking.objects.filter(session=session, person=user).count() == 1
    # After cancelling, booking again makes a new booking; the cancelled one stays as history.
    booking_cancel(actor=user, booking=first.booking)
    again = booking_make(actor=user, session=session, organisation=orgs.home)
    assert again.created
    assert again.booking.status == BookingStatus.BOOKED
    assert Booking.objects.filter(session=session, person=user).count() == 2


def test_the_database_refuses_two_live_bookings_of_one_person(orgs: Any) -> None:
    from django.db import IntegrityError, transaction

    session = SessionFactory(programme__organisation=orgs.home)
    user = person(orgs.home)
    Booking.objects.create(session=session, person=user, organisation=orgs.home, status=BookingStatus.BOOKED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=session,
            person=user,
            organisation=orgs.home,
            status=BookingStatus.WAITLISTED,
            waitlisted_at=timezone.now(),
        )


def test_booking_closes_on_its_day_and_at_the_start(orgs: Any) -> None:
    start = datetime.datetime(2027, 6, 10, 10, tzinfo=datetime.UTC)
    session = SessionFactory(
        programme__organisation=orgs.home,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        booking_closes_on=datetime.date(2027, 6, 8),
    )
    user = person(orgs.home)
    # 11.30pm London time on 8 June (BST) is still the closing day, though UTC has moved on.
    with time_machine.travel(datetime.datetime(2027, 6, 8, 22, 30, tzinfo=datetime.UTC), tick=False):
        assert book(session, user, orgs.home).status == BookingStatus.BOOKED
    other = person(orgs.home)
    with (
        time_machine.travel(datetime.datetime(2027, 6, 8, 23, 30, tzinfo=datetime.UTC), tick=False),
        pytest.raises(ValidationError, match="closed"),
    ):
        book(session, other, orgs.home)


def test_an_offer_expires_and_goes_to_the_next_person(orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=1)
    holder, first, second = (person(orgs.home) for _ in range(3))
    held = book(session, holder, orgs.home)
    waiting_first = book(session, first, orgs.home)
    waiting_second = book(session, second, orgs.home)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        booking_cancel(actor=holder, booking=held)
    assert Booking.objects.get(pk=waiting_first.pk).status == BookingStatus.OFFERED

    # Not yet: nothing changes, however often the sweep runs.
    assert offers_expire(now=now + datetime.timedelta(hours=47)) == 0
    assert Booking.objects.get(pk=waiting_first.pk).status == BookingStatus.OFFERED

    later = now + datetime.timedelta(hours=48, minutes=1)
    with time_machine.travel(later, tick=False):
        assert offers_expire() == 1
        assert offers_expire() == 0  # a second run changes nothing
    assert Booking.objects.get(pk=waiting_first.pk).status == BookingStatus.OFFER_EXPIRED
    passed_on = Booking.objects.get(pk=waiting_second.pk)
    assert passed_on.status == BookingStatus.OFFERED
    assert passed_on.offer_expires_at == later + datetime.timedelta(hours=48)
    # The first person can no longer take it.
    with pytest.raises(ValidationError, match="no place"):
        booking_offer_accept(actor=first, booking=waiting_first)


@override_settings(PROGRAMMES_OFFER_HOURS=72)
def test_an_offer_never_outlasts_the_session_start(orgs: Any) -> None:
    start = timezone.now() + datetime.timedelta(hours=5)
    session = SessionFactory(programme__organisation=orgs.home, capacity=1, starts_at=start)
    holder, waiting = person(orgs.home), person(orgs.home)
    held = book(session, holder, orgs.home)
    book(session, waiting, orgs.home)
    booking_cancel(actor=holder, booking=held)
    assert Booking.objects.get(person=waiting).offer_expires_at == start


def test_declining_an_offer_passes_it_on(orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=1)
    holder, first, second = (person(orgs.home) for _ in range(3))
    held = book(session, holder, orgs.home)
    offer = book(session, first, orgs.home)
    book(session, second, orgs.home)
    booking_cancel(actor=holder, booking=held)
    booking_cancel(actor=first, booking=offer)  # "Decline the place"
    assert statuses(session)[second.email] == BookingStatus.OFFERED


def test_only_the_person_changes_their_booking(orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    owner, stranger = person(orgs.home), person(orgs.home)
    booking = book(session, owner, orgs.home)
    with pytest.raises(PermissionDenied):
        booking_cancel(actor=stranger, booking=booking)


def test_manager_approval_holds_the_place_until_decided(orgs: Any) -> None:
    programme = ProgrammeFactory(organisation=orgs.home, requires_manager_approval=True)
    session = SessionFactory(programme=programme, capacity=1)
    manager = person(orgs.home, Role.LINE_MANAGER)
    asking, waiting = person(orgs.home), person(orgs.home)
    pending = book(session, asking, orgs.home)
    assert pending.status == BookingStatus.AWAITING_APPROVAL
    assert book(session, waiting, orgs.home).status == BookingStatus.WAITLISTED  # the place is held

    with pytest.raises(ValidationError):
        booking_decline(actor=manager, booking=pending, reason="  ")
    declined = booking_decline(actor=manager, booking=pending, reason="Team cover that week is too thin.")
    assert declined.status == BookingStatus.DECLINED
    assert declined.decided_by == manager
    assert declined.decline_reason == "Team cover that week is too thin."
    offered = Booking.objects.get(person=waiting)
    assert offered.status == BookingStatus.OFFERED
    # Accepting an offer on such a programme asks the manager in turn.
    accepted = booking_offer_accept(actor=waiting, booking=offered)
    assert accepted.status == BookingStatus.AWAITING_APPROVAL
    approved = booking_approve(actor=manager, booking=accepted)
    assert approved.status == BookingStatus.BOOKED
    assert approved.decided_by == manager
    assert booking_approve(actor=manager, booking=approved).status == BookingStatus.BOOKED  # twice: no change
    assert AuditEntry.objects.filter(verb="booking.approve", object_id=str(approved.pk)).count() == 1


# The last place, wanted by two people at once -------------------------------------------------


def _race(session: Session, people: list[User], organisation: Organisation) -> list[str]:
    """Each person books from their own thread, so their own database connection, all released
    at the same moment."""
    barrier = threading.Barrier(len(people))
    results: list[str] = []
    errors: list[BaseException] = []

    def run(user: User) -> None:
        try:
            barrier.wait(timeout=10)
            result = booking_make(actor=user, session=session, organisation=organisation)
            results.append(result.booking.status)
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_people_for_the_last_place_one_books_the_other_waits(orgs: Any) -> None:
    for attempt in range(5):
        session = SessionFactory(programme__organisation=orgs.home, capacity=2)
        book(session, person(orgs.home), orgs.home)  # one place left
        racers = [person(orgs.home), person(orgs.home)]
        results = _race(session, racers, orgs.home)
        assert sorted(results) == [BookingStatus.BOOKED, BookingStatus.WAITLISTED], f"attempt {attempt}"
        assert Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_click_from_two_connections_books_once(orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=5)
    user = person(orgs.home)
    results = _race(session, [user, user], orgs.home)
    assert results == [BookingStatus.BOOKED, BookingStatus.BOOKED]
    assert Booking.objects.filter(session=session, person=user).count() == 1
