"""Calendars: a session's .ics and the private feed are valid iCalendar (parsed back with the
icalendar package), give the right instant on each side of a clock change, and a revoked or
replaced feed address stops working."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from academy.models import AuditEntry, Membership
from programmes.models import BookingStatus, CalendarFeed, SessionMode
from programmes.tests.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def events(content: bytes) -> list[Any]:
    calendar = Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def test_a_session_ics_across_the_clock_change(client: Any, orgs: Any, nqsw: Any) -> None:
    """10am London on Friday 26 March 2027 is 10:00 UTC; a week later, after the clocks go
    forward on 28 March, 10am London is 09:00 UTC."""
    before = SessionFactory(
        programme__organisation=orgs.home,
        programme__title="Weekly reflective group",
        starts_at=london(2027, 3, 26, 10),
        ends_at=london(2027, 3, 26, 11, 30),
        mode=SessionMode.IN_PERSON,
        venue="Civic Centre, Room 4",
        joining_link="",
    )
    after = SessionFactory(
        programme=before.programme,
        starts_at=london(2027, 4, 2, 10),
        ends_at=london(2027, 4, 2, 11, 30),
        mode=SessionMode.IN_PERSON,
        venue="Civic Centre, Room 4",
        joining_link="",
    )
    client.force_login(nqsw)
    found = {}
    for session in (before, after):
        response = client.get(reverse("programmes:session_ics", args=[session.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert "attachment" in response["Content-Disposition"]
        (event,) = events(response.content)
        assert event["SUMMARY"] == "Weekly reflective group"
        assert event["LOCATION"] == "Civic Centre, Room 4"
        found[session.pk] = event
    assert found[before.pk].decoded("DTSTART") == datetime.datetime(2027, 3, 26, 10, tzinfo=datetime.UTC)
    assert found[after.pk].decoded("DTSTART") == datetime.datetime(2027, 4, 2, 9, tzinfo=datetime.UTC)
    assert found[after.pk].decoded("DTEND") == datetime.datetime(2027, 4, 2, 10, 30, tzinfo=datetime.UTC)
    assert (
        b"DTSTART:20270402T090000Z" in client.get(reverse("programmes:session_ics", args=[after.pk])).content
    )
    # The same instant, read back in London time, is 10am on both days.
    assert [timezone_hour(found[s.pk]) for s in (before, after)] == [10, 10]


def timezone_hour(event: Any) -> int:
    return event.decoded("DTSTART").astimezone(LONDON).hour


def test_the_private_feed_shows_my_places_and_is_revocable(client: Any, orgs: Any, nqsw: Any) -> None:
    booked = BookingFactory(
        session__programme__organisation=orgs.home, session__programme__title="Booked one", person=nqsw
    )
    BookingFactory(
        session__programme__organisation=orgs.home,
        session__programme__title="Only waiting",
        person=nqsw,
        status=BookingStatus.WAITLISTED,
    )
    BookingFactory(session__programme__organisation=orgs.home, session__programme__title="Someone else's")
    client.force_login(nqsw)
    assert "You have no calendar address yet" in client.get(reverse("programmes:calendar")).content.decode()
    response = client.post(reverse("programmes:calendar_mint"))
    html = response.content.decode()
    prefix = "http://testserver" + reverse("programmes:calendar_feed", args=["TOKEN"]).split("TOKEN")[0]
    start = html.index(prefix)
    url = html[start : html.index(".ics", start) + 4]
    token = url[len(prefix) : -4]
    assert CalendarFeed.objects.get(person=nqsw).token_hash != token  # only a hash is kept
    assert token not in client.get(reverse("programmes:calendar")).content.decode()  # shown once

    client.logout()  # a calendar app has no session
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = events(response.content)
    assert event["SUMMARY"] == "Booked one"
    assert str(booked.session.joining_link) in str(event["LOCATION"])

    # A new address replaces the old; turning it off ends it.
    client.force_login(nqsw)
    client.post(reverse("programmes:calendar_mint"))
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(nqsw)
    assert client.post(reverse("programmes:calendar_revoke")).status_code == 302
    assert not CalendarFeed.objects.filter(person=nqsw).exists()
    assert AuditEntry.objects.filter(verb="calendar_feed.revoke").count() == 1


def test_a_made_up_feed_address_is_not_found(client: Any) -> None:
    assert client.get(reverse("programmes:calendar_feed", args=["not-a-real-token"])).status_code == 404


def test_the_session_ics_of_a_session_elsewhere_is_not_found(client: Any, orgs: Any, nqsw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.other)
    client.force_login(nqsw)
    assert client.get(reverse("programmes:session_ics", args=[session.pk])).status_code == 404


def test_the_feed_stops_showing_sessions_once_the_person_has_left(client: Any, orgs: Any, nqsw: Any) -> None:
    """A calendar app keeps asking after someone leaves: the sessions (and their joining links)
    of the organisation they booked from go with the employment."""
    BookingFactory(
        session__programme__organisation=orgs.home,
        session__programme__title="Booked before leaving",
        person=nqsw,
        organisation=orgs.home,
    )
    client.force_login(nqsw)
    html = client.post(reverse("programmes:calendar_mint")).content.decode()
    prefix = "http://testserver" + reverse("programmes:calendar_feed", args=["TOKEN"]).split("TOKEN")[0]
    start = html.index(prefix)
    url = html[start : html.index(".ics", start) + 4]
    client.logout()
    assert [str(e["SUMMARY"]) for e in events(client.get(url).content)] == ["Booked before leaving"]

    Membership.objects.filter(user=nqsw).update(ended_on=timezone.localdate() - datetime.timedelta(days=1))
    assert events(client.get(url).content) == []
