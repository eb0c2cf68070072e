"""Moderation: panels and their members (external moderators included), allocation of submitted
portfolios, who reads what and for how long, the checklist, the panel's decision, the employer's
final decision that locks the record, and the certificate."""

import datetime
import io
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from academy.models import AuditEntry, Membership, Organisation, User
from academy.roles import Role
from academy.scope import Scope
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from academy.tests.factories import MembershipFactory, UserFactory
from asye.models import AsyeRecord, RecordExtension, RecordStatus
from asye.moderation import services
from asye.moderation.checklist import EXTERNAL_QUESTIONS, ITEMS
from asye.moderation.models import (
    FinalDecision,
    ModerationPanel,
    Outcome,
    PanelAllocation,
    PanelDecision,
    PanelStatus,
)
from asye.moderation.selectors import panels_visible_to, records_awaiting_panel
from asye.selectors import record_schedule
from asye.tests.factories import AsyeRecordFactory, member, membership_of
from conftest import Orgs, seed_totp

pytestmark = pytest.mark.django_db


def scope_for(user: User, organisation: Organisation) -> Scope:
    roles = Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True)
    return Scope.of(user, organisation, roles)


def moderator_in(organisation: Organisation, name: str = "") -> Membership:
    user = UserFactory(full_name=name or "Quentin Ashworth-Vale")
    seed_totp(user)
    return MembershipFactory(user=user, organisation=organisation, role=Role.MODERATOR)


def submitted(organisation: Organisation, name: str = "") -> AsyeRecord:
    return AsyeRecordFactory(
        organisation=organisation, status=RecordStatus.SUBMITTED, **({"nqsw_name": name} if name else {})
    )


def answers(questions: tuple[tuple[str, str], ...], answer: str = "yes") -> dict[str, dict[str, str]]:
    return {key: {"answer": answer, "comment": ""} for key, _ in questions}


@pytest.fixture
def external(orgs: Orgs) -> Membership:
    """A moderator of an unrelated council, sitting on the home council's panel."""
    return moderator_in(orgs.other, "Esther Blackwood-Rae")


@pytest.fixture
def panel(orgs: Orgs, psw: User, moderator: User, external: Membership) -> ModerationPanel:
    found = services.panel_create(
        actor=psw, organisation=orgs.home, title="Spring panel", held_on=timezone.localdate()
    )
    services.panel_member_add(
        actor=psw, panel=found, membership=membership_of(moderator, orgs.partnership, Role.MODERATOR)
    )
    services.panel_member_add(actor=psw, panel=found, membership=external)
    return found


@pytest.fixture
def allocation(panel: ModerationPanel, psw: User, orgs: Orgs, programme_types: None) -> PanelAllocation:
    return services.panel_allocate(actor=psw, panel=panel, record=submitted(orgs.home, "Winifred Osei-Lamb"))


# --- Services ----------------------------------------------------------------------------------------


def test_panel_members_inside_and_outside(panel: ModerationPanel, psw: User, orgs: Orgs) -> None:
    assert panel.members.count() == 2
    # Someone of another organisation sits only as a moderator.
    outside_psw = MembershipFactory(organisation=orgs.other, role=Role.PSW)
    with pytest.raises(ValidationError, match="as a moderator"):
        services.panel_member_add(actor=psw, panel=panel, membership=outside_psw)
    # A role that does not moderate is refused; so is sitting twice.
    with pytest.raises(ValidationError):
        services.panel_member_add(actor=psw, panel=panel, membership=member(orgs.home, Role.ASSESSOR))
    with pytest.raises(ValidationError, match="already"):
        services.panel_member_add(
            actor=psw,
            panel=panel,
            membership=panel.members.get(membership__organisation=orgs.other).membership,
        )


def test_only_the_owners_staff_run_a_panel(
    panel: ModerationPanel, sibling_psw: User, moderator: User, orgs: Orgs
) -> None:
    for actor in (sibling_psw, moderator):
        with pytest.raises(PermissionDenied):
            services.panel_close(actor=actor, panel=panel)
        with pytest.raises(PermissionDenied):
            services.panel_create(
                actor=actor, organisation=orgs.home, title="x", held_on=timezone.localdate()
            )


def test_only_submitted_portfolios_are_allocated_once(
    panel: ModerationPanel, psw: User, orgs: Orgs, programme_types: None
) -> None:
    active = AsyeRecordFactory(organisation=orgs.home)
    with pytest.raises(ValidationError, match="submitted"):
        services.panel_allocate(actor=psw, panel=panel, record=active)
    record = submitted(orgs.home)
    services.panel_allocate(actor=psw, panel=panel, record=record)
    with pytest.raises(ValidationError, match="already waiting"):
        services.panel_allocate(actor=psw, panel=panel, record=record)
    # A sibling council's portfolio is outside a council's panel.
    with pytest.raises((ValidationError, PermissionDenied)):
        services.panel_allocate(actor=psw, panel=panel, record=submitted(orgs.sibling))


def test_waiting_portfolios_are_the_owners_submitted_ones(
    panel: ModerationPanel, psw: User, orgs: Orgs, programme_types: None
) -> None:
    mine = submitted(orgs.home)
    AsyeRecordFactory(organisation=orgs.home)  # not submitted
    submitted(orgs.sibling)
    waiting = records_awaiting_panel(scope=scope_for(psw, orgs.home), panel=panel)
    assert list(waiting) == [mine]


def _check_and_agree(allocation: PanelAllocation, by: User) -> PanelAllocation:
    allocation = services.allocation_checklist_save(
        actor=by,
        allocation=allocation,
        checklist=answers(ITEMS),
        external=answers(EXTERNAL_QUESTIONS),
        shortcomings="",
    )
    return services.allocation_decide(actor=by, allocation=allocation, decision=PanelDecision.AGREE)


def test_the_year_ends_with_the_panel_and_the_employer(
    allocation: PanelAllocation, external: Membership, psw: User
) -> None:
    with pytest.raises(ValidationError, match="checklist"):
        services.allocation_decide(actor=external.user, allocation=allocation, decision=PanelDecision.AGREE)
    with pytest.raises(ValidationError, match="after the moderation panel"):
        services.record_final_decide(actor=psw, allocation=allocation, outcome=Outcome.PASS)
    with pytest.raises(PermissionDenied):  # a PSW not on the panel does not moderate
        services.allocation_checklist_save(actor=psw, allocation=allocation, checklist=answers(ITEMS))
    agreed = _check_and_agree(allocation, external.user)
    with pytest.raises(ValidationError, match="decided"):
        _check_and_agree(agreed, external.user)
    with pytest.raises(PermissionDenied):  # the moderator does not decide for the employer
        services.record_final_decide(actor=external.user, allocation=agreed, outcome=Outcome.PASS)
    decision = services.record_final_decide(actor=psw, allocation=agreed, outcome=Outcome.PASS)
    record = AsyeRecord.objects.get(pk=allocation.record_id)
    assert record.status == RecordStatus.COMPLETED
    assert record.is_locked
    assert decision.decided_by == psw
    with pytest.raises(ValidationError):
        services.record_final_decide(actor=psw, allocation=agreed, outcome=Outcome.FAIL)
    verbs = set(AuditEntry.objects.filter(object_id=str(record.pk)).values_list("verb", flat=True))
    assert {
        "moderation.allocate",
        "moderation.checklist",
        "moderation.decide",
        "asye_record.final_decision",
    } <= verbs


def test_a_fail_needs_reasons_and_ends_as_not_passed(
    allocation: PanelAllocation, external: Membership, psw: User
) -> None:
    agreed = _check_and_agree(allocation, external.user)
    with pytest.raises(ValidationError):
        services.record_final_decide(actor=psw, allocation=agreed, outcome=Outcome.FAIL)
    services.record_final_decide(actor=psw, allocation=agreed, outcome=Outcome.FAIL, reasons="Not shown")
    assert AsyeRecord.objects.get(pk=allocation.record_id).status == RecordStatus.FAILED
    assert FinalDecision.objects.get(record_id=allocation.record_id).outcome == Outcome.FAIL


def test_refer_back_returns_the_record_with_a_new_date(
    allocation: PanelAllocation, external: Membership
) -> None:
    services.allocation_checklist_save(
        actor=external.user,
        allocation=allocation,
        checklist=answers(ITEMS, "no"),
        external=answers(EXTERNAL_QUESTIONS, "no"),
        shortcomings="Thin evidence of work with carers.",
    )
    with pytest.raises(ValidationError, match="why"):
        services.allocation_decide(
            actor=external.user, allocation=allocation, decision=PanelDecision.REFER_BACK, new_end_date=None
        )
    with pytest.raises(ValidationError, match="after today"):
        services.allocation_decide(
            actor=external.user,
            allocation=allocation,
            decision=PanelDecision.REFER_BACK,
            reasons="More evidence of carers' views",
            new_end_date=timezone.localdate(),
        )
    far = timezone.localdate() + datetime.timedelta(days=800)
    decided = services.allocation_decide(
        actor=external.user,
        allocation=allocation,
        decision=PanelDecision.REFER_BACK,
        reasons="More evidence of carers' views",
        new_end_date=far,
    )
    record = AsyeRecord.objects.get(pk=allocation.record_id)
    assert record.status == RecordStatus.EXTENDED
    assert decided.new_end_date == far
    entry = AuditEntry.objects.get(verb="moderation.decide", object_id=str(record.pk))
    assert entry.after["status"] == RecordStatus.EXTENDED
    assert entry.before["status"] == RecordStatus.SUBMITTED
    # The year is extended to the new date: the planned end moves, granted by the panel member.
    extension = RecordExtension.objects.get(record=record)
    assert (extension.new_end_on, extension.granted_by) == (far, external.user)
    assert record_schedule(record).planned_end == far


def test_a_closed_panel_takes_no_more_changes(
    allocation: PanelAllocation, external: Membership, psw: User
) -> None:
    services.panel_close(actor=psw, panel=allocation.panel)
    allocation.panel.refresh_from_db()
    with pytest.raises(PermissionDenied):  # nobody sits on a closed panel
        services.allocation_checklist_save(
            actor=external.user, allocation=allocation, checklist=answers(ITEMS)
        )
    with pytest.raises(ValidationError, match="closed"):
        services.panel_close(actor=psw, panel=allocation.panel)


# --- Who sees what ------------------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


PORTFOLIO_PAGES = [
    "asye:record",
    "asye:year",
    "asye:evidence_list",
    "asye:framework_map",
    "asye:agreement",
    "asye:plans",
    "asye:supervisions",
    "asye:workload",
    "asye:reviews",
]


def test_an_external_moderator_reads_the_allocated_portfolio_only_while_the_panel_sits(
    allocation: PanelAllocation, external: Membership, psw: User, orgs: Orgs
) -> None:
    client = _signed_in(external.user)
    record = allocation.record
    for name in PORTFOLIO_PAGES:
        assert client.get(reverse(name, args=[record.pk])).status_code == 200, name
    # Read-only: changing the record is refused.
    assert client.get(reverse("asye:record_assessor", args=[record.pk])).status_code == 403
    assert client.get(reverse("asye:evidence_add", args=[record.pk])).status_code == 403
    # Nothing else: another submitted portfolio of the same council is not theirs.
    other = submitted(orgs.home)
    assert client.get(reverse("asye:record", args=[other.pk])).status_code == 404
    # Once the panel closes, the portfolio and the panel are gone for them.
    services.panel_close(actor=psw, panel=allocation.panel)
    for name in PORTFOLIO_PAGES:
        assert client.get(reverse(name, args=[record.pk])).status_code == 404, name
    assert client.get(reverse("asye:moderation_panel", args=[allocation.panel_id])).status_code == 404
    assert client.get(reverse("asye:moderation_allocation", args=[allocation.pk])).status_code == 404


def test_a_moderators_back_link_from_the_record_leads_to_their_panel(
    allocation: PanelAllocation, external: Membership
) -> None:
    page = _signed_in(external.user).get(reverse("asye:record", args=[allocation.record_id]))
    panel_url = reverse("asye:moderation_panel", args=[allocation.panel_id])
    assert re.search(
        rf'class="govuk-back-link"[^>]*href="{panel_url}"|href="{panel_url}"[^>]*class="govuk-back-link"',
        page.content.decode(),
    )


def test_supervision_notes_stay_with_the_nqsw_assessor_and_manager(
    allocation: PanelAllocation, external: Membership
) -> None:
    from asye.tests.supervision_support import supervision_on

    record = allocation.record
    session = supervision_on(
        record, timezone.localdate() - datetime.timedelta(days=5), discussion="Private words"
    )
    client = _signed_in(external.user)
    page = client.get(reverse("asye:supervisions", args=[record.pk]))
    assert page.status_code == 200
    assert "Private words" not in page.content.decode()
    detail = client.get(reverse("asye:supervision", args=[record.pk, session.pk]))
    assert detail.status_code in (200, 403, 404)
    assert "Private words" not in detail.content.decode()


def test_a_moderator_of_another_panel_and_a_sibling_psw_find_nothing(
    allocation: PanelAllocation, orgs: Orgs, psw: User, sibling_psw: User
) -> None:
    other_panel = services.panel_create(
        actor=psw, organisation=orgs.home, title="Other panel", held_on=timezone.localdate()
    )
    stranger = moderator_in(orgs.other, "Tobias Fairweather-Quinn")
    services.panel_member_add(actor=psw, panel=other_panel, membership=stranger)
    for user in (stranger.user, sibling_psw):
        client = _signed_in(user)
        assert client.get(reverse("asye:record", args=[allocation.record_id])).status_code == 404
        assert client.get(reverse("asye:moderation_allocation", args=[allocation.pk])).status_code == 404
        assert client.get(reverse("asye:moderation_panel", args=[allocation.panel_id])).status_code == 404


def test_panel_list_isolation(client: Client, orgs: Orgs, psw: User) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda organisation, marker: ModerationPanel.objects.create(
            organisation=organisation, title=marker, held_on=timezone.localdate(), created_by=psw
        ),
        hidden={UNRELATED: orgs.other, SIBLING: orgs.sibling},
        shown={"own council": orgs.home},
    )
    check.list_page(reverse("asye:moderation_panels"), planted)
    check.object_pages(lambda p: reverse("asye:moderation_panel", args=[p.pk]), planted)
    check.object_pages(lambda p: reverse("asye:moderation_allocate", args=[p.pk]), planted)


def test_a_moderators_panel_list_shows_only_their_open_panels(
    client: Client, orgs: Orgs, psw: User, external: Membership, panel: ModerationPanel
) -> None:
    check = IsolationCheck(client, viewer=external.user)

    def seated(marker: str, *, status: str = PanelStatus.OPEN, seat: bool = True) -> ModerationPanel:
        found = ModerationPanel.objects.create(
            organisation=orgs.home, title=marker, held_on=timezone.localdate(), created_by=psw, status=status
        )
        if seat:
            found.members.create(membership=external, added_by=psw)
        return found

    planted = check.plant(
        lambda organisation, marker: seated(marker),
        hidden={
            "a panel they do not sit on": lambda marker: seated(marker, seat=False),
            "a closed panel they sat on": lambda marker: seated(marker, status=PanelStatus.CLOSED),
        },
        shown={"their open panel": lambda marker: seated(marker)},
    )
    check.list_page(reverse("asye:moderation_panels"), planted)
    check.object_pages(lambda p: reverse("asye:moderation_panel", args=[p.pk]), planted)


def test_panels_visible_to_counts(
    panel: ModerationPanel, allocation: PanelAllocation, psw: User, orgs: Orgs
) -> None:
    found = panels_visible_to(scope=scope_for(psw, orgs.home)).get(pk=panel.pk)
    assert (found.member_count, found.allocation_count) == (2, 1)  # type: ignore[attr-defined]


# --- The pages ------------------------------------------------------------------------------------------


def test_the_checklist_page_prefills_then_saves(allocation: PanelAllocation, external: Membership) -> None:
    client = _signed_in(external.user)
    url = reverse("asye:moderation_allocation", args=[allocation.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "From the portfolio: No agreement has been started." in html
    assert "External moderation" in html or "in line with the criteria" in html
    invalid = client.post(url, {})
    assert invalid.status_code == 200
    assert invalid.content.decode().count("Error: ") >= 1
    data: dict[str, str] = {}
    for key, _ in (*ITEMS, *EXTERNAL_QUESTIONS):
        data[f"{key}_answer"] = "yes"
        data[f"{key}_comment"] = ""
    data["agreement_signed_comment"] = "Signed on paper; scanned copy in evidence."
    response = client.post(url, data)
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.checklist["agreement_signed"] == {
        "answer": "yes",
        "comment": "Signed on paper; scanned copy in evidence.",
    }
    again = client.get(url).content.decode()
    assert "Corrected" in again  # the moderator overrode the pre-filled "no"
    decide = client.post(reverse("asye:moderation_decide", args=[allocation.pk]), {"decision": "agree"})
    assert decide.status_code == 302
    assert PanelAllocation.objects.get(pk=allocation.pk).decision == PanelDecision.AGREE


def test_the_employer_decides_on_the_page_and_everything_locks(
    allocation: PanelAllocation, external: Membership, psw: User, nqsw: User, orgs: Orgs
) -> None:
    _check_and_agree(allocation, external.user)
    client = _signed_in(psw)
    page = client.get(reverse("asye:moderation_allocation", args=[allocation.pk])).content.decode()
    assert reverse("asye:moderation_final", args=[allocation.pk]) in page
    response = client.post(reverse("asye:moderation_final", args=[allocation.pk]), {"outcome": "pass"})
    assert response.status_code == 302
    record = AsyeRecord.objects.get(pk=allocation.record_id)
    assert record.status == RecordStatus.COMPLETED
    # The record page no longer offers a change, and says it is locked.
    record_page = client.get(reverse("asye:record", args=[record.pk])).content.decode()
    assert reverse("asye:record_assessor", args=[record.pk]) not in record_page
    assert "locked" in record_page
    assert reverse("asye:moderation_certificate", args=[record.pk]) in record_page
    # The certificate, for staff and for the NQSW.
    certificate = client.get(reverse("asye:moderation_certificate", args=[record.pk]))
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate.content)).pages)
    assert "Certificate of completion" in text
    assert "Winifred Osei-Lamb" in text
    owner = record.nqsw.user
    seed_totp(owner)
    assert _signed_in(owner).get(reverse("asye:moderation_certificate", args=[record.pk])).status_code == 200


def test_no_certificate_before_the_year_is_completed(allocation: PanelAllocation, psw: User) -> None:
    client = _signed_in(psw)
    assert client.get(reverse("asye:moderation_certificate", args=[allocation.record_id])).status_code == 404


def test_the_panel_list_costs_the_same_whatever_its_length(
    client: Client, psw: User, orgs: Orgs, django_assert_num_queries: Any
) -> None:
    for n in range(3):
        ModerationPanel.objects.create(
            organisation=orgs.home, title=f"Panel {n}", held_on=timezone.localdate(), created_by=psw
        )
    client.force_login(psw)
    client.get(reverse("asye:moderation_panels"))  # warm the navigation caches
    # The user (session), their memberships (organisation middleware), the MFA check, the panel
    # count for the paginator, the page of panels with their member and portfolio counts.
    with django_assert_num_queries(QUERIES_PANEL_LIST):
        response = client.get(reverse("asye:moderation_panels"))
    assert response.status_code == 200
    for n in range(3, 6):
        ModerationPanel.objects.create(
            organisation=orgs.home, title=f"Panel {n}", held_on=timezone.localdate(), created_by=psw
        )
    with django_assert_num_queries(QUERIES_PANEL_LIST):
        client.get(reverse("asye:moderation_panels"))


QUERIES_PANEL_LIST = 5


def test_the_panel_page_costs_the_same_whatever_its_length(
    client: Client,
    psw: User,
    orgs: Orgs,
    panel: ModerationPanel,
    programme_types: None,
    django_assert_num_queries: Any,
) -> None:
    for _ in range(3):
        services.panel_allocate(actor=psw, panel=panel, record=submitted(orgs.home))
    services.panel_member_add(actor=psw, panel=panel, membership=moderator_in(orgs.home, "Third Member"))
    client.force_login(psw)
    url = reverse("asye:moderation_panel", args=[panel.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_PANEL_PAGE):
        assert client.get(url).status_code == 200
    for _ in range(3):
        services.panel_allocate(actor=psw, panel=panel, record=submitted(orgs.home))
    services.panel_member_add(actor=psw, panel=panel, membership=moderator_in(orgs.home, "Fourth Member"))
    with django_assert_num_queries(QUERIES_PANEL_PAGE):
        client.get(url)


# The user, memberships, MFA check; the panel with its counts, its members with their people and
# organisations, its portfolios with records, NQSWs and decisions, those records' pauses.
QUERIES_PANEL_PAGE = 7


@pytest.mark.parametrize("status", [RecordStatus.SUBMITTED, RecordStatus.COMPLETED])
def test_pages_offer_no_change_on_a_frozen_record(
    client: Client, record: AsyeRecord, nqsw: User, status: str
) -> None:
    """The views hand the templates flags that hide every edit while the record is with the
    panel or locked (the services refuse too: test_moderation_lock.py)."""
    client.force_login(nqsw)
    add = reverse("asye:evidence_add", args=[record.pk])
    protected = reverse("asye:protected_time_add", args=[record.pk])
    reflection = reverse("asye:review_reflection", args=[record.pk, "foundational"])
    assert add in client.get(reverse("asye:evidence_list", args=[record.pk])).content.decode()
    assert protected in client.get(reverse("asye:workload", args=[record.pk])).content.decode()
    assert reflection in client.get(reverse("asye:review", args=[record.pk, "foundational"])).content.decode()
    AsyeRecord.objects.filter(pk=record.pk).update(status=status)
    assert add not in client.get(reverse("asye:evidence_list", args=[record.pk])).content.decode()
    assert protected not in client.get(reverse("asye:workload", args=[record.pk])).content.decode()
    assert (
        reflection
        not in client.get(reverse("asye:review", args=[record.pk, "foundational"])).content.decode()
    )
    assert "locked" in client.get(reverse("asye:record", args=[record.pk])).content.decode()
