"""The export pages: who may make, watch and download a copy (and who is told it does not
exist), the page's query count, the self-refreshing status page, the download's headers, a
real Celery worker building one end to end, and the demo NQSW exporting their own portfolio."""

import io
import time
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from academy.celery import app
from academy.files.storage import private_storage
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck
from asye.export import selectors as export_selectors
from asye.export import views
from asye.export.models import ExportKind, ExportStatus, PortfolioExport
from asye.export.services import portfolio_export_run
from asye.models import AsyeRecord
from asye.tests.export_support import build_portfolio
from asye.tests.factories import AsyeRecordFactory

pytestmark = pytest.mark.django_db

READERS = ("nqsw", "assessor", "manager", "psw", "academy_admin")
STRANGERS = ("outsider", "sibling_psw", "sibling_assessor", "unassigned_assessor", "social_worker")


def ready_export(record: AsyeRecord, kind: str = ExportKind.FULL, **fields: Any) -> PortfolioExport:
    storage = private_storage()
    return PortfolioExport.objects.create(
        record=record,
        kind=kind,
        status=ExportStatus.READY,
        progress=100,
        requested_by=record.nqsw.user,
        pdf_name=storage.save(f"{record.organisation_id}/test-pdf", ContentFile(b"%PDF-1.7 test")),
        pdf_size=13,
        zip_name=storage.save(f"{record.organisation_id}/test-zip", ContentFile(b"PK test")),
        zip_size=7,
        items=0,
        **fields,
    )


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def urls(record: AsyeRecord, export: PortfolioExport) -> dict[str, str]:
    return {
        "page": reverse("asye:export", args=[record.pk]),
        "status": reverse("asye:export_status", args=[record.pk, export.pk]),
        "pdf": reverse("asye:export_download", args=[record.pk, export.pk, "pdf"]),
        "zip": reverse("asye:export_download", args=[record.pk, export.pk, "zip"]),
    }


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, record: AsyeRecord) -> None:
    export = ready_export(record)
    for url in urls(record, export).values():
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    response = client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "full"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", STRANGERS)
def test_people_with_no_relation_to_the_record_get_404(
    client: Client, personas: dict[str, Any], record: AsyeRecord, persona: str
) -> None:
    export = ready_export(record)
    client.force_login(personas[persona])
    for url in urls(record, export).values():
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "full"})
    assert response.status_code == 404
    assert not PortfolioExport.objects.exclude(pk=export.pk).exists()


@pytest.mark.parametrize("persona", READERS)
def test_everyone_who_reads_the_record_may_export_and_download(
    client: Client,
    personas: dict[str, Any],
    record: AsyeRecord,
    persona: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    export = ready_export(record)
    client.force_login(personas[persona])
    assert client.get(urls(record, export)["page"]).status_code == 200
    assert client.get(urls(record, export)["status"]).status_code == 200
    download = client.get(urls(record, export)["pdf"])
    assert download.status_code == 200
    assert body(download) == b"%PDF-1.7 test"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "anonymised"})
    made = PortfolioExport.objects.get(kind=ExportKind.ANONYMISED)
    assert response.status_code == 302
    assert response["Location"] == reverse("asye:export_status", args=[record.pk, made.pk])
    assert made.requested_by == personas[persona]
    assert len(queued) == 1  # the task, once the request commits


def test_get_on_the_request_url_is_405(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    assert client.get(reverse("asye:export_request", args=[record.pk])).status_code == 405


def test_an_unknown_kind_is_refused_with_a_message(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    response = client.post(
        reverse("asye:export_request", args=[record.pk]), {"kind": "everything"}, follow=True
    )
    assert "Choose which copy to make." in response.content.decode()
    assert not PortfolioExport.objects.exists()


def test_a_reader_who_is_not_on_the_record_makes_and_sees_only_anonymised_copies(
    client: Client,
    psw: Any,
    record: AsyeRecord,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Moderators (added by another part of the app) read a record without being its NQSW,
    assessor, manager or staff: they make and download the anonymised copy, never a full one."""
    full = ready_export(record)
    anonymised = ready_export(record, kind=ExportKind.ANONYMISED)
    monkeypatch.setattr(export_selectors, "record_relations", lambda **kwargs: frozenset({"moderator"}))
    client.force_login(psw)
    assert client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "full"}).status_code == 403
    assert client.get(urls(record, full)["pdf"]).status_code == 404
    assert client.get(urls(record, full)["status"]).status_code == 404
    assert client.get(urls(record, anonymised)["pdf"]).status_code == 200
    page = client.get(urls(record, full)["page"]).content.decode()
    assert "Anonymised copy for moderation" in page
    assert "Make a copy: anonymised copy for moderation" in page
    assert "Make a copy: full portfolio" not in page
    assert "Full portfolio" not in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "anonymised"})
    assert response.status_code == 302


def test_an_export_of_another_record_is_not_reached_through_this_one(
    client: Client, nqsw: Any, record: AsyeRecord, orgs: Any
) -> None:
    elsewhere = ready_export(AsyeRecordFactory(organisation=orgs.sibling))
    client.force_login(nqsw)
    assert client.get(reverse("asye:export_status", args=[record.pk, elsewhere.pk])).status_code == 404
    assert (
        client.get(reverse("asye:export_download", args=[record.pk, elsewhere.pk, "pdf"])).status_code == 404
    )


def test_only_the_pdf_and_zip_of_a_ready_export_download(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    export = ready_export(record)
    queued = PortfolioExport.objects.create(record=record, kind=ExportKind.FULL, requested_by=nqsw)
    client.force_login(nqsw)
    assert client.get(reverse("asye:export_download", args=[record.pk, export.pk, "txt"])).status_code == 404
    assert client.get(reverse("asye:export_download", args=[record.pk, queued.pk, "pdf"])).status_code == 404
    response = client.get(urls(record, export)["zip"])
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment;" in response["Content-Disposition"]
    assert "nqsw-persona" in response["Content-Disposition"]


def test_the_anonymised_download_is_not_named_after_the_nqsw(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    export = ready_export(record, kind=ExportKind.ANONYMISED)
    client.force_login(nqsw)
    disposition = client.get(urls(record, export)["pdf"])["Content-Disposition"]
    assert "anonymised" in disposition
    assert "nqsw" not in disposition.lower()


def test_the_status_page_refreshes_itself_until_ready_and_is_passive(
    client: Client, nqsw: Any, record: AsyeRecord
) -> None:
    assert getattr(views.export_status, "idle_passive", False)
    pending = PortfolioExport.objects.create(
        record=record,
        kind=ExportKind.FULL,
        requested_by=nqsw,
        status=ExportStatus.RUNNING,
        progress=40,
        step="Gathering reviews",
    )
    client.force_login(nqsw)
    html = client.get(reverse("asye:export_status", args=[record.pk, pending.pk])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "40% done: Gathering reviews." in html
    ready = ready_export(record)
    html = client.get(urls(record, ready)["status"]).content.decode()
    assert "http-equiv" not in html
    assert "The export is ready to download." in html
    assert urls(record, ready)["pdf"] in html
    assert urls(record, ready)["zip"] in html


def test_the_record_page_links_to_the_export(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    html = client.get(reverse("asye:record", args=[record.pk])).content.decode()
    assert reverse("asye:export", args=[record.pk]) in html


def test_the_export_page_has_an_empty_state(client: Client, nqsw: Any, record: AsyeRecord) -> None:
    client.force_login(nqsw)
    html = client.get(reverse("asye:export", args=[record.pk])).content.decode()
    assert "No copies yet." in html
    assert "Make a copy: full portfolio" in html


def test_export_pages_are_isolated_by_organisation_and_assignment(
    client: Client, assessor: Any, orgs: Any, record: AsyeRecord
) -> None:
    """Sentinel exports of records in an unrelated council, the sibling council and of a
    colleague's NQSW are 404 to the assessor; the control, of their own NQSW, is not."""
    check = IsolationCheck(client, viewer=assessor)

    def make(organisation: Any, marker: str) -> PortfolioExport:
        return ready_export(AsyeRecordFactory(organisation=organisation, nqsw_name=marker))

    planted = check.plant(
        make,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            COLLEAGUE: lambda marker: make(orgs.home, marker),
        },
        shown={
            "assigned to the viewer": lambda marker: ready_export(
                AsyeRecordFactory(organisation=orgs.home, nqsw_name=marker, assessor=record.assessor)
            )
        },
    )
    check.object_pages(lambda e: reverse("asye:export", args=[e.record_id]), planted, shown_status=200)
    check.object_pages(
        lambda e: reverse("asye:export_status", args=[e.record_id, e.pk]), planted, shown_status=200
    )
    check.object_pages(
        lambda e: reverse("asye:export_download", args=[e.record_id, e.pk, "zip"]), planted, shown_status=200
    )
    check.object_pages(
        lambda e: reverse("asye:export_request", args=[e.record_id]),
        planted,
        method="POST",
        data={"kind": "full"},
        shown_status=302,
    )


BASE_MFA = 4  # session user, memberships, unread count, authenticator (tests/test_query_counts.py)


def test_export_page_query_count(
    client: Client, psw: Any, record: AsyeRecord, django_assert_num_queries: Any
) -> None:
    for kind in (ExportKind.FULL, ExportKind.ANONYMISED, ExportKind.FULL, ExportKind.ANONYMISED):
        ready_export(record, kind=kind)
    client.force_login(psw)
    # + the record with everything joined, + its pauses, + the count of exports for the
    # paginator, + the page of exports with who asked for each (staff scope comes from the
    # memberships already loaded)
    with django_assert_num_queries(BASE_MFA + 4):
        response = client.get(reverse("asye:export", args=[record.pk]))
    assert response.content.decode().count("Anonymised copy for moderation") >= 2


# --- A real worker ----------------------------------------------------------------------------------


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def test_a_real_worker_builds_the_export_and_the_nqsw_downloads_it(
    client: Client, record: AsyeRecord, celery_worker: Any
) -> None:
    build_portfolio(record, items=3)
    client.force_login(record.nqsw.user)
    response = client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "full"})
    status_url = response["Location"]
    export = PortfolioExport.objects.get()
    for _ in range(300):
        export.refresh_from_db()
        if not export.is_pending:
            break
        time.sleep(0.1)
    assert export.status == ExportStatus.READY
    html = client.get(status_url).content.decode()
    assert "The export is ready to download." in html
    pdf = body(client.get(reverse("asye:export_download", args=[record.pk, export.pk, "pdf"])))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Framework map" in text
    assert "Signatures" in text
    archive = body(client.get(reverse("asye:export_download", args=[record.pk, export.pk, "zip"])))
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        assert opened.read("portfolio.pdf") == pdf


def test_the_demo_nqsw_can_export_their_portfolio(
    client: Client, programme_types: None, django_capture_on_commit_callbacks: Any
) -> None:
    from academy.demo import load_demo

    load_demo()
    record = AsyeRecord.objects.get(nqsw__user__email="nqsw@demo.academy.test")
    client.force_login(record.nqsw.user)
    assert client.get(reverse("asye:export", args=[record.pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("asye:export_request", args=[record.pk]), {"kind": "full"})
    export = PortfolioExport.objects.get(record=record)
    portfolio_export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert (export.items or 0) > 0
    response = client.get(reverse("asye:export_download", args=[record.pk, export.pk, "pdf"]))
    assert response.status_code == 200
