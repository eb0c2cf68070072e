"""The evidence loop in a browser: an NQSW writes a critical reflection with a name in it, the
anonymisation guard marks it, they take it out and submit; their assessor returns it with a
comment; the NQSW edits and resubmits; the assessor accepts; the framework map shows the element
covered. axe-core checks every page on the way."""

from typing import Any

from playwright.sync_api import Browser, Page, expect

from academy.models import User
from academy.roles import Role
from asye.evidence.selectors import record_elements
from asye.programme_loader import load_programme_types
from asye.tests.factories import AsyeRecordFactory, membership_of
from conftest import Orgs

from .steps import check_page, sign_in, watch_for_problems

REFLECTION = {
    "What was the situation?": "I visited Margaret Hughes at home to review her support plan.",
    "What did you do, and why? What did you notice about your own thinking and values?": (
        "I listened first and asked what mattered most before suggesting changes."
    ),
    "Which knowledge, research or legislation informed your practice?": "Strengths-based practice.",
    "What have you learned, and what will you do next?": "I will prepare my questions more carefully.",
}


def given_an_nqsw_with_a_record(orgs: Orgs, nqsw: User, assessor: User, manager: User) -> Any:
    load_programme_types()
    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(nqsw, orgs.home, Role.NQSW),
        assessor=membership_of(assessor, orgs.home, Role.ASSESSOR),
        line_manager=membership_of(manager, orgs.home, Role.LINE_MANAGER),
    )


def when_the_nqsw_writes_a_reflection(page: Page, element_label: str) -> None:
    page.get_by_role("link", name="My ASYE").click()
    page.get_by_role("link", name="Evidence", exact=True).click()
    check_page(page)
    page.get_by_role("button", name="Add evidence").click()
    check_page(page)
    page.get_by_role("link", name="Critical reflection").click()
    check_page(page)
    page.get_by_label("Title").fill("Reviewing a support plan at home")
    for prompt, words in REFLECTION.items():
        page.get_by_label(prompt).fill(words)
    page.get_by_label(element_label, exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("h1")).to_contain_text("Reviewing a support plan at home")
    check_page(page)


def then_the_guard_marks_the_name(page: Page) -> None:
    page.get_by_role("button", name="Check and submit").click()
    mark = page.locator("mark.academy-flag")
    expect(mark).to_contain_text("Margaret Hughes")
    expect(page.get_by_role("button", name="Submit to your assessor")).to_have_count(0)
    check_page(page)


def when_they_take_it_out_and_submit(page: Page) -> None:
    page.get_by_role("button", name="Edit").first.click()
    check_page(page)
    page.get_by_label("What was the situation?").fill(
        "I visited a person at home to review their support plan."
    )
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Check and submit").click()
    expect(page.get_by_text("We found nothing")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Submit to your assessor").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Submitted")
    check_page(page)


def when_the_assessor_opens_their_queue(page: Page) -> None:
    page.get_by_role("link", name="Evidence to review").click()
    check_page(page)
    page.get_by_role("link", name="Reviewing a support plan at home").click()
    check_page(page)


def test_the_evidence_loop(
    orgs: Orgs,
    nqsw: User,
    assessor: User,
    manager: User,
    page: Page,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
) -> None:
    record = given_an_nqsw_with_a_record(orgs, nqsw, assessor, manager)
    element = record_elements(record=record)[0]
    element_label = str(element)
    sign_in(page, live_server, nqsw)
    when_the_nqsw_writes_a_reflection(page, element_label)
    then_the_guard_marks_the_name(page)
    when_they_take_it_out_and_submit(page)
    item_url = page.url

    # The assessor works in their own browser window: they sign in once.
    context = browser.new_context(**browser_context_args)
    reviewer = watch_for_problems(context.new_page())
    reviewer.set_default_timeout(10_000)
    sign_in(reviewer, live_server, assessor)
    when_the_assessor_opens_their_queue(reviewer)
    reviewer.get_by_label("What does the NQSW need to change?").fill("Say more about the theory you used.")
    reviewer.get_by_role("button", name="Return to the NQSW").click()
    expect(reviewer.locator(".govuk-notification-banner")).to_contain_text("was returned")
    check_page(reviewer)

    # The NQSW reads the comment, edits and resubmits.
    page.goto(item_url)
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Returned")
    expect(page.get_by_text("Say more about the theory you used.").first).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="Edit").click()
    page.get_by_label("Which knowledge, research or legislation informed your practice?").fill(
        "Strengths-based practice and the wellbeing principle of the Care Act 2014."
    )
    page.get_by_role("button", name="Save as draft").click()
    page.get_by_role("button", name="Check and submit").click()
    page.get_by_role("button", name="Submit to your assessor").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Resubmitted")

    # The assessor accepts it.
    when_the_assessor_opens_their_queue(reviewer)
    reviewer.get_by_role("button", name="Accept").click()
    expect(reviewer.locator(".govuk-notification-banner")).to_contain_text("was accepted")
    check_page(reviewer)
    context.close()

    # The framework map shows the element covered.
    page.goto(item_url)
    expect(page.get_by_text("It can no longer be changed")).to_be_visible()
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="See the framework map").click()
    row = page.locator("tr", has_text=element_label).first
    expect(row).to_contain_text("Covered")
    expect(row).to_contain_text("Reviewing a support plan at home")
    check_page(page)
