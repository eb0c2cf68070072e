"""The ASYE year across roles, in browsers (issue 16's journey): the line manager records a
supervision; the final review is signed by the NQSW, the assessor and the manager; the assessor
writes the final report and recommends a pass; the NQSW signs, confirms anonymisation and submits
to moderation; an external moderator finds only that portfolio (another panel's portfolio is 404
for them) and agrees; the PSW confirms the pass. Then every edit is refused, in the pages (no
buttons, a POST changes nothing) and in the services (RecordLocked), and the NQSW downloads the
portfolio PDF, built by a real Celery worker, whose text holds the framework map and the
signatures. What is not the point here (agreement signed, evidence accepted, earlier reviews) is
made with factories. axe-core checks every page on the way."""

import datetime
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from academy.models import User
from academy.roles import Role
from academy.tests.factories import MembershipFactory, UserFactory
from asye.final import services as final_services
from asye.final.models import FinalAssessment
from asye.lock import RecordLocked
from asye.models import AsyeRecord, RecordStatus
from asye.moderation import services as moderation
from asye.programme_loader import load_programme_types
from asye.reviews import services as review_services
from asye.supervision.models import SupervisionAttendance
from asye.tests import final_support as ready
from asye.tests.factories import AsyeRecordFactory, membership_of
from asye.tests.review_support import write_review
from conftest import Orgs, seed_totp

from .steps import check_page, sign_in, watch_for_problems
from .test_moderation_journey import when_the_moderator_checks_and_agrees, when_the_psw_confirms_the_pass
from .test_year_end_journey import (
    then_they_submit_once,
    when_they_confirm_anonymisation,
    when_they_sign_the_final_assessment,
)

REFLECTION = "Over the year I learnt to slow down and ask what matters to the person."


def given_a_year_nearly_done(orgs: Orgs, nqsw: User, assessor: User, manager: User, psw: User) -> AsyeRecord:
    load_programme_types()
    record = AsyeRecordFactory(
        organisation=orgs.home,
        start_date=timezone.localdate() - datetime.timedelta(days=300),
        nqsw=membership_of(nqsw, orgs.home, Role.NQSW),
        assessor=membership_of(assessor, orgs.home, Role.ASSESSOR),
        line_manager=membership_of(manager, orgs.home, Role.LINE_MANAGER),
    )
    ready.signed_agreement(record, psw)
    ready.signed_reviews(record, ("foundational", "midpoint", "nine_month"))
    write_review(record, "final")  # written by the three; signed in the browsers below
    ready.accepted_minimum(record)
    # The NQSW's and the manager's parts of the final assessment; the assessor writes theirs below.
    final_services.final_reflection_update(
        actor=nqsw, record=record, reflection=REFLECTION, further_development="Court skills training."
    )
    final_services.final_endorsement_update(
        actor=manager, record=record, endorsement="endorse", manager_comments="Support was given as agreed."
    )
    return record


def given_another_panel_with_its_own_portfolio(orgs: Orgs, psw: User) -> tuple[AsyeRecord, Any]:
    other = AsyeRecordFactory(
        organisation=orgs.home, status=RecordStatus.SUBMITTED, nqsw_name="Another Panellist"
    )
    panel = moderation.panel_create(
        actor=psw, organisation=orgs.home, title="Another panel", held_on=timezone.localdate()
    )
    allocation = moderation.panel_allocate(actor=psw, panel=panel, record=other)
    return other, allocation


def given_an_external_moderator_on_a_panel(orgs: Orgs, psw: User) -> tuple[User, Any]:
    external = UserFactory(full_name="Esther Blackwood-Rae")
    seed_totp(external)
    seat = MembershipFactory(user=external, organisation=orgs.other, role=Role.MODERATOR)
    panel = moderation.panel_create(
        actor=psw, organisation=orgs.home, title="Spring moderation panel", held_on=timezone.localdate()
    )
    moderation.panel_member_add(actor=psw, panel=panel, membership=seat)
    return external, panel


def new_window(browser: Browser, browser_context_args: Any, live_server: Any, user: User) -> Page:
    window = watch_for_problems(browser.new_context(**browser_context_args).new_page())
    window.set_default_timeout(10_000)
    sign_in(window, live_server, user)
    return window


def when_the_manager_records_a_supervision(page: Page, base: str, record: AsyeRecord) -> None:
    page.goto(f"{base}/asye/records/{record.pk}/supervision/")
    check_page(page)
    page.get_by_role("link", name="Record a supervision").click()
    check_page(page)
    held = timezone.localdate() - datetime.timedelta(days=2)
    page.get_by_label("One-to-one").check()
    date = page.get_by_role("group", name="Date", exact=True)
    date.get_by_label("Day").fill(str(held.day))
    date.get_by_label("Month").fill(str(held.month))
    date.get_by_label("Year").fill(str(held.year))
    page.get_by_label("Length in minutes").fill("90")
    page.get_by_label("What was discussed").fill("Caseload, the court report and reflective practice.")
    page.get_by_role("button", name="Save supervision record").click()
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("Supervision recorded")
    check_page(page)


def when_they_sign_the_review(page: Page, base: str, record: AsyeRecord, capacity: str) -> None:
    page.goto(f"{base}/asye/records/{record.pk}/reviews/final/")
    check_page(page)
    page.get_by_role("button", name=f"Sign as {capacity}").click()
    expect(page.get_by_role("button", name=f"Sign as {capacity}")).to_have_count(0)
    check_page(page)


def when_the_assessor_recommends_a_pass(page: Page, base: str, record: AsyeRecord) -> None:
    page.goto(f"{base}/asye/records/{record.pk}/final/report/")
    check_page(page)
    page.locator("textarea[name=report]").fill("Consistent, reflective practice, confirmed by observations.")
    for radio in page.get_by_role("radio", name="Met at the level expected at the end of the year").all():
        radio.check()
    for reasons in page.get_by_label("Reasons").all():
        reasons.fill("Shown in the accepted evidence and the reviews.")
    page.get_by_role("radio", name="Pass", exact=True).check()
    page.get_by_role("button", name="Save the final report").click()
    expect(page).to_have_url(re.compile(r"/final/$"))
    check_page(page)
    page.get_by_role("button", name="Sign as assessor").click()
    expect(page.get_by_role("button", name="Sign as assessor")).to_have_count(0)
    check_page(page)


def then_every_edit_is_refused(page: Page, base: str, record: AsyeRecord) -> None:
    # In the pages: a locked record, no edit offered.
    page.goto(f"{base}/asye/records/{record.pk}/")
    check_page(page)
    expect(page.locator(".govuk-notification-banner").first).to_contain_text("locked")
    page.goto(f"{base}/asye/records/{record.pk}/evidence/")
    expect(page.get_by_role("button", name="Add evidence")).to_have_count(0)
    expect(page.get_by_role("link", name="Add evidence")).to_have_count(0)
    page.goto(f"{base}/asye/records/{record.pk}/final/")
    check_page(page)
    expect(page.get_by_role("button", name=re.compile("^Sign as"))).to_have_count(0)
    # A POST sent anyway (a page kept open from before) changes nothing.
    page.goto(f"{base}/asye/records/{record.pk}/export/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        f"{base}/asye/records/{record.pk}/final/reflection/",
        form={"csrfmiddlewaretoken": token, "reflection": "Changed afterwards", "further_development": ""},
        headers={"Referer": page.url},
    )
    assert response.ok, response.status  # sent back to the final assessment with the reason
    assert "no longer under way" in response.text()
    assert FinalAssessment.objects.get(record=record).reflection == REFLECTION
    # In the services.
    with pytest.raises(RecordLocked):
        review_services.review_reflection_update(
            actor=record.nqsw.user, record=record, key="final", reflection="Changed", self_assessment=""
        )
    with pytest.raises(RecordLocked):
        final_services.anonymisation_confirm(actor=record.nqsw.user, record=record, item_ids=[])


def then_the_pdf_downloads_with_the_map_and_signatures(page: Page, base: str, record: AsyeRecord) -> None:
    page.goto(f"{base}/asye/records/{record.pk}/export/")
    check_page(page)
    page.get_by_role("button", name="Make a copy: full portfolio").click()
    expect(page.get_by_text("The export is ready to download.")).to_be_visible(timeout=60_000)
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    with open(download.value.path(), "rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))
    assert "Framework map" in text
    closing = text[text.rindex("Signatures") :]
    for document in ("Support and assessment agreement", "Final assessment"):
        assert document in closing, document
    assert record.nqsw.user.display_name in closing
    assert "Moderation outcome" in text
    assert "Passed, decided by" in text


def test_the_asye_year_across_roles(
    orgs: Orgs,
    nqsw: User,
    assessor: User,
    manager: User,
    psw: User,
    page: Page,
    browser: Browser,
    browser_context_args: Any,
    live_server: Any,
    celery_worker: Any,
) -> None:
    base = live_server.url
    record = given_a_year_nearly_done(orgs, nqsw, assessor, manager, psw)
    other, other_allocation = given_another_panel_with_its_own_portfolio(orgs, psw)
    external, panel = given_an_external_moderator_on_a_panel(orgs, psw)

    # The line manager records a supervision and signs the final review.
    staff = new_window(browser, browser_context_args, live_server, manager)
    when_the_manager_records_a_supervision(staff, base, record)
    assert SupervisionAttendance.objects.filter(record=record).count() == 1
    when_they_sign_the_review(staff, base, record, "line manager")

    # The assessor signs the review, writes the final report recommending a pass, and signs it.
    assessing = new_window(browser, browser_context_args, live_server, assessor)
    when_they_sign_the_review(assessing, base, record, "assessor")
    when_the_assessor_recommends_a_pass(assessing, base, record)
    final_services.final_sign(actor=manager, record=record, capacity="line_manager")

    # The NQSW signs the review and the final assessment, confirms anonymisation and submits.
    sign_in(page, live_server, nqsw)
    when_they_sign_the_review(page, base, record, "NQSW")
    submission_url = f"{base}/asye/records/{record.pk}/moderation/submission/"
    page.goto(submission_url)
    check_page(page)
    when_they_sign_the_final_assessment(page)
    when_they_confirm_anonymisation(page, submission_url)
    then_they_submit_once(page, submission_url, record)

    # The external moderator sees that portfolio only, and agrees.
    moderation.panel_allocate(actor=psw, panel=panel, record=AsyeRecord.objects.get(pk=record.pk))
    moderating = new_window(browser, browser_context_args, live_server, external)
    response = moderating.goto(f"{base}/asye/records/{other.pk}/")
    assert response is not None
    assert response.status == 404
    response = moderating.goto(f"{base}/asye/moderation/portfolios/{other_allocation.pk}/")
    assert response is not None
    assert response.status == 404
    moderating.goto(base + "/")
    when_the_moderator_checks_and_agrees(moderating, nqsw.display_name)
    allocation_url = moderating.url

    # The PSW confirms the pass: the year is completed and locked.
    employer = new_window(browser, browser_context_args, live_server, psw)
    when_the_psw_confirms_the_pass(employer, allocation_url)
    record.refresh_from_db()
    assert record.status == RecordStatus.COMPLETED

    then_every_edit_is_refused(page, base, record)
    then_the_pdf_downloads_with_the_map_and_signatures(page, base, record)
