"""A social worker on a phone (390 px wide) brings earlier CPD in from their spreadsheet and
takes a year out: the import page, a file with a problem (the error summary names the row and
column and takes focus), the corrected file's preview, confirming with the keyboard, then the
year's CSV from the progress page. Every page is axe-clean and nothing scrolls sideways."""

from pathlib import Path
from typing import Any

from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from academy.models import User
from cpd.models import CpdRecord
from cpd.year_loader import load_registration_years

from .steps import check_page, sign_in, watch_for_problems

PHONE = {"width": 390, "height": 844}
HEAD = "Title,Type of CPD activity,Description and relevance,Date,What I learnt,Impact on my practice and the people I work with,Status\n"  # noqa: E501 (a CSV line)
GOOD = "Court skills day,Training course or workshop,Giving evidence in care proceedings,12/03/2026,Prepare a chronology first,My statements are shorter,\n"  # noqa: E501
BAD = "Podcast on kinship care,Lecture,A series on family placements,31/02/2026,,,\n"
FIXED = "Podcast on kinship care,reading,A series on family placements,28/02/2026,,,Draft\n"


def then_nothing_scrolls_sideways(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def when_they_upload(page: Page, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    page.get_by_label("Upload your CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def test_import_and_export_on_a_phone(
    social_worker: User, browser: Browser, browser_context_args: Any, live_server: Any, tmp_path: Path
) -> None:
    load_registration_years()
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE, "accept_downloads": True})
    page = watch_for_problems(context.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, social_worker)

    # Given the import page, reached from "My CPD"
    page.goto(live_server.url + reverse("cpd:ledger"))
    page.get_by_role("link", name="Import earlier records from a spreadsheet").click()
    expect(page.locator("h1")).to_have_text("Import earlier CPD records")
    check_page(page)
    then_nothing_scrolls_sideways(page)

    # When the file has a problem, the summary says which row and column, and nothing is added
    when_they_upload(page, tmp_path / "cpd.csv", HEAD + GOOD + BAD)
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Row 3, Type of CPD activity: “Lecture” is not one of the types.")
    expect(summary).to_contain_text("Row 3, Date: “31/02/2026” is not a date.")
    check_page(page)
    then_nothing_scrolls_sideways(page)
    assert not CpdRecord.objects.filter(person=social_worker).exists()

    # When the corrected file is uploaded, the preview lists both rows to be added
    when_they_upload(page, tmp_path / "cpd-fixed.csv", HEAD + GOOD + FIXED)
    expect(page.locator("h1")).to_contain_text("Check “cpd-fixed.csv”")
    expect(page.locator("table")).to_contain_text("As a complete record.")
    expect(page.locator("table")).to_contain_text("As a draft.")
    check_page(page)
    then_nothing_scrolls_sideways(page)

    # And they confirm with the keyboard
    page.get_by_role("button", name="Add 2 records to my CPD").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Imported 2 records from “cpd-fixed.csv”."
    )
    assert CpdRecord.objects.filter(person=social_worker).count() == 2

    # Then the year's progress page downloads the year as a spreadsheet with both records
    page.goto(live_server.url + reverse("cpd:tracker") + "?year=2025-26")
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download 2025\N{EN DASH}26 as a spreadsheet (CSV)").click()
    saved = tmp_path / "year.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert "Court skills day" in text
    assert "Podcast on kinship care" in text
    context.close()
