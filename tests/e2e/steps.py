"""The small vocabulary the browser journeys are written in: sign in through the real form,
read the navigation, open a page and check it, and run axe-core on what the browser shows."""

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response, expect

from academy.models import User
from academy.roles import MFA_ROLES
from academy.tests.factories import TEST_PASSWORD
from conftest import totp_code

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

LOGIN_PATH = "/accounts/login/"
MFA_PATH = "/accounts/2fa/authenticate/"


# --- Watching for broken pages -----------------------------------------------------------------


@dataclass
class BrowserProblems:
    """Script errors and failed page resources (CSS, JS, images, fonts) seen by one page."""

    script_errors: list[str] = field(default_factory=list)
    failed_resources: list[str] = field(default_factory=list)


_problems: "WeakKeyDictionary[Page, BrowserProblems]" = WeakKeyDictionary()
_SUBRESOURCES = {"stylesheet", "script", "image", "font"}


def watch_for_problems(page: Page) -> Page:
    """Record uncaught script errors and page resources that did not load."""
    problems = _problems.setdefault(page, BrowserProblems())

    def on_response(response: Response) -> None:
        if response.request.resource_type in _SUBRESOURCES and response.status >= 400:
            problems.failed_resources.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda error: problems.script_errors.append(f"{page.url}: {error}"))
    page.on("response", on_response)
    return page


def assert_no_browser_problems(page: Page) -> None:
    problems = _problems.get(page, BrowserProblems())
    assert not problems.failed_resources, f"Resources failed to load: {problems.failed_resources}"
    assert not problems.script_errors, f"Uncaught script errors: {problems.script_errors}"


# --- Accessibility -------------------------------------------------------------------------------


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} axe-core violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"      html: {node['html'][:300]}")
            if node.get("failureSummary"):
                summary = " ".join(node["failureSummary"].split())
                lines.append(f"      why:  {summary[:300]}")
    return "\n".join(lines)


def check_accessibility(page: Page) -> None:
    """Run axe-core's WCAG 2.2 AA rules on the page as the browser shows it: no violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    violations = result["violations"]
    assert not violations, format_violations(page.url, violations)


# --- Signing in ----------------------------------------------------------------------------------


def needs_mfa(user: User) -> bool:
    return user.memberships.filter(role__in=MFA_ROLES, is_active=True).exists()


def fill_sign_in_form(page: Page, live_server: Any, *, email: str, password: str) -> None:
    page.goto(live_server.url + LOGIN_PATH)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_unless_code_lasts(*, seconds: float, period: int = 30) -> None:
    """allauth accepts only the current 30-second code (no tolerance): a code typed just before
    the window turns would fail when checked, so wait for the next window instead."""
    left = period - time.time() % period
    if left < seconds:
        time.sleep(left + 0.2)


def sign_in(page: Page, live_server: Any, user: User) -> None:
    """Sign in as a person types it: email and password, then the authenticator code for the
    roles that need two-factor authentication. Ends on the home page."""
    fill_sign_in_form(page, live_server, email=user.email, password=TEST_PASSWORD)
    if needs_mfa(user):
        expect(page).to_have_url(live_server.url + MFA_PATH)
        check_page(page)
        wait_unless_code_lasts(seconds=3)
        page.get_by_label("Code", exact=True).fill(totp_code(user))
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(live_server.url + "/")


# --- Pages and navigation ------------------------------------------------------------------------


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str


def nav_links(page: Page) -> list[NavLink]:
    """The service navigation as the page draws it: the pages this person's role may use."""
    links = page.locator(".govuk-service-navigation a.govuk-service-navigation__link")
    return [
        NavLink(label=" ".join(link.inner_text().split()), href=link.get_attribute("href") or "")
        for link in links.all()
    ]


def open_page(page: Page, url: str) -> Response:
    response = page.goto(url)
    assert response is not None, f"No response for {url}"
    return response


def check_page(page: Page, response: Response | None = None) -> None:
    """A page the person may use: 200, a title, one main heading, nothing broken, axe-clean."""
    if response is not None:
        assert response.status == 200, f"{response.url} answered {response.status}"
    expect(page).to_have_title(re.compile(r"\S"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).not_to_be_empty()
    assert_no_browser_problems(page)
    assert_forms_leave_validation_to_the_server(page)
    check_accessibility(page)


def assert_forms_leave_validation_to_the_server(page: Page) -> None:
    """GOV.UK forms turn the browser's own validation off (`novalidate`): otherwise the browser's
    bubble stops an incomplete form from being sent and the error summary never appears."""
    validating = page.eval_on_selector_all(
        "form:not([novalidate])",
        """forms => forms
            .filter(form => form.querySelector("[required], [pattern], [min], [max], input[type=email]"))
            .map(form => form.outerHTML.slice(0, form.outerHTML.indexOf(">") + 1))""",
    )
    assert not validating, (
        f"Forms on {page.url} without `novalidate` let the browser block submission before the "
        f"server's error summary can show: {validating}"
    )


def error_summary(page: Page) -> Any:
    return page.locator(".govuk-error-summary")


# --- Pages under the portal's real content security policy ---------------------------------------


def new_strict_page(context: BrowserContext) -> Page:
    """A page in a context that enforces the content security policy (the shared fixture bypasses
    it to inject axe-core), watching for broken resources, script errors and policy violations
    (`page.csp_violations`): a script blocked by the policy would fail the journey."""
    page = watch_for_problems(context.new_page())
    page.set_default_timeout(10_000)
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.csp_violations = violations  # type: ignore[attr-defined]
    return page


def check_accessibility_under_csp(page: Page) -> None:
    """axe-core cannot be added as a script tag under the policy; evaluate it directly."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    check_accessibility(page)


def sign_in_here(page: Page, user: User) -> None:
    """Fill in the sign-in form the page is showing (no two-factor step)."""
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
