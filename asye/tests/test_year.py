"""The year at a glance: the task list builder (each section's states, minimums from the
programme version's data, reviews against the clock), the "Your ASYE year" page and the NQSW's
home panel, evidence progress on the staff list and "My NQSWs", isolation and query counts."""

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.agreement.models import SignatureCapacity
from asye.models import AsyeRecord, EvidenceKind, EvidenceStatus
from asye.selectors import ASSESSOR, NQSW
from asye.tests.agreement_support import AgreementFactory, PlanRowFactory, sign
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, member, membership_of
from asye.year import presenters
from asye.year.selectors import progress_of, year_data
from conftest import Orgs

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 9, 1)
BASE = 3  # session user, memberships, unread count (tests/test_query_counts.py)
BASE_MFA = BASE + 1  # + authenticator
BASE_NQSW = BASE + 1  # + whether they have an ASYE record (navigation)
NEWS_PANEL = 2  # the academy news panel on every home page (tests/test_query_counts.py)


@pytest.fixture
def record(orgs: Orgs, personas: dict[str, Any], programme_types: None) -> AsyeRecord:
    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        assessor=membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
        start_date=START,
    )


def _fresh(record: AsyeRecord) -> AsyeRecord:
    """The record as the pages load it (everything joined, pauses prefetched)."""
    return AsyeRecord.objects.select_related("programme_version").prefetch_related("pauses").get(pk=record.pk)


def sections(record: AsyeRecord, today: datetime.date, relations: frozenset[str] = frozenset({NQSW})) -> dict:
    data = year_data(record=_fresh(record), today=today)
    return {s.title: s for s in presenters.year_sections(data, relations)}


def item(section: Any, title: str) -> dict[str, Any]:
    return next(i for i in section.items if i["title"] == title)


# --- The builder ----------------------------------------------------------------------------------


def test_agreement_states(record: AsyeRecord) -> None:
    today = datetime.date(2026, 10, 1)

    def state() -> tuple[str, str]:
        row = sections(record, today)["Support and assessment agreement"].items[0]
        return row["status_text"], row["hint"]

    assert state()[0] == "Not started"
    agreement = AgreementFactory(record=record, answers={})
    assert state() == ("In progress", "Version 1 is being written.")
    agreement.answers = AgreementFactory.build(record=record).answers
    agreement.save()
    sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)
    status, hint = state()
    assert status == "Waiting for signatures"
    assert hint == (
        "Waiting for your signature. Still to sign: Newly qualified social worker, Line manager, ASYE lead."
    )
    sign(agreement, SignatureCapacity.NQSW, record.nqsw)
    sign(agreement, SignatureCapacity.LINE_MANAGER, record.line_manager)
    sign(agreement, SignatureCapacity.ASYE_LEAD, member(record.organisation, Role.PSW))
    assert state() == ("Signed by everyone", "Version 1, signed by everyone.")


def test_plans_mark_the_current_period_and_count_rows(record: AsyeRecord) -> None:
    for _ in range(3):
        PlanRowFactory(record=record, period="months-3-6")
    plans = sections(record, datetime.date(2027, 1, 15))["Professional development plans"]
    current = item(plans, "Months 3 to 6")
    assert (current["status_text"], current["status_colour"], current["hint"]) == (
        "3 rows",
        "light-blue",
        "Current period.",
    )
    assert item(plans, "Initial plan (months 0 to 3)")["status_text"] == "No rows"
    assert item(plans, "Months 6 to 12")["status_text"] == "Not yet"
    assert all(i["url"] == reverse("asye:plans", args=[record.pk]) for i in plans.items)


def test_evidence_counts_against_the_versions_minimums(record: AsyeRecord) -> None:
    kind = EvidenceKind.DIRECT_OBSERVATION
    for status in (EvidenceStatus.ACCEPTED, EvidenceStatus.SUBMITTED, EvidenceStatus.DRAFT):
        EvidenceItemFactory(record=record, kind=kind, status=status)
    EvidenceItemFactory(record=record, kind=EvidenceKind.WRITTEN_WORK, status=EvidenceStatus.RETURNED)
    for _ in range(2):
        EvidenceItemFactory(
            record=record, kind=EvidenceKind.CRITICAL_REFLECTION, status=EvidenceStatus.ACCEPTED
        )
    # Month 7 of 12: a little over half the year gone by.
    evidence = sections(record, datetime.date(2027, 3, 20))["Evidence by kind"]
    observation = item(evidence, "Direct observation of practice")
    assert observation["status_text"] == "Waiting for review"
    assert observation["hint"] == (
        "1 of 3 accepted. 1 waiting for review. 1 draft not sent yet. 2 more needed."
    )
    written = item(evidence, "Assessed written work")
    assert written["status_text"] == "Changes needed"
    assert "1 returned item needs your changes." in written["hint"]
    # Changes needed: to the list, showing only that kind.
    assert written["url"] == reverse("asye:evidence_list", args=[record.pk]) + "?kind=written_work"
    assert item(evidence, "Critical reflection")["status_text"] == "Minimum met"
    people = item(evidence, "Feedback from people who use services")
    assert people["status_text"] == "Not started"
    assert people["hint"] == (
        "0 of 3 accepted. 3 more needed. About 1 expected by now if spread evenly over the year."
    )
    assert people["url"] == reverse("asye:evidence_new", args=[record.pk, EvidenceKind.FEEDBACK_PEOPLE])
    assert item(evidence, "Learning activity")["status_text"] == "Optional"


def test_minimums_come_from_the_programme_version(record: AsyeRecord) -> None:
    version = record.programme_version
    version.evidence_minimums = {**version.evidence_minimums, "direct_observation": 5, "other": 1}
    version.save()
    evidence = sections(record, datetime.date(2026, 9, 2))["Evidence by kind"]
    assert item(evidence, "Direct observation of practice")["hint"].startswith("0 of 5 accepted.")
    assert item(evidence, "Other evidence")["status_text"] == "Not started"


def test_the_assessor_sees_what_waits_for_them_without_the_nqsws_links(record: AsyeRecord) -> None:
    EvidenceItemFactory(record=record, kind=EvidenceKind.DIRECT_OBSERVATION, status=EvidenceStatus.SUBMITTED)
    evidence = sections(record, datetime.date(2026, 10, 1), frozenset({ASSESSOR}))["Evidence by kind"]
    observation = item(evidence, "Direct observation of practice")
    assert "1 waiting for your review." in observation["hint"]
    listing = reverse("asye:evidence_list", args=[record.pk])
    assert observation["url"] == f"{listing}?kind=direct_observation"  # only the observations
    assert all(i["url"].startswith(f"{listing}?kind=") for i in evidence.items)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # In British Summer Time, a month after the start: nothing due for weeks.
        (datetime.datetime(2026, 10, 1, 12, 0, tzinfo=datetime.UTC), "Not due yet"),
        # Two weeks before the foundational review (due 1 December).
        (datetime.datetime(2026, 11, 17, 12, 0, tzinfo=datetime.UTC), "Due soon"),
        (datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), "Overdue"),
    ],
)
def test_review_status_against_the_clock(
    record: AsyeRecord, instant: datetime.datetime, expected: str
) -> None:
    with time_machine.travel(instant, tick=False):
        data = year_data(record=_fresh(record))
        reviews = presenters.reviews_section(data, frozenset({NQSW}))
    foundational = reviews.items[0]
    assert foundational["title"] == "Foundational review (3 months)"
    assert foundational["status_text"] == expected
    assert foundational["hint"] == "Due 1 December 2026."
    assert foundational["url"] == reverse("asye:review", args=[record.pk, "foundational"])


def test_a_review_due_in_summer_time_is_overdue_from_local_midnight(record: AsyeRecord) -> None:
    # The nine-month review is due on 1 June 2027 (BST). At 00:30 on 2 June in London it is still
    # 1 June in UTC: a date taken in UTC would call it "Due soon".
    with time_machine.travel(datetime.datetime(2027, 6, 1, 23, 30, tzinfo=datetime.UTC), tick=False):
        reviews = presenters.reviews_section(year_data(record=_fresh(record)), frozenset({NQSW}))
    nine = item(reviews, "Nine-month review")
    assert (nine["status_text"], nine["hint"]) == ("Overdue", "Due 1 June 2027.")


def test_final_assessment_shows_its_state_and_date(record: AsyeRecord) -> None:
    final, submission = sections(record, datetime.date(2026, 10, 1))["Final assessment"].items
    assert final == {
        "title": "Final assessment",
        "url": reverse("asye:final", args=[record.pk]),
        "status_text": "Not started",
        "status_colour": "blue",
        "hint": "Due 1 September 2027. Planned end 1 September 2027.",
    }
    assert (submission["title"], submission["status_text"]) == ("Submission to moderation", "Not submitted")
    # The final review is a review like the others, listed with them; the final assessment
    # (report and recommendation) is its own section.
    reviews = sections(record, datetime.date(2026, 10, 1))["Reviews"]
    assert [i["title"] for i in reviews.items][-1] == "Final review"


def test_expected_by_now_rounds_down() -> None:
    assert presenters.expected_by_now(3, 0.0) == 0
    assert presenters.expected_by_now(3, 0.32) == 0
    assert presenters.expected_by_now(3, 1 / 3) == 1
    assert presenters.expected_by_now(3, 1.0) == 3


def test_progress_counts_each_kind_up_to_its_minimum(record: AsyeRecord) -> None:
    for _ in range(5):  # five reflections: two count (the minimum)
        EvidenceItemFactory(
            record=record, kind=EvidenceKind.CRITICAL_REFLECTION, status=EvidenceStatus.ACCEPTED
        )
    EvidenceItemFactory(
        record=record, kind=EvidenceKind.DIRECT_OBSERVATION, status=EvidenceStatus.RESUBMITTED
    )
    progress = progress_of([record])[record.pk]
    assert (progress.accepted_toward, progress.required, progress.accepted, progress.waiting) == (2, 14, 5, 1)


# --- Pages -----------------------------------------------------------------------------------------


def test_year_page_for_the_nqsw_and_the_assessor(
    client: Client, nqsw: Any, assessor: Any, record: AsyeRecord
) -> None:
    url = reverse("asye:year", args=[record.pk])
    client.force_login(nqsw)
    html = client.get(url).content.decode()
    assert "<title>Your ASYE year" in html
    assert reverse("asye:evidence_new", args=[record.pk, EvidenceKind.DIRECT_OBSERVATION]) in html
    assert "govuk-task-list" in html
    client.force_login(assessor)
    html = client.get(url).content.decode()
    assert f"asye/records/{record.pk}/evidence/new/" not in html
    assert reverse("asye:evidence_list", args=[record.pk]) in html
    assert reverse("asye:agreement", args=[record.pk]) in html


def test_home_panel_shows_the_nqsws_year(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    html = client.get(reverse("academy:home")).content.decode()
    assert "Your ASYE year" in html
    assert reverse("asye:year", args=[record.pk]) in html
    assert "0 of 14 accepted" in html
    assert "Your assessor writes it with you after your first meeting." in html


def test_no_home_panel_without_a_record(client: Client, nqsw: Any, programme_types: None) -> None:
    client.force_login(nqsw)
    assert "Your ASYE year" not in client.get(reverse("academy:home")).content.decode()


def _evidence_status(html: str) -> str:
    found = re.search(r"(\d+ of \d+ accepted|Minimums met|Changes needed)", html)
    assert found, "the home panel shows no evidence row"
    return found.group(1)


def test_home_panel_counts_only_the_nqsws_own_evidence(
    client: Client, nqsw: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    check = IsolationCheck(client, viewer=nqsw)

    def accepted(record_of: AsyeRecord, marker: str) -> Any:
        return EvidenceItemFactory(
            record=record_of,
            title=marker,
            kind=EvidenceKind.DIRECT_OBSERVATION,
            status=EvidenceStatus.ACCEPTED,
        )

    check.count(
        reverse("academy:home"),
        read=_evidence_status,
        make=lambda organisation, marker: accepted(AsyeRecordFactory(organisation=organisation), marker),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: accepted(AsyeRecordFactory(organisation=orgs.home), marker),
        },
        shown={"own record": lambda marker: accepted(record, marker)},
    )
    html = client.get(reverse("academy:home")).content.decode()
    assert "sentinel-" not in html  # no item's title reaches the panel, the viewer's own included


def test_year_page_isolation(client: Client, assessor: Any, orgs: Orgs, record: AsyeRecord) -> None:
    check = IsolationCheck(client, viewer=assessor)
    planted = check.plant(
        lambda organisation, marker: AsyeRecordFactory(organisation=organisation, nqsw_name=marker),
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: AsyeRecordFactory(organisation=orgs.home, nqsw_name=marker),
        },
        shown={
            "assigned to the viewer": lambda marker: AsyeRecordFactory(
                organisation=orgs.home, nqsw_name=marker, assessor=record.assessor
            )
        },
    )
    check.object_pages(lambda r: reverse("asye:year", args=[r.pk]), planted, shown_status=200)


def test_lists_show_progress_of_their_own_records_only(
    client: Client, psw: Any, assessor: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    for _ in range(2):
        EvidenceItemFactory(
            record=record, kind=EvidenceKind.DIRECT_OBSERVATION, status=EvidenceStatus.ACCEPTED
        )
    EvidenceItemFactory(record=record, status=EvidenceStatus.SUBMITTED)
    other = AsyeRecordFactory(organisation=orgs.sibling)
    for _ in range(7):
        EvidenceItemFactory(record=other, kind=EvidenceKind.WRITTEN_WORK, status=EvidenceStatus.ACCEPTED)
    client.force_login(psw)
    html = client.get(reverse("asye:records")).content.decode()
    assert "Evidence accepted" in html
    assert "2 of 14" in html
    assert "3 of 14" not in html
    client.force_login(assessor)
    html = client.get(reverse("asye:assigned")).content.decode()
    assert "2 of 14" in html
    assert "1 waiting for review" in html
    assert "Not started" in html  # no agreement yet


# --- Query counts -----------------------------------------------------------------------------------


def fill(record: AsyeRecord) -> None:
    """Three or more of everything the year shows: evidence in every state and kind, three plan
    rows in three periods, an agreement in two versions with signatures."""
    for kind in (
        EvidenceKind.DIRECT_OBSERVATION,
        EvidenceKind.CRITICAL_REFLECTION,
        EvidenceKind.WRITTEN_WORK,
    ):
        for status in EvidenceStatus:
            EvidenceItemFactory(record=record, kind=kind, status=status)
    for period in ("initial", "months-3-6", "months-6-12"):
        for _ in range(3):
            PlanRowFactory(record=record, period=period)
    first = AgreementFactory(record=record)
    second = AgreementFactory(record=record, number=2)
    for agreement in (first, second):
        sign(agreement, SignatureCapacity.NQSW, record.nqsw)
        sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)
        sign(agreement, SignatureCapacity.LINE_MANAGER, record.line_manager)


def test_home_query_count(
    client: Client, nqsw: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    from cpd.selectors import registration_years

    fill(record)
    client.force_login(nqsw)
    registration_years()  # reference data, cached after a deployment's first page
    # BASE_NQSW (the navigation's "has a record", cached then for the panel's condition too)
    # + the five latest unread notifications, + the NQSW's records with everything joined,
    # + their pauses, + the newest agreement, + its signatures, + the plans with row counts,
    # + the evidence counted by kind and status, + the reviews with the capacities signed,
    # + the supervision days, + the final assessment with the capacities signed, + the CPD
    # panel's records this year, + the academy news panel (programmes/news: NEWS_PANEL)
    with django_assert_num_queries(BASE_NQSW + 11 + NEWS_PANEL):
        response = client.get(reverse("academy:home"))
    assert "Your ASYE year" in response.content.decode()
    assert BASE_NQSW + 11 + NEWS_PANEL <= 17


def test_year_page_query_count(
    client: Client, assessor: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    fill(record)
    client.force_login(assessor)
    # BASE_MFA, + the "Evidence to review" badge, + the record with everything joined, + its
    # pauses, + the newest agreement, + its signatures, + the plans with row counts, + the
    # evidence counted by kind and status, + the reviews with the capacities signed, + the
    # supervision days, + the final assessment with the capacities signed
    with django_assert_num_queries(BASE_MFA + 10):
        response = client.get(reverse("asye:year", args=[record.pk]))
    assert response.status_code == 200


def _three_more(orgs: Orgs, record: AsyeRecord) -> None:
    for _ in range(3):
        fill(
            AsyeRecordFactory(
                organisation=orgs.home, assessor=record.assessor, line_manager=record.line_manager
            )
        )


def test_assigned_list_query_count(
    client: Client, assessor: Any, orgs: Orgs, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    fill(record)
    _three_more(orgs, record)
    client.force_login(assessor)
    # BASE_MFA, + the "Evidence to review" badge, + the count for pagination, + the page of
    # records (everything joined), + their pauses, + the page's evidence counted by record, kind
    # and status, + the page's agreements, + their signatures
    with django_assert_num_queries(BASE_MFA + 7):
        response = client.get(reverse("asye:assigned"))
    html = response.content.decode()
    assert html.count(reverse("asye:year", args=[record.pk])) == 1
    assert html.count("Waiting for signatures") == 4


def test_staff_list_query_count(
    client: Client, psw: Any, orgs: Orgs, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    fill(record)
    _three_more(orgs, record)
    client.force_login(psw)
    # BASE_MFA (a council's scope is the council itself: no tree to walk), + the filter's teams,
    # + the filter's assessors, + the count for pagination, + the page of records (everything
    # joined), + their pauses, + the page's evidence counted by record, kind and status
    with django_assert_num_queries(BASE_MFA + 6):
        response = client.get(reverse("asye:records"))
    # accepted: one observation, one reflection, one piece of written work on each record
    assert response.content.decode().count("3 of 14") == 4


def test_an_outsider_cannot_find_the_year_page(client: Client, outsider: Any, record: AsyeRecord) -> None:
    client.force_login(outsider)
    assert client.get(reverse("asye:year", args=[record.pk])).status_code == 404
