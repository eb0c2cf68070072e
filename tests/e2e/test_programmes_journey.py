"""Programmes in a browser: an NQSW finds a workshop in the catalogue, asks for the last place a
moment after a colleague took it and joins the waiting list; the colleague cancels, the place is
offered to the NQSW, who accepts it from "My bookings" and then sees the joining link. The
session takes place and the facilitator marks the register; the NQSW downloads their certificate
and completes the draft CPD record the attendance made, without typing its title, date or hours,
then cites the completed record as evidence in their ASYE portfolio: one academy event, attendance,
certificate, CPD and ASYE evidence with no retyping. axe-core checks every page on the way, and
the catalogue fits a 390-pixel-wide phone."""

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from academy.models import User
from asye.evidence.models import EvidenceItem
from conftest import Orgs
from cpd.models import CpdRecord, RecordStatus
from cpd.year_loader import load_registration_years
from programmes.models import Attendance, Booking, BookingStatus, Session
from programmes.services import attendance_mark, booking_cancel
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

from .steps import check_page, sign_in
from .test_evidence_journey import given_an_nqsw_with_a_record

LINK = "https://meet.example.test/bite-size-recording"


def test_waitlisted_promoted_attends_and_completes_cpd(
    page: Page,
    live_server: Any,
    orgs: Orgs,
    nqsw: User,
    social_worker: User,
    academy_admin: User,
    assessor: User,
    manager: User,
) -> None:
    # Given an NQSW in their ASYE year and the CPD registration years (an earlier transactional
    # test may have emptied them)
    given_an_nqsw_with_a_record(orgs, nqsw, assessor, manager)
    load_registration_years()
    # and a one-place online workshop that a colleague has just booked
    programme = ProgrammeFactory(
        organisation=orgs.partnership, title="Bite-size: defensible recording", cpd_hours=Decimal("1.5")
    )
    session = SessionFactory(programme=programme, capacity=1, joining_link=LINK)
    taken = BookingFactory(session=session, person=social_worker, organisation=orgs.home)

    # When the NQSW signs in and finds it through the navigation
    sign_in(page, live_server, nqsw)
    page.get_by_role("link", name="Programmes").first.click()
    check_page(page)
    page.get_by_role("link", name="Bite-size: defensible recording").click()
    check_page(page)
    page.locator("table").get_by_role("link").first.click()
    check_page(page)
    expect(page.get_by_text("Full")).to_be_visible()
    expect(page.get_by_text(LINK)).to_have_count(0)

    # and asks for a place: they join the waiting list
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_text("you are on the waiting list")).to_be_visible()
    expect(page.get_by_text("number 1 on the waiting list")).to_be_visible()
    check_page(page)

    # When the colleague cancels, the place is offered to the NQSW
    booking_cancel(actor=social_worker, booking=taken)
    page.get_by_role("link", name="My bookings").first.click()
    check_page(page)
    expect(page.get_by_text("Place offered")).to_be_visible()

    # and they accept it: booked, and the joining link shows
    page.get_by_role("button", name="Accept the place").click()
    expect(page.get_by_text("You are booked on this session.")).to_be_visible()
    expect(page.get_by_role("link", name=LINK)).to_be_visible()
    check_page(page)
    assert Booking.objects.get(session=session, person=nqsw).status == BookingStatus.BOOKED

    # When the session has taken place and the facilitator marks the register
    start = timezone.now() - datetime.timedelta(minutes=5)  # today, so in the ledger's current year
    Session.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    session.refresh_from_db()
    attendance_mark(
        actor=academy_admin,
        session=session,
        marks={str(Booking.objects.get(person=nqsw).pk): Attendance.ATTENDED},
    )

    # then the NQSW downloads their certificate
    page.get_by_role("link", name="My bookings").first.click()
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Certificate (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # and completes the draft CPD record, which already has the title, date and hours
    page.get_by_role("link", name="My CPD").first.click()
    check_page(page)
    page.get_by_role("link", name="Bite-size: defensible recording").click()
    check_page(page)
    page.get_by_role("link", name="Change this record").click()
    check_page(page)
    expect(page.get_by_label("Title")).to_have_value("Bite-size: defensible recording")
    expect(page.get_by_label("Hours (optional)")).to_have_value("1.50")
    page.get_by_label("What did you learn?").fill("Record the decision and its reasons, not only the visit.")
    page.get_by_label(
        "What impact has it had, or will it have, on your practice and the people you work with?"
    ).fill("People reading their records now find why each decision was made.")
    page.get_by_role("button", name="Save and mark complete").click()
    expect(page.locator(".govuk-summary-list").first).to_contain_text("Complete")
    check_page(page)
    assert CpdRecord.objects.get(person=nqsw).status == RecordStatus.COMPLETE

    # and cites the completed record as evidence in their ASYE portfolio
    page.get_by_role("link", name="My ASYE").click()
    page.get_by_role("link", name="Evidence", exact=True).click()
    check_page(page)
    page.get_by_role("button", name="Add evidence").click()
    page.get_by_role("link", name="Cite one of your CPD records").click()
    check_page(page)
    page.get_by_role("link", name="Bite-size: defensible recording").click()
    expect(page.get_by_text(f"your assessor, {assessor.display_name}")).to_be_visible()
    check_page(page)
    page.get_by_label("I understand that the people named above").check()
    page.get_by_role("button", name="Confirm and add as evidence").click()
    expect(page.locator("h1")).to_contain_text("Bite-size: defensible recording")
    expect(page.get_by_role("heading", name="From your CPD record")).to_be_visible()
    check_page(page)
    assert EvidenceItem.objects.filter(record__nqsw__user=nqsw).count() == 1

    # The catalogue works on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("programmes:catalogue"))
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
