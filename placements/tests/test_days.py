"""The days log: the student records, the educator or on-site supervisor confirms, the running
total against the requirement (skills days capped, absences not counted), and extensions."""

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from academy.models import AuditEntry
from academy.tests.factories import TeamFactory, UserFactory
from conftest import Orgs
from placements.models import DocumentKind, EducatorStage, Placement, PlacementDay, PlacementExtension
from placements.tests.factories import (
    PlacementDayFactory,
    PlacementDocumentFactory,
    PlacementFactory,
    PracticeEducatorFactory,
)

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 11)
# 1 September in British Summer Time: the log must use London's date, not UTC's.
NOW = datetime.datetime(2027, 3, 29, 23, 30, tzinfo=datetime.UTC)  # 30 March 00:30 in London (BST)


@pytest.fixture
def placement(orgs: Orgs, student: Any, tutor: Any, practice_educator: Any) -> Placement:
    educator = PracticeEducatorFactory(
        user=practice_educator, organisation=orgs.home, stage=EducatorStage.STAGE_2
    )
    return PlacementFactory(
        offer__team=TeamFactory(organisation=orgs.home),
        offer__request__partnership__university=orgs.university,
        offer__request__starts_on=START,
        offer__request__ends_on=datetime.date(2027, 5, 28),
        offer__request__days_required=70,
        educator=educator,
        student=student,
        tutor=tutor,
        on_site_supervisor=UserFactory(full_name="Onsite Orla"),
    )


def _post_day(
    client: Any, placement: Placement, day: datetime.date, kind: str = "practice", note: str = ""
) -> Any:
    return client.post(
        reverse("placements:day_add", args=[placement.pk]),
        {"day_0": day.day, "day_1": day.month, "day_2": day.year, "kind": kind, "note": note},
    )


@time_machine.travel(NOW, tick=False)
def test_student_records_days(client: Any, student: Any, placement: Placement) -> None:
    client.force_login(student)
    response = _post_day(client, placement, datetime.date(2027, 3, 30), note="Home visit with my educator")
    assert response.status_code == 302
    entry = PlacementDay.objects.get()
    assert (entry.day, entry.kind, entry.recorded_by, entry.confirmed_at) == (
        datetime.date(2027, 3, 30),
        "practice",
        student,
        None,
    )
    assert AuditEntry.objects.filter(verb="placements.day_record", actor=student).exists()
    # London's today is 30 March: 31 March is still ahead.
    future = _post_day(client, placement, datetime.date(2027, 3, 31))
    assert "Enter a day that has passed, or today" in future.content.decode()
    before = _post_day(client, placement, datetime.date(2027, 1, 10))
    assert "within the placement&#x27;s dates" in before.content.decode()
    twice = _post_day(client, placement, datetime.date(2027, 3, 30), kind="skills")
    assert "This day is already recorded" in twice.content.decode()
    assert "<title>Error: " in twice.content.decode()
    assert PlacementDay.objects.count() == 1


def test_educator_confirms_and_the_total_runs(
    client: Any, practice_educator: Any, placement: Placement, settings: Any
) -> None:
    settings.PLACEMENTS_SKILLS_DAYS_CAP = 2
    for n in range(5):
        PlacementDayFactory(placement=placement, day=START + datetime.timedelta(days=n))
    for n in range(3):
        PlacementDayFactory(placement=placement, day=START + datetime.timedelta(days=10 + n), kind="skills")
    PlacementDayFactory(placement=placement, day=START + datetime.timedelta(days=20), kind="absence")
    client.force_login(practice_educator)
    first = PlacementDay.objects.order_by("day").first()
    assert first is not None
    response = client.post(reverse("placements:day_confirm", args=[placement.pk, first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.confirmed_by == practice_educator
    # Confirming again changes nothing.
    client.post(reverse("placements:day_confirm", args=[placement.pk, first.pk]))
    assert AuditEntry.objects.filter(verb="placements.day_confirm").count() == 1
    html = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "1 of 70 days" in html
    assert "Confirm all 7 waiting days" in html
    client.post(reverse("placements:days_confirm_all", args=[placement.pk]))
    html = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    # 5 practice + 2 of the 3 skills days (the cap) = 7; the absence does not count.
    assert "7 of 70 days" in html
    assert "63 short" in html
    assert "3 skills days (1 over the cap, not counted)" in html
    assert "1 day" in html  # the absence


def test_skills_days_on_another_placement_use_up_the_cap(
    client: Any, practice_educator: Any, placement: Placement, settings: Any
) -> None:
    settings.PLACEMENTS_SKILLS_DAYS_CAP = 3
    earlier = PlacementFactory(student=placement.student, kind="first")
    for n in range(2):
        PlacementDayFactory(
            placement=earlier,
            day=earlier.starts_on + datetime.timedelta(days=n),
            kind="skills",
            confirmed_at=NOW,
            confirmed_by=practice_educator,
        )
    for n in range(2):
        PlacementDayFactory(
            placement=placement,
            day=START + datetime.timedelta(days=n),
            kind="skills",
            confirmed_at=NOW,
            confirmed_by=practice_educator,
        )
    client.force_login(practice_educator)
    html = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "1 of 70 days" in html
    assert "2 skills days (1 over the cap, not counted)" in html


def test_on_site_supervisor_confirms_too(client: Any, placement: Placement, orgs: Orgs) -> None:
    from academy.roles import Role
    from academy.tests.factories import MembershipFactory

    supervisor = placement.on_site_supervisor
    assert supervisor is not None
    MembershipFactory(user=supervisor, organisation=orgs.home, role=Role.SOCIAL_WORKER)
    entry = PlacementDayFactory(placement=placement)
    client.force_login(supervisor)
    assert client.post(reverse("placements:day_confirm", args=[placement.pk, entry.pk])).status_code == 302
    entry.refresh_from_db()
    assert entry.confirmed_by == supervisor


def test_what_the_tutor_and_student_may_do(
    client: Any, tutor: Any, student: Any, placement: Placement
) -> None:
    entry = PlacementDayFactory(placement=placement, note="private reflection sentinel")
    client.force_login(tutor)
    html = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "0 of 70 days" in html
    assert "private reflection sentinel" not in html
    assert client.get(reverse("placements:day_add", args=[placement.pk])).status_code == 403
    assert client.post(reverse("placements:day_confirm", args=[placement.pk, entry.pk])).status_code == 403
    client.force_login(student)
    html = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "private reflection sentinel" in html
    assert client.post(reverse("placements:day_confirm", args=[placement.pk, entry.pk])).status_code == 403
    assert client.post(reverse("placements:days_confirm_all", args=[placement.pk])).status_code == 403
    assert client.get(reverse("placements:days_confirm_all", args=[placement.pk])).status_code == 405
    assert client.get(reverse("placements:extension_add", args=[placement.pk])).status_code == 403


def test_another_councils_staff_and_another_tutor_are_not_told_it_exists(
    client: Any, sibling_psw: Any, outsider: Any, placement: Placement
) -> None:
    from academy.models import Organisation
    from academy.roles import Role
    from academy.tests.factories import MembershipFactory, OrganisationFactory

    elsewhere = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY)
    other_tutor = MembershipFactory(organisation=elsewhere, role=Role.TUTOR).user
    entry = PlacementDayFactory(placement=placement)
    for person in (sibling_psw, outsider, other_tutor):
        client.force_login(person)
        assert client.get(reverse("placements:placement", args=[placement.pk])).status_code == 404
        assert client.get(reverse("placements:day_add", args=[placement.pk])).status_code == 404
        assert (
            client.post(reverse("placements:day_confirm", args=[placement.pk, entry.pk])).status_code == 404
        )


def test_staff_extend_a_placement(client: Any, psw: Any, placement: Placement) -> None:
    client.force_login(psw)
    url = reverse("placements:extension_add", args=[placement.pk])
    earlier = client.post(
        url, {"ends_on_0": "1", "ends_on_1": "5", "ends_on_2": "2027", "reason": "Too soon"}
    )
    assert "must be after the current one" in earlier.content.decode()
    response = client.post(
        url, {"ends_on_0": "11", "ends_on_1": "6", "ends_on_2": "2027", "reason": "Two weeks of sick leave"}
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.ends_on == datetime.date(2027, 6, 11)
    extension = PlacementExtension.objects.get()
    assert (extension.previous_ends_on, extension.agreed_by) == (datetime.date(2027, 5, 28), psw)
    html = client.get(reverse("placements:placement", args=[placement.pk])).content.decode()
    assert "Two weeks of sick leave" in html


def test_placement_page_query_count(
    client: Any, practice_educator: Any, placement: Placement, django_assert_num_queries: Any
) -> None:
    for n in range(4):
        PlacementDayFactory(
            placement=placement,
            day=START + datetime.timedelta(days=n),
            confirmed_by=practice_educator,
            confirmed_at=NOW,
        )
    for n in range(3):
        PlacementExtension.objects.create(
            placement=placement,
            previous_ends_on=datetime.date(2027, 5, 28) + datetime.timedelta(days=n),
            ends_on=datetime.date(2027, 5, 29) + datetime.timedelta(days=n),
            reason=f"Reason {n}",
            agreed_by=practice_educator,
        )
    for n in range(3):
        PlacementDocumentFactory(
            placement=placement, kind=DocumentKind.OBSERVATION, held_on=START + datetime.timedelta(days=n)
        )
    client.force_login(practice_educator)
    # base (3: user, memberships, unread count) + the placement with its people + the days
    # summary (one aggregate) + the count of days for pagination + the page of days with who
    # confirmed + the extensions with who agreed + the records with their signature counts
    with django_assert_num_queries(3 + 6):
        response = client.get(reverse("placements:placement", args=[placement.pk]))
    assert response.status_code == 200
