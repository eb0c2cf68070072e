"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Playwright's sync API runs an event loop in the test thread, so Django must be told that
synchronous database calls from it are fine. The live server answers from another thread and
sees only committed rows, hence `transactional_db` for every test here."""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from .steps import new_strict_page, watch_for_problems

E2E_DIR = Path(__file__).parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser: mark it `e2e` and give it a committed database."""
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Playwright cannot download its own browsers here: launch Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """A desktop-sized window, and a CSP that lets the tests inject axe-core."""
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
        "timezone_id": "Europe/London",
    }


@pytest.fixture(autouse=True)
def _committed_database(transactional_db: None, frameworks: None) -> None:
    """The live server sees only committed rows; truncation between tests also removes the
    framework rows the data migration loaded, so they are loaded again (idempotently)."""


@pytest.fixture
def page(page: Page) -> Page:
    """Playwright's page, failing within seconds rather than 30 when a step's expectation is not
    met (the live server answers locally in milliseconds), and watching for script errors and
    resources that fail to load."""
    page.set_default_timeout(10_000)
    page.set_default_navigation_timeout(15_000)
    return watch_for_problems(page)


@pytest.fixture
def strict_context(browser: Browser, browser_context_args: dict[str, Any]) -> Iterator[BrowserContext]:
    """A browser context that enforces the portal's content security policy."""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": False})
    yield context
    context.close()


@pytest.fixture
def strict_page(strict_context: BrowserContext) -> Page:
    """A page under the portal's real content security policy (steps.new_strict_page)."""
    return new_strict_page(strict_context)


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker in the test process, for journeys that wait on a task (exports)."""
    from celery.contrib.testing.worker import start_worker

    from academy.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
