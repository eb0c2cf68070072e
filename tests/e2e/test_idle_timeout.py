"""The idle time-out as a person meets it, under the portal's real content security policy.

A principal social worker starts adding a team, is warned before the session ends, stays signed
in once, then lets the time run out: they land on the sign-in page with the reason, sign in
again, and find what they typed put back. (The team form keeps what was typed in the browser
tab; forms that save drafts to the server, such as the invitation form, are tested in
test_autosave.py.)"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from academy.models import User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs

from .steps import LOGIN_PATH, assert_no_browser_problems, check_accessibility_under_csp, sign_in_here

IDLE_SECONDS = 12  # the warning opens halfway, six seconds before the end
TYPED_NAME = "Duty and Assessment North"


@pytest.fixture
def psw_without_authenticator(orgs: Orgs, settings: Any) -> User:
    """A PSW on a server that does not require two-factor authentication, so signing in twice
    within one 30-second code window works."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    user = UserFactory(email="psw.typing@example.test", full_name="Pat Typing")
    MembershipFactory(user=user, organisation=orgs.home, role=Role.PSW)
    return user


def test_warning_then_time_out_keeps_what_was_typed(
    psw_without_authenticator: User, strict_page: Page, live_server: Any, settings: Any
) -> None:
    settings.SESSION_IDLE_MINUTES = IDLE_SECONDS / 60
    page, user = strict_page, psw_without_authenticator
    dialog = page.get_by_role("dialog", name="You\u2019re about to be signed out")

    # Given a PSW signed in and typing on the form that adds a team
    page.goto(live_server.url + LOGIN_PATH)
    sign_in_here(page, user)
    expect(page).to_have_url(live_server.url + "/")
    page.goto(live_server.url + "/people/teams/")
    page.get_by_label("Team name").fill(TYPED_NAME)

    # When they stop for a while, a warning opens with the focus on "Stay signed in"
    expect(dialog).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog.get_by_role("link", name="Sign out")).to_be_visible()
    check_accessibility_under_csp(page)

    # And choosing to stay closes it and keeps them signed in, on the same page
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Team name")).to_have_value(TYPED_NAME)

    # When the warning comes back and they do nothing
    expect(dialog).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(page).to_have_url(
        f"{live_server.url}{LOGIN_PATH}?next=/people/teams/", timeout=IDLE_SECONDS * 1000
    )

    # Then the sign-in page says why
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"You were signed out after {IDLE_SECONDS} seconds without activity."
    )
    check_accessibility_under_csp(page)

    # And after signing in again they are back on the form with what they typed
    sign_in_here(page, user)
    expect(page).to_have_url(live_server.url + "/people/teams/")
    expect(page.get_by_label("Team name")).to_have_value(TYPED_NAME)
    restored = page.get_by_role("region", name="Important").filter(has_text="We have put back what you typed")
    expect(restored).to_be_visible()
    check_accessibility_under_csp(page)
    assert page.csp_violations == []  # type: ignore[attr-defined]
    assert_no_browser_problems(page)


def test_timing_out_on_a_path_that_looks_like_another_host_stays_on_the_portal(
    psw_without_authenticator: User, strict_page: Page, live_server: Any, settings: Any
) -> None:
    settings.SESSION_IDLE_MINUTES = IDLE_SECONDS / 60
    page = strict_page
    # Anything leaving for the other host is answered here, so the test never reaches the network.
    page.context.route("http://evil.example/**", lambda route: route.fulfill(body="elsewhere"))

    # Given a signed-in PSW who followed a link to a path starting with two slashes
    page.goto(live_server.url + LOGIN_PATH)
    sign_in_here(page, psw_without_authenticator)
    expect(page).to_have_url(live_server.url + "/")
    page.goto(live_server.url + "//evil.example/x/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

    # When the session times out there
    # Then the page reloads the same path on the portal, not on the host the path names
    expect(page).to_have_url(live_server.url + "/evil.example/x/", timeout=IDLE_SECONDS * 2000)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
