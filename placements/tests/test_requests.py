"""University partners, placement requests and offers: who sees what, and the writes."""

from typing import Any

import pytest
from django.urls import reverse

from academy.models import AuditEntry, Organisation
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, OrganisationFactory, TeamFactory
from conftest import Orgs
from placements.models import PlacementOffer, PlacementRequest, UniversityPartnership
from placements.tests.factories import (
    PlacementFactory,
    PlacementOfferFactory,
    PlacementRequestFactory,
    UniversityPartnershipFactory,
)

pytestmark = pytest.mark.django_db

BASE_MFA = 4  # user, memberships, authenticator, unread notification count
BASE = 3  # user, memberships, unread notification count


def _other_university_tutor() -> Any:
    other = OrganisationFactory(
        name="Far Hills University", slug="far-hills", kind=Organisation.Kind.UNIVERSITY
    )
    return MembershipFactory(organisation=other, role=Role.TUTOR).user, other


def _request_to(partner: Organisation, university: Organisation, marker: str = "", **kwargs: Any) -> Any:
    partnership = UniversityPartnership.objects.filter(university=university, partner=partner).first()
    if partnership is None:
        partnership = UniversityPartnershipFactory(university=university, partner=partner)
    return PlacementRequestFactory(partnership=partnership, notes=marker, **kwargs)


def test_staff_add_a_partner_university(client: Any, psw: Any, orgs: Orgs) -> None:
    client.force_login(psw)
    url = reverse("placements:partners")
    response = client.post(url, {"university": orgs.university.pk, "partner": orgs.home.pk})
    assert response.status_code == 302
    partnership = UniversityPartnership.objects.get()
    assert (partnership.university, partnership.partner, partnership.added_by) == (
        orgs.university,
        orgs.home,
        psw,
    )
    assert AuditEntry.objects.filter(verb="placements.partnership_add", organisation=orgs.home).exists()
    html = client.get(url).content.decode()
    assert "University of Testvale" in html
    again = client.post(url, {"university": orgs.university.pk, "partner": orgs.home.pk})
    assert "is already a partner" in again.content.decode()
    assert UniversityPartnership.objects.count() == 1


def test_only_universities_and_own_organisations_can_be_partnered(client: Any, psw: Any, orgs: Orgs) -> None:
    client.force_login(psw)
    url = reverse("placements:partners")
    not_a_university = client.post(url, {"university": orgs.other.pk, "partner": orgs.home.pk})
    assert "Choose a university from the list" in not_a_university.content.decode()
    not_ours = client.post(url, {"university": orgs.university.pk, "partner": orgs.sibling.pk})
    assert "Choose one of your organisations" in not_ours.content.decode()
    assert not UniversityPartnership.objects.exists()


def test_tutor_asks_for_places(client: Any, tutor: Any, orgs: Orgs) -> None:
    partnership = UniversityPartnershipFactory(university=orgs.university, partner=orgs.home)
    client.force_login(tutor)
    url = reverse("placements:request_add")
    assert "Home Borough Council" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "partnership": partnership.pk,
            "kind": "final",
            "days_required": "100",
            "starts_on_0": "6",
            "starts_on_1": "9",
            "starts_on_2": "2027",
            "ends_on_0": "11",
            "ends_on_1": "2",
            "ends_on_2": "2028",
            "students": "3",
            "settings_wanted": ["children_families"],
        },
    )
    created = PlacementRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:request", args=[created.pk])
    assert (created.university, created.partner, created.kind, created.students) == (
        orgs.university,
        orgs.home,
        "final",
        3,
    )
    assert AuditEntry.objects.filter(verb="placements.request_create", actor=tutor).exists()


def test_request_dates_must_be_in_order(client: Any, tutor: Any, orgs: Orgs) -> None:
    partnership = UniversityPartnershipFactory(university=orgs.university, partner=orgs.home)
    client.force_login(tutor)
    response = client.post(
        reverse("placements:request_add"),
        {
            "partnership": partnership.pk,
            "kind": "first",
            "days_required": "70",
            "starts_on_0": "6",
            "starts_on_1": "9",
            "starts_on_2": "2027",
            "ends_on_0": "6",
            "ends_on_1": "9",
            "ends_on_2": "2027",
            "students": "1",
        },
    )
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "The end date must be after the start date" in html
    assert not PlacementRequest.objects.exists()


def test_tutor_without_a_partner_is_told_what_to_do(client: Any, tutor: Any) -> None:
    client.force_login(tutor)
    assert (
        "has no partner academy or council yet"
        in client.get(reverse("placements:request_add")).content.decode()
    )


def test_a_tutor_sees_their_own_universitys_requests_only(client: Any, tutor: Any, orgs: Orgs) -> None:
    other_tutor, other_university = _other_university_tutor()
    check = IsolationCheck(client, viewer=tutor)
    planted = check.plant(
        lambda university, marker: _request_to(orgs.home, university, marker),
        hidden={"another university": other_university},
        shown={"the tutor's university": orgs.university},
    )
    # The list shows no notes, so it is checked by the links it holds; each page by its status.
    own = planted.shown[0].obj
    html = client.get(reverse("placements:requests")).content.decode()
    assert reverse("placements:request", args=[own.pk]) in html
    assert reverse("placements:request", args=[planted.hidden[0].obj.pk]) not in html
    check.object_pages(lambda r: reverse("placements:request", args=[r.pk]), planted)
    # And the other way round: the other tutor cannot open this university's request.
    client.force_login(other_tutor)
    assert client.get(reverse("placements:request", args=[own.pk])).status_code == 404


def test_staff_see_requests_to_their_organisations_only(client: Any, psw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda partner, marker: _request_to(partner, orgs.university, students=1, days_required=len(marker)),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"the PSW's council": orgs.home},
    )
    html = client.get(reverse("placements:requests")).content.decode()
    assert html.count(reverse("placements:request", args=[planted.shown[0].obj.pk])) == 1
    for sentinel in planted.hidden:
        assert reverse("placements:request", args=[sentinel.obj.pk]) not in html
    check.object_pages(lambda r: reverse("placements:request", args=[r.pk]), planted)
    check.object_pages(lambda r: reverse("placements:offer_add", args=[r.pk]), planted, method="POST")


def test_staff_offer_places_from_their_teams(client: Any, psw: Any, tutor: Any, orgs: Orgs) -> None:
    placement_request = _request_to(orgs.home, orgs.university)
    team = TeamFactory(organisation=orgs.home, name="Hospital Social Work")
    sibling_team = TeamFactory(organisation=orgs.sibling, name="Not Ours")
    client.force_login(psw)
    page = client.get(reverse("placements:request", args=[placement_request.pk])).content.decode()
    assert "Hospital Social Work" in page
    assert "Not Ours" not in page
    url = reverse("placements:offer_add", args=[placement_request.pk])
    refused = client.post(url, {"team": sibling_team.pk, "setting": "health", "places": "1"})
    assert refused.status_code == 200
    assert "Choose one of your teams" in refused.content.decode()
    response = client.post(url, {"team": team.pk, "setting": "health", "places": "2"})
    assert response.status_code == 302
    offer = PlacementOffer.objects.get()
    assert (offer.team, offer.places, offer.offered_by) == (team, 2, psw)
    assert AuditEntry.objects.filter(verb="placements.offer_create").exists()
    twice = client.post(url, {"team": team.pk, "setting": "health", "places": "1"})
    assert "has already offered places" in twice.content.decode()

    client.force_login(tutor)
    seen = client.get(reverse("placements:request", args=[placement_request.pk])).content.decode()
    assert "Hospital Social Work" in seen
    assert "Offer places" not in seen
    assert client.post(url, {"team": team.pk, "setting": "health", "places": "1"}).status_code == 403
    assert client.get(url).status_code == 405


def test_requests_list_query_count(
    client: Any, tutor: Any, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        placement_request = _request_to(orgs.home, orgs.university)
        for _ in range(3):
            PlacementOfferFactory(
                request=placement_request, team=TeamFactory(organisation=orgs.home), places=n + 1
            )
    client.force_login(tutor)
    # base (3) + the count for pagination + the page of requests with university and partner
    # joined and the places offered summed
    with django_assert_num_queries(BASE + 2):
        response = client.get(reverse("placements:requests"))
    html = response.content.decode()
    assert html.count("First placement") == 3


def test_request_page_query_count(client: Any, psw: Any, orgs: Orgs, django_assert_num_queries: Any) -> None:
    placement_request = _request_to(orgs.home, orgs.university)
    for _ in range(3):
        offer = PlacementOfferFactory(request=placement_request, team=TeamFactory(organisation=orgs.home))
        PlacementFactory(offer=offer)
    client.force_login(psw)
    # base (4) + the request with university, partner and requester + its offers with team,
    # organisation and who offered + the students placed, with their people and team + the
    # teams for the offer form
    with django_assert_num_queries(BASE_MFA + 4):
        response = client.get(reverse("placements:request", args=[placement_request.pk]))
    assert response.status_code == 200


def test_partners_list_query_count(
    client: Any, academy_admin: Any, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        university = OrganisationFactory(kind=Organisation.Kind.UNIVERSITY, name=f"University {n}")
        for partner in (orgs.home, orgs.sibling, orgs.partnership):
            UniversityPartnershipFactory(university=university, partner=partner)
    client.force_login(academy_admin)
    # base (4) + the partnership's scope (two levels) + the count for pagination + the page
    # with university and partner joined + the universities and the organisations in the form
    with django_assert_num_queries(BASE_MFA + 2 + 2 + 2):
        response = client.get(reverse("placements:partners"))
    assert response.content.decode().count("University 1") >= 3
