"""The CPD ledger in a browser, under the portal's real content security policy: an NQSW records
two CPD entries, one with a peer reflection that the peer confirms through the emailed link in a
browser of their own (the link then refuses a second answer); the year's tracker turns complete; the copy pack
shows every field and its copy buttons work; they cite one record as ASYE evidence, reading who
will see it before they confirm; and the CPD record then shows where it is used. axe-core checks
every page on the way."""

import datetime
import re
from typing import Any

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from academy.models import User
from academy.outbox.services import outbox_sweep
from conftest import Orgs
from cpd.year_loader import load_registration_years

from .steps import (
    assert_forms_leave_validation_to_the_server,
    assert_no_browser_problems,
    check_accessibility_under_csp,
    error_summary,
    new_strict_page,
    sign_in,
)
from .test_evidence_journey import given_an_nqsw_with_a_record

COURSE = {
    "title": "Mental capacity refresher",
    "type": "Training course or workshop",
    "description": "A half-day refresher on the five principles of the Mental Capacity Act.",
    "learning": "How to record each decision separately, with the support offered first.",
    "impact": "My capacity assessments now name the decision, so people are less often judged in general.",
}
READING = {
    "title": "Reading on strengths-based practice",
    "type": "Reading: an article, book or research",
    "description": "A research summary on strengths-based conversations in adult social care.",
    "learning": "Asking what is going well opens conversations that a list of needs closes.",
    "impact": "I start reviews by asking what the person wants to keep, before what should change.",
}
PEER_NAME = "Alex Supervisor"
PEER_EMAIL = "alex.supervisor@example.test"
PEER_LEARNING = "My supervisor helped me see that I ask family members before the person themselves."


def check(page: Page) -> None:
    """A page the person may use under the real policy: one main heading, nothing broken or
    blocked, forms left to the server's validation, axe-clean."""
    expect(page.locator("h1")).to_have_count(1)
    assert_no_browser_problems(page)
    assert page.csp_violations == []  # type: ignore[attr-defined]
    assert_forms_leave_validation_to_the_server(page)
    check_accessibility_under_csp(page)


def when_they_record(page: Page, entry: dict[str, str], day: datetime.date) -> None:
    page.get_by_role("link", name="My CPD").first.click()
    check(page)
    page.get_by_role("link", name="Add a CPD record").first.click()
    check(page)
    page.get_by_label("Title").fill(entry["title"])
    page.get_by_label("Type of CPD activity").select_option(label=entry["type"])
    page.get_by_label("Description of the activity and why it is relevant to you").fill(entry["description"])
    page.locator("#id_occurred_on_0").fill(str(day.day))
    page.locator("#id_occurred_on_1").fill(str(day.month))
    page.locator("#id_occurred_on_2").fill(str(day.year))
    page.get_by_label("What did you learn?").fill(entry["learning"])
    page.get_by_label(
        "What impact has it had, or will it have, on your practice and the people you work with?"
    ).fill(entry["impact"])
    page.get_by_label("Hours (optional)").fill("3.5")
    page.get_by_label("Provider (optional)").fill("Testvale Academy")
    page.get_by_role("button", name="Save and mark complete").click()
    # The record's own page (a slow machine may take longer than an expectation's default wait).
    page.wait_for_url(re.compile(r"/cpd/records/[0-9a-f-]{36}/$"))
    expect(error_summary(page)).to_have_count(0)
    expect(page.locator("h1")).to_contain_text(entry["title"])
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Complete")
    check(page)


def when_they_add_a_peer_reflection(page: Page, day: datetime.date) -> None:
    page.get_by_role("link", name="Add a peer reflection").click()
    check(page)
    page.get_by_label("What did you learn from discussing this activity with a peer?").fill(PEER_LEARNING)
    page.get_by_label("Who was the peer? (optional)").fill("A. Supervisor")
    page.locator("#id_discussed_on_0").fill(str(day.day))
    page.locator("#id_discussed_on_1").fill(str(day.month))
    page.locator("#id_discussed_on_2").fill(str(day.year))
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator("h1")).to_contain_text(COURSE["title"])
    expect(page.get_by_text(PEER_LEARNING)).to_be_visible()
    check(page)


def when_they_ask_the_peer_to_confirm(page: Page) -> str:
    """The person asks their peer from the record's page; the outbox sends the email. Returns the
    path of the link in it (the email's host is the configured site, not the live server's)."""
    mail.outbox.clear()
    page.get_by_role("link", name="Ask your peer to confirm the conversation").click()
    check(page)
    page.get_by_label("Your peer's name").fill(PEER_NAME)
    page.get_by_label("Their email address").fill(PEER_EMAIL)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("table")).to_contain_text(PEER_NAME)
    check(page)
    outbox_sweep()
    sent = [message for message in mail.outbox if PEER_EMAIL in message.to]
    assert len(sent) == 1, f"Expected one email to the peer, outbox: {[m.to for m in mail.outbox]}"
    match = re.search(r"https?://[^/\s]+(/cpd/peer/[\w-]+/[\w-]+/)", str(sent[0].body))
    assert match, f"No confirmation link in the email:\n{sent[0].body}"
    return match.group(1)


def when_the_peer_confirms(context: BrowserContext, live_server: Any, path: str, person: User) -> None:
    """The peer opens the link in their own browser, signed out: they see the person's name and
    the date, nothing of the record, and confirm. The same link then refuses a second answer."""
    peer = new_strict_page(context)
    peer.goto(live_server.url + path)
    expect(peer.locator("h1")).to_have_text("Did this conversation take place?")
    expect(peer.locator("main")).to_contain_text(person.full_name)
    expect(peer.locator("main")).not_to_contain_text(COURSE["title"])
    expect(peer.locator("main")).not_to_contain_text(PEER_LEARNING)
    check(peer)
    peer.get_by_role("button", name="Yes, it took place").click()
    expect(peer.locator(".govuk-panel")).to_contain_text("You confirmed the conversation took place")
    check(peer)
    again = peer.goto(live_server.url + path)
    assert again is not None
    assert again.status == 410  # the link works once
    peer.close()


def then_the_record_shows_it_confirmed(page: Page) -> None:
    page.get_by_role("link", name="Back").first.click()
    page.reload()
    expect(page.locator("#peer-confirmation")).to_contain_text(f"{PEER_NAME} confirmed on")
    check(page)


def then_the_tracker_is_complete(page: Page) -> None:
    page.get_by_role("link", name="My CPD").first.click()
    page.get_by_role("link", name="See your progress this year").click()
    expect(page.get_by_text("You have met this year's requirement.")).to_be_visible()
    tasks = page.locator(".govuk-task-list__item")
    expect(tasks).to_have_count(2)
    for task in tasks.all():
        expect(task).to_contain_text("Completed")
    check(page)


def then_the_copy_pack_shows_every_field(page: Page, context: BrowserContext, day: datetime.date) -> None:
    page.get_by_role("link", name="My CPD").first.click()
    page.get_by_role("link", name=COURSE["title"]).click()
    page.get_by_role("link", name="Copy to Social Work England").click()
    expected = {
        "copy-type": COURSE["type"],
        "copy-description": COURSE["description"],
        "copy-date": day.strftime("%d/%m/%Y"),
        "copy-learning": COURSE["learning"],
        "copy-impact": COURSE["impact"],
        "copy-peer": PEER_LEARNING,
    }
    for box, text in expected.items():
        expect(page.locator(f"#{box}")).to_have_value(text)
    check(page)
    # The copy buttons work under the policy: the clipboard holds the field's plain text.
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy What did you learn?").click()
    expect(page.locator("[data-copy-status]").nth(3)).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == COURSE["learning"]


def when_they_cite_it_as_asye_evidence(page: Page, assessor: User) -> None:
    page.get_by_role("link", name="My ASYE").click()
    page.get_by_role("link", name="Evidence", exact=True).click()
    page.get_by_role("button", name="Add evidence").click()
    check(page)
    page.get_by_role("link", name="Cite one of your CPD records").click()
    check(page)
    page.get_by_role("link", name=COURSE["title"]).click()
    # The sharing warning, before they confirm: what is shared, and with whom.
    warning = page.locator("#sharing-warning")
    expect(warning).to_contain_text("Citing this CPD record shares its title, type of CPD activity, date")
    expect(warning).to_contain_text("what you learnt from your peer reflection")
    expect(page.get_by_text(f"your assessor, {assessor.display_name}")).to_be_visible()
    check(page)
    # Not confirming is refused, and nothing is made.
    page.get_by_role("button", name="Confirm and add as evidence").click()
    expect(page).to_have_title(re.compile(r"^Error: Cite"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check(page)
    page.get_by_label("I understand that the people named above").check()
    page.get_by_role("button", name="Confirm and add as evidence").click()
    expect(page.locator("h1")).to_contain_text(COURSE["title"])
    expect(page.get_by_role("heading", name="From your CPD record")).to_be_visible()
    expect(page.get_by_text(PEER_LEARNING)).to_be_visible()
    check(page)


def then_the_cpd_record_shows_where_it_is_used(page: Page) -> None:
    item_url = page.url
    page.get_by_role("link", name="Open your CPD record").click()
    expect(page.get_by_role("heading", name="Used in")).to_be_visible()
    use = page.get_by_role("link", name=f"ASYE evidence: {COURSE['title']}")
    expect(use).to_be_visible()
    check(page)
    use.click()
    assert page.url == item_url


def test_the_cpd_journey(
    orgs: Orgs,
    nqsw: User,
    assessor: User,
    manager: User,
    strict_context: BrowserContext,
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: Any,
) -> None:
    given_an_nqsw_with_a_record(orgs, nqsw, assessor, manager)
    # Browser tests run on a committed database, and an earlier transactional test in the same
    # worker may have emptied the registration years (reference data from a data migration).
    load_registration_years()
    page = new_strict_page(strict_context)
    day = timezone.localdate()
    sign_in(page, live_server, nqsw)

    when_they_record(page, COURSE, day)
    when_they_add_a_peer_reflection(page, day)
    link = when_they_ask_the_peer_to_confirm(page)
    peer_context = browser.new_context(**{**browser_context_args, "bypass_csp": False})
    when_the_peer_confirms(peer_context, live_server, link, nqsw)
    peer_context.close()
    then_the_record_shows_it_confirmed(page)
    when_they_record(page, READING, day)
    then_the_tracker_is_complete(page)
    then_the_copy_pack_shows_every_field(page, strict_context, day)
    when_they_cite_it_as_asye_evidence(page, assessor)
    then_the_cpd_record_shows_where_it_is_used(page)
