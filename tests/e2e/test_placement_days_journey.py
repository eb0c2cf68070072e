"""A placement's days in a browser: the student, on a phone, opens their placement from the
navigation, records a practice day (after an error for a day outside the placement), and the
practice educator signs in in a browser of their own, sees the day waiting and confirms it; the
running total moves. axe-core checks every page; nothing scrolls sideways at 390 px."""

import datetime
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from academy.models import User
from academy.tests.factories import TeamFactory
from conftest import Orgs
from placements.models import EducatorRole, EducatorStage, Placement
from placements.tests.factories import PlacementFactory, PracticeEducatorFactory

from .steps import check_page, error_summary, sign_in, watch_for_problems
from .test_year_home import PHONE, then_nothing_scrolls_sideways


def given_a_placement_under_way(orgs: Orgs, student: User, tutor: User, practice_educator: User) -> Placement:
    today = timezone.localdate()
    educator = PracticeEducatorFactory(
        user=practice_educator, organisation=orgs.home, stage=EducatorStage.STAGE_2, role=EducatorRole.ON_SITE
    )
    return PlacementFactory(
        offer__team=TeamFactory(organisation=orgs.home, name="Community Mental Health Team North"),
        offer__setting="mental_health",
        offer__request__partnership__university=orgs.university,
        offer__request__starts_on=today - datetime.timedelta(days=20),
        offer__request__ends_on=today + datetime.timedelta(days=120),
        offer__request__days_required=70,
        educator=educator,
        student=student,
        tutor=tutor,
    )


def open_from_the_navigation(page: Page, student_name: str) -> None:
    viewport = page.viewport_size
    if viewport is not None and viewport["width"] < 641:
        # On a phone the navigation folds behind its menu button, which GOV.UK Frontend's script
        # shows once it has started: wait for it rather than asking once (a loaded machine is slow).
        menu = page.locator(".govuk-service-navigation__toggle")
        expect(menu).to_be_visible()
        menu.click()
    page.locator(".govuk-service-navigation").get_by_role("link", name="Placements").click()
    expect(page.locator("h1")).to_have_text("Placements")
    check_page(page)
    page.get_by_role("link", name=student_name).click()
    expect(page.locator("h1")).to_contain_text(student_name)


def fill_day(page: Page, day: datetime.date) -> None:
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_the_student_logs_a_day_and_the_educator_confirms_it(
    orgs: Orgs,
    student: User,
    tutor: User,
    practice_educator: User,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
) -> None:
    placement = given_a_placement_under_way(orgs, student, tutor, practice_educator)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # Given the student, on a phone
    phone = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = watch_for_problems(phone.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, student)

    # When they open their placement and record a day
    open_from_the_navigation(page, student.display_name)
    expect(page.get_by_text("0 of 70 days")).to_be_visible()
    check_page(page)
    then_nothing_scrolls_sideways(page)
    page.get_by_role("link", name="Record a day").click()
    check_page(page)
    fill_day(page, placement.starts_on - datetime.timedelta(days=3))
    page.get_by_label("Practice day").check()
    page.get_by_role("button", name="Record day").click()
    expect(error_summary(page)).to_contain_text("Enter a day within the placement")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_page(page)
    fill_day(page, yesterday)
    page.get_by_label("What you did (optional)").fill("Joint visit and a care review with my educator.")
    page.get_by_role("button", name="Record day").click()

    # Then it waits for confirmation
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Practice day recorded")
    expect(page.get_by_text("Waiting", exact=True)).to_be_visible()
    check_page(page)
    then_nothing_scrolls_sideways(page)
    phone.close()

    # When the practice educator, in a browser of their own, confirms it
    desk = browser.new_context(**browser_context_args)
    page = watch_for_problems(desk.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, practice_educator)
    open_from_the_navigation(page, student.display_name)
    expect(page.get_by_text("Joint visit and a care review with my educator.")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Confirm all 1 waiting day").click()

    # Then the day counts towards the requirement
    expect(page.get_by_text("1 of 70 days")).to_be_visible()
    expect(page.get_by_text("69 short")).to_be_visible()
    check_page(page)
    desk.close()
