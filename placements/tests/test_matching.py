"""The matching screen, confirming a placement, and who sees a placement."""

import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from academy.models import AuditEntry, Organisation
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory
from conftest import Orgs
from placements import services
from placements.models import EducatorRole, EducatorStage, Placement, PlacementKind, PlacementRequest
from placements.tests.factories import (
    PlacementFactory,
    PlacementOfferFactory,
    PlacementRequestFactory,
    PracticeEducatorFactory,
    UniversityPartnershipFactory,
)

pytestmark = pytest.mark.django_db

BASE_MFA = 4  # user, memberships, authenticator, unread notification count
TODAY = datetime.date(2026, 12, 1)


def _educator(org: Organisation, name: str, **kwargs: Any) -> Any:
    kwargs.setdefault("stage", EducatorStage.STAGE_2)
    kwargs.setdefault("qualified_on", datetime.date(2025, 6, 1))
    kwargs.setdefault("settings_offered", ["adults", "children_families"])
    return PracticeEducatorFactory(organisation=org, user=UserFactory(full_name=name), **kwargs)


@pytest.fixture
def final_request(orgs: Orgs, tutor: Any) -> PlacementRequest:
    partnership = UniversityPartnershipFactory(university=orgs.university, partner=orgs.home)
    return PlacementRequestFactory(
        partnership=partnership,
        kind=PlacementKind.FINAL,
        days_required=100,
        students=2,
        starts_on=datetime.date(2027, 1, 11),
        ends_on=datetime.date(2027, 6, 25),
        requested_by=tutor,
    )


def _match_url(placement_request: PlacementRequest, student: Any, **extra: str) -> str:
    query = {"student": student.pk, **extra}
    return reverse("placements:match", args=[placement_request.pk]) + "?" + urlencode(query)


def test_proposals_follow_the_rules(
    client: Any, psw: Any, student: Any, orgs: Orgs, final_request: PlacementRequest
) -> None:
    adults = TeamFactory(organisation=orgs.home, name="Adults North")
    PlacementOfferFactory(request=final_request, team=adults, setting="adults", places=1)
    _educator(orgs.home, "Suitable Sara", team=adults)
    _educator(orgs.home, "Stageone Sid", stage=EducatorStage.STAGE_1)
    full = _educator(orgs.home, "Full Fay", capacity_per_year=1)
    PlacementFactory(educator=full, starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2027, 1, 1))
    _educator(
        orgs.home,
        "Away Abe",
        unavailable_from=datetime.date(2027, 3, 1),
        unavailable_until=datetime.date(2027, 4, 1),
    )
    _educator(orgs.home, "Lapsed Lou", qualified_on=datetime.date(2023, 1, 1))
    _educator(orgs.sibling, "Sibling Sam")  # another council: never proposed
    client.force_login(psw)
    html = client.get(_match_url(final_request, student, first_setting="children_families")).content.decode()
    assert "1 suitable pairing for" in html
    assert "Only a stage 2 educator can take a final placement" in html
    assert "No capacity left this academic year" in html
    assert "Not available for these dates" in html
    assert "Currency has lapsed" in html
    assert "Sibling Sam" not in html
    # The suitable one comes first and links to the confirmation.
    assert html.index("Suitable Sara") < html.index("Stageone Sid")
    assert reverse("placements:match_confirm", args=[final_request.pk]) in html


def test_a_final_placement_contrasts_with_the_recorded_first(
    client: Any, psw: Any, student: Any, orgs: Orgs, final_request: PlacementRequest
) -> None:
    PlacementFactory(student=student, kind="first", setting="adults", offer__setting="adults")
    PlacementOfferFactory(request=final_request, team=TeamFactory(organisation=orgs.home), setting="adults")
    _educator(orgs.home, "Only Olive")
    client.force_login(psw)
    html = client.get(_match_url(final_request, student)).content.decode()
    assert "Same kind of setting as the student&#x27;s first placement" in html
    assert "0 suitable pairings" in html


def test_confirming_creates_the_placement(
    client: Any, psw: Any, student: Any, tutor: Any, orgs: Orgs, final_request: PlacementRequest
) -> None:
    team = TeamFactory(organisation=orgs.home, name="Family Help")
    offer = PlacementOfferFactory(request=final_request, team=team, setting="children_families", places=2)
    educator = _educator(orgs.home, "Offsite Olu", role=EducatorRole.OFF_SITE, capacity_per_year=2)
    supervisor = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER, team=team).user
    client.force_login(psw)
    url = (
        reverse("placements:match_confirm", args=[final_request.pk])
        + "?"
        + urlencode(
            {"offer": offer.pk, "educator": educator.pk, "student": student.pk, "first_setting": "adults"}
        )
    )
    page = client.get(url).content.decode()
    assert "On-site supervisor" in page
    refused = client.post(url, {"tutor": tutor.pk})
    assert "Choose an on-site supervisor" in refused.content.decode()
    response = client.post(url, {"tutor": tutor.pk, "on_site_supervisor": supervisor.pk})
    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:placement", args=[placement.pk])
    assert (placement.student, placement.tutor, placement.team, placement.educator) == (
        student,
        tutor,
        team,
        educator,
    )
    assert (placement.on_site_supervisor, placement.kind, placement.days_required) == (
        supervisor,
        "final",
        100,
    )
    assert placement.university == orgs.university
    assert placement.organisation == orgs.home
    assert AuditEntry.objects.filter(verb="placements.placement_confirm", actor=psw).exists()
    final_request.refresh_from_db()
    assert final_request.status == PlacementRequest.Status.OPEN  # two students asked for, one placed
    # The same student cannot take a second final placement.
    again = client.post(url, {"tutor": tutor.pk, "on_site_supervisor": supervisor.pk})
    assert "already has a placement of this kind" in again.content.decode()


def test_the_request_is_filled_when_every_student_is_placed(
    orgs: Orgs, psw: Any, final_request: PlacementRequest
) -> None:
    final_request.students = 1
    final_request.save()
    offer = PlacementOfferFactory(
        request=final_request, team=TeamFactory(organisation=orgs.home), setting="adults"
    )
    educator = _educator(orgs.home, "Ready Rae")
    pupil = MembershipFactory(organisation=orgs.university, role=Role.STUDENT).user
    services.placement_confirm(
        actor=psw, placement_request=final_request, offer=offer, educator=educator, student=pupil, today=TODAY
    )
    final_request.refresh_from_db()
    assert final_request.status == PlacementRequest.Status.FILLED
    another = MembershipFactory(organisation=orgs.university, role=Role.STUDENT).user
    with pytest.raises(ValidationError, match="no longer open"):
        services.placement_confirm(
            actor=psw,
            placement_request=final_request,
            offer=offer,
            educator=educator,
            student=another,
            today=TODAY,
        )


def test_confirm_checks_the_rules_again(orgs: Orgs, psw: Any, final_request: PlacementRequest) -> None:
    """A proposal that was suitable when shown is refused once the educator's capacity is used."""
    offer = PlacementOfferFactory(
        request=final_request, team=TeamFactory(organisation=orgs.home), setting="adults", places=2
    )
    educator = _educator(orgs.home, "Busy Bea", capacity_per_year=1)
    first, second = (
        MembershipFactory(organisation=orgs.university, role=Role.STUDENT).user for _ in range(2)
    )
    services.placement_confirm(
        actor=psw, placement_request=final_request, offer=offer, educator=educator, student=first, today=TODAY
    )
    with pytest.raises(ValidationError, match="No capacity left"):
        services.placement_confirm(
            actor=psw,
            placement_request=final_request,
            offer=offer,
            educator=educator,
            student=second,
            today=TODAY,
        )
    stage_one = _educator(orgs.home, "Stage Sol", stage=EducatorStage.STAGE_1)
    with pytest.raises(ValidationError, match="Only a stage 2 educator"):
        services.placement_confirm(
            actor=psw,
            placement_request=final_request,
            offer=offer,
            educator=stage_one,
            student=second,
            today=TODAY,
        )


def test_confirm_refuses_someone_who_is_not_the_universitys_student(
    orgs: Orgs, psw: Any, nqsw: Any, final_request: PlacementRequest
) -> None:
    offer = PlacementOfferFactory(
        request=final_request, team=TeamFactory(organisation=orgs.home), setting="adults"
    )
    educator = _educator(orgs.home, "Fine Fin")
    with pytest.raises(ValidationError, match="Choose a student of the university"):
        services.placement_confirm(
            actor=psw,
            placement_request=final_request,
            offer=offer,
            educator=educator,
            student=nqsw,
            today=TODAY,
        )


def test_matching_screen_query_count(
    client: Any,
    academy_admin: Any,
    student: Any,
    orgs: Orgs,
    final_request: PlacementRequest,
    django_assert_num_queries: Any,
) -> None:
    for n in range(3):
        team = TeamFactory(organisation=orgs.home)
        PlacementOfferFactory(request=final_request, team=team, setting="adults", places=3)
        educator = _educator(orgs.home, f"Educator {n}", team=team, capacity_per_year=5)
        for _ in range(3):
            PlacementFactory(educator=educator, offer__team=team)
    client.force_login(academy_admin)
    # base (4) + the partnership's scope (two levels) + the request with university, partner and
    # requester + the student chosen (the form's check) + the student's first placement + the
    # offers with places taken + the educators with this year's placements counted (the
    # partner is a council: no tree to walk) + the students listed in the form
    with django_assert_num_queries(BASE_MFA + 2 + 1 + 1 + 1 + 1 + 1 + 1):
        response = client.get(_match_url(final_request, student, first_setting="children_families"))
    assert response.status_code == 200
    assert "9 suitable pairings" in response.content.decode()


def _placement_in(organisation: Organisation, marker: str, **kwargs: Any) -> Any:
    return PlacementFactory(
        offer__team=TeamFactory(organisation=organisation), student=UserFactory(full_name=marker), **kwargs
    )


def test_staff_see_placements_hosted_in_their_organisations(client: Any, psw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: _placement_in(organisation, marker),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"hosted in the PSW's council": orgs.home},
    )
    check.list_page(reverse("placements:placements"), planted)
    check.object_pages(lambda p: reverse("placements:placement", args=[p.pk]), planted)


def test_tutors_see_their_own_students_only(client: Any, tutor: Any, orgs: Orgs) -> None:
    other_university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name="Far Hills University")
    colleague = MembershipFactory(organisation=orgs.university, role=Role.TUTOR).user
    check = IsolationCheck(client, viewer=tutor)
    planted = check.plant(
        lambda organisation, marker: _placement_in(orgs.home, marker, tutor=tutor),
        hidden={
            "another university's placement": lambda marker: _placement_in(
                orgs.home, marker, offer__request__partnership__university=other_university
            ),
            "a colleague tutor's student": lambda marker: _placement_in(
                orgs.home, marker, tutor=colleague, offer__request__partnership__university=orgs.university
            ),
        },
        shown={
            "the tutor's own student": lambda marker: _placement_in(
                orgs.home, marker, tutor=tutor, offer__request__partnership__university=orgs.university
            )
        },
    )
    check.list_page(reverse("placements:placements"), planted)
    check.object_pages(lambda p: reverse("placements:placement", args=[p.pk]), planted)


def test_educators_see_placements_they_support_in_their_council(
    client: Any, practice_educator: Any, orgs: Orgs
) -> None:
    own = PracticeEducatorFactory(user=practice_educator, organisation=orgs.home, stage=EducatorStage.STAGE_2)
    check = IsolationCheck(client, viewer=practice_educator)
    planted = check.plant(
        lambda organisation, marker: _placement_in(organisation, marker),
        hidden={
            "another council's placement": orgs.sibling,
            "a colleague educator's student": orgs.home,
        },
        shown={"their own student": lambda marker: _placement_in(orgs.home, marker, educator=own)},
    )
    check.list_page(reverse("placements:placements"), planted)
    check.object_pages(lambda p: reverse("placements:placement", args=[p.pk]), planted)


def test_a_student_sees_their_own_placement(client: Any, student: Any, orgs: Orgs) -> None:
    own = PlacementFactory(
        offer__team=TeamFactory(organisation=orgs.home),
        offer__request__partnership__university=orgs.university,
        student=student,
    )
    someone_else = _placement_in(orgs.home, "Theirs")
    client.force_login(student)
    assert client.get(reverse("placements:placement", args=[own.pk])).status_code == 200
    assert client.get(reverse("placements:placement", args=[someone_else.pk])).status_code == 404


def test_placements_list_query_count(
    client: Any, tutor: Any, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        for _ in range(3):
            _placement_in(
                orgs.home,
                f"Student {n}",
                tutor=tutor,
                offer__request__partnership__university=orgs.university,
            )
    client.force_login(tutor)
    # base (3: user, memberships, unread count) + the count for pagination + the page of
    # placements with student, university, tutor, team, organisation and educator joined
    with django_assert_num_queries(3 + 2):
        response = client.get(reverse("placements:placements"))
    assert response.content.decode().count("Student ") >= 9


def test_the_student_list_is_searched_and_short(
    client: Any, psw: Any, orgs: Orgs, final_request: PlacementRequest, settings: Any
) -> None:
    from placements import views

    for n in range(views.STUDENTS_LISTED + 2):
        MembershipFactory(
            organisation=orgs.university, role=Role.STUDENT, user__full_name=f"Listed Student {n:03}"
        )
    placed = MembershipFactory(
        organisation=orgs.university, role=Role.STUDENT, user__full_name="Already Final"
    ).user
    PlacementFactory(student=placed, kind="final")
    client.force_login(psw)
    url = reverse("placements:match", args=[final_request.pk])
    html = client.get(url).content.decode()
    assert "More students are waiting than the list shows" in html
    assert "Listed Student 000" in html
    assert f"Listed Student {views.STUDENTS_LISTED + 1:03}" not in html
    html = client.get(url, {"q": f"Student {views.STUDENTS_LISTED + 1:03}"}).content.decode()
    assert f"Listed Student {views.STUDENTS_LISTED + 1:03}" in html
    assert "govuk-error-summary" not in html  # a search is not a submission
    assert "Already Final" not in client.get(url, {"q": "Already"}).content.decode()
