"""The register of practice educators: who sees it, its filters, its query count, adding and
changing entries, and the educator's own view."""

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from academy.models import AuditEntry
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, TeamFactory, UserFactory
from conftest import Orgs
from placements.demo import load_placements_demo
from placements.models import (
    EducatorRole,
    EducatorStage,
    Placement,
    PlacementOffer,
    PlacementRequest,
    PracticeEducator,
)
from placements.tests.factories import PracticeEducatorFactory

pytestmark = pytest.mark.django_db

BASE_MFA = 4  # user, memberships, authenticator, unread notification count
TODAY = datetime.date(2026, 9, 1)  # in British Summer Time


def _entry(organisation: Any, name: str, **kwargs: Any) -> PracticeEducator:
    return PracticeEducatorFactory(organisation=organisation, user=UserFactory(full_name=name), **kwargs)


def test_register_is_scoped_to_the_staff_members_organisations(client: Any, psw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: _entry(organisation, marker),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"in the PSW's council": orgs.home},
    )
    check.list_page(reverse("placements:register"), planted)
    check.object_pages(lambda e: reverse("placements:educator", args=[e.pk]), planted)
    check.object_pages(lambda e: reverse("placements:educator_edit", args=[e.pk]), planted)


def test_partnership_staff_see_every_member_council(client: Any, academy_admin: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(
        lambda organisation, marker: _entry(organisation, marker),
        hidden={UNRELATED: orgs.other},
        shown={"home council": orgs.home, "sibling council": orgs.sibling},
    )
    check.list_page(reverse("placements:register"), planted)


def test_other_roles_are_refused_the_register(client: Any, practice_educator: Any, tutor: Any) -> None:
    for person in (practice_educator, tutor):
        client.force_login(person)
        assert client.get(reverse("placements:register")).status_code == 403
        assert client.get(reverse("placements:educator_add")).status_code == 403


@time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("currency", "shown"),
    [
        ("current", {"Cora Current"}),
        ("lapsing", {"Lena Lapsing"}),
        ("lapsed", {"Lars Lapsed"}),
        ("in_training", {"Tia Trainee"}),
        ("", {"Cora Current", "Lena Lapsing", "Lars Lapsed", "Tia Trainee"}),
    ],
)
def test_register_filters_by_currency(
    client: Any, psw: Any, orgs: Orgs, currency: str, shown: set[str]
) -> None:
    # The default interval is 24 months with a 90-day warning.
    _entry(orgs.home, "Cora Current", qualified_on=datetime.date(2025, 1, 1))
    _entry(
        orgs.home,
        "Lena Lapsing",
        qualified_on=datetime.date(2024, 6, 1),
        last_update_on=datetime.date(2024, 10, 1),
    )
    _entry(orgs.home, "Lars Lapsed", qualified_on=datetime.date(2024, 9, 1))  # lapsed today
    _entry(orgs.home, "Tia Trainee", stage=EducatorStage.TRAINEE, qualified_on=None)
    client.force_login(psw)
    html = client.get(reverse("placements:register"), {"currency": currency}).content.decode()
    everyone = {"Cora Current", "Lena Lapsing", "Lars Lapsed", "Tia Trainee"}
    assert {name for name in everyone if name in html} == shown


def test_register_filters_by_stage_role_and_name(client: Any, psw: Any, orgs: Orgs) -> None:
    _entry(orgs.home, "Sasha Stagetwo", stage=EducatorStage.STAGE_2, role=EducatorRole.OFF_SITE)
    _entry(orgs.home, "Olu Stageone", stage=EducatorStage.STAGE_1)
    client.force_login(psw)
    url = reverse("placements:register")
    html = client.get(url, {"stage": "stage_2"}).content.decode()
    assert "Sasha Stagetwo" in html
    assert "Olu Stageone" not in html
    html = client.get(url, {"role": "on_site"}).content.decode()
    assert "Olu Stageone" in html
    assert "Sasha Stagetwo" not in html
    html = client.get(url, {"q": "stageone"}).content.decode()
    assert "Olu Stageone" in html
    assert "Sasha Stagetwo" not in html
    html = client.get(url, {"q": "nobody-like-this"}).content.decode()
    assert "No educator matches these filters" in html


def test_register_empty_state(client: Any, psw: Any) -> None:
    client.force_login(psw)
    html = client.get(reverse("placements:register")).content.decode()
    assert "Nobody is on the register yet" in html


def test_register_query_count(
    client: Any, academy_admin: Any, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for org in (orgs.home, orgs.sibling):
        for n in range(3):
            team = TeamFactory(organisation=org)
            _entry(org, f"Educator {org.slug} {n}", team=team, last_update_on=datetime.date(2026, 1, n + 1))
    client.force_login(academy_admin)
    # base (4) + the partnership's scope (members, then their members) + the organisations in
    # the filter + the count for pagination + the page of entries with person, team and
    # organisation joined
    with django_assert_num_queries(BASE_MFA + 2 + 1 + 2):
        response = client.get(reverse("placements:register"), {"currency": "current", "stage": "stage_1"})
    assert response.status_code == 200
    assert response.content.decode().count("Educator sibling") == 3


def test_staff_add_someone_to_the_register(client: Any, psw: Any, orgs: Orgs) -> None:
    person = MembershipFactory(
        organisation=orgs.home, role=Role.SOCIAL_WORKER, user__full_name="Noor Adeyemi"
    )
    client.force_login(psw)
    url = reverse("placements:educator_add")
    page = client.get(url).content.decode()
    assert "Noor Adeyemi" in page
    response = client.post(
        url,
        {
            "membership": str(person.pk),
            "stage": "stage_2",
            "qualified_on_0": "14",
            "qualified_on_1": "7",
            "qualified_on_2": "2023",
            "capacity_per_year": "2",
            "settings_offered": ["adults", "health"],
            "role": "off_site",
        },
    )
    entry = PracticeEducator.objects.get(user=person.user)
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:educator", args=[entry.pk])
    assert entry.organisation == orgs.home
    assert entry.qualified_on == datetime.date(2023, 7, 14)
    assert entry.settings_offered == ["adults", "health"]
    audit = AuditEntry.objects.get(verb="placements.educator_register")
    assert audit.actor == psw
    assert audit.organisation == orgs.home
    assert audit.after["stage"] == "stage_2"
    # Once on the register, they are no longer offered.
    client.get(response["Location"])  # the page that shows the confirmation
    assert "Noor Adeyemi" not in client.get(url).content.decode()


def test_adding_needs_a_qualified_date_unless_trainee(client: Any, psw: Any, orgs: Orgs) -> None:
    person = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER)
    client.force_login(psw)
    response = client.post(
        reverse("placements:educator_add"),
        {"membership": str(person.pk), "stage": "stage_1", "capacity_per_year": "1", "role": "on_site"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter the date they qualified at this stage" in html
    assert not PracticeEducator.objects.exists()


def test_staff_cannot_add_someone_from_another_council(client: Any, psw: Any, orgs: Orgs) -> None:
    elsewhere = MembershipFactory(organisation=orgs.sibling, role=Role.SOCIAL_WORKER)
    client.force_login(psw)
    response = client.post(
        reverse("placements:educator_add"),
        {"membership": str(elsewhere.pk), "stage": "trainee", "capacity_per_year": "1", "role": "on_site"},
    )
    assert response.status_code == 200
    assert "Choose someone from the list" in response.content.decode()
    assert not PracticeEducator.objects.exists()


def test_staff_change_an_entry_and_the_educator_reads_it(
    client: Any, psw: Any, practice_educator: Any, orgs: Orgs
) -> None:
    entry = PracticeEducatorFactory(user=practice_educator, organisation=orgs.home)
    client.force_login(psw)
    response = client.post(
        reverse("placements:educator_edit", args=[entry.pk]),
        {
            "stage": "stage_2",
            "qualified_on_0": "1",
            "qualified_on_1": "3",
            "qualified_on_2": "2026",
            "last_update_on_0": "2",
            "last_update_on_1": "6",
            "last_update_on_2": "2026",
            "capacity_per_year": "3",
            "settings_offered": ["children_families"],
            "role": "on_site",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.stage, entry.capacity_per_year) == ("stage_2", 3)
    audit = AuditEntry.objects.get(verb="placements.educator_update")
    assert audit.before["stage"] == "stage_1"
    assert audit.after["stage"] == "stage_2"

    client.force_login(practice_educator)
    assert client.get(reverse("placements:my_entry"))["Location"] == reverse(
        "placements:educator", args=[entry.pk]
    )
    html = client.get(reverse("placements:educator", args=[entry.pk])).content.decode()
    assert "Your entry on the register" in html
    assert "Stage 2" in html
    assert reverse("placements:educator_edit", args=[entry.pk]) not in html
    assert client.get(reverse("placements:educator_edit", args=[entry.pk])).status_code == 403
    assert (
        client.post(reverse("placements:educator_edit", args=[entry.pk]), {"stage": "trainee"}).status_code
        == 403
    )


def test_another_councils_educator_is_not_found(client: Any, practice_educator: Any, orgs: Orgs) -> None:
    other = _entry(orgs.sibling, "Someone Else")
    client.force_login(practice_educator)
    assert client.get(reverse("placements:educator", args=[other.pk])).status_code == 404


def test_educator_without_an_entry_sees_what_to_do(client: Any, practice_educator: Any) -> None:
    client.force_login(practice_educator)
    html = client.get(reverse("placements:my_entry")).content.decode()
    assert "You are not on the register" in html


def test_anonymous_is_sent_to_sign_in(client: Any) -> None:
    response = client.get(reverse("placements:register"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_demo_loader_is_idempotent(db: None) -> None:
    from academy.demo import load_core_demo

    load_core_demo()  # the demo people; the other apps' loaders are theirs to test
    load_placements_demo()
    first = PracticeEducator.objects.count()
    load_placements_demo()
    assert first == 4
    assert PracticeEducator.objects.count() == first
    assert PlacementRequest.objects.count() == 2
    assert PlacementOffer.objects.count() == 1
    placement = Placement.objects.get()
    assert placement.student.email == "student@demo.academy.test"
    assert placement.on_site_supervisor is not None
    assert placement.status == Placement.Status.ACTIVE
    days = placement.days.all()
    assert days.filter(kind="absence").count() == 1
    assert days.filter(confirmed_at__isnull=False).count() > 10
    assert days.filter(confirmed_at__isnull=True).exclude(kind="absence").exists()
    records = {d.kind: d.signatures.count() for d in placement.documents.all()}
    assert records == {"learning_agreement": 4, "observation": 1}
