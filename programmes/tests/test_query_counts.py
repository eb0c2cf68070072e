"""Query counts of the programmes' lists, with at least three rows in each relation, so an N+1
shows as a failing count (pytest-django prints the SQL). The fixed cost of every signed-in page
comes first (tests/test_query_counts.py explains it): the user, their memberships, for MFA roles
their authenticator, the unread notification count and, for NQSWs, whether they have an ASYE
record (a navigation entry's condition)."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from academy.models import FrameworkElement, Membership
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from programmes.models import BookingStatus, LearningOutcome
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db

BASE = 3  # user, memberships, unread count
BASE_MFA = BASE + 1  # + authenticator
BASE_NQSW = BASE + 1  # + has an ASYE record


@pytest.fixture(autouse=True)
def _registration_years_cached(db: None) -> None:
    from cpd.selectors import registration_years

    registration_years()


def _get(client: Any, user: Any, url: str, django_assert_num_queries: Any, expected: int) -> Any:
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _programmes(orgs: Any, n: int) -> None:
    element = FrameworkElement.objects.order_by("pk")[0]
    for organisation in (orgs.home, orgs.partnership):
        for i in range(n):
            programme = ProgrammeFactory(organisation=organisation)
            outcome = LearningOutcome.objects.create(programme=programme, text=f"Outcome {i}")
            outcome.elements.add(element)
            for day in range(3):
                session = SessionFactory(
                    programme=programme, starts_at=timezone.now() + datetime.timedelta(days=day + 1)
                )
                for _ in range(3):
                    BookingFactory(session=session)


def test_catalogue(client: Any, orgs: Any, nqsw: Any, django_assert_num_queries: Any) -> None:
    _programmes(orgs, 3)
    # count of the page's rows (paginator), then the rows with their organisation, next session
    # and upcoming count (one query).
    _get(client, nqsw, reverse("programmes:catalogue"), django_assert_num_queries, BASE_NQSW + 2)
    before = _count(client, reverse("programmes:catalogue"))
    _programmes(orgs, 3)
    assert _count(client, reverse("programmes:catalogue")) == before


def test_catalogue_costs_the_same_at_3_and_at_many(client: Any, orgs: Any, nqsw: Any) -> None:
    """Three programmes, then more than a page of them (each with sessions and bookings)."""
    _programmes(orgs, 1)  # 2 programmes: the home council's and the partnership's
    ProgrammeFactory(organisation=orgs.home)
    client.force_login(nqsw)
    client.get(reverse("programmes:catalogue"))
    three = _count(client, reverse("programmes:catalogue"))
    _programmes(orgs, 20)
    assert _count(client, reverse("programmes:catalogue")) == three
    assert _count(client, reverse("programmes:catalogue") + "?page=2") == three


def test_programme_page(client: Any, orgs: Any, psw: Any, django_assert_num_queries: Any) -> None:
    _programmes(orgs, 1)
    programme = ProgrammeFactory(organisation=orgs.home)
    element_ids = list(FrameworkElement.objects.values_list("pk", flat=True)[:3])
    for i in range(3):
        outcome = LearningOutcome.objects.create(programme=programme, text=f"Outcome {i}")
        outcome.elements.add(*element_ids)
        for _ in range(3):
            session = SessionFactory(programme=programme)
            BookingFactory(session=session)
    # the programme (access selector), the outcomes, their elements with version and framework
    # (one prefetch), the sessions' count (paginator) and the sessions with their places. A
    # council's scope needs no tree walk.
    _get(
        client,
        psw,
        reverse("programmes:programme", args=[programme.pk]),
        django_assert_num_queries,
        BASE_MFA + 5,
    )


def test_session_page_for_staff(
    client: Any, orgs: Any, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=3)
    for _ in range(3):
        BookingFactory(session=session)
    for _ in range(3):
        BookingFactory(session=session, status=BookingStatus.WAITLISTED, waitlisted_at=timezone.now())
    # the partnership's member councils (the tree walk: two levels, the second empty), the
    # session with its programme, facilitator and places, the viewer's own booking, the
    # attendees' count (paginator) and the attendees with their people.
    _get(
        client,
        academy_admin,
        reverse("programmes:session", args=[session.pk]),
        django_assert_num_queries,
        BASE_MFA + 6,
    )


def test_my_bookings(client: Any, orgs: Any, nqsw: Any, django_assert_num_queries: Any) -> None:
    for status in (BookingStatus.BOOKED, BookingStatus.WAITLISTED, BookingStatus.CANCELLED):
        for _ in range(3):
            BookingFactory(
                person=nqsw,
                session__programme__organisation=orgs.home,
                status=status,
                waitlisted_at=timezone.now() if status == BookingStatus.WAITLISTED else None,
            )
    # the count (paginator), then the bookings with their sessions and programmes.
    _get(client, nqsw, reverse("programmes:my_bookings"), django_assert_num_queries, BASE_NQSW + 2)


def test_approvals(client: Any, orgs: Any, manager: Any, django_assert_num_queries: Any) -> None:
    team = Membership.objects.get(user=manager).team
    for _ in range(3):
        person = MembershipFactory(organisation=orgs.home, role=Role.NQSW, team=team, user=UserFactory()).user
        for _ in range(3):
            BookingFactory(
                person=person,
                session__programme__organisation=orgs.home,
                status=BookingStatus.AWAITING_APPROVAL,
            )
    # the manager's teams, the count (paginator), then the bookings with people, sessions and
    # programmes.
    _get(client, manager, reverse("programmes:approvals"), django_assert_num_queries, BASE + 3)
