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
