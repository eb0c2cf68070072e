"""Autosave as a person meets it, under the portal's real content security policy: the invitation
form saves itself while a principal social worker types (academy/drafts/).

Nothing typed is lost to a reload, a closed tab, a lost connection or a session that ends; and
two tabs of the same form never silently overwrite each other."""

import re
import time
from typing import Any

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from academy.drafts.models import FormDraft
from academy.models import User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from conftest import Orgs

from .steps import (
    LOGIN_PATH,
    assert_no_browser_problems,
    check_accessibility_under_csp,
    new_strict_page,
    sign_in_here,
)

INVITE_PATH = "/people/invite/"
SAVED = re.compile(r"^Draft saved at \d\d:\d\d$")
IDLE_SECONDS = 12


@pytest.fixture
def psw(orgs: Orgs, settings: Any) -> User:
    """A PSW on a server that does not require two-factor authentication, so signing in twice
    within one 30-second code window works."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    user = UserFactory(email="psw.drafting@example.test", full_name="Pat Drafting")
    MembershipFactory(user=user, organisation=orgs.home, role=Role.PSW)
    return user


def full_name(page: Page) -> Any:
    return page.get_by_label("Full name")


def status(page: Page) -> Any:
    return page.get_by_role("status")


def restored_banner(page: Page, words: str) -> Any:
    return page.get_by_role("region", name="Important").filter(has_text=words)


def open_invite_form(page: Page, live_server: Any, user: User) -> None:
    page.goto(live_server.url + LOGIN_PATH)
    sign_in_here(page, user)
    expect(page).to_have_url(live_server.url + "/")
    page.goto(live_server.url + INVITE_PATH)


def stored(user: User) -> dict[str, Any]:
    draft = FormDraft.objects.filter(user=user, key="academy:invite").first()
    return draft.data if draft else {}


def all_clean(page: Page) -> None:
    assert page.csp_violations == []  # type: ignore[attr-defined]
    assert_no_browser_problems(page)


def test_type_wait_reload_and_the_words_are_there(
    psw: User, strict_context: BrowserContext, live_server: Any
) -> None:
    page = new_strict_page(strict_context)

    # Given a PSW typing an invitation, with no draft yet (nothing to restore, no conflict)
    open_invite_form(page, live_server, psw)
    expect(page.get_by_role("region", name="Important")).to_have_count(0)
    full_name(page).fill("Nadia Drafted")

    # When they wait a few seconds, the page says the draft is saved, without leaving the field
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    expect(full_name(page)).to_be_focused()
    assert stored(psw)["full_name"] == "Nadia Drafted"
    check_accessibility_under_csp(page)

    # Then after a reload the words are there, and the page says where they came from
    page.reload()
    expect(full_name(page)).to_have_value("Nadia Drafted")
    expect(restored_banner(page, "We restored what you were writing on")).to_be_visible()
    check_accessibility_under_csp(page)

    # When they type more and close the tab at once, before the next save is due
    full_name(page).fill("Nadia Drafted Closed")
    all_clean(page)
    page.close(run_before_unload=True)

    # Then the closing tab's last save reaches the server (it travels on its own, so wait for it
    # rather than race it: a new tab opened before it lands would rightly see another writer)
    deadline = time.monotonic() + 10
    while stored(psw).get("full_name") != "Nadia Drafted Closed" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert stored(psw)["full_name"] == "Nadia Drafted Closed"

    # And a new tab has those words too
    page = new_strict_page(strict_context)
    page.goto(live_server.url + INVITE_PATH)
    expect(full_name(page)).to_have_value("Nadia Drafted Closed")

    # When the connection drops while they type, the page says so and keeps trying
    strict_context.set_offline(True)
    full_name(page).fill("Nadia Offline")
    full_name(page).blur()
    expect(status(page)).to_have_text(re.compile("Not saved .* you are offline"))
    check_accessibility_under_csp(page)
    strict_context.set_offline(False)
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    assert stored(psw)["full_name"] == "Nadia Offline"

    # And "Discard draft" starts the form again
    page.reload()
    restored_banner(page, "We restored").get_by_role("button", name="Discard draft").click()
    expect(page.get_by_role("alert")).to_contain_text("Draft discarded.")
    expect(full_name(page)).to_have_value("")
    assert stored(psw) == {}
    all_clean(page)


def test_session_ends_sign_in_again_and_the_words_are_there(
    psw: User, strict_page: Page, live_server: Any, settings: Any
) -> None:
    settings.SESSION_IDLE_MINUTES = IDLE_SECONDS / 60
    page = strict_page

    # Given a PSW whose draft invitation was saved
    open_invite_form(page, live_server, psw)
    full_name(page).fill("Nadia Timed Out")
    full_name(page).blur()
    expect(status(page)).to_have_text(SAVED)

    # When they stop typing until the session ends
    expect(page).to_have_url(
        f"{live_server.url}{LOGIN_PATH}?next={INVITE_PATH}", timeout=3 * IDLE_SECONDS * 1000
    )

    # Then after signing in again they are back on the form with their words, put back once
    sign_in_here(page, psw)
    expect(page).to_have_url(live_server.url + INVITE_PATH)
    expect(full_name(page)).to_have_value("Nadia Timed Out")
    expect(restored_banner(page, "We restored what you were writing on")).to_be_visible()
    expect(page.get_by_text("We have put back what you typed")).to_have_count(0)
    check_accessibility_under_csp(page)
    all_clean(page)


def test_session_gone_while_typing_the_words_come_back_after_sign_in(
    psw: User, strict_page: Page, live_server: Any, settings: Any
) -> None:
    settings.DRAFTS_SAVE_SECONDS = 1
    page = strict_page

    # Given a PSW typing an invitation, saved
    open_invite_form(page, live_server, psw)
    full_name(page).fill("Nadia Before")
    expect(status(page)).to_have_text(SAVED)

    # When their session ends on the server (signed out elsewhere, or the server restarted it)
    session_key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    SessionStore(session_key).delete()

    # Then what they type next is not saved, and the page says why
    full_name(page).fill("Nadia After Sign Out")
    expect(status(page)).to_contain_text("Not saved \u2014 you have been signed out.")
    check_accessibility_under_csp(page)
    assert stored(psw)["full_name"] == "Nadia Before"

    # When they sign in again from the link the page gives
    status(page).get_by_role("link", name="Sign in again").click()
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    sign_in_here(page, psw)

    # Then they are back on the form with what they typed after the session ended, now saved
    expect(page).to_have_url(live_server.url + INVITE_PATH)
    expect(full_name(page)).to_have_value("Nadia After Sign Out")
    expect(restored_banner(page, "We have put back what you typed")).to_be_visible()
    expect(status(page)).to_have_text(SAVED)
    assert stored(psw)["full_name"] == "Nadia After Sign Out"
    check_accessibility_under_csp(page)
    all_clean(page)


def test_two_tabs_never_overwrite_each_other(
    psw: User, strict_context: BrowserContext, live_server: Any, settings: Any
) -> None:
    settings.DRAFTS_SAVE_SECONDS = 1
    first = new_strict_page(strict_context)
    conflict = "This form was changed in another tab or window."

    # Given the invitation form open in two tabs, the first one's words saved
    open_invite_form(first, live_server, psw)
    full_name(first).fill("From the first tab")
    expect(status(first)).to_have_text(SAVED)
    second = new_strict_page(strict_context)
    second.goto(live_server.url + INVITE_PATH)
    expect(full_name(second)).to_have_value("From the first tab")

    # When the second tab saves, and then the first tab types again
    full_name(second).fill("From the second tab")
    expect(status(second)).to_have_text(SAVED)
    full_name(first).fill("From the first tab, later")

    # Then the first tab's save is refused and the page says why, with a choice
    expect(first.get_by_role("region", name="Important").filter(has_text=conflict)).to_be_visible()
    expect(status(first)).to_have_text("Not saved \u2014 this form was changed in another tab or window.")
    assert stored(psw)["full_name"] == "From the second tab"
    check_accessibility_under_csp(first)

    # When they keep what is in the first tab, it is saved over the second tab's
    first.get_by_role("button", name="Keep what is in this window").click()
    expect(status(first)).to_have_text(SAVED)
    assert stored(psw)["full_name"] == "From the first tab, later"

    # And the second tab, typing on, is told in turn and reloads to see the first tab's words
    full_name(second).fill("From the second tab, later")
    expect(second.get_by_role("region", name="Important").filter(has_text=conflict)).to_be_visible()
    second.get_by_role("button", name="Reload the page").click()
    expect(full_name(second)).to_have_value("From the first tab, later")
    assert FormDraft.objects.get(user=psw, key="academy:invite").updated_at <= timezone.now()
    all_clean(first)
    all_clean(second)
