"""Writes to agreements and development plans. Each checks who may act (from the record's
memberships, not from the page that called it), validates, saves and audits in one transaction.

Versioning of the agreement (decided): a version nobody has signed is edited in place. Once
anyone has signed a version it is frozen — a signature vouches for the words on the page — so an
edit then makes the next version, a copy with the changes, which needs every signature again;
signatures on the older version stay where they are and do not count for the new one. Saving
unchanged answers (a double submit, a form sent twice) changes nothing. A form opened before
someone else's edit is refused rather than overwriting it (`revision`).
"""

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import User
from academy.roles import STAFF_ROLES
from academy.selectors import roles_held_over
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord, RecordStatus
from asye.signatures import CAPACITY_WORDS, holds, signer_membership

from . import rules, selectors
from .models import Agreement, AgreementSignature, DevelopmentPlan, PlanRow, SignatureCapacity

CLOSED_STATUSES = (RecordStatus.COMPLETED, RecordStatus.WITHDRAWN)


def _is_staff(actor: User, record: AsyeRecord) -> bool:
    return bool(roles_held_over(user=actor, organisation=record.organisation) & STAFF_ROLES)


def _require_open(record: AsyeRecord) -> None:
    ensure_record_writable(record)  # the year's end and moderation (asye/lock.py)
    if record.status in CLOSED_STATUSES:
        raise ValidationError(
            f"This ASYE record is {record.get_status_display().lower()}: it can no longer change."
        )


def _lock(record: AsyeRecord) -> None:
    """Serialise writes to one record's agreement and plans (a double submit waits here)."""
    AsyeRecord.objects.select_for_update().filter(pk=record.pk).first()


# --- The agreement ----------------------------------------------------------------------------


def _require_agreement_writer(actor: User, record: AsyeRecord) -> None:
    if not (holds(record.assessor, actor) or _is_staff(actor, record)):
        raise PermissionDenied("Only the assessor or the ASYE lead can change the agreement.")


def _changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = sorted(k for k in set(before) | set(after) if before.get(k, "") != after.get(k, ""))
    return {k: before.get(k, "") for k in keys}, {k: after.get(k, "") for k in keys}


def _version_create(
    *, actor: User, record: AsyeRecord, number: int, answers: dict[str, Any], form: dict[str, Any]
) -> Agreement:
    """A new version of the record's agreement, validated and saved (the caller audits it)."""
    agreement = Agreement(
        record=record, number=number, answers=answers, form=form, created_by=actor, updated_by=actor
    )
    agreement.full_clean()
    agreement.save()
    return agreement


@transaction.atomic
def agreement_start(*, actor: User, record: AsyeRecord, answers: dict[str, Any] | None = None) -> Agreement:
    """Version 1 of the record's agreement: the standard parts pre-filled, then `answers` over them."""
    _require_agreement_writer(actor, record)
    _require_open(record)
    _lock(record)
    if Agreement.objects.filter(record=record).exists():
        raise ValidationError("The agreement was started meanwhile. Open it again to see the latest version.")
    definition = rules.agreement_form(record.programme_version.forms)
    merged = {**selectors.agreement_initial_answers(record=record), **(answers or {})}
    agreement = _version_create(
        actor=actor, record=record, number=1, answers=rules.clean_answers(definition, merged), form=definition
    )
    audit_log(
        actor=actor,
        verb="asye_agreement.start",
        obj=agreement,
        organisation=record.organisation,
        after={"record": str(record.pk), "number": 1, "answers": agreement.answers},
    )
    return agreement


@transaction.atomic
def agreement_update(
    *, actor: User, agreement: Agreement, answers: dict[str, Any], revision: int
) -> Agreement:
    """Save changed answers. Returns the version now holding them: `agreement` itself when nobody
    had signed it, else the new version made from it. `revision` is the one the form showed."""
    record = agreement.record
    _require_agreement_writer(actor, record)
    _require_open(record)
    _lock(record)
    latest = Agreement.objects.filter(record=record).order_by("-number").first() or agreement
    cleaned = rules.clean_answers(latest.form, {**latest.answers, **answers})
    if cleaned == latest.answers:
        return latest  # nothing changed: a second submit of the same form, or no edit at all
    if latest.pk != agreement.pk or latest.revision != revision:
        raise ValidationError(
            "Someone changed the agreement after you opened it. Your changes were not saved: "
            "open it again to see theirs."
        )
    before, after = _changed(latest.answers, cleaned)
    if latest.signatures.exists():
        new = _version_create(
            actor=actor, record=record, number=latest.number + 1, answers=cleaned, form=latest.form
        )
        audit_log(
            actor=actor,
            verb="asye_agreement.new_version",
            obj=new,
            organisation=record.organisation,
            before={"number": latest.number, **before},
            after={"number": new.number, **after},
        )
        return new
    latest.answers = cleaned
    latest.revision += 1
    latest.updated_by = actor
    latest.full_clean()
    latest.save(update_fields=["answers", "revision", "updated_by", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_agreement.update",
        obj=latest,
        organisation=record.organisation,
        before=before,
        after=after,
    )
    return latest


def sign_statement(agreement: Agreement, capacity: str) -> str:
    """The words a person confirms when they sign (kept on their signature)."""
    return (
        f"I confirm I have read version {agreement.number} of this support and assessment agreement "
        f"and agree to it as the {CAPACITY_WORDS[SignatureCapacity(capacity)]}."
    )


@transaction.atomic
def agreement_sign(*, actor: User, agreement: Agreement, capacity: str) -> AgreementSignature:
    """Sign the newest version in `capacity`, which must be the actor's own on the record. Signing
    twice in the same capacity returns the first signature; someone else's place is refused."""
    record = agreement.record
    membership = signer_membership(actor, record, capacity, SignatureCapacity)
    _require_open(record)
    _lock(record)
    latest = Agreement.objects.filter(record=record).order_by("-number").first()
    if latest is None or latest.pk != agreement.pk:
        raise ValidationError("A newer version of the agreement exists. Read it before you sign.")
    existing = AgreementSignature.objects.filter(agreement=agreement, capacity=capacity).first()
    if existing is not None:
        if existing.user_id == actor.pk:
            return existing
        raise ValidationError(
            f"This version has been signed as {CAPACITY_WORDS[SignatureCapacity(capacity)]} already."
        )
    missing = rules.missing_answers(agreement.form, agreement.answers)
    if missing:
        names = ", ".join(field.label.lower() for field in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise ValidationError(f"The agreement is not finished: answer {names}{more} before anyone signs.")
    signature = AgreementSignature(
        agreement=agreement,
        capacity=capacity,
        user=actor,
        membership=membership,
        statement=sign_statement(agreement, capacity),
        signed_at=timezone.now(),
    )
    signature.full_clean()
    signature.save()
    audit_log(
        actor=actor,
        verb="asye_agreement.sign",
        obj=agreement,
        organisation=record.organisation,
        after={"number": agreement.number, "capacity": capacity, "membership": str(membership.pk)},
    )
    return signature


def agreement_fully_signed(agreement: Agreement) -> bool:
    """Every capacity has signed this version (reads prefetched signatures when there are)."""
    signed = {s.capacity for s in agreement.signatures.all()}
    return signed >= set(SignatureCapacity.values)


# --- Development plans ------------------------------------------------------------------------


def _require_plan_writer(actor: User, record: AsyeRecord) -> None:
    if not holds(record.nqsw, actor):
        raise PermissionDenied("Only the NQSW writes their development plans.")


def _row_values(row: PlanRow) -> dict[str, Any]:
    return {
        "learning_need": row.learning_need,
        "action": row.action,
        "support": row.support,
        "target_date": row.target_date.isoformat() if row.target_date else None,
        "progress_evidence": row.progress_evidence,
        "review_note": row.review_note,
    }


@transaction.atomic
def plan_row_add(
    *,
    actor: User,
    record: AsyeRecord,
    period: str,
    submit_token: uuid.UUID,
    learning_need: str,
    action: str,
    support: str = "",
    target_date: datetime.date | None = None,
    progress_evidence: str = "",
) -> PlanRow:
    """Add a row to the NQSW's plan for `period` (the plan is made with its first row). A second
    submit with the same `submit_token` returns the row the first one made."""
    _require_plan_writer(actor, record)
    _require_open(record)
    if rules.pdp_period(record.programme_version.forms, period) is None:
        raise ValidationError("This programme has no such development plan period.")
    _lock(record)
    done = PlanRow.objects.filter(submit_token=submit_token).select_related("plan").first()
    if done is not None:
        if done.plan.record_id != record.pk or done.plan.period != period:
            raise ValidationError("This form was used for another plan. Open the form again.")
        return done
    plan, _ = DevelopmentPlan.objects.get_or_create(
        record=record, period=period, defaults={"created_by": actor}
    )
    row = PlanRow(
        plan=plan,
        learning_need=learning_need.strip(),
        action=action.strip(),
        support=support.strip(),
        target_date=target_date,
        progress_evidence=progress_evidence.strip(),
        created_by=actor,
        submit_token=submit_token,
    )
    row.full_clean()
    row.save()
    audit_log(
        actor=actor,
        verb="asye_plan_row.add",
        obj=row,
        organisation=record.organisation,
        after={"record": str(record.pk), "period": period, **_row_values(row)},
    )
    return row


def _lock_row(row: PlanRow, revision: int, wanted: dict[str, Any]) -> PlanRow | None:
    """The row, locked; None when it already holds `wanted` (a second submit). A form opened
    before someone else's change is refused."""
    locked = PlanRow.objects.select_for_update().get(pk=row.pk)
    if all(getattr(locked, k) == v for k, v in wanted.items()):
        return None
    if locked.revision != revision:
        raise ValidationError(
            "This row changed after you opened it. Your changes were not saved: "
            "open it again to see the change."
        )
    return locked


@transaction.atomic
def plan_row_update(
    *,
    actor: User,
    row: PlanRow,
    revision: int,
    learning_need: str,
    action: str,
    support: str = "",
    target_date: datetime.date | None = None,
    progress_evidence: str = "",
) -> PlanRow:
    """The NQSW changes their own columns of a row (never the review note)."""
    record = row.plan.record
    _require_plan_writer(actor, record)
    _require_open(record)
    wanted = {
        "learning_need": learning_need.strip(),
        "action": action.strip(),
        "support": support.strip(),
        "target_date": target_date,
        "progress_evidence": progress_evidence.strip(),
    }
    locked = _lock_row(row, revision, wanted)
    if locked is None:
        return row
    before = _row_values(locked)
    for key, value in wanted.items():
        setattr(locked, key, value)
    locked.revision += 1
    locked.full_clean()
    locked.save(update_fields=[*wanted, "revision", "updated_at"])
    changed_before, changed_after = _changed(before, _row_values(locked))
    audit_log(
        actor=actor,
        verb="asye_plan_row.update",
        obj=locked,
        organisation=record.organisation,
        before=changed_before,
        after=changed_after,
    )
    return locked


@transaction.atomic
def plan_row_review(*, actor: User, row: PlanRow, revision: int, review_note: str) -> PlanRow:
    """The assessor or line manager writes (or rewrites) the row's review note; who and when are kept."""
    record = row.plan.record
    if not (holds(record.assessor, actor) or holds(record.line_manager, actor)):
        raise PermissionDenied("Only the assessor or the line manager writes review notes.")
    _require_open(record)
    note = review_note.strip()
    if not note:
        raise ValidationError({"review_note": "Enter the review note"})
    locked = _lock_row(row, revision, {"review_note": note})
    if locked is None:
        return row
    before = locked.review_note
    locked.review_note = note
    locked.reviewed_by = actor
    locked.reviewed_at = timezone.now()
    locked.revision += 1
    locked.full_clean()
    locked.save(update_fields=["review_note", "reviewed_by", "reviewed_at", "revision", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_plan_row.review",
        obj=locked,
        organisation=record.organisation,
        before={"review_note": before},
        after={"review_note": note},
    )
    return locked


@transaction.atomic
def plan_row_remove(*, actor: User, row: PlanRow) -> None:
    """The NQSW removes a row nobody has reviewed. A reviewed row stays: its note is the record
    of a review."""
    record = row.plan.record
    _require_plan_writer(actor, record)
    _require_open(record)
    locked = PlanRow.objects.select_for_update().filter(pk=row.pk).first()
    if locked is None:
        return  # removed already: a second click
    if locked.review_note:
        raise ValidationError("This row has a review note, so it stays in the plan. Change it instead.")
    before = _row_values(locked)
    audit_log(
        actor=actor,
        verb="asye_plan_row.remove",
        obj=locked,
        organisation=record.organisation,
        before={"period": row.plan.period, **before},
    )
    locked.delete()
