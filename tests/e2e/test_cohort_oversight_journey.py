"""The PSW's oversight journey: the cohort dashboard (chart included, axe-clean), the workforce
figures, and an NQSW registered for funding with a claim recorded, at phone width too (screenshots
in the test's temporary folder)."""

import datetime
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from academy.models import User
from academy.roles import Role
from asye.dates import add_months
from asye.funding.rates import load_funding_rates
from asye.tests.factories import AsyeRecordFactory, member, programme_version

from .steps import check_page, sign_in


def test_psw_reads_the_dashboard_and_records_funding(
    psw: User, page: Page, live_server: Any, orgs: Any, tmp_path: Any
) -> None:
    load_funding_rates()
    today = timezone.localdate()
    AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=member(orgs.home, Role.NQSW, full_name="Olu Overdue"),
        start_date=add_months(today, -5),
    )
    AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=member(orgs.home, Role.NQSW, full_name="Cleo Children"),
        programme_version=programme_version("child-family-asye"),
        start_date=datetime.date(2026, 9, 1),
        date_qualified=datetime.date(2025, 7, 1),
    )
    sign_in(page, live_server, psw)

    # The dashboard: the chart is an image with a name, the figures are in a table beside it
    page.goto(f"{live_server.url}/asye/cohorts/dashboard/")
    expect(page.locator("h1")).to_have_text("Cohort dashboard")
    expect(page.get_by_role("img", name="ASYE records by status")).to_be_visible()
    expect(page.get_by_role("table", name="ASYE records by status")).to_be_visible()
    expect(page.get_by_role("link", name="Olu Overdue")).to_be_visible()
    check_page(page)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=f"{tmp_path}/dashboard-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The workforce figures, with their definitions
    page.get_by_role("link", name="See the workforce figures by cohort year").click()
    expect(page.locator("h1")).to_have_text("Workforce figures")
    check_page(page)

    # Funding: register the child and family NQSW with DfE and claim at registration
    page.goto(f"{live_server.url}/asye/funding/")
    check_page(page)
    page.get_by_role("link", name="Cleo Children").click()
    check_page(page)
    page.get_by_role("link", name="Register for funding").click()
    check_page(page)
    page.get_by_label("Child and family ASYE through DfE").check()
    page.get_by_label("Day").fill("10")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Funder's reference (optional)").fill("DFE-2026-0042")
    page.get_by_role("button", name="Save registration").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("DFE-2026-0042")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Eligible")
    page.get_by_role("link", name="Record a claim").click()
    page.get_by_label("Registration").check()
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save claim").click()
    expect(page.get_by_role("table", name="Claims")).to_contain_text("£1,000.00")
    check_page(page)
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=f"{tmp_path}/funding-record-390.png", full_page=True)
