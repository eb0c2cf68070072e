"""The cohort pages: the list, creating one, a cohort's page, the import's upload, preview and
confirmation, bulk assignment and the assessor workload — permissions, sentinels, query counts."""

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, Invitation
from academy.roles import Role
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from asye.cohorts.models import Cohort
from asye.evidence.models import EvidenceStatus
from asye.models import AssessorChange, AsyeRecord
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, member, membership_of
from conftest import Orgs

from .cohort_support import CohortFactory, csv_bytes, home_cohort, person_row, waiting_entry

pytestmark = pytest.mark.django_db

BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)
ASSESSOR = "assessor@example.test"
MANAGER = "manager@example.test"


@pytest.fixture
def cohort(orgs: Orgs, psw: Any, programme_types: None) -> Cohort:
    return home_cohort(orgs, psw, name="September 2026 adults")


def upload(client: Client, cohort: Cohort, data: bytes, name: str = "intake.csv") -> Any:
    return client.post(
        reverse("asye:cohort_import", args=[cohort.pk]), {"file": SimpleUploadedFile(name, data)}
    )


# --- Permissions ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, cohort: Cohort) -> None:
    for url in (reverse("asye:cohorts"), reverse("asye:cohort", args=[cohort.pk])):
        response: Any = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


@pytest.mark.parametrize("viewer", ["nqsw", "assessor", "manager", "social_worker"])
def test_other_roles_are_refused(
    client: Client, personas: dict[str, Any], cohort: Cohort, viewer: str
) -> None:
    client.force_login(personas[viewer])
    assert client.get(reverse("asye:cohorts")).status_code == 403
    assert client.get(reverse("asye:cohort", args=[cohort.pk])).status_code == 403
    assert client.get(reverse("asye:assessor_workload")).status_code == 403


@pytest.mark.parametrize("viewer", ["sibling_psw", "outsider"])
def test_staff_of_another_council_do_not_find_the_cohort(
    client: Client, personas: dict[str, Any], cohort: Cohort, viewer: str
) -> None:
    client.force_login(personas[viewer])
    for name in ("asye:cohort", "asye:cohort_import", "asye:cohort_assign"):
        assert client.get(reverse(name, args=[cohort.pk])).status_code == 404
    confirm = reverse("asye:cohort_import_confirm", args=[cohort.pk])
    assert client.post(confirm, {"rows": "x"}).status_code == 404


def test_confirming_is_post_only(client: Client, psw: Any, cohort: Cohort) -> None:
    client.force_login(psw)
    assert client.get(reverse("asye:cohort_import_confirm", args=[cohort.pk])).status_code == 405


# --- Creating and listing ---------------------------------------------------------------------------


def test_a_psw_creates_a_cohort(client: Client, psw: Any, orgs: Orgs) -> None:
    client.force_login(psw)
    lead = membership_of(psw, orgs.home, Role.PSW)
    response: Any = client.post(
        reverse("asye:cohort_create"),
        {
            "organisation": orgs.home.pk,
            "name": "  September 2026   adults ",
            "month": "9",
            "year": "2026",
            "service_area": "adults",
            "lead_psw": str(lead.pk),
        },
    )
    cohort = Cohort.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("asye:cohort", args=[cohort.pk])
    assert (cohort.name, cohort.start_month, cohort.lead_psw) == (
        "September 2026 adults",
        datetime.date(2026, 9, 1),
        lead,
    )
    assert AuditEntry.objects.filter(verb="asye_cohort.create", organisation=orgs.home).exists()
    page = client.get(response.url).content.decode()
    assert "No records in this cohort yet" in page


def test_an_invalid_cohort_form_says_so(client: Client, psw: Any, cohort: Cohort, orgs: Orgs) -> None:
    client.force_login(psw)
    response = client.post(
        reverse("asye:cohort_create"),
        {
            "organisation": orgs.home.pk,
            "name": "September 2026 adults",
            "month": "9",
            "year": "2026",
            "service_area": "adults",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "already has a cohort with this name" in page


def test_the_list_shows_an_empty_state(client: Client, psw: Any) -> None:
    client.force_login(psw)
    page = client.get(reverse("asye:cohorts")).content.decode()
    assert "There are no cohorts yet" in page


def test_a_council_psw_sees_only_their_councils_cohorts(client: Client, psw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: CohortFactory(organisation=organisation, name=marker),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"the home council": orgs.home},
    )
    check.list_page(reverse("asye:cohorts"), planted)
    check.object_pages(lambda c: reverse("asye:cohort", args=[c.pk]), planted)
    check.object_pages(lambda c: reverse("asye:cohort_import", args=[c.pk]), planted)
    check.object_pages(lambda c: reverse("asye:cohort_assign", args=[c.pk]), planted)


def test_the_partnerships_admin_sees_member_councils_but_not_others(
    client: Client, academy_admin: Any, orgs: Orgs
) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(
        lambda organisation, marker: CohortFactory(organisation=organisation, name=marker),
        hidden={UNRELATED: orgs.other},
        shown={"the home council": orgs.home, "the sibling council": orgs.sibling},
    )
    check.list_page(reverse("asye:cohorts"), planted)
    check.object_pages(lambda c: reverse("asye:cohort", args=[c.pk]), planted)


def test_the_partnerships_admin_sees_every_member_councils_cohorts(
    client: Client, academy_admin: Any, orgs: Orgs
) -> None:
    CohortFactory(organisation=orgs.home, name="Home intake")
    CohortFactory(organisation=orgs.sibling, name="Sibling intake")
    CohortFactory(organisation=orgs.other, name="Elsewhere intake")
    client.force_login(academy_admin)
    page = client.get(reverse("asye:cohorts")).content.decode()
    assert "Home intake" in page
    assert "Sibling intake" in page
    assert "Elsewhere intake" not in page


def test_cohort_list_query_count(
    client: Client, academy_admin: Any, orgs: Orgs, programme_types: None, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        for organisation in (orgs.home, orgs.sibling):
            cohort = CohortFactory(organisation=organisation, name=f"Intake {organisation.slug} {n}")
            for _ in range(3):
                AsyeRecordFactory(organisation=organisation, cohort=cohort)
    client.force_login(academy_admin)
    # + scope (two levels of the tree), + the count for pagination, + the page of cohorts with
    # organisation and lead PSW joined, and their people and records counted
    with django_assert_num_queries(BASE_MFA + 4):
        response = client.get(reverse("asye:cohorts"))
    assert response.content.decode().count('href="/asye/cohorts/') >= 6 + 2


def test_cohort_page_query_count(
    client: Client, psw: Any, cohort: Cohort, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        record = AsyeRecordFactory(organisation=orgs.home, cohort=cohort)
        waiting_entry(cohort, n, assessor=record.assessor, line_manager=record.line_manager)
    client.force_login(psw)
    # + the cohort (scoped to the PSW's council), + the count for pagination, + the page of
    # records with everything joined, + their pauses, + the people still to join counted, + a
    # page of them with their invitations, assessors, managers and teams
    with django_assert_num_queries(BASE_MFA + 6):
        response = client.get(reverse("asye:cohort", args=[cohort.pk]))
    page = response.content.decode()
    assert page.count('href="/asye/records/') == 3 + 1  # + the navigation's
    assert page.count("Waiting Person") == 3


# --- Import: upload, preview, confirm -----------------------------------------------------------------


def test_upload_preview_and_confirm(client: Client, psw: Any, cohort: Cohort) -> None:
    client.force_login(psw)
    data = csv_bytes([person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in (1, 2)])
    preview = upload(client, cohort, data)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "2 people will be invited" in page
    assert "Will be invited" in page
    assert not Invitation.objects.exists()
    signed = preview.context["confirm"].initial["rows"]

    done: Any = client.post(reverse("asye:cohort_import_confirm", args=[cohort.pk]), {"rows": signed})
    assert done.status_code == 302
    assert done.url == reverse("asye:cohort", args=[cohort.pk])
    assert Invitation.objects.filter(role=Role.NQSW).count() == 2
    page = client.get(done.url).content.decode()
    assert "invited 2 people" in page
    assert "Newcomer 1" in page  # invited, not joined yet

    again = upload(client, cohort, data).content.decode()
    assert "nothing to change" in again
    assert again.count("No change") == 2


def test_a_bad_row_shows_in_the_error_summary_and_nothing_can_be_confirmed(
    client: Client, psw: Any, cohort: Cohort
) -> None:
    client.force_login(psw)
    data = csv_bytes(
        [
            person_row(1, assessor=ASSESSOR, manager=MANAGER),
            person_row(2, assessor="nobody@example.test", manager=MANAGER, **{"Start date": "32/13/2026"}),
        ]
    )
    response = upload(client, cohort, data)
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Row 3, Start date:" in page
    assert "Row 3, Assessor email:" in page
    assert response.context["confirm"] is None


def test_a_confirmation_whose_rows_were_changed_is_refused(client: Client, psw: Any, cohort: Cohort) -> None:
    client.force_login(psw)
    response: Any = client.post(reverse("asye:cohort_import_confirm", args=[cohort.pk]), {"rows": "forged"})
    assert response.status_code == 302
    assert response.url == reverse("asye:cohort_import", args=[cohort.pk])
    assert not Invitation.objects.exists()


def test_a_signed_file_cannot_be_confirmed_into_another_cohort(
    client: Client, psw: Any, cohort: Cohort, orgs: Orgs
) -> None:
    client.force_login(psw)
    other = home_cohort(orgs, psw, name="Another intake")
    preview = upload(client, cohort, csv_bytes([person_row(1, assessor=ASSESSOR, manager=MANAGER)]))
    signed = preview.context["confirm"].initial["rows"]
    client.post(reverse("asye:cohort_import_confirm", args=[other.pk]), {"rows": signed})
    assert not Invitation.objects.exists()


def test_the_template_downloads(client: Client, psw: Any) -> None:
    client.force_login(psw)
    response = client.get(reverse("asye:cohort_import_template"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").startswith("Name,Email,Start date")


# --- Bulk assignment ----------------------------------------------------------------------------------


def test_bulk_reassign_keeps_the_reason_in_each_records_history(
    client: Client, psw: Any, cohort: Cohort, orgs: Orgs, personas: dict[str, Any]
) -> None:
    records = [AsyeRecordFactory(organisation=orgs.home, cohort=cohort) for _ in range(3)]
    newcomer = membership_of(personas["assessor"], orgs.home, Role.ASSESSOR)
    manager = membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER)
    client.force_login(psw)
    response: Any = client.post(
        reverse("asye:cohort_assign", args=[cohort.pk]),
        {
            "records": [str(r.pk) for r in records[:2]],
            "assessor": str(newcomer.pk),
            "line_manager": str(manager.pk),
            "reason": "Caseloads rebalanced after the team split.",
        },
    )
    assert response.status_code == 302
    for record in records[:2]:
        record.refresh_from_db()
        assert (record.assessor, record.line_manager) == (newcomer, manager)
        change = AssessorChange.objects.get(record=record)
        assert change.reason == "Caseloads rebalanced after the team split."
    assert AuditEntry.objects.filter(verb="asye_record.change_line_manager").count() == 2
    records[2].refresh_from_db()
    assert records[2].assessor != newcomer


def test_bulk_assign_needs_someone_and_a_reason(client: Client, psw: Any, cohort: Cohort, orgs: Orgs) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, cohort=cohort)
    client.force_login(psw)
    response = client.post(reverse("asye:cohort_assign", args=[cohort.pk]), {"records": [str(record.pk)]})
    page = response.content.decode()
    assert "<title>Error: " in page
    assert "Choose a new assessor, a new line manager or both" in page
    assert "Say why they are changing" in page


def test_bulk_assign_cannot_reach_a_record_outside_the_cohort(
    client: Client, psw: Any, cohort: Cohort, orgs: Orgs, personas: dict[str, Any]
) -> None:
    outside = AsyeRecordFactory(organisation=orgs.home)
    sibling = AsyeRecordFactory(organisation=orgs.sibling)
    newcomer = membership_of(personas["assessor"], orgs.home, Role.ASSESSOR)
    client.force_login(psw)
    response = client.post(
        reverse("asye:cohort_assign", args=[cohort.pk]),
        {"records": [str(outside.pk), str(sibling.pk)], "assessor": str(newcomer.pk), "reason": "Moving"},
    )
    assert response.status_code == 200
    assert not AssessorChange.objects.exists()
    assert AsyeRecord.objects.filter(assessor=newcomer).count() == 0


# --- Assessor workload ------------------------------------------------------------------------------


def test_workload_counts_nqsws_and_evidence_waiting_for_each_assessor(
    client: Client, psw: Any, orgs: Orgs, programme_types: None, django_assert_num_queries: Any
) -> None:
    busy = member(orgs.home, Role.ASSESSOR, full_name="Busy Assessor")
    idle = member(orgs.home, Role.ASSESSOR, full_name="Idle Assessor")
    for _ in range(3):
        record = AsyeRecordFactory(organisation=orgs.home, assessor=busy)
        EvidenceItemFactory(record=record, status=EvidenceStatus.SUBMITTED)
        EvidenceItemFactory(record=record, status=EvidenceStatus.DRAFT)
    sibling_assessor = member(orgs.sibling, Role.ASSESSOR, full_name="Sentinel Sibling Assessor")
    AsyeRecordFactory(organisation=orgs.sibling, assessor=sibling_assessor)
    client.force_login(psw)
    # + the assessors, + their records counted, + evidence waiting counted
    with django_assert_num_queries(BASE_MFA + 3):
        response = client.get(reverse("asye:assessor_workload"))
    rows = response.context["rows"]
    by_name = {row[0]: (str(row[2].text), str(row[3].text)) for row in rows}
    assert by_name["Busy Assessor"] == ("3", "3")
    assert by_name["Idle Assessor"] == ("0", "0")
    assert "Sentinel Sibling Assessor" not in response.content.decode()
    assert idle.user.full_name in response.content.decode()


@pytest.mark.parametrize("viewer", ["nqsw", "assessor", "manager"])
def test_other_roles_cannot_post_to_any_cohort_page(
    client: Client, personas: dict[str, Any], cohort: Cohort, orgs: Orgs, viewer: str
) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, cohort=cohort)
    client.force_login(personas[viewer])
    posts = {
        reverse("asye:cohort_create"): {
            "organisation": orgs.home.pk,
            "name": "X",
            "month": "9",
            "year": "2026",
        },
        reverse("asye:cohort_import", args=[cohort.pk]): {},
        reverse("asye:cohort_import_confirm", args=[cohort.pk]): {"rows": "x"},
        reverse("asye:cohort_assign", args=[cohort.pk]): {"records": [str(record.pk)], "reason": "x"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert Cohort.objects.count() == 1


def test_the_sibling_psw_cannot_assign_in_the_home_cohort(
    client: Client, sibling_psw: Any, cohort: Cohort, orgs: Orgs, personas: dict[str, Any]
) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, cohort=cohort)
    newcomer = membership_of(personas["assessor"], orgs.home, Role.ASSESSOR)
    client.force_login(sibling_psw)
    response = client.post(
        reverse("asye:cohort_assign", args=[cohort.pk]),
        {"records": [str(record.pk)], "assessor": str(newcomer.pk), "reason": "Taking over"},
    )
    assert response.status_code == 404
    assert not AssessorChange.objects.exists()


def test_the_partnerships_admin_imports_into_a_member_councils_cohort(
    client: Client, academy_admin: Any, cohort: Cohort
) -> None:
    client.force_login(academy_admin)
    preview = upload(client, cohort, csv_bytes([person_row(1, assessor=ASSESSOR, manager=MANAGER)]))
    signed = preview.context["confirm"].initial["rows"]
    client.post(reverse("asye:cohort_import_confirm", args=[cohort.pk]), {"rows": signed})
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.invited_by) == (cohort.organisation, academy_admin)


def test_assign_page_query_count(
    client: Client, psw: Any, cohort: Cohort, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        AsyeRecordFactory(organisation=orgs.home, cohort=cohort)
    client.force_login(psw)
    # + the cohort, + the cohort's records counted (the checkbox list asks for its length), + the
    # records with NQSW, assessor and manager joined, + their pauses (prefetched by the shared
    # selector), + the assessors and + the line managers to choose from
    with django_assert_num_queries(BASE_MFA + 6):
        response = client.get(reverse("asye:cohort_assign", args=[cohort.pk]))
    assert response.content.decode().count('name="records"') == 3


def test_a_thousand_rows_upload_and_preview_within_a_few_seconds(
    client: Client, psw: Any, cohort: Cohort, django_assert_max_num_queries: Any
) -> None:
    import time

    client.force_login(psw)
    data = csv_bytes([person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 1001)])
    started = time.perf_counter()
    # the fixed cost, the cohort, the staff check and the check's own queries: never one per row
    with django_assert_max_num_queries(BASE_MFA + 14):
        response = upload(client, cohort, data, name="big.csv")
    elapsed = time.perf_counter() - started
    page = response.content.decode()
    assert "1000 people will be invited" in page
    assert page.count("Will be invited") == 1000
    # About 2 s here; the margin is for a busy shared machine.
    assert elapsed < 8, f"the preview of 1,000 rows took {elapsed:.1f}s"


def test_records_start_for_people_who_have_joined(
    client: Client, psw: Any, cohort: Cohort, orgs: Orgs
) -> None:
    from academy.tests.factories import MembershipFactory, UserFactory

    client.force_login(psw)
    preview = upload(
        client, cohort, csv_bytes([person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in (1, 2)])
    )
    client.post(
        reverse("asye:cohort_import_confirm", args=[cohort.pk]),
        {"rows": preview.context["confirm"].initial["rows"]},
    )
    joined = UserFactory(email="Newcomer-1@example.test")
    MembershipFactory(user=joined, organisation=orgs.home, role=Role.NQSW)
    url = reverse("asye:cohort_start_records", args=[cohort.pk])
    assert client.get(url).status_code == 405
    response: Any = client.post(url)
    assert response.status_code == 302
    record = AsyeRecord.objects.get(nqsw__user=joined)
    assert (record.cohort, record.assessor.user.email) == (cohort, ASSESSOR)
    assert "Started 1 record" in client.get(response.url).content.decode()
    client.post(url)  # again: nobody new has joined
    assert AsyeRecord.objects.filter(cohort=cohort).count() == 1
