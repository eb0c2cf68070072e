"""Programmes in a browser: an NQSW finds a workshop in the catalogue, asks for the last place a
moment after a colleague took it and joins the waiting list; the colleague cancels, the place is
offered to the NQSW, who accepts it from "My bookings" and then sees the joining link. axe-core
checks every page on the way, and the catalogue fits a 390-pixel-wide phone."""

from typing import Any

from django.urls import reverse
from playwright.sync_api import Page, expect

from academy.models import User
from conftest import Orgs
from programmes.models import Booking, BookingStatus
from programmes.services import booking_cancel
from programmes.tests.factories import BookingFactory, ProgrammeFactory, SessionFactory

from .steps import check_page, sign_in

LINK = "https://meet.example.test/bite-size-recording"


def test_waitlisted_then_promoted(
    page: Page, live_server: Any, orgs: Orgs, nqsw: User, social_worker: User
) -> None:
    # Given a one-place online workshop that a colleague has just booked
    programme = ProgrammeFactory(organisation=orgs.partnership, title="Bite-size: defensible recording")
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

    # The catalogue works on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("programmes:catalogue"))
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
