"""A placement's midway review in a browser: the practice educator records it from the
placement page (after an error for a date outside the placement) and signs it; the student, on a
phone, signs it too; the educator can no longer change it. axe-core checks every page; nothing
scrolls sideways at 390 px. Then academy staff open the year's figures."""

import datetime
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from academy.models import User
from conftest import Orgs

from .steps import check_page, error_summary, sign_in, watch_for_problems
from .test_placement_days_journey import given_a_placement_under_way, open_from_the_navigation
from .test_year_home import PHONE, then_nothing_scrolls_sideways


def fill_date(page: Page, day: datetime.date) -> None:
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_the_educator_records_the_midway_review_and_the_student_signs_it(
    orgs: Orgs,
    student: User,
    tutor: User,
    practice_educator: User,
    psw: User,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
) -> None:
    placement = given_a_placement_under_way(orgs, student, tutor, practice_educator)
    today = timezone.localdate()

    # Given the practice educator at a desk
    desk = browser.new_context(**browser_context_args)
    page = watch_for_problems(desk.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, practice_educator)
    open_from_the_navigation(page, student.display_name)
    expect(page.get_by_text("0 of 2 direct observations recorded")).to_be_visible()

    # When they record the midway review
    page.get_by_role("link", name="Record the midway review").click()
    check_page(page)
    fill_date(page, placement.starts_on - datetime.timedelta(days=1))
    page.get_by_label("Summary").fill("Good progress on the learning agreement's goals.")
    page.get_by_role("button", name="Save").click()
    expect(error_summary(page)).to_contain_text("The date must fall within the placement")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page)
    fill_date(page, today)
    page.get_by_label("Learning needs (optional)").fill("Confidence presenting at case conferences.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Midway review saved")
    check_page(page)
    page.get_by_role("button", name="Sign as practice educator").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You signed the midway review")
    expect(page.get_by_role("link", name="Change this record")).to_have_count(0)
    check_page(page)
    desk.close()

    # Then the student, on a phone, signs it too
    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = watch_for_problems(phone.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, student)
    open_from_the_navigation(page, student.display_name)
    expect(page.get_by_text("Signed by 1 of 3")).to_be_visible()
    then_nothing_scrolls_sideways(page)
    page.get_by_role("link", name="Midway review").click()
    expect(page.get_by_text("Confidence presenting at case conferences.")).to_be_visible()
    check_page(page)
    then_nothing_scrolls_sideways(page)
    page.get_by_role("button", name="Sign as student").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You signed the midway review")
    expect(page.get_by_text("There is nothing here for you to sign.")).to_be_visible()
    check_page(page)
    phone.close()

    # And academy staff see the placement in the year's figures
    desk = browser.new_context(**browser_context_args)
    page = watch_for_problems(desk.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, psw)
    page.goto(f"{live_server.url}/placements/figures/")
    expect(page.locator("h1")).to_contain_text("Placement figures")
    expect(page.get_by_text("Community Mental Health Team North")).to_be_visible()
    check_page(page)
    desk.close()
