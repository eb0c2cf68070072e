"""The employer's CPD compliance view: statuses computed in SQL for the year, who is listed,
filters, the CSV, and privacy through the core's isolation check (sentinels in the sibling
council, an unrelated organisation, another team; content markers that must never show)."""

import csv
import datetime
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from academy.demo import DEMO_DOMAIN, load_demo
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck, table_value
from academy.tests.factories import MembershipFactory, TeamFactory, UserFactory
from conftest import Orgs, seed_totp
from cpd.compliance import presenters
from cpd.compliance.selectors import (
    ComplianceStatus,
    compliance_reach,
    practitioners_with_status,
)
from cpd.models import RecordStatus, RegistrationYear
from cpd.selectors import CPD_KEEPING_ROLES
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# In the 2025-26 year (1 December 2025 to 30 November 2026), before its renewal window opens.
SUMMER = datetime.datetime(2026, 6, 20, 12, 0, tzinfo=LONDON)
# 1 September 2026, in British Summer Time: the renewal window opens that day.
WINDOW_OPENS = datetime.datetime(2026, 9, 1, 0, 30, tzinfo=LONDON)
IN_YEAR = datetime.date(2026, 3, 10)
LAST_YEAR = datetime.date(2025, 3, 10)
URL = "/cpd/compliance/"
CSV_URL = "/cpd/compliance/export.csv"


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(SUMMER, tick=False):
        yield


def practitioner(
    organisation: Organisation, *, name: str, role: str = Role.SOCIAL_WORKER, team: Team | None = None
) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, organisation=organisation, role=role, team=team)
    return user


def records(
    person: User, *, complete: int = 0, peer: int = 0, drafts: int = 0, on: datetime.date = IN_YEAR
) -> None:
    """`complete` completed records dated `on`, the first `peer` of them peer-reflected, and
    `drafts` drafts."""
    for n in range(complete):
        record = CpdRecordFactory(person=person, occurred_on=on)
        if n < peer:
            PeerReflectionFactory(record=record)
    for _ in range(drafts):
        CpdRecordFactory(person=person, occurred_on=on, status=RecordStatus.DRAFT)


ROW = re.compile(
    r'<td class="govuk-table__cell">([^<]+?)(?:<br>.*?)?\s*</td>'
    r'.*?<strong class="govuk-tag[^"]*">([^<]+)</strong>',
    re.S,
)


def _statuses(html: str) -> dict[str, str]:
    """Status by name, from the list's rows (the name cell's first line; the status tag)."""
    found = {}
    for block in html.split('<tr class="govuk-table__row">')[1:]:
        match = ROW.search(block)
        if match:
            found[match.group(1).strip()] = match.group(2).strip()
    return found


def _page_at(client: Any, viewer: User, moment: datetime.datetime, url: str = URL) -> str:
    """The page as it is at `moment` (signed in then: the idle time-out ends older sessions)."""
    with time_machine.travel(moment, tick=False):
        client.force_login(viewer)
        response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def _csv(client: Any, url: str = CSV_URL) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# --- Statuses ----------------------------------------------------------------------------------------


def test_each_status_is_worked_out_from_the_years_records(client: Any, orgs: Orgs, psw: User) -> None:
    records(practitioner(orgs.home, name="Ada Met"), complete=2, peer=1)
    records(practitioner(orgs.home, name="Ben Track"), complete=1, drafts=1)
    # Two records but no peer reflection: not met, still on track before the window.
    records(practitioner(orgs.home, name="Cal Twonopeer"), complete=2)
    # Drafts and last year's records do not count this year.
    records(practitioner(orgs.home, name="Dee Drafts"), drafts=3)
    records(practitioner(orgs.home, name="Eve Lastyear"), complete=2, peer=1, on=LAST_YEAR)
    # An empty peer reflection is no peer reflection.
    empty = practitioner(orgs.home, name="Fay Emptypeer")
    records(empty, complete=2)
    PeerReflectionFactory(record=empty.cpd_records.first(), learning="   ")
    client.force_login(psw)

    html = client.get(URL).content.decode()

    statuses = _statuses(html)
    assert statuses["Ada Met"] == "Requirement met"
    assert statuses["Ben Track"] == "On track"
    assert statuses["Cal Twonopeer"] == "On track"
    assert statuses["Dee Drafts"] == "Not started"
    assert statuses["Eve Lastyear"] == "Not started"
    assert statuses["Fay Emptypeer"] == "On track"
    # The counts agree with the rows (the personas of the home council are listed too).
    for label in ("Requirement met", "On track", "Not started"):
        assert table_value(html, label) == str(list(statuses.values()).count(label))
    assert table_value(html, "Everyone") == str(len(statuses))
    assert statuses["Psw Persona"] == "Not started"  # the PSW keeps CPD too
    assert "At risk" not in statuses.values()


def test_from_1_september_in_summer_time_everyone_not_met_is_at_risk(
    client: Any, orgs: Orgs, psw: User
) -> None:
    records(practitioner(orgs.home, name="Ada Met"), complete=2, peer=1)
    records(practitioner(orgs.home, name="Ben Track"), complete=1)
    practitioner(orgs.home, name="Dee Nothing")

    # 11.59pm on 31 August, London time, is 10.59pm UTC: still before the window.
    before = _statuses(_page_at(client, psw, datetime.datetime(2026, 8, 31, 23, 59, tzinfo=LONDON)))
    html = _page_at(client, psw, WINDOW_OPENS)

    assert before["Ben Track"] == "On track"
    assert before["Dee Nothing"] == "Not started"
    statuses = _statuses(html)
    assert statuses["Ada Met"] == "Requirement met"
    assert statuses["Ben Track"] == "At risk"
    assert statuses["Dee Nothing"] == "At risk"
    assert set(statuses.values()) == {"Requirement met", "At risk"}
    assert table_value(html, "At risk") == str(len(statuses) - 1)
    assert table_value(html, "On track", missing="absent") == "absent"
    assert "90 days left" in html  # 1 September to 30 November


def test_the_last_minute_of_the_year_and_the_first_of_the_next(client: Any, orgs: Orgs, psw: User) -> None:
    person = practitioner(orgs.home, name="Ada Late")
    records(person, complete=1, peer=1, on=datetime.date(2026, 11, 30))

    html = _page_at(client, psw, datetime.datetime(2026, 11, 30, 23, 59, tzinfo=LONDON))
    assert _statuses(html)["Ada Late"] == "At risk"
    assert "Today is the last day" in html
    new_year = datetime.datetime(2026, 12, 1, 0, 0, tzinfo=LONDON)
    html = _page_at(client, psw, new_year)
    # A new year, in which she has nothing yet; last year can still be read.
    assert _statuses(html)["Ada Late"] == "Not started"
    past = _page_at(client, psw, new_year, URL + "?year=2025-26")
    assert _statuses(past)["Ada Late"] == "Not met"
    assert "This year ended on 30 November 2026" in past
    assert table_value(past, "Not met") == str(len(_statuses(past)))


def test_counts_come_from_sql_with_the_years_requirement(orgs: Orgs, psw: User) -> None:
    year = RegistrationYear.objects.get(slug="2025-26")
    year.required_records = 3
    year.save()
    records(practitioner(orgs.home, name="Ada Two"), complete=2, peer=2)
    records(practitioner(orgs.home, name="Ben Three"), complete=3, peer=1)
    scope_user = psw
    from academy.scope import Scope

    reach = compliance_reach(scope=Scope.of(scope_user, orgs.home, [Role.PSW]))
    found = {
        p["full_name"]: (p["records"], p["peer_reflected"], p["status"])
        for p in practitioners_with_status(reach=reach, year=year, today=SUMMER.date())
    }
    assert found["Ada Two"] == (2, 2, ComplianceStatus.ON_TRACK)
    assert found["Ben Three"] == (3, 1, ComplianceStatus.MET)


# --- Who is listed ------------------------------------------------------------------------------------


def test_only_current_cpd_keeping_roles_are_listed_once_each(client: Any, orgs: Orgs, psw: User) -> None:
    for role in Role:
        practitioner(orgs.home, name=f"Role {role.value}", role=role)
    twice = practitioner(orgs.home, name="Two Roles", role=Role.SOCIAL_WORKER)
    MembershipFactory(user=twice, organisation=orgs.home, role=Role.PRACTICE_EDUCATOR)
    ended = practitioner(orgs.home, name="Gone Left")
    Membership.objects.filter(user=ended).update(ended_on=datetime.date(2026, 6, 19))
    inactive = practitioner(orgs.home, name="Gone Deactivated")
    Membership.objects.filter(user=inactive).update(is_active=False)
    client.force_login(psw)

    html = client.get(URL).content.decode()

    names = set(_statuses(html))
    for role in Role:
        assert (f"Role {role.value}" in names) == (role in CPD_KEEPING_ROLES), role
    assert "Two Roles" in names
    assert html.count("Two Roles") == 1
    assert "Gone Left" not in html
    assert "Gone Deactivated" not in html


def test_a_line_manager_sees_only_the_teams_they_manage(client: Any, orgs: Orgs, manager: User) -> None:
    mine = Membership.objects.get(user=manager).team
    other_team = TeamFactory(organisation=orgs.home)
    practitioner(orgs.home, name="Ann Mine", team=mine)
    practitioner(orgs.home, name="Bob Otherteam", team=other_team)
    practitioner(orgs.home, name="Cas Noteam")
    client.force_login(manager)

    html = client.get(URL).content.decode()

    assert set(_statuses(html)) == {"Ann Mine", "Manager Persona"}
    assert table_value(html, "Everyone") == "2"
    assert "Organisation" not in [field for field in _form_fields(html)]


def _form_fields(html: str) -> list[str]:
    return re.findall(r'<label class="govuk-label" for="id_(\w+)"', html)


def test_a_line_manager_without_a_team_sees_nobody(client: Any, orgs: Orgs) -> None:
    lonely = practitioner(orgs.home, name="Lone Manager", role=Role.LINE_MANAGER)
    practitioner(orgs.home, name="Ann Someone", team=TeamFactory(organisation=orgs.home))
    client.force_login(lonely)

    html = client.get(URL).content.decode()

    assert _statuses(html) == {}
    assert "Nobody here keeps CPD yet" in html


def test_other_roles_are_refused(client: Any, nqsw: User, social_worker: User, student: User) -> None:
    for person in (nqsw, social_worker, student):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.get(CSV_URL).status_code == 403


def test_the_navigation_offers_the_page_to_the_roles_that_may_use_it(
    client: Any, psw: User, manager: User, academy_admin: User, nqsw: User
) -> None:
    for person in (psw, manager, academy_admin):
        client.force_login(person)
        assert 'href="/cpd/compliance/"' in client.get(reverse("academy:home")).content.decode()
    client.force_login(nqsw)
    assert 'href="/cpd/compliance/"' not in client.get(reverse("academy:home")).content.decode()


# --- Filters and the CSV ----------------------------------------------------------------------------------


def test_filters_narrow_the_list_the_counts_and_the_csv(client: Any, orgs: Orgs, academy_admin: User) -> None:
    team = TeamFactory(organisation=orgs.home, name="Adults east")
    records(practitioner(orgs.home, name="Ada Met", team=team), complete=2, peer=1)
    records(practitioner(orgs.home, name="Ben Track", team=team), complete=1)
    records(practitioner(orgs.sibling, name="Cal Sibling"), complete=2, peer=1)
    client.force_login(academy_admin)

    by_status = client.get(URL + "?status=met").content.decode()
    assert set(_statuses(by_status)) == {"Ada Met", "Cal Sibling"}
    by_org = client.get(URL + "?organisation=sibling").content.decode()
    assert set(_statuses(by_org)) == {
        "Cal Sibling",
        "Sibling Nqsw Persona",
        "Sibling Psw Persona",
        "Sibling Assessor Persona",
    }
    assert table_value(by_org, "Requirement met") == "1"
    by_team = client.get(URL + f"?team={team.pk}").content.decode()
    assert set(_statuses(by_team)) == {"Ada Met", "Ben Track"}
    by_name = client.get(URL + "?q=track").content.decode()
    assert set(_statuses(by_name)) == {"Ben Track"}
    # The counts ignore the status filter (they are the way to it) but follow the others.
    assert table_value(client.get(URL + f"?team={team.pk}&status=met").content.decode(), "Everyone") == "2"

    rows = _csv(client, CSV_URL + f"?team={team.pk}&status=met")
    assert rows[0] == presenters.CSV_HEAD
    assert len(rows) == 2
    assert rows[1][0] == "Ada Met"
    assert rows[1][2:] == ["Home Borough Council", "Adults east", "Requirement met", "2", "1", "163"]


def test_the_export_link_carries_the_filters(client: Any, orgs: Orgs, psw: User) -> None:
    records(practitioner(orgs.home, name="Ada Met"), complete=2, peer=1)
    client.force_login(psw)

    html = client.get(URL + "?status=met&q=ada").content.decode()

    assert 'href="/cpd/compliance/export.csv?q=ada&amp;status=met"' in html


def test_an_unknown_filter_value_is_ignored_and_the_others_still_apply(
    client: Any, orgs: Orgs, psw: User
) -> None:
    practitioner(orgs.home, name="Ada Someone")
    client.force_login(psw)

    response = client.get(URL + "?status=bogus&team=nonsense&year=1999-00")

    assert response.status_code == 200
    assert "Ada Someone" in set(_statuses(response.content.decode()))
    # At risk is not on offer before the renewal window: said on the field; the search applies.
    html = client.get(URL + "?status=at_risk&q=ada").content.decode()
    assert "Select a valid choice" in html
    assert set(_statuses(html)) == {"Ada Someone"}


def test_a_name_that_looks_like_a_formula_reaches_the_csv_as_text(client: Any, orgs: Orgs, psw: User) -> None:
    practitioner(orgs.home, name="=HYPERLINK(1)")
    client.force_login(psw)

    rows = _csv(client)

    assert [row[0] for row in rows if "HYPERLINK" in row[0]] == ["'=HYPERLINK(1)"]


def test_the_list_is_paginated(client: Any, orgs: Orgs, psw: User) -> None:
    for n in range(30):
        practitioner(orgs.home, name=f"Person {n:02d}")
    client.force_login(psw)

    first = client.get(URL).content.decode()
    second = client.get(URL + "?page=2").content.decode()

    total = int(table_value(first, "Everyone"))
    assert total >= 31
    assert len(_statuses(first)) == 25
    assert len(_statuses(second)) == total - 25
    assert not set(_statuses(first)) & set(_statuses(second))
    assert len(_csv(client)) == total + 1


# --- Privacy: the isolation check -------------------------------------------------------------------


def _person_with_content(organisation: Organisation, marker: str, *, team: Team | None = None) -> User:
    """A practitioner named by `marker` with a peer-reflected record whose title, words and
    peer's name are content markers of their own (which no page may show)."""
    person = practitioner(organisation, name=marker, team=team)
    record = CpdRecordFactory(
        person=person,
        occurred_on=IN_YEAR,
        title=f"content-title-{marker}",
        description=f"content-description-{marker}",
        learning=f"content-learning-{marker}",
        impact=f"content-impact-{marker}",
    )
    PeerReflectionFactory(
        record=record, learning=f"content-peer-{marker}", peer_name=f"content-peer-name-{marker}"
    )
    return person


CONTENT_FIELDS = ("title", "description", "learning", "impact", "peer", "peer-name")


def _no_content(text: str) -> None:
    for field in CONTENT_FIELDS:
        assert f"content-{field}-sentinel" not in text.lower(), (
            f"a record's {field} reached the employer's view"
        )


def _check_page_and_csv(check: IsolationCheck, planted: Any, client: Any) -> None:
    html = check.list_page(URL, planted)
    _no_content(html)
    csv_text = "\n".join(",".join(row) for row in _csv(client)).lower()
    check.markers_absent(csv_text, planted, who=f"GET {CSV_URL} as {check.label}")
    _no_content(csv_text)


def test_a_psw_sees_their_council_only_and_no_content(client: Any, orgs: Orgs, psw: User) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        _person_with_content,
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling, "partnership itself": orgs.partnership},
        shown={"own council": orgs.home},
    )
    _check_page_and_csv(check, planted, client)
    # The content markers are real and printable: the control's own ledger shows its title.
    control = planted.shown[0]
    client.force_login(control.obj)
    assert (
        f"content-title-{control.marker}"
        in client.get(reverse("cpd:ledger") + "?year=2025-26").content.decode()
    )
    client.force_login(psw)
    check.count(
        URL,
        read=lambda html: table_value(html, "Everyone"),
        make=_person_with_content,
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"own council": orgs.home},
    )


def test_an_academy_admin_sees_the_partnerships_councils_and_no_content(
    client: Any, orgs: Orgs, academy_admin: User
) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(
        _person_with_content,
        hidden={UNRELATED: orgs.other, "university": orgs.university},
        shown={"member council": orgs.home, "other member council": orgs.sibling},
    )
    _check_page_and_csv(check, planted, client)
    check.count(
        URL,
        read=lambda html: table_value(html, "Not started"),
        make=lambda organisation, marker: practitioner(organisation, name=marker),
        hidden={UNRELATED: orgs.other},
        shown={"member council": orgs.sibling},
    )


def test_a_line_manager_sees_their_team_only_and_no_content(client: Any, orgs: Orgs, manager: User) -> None:
    mine = Membership.objects.get(user=manager).team
    other_team = TeamFactory(organisation=orgs.home)
    check = IsolationCheck(client, viewer=manager)
    in_team = lambda marker: _person_with_content(orgs.home, marker, team=mine)  # noqa: E731
    planted = check.plant(
        _person_with_content,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            "another team in the same council": lambda marker: _person_with_content(
                orgs.home, marker, team=other_team
            ),
            "no team in the same council": lambda marker: _person_with_content(orgs.home, marker),
        },
        shown={"the manager's team": in_team},
    )
    _check_page_and_csv(check, planted, client)
    check.count(
        URL,
        read=lambda html: table_value(html, "Requirement met", missing="?"),
        make=lambda organisation, marker: records(
            practitioner(organisation, name=marker, team=mine if organisation == orgs.home else None),
            complete=2,
            peer=1,
        ),
        hidden={
            "another team": lambda marker: records(
                practitioner(orgs.home, name=marker, team=other_team), complete=2, peer=1
            )
        },
        shown={"the manager's team": orgs.home},
    )


def test_the_sibling_councils_psw_sees_only_their_own(client: Any, orgs: Orgs, sibling_psw: User) -> None:
    check = IsolationCheck(client, viewer=sibling_psw)
    planted = check.plant(
        _person_with_content,
        hidden={"home council": orgs.home, UNRELATED: orgs.other},
        shown={"own council": orgs.sibling},
    )
    _check_page_and_csv(check, planted, client)


# --- The demo --------------------------------------------------------------------------------------


def _demo_loaded_at(moment: datetime.datetime) -> datetime.datetime:
    with time_machine.travel(moment, tick=False):
        load_demo()
    return moment


def _demo_page(client: Any, email: str, moment: datetime.datetime, url: str = URL) -> dict[str, str]:
    viewer = User.objects.get(email=f"{email}@{DEMO_DOMAIN}")
    if not Authenticator.objects.filter(user=viewer).exists():  # the demo's MFA roles have one
        seed_totp(viewer)
    return _statuses(_page_at(client, viewer, moment, url))


def test_the_demo_gives_each_viewer_a_meaningful_page(client: Any, frameworks: None) -> None:
    start_of_year = _demo_loaded_at(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON))

    psw = _demo_page(client, "psw", start_of_year)
    assert psw["Grace Okafor-Lind"] == "Requirement met"
    assert psw["Tom Ashdown"] == "On track"
    assert psw["Priya Calder"] == "Not started"
    assert "Jo Whitlow" not in psw  # the partnership's other council
    last_year = _demo_page(client, "psw", start_of_year, URL + "?year=2025-26")
    assert last_year["Tom Ashdown"] == "Requirement met"
    assert last_year["Priya Calder"] == "Not met"
    manager = _demo_page(client, "line-manager", start_of_year)
    assert {"Grace Okafor-Lind", "Tom Ashdown", "Priya Calder"} <= set(manager)
    assert "Helen Marsh-Quayle" not in manager  # no team of the manager's
    admin = _demo_page(client, "academy-admin", start_of_year)
    assert admin["Jo Whitlow"] == "On track"
    assert admin["Grace Okafor-Lind"] == "Requirement met"


def test_a_demo_loaded_in_the_renewal_window_shows_people_at_risk(client: Any, frameworks: None) -> None:
    autumn = _demo_loaded_at(datetime.datetime(2027, 10, 15, 9, 0, tzinfo=LONDON))

    psw = _demo_page(client, "psw", autumn)
    assert psw["Grace Okafor-Lind"] == "Requirement met"
    assert psw["Tom Ashdown"] == "At risk"
    assert psw["Helen Marsh-Quayle"] == "At risk"
