"""The reminder pages in a real browser. A reminder made by the producer sweep and delivered by
the delivery sweep reaches the NQSW's notifications; they follow the link to their preferences,
choose the portal only for one kind and a daily digest, and see their choices kept. An academy
admin filters the operators' list to the failed reminders and sends one again. Every page is
axe-clean, on a desktop and at 390 px wide."""

import datetime
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from academy.models import Reminder, ReminderDigest, ReminderPreference, User
from academy.outbox.services import outbox_sweep
from academy.reminders.services import reminders_deliver, reminders_produce
from academy.tests.reminders_support import (
    REVIEW,
    SUPERVISION,
    Fact,
    TestProducer,
    test_producer_fixture,  # noqa: F401  (the `test_producer` fixture)
)
from conftest import Orgs

from .steps import check_page, sign_in

PHONE: ViewportSize = {"width": 390, "height": 844}


def then_nothing_scrolls_sideways(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


def test_an_nqsw_is_reminded_in_the_portal_and_chooses_how_to_hear(
    nqsw: User, test_producer: TestProducer, page: Page, live_server: Any
) -> None:
    # Given a supervision reminder that fell due an hour ago, made and delivered by the sweeps
    test_producer.facts.append(
        Fact(person=nqsw, key="e2e-supervision", due_at=timezone.now() - datetime.timedelta(hours=1))
    )
    reminders_produce()
    reminders_deliver()
    outbox_sweep()
    assert Reminder.objects.get(recipient=nqsw).state == Reminder.State.SENT

    # When the NQSW signs in and opens their notifications
    sign_in(page, live_server, nqsw)
    page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications")).click()

    # Then the reminder is there, and the page is accessible
    expect(page.get_by_role("heading", name=re.compile("Your supervision is due"))).to_be_visible()
    check_page(page)

    # When they follow the link to their reminder preferences
    page.get_by_role("link", name=re.compile("Choose which reminders")).click()
    expect(page).to_have_url(re.compile(r"/reminders/preferences/$"))
    check_page(page)

    # And choose the portal only for supervision, keep reviews by email, and ask for a digest at 07:30
    page.get_by_label(SUPERVISION.label).uncheck()
    page.get_by_label(REVIEW.label).check()
    page.get_by_label(re.compile("a daily digest")).check()
    page.get_by_label("Time of the daily digest (UK time)").select_option("07:30")
    page.get_by_role("button", name=re.compile("Save")).click()

    # Then they are told, the page shows their choices again, and they are stored
    expect(page.get_by_text("Your reminder preferences are saved.")).to_be_visible()
    expect(page.get_by_label(SUPERVISION.label)).not_to_be_checked()
    expect(page.get_by_label(REVIEW.label)).to_be_checked()
    check_page(page)
    by_email = dict(
        ReminderPreference.objects.filter(user=nqsw, kind__in=[SUPERVISION.name, REVIEW.name]).values_list(
            "kind", "by_email"
        )
    )
    assert by_email == {SUPERVISION.name: False, REVIEW.name: True}
    digest = ReminderDigest.objects.get(user=nqsw)
    assert (digest.enabled, digest.time_of_day) == (True, datetime.time(7, 30))

    # And on a phone the preferences page fits the screen
    page.set_viewport_size(PHONE)
    page.reload()
    then_nothing_scrolls_sideways(page)
    check_page(page)


def test_an_academy_admin_finds_a_failed_reminder_and_sends_it_again(
    orgs: Orgs, nqsw: User, academy_admin: User, test_producer: TestProducer, page: Page, live_server: Any
) -> None:
    # Given one reminder sent and one that failed after its attempts, for a person of their academy
    now = timezone.now()
    common = {"producer": "test.supervision", "recipient": nqsw, "url": "/notifications/", "due_at": now}
    Reminder.objects.create(
        key="e2e:sent",
        kind=SUPERVISION.name,
        title="Supervision went out",
        state="sent",
        sent_at=now,
        **common,
    )
    failed = Reminder.objects.create(
        key="e2e:failed",
        kind=REVIEW.name,
        title="Review reminder that failed",
        state="failed",
        attempts=5,
        last_error="The mail server refused the connection",
        **common,
    )

    # When the academy admin signs in and opens Reminders from the navigation
    sign_in(page, live_server, academy_admin)
    page.get_by_role("navigation").get_by_role("link", name="Reminders").click()

    # Then both reminders are listed, and the page is accessible
    expect(page.get_by_text("Supervision went out")).to_be_visible()
    expect(page.get_by_text("Review reminder that failed")).to_be_visible()
    check_page(page)

    # When they filter to the failed reminders
    page.get_by_label("State").select_option("failed")
    page.get_by_role("button", name="Filter").click()

    # Then only the failed one is left, with why it failed
    expect(page.get_by_text("Review reminder that failed")).to_be_visible()
    expect(page.get_by_text("Supervision went out")).to_have_count(0)
    check_page(page)

    # When they send it again
    page.get_by_role("button", name=re.compile("Try again")).first.click()

    # Then they are told it will go within a minute, and the delivery sweep will take it
    expect(page.get_by_text(re.compile("will be sent again within a minute"))).to_be_visible()
    failed.refresh_from_db()
    assert failed.state == Reminder.State.DUE
    check_page(page)

    # And on a phone the list fits the screen
    page.set_viewport_size(PHONE)
    page.reload()
    then_nothing_scrolls_sideways(page)
    check_page(page)
