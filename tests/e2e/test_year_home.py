"""The NQSW's home on a phone (390 px wide): the year's task list says what to do next, nothing
makes the page scroll sideways, and axe-core finds no violations; the whole year page the same."""

import datetime
import struct
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from academy.models import User
from academy.roles import Role
from asye.models import EvidenceKind, EvidenceStatus
from asye.programme_loader import load_programme_types
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, membership_of
from conftest import Orgs

from .steps import check_page, sign_in, watch_for_problems

PHONE = {"width": 390, "height": 844}


def given_an_nqsw_part_way_through_their_year(orgs: Orgs, nqsw: User, assessor: User, manager: User) -> Any:
    load_programme_types()
    record = AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(nqsw, orgs.home, Role.NQSW),
        assessor=membership_of(assessor, orgs.home, Role.ASSESSOR),
        line_manager=membership_of(manager, orgs.home, Role.LINE_MANAGER),
        start_date=datetime.date(2026, 6, 1),
    )
    EvidenceItemFactory(record=record, kind=EvidenceKind.DIRECT_OBSERVATION, status=EvidenceStatus.ACCEPTED)
    EvidenceItemFactory(
        record=record,
        kind=EvidenceKind.WRITTEN_WORK,
        status=EvidenceStatus.RETURNED,
        title="A long title for an assessed report that must wrap on a narrow screen without overflowing",
    )
    return record


def then_nothing_scrolls_sideways(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def then_the_screenshot_is_phone_sized(page: Page, path: Path) -> None:
    page.screenshot(path=str(path), full_page=True)
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width == PHONE["width"]
    assert height >= PHONE["height"]


def test_the_nqsw_home_on_a_phone(
    orgs: Orgs,
    nqsw: User,
    assessor: User,
    manager: User,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
    tmp_path: Path,
) -> None:
    given_an_nqsw_part_way_through_their_year(orgs, nqsw, assessor, manager)
    context = browser.new_context(**{**browser_context_args, "viewport": PHONE})
    page = watch_for_problems(context.new_page())
    page.set_default_timeout(10_000)
    sign_in(page, live_server, nqsw)

    panel = page.locator("section", has=page.get_by_role("heading", name="Your ASYE year"))
    expect(panel.locator(".govuk-task-list")).to_be_visible()
    expect(panel).to_contain_text("Changes needed")
    expect(panel).to_contain_text("1 returned item needs your changes.")
    expect(panel).to_contain_text("Final assessment")
    check_page(page)
    then_nothing_scrolls_sideways(page)
    then_the_screenshot_is_phone_sized(page, tmp_path / "home-390.png")

    page.get_by_role("link", name="See your whole year").click()
    expect(page.locator("h1")).to_have_text("Your ASYE year")
    expect(page.get_by_role("link", name="Assessed written work")).to_be_visible()
    check_page(page)
    then_nothing_scrolls_sideways(page)
    then_the_screenshot_is_phone_sized(page, tmp_path / "year-390.png")
    context.close()
