"""The record pages: create, overview, change assessor, the staff list, the NQSW's and the
assessor's own lists — forms, errors, isolation (sentinels) and query counts."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from academy.models import Organisation
from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import TeamFactory
from asye.models import AssessorChange, AsyeRecord, ProgrammeType
from asye.tests.factories import (
    AssessorChangeFactory,
    AsyeRecordFactory,
    RecordPauseFactory,
    member,
    membership_of,
)
from conftest import Orgs

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


@pytest.fixture
def home_people(orgs: Orgs, personas: dict[str, Any], programme_types: None) -> dict[str, Any]:
    return {
        "nqsw": membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        "assessor": membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        "line_manager": membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    }


def create_form(home_people: dict[str, Any], **overrides: str) -> dict[str, str]:
    data = {
        "nqsw": str(home_people["nqsw"].pk),
        "programme_type": str(ProgrammeType.objects.get(slug="adult-asye").pk),
        "team": "",
        **date_fields("start_date", datetime.date(2026, 9, 1)),
        "fte": "0.6",
        **date_fields("date_qualified", datetime.date(2026, 6, 30)),
        "university": "University of Testvale",
        "swe_number": "SW123456",
        "assessor": str(home_people["assessor"].pk),
        "line_manager": str(home_people["line_manager"].pk),
    }
    data.update(overrides)
    return data


def test_create_a_record(client: Client, psw: Any, home_people: dict[str, Any]) -> None:
    client.force_login(psw)
    response: Any = client.post(reverse("asye:record_create"), create_form(home_people))
    record = AsyeRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("asye:record", args=[record.pk])
    page = client.get(response.url).content.decode()
    # 1 Sep 2026 + ceil(365 / 0.6) = 609 days
    assert "2 May 2028" in page
    assert "Part time (0.6)" in page
    assert "Assigned when the record was set up." in page


def test_an_invalid_form_keeps_what_was_typed(client: Client, psw: Any, home_people: dict[str, Any]) -> None:
    client.force_login(psw)
    data = create_form(home_people, swe_number="AB12", fte="1.5", university="Northvale Metropolitan")
    data["start_date_0"] = ""
    response = client.post(reverse("asye:record_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert "Enter a Social Work England registration number" in html
    assert "The FTE must be 1 or less" in html
    assert 'href="#id_start_date_0"' in html
    assert 'value="Northvale Metropolitan"' in html
    assert 'value="AB12"' in html
    assert not AsyeRecord.objects.exists()


def test_a_service_refusal_is_shown_on_the_form(
    client: Client, psw: Any, home_people: dict[str, Any]
) -> None:
    client.force_login(psw)
    other_team = TeamFactory(
        organisation=psw.memberships.get().organisation, service_area="children_families"
    )
    response = client.post(reverse("asye:record_create"), create_form(home_people, team=str(other_team.pk)))
    assert response.status_code == 200
    assert "the programme is not" in response.content.decode()


def test_change_the_assessor(client: Client, psw: Any, orgs: Orgs, home_people: dict[str, Any]) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, **home_people)
    new = member(orgs.home, Role.ASSESSOR, full_name="Nadia Newassessor")
    client.force_login(psw)
    url = reverse("asye:record_assessor", args=[record.pk])
    empty = client.post(url, {"assessor": str(new.pk), "reason": ""})
    assert empty.status_code == 200
    assert "Say why the assessor is changing" in empty.content.decode()
    response = client.post(url, {"assessor": str(new.pk), "reason": "Moved teams"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.assessor == new
    page = client.get(reverse("asye:record", args=[record.pk])).content.decode()
    assert "Nadia Newassessor" in page
    assert "Moved teams" in page
    assert AssessorChange.objects.filter(record=record, changed_by=psw).exists()


@pytest.mark.parametrize("who", ["nqsw", "assessor", "manager"])
def test_readers_cannot_change_the_assessor(
    who: str, client: Client, personas: dict[str, Any], orgs: Orgs, home_people: dict[str, Any]
) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, **home_people)
    client.force_login(personas[who])
    response = client.post(
        reverse("asye:record_assessor", args=[record.pk]),
        {"assessor": str(member(orgs.home, Role.ASSESSOR).pk), "reason": "x"},
    )
    assert response.status_code == 403


def test_the_nqsw_is_sent_to_their_record(
    client: Client, nqsw: Any, orgs: Orgs, home_people: dict[str, Any]
) -> None:
    client.force_login(nqsw)
    empty = client.get(reverse("asye:my_record"))
    assert "You have no ASYE record yet" in empty.content.decode()
    assert "My ASYE" not in client.get(reverse("academy:home")).content.decode()
    record = AsyeRecordFactory(organisation=orgs.home, **home_people)
    from django.core.cache import cache

    cache.clear()  # the navigation's "has a record" is cached (record_create drops it; factories do not)
    assert "My ASYE" in client.get(reverse("academy:home")).content.decode()
    response: Any = client.get(reverse("asye:my_record"))
    assert response.status_code == 302
    assert response.url == reverse("asye:record", args=[record.pk])
    assert "Your ASYE record" in client.get(response.url).content.decode()


def test_the_staff_list_filters(client: Client, psw: Any, orgs: Orgs, home_people: dict[str, Any]) -> None:
    team = TeamFactory(organisation=orgs.home, name="Riverside Team")
    AsyeRecordFactory(organisation=orgs.home, nqsw_name="Zara Filtered", team=team)
    AsyeRecordFactory(organisation=orgs.home, nqsw_name="Yusuf Paused", status="paused")
    client.force_login(psw)
    url = reverse("asye:records")
    assert "Zara Filtered" in client.get(url).content.decode()
    by_status = client.get(url, {"status": "paused"}).content.decode()
    assert "Yusuf Paused" in by_status
    assert "Zara Filtered" not in by_status
    by_team = client.get(url, {"team": str(team.pk)}).content.decode()
    assert "Zara Filtered" in by_team
    assert "Yusuf Paused" not in by_team
    by_name = client.get(url, {"q": "yusuf"}).content.decode()
    assert "Yusuf Paused" in by_name
    assert "Zara Filtered" not in by_name
    none = client.get(url, {"q": "nobody-at-all"}).content.decode()
    assert "No record matches these filters" in none


# --- Isolation ----------------------------------------------------------------------------------


def record_in(organisation: Organisation, marker: str) -> AsyeRecord:
    return AsyeRecordFactory(organisation=organisation, nqsw_name=marker)


def unassigned_colleague_record(orgs: Orgs) -> Any:
    """A record in the home council assessed and managed by other people."""
    return lambda marker: AsyeRecordFactory(organisation=orgs.home, nqsw_name=marker)


def assigned_to(user: Any, orgs: Orgs, role: str) -> Any:
    def make(marker: str) -> AsyeRecord:
        field = "assessor" if role == Role.ASSESSOR else "line_manager"
        return AsyeRecordFactory(
            organisation=orgs.home, nqsw_name=marker, **{field: membership_of(user, orgs.home, role)}
        )

    return make


STAFF_PLACES = {
    "psw": lambda orgs: ({UNRELATED: orgs.other, SIBLING: orgs.sibling}, {"own council": orgs.home}),
    "academy_admin": lambda orgs: (
        {UNRELATED: orgs.other},
        {"home council": orgs.home, "sibling": orgs.sibling},
    ),
    "sibling_psw": lambda orgs: (
        {UNRELATED: orgs.other, "other council of the partnership": orgs.home},
        {"own council": orgs.sibling},
    ),
}


@pytest.mark.parametrize("viewer", list(STAFF_PLACES))
def test_staff_list_and_record_pages_isolation(
    client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, programme_types: None
) -> None:
    hidden, shown = STAFF_PLACES[viewer](orgs)
    check = IsolationCheck(client, viewer=personas[viewer])
    planted = check.plant(record_in, hidden=hidden, shown=shown)
    check.list_page(reverse("asye:records"), planted)
    check.list_page(reverse("asye:records") + "?q=sentinel", planted)
    check.object_pages(lambda r: reverse("asye:record", args=[r.pk]), planted)
    check.object_pages(lambda r: reverse("asye:record_assessor", args=[r.pk]), planted)


@pytest.mark.parametrize(("viewer", "role"), [("assessor", Role.ASSESSOR), ("manager", Role.LINE_MANAGER)])
def test_assigned_list_and_record_pages_isolation(
    client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, role: str, programme_types: None
) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    planted = check.plant(
        record_in,
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling, COLLEAGUE: unassigned_colleague_record(orgs)},
        shown={"assigned to the viewer": assigned_to(personas[viewer], orgs, role)},
    )
    check.list_page(reverse("asye:assigned"), planted)
    check.object_pages(lambda r: reverse("asye:record", args=[r.pk]), planted, shown_status=200)


def test_an_unassigned_assessor_of_the_same_council_finds_nothing(
    client: Client, orgs: Orgs, personas: dict[str, Any], programme_types: None
) -> None:
    other = member(orgs.home, Role.ASSESSOR).user
    from conftest import seed_totp

    seed_totp(other)
    check = IsolationCheck(client, viewer=other)
    planted = check.plant(
        record_in,
        hidden={COLLEAGUE: unassigned_colleague_record(orgs), SIBLING: orgs.sibling},
        shown={"assigned to the viewer": assigned_to(other, orgs, Role.ASSESSOR)},
    )
    check.list_page(reverse("asye:assigned"), planted)
    check.object_pages(lambda r: reverse("asye:record", args=[r.pk]), planted, shown_status=200)


def test_the_nqsw_sees_only_their_own(
    client: Client, nqsw: Any, orgs: Orgs, home_people: dict[str, Any]
) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    planted = check.plant(
        record_in,
        hidden={COLLEAGUE: unassigned_colleague_record(orgs), SIBLING: orgs.sibling},
        shown={"own record": lambda marker: AsyeRecordFactory(organisation=orgs.home, **home_people)},
    )
    # The NQSW's page prints their own name: the persona's, not a marker; check object pages only.
    check.object_pages(lambda r: reverse("asye:record", args=[r.pk]), planted, shown_status=200)


# --- Query counts ---------------------------------------------------------------------------------

BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)


def busy(orgs: Orgs) -> None:
    for org in (orgs.home, orgs.sibling):
        assessors = [member(org, Role.ASSESSOR) for _ in range(3)]
        managers = [member(org, Role.LINE_MANAGER) for _ in range(3)]
        teams = [TeamFactory(organisation=org) for _ in range(3)]
        for n in range(4):
            record = AsyeRecordFactory(
                organisation=org, assessor=assessors[n % 3], line_manager=managers[n % 3], team=teams[n % 3]
            )
            RecordPauseFactory(record=record, recorded_by=record.assessor.user)
            RecordPauseFactory(
                record=record,
                recorded_by=record.assessor.user,
                starts_on=datetime.date(2027, 2, 1),
                ends_on=datetime.date(2027, 2, 3),
            )


def test_staff_list_query_count(
    client: Client, academy_admin: Any, orgs: Orgs, programme_types: None, django_assert_num_queries: Any
) -> None:
    busy(orgs)
    client.force_login(academy_admin)
    # + scope (two levels of the tree: members, then their members), + the filter's teams,
    # + the filter's assessors, + the count for pagination, + the page of records with NQSW,
    # organisation, team, programme version and type, assessor and manager joined, + their pauses,
    # + the page's evidence counted by record, kind and status (asye/tests/test_year.py has
    # evidence in every state)
    with django_assert_num_queries(BASE_MFA + 8):
        response = client.get(reverse("asye:records"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/asye/records/') >= 8


def test_assigned_list_query_count(
    client: Client, assessor: Any, orgs: Orgs, programme_types: None, django_assert_num_queries: Any
) -> None:
    busy(orgs)
    mine = membership_of(assessor, orgs.home, Role.ASSESSOR)
    for _ in range(3):
        record = AsyeRecordFactory(organisation=orgs.home, assessor=mine)
        RecordPauseFactory(record=record, recorded_by=assessor)
    client.force_login(assessor)
    # + the "Evidence to review" badge (cached afterwards), + the count for pagination, + the page
    # of records (everything joined), + their pauses, + the page's evidence counted by record,
    # kind and status, + the page's agreements (+ their signatures only when there are some:
    # asye/tests/test_year.py counts a page with agreements)
    with django_assert_num_queries(BASE_MFA + 6):
        response = client.get(reverse("asye:assigned"))
    assert response.content.decode().count('href="/asye/records/') == 3


def test_record_page_query_count(
    client: Client, psw: Any, orgs: Orgs, home_people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, **home_people)
    for n in range(3):
        RecordPauseFactory(
            record=record,
            recorded_by=psw,
            starts_on=datetime.date(2027, n + 1, 1),
            ends_on=datetime.date(2027, n + 1, 2),
        )
        AssessorChangeFactory(record=record, changed_by=psw, from_assessor=record.assessor)
    client.force_login(psw)
    # + the record with everything joined, + its pauses, + its reviews with the capacities
    # signed, + the assessor history with people, + the final assessment with the capacities
    # signed, + the extensions with who granted them, + the submissions to moderation with who
    # sent them (the withdrawal is read only for a withdrawn record)
    with django_assert_num_queries(BASE_MFA + 7):
        response = client.get(reverse("asye:record", args=[record.pk]))
    assert response.status_code == 200
