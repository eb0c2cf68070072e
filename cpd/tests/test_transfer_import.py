"""The import of earlier records from a CSV file: the file as a whole (size, kind, encoding,
headings), each row (date, year, type, required fields, repeats), the preview, the confirmation
in one transaction with one audit entry per record, and importing the same file twice."""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.models import AuditEntry
from academy.testing.isolation import IsolationCheck
from conftest import Orgs
from cpd.models import ActivityType, CpdRecord, RecordStatus
from cpd.tests.factories import CpdRecordFactory
from cpd.tests.sentinels import plant_records_in_year
from cpd.transfer import services
from cpd.transfer.columns import COLUMNS, HEADINGS
from cpd.transfer.reading import MAX_BYTES, MAX_ROWS, RawRow, read_csv

pytestmark = pytest.mark.django_db

# 15 October 2026 at noon: British Summer Time, in the 2025-26 registration year.
NOW = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
BASE = 3  # session's user, memberships, unread notification count (tests/test_query_counts.py)
HEADING = {column.key: column.heading for column in COLUMNS}


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def row(**values: str) -> dict[str, str]:
    """A complete record's row; `values` by column key replace or blank its cells."""
    base = {
        "title": "Mental capacity refresher",
        "activity_type": "Training course or workshop",
        "description": "A half-day course on the Mental Capacity Act.",
        "occurred_on": "14/05/2026",
        "learning": "Record each decision separately.",
        "impact": "My assessments name the decision.",
    }
    return {**base, **values}


def csv_bytes(*rows: Mapping[str, str], headings: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    heads = headings or HEADINGS
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(heads)
    key = {column.heading.casefold(): column.key for column in COLUMNS}
    for values in rows:
        writer.writerow([values.get(key.get(h.strip().casefold(), h.strip()), "") for h in heads])
    return buffer.getvalue().encode(encoding)


def rows_of(data: bytes) -> list[RawRow]:
    return read_csv(data, name="cpd.csv").rows


def problems(user: Any, *rows: Mapping[str, str]) -> list[tuple[int, str, str]]:
    plan = services.cpd_import_check(actor=user, rows=rows_of(csv_bytes(*rows)))
    return [(number, error.column, error.message) for number, error in plan.errors]


def refusal(data: bytes, **kwargs: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        read_csv(data, name="cpd.csv", **kwargs)
    return " ".join(caught.value.messages)


# --- The file as a whole ------------------------------------------------------------------------


def test_an_empty_file_is_refused() -> None:
    assert "“cpd.csv” is empty." in refusal(b"")


def test_a_file_over_the_size_limit_is_refused_without_reading_it() -> None:
    assert "“cpd.csv” is 3 MB; the limit is 1 MB." in refusal(b"", size=3 * 1024 * 1024)
    assert "the limit is 1 MB" in refusal(b"x" * (MAX_BYTES + 1))


def test_too_many_rows_are_refused() -> None:
    data = csv_bytes(*(row(title=f"Course {n}") for n in range(MAX_ROWS + 1)))
    assert f"more than {MAX_ROWS} records" in refusal(data)
    assert len(rows_of(csv_bytes(*(row(title=f"Course {n}") for n in range(MAX_ROWS))))) == MAX_ROWS


@pytest.mark.parametrize(
    ("head", "what"),
    [
        (b"PK\x03\x04" + b"\0" * 40, "is a workbook or another zipped document, not a CSV file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 40, "is an older Excel or Office file"),
        (b"%PDF-1.7\n", "is a PDF, not a CSV file"),
        (b"\x89PNG\r\n\x1a\n", "is a picture"),
        (b"Title,Date\n\x00\x01\x02binary", "is not a CSV file the portal can read"),
        (b"Title,Date\nCaf\x81,1/1/2026\n", "is not a CSV file the portal can read"),  # not Windows text
    ],
)
def test_a_file_that_is_not_csv_text_is_refused_with_what_it_is(head: bytes, what: str) -> None:
    message = refusal(head)
    assert what in message
    assert "“CSV UTF-8”" in message


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + csv_bytes(row(provider="£ Learning Ltd")),  # Excel's "CSV UTF-8"
        csv_bytes(row(provider="£ Learning Ltd"), encoding="cp1252"),  # Excel's plain "CSV"
        codecs.BOM_UTF16_LE + csv_bytes(row(provider="£ Learning Ltd"), encoding="utf-16-le"),
    ],
    ids=["utf-8 with a byte order mark", "windows", "utf-16"],
)
def test_the_encodings_spreadsheets_save_in_are_read(encoded: bytes) -> None:
    (only,) = rows_of(encoded)
    assert only.number == 2
    assert only.values["title"] == "Mental capacity refresher"
    assert only.values["provider"] == "£ Learning Ltd"


def test_a_missing_required_column_is_named() -> None:
    data = csv_bytes(row(), headings=[h for h in HEADINGS if h not in ("Date", "Title")])
    assert "it has no “Title”, “Date” column" in refusal(data)


def test_a_repeated_column_is_refused() -> None:
    assert "“Date” appears twice" in refusal(csv_bytes(row(), headings=[*HEADINGS, "date"]))


def test_headings_without_rows_are_refused() -> None:
    assert "has the headings but no records" in refusal(csv_bytes())


def test_optional_columns_may_be_missing_and_unknown_ones_are_listed() -> None:
    data = csv_bytes(row(), headings=["title", "TYPE OF CPD ACTIVITY", " Date ", "My notes"])
    read = read_csv(data, name="cpd.csv")
    assert read.ignored == ["My notes"]
    assert read.rows[0].values["occurred_on"] == "14/05/2026"
    assert read.rows[0].values["learning"] == ""


def test_blank_lines_are_skipped_and_row_numbers_follow_the_spreadsheet() -> None:
    data = csv_bytes(row(), {}, row(title="Second", description="Other words"))
    assert [r.number for r in rows_of(data)] == [2, 4]


# --- Each row -------------------------------------------------------------------------------------


def test_a_clean_row_plans_a_record(social_worker: Any) -> None:
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(csv_bytes(row())))
    assert plan.is_clean
    (only,) = plan.to_create
    assert only.record is not None
    assert only.record.activity_type == ActivityType.COURSE
    assert only.record.occurred_on == datetime.date(2026, 5, 14)
    assert only.record.complete


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("reading", ActivityType.READING),
        ("READING: an article,  book or research", ActivityType.READING),
        ("practice_review", ActivityType.PRACTICE_REVIEW),
    ],
)
def test_the_type_may_be_the_words_shown_or_the_code(social_worker: Any, cell: str, expected: str) -> None:
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(csv_bytes(row(activity_type=cell))))
    assert plan.to_create[0].record.activity_type == expected  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"occurred_on": "31/02/2026"}, "Date", "“31/02/2026” is not a date. Write it as day/month/year"),
        ({"occurred_on": "next Tuesday"}, "Date", "is not a date"),
        ({"occurred_on": ""}, "Date", "Enter the date"),
        ({"occurred_on": "16/10/2026"}, "Date", "The date must be today or in the past"),
        (
            {"occurred_on": "01/05/2021"},
            "Date",
            "1 May 2021 is not in any registration year the portal knows.",
        ),
        ({"activity_type": "Lecture"}, "Type of CPD activity", "“Lecture” is not one of the types."),
        ({"activity_type": ""}, "Type of CPD activity", "Enter the type of CPD activity."),
        ({"title": ""}, "Title", "Enter a title."),
        ({"title": "x" * 201}, "Title", "Shorten this to 200 characters or fewer (it has 201)."),
        ({"hours": "two"}, "Hours", "“two” is not a number of hours."),
        ({"hours": "0"}, "Hours", "is not a number of hours"),
        ({"hours": "1.255"}, "Hours", "is not a number of hours"),
        ({"status": "Done"}, "Status", "“Done” is not a status."),
        (
            {"status": "Complete", "learning": ""},
            "What I learnt",
            "Say what you learnt. A complete record needs it",
        ),
        ({"peer_name": "A. Colleague"}, "Peer reflection", "Write what you learnt from the peer"),
        (
            {"peer_learning": "Advice", "peer_discussed_on": "20/10/2026"},
            "Date of the peer conversation",
            "must be today or in the past",
        ),
        ({"topics": "4.9"}, "Standard 4 topics", "“4.9” does not name parts of standard 4."),
    ],
)
def test_each_bad_cell_is_named_with_its_row_and_column(
    social_worker: Any, frameworks: None, cells: dict[str, str], column: str, message: str
) -> None:
    found = problems(social_worker, row(title="Fine row", description="Fine"), row(**cells))
    assert [(number, col) for number, col, _ in found] == [(3, column)], found
    assert message in found[0][2]


def test_a_row_with_several_problems_lists_each(social_worker: Any) -> None:
    found = problems(social_worker, row(title="", activity_type="Lecture", occurred_on="soon"))
    assert [col for _, col, _ in found] == ["Title", "Type of CPD activity", "Date"]


def test_a_row_without_all_three_answers_and_no_status_is_a_draft(social_worker: Any) -> None:
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(csv_bytes(row(impact=""))))
    assert plan.is_clean
    assert not plan.to_create[0].record.complete  # type: ignore[union-attr]


def test_topics_are_read_by_their_numbers(social_worker: Any, frameworks: None) -> None:
    cells = row(topics="4.3 Research, theories and frameworks; 4.6 Reflection")
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(csv_bytes(cells)))
    assert [t.code for t in plan.to_create[0].record.topics] == ["4.3", "4.6"]  # type: ignore[union-attr]


def test_a_row_repeating_another_row_of_the_file_is_an_error(social_worker: Any) -> None:
    found = problems(
        social_worker,
        row(),
        row(title="Other title"),  # the same words: the same piece of learning
        row(
            description="Different",
            learning="Different",
            impact="Different",
            title="MENTAL capacity refresher.",
        ),
    )
    assert [(number, column) for number, column, _ in found] == [(3, "Title"), (4, "Title")]
    assert "This repeats row 2 of the file" in found[0][2]


def test_a_row_repeating_a_record_already_kept_is_left_out_not_an_error(social_worker: Any) -> None:
    kept = CpdRecordFactory(
        person=social_worker, title="Mental capacity refresher", occurred_on=datetime.date(2026, 5, 14)
    )
    plan = services.cpd_import_check(
        actor=social_worker, rows=rows_of(csv_bytes(row(), row(title="New one", description="New words")))
    )
    assert plan.is_clean
    assert [r.repeats for r in plan.rows] == [kept, None]
    assert [r.number for r in plan.to_create] == [3]


def test_someone_elses_record_is_never_a_repeat(social_worker: Any, psw: Any) -> None:
    CpdRecordFactory(person=psw, title="Mental capacity refresher", occurred_on=datetime.date(2026, 5, 14))
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(csv_bytes(row())))
    assert len(plan.to_create) == 1


# --- Importing ----------------------------------------------------------------------------------------


def test_import_writes_every_new_record_with_one_audit_entry_each_and_no_words(
    social_worker: Any, frameworks: None
) -> None:
    rows = rows_of(
        csv_bytes(
            row(
                peer_learning="Ask the person first.",
                peer_name="Sam",
                peer_discussed_on="20/05/2026",
                topics="4.6",
            ),
            row(
                title="Reading on hoarding",
                activity_type="reading",
                description="Other",
                impact="",
                hours="1.5",
            ),
        )
    )
    result = services.cpd_records_import(actor=social_worker, rows=rows)
    assert (result.created, result.repeated) == (2, 0)
    first, second = CpdRecord.objects.filter(person=social_worker).order_by("title")
    assert first.title == "Mental capacity refresher"
    assert first.status == RecordStatus.COMPLETE
    assert first.completed_at is not None
    assert first.peer_reflection.learning == "Ask the person first."
    assert first.peer_reflection.discussed_on == datetime.date(2026, 5, 20)
    assert [t.code for t in first.topics.all()] == ["4.6"]
    assert second.title == "Reading on hoarding"
    assert second.status == RecordStatus.DRAFT
    assert str(second.hours) == "1.50"
    entries = AuditEntry.objects.filter(verb=services.RECORD_IMPORT).order_by("object_repr")
    assert {e.object_id for e in entries} == {str(first.pk), str(second.pk)}
    for entry in entries:
        assert entry.actor == social_worker
        assert entry.organisation is None
        assert entry.object_repr == "CPD record"
        words = f"{entry.before} {entry.after}"
        assert "capacity" not in words
        assert "hoarding" not in words


def test_nothing_is_written_while_any_row_has_a_problem(social_worker: Any) -> None:
    rows = rows_of(csv_bytes(row(), row(title="Bad", description="x", occurred_on="32/13/2026")))
    with pytest.raises(ValidationError, match="1 row has a problem to put right; nothing was imported"):
        services.cpd_records_import(actor=social_worker, rows=rows)
    assert not CpdRecord.objects.filter(person=social_worker).exists()
    assert not AuditEntry.objects.filter(verb=services.RECORD_IMPORT).exists()


def test_importing_the_same_rows_twice_adds_nothing_the_second_time(social_worker: Any) -> None:
    rows = rows_of(csv_bytes(row(), row(title="Second", description="Second words")))
    assert services.cpd_records_import(actor=social_worker, rows=rows).created == 2
    again = services.cpd_records_import(actor=social_worker, rows=rows)
    assert (again.created, again.repeated) == (0, 2)
    assert CpdRecord.objects.filter(person=social_worker).count() == 2


def test_the_years_export_imports_back_as_nothing_new(
    client: Any, social_worker: Any, frameworks: None
) -> None:
    CpdRecordFactory(person=social_worker, title="=SUM(A1)", occurred_on=datetime.date(2026, 3, 2))
    CpdRecordFactory(person=social_worker, title="Second", occurred_on=datetime.date(2026, 3, 3))
    client.force_login(social_worker)
    exported = client.get(reverse("cpd:year_csv", args=["2025-26"])).content
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(exported))
    assert plan.is_clean, plan.errors
    assert len(plan.repeated) == 2
    assert plan.to_create == []


# --- The pages ------------------------------------------------------------------------------------


def upload(client: Any, data: bytes, name: str = "my-cpd.csv") -> Any:
    return client.post(
        reverse("cpd:import"), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )


def test_the_import_page_explains_and_offers_the_template(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    html = client.get(reverse("cpd:import")).content.decode()
    assert "<title>Import earlier CPD records" in html
    assert reverse("cpd:import_template") in html
    assert "Training course or workshop" in html
    ledger = client.get(reverse("cpd:ledger")).content.decode()
    assert reverse("cpd:import") in ledger


def test_the_template_has_the_headings_and_an_example_row_that_imports(
    client: Any, social_worker: Any
) -> None:
    client.force_login(social_worker)
    response = client.get(reverse("cpd:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="cpd-import-template.csv"'
    head, example = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert head == HEADINGS
    assert example[0] == "Mental capacity refresher"
    plan = services.cpd_import_check(actor=social_worker, rows=rows_of(response.content))
    assert plan.is_clean
    assert len(plan.to_create) == 1


def test_upload_preview_confirm_and_upload_again(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    data = csv_bytes(row(), row(title="Second", description="Second words", learning=""))
    preview = upload(client, data)
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "<title>Check your file" in html
    assert "Will be added" in html
    assert "As a complete record." in html
    assert "As a draft." in html
    assert "Add 2 records to my CPD" in html
    assert not CpdRecord.objects.filter(person=social_worker).exists()  # nothing until confirmed
    signed = re.search(r'name="rows" value="([^"]+)"', html)
    assert signed is not None
    done = client.post(reverse("cpd:import_confirm"), {"rows": signed.group(1)}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("cpd:ledger")
    assert "Imported 2 records from “my-cpd.csv”." in done.content.decode()
    assert CpdRecord.objects.filter(person=social_worker).count() == 2
    # The same file again: nothing new, and the page says so with nothing to confirm.
    html = upload(client, data).content.decode()
    assert "Every record in this file is already in your CPD" in html
    assert "Already in your CPD" in html
    assert 'name="rows"' not in html
    # A second press of the confirm button adds nothing either.
    again = client.post(reverse("cpd:import_confirm"), {"rows": signed.group(1)}, follow=True)
    assert "nothing new was imported" in again.content.decode()
    assert CpdRecord.objects.filter(person=social_worker).count() == 2


def test_a_file_with_problems_lists_each_by_row_and_column_and_writes_nothing(
    client: Any, social_worker: Any
) -> None:
    client.force_login(social_worker)
    data = csv_bytes(row(), row(title="Later", description="Other", occurred_on="01/01/2027"))
    html = upload(client, data).content.decode()
    assert "<title>Error: Check your file" in html
    assert "Row 3, Date: The date must be today or in the past" in html
    assert "Put right" in html
    assert 'name="rows"' not in html
    assert "Upload the corrected file" in html
    assert not CpdRecord.objects.filter(person=social_worker).exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"%PDF-1.7\n" + b"x" * 100, "records.csv", "is a PDF, not a CSV file"),
        (b"x" * (MAX_BYTES + 1), "huge.csv", "the limit is 1 MB"),
    ],
)
def test_a_refused_file_says_why_on_the_page(
    client: Any, social_worker: Any, data: bytes, name: str, message: str
) -> None:
    client.force_login(social_worker)
    response = upload(client, data, name)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Import earlier CPD records" in html
    assert message in html


def test_confirm_is_post_only_and_refuses_rows_it_did_not_sign_for_this_person(
    client: Any, social_worker: Any, psw: Any
) -> None:
    client.force_login(social_worker)
    assert client.get(reverse("cpd:import_confirm")).status_code == 405
    html = upload(client, csv_bytes(row())).content.decode()
    signed = re.search(r'name="rows" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    client.force_login(psw)
    response = client.post(reverse("cpd:import_confirm"), {"rows": signed}, follow=True)
    assert "has expired or was changed" in response.content.decode()
    tampered = signing.dumps({"name": "x", "ignored": [], "rows": []}, salt="something else")
    response = client.post(reverse("cpd:import_confirm"), {"rows": tampered}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cpd:import")
    assert not CpdRecord.objects.exists()


def test_rows_that_became_invalid_are_shown_again_not_lost(client: Any, social_worker: Any) -> None:
    """Rows are checked again on confirming. Here they became invalid in between (the clock is two
    days earlier when confirming, so the row's date is in the future): the preview is shown again
    with every row and the reason, and nothing is written."""
    client.force_login(social_worker)
    html = upload(client, csv_bytes(row(occurred_on="15/10/2026"))).content.decode()
    signed = re.search(r'name="rows" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        response = client.post(reverse("cpd:import_confirm"), {"rows": signed})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported" in html
    assert "Row 2, Date: The date must be today or in the past" in html
    assert "Mental capacity refresher" in html
    assert not CpdRecord.objects.exists()


def test_preview_query_count(client: Any, social_worker: Any, django_assert_num_queries: Any) -> None:
    for n in range(3):
        CpdRecordFactory(person=social_worker, title=f"Kept {n}", occurred_on=datetime.date(2026, 5, 14))
    client.force_login(social_worker)
    data = csv_bytes(
        *(row(title=f"Kept {n}", description=f"Words {n}") for n in range(3)),
        *(row(title=f"New {n}", description=f"New words {n}") for n in range(3)),
    )
    upload(client, data)  # registration years into the cache
    # + the topics of standard 4, + the person's records for the repeat check
    with django_assert_num_queries(BASE + 2):
        html = upload(client, data).content.decode()
    assert html.count("Already in your CPD") == 3
    assert html.count("Will be added") == 3


def test_the_preview_sees_only_the_viewers_own_records(client: Any, orgs: Orgs, social_worker: Any) -> None:
    """A row repeats a record only of the person's own: a row with the same words as someone
    else's record would name that record ("It repeats …") if the check looked beyond the ledger."""
    check = IsolationCheck(client, viewer=social_worker)
    planted = plant_records_in_year(check, social_worker, orgs, in_year=datetime.date(2026, 3, 2))
    records = [s.obj for s in [*planted.hidden, *planted.shown]]
    data = csv_bytes(
        *(
            row(
                title=f"Imported {n}",
                occurred_on="02/03/2026",
                description=r.description,
                learning=r.learning,
                impact=r.impact,
            )
            for n, r in enumerate(records)
        )
    )
    file = SimpleUploadedFile("cpd.csv", data, content_type="text/csv")
    check.list_page(reverse("cpd:import"), planted, method="POST", data={"file": file})
