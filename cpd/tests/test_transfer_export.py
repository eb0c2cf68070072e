"""The year's export: one registration year of the person's own CPD as a PDF (cover, the
tracker's summary, every record with every field in the regulator's order) and as a CSV (one row
a record, the same fields and the peer reflection's columns). Nobody else's records appear."""

import csv
import datetime
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from academy.testing.isolation import IsolationCheck
from conftest import Orgs
from cpd.models import ActivityType, RecordStatus
from cpd.presenters import copy_pack
from cpd.selectors import cpd_topic_elements
from cpd.tests.factories import CpdRecordFactory, PeerReflectionFactory
from cpd.tests.sentinels import plant_records_in_year
from cpd.transfer.columns import HEADINGS

pytestmark = pytest.mark.django_db

# 15 October 2026 at noon: British Summer Time, in the 2025-26 registration year.
NOW = datetime.datetime(2026, 10, 15, 12, 0, tzinfo=ZoneInfo("Europe/London"))
YEAR = "2025-26"
BASE = 3  # session's user, memberships, unread notification count (tests/test_query_counts.py)


@pytest.fixture(autouse=True)
def _today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "the CSV starts with a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def full_record(social_worker: Any, frameworks: None) -> Any:
    """A complete record with every field, a peer reflection and two topics, on 1 September 2026
    (British Summer Time)."""
    record = CpdRecordFactory(
        person=social_worker,
        title="Hoarding and self-neglect",
        activity_type=ActivityType.READING,
        description="A research briefing on hoarding.",
        occurred_on=datetime.date(2026, 9, 1),
        learning="Hoarding is rarely about the objects.",
        impact="I now ask about loss before clearance.",
        hours=Decimal("2.50"),
        provider="Research in Practice",
    )
    record.topics.set(list(cpd_topic_elements().filter(code__in=["4.3", "4.6"])))
    PeerReflectionFactory(
        record=record,
        learning="My senior said to start with what the person values.",
        peer_name="Priya Senior",
        peer_role="Senior practitioner",
        discussed_on=datetime.date(2026, 9, 8),
    )
    return record


def test_the_pdf_has_a_cover_the_summary_and_every_field_of_every_record(
    client: Any, social_worker: Any, full_record: Any
) -> None:
    CpdRecordFactory(
        person=social_worker,
        title="Draft podcast notes",
        status=RecordStatus.DRAFT,
        occurred_on=datetime.date(2025, 12, 1),  # the year's first day
        description="",
        learning="",
        impact="",
    )
    CpdRecordFactory(
        person=social_worker, title="Last year's course", occurred_on=datetime.date(2025, 11, 30)
    )
    client.force_login(social_worker)
    response = client.get(reverse("cpd:year_pdf", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="cpd-2025-26.pdf"'
    text = pdf_text(response.content)
    flat = " ".join(text.split())
    # The cover: name, year, the tracker's words.
    assert f"{social_worker.display_name}: CPD in 2025\N{EN DASH}26" in flat
    assert "Registration year 1 December 2025 to 30 November 2026. 2 records." in flat
    assert "Not met" not in flat
    assert "At risk" in flat
    assert "Complete 1 more CPD record" in flat
    assert "Completed records 1" in flat
    assert "Drafts 1" in flat
    # Every record of the year, oldest first; nothing from another year.
    assert flat.index("Draft podcast notes") < flat.index("Hoarding and self-neglect")
    assert "Last year's course" not in flat
    # Every field of the copy pack, in the regulator's order, then the person's own notes.
    positions = []
    for field in copy_pack(full_record):
        heading = " ".join(field.heading.split())
        assert heading in flat, heading
        assert field.text in flat, field.text
        positions.append(flat.index(heading, flat.index("Hoarding and self-neglect")))
    assert positions == sorted(positions)
    for words in (
        "01/09/2026",
        "Priya Senior",
        "Senior practitioner",
        "08/09/2026",
        "Hours 2.5",
        "Research in Practice",
        "4.3",
        "4.6",
    ):
        assert words in flat, words
    assert "Not written" in flat  # the draft's empty answers say so


def test_the_csv_has_one_row_a_record_with_the_same_fields(
    client: Any, social_worker: Any, full_record: Any
) -> None:
    CpdRecordFactory(person=social_worker, title="=HYPERLINK(1)", occurred_on=datetime.date(2026, 11, 30))
    client.force_login(social_worker)
    response = client.get(reverse("cpd:year_csv", args=[YEAR]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cpd-2025-26.csv"'
    head, first, second = csv_rows(response.content)
    assert head == HEADINGS
    row = dict(zip(head, first, strict=True))
    assert row == {
        "Title": "Hoarding and self-neglect",
        "Type of CPD activity": "Reading: an article, book or research",
        "Description and relevance": "A research briefing on hoarding.",
        "Date": "01/09/2026",
        "What I learnt": "Hoarding is rarely about the objects.",
        "Impact on my practice and the people I work with": "I now ask about loss before clearance.",
        "Peer reflection": "My senior said to start with what the person values.",
        "Peer": "Priya Senior",
        "Peer's role": "Senior practitioner",
        "Date of the peer conversation": "08/09/2026",
        "Hours": "2.5",
        "Provider": "Research in Practice",
        "Standard 4 topics": row["Standard 4 topics"],
        "Status": "Complete",
    }
    assert row["Standard 4 topics"].startswith("4.3 ")
    assert "; 4.6 " in row["Standard 4 topics"]
    # A cell a spreadsheet would run as a formula is kept as text.
    assert second[0] == "'=HYPERLINK(1)"


def test_an_empty_year_exports_a_cover_and_the_headings(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    assert csv_rows(client.get(reverse("cpd:year_csv", args=["2024-25"])).content) == [HEADINGS]
    text = " ".join(pdf_text(client.get(reverse("cpd:year_pdf", args=["2024-25"])).content).split())
    assert "There are no CPD records dated in this registration year." in text
    assert "Not met" in text  # a past year, not met


def test_an_unknown_year_is_404(client: Any, social_worker: Any) -> None:
    client.force_login(social_worker)
    assert client.get(reverse("cpd:year_pdf", args=["1999-00"])).status_code == 404
    assert client.get(reverse("cpd:year_csv", args=["1999-00"])).status_code == 404


def test_the_tracker_links_to_the_export_of_the_current_and_a_past_year(
    client: Any, social_worker: Any
) -> None:
    client.force_login(social_worker)
    current = client.get(reverse("cpd:tracker")).content.decode()
    assert reverse("cpd:year_pdf", args=[YEAR]) in current
    assert reverse("cpd:year_csv", args=[YEAR]) in current
    past = client.get(reverse("cpd:tracker") + "?year=2024-25").content.decode()
    assert reverse("cpd:year_pdf", args=["2024-25"]) in past
    assert reverse("cpd:year_csv", args=["2024-25"]) in past


@pytest.mark.parametrize("viewer_name", ["social_worker", "psw", "manager"])
def test_the_export_holds_only_the_viewers_own_records(
    client: Any, orgs: Orgs, personas: dict[str, Any], viewer_name: str
) -> None:
    viewer = personas[viewer_name]
    check = IsolationCheck(client, viewer=viewer)
    planted = plant_records_in_year(check, viewer, orgs)
    check.list_page(reverse("cpd:year_csv", args=[YEAR]), planted)
    url = reverse("cpd:year_pdf", args=[YEAR])
    response = client.get(url)
    assert response.status_code == 200
    check.markers_absent(pdf_text(response.content), planted, who=f"GET {url} as {viewer.email}")


def test_export_query_counts(client: Any, social_worker: Any, django_assert_num_queries: Any) -> None:
    for n in range(3):
        record = CpdRecordFactory(person=social_worker, title=f"Record {n}")
        PeerReflectionFactory(record=record)
    client.force_login(social_worker)
    # A download draws no page, so no unread notification count: the session's user and the
    # memberships, then the year, the records with their peer reflections, and their topics.
    with django_assert_num_queries(BASE - 1 + 3):
        assert client.get(reverse("cpd:year_csv", args=[YEAR])).status_code == 200
    # the same, + the year's progress (the records' facts, one query)
    with django_assert_num_queries(BASE - 1 + 4):
        assert client.get(reverse("cpd:year_pdf", args=[YEAR])).status_code == 200
