"""iCalendar files: one session (the .ics download) and a person's private feed.

Times are written in UTC (`DTSTART:20270401T090000Z`), which every calendar reads the same way
and converts to the reader's zone: a session at 10:00 London time is 10:00Z in winter and 09:00Z
in British Summer Time. The joining link of an online session is written only for someone who
holds a place on it."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Session, SessionMode

PRODID = "-//Social Work Academy portal//Programmes//EN"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _event(session: Session, *, show_link: bool, url: str, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"session-{session.pk}@{settings.ACADEMY_NAME.lower().replace(' ', '-')}")
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(session.starts_at))
    event.add("dtend", _utc(session.ends_at))
    event.add("summary", session.programme.title)
    if session.mode == SessionMode.IN_PERSON:
        event.add("location", session.venue)
        description = f"In person at {session.venue}."
    elif show_link:
        event.add("location", session.joining_link)
        description = f"Online. Join at {session.joining_link}"
    else:
        event.add("location", "Online")
        description = "Online. The joining link is shown once you hold a place."
    event.add("description", f"{description}\n\nDetails: {url}")
    if url:
        event.add("url", url)
    if session.cancelled_at is not None:
        event.add("status", "CANCELLED")
    return event


def session_ics(session: Session, *, show_link: bool, url: str) -> bytes:
    calendar = _calendar(session.programme.title)
    calendar.add_component(_event(session, show_link=show_link, url=url, stamp=timezone.now()))
    return calendar.to_ical()


def feed_ics(sessions: Iterable[tuple[Session, str]], *, name: str) -> bytes:
    """A person's feed: every session they hold a place on (with its page's address)."""
    calendar = _calendar(name)
    stamp = timezone.now()
    for session, url in sessions:
        calendar.add_component(_event(session, show_link=True, url=url, stamp=stamp))
    return calendar.to_ical()
