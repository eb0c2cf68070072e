"""Feedback from someone without an account, in a browser: the NQSW asks for feedback with a
code shown on their phone; the giver, in a browser of their own and not signed in, types the
code on a phone-sized screen under the portal's real content security policy and answers; the
NQSW finds a draft with those words. axe-core checks every page on the way."""

from typing import Any

from playwright.sync_api import Browser, Page, expect

from academy.models import User
from asye.models import EvidenceItem, EvidenceStatus

from .steps import check_accessibility_under_csp, check_page, new_strict_page, sign_in
from .test_evidence_journey import given_an_nqsw_with_a_record

WENT_WELL = "You listened to me and explained what would happen next."
EVEN_BETTER = "Please text before you come round."


def when_the_nqsw_asks_for_feedback_with_a_code(page: Page) -> str:
    page.get_by_role("link", name="My ASYE").click()
    page.get_by_role("link", name="Evidence", exact=True).click()
    page.get_by_role("link", name="Ask for feedback from someone without an account").click()
    check_page(page)
    page.get_by_role("button", name="Ask for feedback").click()
    check_page(page)
    page.get_by_label("Someone who uses services").check()
    page.get_by_label("A child or young person").check()
    page.get_by_label("Who is it from? (only you see this)").fill("young person at the review")
    page.get_by_label("What is it about? (they see this)").fill("our meeting at school on Friday")
    page.get_by_label("Show a code on my phone").check()
    page.get_by_role("button", name="Make the request").click()
    expect(page.locator("h1")).to_have_text("Show this code")
    check_page(page)
    return page.get_by_test_id("feedback-code").inner_text().strip()


def then_the_page_fits_a_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width}px wide)"


def check_giver_page(page: Page) -> None:
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator(".govuk-service-navigation")).to_have_count(0)
    then_the_page_fits_a_phone(page)
    check_accessibility_under_csp(page)
    assert not page.csp_violations, page.csp_violations  # type: ignore[attr-defined]


def test_feedback_with_a_code(
    orgs: Any,
    nqsw: User,
    assessor: User,
    manager: User,
    page: Page,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
) -> None:
    nqsw.full_name = "Imogen Farquharson"
    nqsw.save(update_fields=["full_name"])
    record = given_an_nqsw_with_a_record(orgs, nqsw, assessor, manager)
    sign_in(page, live_server, nqsw)
    code = when_the_nqsw_asks_for_feedback_with_a_code(page)

    # The giver has their own phone: a new browser, not signed in, with the real policy.
    context = browser.new_context(
        **{**browser_context_args, "bypass_csp": False, "viewport": {"width": 390, "height": 844}}
    )
    try:
        giver = new_strict_page(context)
        giver.goto(live_server.url + "/asye/feedback/code/")
        check_giver_page(giver)
        giver.get_by_label("Enter your code").fill("ACDE-FGHJ")
        giver.get_by_role("button", name="Continue").click()
        expect(giver.locator(".govuk-error-summary")).to_contain_text("That code is not right")
        check_giver_page(giver)
        giver.get_by_label("Enter your code").fill(code.lower())
        giver.get_by_role("button", name="Continue").click()
        expect(giver.locator("h1")).to_have_text("Tell Imogen what you think")
        expect(giver.locator("main")).to_contain_text("our meeting at school on Friday")
        expect(giver.locator("body")).not_to_contain_text("Farquharson")
        check_giver_page(giver)
        giver.get_by_label("What was good about talking to Imogen?").fill(WENT_WELL)
        giver.get_by_label("Is there anything Imogen could do better?").fill(EVEN_BETTER)
        giver.get_by_role("button", name="Send").click()
        expect(giver.locator("h1")).to_have_text("Thank you")
        check_giver_page(giver)
    finally:
        context.close()

    # The NQSW finds the answer waiting as a draft.
    page.get_by_role("link", name="Back to your feedback requests").first.click()
    expect(page.locator("main")).to_contain_text("Answered")
    check_page(page)
    page.get_by_role("link", name="Feedback from young person at the review").click()
    expect(page.locator("main")).to_contain_text(WENT_WELL)
    expect(page.locator("main")).to_contain_text(EVEN_BETTER)
    check_page(page)
    item = EvidenceItem.objects.get(record=record)
    assert item.status == EvidenceStatus.DRAFT
