"""Supervision, workload and protected time pages: recording and confirming through the forms,
a group session on every attendee's record, what staff see (dates and cadence, never the notes:
sentinels), isolation of the manager's list and of record pages, the year's task list, the
support summary the reviews will use, and query counts."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from academy.roles import Role
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck, new_marker
from asye.models import AsyeRecord
from asye.supervision.models import SupervisionAttendance, SupervisionKind
from asye.supervision.selectors import support_summary
from asye.tests.factories import AsyeRecordFactory, RecordPauseFactory, membership_of
from asye.tests.supervision_support import caseload_month, protected_time, supervision_on
from conftest import Orgs

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2026, 9, 1)
BASE = 3  # session user, memberships, unread count (tests/test_query_counts.py)
BASE_MFA = BASE + 1  # + authenticator


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


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
    return AsyeRecord.objects.select_related("programme_version").prefetch_related("pauses").get(pk=record.pk)


def _form(record: AsyeRecord, **overrides: Any) -> dict[str, Any]:
    return {
        "submit_token": "6a0e6c1e-8f43-4a4f-9d55-1f1b0c6f3a01",
        "kind": SupervisionKind.ONE_TO_ONE,
        "held_on_0": "20",
        "held_on_1": "11",
        "held_on_2": "2026",
        "start_time": "14:30",
        "duration_minutes": "60",
        "supervisor": str(record.line_manager.pk),
        "agenda": "Caseload; wellbeing",
        "discussion": "We talked through the two new referrals.",
        "action_1": "Book the second observation",
        "owner_1": "NQSW",
        "due_1_0": "5",
        "due_1_1": "12",
        "due_1_2": "2026",
        **overrides,
    }


# --- Recording and confirming -----------------------------------------------------------------


def test_the_manager_records_and_the_nqsw_confirms(
    client: Client, manager: Any, nqsw: Any, record: AsyeRecord
) -> None:
    client.force_login(manager)
    new = reverse("asye:supervision_new", args=[record.pk])
    assert "Record a supervision" in client.get(new).content.decode()
    response = client.post(new, _form(record))
    assert response.status_code == 302
    attendance = SupervisionAttendance.objects.select_related("supervision").get(record=record)
    session = attendance.supervision
    assert (session.held_on, session.start_time, session.kind) == (
        D(2026, 11, 20),
        datetime.time(14, 30),
        "one_to_one",
    )
    assert session.actions == [
        {"action": "Book the second observation", "owner": "NQSW", "due_on": "2026-12-05"}
    ]

    client.force_login(nqsw)
    page = client.get(reverse("asye:supervision", args=[record.pk, session.pk])).content.decode()
    assert "We talked through the two new referrals." in page
    assert "Not confirmed yet" in page
    confirm = reverse("asye:supervision_confirm", args=[record.pk, session.pk])
    assert client.post(confirm, {"reflection": "It helped me plan my week."}).status_code == 302
    attendance.refresh_from_db()
    assert attendance.confirmed_by == nqsw
    assert attendance.reflection == "It helped me plan my week."

    client.force_login(manager)
    page = client.get(reverse("asye:supervision", args=[record.pk, session.pk])).content.decode()
    assert "It helped me plan my week." in page
    assert reverse("asye:supervision_edit", args=[record.pk, session.pk]) not in page  # confirmed: no edits


def test_an_invalid_form_keeps_what_was_typed(client: Client, manager: Any, record: AsyeRecord) -> None:
    client.force_login(manager)
    data = _form(record, held_on_0="31", held_on_1="2", owner_1="", discussion="Words I typed")
    html = client.post(reverse("asye:supervision_new", args=[record.pk]), data).content.decode()
    assert re.search(r"<title>\s*Error: Record a supervision", html)
    assert "Words I typed" in html
    assert "Enter who owns agreed action 1" in html
    assert not SupervisionAttendance.objects.exists()


def test_a_future_date_is_refused_on_the_form(client: Client, manager: Any, record: AsyeRecord) -> None:
    client.force_login(manager)
    data = _form(record, held_on_0="2", held_on_1="12")
    html = client.post(reverse("asye:supervision_new", args=[record.pk]), data).content.decode()
    assert "must be today or in the past" in html


def test_a_group_session_appears_on_each_attendees_record(
    client: Client, manager: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    other = AsyeRecordFactory(
        organisation=orgs.home,
        line_manager=record.line_manager,
        start_date=START,
        nqsw_name="Rowan Fairweather",
    )
    client.force_login(manager)
    new = reverse("asye:supervision_new", args=[record.pk])
    assert "Rowan Fairweather" in client.get(new).content.decode()  # offered as an attendee
    data = _form(record, kind=SupervisionKind.GROUP, attendees=[str(other.pk)])
    assert client.post(new, data).status_code == 302
    for on in (record, other):
        html = client.get(reverse("asye:supervisions", args=[on.pk])).content.decode()
        assert "Group (2 NQSWs)" in html
    assert SupervisionAttendance.objects.values("supervision").distinct().count() == 1


def test_editing_a_supervision(client: Client, assessor: Any, record: AsyeRecord) -> None:
    session = supervision_on(record, D(2026, 11, 2), start_time=datetime.time(9, 5))
    client.force_login(assessor)
    url = reverse("asye:supervision_edit", args=[record.pk, session.pk])
    html = client.get(url).content.decode()
    assert "Caseload, a complex assessment" in html
    assert 'value="09:05"' in html
    data = {k: v for k, v in _form(record).items() if k not in ("submit_token", "kind")} | {"revision": "1"}
    assert client.post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.revision == 2
    assert session.held_on == D(2026, 11, 20)


def test_the_form_autosaves(client: Client, manager: Any, record: AsyeRecord) -> None:
    client.force_login(manager)
    html = client.get(reverse("asye:supervision_new", args=[record.pk])).content.decode()
    assert f"asye:supervision:new:{record.pk}" in html


# --- What each reader sees --------------------------------------------------------------------------


def test_staff_see_dates_and_cadence_never_the_notes(
    client: Client, psw: Any, nqsw: Any, assessor: Any, manager: Any, record: AsyeRecord
) -> None:
    discussion, agenda, action, reflection = (
        new_marker(p) for p in ("discussion", "agenda", "action", "reflection")
    )
    session = supervision_on(
        record,
        D(2026, 11, 20),
        discussion=discussion,
        agenda=agenda,
        actions=[{"action": action, "owner": "NQSW", "due_on": ""}],
    )
    SupervisionAttendance.objects.filter(supervision=session).update(reflection=reflection)
    pages = [
        reverse("asye:supervisions", args=[record.pk]),
        reverse("asye:supervision", args=[record.pk, session.pk]),
        reverse("asye:year", args=[record.pk]),
        reverse("asye:record", args=[record.pk]),
        reverse("asye:workload", args=[record.pk]),
    ]
    client.force_login(psw)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for marker in (discussion, agenda, action, reflection):
            assert marker not in html, f"{url} shows the notes to a PSW"
    html = client.get(pages[0]).content.decode()
    assert "20 November 2026" in html  # the date is theirs to see
    assert "Missed" in html  # and the cadence
    for reader in (nqsw, assessor, manager):  # the control: the notes' readers see every marker
        client.force_login(reader)
        html = client.get(pages[1]).content.decode()
        assert all(marker in html for marker in (discussion, agenda, action, reflection))


def test_supervisions_page_shows_the_cadence(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    for day in (D(2026, 9, 2), D(2026, 9, 9), D(2026, 11, 25)):
        supervision_on(record, day)
    client.force_login(nqsw)
    html = client.get(reverse("asye:supervisions", args=[record.pk])).content.decode()
    assert "Weekly in weeks 1 to 6" in html
    assert "Fortnightly until month 6" in html
    assert html.count(">Met<") == 3
    assert html.count(">Missed<") == 7  # weeks 3 to 6, and three fortnights from 13 October to 23 November
    assert "A supervision is due" not in html  # 25 November met the fortnight now running
    assert reverse("asye:supervision_new", args=[record.pk]) not in html  # the NQSW does not record


def test_isolation_of_the_managers_list_and_record_pages(
    client: Client, manager: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    check = IsolationCheck(client, viewer=manager)

    def make(organisation: Any, marker: str, **fields: Any) -> AsyeRecord:
        found = AsyeRecordFactory(organisation=organisation, nqsw_name=marker, start_date=START, **fields)
        supervision_on(found, D(2026, 10, 1))
        return found

    planted = check.plant(
        make,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: make(orgs.home, marker),
        },
        shown={
            "managed by the viewer": lambda marker: make(orgs.home, marker, line_manager=record.line_manager)
        },
    )
    check.list_page(reverse("asye:supervision_overview"), planted)
    check.object_pages(lambda r: reverse("asye:supervisions", args=[r.pk]), planted, shown_status=200)
    check.object_pages(lambda r: reverse("asye:workload", args=[r.pk]), planted, shown_status=200)
    check.object_pages(lambda r: reverse("asye:supervision_new", args=[r.pk]), planted, shown_status=200)
    check.object_pages(
        lambda r: reverse("asye:supervision", args=[r.pk, r.supervision_attendances.get().supervision_id]),
        planted,
        shown_status=200,
    )


def test_a_session_is_only_found_through_its_own_record(
    client: Client, manager: Any, orgs: Orgs, record: AsyeRecord
) -> None:
    mine = supervision_on(record, D(2026, 10, 1))
    other = AsyeRecordFactory(organisation=orgs.home, line_manager=record.line_manager, start_date=START)
    client.force_login(manager)
    assert client.get(reverse("asye:supervision", args=[other.pk, mine.pk])).status_code == 404


# --- Workload and protected time ---------------------------------------------------------------------


def test_workload_and_protected_time(client: Client, manager: Any, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(manager)
    data = {"month_0": "3", "month_1": "11", "month_2": "2026", "caseload": "18", "comparison": "20"}
    assert client.post(reverse("asye:caseload_record", args=[record.pk]), data).status_code == 302
    html = client.post(
        reverse("asye:caseload_record", args=[record.pk]), {**data, "comparison": "lots"}
    ).content.decode()
    assert "Enter the comparison figure as a number" in html
    assert 'value="lots"' in html

    client.force_login(nqsw)
    add = reverse("asye:protected_time_add", args=[record.pk])
    token = "9a0e6c1e-8f43-4a4f-9d55-1f1b0c6f3a02"
    entry = {"submit_token": token, "used_on_0": "10", "used_on_1": "11", "used_on_2": "2026", "hours": "7.4"}
    assert client.post(add, {**entry, "activity": "Shadowing at a case conference"}).status_code == 302
    html = client.post(add, {**entry, "hours": "99", "activity": "Typed text"}).content.decode()
    assert "Enter at most 37.5 hours" in html
    assert "Typed text" in html

    html = client.get(reverse("asye:workload", args=[record.pk])).content.decode()
    assert "November 2026" in html
    assert "10% lower" in html
    assert "Shadowing at a case conference" in html
    assert "3.7 hours a week" in html
    assert "Expected by 1 December 2026" in html
    assert "48.6 hours" in html  # 92 days from 1 September to 1 December, at 3.7 hours a week
    assert "Behind" in html


def test_protected_time_remove(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    entry = protected_time(record)
    url = reverse("asye:protected_time_remove", args=[record.pk, entry.pk])
    client.force_login(nqsw)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not record.protected_time.exists()


# --- The year's task list and the home panel -----------------------------------------------------


def test_the_year_shows_supervision(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    supervision_on(record, D(2026, 11, 25))
    client.force_login(nqsw)
    html = client.get(reverse("asye:year", args=[record.pk])).content.decode()
    assert "Supervision and support" in html
    assert "intervals missed" in html
    assert reverse("asye:supervisions", args=[record.pk]) in html
    assert reverse("asye:workload", args=[record.pk]) in html
    home = client.get(reverse("academy:home")).content.decode()
    assert reverse("asye:supervisions", args=[record.pk]) in home


# --- The support summary for the reviews ---------------------------------------------------------


def _filled(record: AsyeRecord) -> None:
    for day in (
        D(2026, 9, 3),
        D(2026, 9, 10),
        D(2026, 9, 17),
        D(2026, 10, 1),
        D(2026, 10, 8),
        D(2026, 10, 20),
        D(2026, 11, 3),
        D(2026, 11, 24),
    ):
        supervision_on(record, day)
    for month, caseload in ((9, "16"), (10, "17"), (11, "18")):
        caseload_month(record, D(2026, month, 1), caseload, "20")
    for day, hours in (
        (D(2026, 9, 10), "3.5"),
        (D(2026, 10, 15), "4"),
        (D(2026, 11, 20), "3.7"),
        (D(2026, 12, 1), "2"),
    ):
        protected_time(record, day, hours)


def test_support_summary(record: AsyeRecord) -> None:
    _filled(record)
    summary = support_summary(record=_fresh(record), starts_on=START, ends_on=D(2026, 11, 30))
    # weekly: met, met, met, missed (22-28 Sep), met, met; fortnightly from 13 October: met
    # (20 Oct), met (3 Nov), missed (10-23 Nov); the one from 24 November has not ended
    assert (summary.supervisions_held, summary.supervision_intervals, summary.intervals_missed) == (8, 9, 2)
    assert summary.caseload_months == 3
    assert (summary.latest_month, summary.latest_caseload, summary.latest_comparison) == (
        D(2026, 11, 1),
        Decimal(18),
        Decimal(20),
    )
    assert (summary.average_caseload, summary.average_comparison) == (Decimal("17.0"), Decimal("20.0"))
    assert summary.protected_hours_used == Decimal("11.2")
    assert summary.protected_hours_expected == Decimal("48.1")  # 13 weeks at 3.7 hours
    assert summary.as_text() == (
        "Between 1 September 2026 and 30 November 2026, 8 supervisions were held. "
        "Supervision met the agreed frequency in 7 of 9 intervals (2 missed). "
        "In November 2026 the caseload was 18 against a comparison figure of 20 for an experienced "
        "colleague: 10% lower than the comparison. "
        "11.2 hours of protected development time were used, against 48.1 hours expected for the period."
    )


def test_support_summary_of_a_later_period_with_a_pause(record: AsyeRecord) -> None:
    _filled(record)
    RecordPauseFactory(record=record, starts_on=D(2026, 10, 1), ends_on=D(2026, 10, 14))
    summary = support_summary(record=_fresh(record), starts_on=D(2026, 10, 1), ends_on=D(2026, 11, 30))
    assert summary.supervisions_held == 5
    assert summary.caseload_months == 2  # October and November
    assert summary.protected_hours_used == Decimal("7.7")
    assert summary.protected_hours_expected == Decimal("24.8")  # 61 days less 14 paused: 47 days


def test_support_summary_with_nothing_recorded(record: AsyeRecord) -> None:
    summary = support_summary(record=_fresh(record), starts_on=START, ends_on=D(2026, 9, 3))
    assert summary.supervision_intervals == 0
    assert summary.latest_reduction_percent is None
    assert summary.as_text() == (
        "Between 1 September 2026 and 3 September 2026, 0 supervisions were held. "
        "No supervision interval ended in this period. No caseload was recorded for this period. "
        "0 hours of protected development time were used, against 1.6 hours expected for the period."
    )


def test_support_summary_queries(record: AsyeRecord, django_assert_num_queries: Any) -> None:
    _filled(record)
    fresh = _fresh(record)
    # the supervision days, the caseload months, the protected hours
    with django_assert_num_queries(3):
        support_summary(record=fresh, starts_on=START, ends_on=D(2026, 11, 30))


# --- Query counts ----------------------------------------------------------------------------------


def _three_of_everything(record: AsyeRecord, others: list[AsyeRecord]) -> None:
    for day in (D(2026, 10, 1), D(2026, 10, 15), D(2026, 11, 1)):
        supervision_on([record, *others] if day.day == 15 else record, day, confirmed=day.day == 1)
    for month in (9, 10, 11):
        caseload_month(record, D(2026, month, 1))
    for day in (D(2026, 9, 10), D(2026, 10, 10), D(2026, 11, 10)):
        protected_time(record, day)


def _others(orgs: Orgs, record: AsyeRecord) -> list[AsyeRecord]:
    found: list[AsyeRecord] = [
        AsyeRecordFactory(organisation=orgs.home, line_manager=record.line_manager, start_date=START)
        for _ in range(3)
    ]
    for other in found:
        supervision_on(other, D(2026, 11, 2))
    return found


def test_supervisions_page_query_count(
    client: Client, manager: Any, orgs: Orgs, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    _three_of_everything(record, _others(orgs, record))
    client.force_login(manager)
    # BASE, + the record with everything joined, + its pauses, + the count for pagination, + the
    # page of sessions (supervisor joined, attendees counted), + the supervision days
    with django_assert_num_queries(BASE + 5):
        response = client.get(reverse("asye:supervisions", args=[record.pk]))
    assert response.content.decode().count("Group (4 NQSWs)") == 1


def test_workload_page_query_count(
    client: Client, nqsw: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    _three_of_everything(record, [])
    client.force_login(nqsw)
    # BASE + whether they have an ASYE record (navigation), + the record with everything
    # joined, + its pauses, + the count for pagination, + the page of entries, + the hours used,
    # + the caseload months
    with django_assert_num_queries(BASE + 1 + 6):
        response = client.get(reverse("asye:workload", args=[record.pk]))
    assert response.content.decode().count("Reading on strengths-based practice") == 3


def test_overview_query_count(
    client: Client, manager: Any, orgs: Orgs, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    _three_of_everything(record, _others(orgs, record))
    client.force_login(manager)
    # BASE, + the count for pagination, + the page of records (everything joined), + their
    # pauses, + the supervision days of the whole page
    with django_assert_num_queries(BASE + 4):
        response = client.get(reverse("asye:supervision_overview"))
    html = response.content.decode()
    assert html.count(reverse("asye:supervisions", args=[record.pk])) == 1
    assert html.count("intervals missed") == 4
