"""The cohort import: reading CSV and XLSX files, the row checks, what confirming writes, and that
the same file twice changes nothing."""

import codecs
import datetime
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from academy.models import AuditEntry, Invitation, OutboxMessage
from academy.roles import Role
from academy.tests.factories import MembershipFactory, TeamFactory, UserFactory
from asye.cohorts.reading import read_upload
from asye.cohorts.services import RowAction, cohort_import, cohort_import_check
from asye.models import AssessorChange, AsyeRecord
from asye.tests.factories import AsyeRecordFactory, member, membership_of

from .cohort_support import csv_bytes, home_cohort, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db

ASSESSOR = "assessor@example.test"
MANAGER = "manager@example.test"


@pytest.fixture
def cohort(orgs: Any, psw: Any, programme_types: None) -> Any:
    return home_cohort(orgs, psw)


def rows(*people: dict[str, str]) -> list[Any]:
    return read_upload(csv_bytes(list(people)), name="intake.csv").rows


def check(psw: Any, cohort: Any, *people: dict[str, str]) -> Any:
    return cohort_import_check(actor=psw, cohort=cohort, rows=rows(*people))


def problems(plan: Any) -> list[str]:
    return [f"{number} {error.column}: {error.message}" for number, error in plan.errors]


def test_a_new_intake_is_invited_and_nothing_is_written_before_confirming(psw: Any, cohort: Any) -> None:
    plan = check(
        psw,
        cohort,
        person_row(1, assessor=ASSESSOR, manager=MANAGER),
        person_row(2, assessor=ASSESSOR, manager=MANAGER),
    )
    assert plan.is_clean, problems(plan)
    assert [row.action for row in plan.rows] == [RowAction.INVITE, RowAction.INVITE]
    assert not Invitation.objects.exists()
    assert not cohort.entries.exists()


def test_confirming_invites_through_the_outbox_and_a_second_import_changes_nothing(
    psw: Any, cohort: Any, django_capture_on_commit_callbacks: Any
) -> None:
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 4)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = cohort_import(actor=psw, cohort=cohort, rows=rows(*people), file_name="intake.csv")
    assert result.invited == 3
    assert callbacks, "the outbox is asked to send once the transaction commits"
    invitations = Invitation.objects.filter(organisation=cohort.organisation, role=Role.NQSW)
    assert sorted(i.email for i in invitations) == [f"newcomer-{n}@example.test" for n in range(1, 4)]
    assert OutboxMessage.objects.filter(kind="invitation").count() == 3
    assert cohort.entries.count() == 3
    audit = AuditEntry.objects.filter(verb="asye_cohort.import").count()

    again = cohort_import(actor=psw, cohort=cohort, rows=rows(*people), file_name="intake.csv")
    assert (again.invited, again.same) == (0, 3)
    assert OutboxMessage.objects.filter(kind="invitation").count() == 3
    assert cohort.entries.count() == 3
    assert AuditEntry.objects.filter(verb="asye_cohort.import").count() == audit


def test_someone_who_has_joined_gets_their_record_on_the_next_import(
    psw: Any, cohort: Any, orgs: Any
) -> None:
    people = [person_row(1, assessor=ASSESSOR, manager=MANAGER)]
    cohort_import(actor=psw, cohort=cohort, rows=rows(*people), file_name="intake.csv")
    joined = UserFactory(email="newcomer-1@example.test")
    MembershipFactory(user=joined, organisation=orgs.home, role=Role.NQSW)

    plan = check(psw, cohort, *people)
    assert [row.action for row in plan.rows] == [RowAction.START]
    result = cohort_import(actor=psw, cohort=cohort, rows=rows(*people), file_name="intake.csv")
    assert result.started == 1
    record = AsyeRecord.objects.get(nqsw__user=joined)
    assert record.cohort == cohort
    assert record.swe_number == "SW700001"
    assert cohort.entries.get().record == record
    assert check(psw, cohort, *people).rows[0].action == RowAction.SAME


def test_a_record_under_way_joins_and_a_new_assessor_is_kept_in_its_history(
    psw: Any, cohort: Any, orgs: Any, personas: dict[str, Any]
) -> None:
    other = member(orgs.home, Role.ASSESSOR, email="second-assessor@example.test")
    record = AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        assessor=other,
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    )
    row = person_row(1, assessor=ASSESSOR, manager=MANAGER, Email="nqsw@example.test")
    plan = check(psw, cohort, row)
    assert plan.rows[0].action == RowAction.JOIN
    assert "Assessor becomes" in plan.rows[0].changes[0]
    cohort_import(actor=psw, cohort=cohort, rows=rows(row), file_name="intake.csv")
    record.refresh_from_db()
    assert record.cohort == cohort
    assert record.assessor.user.email == ASSESSOR
    change = AssessorChange.objects.get(record=record)
    assert change.reason == "Cohort import of “intake.csv”."
    assert check(psw, cohort, row).rows[0].action == RowAction.SAME


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"Start date": "31/02/2026"}, "Start date", "is not a date"),
        ({"Start date": "next week"}, "Start date", "is not a date"),
        ({"Start date": ""}, "Start date", "Enter the date"),
        ({"Date qualified": "02/09/2026"}, "Date qualified", "on or before the start date"),
        ({"Assessor email": "nobody@example.test"}, "Assessor email", "is a current assessor"),
        ({"Manager email": ASSESSOR}, "Manager email", "is a current line manager"),
        ({"FTE": "1.5"}, "FTE", "is not an FTE"),
        ({"SWE number": "12345"}, "SWE number", "Social Work England number"),
        ({"Programme type": "Something else"}, "Programme type", "is not a programme type"),
        ({"Service area": "Children and families"}, "Service area", "This cohort is for adult services"),
        ({"Team": "No such team"}, "Team", "has no team called"),
        ({"Email": "not-an-email"}, "Email", "is not an email address"),
        ({"Name": '=HYPERLINK("http://evil.example","Click")'}, "Name", "run as a formula"),
        ({"Team": "@SUM(A1:A2)"}, "Team", "run as a formula"),
        ({"Name": "+44 7700 900123"}, "Name", "run as a formula"),
    ],
)
def test_a_bad_cell_is_named_with_its_row_and_column(
    psw: Any, cohort: Any, overrides: dict[str, str], column: str, words: str
) -> None:
    plan = check(psw, cohort, person_row(1, assessor=ASSESSOR, manager=MANAGER, **overrides))
    assert not plan.is_clean
    assert any(e.column == column and words in e.message for _, e in plan.errors), problems(plan)
    assert plan.errors[0][0] == 2  # the row number in the spreadsheet (headings are row 1)


def test_a_formula_never_reaches_the_portal(psw: Any, cohort: Any) -> None:
    evil = person_row(1, assessor=ASSESSOR, manager=MANAGER, Name="=cmd|' /C calc'!A0")
    with pytest.raises(ValidationError):
        cohort_import(actor=psw, cohort=cohort, rows=rows(evil), file_name="intake.csv")
    assert not cohort.entries.exists()


def test_the_same_email_twice_in_the_file_is_refused(psw: Any, cohort: Any) -> None:
    first = person_row(1, assessor=ASSESSOR, manager=MANAGER)
    second = person_row(2, assessor=ASSESSOR, manager=MANAGER, Email="NEWCOMER-1@example.test")
    plan = check(psw, cohort, first, second)
    assert problems(plan) == ["3 Email: Row 2 has the same email. Each person once: remove one."]


def test_an_email_of_someone_in_another_organisation_is_refused_without_saying_so(
    psw: Any, cohort: Any, orgs: Any
) -> None:
    """Refused with the same words as an account that has ended: the import does not tell one
    council who has an account elsewhere, nor where."""
    elsewhere = UserFactory(email="moving@example.test")
    MembershipFactory(user=elsewhere, organisation=orgs.sibling, role=Role.NQSW)
    ended = UserFactory(email="ended@example.test", is_active=False)
    plan = check(
        psw,
        cohort,
        person_row(1, assessor=ASSESSOR, manager=MANAGER, Email="Moving@example.test"),
        person_row(2, assessor=ASSESSOR, manager=MANAGER, Email=ended.email),
    )
    assert len(plan.errors) == 2
    moving, gone = (error.message for _row, error in plan.errors)
    assert moving == gone
    assert "already has an account that this import cannot add" in moving
    assert orgs.sibling.name not in moving
    assert "another organisation" not in moving


def test_someone_here_in_another_role_is_asked_to_be_given_the_nqsw_role_first(
    psw: Any, cohort: Any, orgs: Any
) -> None:
    worker = UserFactory(email="worker@example.test")
    MembershipFactory(user=worker, organisation=orgs.home, role=Role.SOCIAL_WORKER)
    plan = check(psw, cohort, person_row(1, assessor=ASSESSOR, manager=MANAGER, Email="worker@example.test"))
    assert "already works here as social worker" in plan.errors[0][1].message


def test_one_bad_row_stops_the_whole_file(psw: Any, cohort: Any) -> None:
    good = person_row(1, assessor=ASSESSOR, manager=MANAGER)
    bad = person_row(2, assessor="nobody@example.test", manager=MANAGER)
    with pytest.raises(ValidationError, match="1 row has a problem"):
        cohort_import(actor=psw, cohort=cohort, rows=rows(good, bad), file_name="intake.csv")
    assert not Invitation.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert not cohort.entries.exists()


def test_a_person_already_in_another_cohort_is_refused(psw: Any, cohort: Any, orgs: Any) -> None:
    earlier = home_cohort(orgs, psw, name="Spring intake")
    row = person_row(1, assessor=ASSESSOR, manager=MANAGER)
    cohort_import(actor=psw, cohort=earlier, rows=rows(row), file_name="spring.csv")
    plan = check(psw, cohort, row)
    assert "already in the cohort “Spring intake”" in plan.errors[0][1].message


def test_the_sibling_councils_psw_cannot_check_a_file(sibling_psw: Any, cohort: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        check(sibling_psw, cohort, person_row(1, assessor=ASSESSOR, manager=MANAGER))


def test_an_assessor_of_the_partnership_may_be_assigned(psw: Any, cohort: Any, orgs: Any) -> None:
    member(orgs.partnership, Role.ASSESSOR, email="academy-assessor@example.test")
    member(orgs.sibling, Role.ASSESSOR, email="sibling-only@example.test")
    ok = check(psw, cohort, person_row(1, assessor="academy-assessor@example.test", manager=MANAGER))
    assert ok.is_clean, problems(ok)
    refused = check(psw, cohort, person_row(1, assessor="sibling-only@example.test", manager=MANAGER))
    assert not refused.is_clean


# --- Reading files ------------------------------------------------------------------------------


def test_windows_1252_and_utf8_with_a_byte_order_mark_read_the_same(psw: Any, cohort: Any, orgs: Any) -> None:
    TeamFactory(organisation=orgs.home, name="Adults Café Team", service_area="adults")
    people = [
        person_row(1, assessor=ASSESSOR, manager=MANAGER, Name="Zoë Ní Bhriain", Team="Adults Café Team")
    ]
    windows = read_upload(csv_bytes(people, encoding="cp1252"), name="windows.csv")
    bom = read_upload(codecs.BOM_UTF8 + csv_bytes(people), name="bom.csv")
    assert windows.rows == bom.rows
    assert windows.rows[0].values["full_name"] == "Zoë Ní Bhriain"
    assert not bom.ignored  # the byte order mark did not spoil the first heading
    plan = cohort_import_check(actor=psw, cohort=cohort, rows=bom.rows)
    assert plan.is_clean, problems(plan)
    assert plan.rows[0].team is not None


def test_an_excel_workbook_reads_dates_and_numbers(psw: Any, cohort: Any) -> None:
    row: dict[str, Any] = person_row(1, assessor=ASSESSOR, manager=MANAGER)
    row["Start date"] = datetime.datetime(2026, 9, 1)  # noqa: DTZ001 (a spreadsheet date has no zone)
    row["Date qualified"] = datetime.datetime(2026, 6, 30)  # noqa: DTZ001
    row["FTE"] = 0.8
    read = read_upload(xlsx_bytes([row]), name="hr-export.xlsx")
    values = read.rows[0].values
    assert (values["start_date"], values["fte"]) == ("2026-09-01", "0.8")
    plan = cohort_import_check(actor=psw, cohort=cohort, rows=read.rows)
    assert plan.is_clean, problems(plan)
    assert plan.rows[0].fte == Decimal("0.80")


def test_a_formula_in_a_workbook_is_read_as_written_and_refused(psw: Any, cohort: Any) -> None:
    row: dict[str, Any] = person_row(
        1, assessor=ASSESSOR, manager=MANAGER, Name='=HYPERLINK("http://x.example")'
    )
    read = read_upload(xlsx_bytes([row]), name="hr-export.xlsx")
    plan = cohort_import_check(actor=psw, cohort=cohort, rows=read.rows)
    assert any("formula" in e.message for _, e in plan.errors)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "is empty"),
        (b"%PDF-1.4 rest", "a PDF"),
        (b"Name,Email\nA,a@example.test\n", "has no “Start date”"),
        (b"PK\x03\x04 not really a workbook", "not an Excel workbook"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        read_upload(data, name="upload")
    assert words in " ".join(raised.value.messages)


# --- A thousand rows --------------------------------------------------------------------------------


def test_a_thousand_rows_are_checked_in_a_fixed_number_of_queries_and_quickly(
    psw: Any, cohort: Any, django_assert_max_num_queries: Any
) -> None:
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 1001)]
    data = csv_bytes(people)
    started = time.perf_counter()
    read = read_upload(data, name="big.csv")
    # staff check, the assessors and line managers, teams, programme types with their versions,
    # accounts with their memberships, cohort entries, open records, invitations
    with django_assert_max_num_queries(12):
        plan = cohort_import_check(actor=psw, cohort=cohort, rows=read.rows)
    elapsed = time.perf_counter() - started
    assert plan.is_clean, problems(plan)[:3]
    assert plan.count(RowAction.INVITE) == 1000
    assert elapsed < 3, f"checking 1,000 rows took {elapsed:.1f}s"


def test_a_thousand_new_people_are_committed_in_a_fixed_number_of_queries(
    psw: Any, cohort: Any, django_assert_max_num_queries: Any
) -> None:
    people = [person_row(n, assessor=ASSESSOR, manager=MANAGER) for n in range(1, 1001)]
    read = read_upload(csv_bytes(people), name="big.csv")
    started = time.perf_counter()
    # the check's queries, the lock on the cohort, the invitations' own checks and lock, and the
    # inserts (invitations, outbox rows, entries, audit) in batches: not one per row
    with django_assert_max_num_queries(40):
        result = cohort_import(actor=psw, cohort=cohort, rows=read.rows, file_name="big.csv")
    elapsed = time.perf_counter() - started
    assert result.invited == 1000
    assert OutboxMessage.objects.filter(kind="invitation").count() == 1000
    assert cohort.entries.filter(invitation__isnull=False).count() == 1000
    assert elapsed < 15, f"committing 1,000 rows took {elapsed:.1f}s"
