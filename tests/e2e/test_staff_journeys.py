"""Staff journeys through the real browser: a principal social worker invites a newly qualified
social worker, who follows the emailed link, chooses a password and lands signed in."""

import re
from typing import Any

from django.contrib.auth.models import Permission
from django.core import mail
from playwright.sync_api import Page, expect

from academy.models import User
from academy.roles import Role

from .steps import check_page, error_summary, nav_links, sign_in, watch_for_problems

INVITEE_NAME = "Nadia Newcomer"
INVITEE_EMAIL = "nadia.newcomer@example.test"
INVITEE_PASSWORD = "a-long-new-password-2026"
NQSW_ROLE = "Newly qualified social worker"


def invitation_path_from_outbox(email: str) -> str:
    """The path of the link in the one invitation email sent to `email` (the email's host is the
    configured site, not the live server's)."""
    sent = [message for message in mail.outbox if email in message.to]
    assert len(sent) == 1, f"Expected one email to {email}, outbox: {[m.to for m in mail.outbox]}"
    body = str(sent[0].body)
    match = re.search(r"https?://[^/\s]+(/invitations/[\w-]+/)", body)
    assert match, f"No invitation link in the email:\n{body}"
    return match.group(1)


def assert_error_summary_links_reach_fields(page: Page) -> None:
    """Each error in the summary links to a field on the page (GOV.UK error summary pattern)."""
    links = error_summary(page).get_by_role("link")
    assert links.count() > 0, "The error summary links to no field"
    for link in links.all():
        href = link.get_attribute("href") or ""
        assert href.startswith("#"), f"Error summary link {href!r} is not a link to a field"
        expect(page.locator(f"[id='{href[1:]}']"), f"{href} is not on the page").to_have_count(1)


def test_psw_invites_an_nqsw_who_signs_up_from_the_email(
    psw: User, page: Page, live_server: Any, new_context: Any
) -> None:
    # Given a principal social worker signed in through the real form
    sign_in(page, live_server, psw)

    # When they go to People and choose to invite someone
    people = next(link for link in nav_links(page) if link.label == "People")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=people.label).click()
    expect(page.locator("h1")).to_have_text("People")
    check_page(page)
    page.get_by_role("link", name="Invite someone").first.click()
    expect(page.locator("h1")).to_have_text("Invite someone")
    check_page(page)

    # And send the form without filling it in
    page.get_by_role("button", name="Send invitation").click()

    # Then the error summary lists what is missing, takes focus, and the title says so
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_be_visible()
    expect(error_summary(page)).to_be_focused()
    assert_error_summary_links_reach_fields(page)
    check_page(page)
    assert not mail.outbox

    # When they fill it in and send it
    page.get_by_label("Full name").fill(INVITEE_NAME)
    page.get_by_label("Email address").fill(INVITEE_EMAIL)
    organisation = page.get_by_label("Organisation", exact=True)
    if organisation.count() and organisation.evaluate("el => el.tagName") == "SELECT":
        home = psw.memberships.get().organisation.name
        organisation.select_option(label=home)
    page.get_by_label("Role", exact=True).select_option(label=NQSW_ROLE)
    page.get_by_role("button", name="Send invitation").click()

    # Then the invitations page lists the invitation as pending
    expect(page).to_have_url(re.compile(r"/people/invitations/$"))
    row = page.get_by_role("row").filter(has_text=INVITEE_EMAIL)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(INVITEE_NAME)
    expect(row).to_contain_text(NQSW_ROLE)
    expect(row.locator(".govuk-tag")).to_have_text("Pending")
    check_page(page)

    # When the invitee opens the link from their email in their own (signed-out) browser
    invitee = watch_for_problems(new_context().new_page())
    invitee.set_default_timeout(10_000)
    invitee.goto(live_server.url + invitation_path_from_outbox(INVITEE_EMAIL))

    # Then they are asked to choose a password for their account
    expect(invitee).to_have_url(re.compile(r"/accounts/signup/$"))
    check_page(invitee)

    # When they choose one
    expect(invitee.get_by_label("Email address", exact=True)).to_have_value(INVITEE_EMAIL)
    invitee.get_by_label("Password", exact=True).fill(INVITEE_PASSWORD)
    invitee.get_by_label("Password (again)").fill(INVITEE_PASSWORD)
    invitee.get_by_role("button", name="Create account").click()

    # Then they land on the home page, signed in as the new NQSW
    expect(invitee).to_have_url(live_server.url + "/")
    expect(invitee.locator("h1")).to_contain_text(f"Welcome, {INVITEE_NAME}")
    check_page(invitee)
    new_user = User.objects.get(email=INVITEE_EMAIL)
    assert [m.role for m in new_user.memberships.all()] == [Role.NQSW]

    # And the invitation now shows as accepted to the principal social worker
    page.reload()
    expect(row.locator(".govuk-tag")).to_have_text("Accepted")


def test_academy_admin_imports_a_framework_version_from_a_csv_file(
    academy_admin: User, page: Page, live_server: Any, tmp_path: Any
) -> None:
    # Given an academy admin whom the operators made a reference data publisher, on the
    # frameworks page
    academy_admin.user_permissions.add(Permission.objects.get(codename="publish_reference_data"))
    sign_in(page, live_server, academy_admin)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Frameworks").click()
    page.get_by_role("link", name="Import a new version").click()
    expect(page.locator("h1")).to_have_text("Import a framework version")
    check_page(page)

    # When they send a file with a problem in it
    csv_file = tmp_path / "elements.csv"
    csv_file.write_text("code,parent,title\n1,,Relationships\n1.1,7,Orphan\n")
    page.get_by_label("Version name").fill("Checked standards")
    page.get_by_label("Short name for the address").fill("checked")
    page.get_by_label("Current: checked against the published document").check()
    page.get_by_label("Source document").fill("Published standards")
    page.get_by_label("Elements (CSV file)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import version").click()

    # Then the row is named, nothing is imported, and what they typed is kept
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("Row 3: parent 7 is not a code in this file.")
    expect(page.get_by_label("Version name")).to_have_value("Checked standards")
    check_page(page)

    # When they fix the file and send it again
    csv_file.write_text("code,parent,title\n1,,Relationships\n1.1,1,Listening\n")
    page.get_by_label("Elements (CSV file)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import version").click()

    # Then the new version's page lists its elements
    expect(page.locator("h1")).to_contain_text("Checked standards")
    expect(page.get_by_text("Listening")).to_be_visible()
    check_page(page)


def test_academy_admin_sets_a_member_councils_evidence_threshold(
    academy_admin: User, page: Page, live_server: Any
) -> None:
    # Given an academy admin on the organisation settings page
    sign_in(page, live_server, academy_admin)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Organisations").click()
    expect(page.locator("h1")).to_have_text("Organisation settings")
    page.get_by_role("link", name="Change when evidence is flagged in Home Borough Council").click()
    check_page(page)

    # When they give a threshold that is not a number of days
    page.get_by_label("Flag evidence waiting longer than this many days (optional)").fill("0")
    page.get_by_role("button", name="Save settings").click()

    # Then the error summary says why, and nothing is saved
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(error_summary(page)).to_contain_text("The number of days must be 1 or more")
    assert_error_summary_links_reach_fields(page)
    check_page(page)

    # When they correct it
    page.get_by_label("Flag evidence waiting longer than this many days (optional)").fill("10")
    page.get_by_role("button", name="Save settings").click()

    # Then the list shows the council's own threshold
    expect(page.get_by_text("Settings for Home Borough Council saved.")).to_be_visible()
    card = page.locator(".govuk-summary-card", has_text="Home Borough Council")
    expect(card).to_contain_text("10 days")
    check_page(page)
