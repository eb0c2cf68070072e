"""The programmes' reminder producers, for the core's reminder engine (academy/reminders/):
"a place is offered to you from the waiting list" and "a session you are booked on is tomorrow".
Each answers "what is true now?" with ranges, so a missed or late run still finds everything; the
engine sends each key once and cancels what a producer stops returning (an offer accepted,
declined or expired; a booking cancelled)."""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone

from academy.presenters import format_date
from academy.registry.reminders import DueReminder, ReminderKind

from . import selectors
from .presenters import when, where

PLACE_OFFERED = ReminderKind("programmes.place_offered", "A place is offered to you from a waiting list")
SESSION_TOMORROW = ReminderKind("programmes.session_tomorrow", "A session you are booked on is tomorrow")
SESSION_CANCELLED = ReminderKind("programmes.session_cancelled", "A session you booked has been cancelled")
APPROVAL_WAITING = ReminderKind("programmes.approval_waiting", "A booking is waiting for your approval")
# How long after a cancellation the people booked are still told (a missed run catches up).
CANCELLED_TELL_WITHIN = datetime.timedelta(days=14)


def places_offered(*, now: datetime.datetime) -> Iterator[DueReminder]:
    """Every open offer, due at once: the person has a limited time to accept."""
    for booking in selectors.open_offers(now=now):
        session = booking.session
        yield DueReminder(
            kind=PLACE_OFFERED.name,
            recipient_id=booking.person_id,
            key=f"offer:{booking.pk}:{booking.offer_expires_at:%Y%m%d%H%M}",
            title=f"A place on {session.programme.title} is offered to you",
            body=f"A place came free on the session on {when(session)}. It is held for you until "
            f"{format_date(booking.offer_expires_at)}; after that it goes to the next person waiting.",
            url=reverse("programmes:session", args=[session.pk]),
            about=booking,
            organisation_id=booking.organisation_id,
            due_at=now,
        )


def sessions_tomorrow(*, now: datetime.datetime) -> Iterator[DueReminder]:
    """People with a place on a session that starts before the end of tomorrow (London time),
    due a day before it starts."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    end_of_tomorrow = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=1), datetime.time(), tzinfo=timezone.get_current_timezone()
    )
    for booking in selectors.bookings_starting(after=now, before=end_of_tomorrow):
        session = booking.session
        yield DueReminder(
            kind=SESSION_TOMORROW.name,
            recipient_id=booking.person_id,
            key=f"booking:{booking.pk}:{session.starts_at:%Y%m%d%H%M}",
            title=f"{session.programme.title} is tomorrow",
            body=f"{when(session)}, {where(session)}.",
            url=reverse("programmes:session", args=[session.pk]),
            about=booking,
            organisation_id=booking.organisation_id,
            due_at=session.starts_at - datetime.timedelta(days=1),
        )


def sessions_cancelled(*, now: datetime.datetime) -> Iterator[DueReminder]:
    """Everyone booked, offered a place or waiting when the academy cancelled the session, at
    once, with the academy's reason."""
    for booking in selectors.sessions_cancelled_bookings(since=now - CANCELLED_TELL_WITHIN):
        session = booking.session
        yield DueReminder(
            kind=SESSION_CANCELLED.name,
            recipient_id=booking.person_id,
            key=f"session_cancelled:{booking.pk}",
            title=f"{session.programme.title} on {when(session)} is cancelled",
            body=f"The academy has cancelled this session: {session.cancel_reason} "
            "Your booking has ended; look in the catalogue for another date.",
            url=reverse("programmes:session", args=[session.pk]),
            about=booking,
            organisation_id=booking.organisation_id,
            due_at=session.cancelled_at or now,
        )


def approvals_waiting(*, now: datetime.datetime) -> Iterator[DueReminder]:
    """Each line manager who may decide a booking waiting for approval, at once; withdrawn by
    the engine once somebody decides it or the person cancels."""
    approvals = reverse("programmes:approvals")
    for booking, manager_ids in selectors.approvals_awaiting():
        session = booking.session
        for manager_id in manager_ids:
            yield DueReminder(
                kind=APPROVAL_WAITING.name,
                recipient_id=manager_id,
                key=f"approval:{booking.pk}:{manager_id}",
                title=f"A booking on {session.programme.title} is waiting for your approval",
                body=f"Someone in your team asked for a place on the session on {when(session)}. "
                "Approve it or decline it with a reason.",
                url=approvals,
                about=booking,
                organisation_id=booking.organisation_id,
                due_at=booking.created_at,
            )
