"""Writes of moderation: panels, members, allocations, the checklist and decision per portfolio,
and the employer's final decision. Each checks who acts (the selectors' rules, again, so a
service is safe without its view), refuses records whose year has ended (`asye/lock.py`) and
audits in the same transaction."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Membership, Organisation, Team, User
from academy.roles import STAFF_ROLES, Role
from academy.selectors import organisation_scope_ids, roles_held_over
from asye.final.services import record_extend_on_referral
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord, RecordStatus

from .checklist import EXTERNAL_QUESTIONS, ITEMS
from .models import (
    Answer,
    FinalDecision,
    ModerationPanel,
    Outcome,
    PanelAllocation,
    PanelDecision,
    PanelMember,
    PanelStatus,
)

TEXT_LIMIT = 5000
MEMBER_ROLES = frozenset({Role.MODERATOR, *STAFF_ROLES})


def _require_staff_over(actor: User, organisation: Organisation, words: str) -> None:
    if not roles_held_over(user=actor, organisation=organisation) & STAFF_ROLES:
        raise PermissionDenied(words)


def _require_runner(actor: User, panel: ModerationPanel) -> None:
    _require_staff_over(actor, panel.organisation, "Only the staff who own the panel run it.")


def _require_open(panel: ModerationPanel) -> None:
    if panel.status != PanelStatus.OPEN:
        raise ValidationError("This panel has closed: it can no longer change.")


def _lock_panel(panel: ModerationPanel) -> ModerationPanel:
    return ModerationPanel.objects.select_for_update().get(pk=panel.pk)


def _text(value: str, field: str, *, required: bool = False, words: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: words or "Write a few words in this box."})
    if len(value) > TEXT_LIMIT:
        raise ValidationError({field: f"Keep this to {TEXT_LIMIT:,} characters or fewer."})
    return value


# --- Panels --------------------------------------------------------------------------------------


@transaction.atomic
def panel_create(
    *, actor: User, organisation: Organisation, title: str, held_on: datetime.date
) -> ModerationPanel:
    """A new open panel owned by `organisation` (a council or the partnership)."""
    _require_staff_over(
        actor, organisation, "Only the principal social worker or academy staff set up panels."
    )
    panel = ModerationPanel(
        organisation=organisation,
        title=_text(title, "title", required=True, words="Enter a name for the panel."),
        held_on=held_on,
        created_by=actor,
    )
    panel.full_clean()
    panel.save()
    audit_log(
        actor=actor,
        verb="moderation_panel.create",
        obj=panel,
        organisation=organisation,
        after={"title": panel.title, "held_on": held_on.isoformat()},
    )
    return panel


@transaction.atomic
def panel_close(*, actor: User, panel: ModerationPanel) -> ModerationPanel:
    """Close the panel: its members no longer see it or its portfolios."""
    _require_runner(actor, panel)
    locked = _lock_panel(panel)
    _require_open(locked)
    locked.status = PanelStatus.CLOSED
    locked.closed_by = actor
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_by", "closed_at", "updated_at"])
    audit_log(
        actor=actor,
        verb="moderation_panel.close",
        obj=locked,
        organisation=locked.organisation,
        before={"status": PanelStatus.OPEN},
        after={"status": PanelStatus.CLOSED},
    )
    return locked


def _is_current(membership: Membership) -> bool:
    today = timezone.localdate()
    return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)


@transaction.atomic
def panel_member_add(*, actor: User, panel: ModerationPanel, membership: Membership) -> PanelMember:
    """Seat someone on the panel: a moderator, PSW or academy admin from inside the owner's
    reach, or a moderator from another organisation (an external moderator)."""
    _require_runner(actor, panel)
    locked = _lock_panel(panel)
    _require_open(locked)
    if membership.role not in MEMBER_ROLES or not _is_current(membership):
        raise ValidationError(
            {"member": "Choose someone who is currently a moderator, PSW or academy admin."}
        )
    inside = organisation_scope_ids(organisation=panel.organisation) | (
        {panel.organisation.parent_id} if panel.organisation.parent_id else set()
    )
    external = membership.organisation_id not in inside
    if external and membership.role != Role.MODERATOR:
        raise ValidationError({"member": "Someone from another organisation sits on a panel as a moderator."})
    if PanelMember.objects.filter(panel=locked, membership__user_id=membership.user_id).exists():
        raise ValidationError({"member": "This person is already on the panel."})
    member = PanelMember(panel=locked, membership=membership, added_by=actor)
    member.full_clean()
    member.save()
    audit_log(
        actor=actor,
        verb="moderation_panel.member_add",
        obj=locked,
        organisation=locked.organisation,
        after={"membership": str(membership.pk), "external": external},
    )
    return member


@transaction.atomic
def panel_member_remove(*, actor: User, member: PanelMember) -> None:
    panel = member.panel
    _require_runner(actor, panel)
    _require_open(_lock_panel(panel))
    audit_log(
        actor=actor,
        verb="moderation_panel.member_remove",
        obj=panel,
        organisation=panel.organisation,
        before={"membership": str(member.membership_id)},
    )
    member.delete()


@transaction.atomic
def panel_allocate(*, actor: User, panel: ModerationPanel, record: AsyeRecord) -> PanelAllocation:
    """Put a portfolio submitted to moderation before the panel (once: a portfolio waits for one
    panel at a time)."""
    _require_runner(actor, panel)
    _require_staff_over(actor, record.organisation, "Only staff over the NQSW's organisation allocate it.")
    locked = _lock_panel(panel)
    _require_open(locked)
    current = AsyeRecord.objects.select_for_update().get(pk=record.pk)
    if current.status != RecordStatus.SUBMITTED:
        raise ValidationError({"record": "Only a portfolio submitted to moderation can go before a panel."})
    if current.organisation_id not in organisation_scope_ids(organisation=panel.organisation):
        raise ValidationError({"record": f"This portfolio is outside {panel.organisation.name}."})
    if PanelAllocation.objects.filter(record=current, decision="").exists():
        raise ValidationError({"record": "This portfolio is already waiting for a panel."})
    allocation = PanelAllocation(panel=locked, record=current, allocated_by=actor)
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError as error:
        raise ValidationError({"record": "This portfolio is already waiting for a panel."}) from error
    audit_log(
        actor=actor,
        verb="moderation.allocate",
        obj=current,
        organisation=current.organisation,
        after={"panel": str(locked.pk)},
    )
    return allocation


# --- The checklist and the panel's decision ----------------------------------------------------------


def _require_member(actor: User, allocation: PanelAllocation) -> None:
    from .selectors import sits_on

    if not sits_on(user=actor, panel=allocation.panel):
        raise PermissionDenied("Only the panel's members complete the checklist and decide.")


def _lock_allocation(allocation: PanelAllocation) -> PanelAllocation:
    locked = PanelAllocation.objects.select_for_update().get(pk=allocation.pk)
    if locked.decision:
        raise ValidationError("The panel has decided on this portfolio: it can no longer change.")
    return locked


def _clean_answers(
    answers: Mapping[str, Mapping[str, Any]], questions: tuple[tuple[str, str], ...]
) -> dict[str, dict[str, str]]:
    cleaned = {}
    for key, _label in questions:
        given = answers.get(key) or {}
        answer = given.get("answer", "")
        if answer not in Answer.values:
            raise ValidationError({f"{key}_answer": "Answer yes or no."})
        cleaned[key] = {"answer": answer, "comment": _text(str(given.get("comment", "")), f"{key}_comment")}
    return cleaned


@transaction.atomic
def allocation_checklist_save(
    *,
    actor: User,
    allocation: PanelAllocation,
    checklist: Mapping[str, Mapping[str, Any]],
    external: Mapping[str, Mapping[str, Any]] | None = None,
    shortcomings: str = "",
) -> PanelAllocation:
    """The moderator's answers to each checklist item (confirming or correcting the pre-filled
    answer, with comments) and, for adult services, the external moderation questions."""
    _require_member(actor, allocation)
    ensure_record_writable(allocation.record, allow_submitted=True)
    _require_open(allocation.panel)
    locked = _lock_allocation(allocation)
    before = {"checklist": locked.checklist, "external": locked.external, "shortcomings": locked.shortcomings}
    locked.checklist = _clean_answers(checklist, ITEMS)
    locked.external = (
        _clean_answers(external or {}, EXTERNAL_QUESTIONS)
        if allocation.record.service_area == Team.ServiceArea.ADULTS
        else {}
    )
    locked.shortcomings = _text(shortcomings, "shortcomings")
    locked.checked_by = actor
    locked.checked_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_log(
        actor=actor,
        verb="moderation.checklist",
        obj=locked.record,
        organisation=locked.record.organisation,
        before=before,
        after={
            "checklist": locked.checklist,
            "external": locked.external,
            "shortcomings": locked.shortcomings,
        },
    )
    return locked


@transaction.atomic
def allocation_decide(
    *,
    actor: User,
    allocation: PanelAllocation,
    decision: str,
    reasons: str = "",
    new_end_date: datetime.date | None = None,
) -> PanelAllocation:
    """The panel agrees with the assessor's recommendation, or refers the portfolio back with
    reasons and a new end date: the record then returns to the NQSW (extended, or active when
    the date is not later than its planned end) and its portfolio can change again."""
    _require_member(actor, allocation)
    ensure_record_writable(allocation.record, allow_submitted=True)
    _require_open(allocation.panel)
    locked = _lock_allocation(allocation)
    if not locked.checklist:
        raise ValidationError("Complete the checklist before the panel decides.")
    if decision not in PanelDecision.values:
        raise ValidationError({"decision": "Choose whether the panel agrees or refers the portfolio back."})
    record = AsyeRecord.objects.select_for_update().get(pk=locked.record_id)
    if record.status != RecordStatus.SUBMITTED:
        raise ValidationError("This portfolio is no longer with moderation.")
    before = {"status": record.status}
    if decision == PanelDecision.REFER_BACK:
        reasons = _text(reasons, "reasons", required=True, words="Say why the portfolio is referred back.")
        if new_end_date is None or new_end_date <= timezone.localdate():
            raise ValidationError({"new_end_date": "Enter a new end date after today."})
        # Back to the NQSW; a date after the planned end extends the year (every later date moves).
        record.status = RecordStatus.ACTIVE
        record.save(update_fields=["status", "updated_at"])
        record_extend_on_referral(
            actor=actor,
            record=record,
            new_end_on=new_end_date,
            reason=f"Referred back by the moderation panel ({allocation.panel.title}): {reasons}",
        )
    else:
        reasons = _text(reasons, "reasons")
        new_end_date = None
    locked.decision = decision
    locked.reasons = reasons
    locked.new_end_date = new_end_date
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.full_clean()
    locked.save()
    audit_log(
        actor=actor,
        verb="moderation.decide",
        obj=record,
        organisation=record.organisation,
        before=before,
        after={
            "decision": decision,
            "reasons": reasons,
            "new_end_date": new_end_date.isoformat() if new_end_date else None,
            "status": record.status,
        },
    )
    allocation.record.status = record.status
    return locked


# --- The employer's final decision ----------------------------------------------------------------


@transaction.atomic
def record_final_decide(
    *, actor: User, allocation: PanelAllocation, outcome: str, reasons: str = ""
) -> FinalDecision:
    """The employer's decision once the panel agreed: pass completes the year, fail ends it as
    not passed. Either way the record and everything in it are locked from now on."""
    record = allocation.record
    _require_staff_over(
        actor, record.organisation, "Only the employer's principal social worker or academy staff decide."
    )
    ensure_record_writable(record, allow_submitted=True)
    locked_record = AsyeRecord.objects.select_for_update().get(pk=record.pk)
    if allocation.decision != PanelDecision.AGREE or locked_record.status != RecordStatus.SUBMITTED:
        raise ValidationError("The employer decides only after the moderation panel has agreed.")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose passed or not passed."})
    decision = FinalDecision(
        record=locked_record,
        allocation=allocation,
        outcome=outcome,
        reasons=_text(
            reasons, "reasons", required=outcome == Outcome.FAIL, words="Say why the year is not passed."
        ),
        decided_by=actor,
        decided_on=timezone.localdate(),
    )
    decision.full_clean()
    decision.save()
    before = {"status": locked_record.status}
    locked_record.status = RecordStatus.COMPLETED if outcome == Outcome.PASS else RecordStatus.FAILED
    locked_record.save(update_fields=["status", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_record.final_decision",
        obj=locked_record,
        organisation=locked_record.organisation,
        before=before,
        after={"status": locked_record.status, "outcome": outcome, "reasons": decision.reasons},
    )
    record.status = locked_record.status
    return decision
