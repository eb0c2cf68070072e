"""Query counts for every list page and dashboard, with at least three rows per relation, so an
N+1 shows up as a failing count (pytest-django prints the SQL). Every signed-in page pays a
fixed cost first:

    1. the session's user
    2. the person's active memberships, with their organisations (organisation middleware)
    3. for MFA roles only: their TOTP authenticator (MFA middleware)
    4. the unread notification count (header; cached for a minute, so only on a cold cache —
       and every test starts with a cold one)
    5. for NQSWs only: whether they have an ASYE record (the "My ASYE" navigation entry's
       condition, asye/navigation.py; cached like the unread count)
"""

from typing import Any

import pytest
from django.urls import reverse

from academy.audit import audit_log
from academy.models import Membership
from academy.roles import Role
from academy.tests.factories import InvitationFactory, MembershipFactory, NotificationFactory, TeamFactory
from conftest import Orgs

pytestmark = pytest.mark.django_db

BASE = 3  # user, memberships, unread count
BASE_MFA = BASE + 1  # + authenticator
BASE_NQSW = BASE + 1  # + has an ASYE record (navigation)
# The home page's CPD panel (cpd/panels.py), for everyone: the person's records dated in the
# current registration year with their peer reflections (the years themselves are cached).
CPD_PANEL = 1
# The academy news panel (programmes/news): the person's memberships, then bulletins to them.
NEWS_PANEL = 2


@pytest.fixture(autouse=True)
def _registration_years_cached(db: None) -> None:
    """Registration years are reference data kept in the cache; every page after a deployment's
    first finds them there, so the counts below are of that steady state."""
    from cpd.selectors import registration_years

    registration_years()


@pytest.fixture
def busy_academy(orgs: Orgs, personas: dict[str, Any]) -> Orgs:
    """Three or more people, teams, invitations, notifications and audit entries in each org."""
    for org in (orgs.home, orgs.sibling):
        for n in range(3):
            team = TeamFactory(organisation=org)
            membership = MembershipFactory(organisation=org, role=Role.NQSW, team=team)
            InvitationFactory(organisation=org, invited_by=personas["psw"])
            audit_log(
                actor=personas["psw"], verb="test.touch", obj=membership, organisation=org, after={"n": n}
            )
    for persona in personas.values():
        for _ in range(3):
            NotificationFactory(recipient=persona)
    return orgs


def _get(client: Any, user: Any, url: str, django_assert_num_queries: Any, expected: int) -> Any:
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


def test_home_for_an_nqsw(client: Any, busy_academy: Orgs, nqsw: Any, django_assert_num_queries: Any) -> None:
    # + the five latest unread notifications
    _get(
        client,
        nqsw,
        reverse("academy:home"),
        django_assert_num_queries,
        BASE_NQSW + 1 + CPD_PANEL + NEWS_PANEL,
    )


def test_home_for_a_psw(client: Any, busy_academy: Orgs, psw: Any, django_assert_num_queries: Any) -> None:
    # + latest unread notifications, + pending invitations, + people counted by role (a
    # council's scope is the council itself: no tree to walk)
    _get(
        client, psw, reverse("academy:home"), django_assert_num_queries, BASE_MFA + 3 + CPD_PANEL + NEWS_PANEL
    )


def test_home_for_an_academy_admin(
    client: Any, busy_academy: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    # as the PSW, but the partnership's scope walks two levels (members, then their members),
    # + the latest audit entries
    response = _get(
        client,
        academy_admin,
        reverse("academy:home"),
        django_assert_num_queries,
        BASE_MFA + 6 + CPD_PANEL + NEWS_PANEL,
    )
    assert b"Recent changes" in response.content


def test_people_list(
    client: Any, busy_academy: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    # + scope (two levels), + count for pagination, + the page of memberships with user,
    # organisation and team joined
    response = _get(client, academy_admin, reverse("academy:people"), django_assert_num_queries, BASE_MFA + 4)
    assert Membership.objects.count() >= 6
    assert response.content.count(b"govuk-table__row") >= 7


def test_invitations_list(
    client: Any, busy_academy: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    # + scope (two levels), + count, + the page with organisation, inviter and team joined
    response = _get(
        client, academy_admin, reverse("academy:invitations"), django_assert_num_queries, BASE_MFA + 4
    )
    assert response.content.count(b"govuk-tag") >= 6


def test_notifications_list(
    client: Any, busy_academy: Orgs, nqsw: Any, django_assert_num_queries: Any
) -> None:
    # + count, + the page
    response = _get(client, nqsw, reverse("academy:notifications"), django_assert_num_queries, BASE_NQSW + 2)
    assert response.content.count(b"Reminder ") >= 3


def test_audit_log(
    client: Any, busy_academy: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    # + scope (two levels), + count, + the page with actor, organisation and content type
    response = _get(
        client, academy_admin, reverse("academy:audit_log"), django_assert_num_queries, BASE_MFA + 4
    )
    assert response.content.count(b"test.touch") >= 6


def test_frameworks_list(client: Any, busy_academy: Orgs, nqsw: Any, django_assert_num_queries: Any) -> None:
    # + frameworks, + their versions (prefetched), + the person's permissions and their groups'
    # (may they publish reference data? decides the import button)
    _get(client, nqsw, reverse("academy:frameworks"), django_assert_num_queries, BASE_NQSW + 4)


def test_framework_version(
    client: Any, busy_academy: Orgs, nqsw: Any, django_assert_num_queries: Any
) -> None:
    # + the version with its framework, + its elements (one query for the whole tree),
    # + the person's own and group permissions (may they publish a corrected version?)
    url = reverse("academy:framework_version", args=["swe-professional-standards", "2019"])
    response = _get(client, nqsw, url, django_assert_num_queries, BASE_NQSW + 4)
    assert b"6.1" in response.content


def test_teams_list(
    client: Any, busy_academy: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    # + scope (two levels), + count, + the page of teams with organisation and active-people
    # count, + the organisations for the add-team select, twice (crispy-forms-gds walks a
    # select's choices once to render and once to mark the chosen one)
    response = _get(client, academy_admin, reverse("academy:teams"), django_assert_num_queries, BASE_MFA + 6)
    assert response.content.count(b"govuk-table__row") >= 7


@pytest.fixture
def cpd_keepers(busy_academy: Orgs, personas: dict[str, Any]) -> Orgs:
    """Three more people in the manager's team and three in the sibling council, each with three
    completed CPD records dated today (so in the current year), one peer-reflected."""
    from django.utils import timezone

    from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory

    managed = Membership.objects.get(user=personas["manager"]).team
    for org, team in ((busy_academy.home, managed), (busy_academy.sibling, None)):
        for _ in range(3):
            person = MembershipFactory(organisation=org, role=Role.SOCIAL_WORKER, team=team).user
            for n in range(3):
                record = CpdRecordFactory(person=person, occurred_on=timezone.localdate())
                if n == 0:
                    PeerReflectionFactory(record=record)
    return busy_academy


# The CPD compliance page (cpd/compliance/): statuses are worked out in SQL, so the count does
# not move with the number of people or records. After the fixed cost: the team filter's
# choices, the counts by status (one aggregate, which also gives the paginator its count) and
# the page of people (their records of the year counted in one grouped join; organisation and
# team from subqueries).
CPD_COMPLIANCE = 3


def test_cpd_compliance_for_a_psw(
    client: Any, cpd_keepers: Orgs, psw: Any, django_assert_num_queries: Any
) -> None:
    # a council's scope is the council itself: no tree to walk, and no organisation filter
    response = _get(
        client, psw, reverse("cpd:compliance"), django_assert_num_queries, BASE_MFA + CPD_COMPLIANCE
    )
    assert response.content.count(b"govuk-tag--") >= 6


def test_cpd_compliance_for_an_academy_admin(
    client: Any, cpd_keepers: Orgs, academy_admin: Any, django_assert_num_queries: Any
) -> None:
    # + the partnership's scope (two levels), + the organisation filter's choices
    response = _get(
        client,
        academy_admin,
        reverse("cpd:compliance"),
        django_assert_num_queries,
        BASE_MFA + 2 + 1 + CPD_COMPLIANCE,
    )
    assert response.content.count(b"govuk-tag--") >= 12


def test_cpd_compliance_for_a_line_manager(
    client: Any, cpd_keepers: Orgs, manager: Any, django_assert_num_queries: Any
) -> None:
    # + the teams the manager manages
    response = _get(
        client, manager, reverse("cpd:compliance"), django_assert_num_queries, BASE + 1 + CPD_COMPLIANCE
    )
    assert response.content.count(b"govuk-tag--green") == 3


# --- ASYE reviews (asye/reviews/) --------------------------------------------------------------------


@pytest.fixture
def reviewed_records(orgs: Orgs, personas: dict[str, Any], frameworks: None) -> list[Any]:
    """Four records assessed by the `assessor` persona and managed by `manager`, each with three
    reviews written (one signed by all, one by the NQSW, one by nobody) and three pauses."""
    import datetime

    from asye.signatures import SignatureCapacity
    from asye.tests.factories import AsyeRecordFactory, RecordPauseFactory, membership_of
    from asye.tests.review_support import sign_review, write_review

    home = orgs.home
    assessor = membership_of(personas["assessor"], home, Role.ASSESSOR)
    manager = membership_of(personas["manager"], home, Role.LINE_MANAGER)
    records = []
    for n in range(4):
        nqsw = membership_of(personas["nqsw"], home, Role.NQSW) if n == 0 else None
        record = AsyeRecordFactory(
            organisation=home, assessor=assessor, line_manager=manager, **({"nqsw": nqsw} if nqsw else {})
        )
        for month in (1, 2, 3):
            day = datetime.date(2028, month, 1)
            RecordPauseFactory(record=record, recorded_by=personas["psw"], starts_on=day, ends_on=day)
        write_review(record, "foundational")
        sign_review(record, "foundational")
        write_review(record, "midpoint")
        sign_review(record, "midpoint", who=(SignatureCapacity.NQSW,))
        write_review(record, "nine_month")
        records.append(record)
    return records


def test_reviews_to_do_list(
    client: Any, assessor: Any, reviewed_records: list[Any], django_assert_num_queries: Any
) -> None:
    # BASE_MFA, + the "Evidence to review" badge, + the count for pagination, + the page of
    # records (everything joined), + their pauses, + the page's reviews with the capacities signed
    response = _get(
        client, assessor, reverse("asye:reviews_assigned"), django_assert_num_queries, BASE_MFA + 5
    )
    assert response.content.decode().count("Waiting for your signature") == 4


def test_a_records_reviews(
    client: Any, psw: Any, reviewed_records: list[Any], django_assert_num_queries: Any
) -> None:
    # BASE_MFA (a council's scope is the council itself: no tree to walk), + the record with
    # everything joined, + its pauses, + its reviews with the capacities signed
    record = reviewed_records[0]
    url = reverse("asye:reviews", args=[record.pk])
    response = _get(client, psw, url, django_assert_num_queries, BASE_MFA + 3)
    assert response.content.decode().count("govuk-tag") >= 4


def test_a_review_page(
    client: Any, nqsw: Any, reviewed_records: list[Any], django_assert_num_queries: Any
) -> None:
    # BASE_NQSW, + the record with everything joined, + its pauses, + the review, + its
    # signatures with signers, + the framework domains, + the previous review's completion
    # (the change-of-assessor window), + the changes of assessor with people
    record = reviewed_records[0]
    url = reverse("asye:review", args=[record.pk, "midpoint"])
    response = _get(client, nqsw, url, django_assert_num_queries, BASE_NQSW + 7)
    assert "Waiting for signatures" in response.content.decode()
