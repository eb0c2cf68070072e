"""The register: the facilitator (or the academy's staff) marks who attended and who did not, in
one form that fits a phone; attending makes a draft CPD record in the person's own ledger, filled
in from the programme, exactly once per attendance; a facilitator sees only their own sessions'
registers."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from academy.models import AuditEntry, Membership
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, UserFactory
from cpd.models import ActivityType, CpdRecord, RecordStatus
from cpd.selectors import cpd_topic_elements
from cpd.year_loader import load_registration_years
from programmes.models import Attendance, Booking, BookingStatus, LearningOutcome, ProgrammeKind, Session
from programmes.services import attendance_mark, booking_cancel
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _years(db: None) -> None:
    load_registration_years()  # a transactional test earlier in the run may have removed them


def started(organisation: Any, *, facilitator: Membership | None = None, **programme: Any) -> Session:
    start = timezone.now() - datetime.timedelta(hours=1)
    return SessionFactory(
        programme=ProgrammeFactory(organisation=organisation, **programme),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        facilitator=facilitator,
    )


def test_marking_attendance_drafts_cpd_once(client: Any, orgs: Any, practice_educator: Any) -> None:
    facilitator = Membership.objects.get(user=practice_educator)
    session = started(
        orgs.home,
        facilitator=facilitator,
        title="Working with hoarding",
        kind=ProgrammeKind.COURSE,
        cpd_hours=Decimal("6"),
        provider_name="Hearthside Training",
    )
    topic = cpd_topic_elements().first()
    assert topic is not None
    outcome = LearningOutcome.objects.create(
        programme=session.programme, text="Plan a proportionate response"
    )
    outcome.elements.add(topic)
    came = BookingFactory(session=session, person=UserFactory(full_name="Ada Attended"))
    missed = BookingFactory(session=session, person=UserFactory(full_name="Ben Absent"))
    BookingFactory(session=session, status=BookingStatus.WAITLISTED, waitlisted_at=timezone.now())

    client.force_login(practice_educator)
    url = reverse("programmes:register", args=[session.pk])
    html = client.get(url).content.decode()
    assert "Ada Attended" in html
    assert "Ben Absent" in html
    data = {f"b_{came.pk}": Attendance.ATTENDED, f"b_{missed.pk}": Attendance.NO_SHOW}
    response = client.post(url, data)
    assert response.status_code == 302
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.attendance == Attendance.ATTENDED
    assert missed.attendance == Attendance.NO_SHOW
    assert came.attendance_marked_by == practice_educator

    record = CpdRecord.objects.get(person=came.person)
    assert record == came.cpd_record
    assert record.status == RecordStatus.DRAFT
    assert record.title == "Working with hoarding"
    assert record.activity_type == ActivityType.COURSE
    assert record.occurred_on == timezone.localdate(session.starts_at)
    assert record.hours == Decimal("6")
    assert record.provider == "Hearthside Training"
    assert "Plan a proportionate response" in record.description
    assert list(record.topics.all()) == [topic]
    assert not CpdRecord.objects.filter(person=missed.person).exists()
    assert (
        AuditEntry.objects.filter(verb="cpd_record.draft_from_attendance", actor=practice_educator).count()
        == 1
    )

    # Saving again, or changing a mark and back, never makes a second draft.
    client.post(url, data)
    client.post(url, {f"b_{came.pk}": Attendance.NO_SHOW})
    client.post(url, data)
    assert CpdRecord.objects.filter(person=came.person).count() == 1
    # Nor when the person deleted the draft: it was made once for this attendance.
    record.delete()
    client.post(url, data)
    assert not CpdRecord.objects.filter(person=came.person).exists()
    # Someone marked as attending cannot then cancel their booking.
    came.refresh_from_db()
    with pytest.raises(ValidationError):
        booking_cancel(actor=came.person, booking=came)


def test_the_register_opens_when_the_session_starts(client: Any, orgs: Any, psw: Any) -> None:
    session = SessionFactory(programme__organisation=orgs.home)
    booking = BookingFactory(session=session)
    client.force_login(psw)
    url = reverse("programmes:register", args=[session.pk])
    assert "The register opens when the session starts." in client.get(url).content.decode()
    with pytest.raises(ValidationError):
        attendance_mark(actor=psw, session=session, marks={str(booking.pk): Attendance.ATTENDED})
    assert Booking.objects.get(pk=booking.pk).attendance == ""


def test_a_session_of_several_weeks_counts_its_own_hours(orgs: Any, psw: Any) -> None:
    session = started(orgs.home, kind=ProgrammeKind.REFLECTIVE_GROUP, cpd_hours=Decimal("12"))
    SessionFactory(programme=session.programme)  # the next week's
    booking = BookingFactory(session=session)
    attendance_mark(actor=psw, session=session, marks={str(booking.pk): Attendance.ATTENDED})
    record = CpdRecord.objects.get(person=booking.person)
    assert record.hours == Decimal("3")
    assert record.activity_type == ActivityType.SUPERVISION


def test_a_facilitator_sees_only_their_own_registers(client: Any, orgs: Any, practice_educator: Any) -> None:
    mine = Membership.objects.get(user=practice_educator)
    check = IsolationCheck(client, viewer=practice_educator)

    def make(organisation: Any, marker: str, facilitator: Membership | None = None) -> Session:
        session = started(organisation, title=marker, facilitator=facilitator)
        BookingFactory(session=session, person=UserFactory(full_name=f"{marker} attendee"))
        return session

    planted = check.plant(
        make,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: lambda marker: make(
                orgs.sibling,
                marker,
                MembershipFactory(organisation=orgs.sibling, role=Role.PRACTICE_EDUCATOR),
            ),
        },
        shown={
            "facilitated by the viewer": lambda marker: make(orgs.home, marker, mine),
            "a sibling council's session the viewer facilitates": lambda marker: make(
                orgs.sibling, marker, mine
            ),
        },
    )
    check.list_page(reverse("programmes:facilitating"), planted)
    check.object_pages(lambda s: reverse("programmes:register", args=[s.pk]), planted)
    # A colleague's session in the viewer's own council: they can see it, but not mark it.
    colleague = make(
        orgs.home, "colleague", MembershipFactory(organisation=orgs.home, role=Role.PRACTICE_EDUCATOR)
    )
    assert client.get(reverse("programmes:register", args=[colleague.pk])).status_code == 403
    assert "colleague" not in client.get(reverse("programmes:facilitating")).content.decode()


def test_a_facilitator_whose_employment_ended_no_longer_reaches_the_register(client: Any, orgs: Any) -> None:
    """They may still sign in to their own CPD (ADR 0012): the register, its attendees' names and
    the marking go with the employment."""
    leaver = UserFactory(full_name="Left Facilitator")
    membership = MembershipFactory(user=leaver, organisation=orgs.home, role=Role.PRACTICE_EDUCATOR)
    session = started(orgs.home, title="Leaver's workshop", facilitator=membership)
    BookingFactory(session=session, person=UserFactory(full_name="Still Booked"))
    client.force_login(leaver)
    register = reverse("programmes:register", args=[session.pk])
    assert client.get(register).status_code == 200
    Membership.objects.filter(pk=membership.pk).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert client.get(register).status_code == 404
    assert client.post(register, {}).status_code == 404
    assert "Leaver's workshop" not in client.get(reverse("programmes:facilitating")).content.decode()


def test_register_query_count(client: Any, orgs: Any, psw: Any, django_assert_num_queries: Any) -> None:
    session = started(orgs.home)
    for _ in range(4):
        BookingFactory(session=session)
    client.force_login(psw)
    # user, memberships, authenticator, the session (access selector), its bookings with
    # people, whether the viewer may open the session page, the unread count.
    with django_assert_num_queries(7):
        response = client.get(reverse("programmes:register", args=[session.pk]))
    assert response.status_code == 200


def test_a_certificate_of_attendance(client: Any, orgs: Any, nqsw: Any, psw: Any) -> None:
    session = started(orgs.home, title="Court skills")
    booking = BookingFactory(session=session, person=nqsw)
    client.force_login(nqsw)
    url = reverse("programmes:certificate", args=[booking.pk])
    assert client.get(url).status_code == 404  # not marked yet
    attendance_mark(actor=psw, session=session, marks={str(booking.pk): Attendance.ATTENDED})
    assert "Certificate (PDF)" in client.get(reverse("programmes:my_bookings")).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(psw)  # even the staff who marked it: the certificate is the person's
    assert client.get(url).status_code == 404
