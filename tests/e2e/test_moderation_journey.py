"""Moderation in a browser: an external moderator from another council signs in, finds only the
panel they sit on and the one portfolio allocated to it, reads it, confirms the pre-filled
checklist and agrees; the PSW records the employer's decision; the record is then locked (no
edit offered) and the NQSW downloads their certificate. axe-core checks every page on the way."""

from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from academy.models import User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from asye.models import AsyeRecord, RecordStatus
from asye.moderation import services
from asye.moderation.models import ModerationPanel
from asye.programme_loader import load_programme_types
from asye.tests.factories import AsyeRecordFactory, membership_of
from conftest import Orgs, seed_totp

from .steps import check_page, sign_in, watch_for_problems


def given_a_panel_with_an_external_moderator(
    orgs: Orgs, psw: User, nqsw: User, assessor: User, manager: User
) -> Any:
    load_programme_types()
    record = AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(nqsw, orgs.home, Role.NQSW),
        assessor=membership_of(assessor, orgs.home, Role.ASSESSOR),
        line_manager=membership_of(manager, orgs.home, Role.LINE_MANAGER),
        status=RecordStatus.SUBMITTED,
    )
    AsyeRecordFactory(organisation=orgs.home, status=RecordStatus.SUBMITTED, nqsw_name="Unallocated Person")
    external = UserFactory(full_name="Esther Blackwood-Rae")
    seed_totp(external)
    seat = MembershipFactory(user=external, organisation=orgs.other, role=Role.MODERATOR)
    panel = services.panel_create(
        actor=psw, organisation=orgs.home, title="Spring moderation panel", held_on=timezone.localdate()
    )
    services.panel_member_add(actor=psw, panel=panel, membership=seat)
    services.panel_allocate(actor=psw, panel=panel, record=record)
    return record, panel, external


def when_the_moderator_checks_and_agrees(page: Page, nqsw_name: str) -> None:
    page.get_by_role("link", name="Moderation").click()
    check_page(page)
    expect(page.locator("table")).to_have_count(1)
    page.get_by_role("link", name="Spring moderation panel").click()
    check_page(page)
    expect(page.get_by_text("Unallocated Person")).to_have_count(0)
    page.get_by_role("link", name=nqsw_name).click()
    check_page(page)
    # The portfolio, read-only.
    page.get_by_role("link", name="The ASYE record").click()
    check_page(page)
    expect(page.get_by_role("link", name="Change the assessor")).to_have_count(0)
    page.go_back()
    for radio in page.get_by_role("radio", name="Yes").all():
        radio.check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("checklist is saved")
    check_page(page)
    page.get_by_role("link", name="Record the panel's decision").click()
    check_page(page)
    page.get_by_label("Agree with the assessor's recommendation").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("decision is recorded")
    check_page(page)


def when_the_psw_confirms_the_pass(staff: Page, allocation_url: str) -> None:
    """The employer's final decision, from the portfolio's moderation page: the year ends."""
    staff.goto(allocation_url)
    check_page(staff)
    staff.get_by_role("link", name="Record the employer's final decision").click()
    check_page(staff)
    staff.get_by_label("Passed: the year is completed").check()
    staff.get_by_role("button", name="Record the final decision").click()
    expect(staff.locator(".govuk-notification-banner").first).to_contain_text("now locked")
    check_page(staff)


def test_moderation_to_certificate(
    orgs: Orgs,
    psw: User,
    nqsw: User,
    assessor: User,
    manager: User,
    page: Page,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
) -> None:
    record, panel, external = given_a_panel_with_an_external_moderator(orgs, psw, nqsw, assessor, manager)
    sign_in(page, live_server, external)
    when_the_moderator_checks_and_agrees(page, nqsw.display_name)
    allocation_url = page.url

    # The PSW records the employer's decision.
    context = browser.new_context(**browser_context_args)
    staff = watch_for_problems(context.new_page())
    staff.set_default_timeout(10_000)
    sign_in(staff, live_server, psw)
    when_the_psw_confirms_the_pass(staff, allocation_url)
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.COMPLETED
    context.close()

    # The panel closes; the moderator no longer finds it.
    services.panel_close(actor=psw, panel=ModerationPanel.objects.get(pk=panel.pk))
    response = page.goto(allocation_url)
    assert response is not None
    assert response.status == 404

    # The NQSW sees their record locked, with no edit offered, and downloads the certificate.
    owner = watch_for_problems(browser.new_context(**browser_context_args).new_page())
    owner.set_default_timeout(10_000)
    sign_in(owner, live_server, nqsw)
    owner.goto(live_server.url + f"/asye/records/{record.pk}/")
    check_page(owner)
    expect(owner.locator(".govuk-notification-banner")).to_contain_text("locked")
    owner.goto(live_server.url + f"/asye/records/{record.pk}/evidence/")
    expect(owner.get_by_role("button", name="Add evidence")).to_have_count(0)
    owner.goto(live_server.url + f"/asye/records/{record.pk}/")
    with owner.expect_download() as download:
        owner.get_by_role("link", name="Download the certificate of completion (PDF)").click()
    assert download.value.suggested_filename == "asye-certificate.pdf"
