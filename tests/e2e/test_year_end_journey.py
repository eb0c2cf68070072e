"""The end of the ASYE year in a browser: the NQSW finds what still stands in the way of
moderation, signs the final assessment the assessor and line manager have signed, confirms each
accepted item is anonymised and submits the portfolio; the PSW pauses a colleague's year and then
extends it. axe-core checks every page on the way."""

import datetime
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from academy.models import User
from academy.roles import Role
from asye.final.models import ModerationSubmission
from asye.models import AsyeRecord, RecordStatus
from asye.programme_loader import load_programme_types
from asye.signatures import SignatureCapacity
from asye.tests import final_support as ready
from asye.tests.factories import AsyeRecordFactory, member, membership_of
from conftest import Orgs

from .steps import check_page, sign_in, watch_for_problems


def given_a_portfolio_nearly_ready(orgs: Orgs, nqsw: User, assessor: User, manager: User, psw: User) -> Any:
    load_programme_types()
    record = AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(nqsw, orgs.home, Role.NQSW),
        assessor=membership_of(assessor, orgs.home, Role.ASSESSOR),
        line_manager=membership_of(manager, orgs.home, Role.LINE_MANAGER),
    )
    ready.signed_agreement(record, psw)
    ready.signed_reviews(record)
    ready.accepted_minimum(record)
    ready.write_final(record)
    ready.sign_final(record, who=(SignatureCapacity.ASSESSOR, SignatureCapacity.LINE_MANAGER))
    return record


def when_the_nqsw_opens_the_submission(page: Page) -> None:
    page.get_by_role("link", name="My ASYE").click()
    page.get_by_role("link", name="Submission to moderation").click()
    expect(page.locator("#refusals li")).to_have_count(2)
    expect(page.locator("#refusals")).to_contain_text("not been confirmed as anonymised")
    expect(page.locator("#refusals")).to_contain_text("The final assessment has not been signed")
    expect(page.get_by_role("button", name="Submit to moderation")).to_have_count(0)
    check_page(page)


def when_they_sign_the_final_assessment(page: Page) -> None:
    page.get_by_role("link", name="Go to the final assessment").click()
    check_page(page)
    page.get_by_role("button", name="Sign as NQSW").click()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("Signed by the NQSW, the assessor")
    check_page(page)


def when_they_confirm_anonymisation(page: Page, submission_url: str) -> None:
    page.goto(submission_url)
    page.get_by_role("link", name="Confirm anonymisation").click()
    check_page(page)
    boxes = page.locator("input[type=checkbox][name=items]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.get_by_role("button", name="Confirm these items are anonymised").click()
    expect(page.get_by_text("Every accepted item has been confirmed as anonymised.")).to_be_visible()
    check_page(page)


def then_they_submit_once(page: Page, submission_url: str, record: AsyeRecord) -> None:
    page.goto(submission_url)
    expect(page.locator("#refusals")).to_have_count(0)
    check_page(page)
    page.get_by_role("button", name="Submit to moderation").click()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("has been submitted to moderation")
    check_page(page)
    record.refresh_from_db()
    assert record.status == RecordStatus.SUBMITTED
    assert ModerationSubmission.objects.filter(record=record).count() == 1


def test_the_end_of_the_year(
    orgs: Orgs,
    nqsw: User,
    assessor: User,
    manager: User,
    psw: User,
    page: Page,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
) -> None:
    record = given_a_portfolio_nearly_ready(orgs, nqsw, assessor, manager, psw)
    colleague = AsyeRecordFactory(
        organisation=orgs.home,
        start_date=timezone.localdate() - datetime.timedelta(days=120),
        nqsw=member(orgs.home, Role.NQSW, full_name="Colleague Onleave"),
        assessor=record.assessor,
        line_manager=record.line_manager,
    )
    sign_in(page, live_server, nqsw)
    when_the_nqsw_opens_the_submission(page)
    submission_url = page.url
    when_they_sign_the_final_assessment(page)
    when_they_confirm_anonymisation(page, submission_url)
    then_they_submit_once(page, submission_url, record)

    # The PSW, in their own window, pauses a colleague's year and then extends it.
    context = browser.new_context(**browser_context_args)
    staff = watch_for_problems(context.new_page())
    staff.set_default_timeout(10_000)
    sign_in(staff, live_server, psw)
    staff.goto(f"{live_server.url}/asye/records/{colleague.pk}/")
    staff.get_by_role("link", name="Record a pause").click()
    staff.get_by_role("button", name="Record the pause").click()
    expect(staff).to_have_title(re.compile(r"^Error: "))
    check_page(staff)
    paused_from = timezone.localdate() - datetime.timedelta(days=20)
    new_end = timezone.localdate() + datetime.timedelta(days=730)
    staff.get_by_role("group", name="First day of the pause").get_by_label("Day").fill(str(paused_from.day))
    staff.get_by_role("group", name="First day of the pause").get_by_label("Month").fill(
        str(paused_from.month)
    )
    staff.get_by_role("group", name="First day of the pause").get_by_label("Year").fill(str(paused_from.year))
    staff.get_by_label("Reason for the pause").fill("Sickness absence")
    staff.get_by_role("button", name="Record the pause").click()
    expect(staff.locator(".govuk-tag").first).to_contain_text("Paused")
    check_page(staff)
    staff.get_by_role("link", name="Extend the year").click()
    check_page(staff)
    staff.get_by_role("group", name="New planned end date").get_by_label("Day").fill(str(new_end.day))
    staff.get_by_role("group", name="New planned end date").get_by_label("Month").fill(str(new_end.month))
    staff.get_by_role("group", name="New planned end date").get_by_label("Year").fill(str(new_end.year))
    staff.get_by_label("Reason for the extension").fill("Part-time hours after the absence")
    staff.get_by_role("button", name="Extend the year").click()
    expect(staff.get_by_text("Part-time hours after the absence")).to_be_visible()
    check_page(staff)
    context.close()
