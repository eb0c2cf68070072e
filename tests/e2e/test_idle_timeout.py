"""The idle time-out as a person meets it, under the portal's real content security policy.

A principal social worker starts typing an invitation, is warned before the session ends,
stays signed in once, then lets the time run out: they land on the sign-in page with the
reason, sign in again, and find what they typed put back."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from academy.models import User
from academy.roles import Role
from academy.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from conftest import Orgs

from .steps import AXE_JS, LOGIN_PATH, assert_no_browser_problems, check_accessibility, watch_for_problems

IDLE_SECONDS = 12  # the warning opens halfway, six seconds before the end
TYPED_NAME = "Nadia Kept"


@pytest.fixture
def psw_without_authenticator(orgs: Orgs, settings: Any) -> User:
    """A PSW on a server that does not require two-factor authentication, so signing in twice
    within one 30-second code window works."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    user = UserFactory(email="psw.typing@example.test", full_name="Pat Typing")
    MembershipFactory(user=user, organisation=orgs.home, role=Role.PSW)
    return user


@pytest.fixture
def strict_page(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[Page]:
    """A page that enforces the portal's content security policy (the shared fixture bypasses
    it to inject axe-core): a script blocked by the policy would fail this journey."""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": False})
    page = watch_for_problems(context.new_page())
    page.set_default_timeout(10_000)
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.csp_violations = violations  # type: ignore[attr-defined]
    yield page
    context.close()


def check_accessibility_under_csp(page: Page) -> None:
    """axe-core cannot be added as a script tag under the policy; evaluate it directly."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    check_accessibility(page)


def sign_in_here(page: Page, user: User) -> None:
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_warning_then_time_out_keeps_what_was_typed(
    psw_without_authenticator: User, strict_page: Page, live_server: Any, settings: Any
) -> None:
    settings.SESSION_IDLE_MINUTES = IDLE_SECONDS / 60
    page, user = strict_page, psw_without_authenticator
    dialog = page.get_by_role("dialog", name="You\u2019re about to be signed out")

    # Given a PSW signed in and typing on the invitation form
    page.goto(live_server.url + LOGIN_PATH)
    sign_in_here(page, user)
    expect(page).to_have_url(live_server.url + "/")
    page.goto(live_server.url + "/people/invite/")
    page.get_by_label("Full name").fill(TYPED_NAME)

    # When they stop for a while, a warning opens with the focus on "Stay signed in"
    expect(dialog).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog.get_by_role("link", name="Sign out")).to_be_visible()
    check_accessibility_under_csp(page)

    # And choosing to stay closes it and keeps them signed in, on the same page
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Full name")).to_have_value(TYPED_NAME)

    # When the warning comes back and they do nothing
    expect(dialog).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(page).to_have_url(
        f"{live_server.url}{LOGIN_PATH}?next=/people/invite/", timeout=IDLE_SECONDS * 1000
    )

    # Then the sign-in page says why
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"You were signed out after {IDLE_SECONDS} seconds without activity."
    )
    check_accessibility_under_csp(page)

    # And after signing in again they are back on the form with what they typed
    sign_in_here(page, user)
    expect(page).to_have_url(live_server.url + "/people/invite/")
    expect(page.get_by_label("Full name")).to_have_value(TYPED_NAME)
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
