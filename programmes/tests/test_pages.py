"""The booking pages through the client: booking and cancelling, the joining link shown only to
people with a place, "My bookings", line managers' approvals (their team only), adding a weekly
series, and POST-only actions refusing GET."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from academy.models import Membership
from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, UserFactory
from programmes.models import Booking, BookingStatus, Session, SessionMode
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db
LINK = "https://meet.example.test/secret-room-4821"


def test_book_see_the_link_then_cancel(client: Any, orgs: Any, nqsw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.partnership, capacity=1)
    url = reverse("programmes:session", args=[session.pk])
    client.force_login(nqsw)
    page = client.get(url).content.decode()
    assert LINK not in page
    assert "Shown here once you have a place" in page
    assert LINK.encode() not in client.get(reverse("programmes:session_ics", args=[session.pk])).content

    response = client.post(reverse("programmes:session_book", args=[session.pk]))
    assert response.status_code == 302
    assert response.url == url
    booking = Booking.objects.get(session=session, person=nqsw)
    assert booking.status == BookingStatus.BOOKED
    assert booking.organisation == orgs.home
    page = client.get(url).content.decode()
    assert LINK in page
    assert "You are booked on this session." in page
    assert LINK.encode() in client.get(reverse("programmes:session_ics", args=[session.pk])).content
    # A second click changes nothing, and says so.
    client.post(reverse("programmes:session_book", args=[session.pk]))
    assert Booking.objects.filter(session=session, person=nqsw).count() == 1

    response = client.post(reverse("programmes:booking_cancel", args=[booking.pk]))
    assert response.status_code == 302
    assert response.url == reverse("programmes:my_bookings")
    assert LINK not in client.get(url).content.decode()


def test_a_full_session_puts_people_on_the_waiting_list(
    client: Any, orgs: Any, nqsw: Any, social_worker: Any
) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=1)
    BookingFactory(session=session, person=social_worker)
    client.force_login(nqsw)
    client.post(reverse("programmes:session_book", args=[session.pk]))
    page = client.get(reverse("programmes:session", args=[session.pk])).content.decode()
    assert "On the waiting list" in page
    assert "number 1 on the waiting list" in page
    assert LINK not in page


def test_a_place_offered_is_accepted_from_my_bookings(client: Any, orgs: Any, nqsw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    offer = BookingFactory(
        session=session,
        person=nqsw,
        status=BookingStatus.OFFERED,
        offer_expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    client.force_login(nqsw)
    html = client.get(reverse("programmes:my_bookings")).content.decode()
    assert "Place offered" in html
    assert "Accept the place" in html
    assert "Accept by" in html
    client.post(reverse("programmes:offer_accept", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == BookingStatus.BOOKED


def test_my_bookings_lists_only_my_own(client: Any, orgs: Any, nqsw: Any) -> None:
    check = IsolationCheck(client, viewer=nqsw)

    def make(organisation: Any, marker: str) -> Booking:
        return BookingFactory(session__programme__organisation=organisation, session__programme__title=marker)

    planted = check.plant(
        make,
        hidden={
            COLLEAGUE: lambda marker: BookingFactory(
                session__programme__organisation=orgs.home,
                session__programme__title=marker,
                person=MembershipFactory(organisation=orgs.home, role=Role.NQSW).user,
            ),
            SIBLING: orgs.sibling,
            UNRELATED: orgs.other,
        },
        shown={
            "own booking": lambda marker: BookingFactory(
                session__programme__organisation=orgs.home, session__programme__title=marker, person=nqsw
            )
        },
    )
    check.list_page(reverse("programmes:my_bookings"), planted)
    check.object_pages(
        lambda b: reverse("programmes:booking_cancel", args=[b.pk]), planted, method="POST", shown_status=302
    )


def test_my_bookings_when_there_are_none(client: Any, nqsw: Any) -> None:
    client.force_login(nqsw)
    assert (
        "You have not booked anything yet" in client.get(reverse("programmes:my_bookings")).content.decode()
    )


def _team_of(user: Any) -> Any:
    return Membership.objects.get(user=user, role=Role.LINE_MANAGER).team


def test_a_line_manager_approves_and_declines_for_their_team_only(
    client: Any, orgs: Any, manager: Any
) -> None:
    programme = ProgrammeFactory(organisation=orgs.home, requires_manager_approval=True)
    session = SessionFactory(programme=programme, capacity=1)
    check = IsolationCheck(client, viewer=manager)

    def asking(organisation: Any, marker: str, team: Any = None) -> Booking:
        member = MembershipFactory(organisation=organisation, role=Role.NQSW, team=team)
        member.user.full_name = marker
        member.user.save()
        return BookingFactory(
            session=session,
            person=member.user,
            organisation=organisation,
            status=BookingStatus.AWAITING_APPROVAL,
        )

    planted = check.plant(
        asking,
        hidden={
            COLLEAGUE: lambda marker: asking(orgs.home, marker),  # the council, not the manager's team
            SIBLING: orgs.sibling,
        },
        shown={"in the manager's team": lambda marker: asking(orgs.home, marker, team=_team_of(manager))},
    )
    check.list_page(reverse("programmes:approvals"), planted)
    check.object_pages(lambda b: reverse("programmes:booking_decline", args=[b.pk]), planted)
    mine = planted.shown[0].obj

    response = client.post(reverse("programmes:booking_decline", args=[mine.pk]), {"reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Say why" in html
    response = client.post(reverse("programmes:booking_decline", args=[mine.pk]), {"reason": "Court week."})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == BookingStatus.DECLINED
    assert mine.decline_reason == "Court week."
    # Decided: no longer waiting for the manager.
    assert client.post(reverse("programmes:booking_approve", args=[mine.pk])).status_code == 404


def test_approving_from_the_list(client: Any, orgs: Any, manager: Any) -> None:
    member = MembershipFactory(organisation=orgs.home, role=Role.NQSW, team=_team_of(manager))
    booking = BookingFactory(
        session__programme__organisation=orgs.home, person=member.user, status=BookingStatus.AWAITING_APPROVAL
    )
    client.force_login(manager)
    assert "Approve" in client.get(reverse("programmes:approvals")).content.decode()
    assert client.post(reverse("programmes:booking_approve", args=[booking.pk])).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.decided_by == manager


def test_staff_add_a_weekly_series(client: Any, orgs: Any, psw: Any) -> None:
    programme = ProgrammeFactory(organisation=orgs.home)
    facilitator = Membership.objects.get(user=psw)
    client.force_login(psw)
    response = client.post(
        reverse("programmes:session_create", args=[programme.pk]),
        {
            "day_0": "10",
            "day_1": "3",
            "day_2": "2027",
            "start": "12:30",
            "end": "13:30",
            "mode": SessionMode.ONLINE,
            "joining_link": "https://meet.example.test/weekly",
            "capacity": "20",
            "facilitator": facilitator.pk,
            "booking_closes_days_before": "1",
            "weeks": "4",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sessions = list(Session.objects.filter(programme=programme))
    assert len(sessions) == 4
    assert len({s.series for s in sessions}) == 1
    assert [timezone.localtime(s.starts_at).strftime("%d %H:%M") for s in sessions] == [
        "10 12:30",
        "17 12:30",
        "24 12:30",
        "31 12:30",  # in British Summer Time, from 28 March 2027
    ]
    assert sessions[0].booking_closes_on == datetime.date(2027, 3, 9)
    assert all(s.facilitator == facilitator for s in sessions)


def test_an_invalid_session_form_says_error(client: Any, orgs: Any, psw: Any) -> None:
    programme = ProgrammeFactory(organisation=orgs.home)
    client.force_login(psw)
    response = client.post(
        reverse("programmes:session_create", args=[programme.pk]),
        {"start": "14:00", "end": "13:00", "mode": SessionMode.IN_PERSON, "capacity": "0", "weeks": "1"},
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Enter the venue" in html
    assert "The end time must be after" in html
    assert not Session.objects.exists()


def test_a_facilitator_from_elsewhere_is_refused(client: Any, orgs: Any, psw: Any, outsider: Any) -> None:
    programme = ProgrammeFactory(organisation=orgs.home)
    client.force_login(psw)
    response = client.post(
        reverse("programmes:session_create", args=[programme.pk]),
        {
            "day_0": "10",
            "day_1": "3",
            "day_2": "2027",
            "start": "10:00",
            "end": "11:00",
            "mode": SessionMode.IN_PERSON,
            "venue": "Room 1",
            "capacity": "5",
            "facilitator": Membership.objects.get(user=outsider).pk,
            "weeks": "1",
        },
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_staff_see_who_is_booked_and_waiting(client: Any, orgs: Any, psw: Any, nqsw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home, capacity=1)
    BookingFactory(session=session, person=UserFactory(full_name="Ada Booked"))
    BookingFactory(
        session=session,
        person=UserFactory(full_name="Ben Waiting"),
        status=BookingStatus.WAITLISTED,
        waitlisted_at=timezone.now(),
    )
    client.force_login(psw)
    html = client.get(reverse("programmes:session", args=[session.pk])).content.decode()
    assert "Ada Booked" in html
    assert "Ben Waiting" in html
    assert "Full (1 waiting)" in html
    client.force_login(nqsw)
    html = client.get(reverse("programmes:session", args=[session.pk])).content.decode()
    assert "Ada Booked" not in html
    assert "Full (1 waiting)" in html


@pytest.mark.parametrize(
    "name",
    ["session_book", "booking_cancel", "offer_accept", "booking_approve", "calendar_mint", "calendar_revoke"],
)
def test_post_only_actions_refuse_get(client: Any, nqsw: Any, name: str) -> None:
    import uuid

    args = [] if name.startswith("calendar") else [uuid.uuid4()]
    client.force_login(nqsw)
    assert client.get(reverse(f"programmes:{name}", args=args)).status_code == 405


def test_signed_out_visitors_are_sent_to_sign_in(client: Any, orgs: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    for url in (
        reverse("programmes:catalogue"),
        reverse("programmes:session", args=[session.pk]),
        reverse("programmes:my_bookings"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
