"""Reports for the academy's staff: fill rate, attendance and no-shows by programme and by the
organisation people booked from, on the page and as CSV; sentinels elsewhere stay out; a fixed
number of queries."""

import csv
import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from programmes.models import Attendance, BookingStatus, Programme, SessionFeedback
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def held(programme: Programme, *, days_ago: int, capacity: int = 5) -> Any:
    start = timezone.now() - datetime.timedelta(days=days_ago)
    return SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=capacity
    )


def test_the_figures(client: Any, orgs: Any, academy_admin: Any) -> None:
    programme = ProgrammeFactory(organisation=orgs.home, title="Court skills")
    first, second = held(programme, days_ago=9), held(programme, days_ago=2)
    SessionFactory(programme=programme, capacity=50)  # to come: not counted
    for attendance, organisation in (
        (Attendance.ATTENDED, orgs.home),
        (Attendance.ATTENDED, orgs.home),
        (Attendance.ATTENDED, orgs.sibling),
        (Attendance.NO_SHOW, orgs.sibling),
    ):
        BookingFactory(session=first, organisation=organisation, attendance=attendance)
    BookingFactory(session=second, status=BookingStatus.CANCELLED, organisation=orgs.home)
    client.force_login(academy_admin)
    html = client.get(reverse("programmes:report")).content.decode()
    assert "Court skills" in html
    assert "40%" in html  # 4 of 10 places
    assert "50%" in html  # the sibling council: 1 of the 2 marked came

    response = client.get(reverse("programmes:report_csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Programme"
    assert rows[1] == ["Court skills", "Home Borough Council", "2", "10", "4", "40%", "3", "1", "0", ""]


def test_a_council_psw_reports_on_their_own_council(client: Any, orgs: Any, psw: Any) -> None:
    check = IsolationCheck(client, viewer=psw)

    def make(organisation: Any, marker: str) -> Programme:
        programme = ProgrammeFactory(organisation=organisation, title=marker)
        BookingFactory(session=held(programme, days_ago=1), organisation=organisation)
        return programme

    planted = check.plant(
        make, hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling}, shown={"own council": orgs.home}
    )
    check.list_page(reverse("programmes:report"), planted)
    response = client.get(reverse("programmes:report_csv"))
    text = b"".join(response.streaming_content).decode()
    assert planted.shown[0].marker in text
    assert all(sentinel.marker not in text for sentinel in planted.hidden)


def test_people_without_a_staff_role_get_no_report(client: Any, nqsw: Any) -> None:
    client.force_login(nqsw)
    assert client.get(reverse("programmes:report")).status_code == 403
    assert client.get(reverse("programmes:report_csv")).status_code == 403


def test_report_query_count(
    client: Any, orgs: Any, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    for organisation in (orgs.home, orgs.sibling, orgs.partnership):
        for _ in range(3):
            programme = ProgrammeFactory(organisation=organisation)
            for days in (1, 2, 3):
                session = held(programme, days_ago=days)
                for _ in range(3):
                    BookingFactory(session=session, attendance=Attendance.ATTENDED)
    client.force_login(academy_admin)
    # user, memberships, authenticator; the partnership's members (tree walk, two levels), the
    # count (paginator), the programmes with their figures, the figures by organisation; the
    # unread count.
    with django_assert_num_queries(9):
        assert client.get(reverse("programmes:report")).status_code == 200


def test_feedback_once_and_in_the_report(client: Any, orgs: Any, nqsw: Any, academy_admin: Any) -> None:
    programme = ProgrammeFactory(organisation=orgs.home, title="Court skills")
    session = held(programme, days_ago=1)
    mine = BookingFactory(session=session, person=nqsw, attendance=Attendance.ATTENDED)
    other = BookingFactory(session=session, attendance=Attendance.ATTENDED)
    SessionFeedback.objects.create(booking=other, rating=3, useful_for_practice=False)
    missed = BookingFactory(session=held(programme, days_ago=3), person=nqsw, attendance=Attendance.NO_SHOW)
    client.force_login(nqsw)
    assert "Give feedback" in client.get(reverse("programmes:my_bookings")).content.decode()
    url = reverse("programmes:feedback", args=[mine.pk])
    response = client.post(url, {})
    assert "<title>Error: " in response.content.decode()
    response = client.post(
        url, {"rating": "5", "useful_for_practice": "yes", "comment": "Clear and practical."}
    )
    assert response.status_code == 302
    feedback = SessionFeedback.objects.get(booking=mine)
    assert feedback.rating == 5
    assert feedback.useful_for_practice
    client.post(url, {"rating": "1", "useful_for_practice": "no"})  # a second go changes nothing
    assert SessionFeedback.objects.get(booking=mine).rating == 5
    assert "already given feedback" in client.get(url).content.decode()
    assert client.get(reverse("programmes:feedback", args=[missed.pk])).status_code == 404
    assert client.get(reverse("programmes:feedback", args=[other.pk])).status_code == 404

    client.force_login(academy_admin)
    assert "4.0 of 5" in client.get(reverse("programmes:report")).content.decode()
    rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get(reverse("programmes:report_csv")).streaming_content).decode())
        )
    )
    assert rows[1][-2:] == ["2", "4.0"]
