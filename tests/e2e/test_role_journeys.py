"""One journey per persona through the real browser: sign in through the form (with the
authenticator code for roles that need it), then every page the service navigation offers that
role, the notifications page and the accessibility statement, each axe-clean. Plus the
keyboard route into the page and a failed sign-in."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from academy.models import User
from conftest import PERSONAS

from .steps import (
    LOGIN_PATH,
    check_accessibility,
    check_page,
    error_summary,
    fill_sign_in_form,
    nav_links,
    open_page,
    sign_in,
)

# One journey per role: the sibling council's personas repeat roles already walked here, and the
# URL walk and the isolation checks cover what they may see.
JOURNEYS = [name for name, persona in PERSONAS.items() if persona.organisation != "sibling"]


@pytest.mark.parametrize("persona", JOURNEYS)
def test_persona_journey(persona: str, personas: dict[str, User], page: Page, live_server: Any) -> None:
    # Given a persona with an account and a role
    user = personas[persona]

    # When they sign in through the real form
    sign_in(page, live_server, user)

    # Then they reach their home page, which is accessible
    expect(page.locator("h1")).to_contain_text(f"Welcome, {user.display_name}")
    check_page(page)

    # And every page their navigation offers opens, is marked as current, and is accessible
    links = nav_links(page)
    assert links, f"{persona} sees no service navigation"
    assert all(link.href.startswith("/") for link in links), f"Navigation leaves the site: {links}"
    for link in links:
        response = open_page(page, live_server.url + link.href)
        check_page(page, response)
        current = page.locator(".govuk-service-navigation a[aria-current]")
        expect(current, f"{link.label} is not marked current").to_have_attribute("href", link.href)

    # When they follow the notifications link in the header
    page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications")).click()

    # Then the notifications page is accessible
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    check_page(page)

    # When they follow the accessibility statement in the footer
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()

    # Then the statement is accessible too
    expect(page).to_have_url(re.compile(r"/accessibility/$"))
    check_page(page)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page: Page, live_server: Any) -> None:
    # Given someone on the sign-in page using a keyboard
    open_page(page, live_server.url + LOGIN_PATH)

    # When they press Tab once
    page.keyboard.press("Tab")

    # Then the skip link has focus, and is visible while it has it
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    check_accessibility(page)

    # When they activate it
    page.keyboard.press("Enter")

    # Then focus moves to the main content
    expect(page.locator("#main-content")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main-content$"))


def test_wrong_password_shows_an_error_and_keeps_the_email(nqsw: User, page: Page, live_server: Any) -> None:
    # Given a person with an account
    # When they sign in with the wrong password
    fill_sign_in_form(page, live_server, email=nqsw.email, password="not-the-password")

    # Then they stay on the sign-in page with an error summary that takes focus
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(re.compile(r"\S"))
    expect(summary).to_be_focused()

    # And what they typed as their email is still there; the password is not
    expect(page.get_by_label("Email address")).to_have_value(nqsw.email)
    expect(page.get_by_label("Password")).to_have_value("")
    check_page(page)
