"""The portfolio export in a browser: the NQSW opens their record, asks for the anonymised copy
for moderation, watches the page refresh by itself (no script needed) while a real Celery worker
builds it, and downloads a PDF whose text holds the framework map and the signatures and not
their name. axe-core checks every page on the way, and the export page fits a phone."""

import io
from typing import Any

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from academy.models import User
from asye.tests.export_support import build_portfolio

from .steps import check_page, sign_in
from .test_evidence_journey import given_an_nqsw_with_a_record


def test_the_nqsw_downloads_an_anonymised_copy(
    orgs: Any, nqsw: User, assessor: User, manager: User, page: Page, live_server: Any, celery_worker: Any
) -> None:
    nqsw.full_name = "Oluwaseun Adebayo-Clarke"
    nqsw.save(update_fields=["full_name"])
    record = given_an_nqsw_with_a_record(orgs, nqsw, assessor, manager)
    build_portfolio(record, items=3, mention="Oluwaseun wrote this.")
    sign_in(page, live_server, nqsw)

    page.get_by_role("link", name="My ASYE").click()
    page.get_by_role("link", name="Export the portfolio (PDF and ZIP)").click()
    expect(page.locator("h1")).to_contain_text("Export the portfolio")
    check_page(page)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the export page scrolls sideways on a phone ({width}px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Make a copy: anonymised copy for moderation").click()
    expect(page.locator("h1")).to_contain_text("Anonymised copy for moderation")
    # The page reloads itself until the worker has built the copy.
    expect(page.get_by_text("The export is ready to download.")).to_be_visible(timeout=60_000)
    check_page(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    assert "anonymised" in download.value.suggested_filename
    with open(download.value.path(), "rb") as handle:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Framework map" in text
    assert "Signatures" in text
    assert "Oluwaseun" not in text
    assert "the NQSW wrote this." in text
