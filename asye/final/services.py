"""Writes of the year's end. Each checks who may act (from the record's memberships and the
actor's roles, not from the page that called it), validates, saves and audits in one
transaction.

- The final assessment follows the reviews (docs/adr/0015): three parts, each by its role, made
  on the first write; the first signature freezes it; the third completes it.
- Extension: a new planned end, later than the current one; every date after today moves by
  the difference (the final review with the end). Status EXTENDED (a paused record stays
  PAUSED until its pause ends).
- Withdrawal: the NQSW leaves the programme; status WITHDRAWN, which locks the record.
- Submission to moderation: refused with every reason from `selectors.submission_refusals`,
  checked again under the record's row lock, so a double click submits once.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import User
from academy.presenters import format_date
from academy.roles import STAFF_ROLES
from academy.selectors import roles_held_over
from asye.evidence.models import EvidenceItem, EvidenceStatus
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord, RecordStatus
from asye.reviews.services import sign_statement
from asye.selectors import record_schedule
from asye.signatures import holds, part_save, signer_membership

from . import rules, selectors
from .models import (
    AnonymisationConfirmation,
    Endorsement,
    FinalAssessment,
    FinalAssessmentSignature,
    ModerationSubmission,
    Recommendation,
    RecordExtension,
    RecordWithdrawal,
)

TEXT_LIMIT = 10000


def _text(value: str, label: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"{label} must be {TEXT_LIMIT} characters or fewer.")
    return text


def _require_staff_over(actor: User, record: AsyeRecord) -> None:
    if not roles_held_over(user=actor, organisation=record.organisation) & STAFF_ROLES:
        raise PermissionDenied("Only the principal social worker or academy staff can do this.")


def _locked_status(record: AsyeRecord) -> str:
    """Take the record's row lock (writes to one record queue here) and return its status as
    stored now, also setting it on `record`."""
    status = AsyeRecord.objects.select_for_update().values_list("status", flat=True).get(pk=record.pk)
    record.status = status
    return str(status)


def _status_words(record: AsyeRecord) -> str:
    return RecordStatus(record.status).label.lower()


# --- The final assessment ---------------------------------------------------------------------------


def _writable(*, actor: User, record: AsyeRecord) -> FinalAssessment:
    ensure_record_writable(record)
    if _locked_status(record) not in selectors.UNDER_WAY:
        raise ValidationError(
            f"This ASYE record is {_status_words(record)}: its final assessment can no longer change."
        )
    assessment, _ = FinalAssessment.objects.select_for_update().get_or_create(
        record=record, defaults={"created_by": actor}
    )
    if assessment.completed_at is not None:
        raise ValidationError("The final assessment has been signed by everyone: it can no longer change.")
    if assessment.signatures.exists():
        raise ValidationError("Someone has signed the final assessment, so its words can no longer change.")
    return assessment


def _save(
    *, actor: User, assessment: FinalAssessment, record: AsyeRecord, part: str, values: dict[str, Any]
) -> FinalAssessment:
    return part_save(
        actor=actor,
        document=assessment,
        organisation=record.organisation,
        verb=f"asye_final.{part}_update",
        values=values,
    )


@transaction.atomic
def final_reflection_update(
    *, actor: User, record: AsyeRecord, reflection: str, further_development: str = ""
) -> FinalAssessment:
    """The NQSW's part: their final reflection and the learning they plan next."""
    if not holds(record.nqsw, actor):
        raise PermissionDenied(selectors.PART_WORDS[rules.NQSW_PART])
    assessment = _writable(actor=actor, record=record)
    values = {
        "reflection": _text(reflection, "Your final reflection"),
        "further_development": _text(further_development, "Your learning needs"),
    }
    return _save(actor=actor, assessment=assessment, record=record, part=rules.NQSW_PART, values=values)


@transaction.atomic
def final_report_update(
    *,
    actor: User,
    record: AsyeRecord,
    report: str,
    recommendation: str,
    judgements: dict[int, dict[str, str]],
) -> FinalAssessment:
    """The assessor's part: the final report, a judgement with reasons per framework domain and
    the recommendation. May be written over several sittings; signing needs all of it."""
    if not holds(record.assessor, actor):
        raise PermissionDenied(selectors.PART_WORDS[rules.ASSESSOR_PART])
    if recommendation and recommendation not in Recommendation.values:
        raise ValidationError({"recommendation": "Choose pass or fail"})
    domain_ids = {element.pk for element in selectors.final_domains(record=record)}
    errors = rules.judgement_errors(judgements, domain_ids, recommendation)
    if errors:
        raise ValidationError(errors)
    cleaned = {
        str(pk): {"met": j["met"], "reason": _text(j.get("reason") or "", "A reason")}
        for pk, j in judgements.items()
        if j.get("met")
    }
    assessment = _writable(actor=actor, record=record)
    values = {
        "report": _text(report, "The final report"),
        "recommendation": recommendation,
        "judgements": cleaned,
    }
    return _save(actor=actor, assessment=assessment, record=record, part=rules.ASSESSOR_PART, values=values)


@transaction.atomic
def final_endorsement_update(
    *, actor: User, record: AsyeRecord, endorsement: str, manager_comments: str
) -> FinalAssessment:
    """The line manager's part: whether they endorse the recommendation, and their comments."""
    if not holds(record.line_manager, actor):
        raise PermissionDenied(selectors.PART_WORDS[rules.MANAGER_PART])
    if endorsement and endorsement not in Endorsement.values:
        raise ValidationError({"endorsement": "Choose whether you endorse the recommendation"})
    if endorsement == Endorsement.DO_NOT_ENDORSE and not (manager_comments or "").strip():
        raise ValidationError({"manager_comments": "Say why you do not endorse the recommendation"})
    assessment = _writable(actor=actor, record=record)
    values = {"endorsement": endorsement, "manager_comments": _text(manager_comments, "Your comments")}
    return _save(actor=actor, assessment=assessment, record=record, part=rules.MANAGER_PART, values=values)


@transaction.atomic
def final_sign(*, actor: User, record: AsyeRecord, capacity: str) -> FinalAssessmentSignature:
    """Sign the final assessment in `capacity`, the actor's own. Refused until every part is
    written; signing twice returns the first signature; the third completes it."""
    membership = signer_membership(actor, record, capacity, selectors.FINAL_CAPACITIES)
    ensure_record_writable(record)
    if _locked_status(record) not in selectors.UNDER_WAY:
        raise ValidationError(f"This ASYE record is {_status_words(record)}: it can no longer be signed.")
    assessment = FinalAssessment.objects.select_for_update().filter(record=record).first()
    if assessment is None:
        raise ValidationError("Nothing has been written in the final assessment yet, so it cannot be signed.")
    existing = FinalAssessmentSignature.objects.filter(assessment=assessment, capacity=capacity).first()
    if existing is not None:
        if existing.user_id == actor.pk:
            return existing
        raise ValidationError("The final assessment has been signed in this capacity already.")
    domain_ids = [element.pk for element in selectors.final_domains(record=record)]
    values = {
        field: getattr(assessment, field)
        for field in ("reflection", "report", "recommendation", "judgements", "endorsement")
    }
    missing = rules.missing_parts(values, domain_ids)
    if missing:
        raise ValidationError(
            "The final assessment is not finished: it still needs " + "; ".join(w for _, w in missing) + "."
        )
    signature = FinalAssessmentSignature(
        assessment=assessment,
        capacity=capacity,
        user=actor,
        membership=membership,
        statement=sign_statement("final assessment", capacity),
        signed_at=timezone.now(),
    )
    signature.full_clean()
    signature.save()
    signed = set(
        FinalAssessmentSignature.objects.filter(assessment=assessment).values_list("capacity", flat=True)
    )
    completed = signed >= {c.value for c in selectors.FINAL_CAPACITIES}
    if completed:
        assessment.completed_at = signature.signed_at
        assessment.save(update_fields=["completed_at", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_final.sign",
        obj=assessment,
        organisation=record.organisation,
        after={
            "capacity": capacity,
            "membership": str(membership.pk),
            "recommendation": assessment.recommendation,
            "completed": completed,
        },
    )
    return signature


# --- Extension and withdrawal ------------------------------------------------------------------------


@transaction.atomic
def record_extend(
    *, actor: User, record: AsyeRecord, new_end_on: datetime.date, reason: str
) -> RecordExtension:
    """Move the planned end to `new_end_on` (later than it is now), saying why. Every date of
    the record after today moves by the same number of days; dates already passed stay."""
    _require_staff_over(actor, record)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the year is being extended."})
    ensure_record_writable(record)
    status = _locked_status(record)
    if status not in selectors.UNDER_WAY:
        raise ValidationError(f"This ASYE record is {_status_words(record)}: it cannot be extended.")
    return _extension_apply(actor=actor, record=record, status=status, new_end_on=new_end_on, reason=reason)


def _extension_apply(
    *, actor: User, record: AsyeRecord, status: str, new_end_on: datetime.date, reason: str
) -> RecordExtension:
    """The extension itself, the record locked by the caller: every date after today moves.
    Its dates are read again under that lock: the object a page loaded may predate another
    extension (a second click, or a colleague at the same moment), which must not be lost."""
    record.refresh_from_db(fields=["extension_shifts"])
    getattr(record, "_prefetched_objects_cache", {}).pop("pauses", None)
    today = timezone.localdate()
    previous_end = record_schedule(record, today=today).planned_end
    if new_end_on <= previous_end:
        raise ValidationError(
            {
                "new_end_on": "The new end date must be after the current planned end, "
                f"{format_date(previous_end)}."
            }
        )
    extension = RecordExtension(
        record=record,
        granted_on=today,
        previous_end_on=previous_end,
        new_end_on=new_end_on,
        reason=reason,
        granted_by=actor,
    )
    extension.full_clean()
    extension.save()
    shifts = [*(record.extension_shifts or []), {"granted_on": today.isoformat(), "days": extension.days}]
    new_status = RecordStatus.PAUSED if status == RecordStatus.PAUSED else RecordStatus.EXTENDED
    AsyeRecord.objects.filter(pk=record.pk).update(
        extension_shifts=shifts, status=new_status, updated_at=timezone.now()
    )
    record.extension_shifts, record.status = shifts, new_status
    audit_log(
        actor=actor,
        verb="asye_record.extend",
        obj=record,
        organisation=record.organisation,
        before={"planned_end": previous_end.isoformat(), "status": status},
        after={"planned_end": new_end_on.isoformat(), "status": new_status, "reason": reason},
    )
    return extension


@transaction.atomic
def record_withdraw(
    *, actor: User, record: AsyeRecord, withdrawn_on: datetime.date, reason: str
) -> RecordWithdrawal:
    """The NQSW leaves the programme (not a fail): status WITHDRAWN, and the record is locked."""
    _require_staff_over(actor, record)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the NQSW is withdrawing."})
    # A portfolio with the moderation panel can still be withdrawn; an ended year cannot.
    ensure_record_writable(record, allow_submitted=True)
    status = _locked_status(record)
    if status not in (*selectors.UNDER_WAY, RecordStatus.SUBMITTED):
        raise ValidationError(f"This ASYE record is {_status_words(record)}: it cannot be withdrawn.")
    if withdrawn_on < record.start_date:
        raise ValidationError({"withdrawn_on": "The withdrawal cannot be before the programme started."})
    withdrawal = RecordWithdrawal(
        record=record, withdrawn_on=withdrawn_on, reason=reason, previous_status=status, recorded_by=actor
    )
    withdrawal.full_clean(validate_unique=False)
    withdrawal.save()
    AsyeRecord.objects.filter(pk=record.pk).update(status=RecordStatus.WITHDRAWN, updated_at=timezone.now())
    record.status = RecordStatus.WITHDRAWN
    audit_log(
        actor=actor,
        verb="asye_record.withdraw",
        obj=record,
        organisation=record.organisation,
        before={"status": status},
        after={"status": RecordStatus.WITHDRAWN, "withdrawn_on": withdrawn_on.isoformat(), "reason": reason},
    )
    return withdrawal


# --- Anonymisation and submission -----------------------------------------------------------------


@transaction.atomic
def anonymisation_confirm(*, actor: User, record: AsyeRecord, item_ids: Iterable[object]) -> int:
    """The NQSW confirms each accepted item, as it stands now, names nobody. Returns how many
    were newly confirmed (none twice)."""
    if not holds(record.nqsw, actor):
        raise PermissionDenied("Only the NQSW whose portfolio it is can confirm it is anonymised.")
    ensure_record_writable(record)
    if _locked_status(record) not in selectors.UNDER_WAY:
        raise ValidationError(f"This ASYE record is {_status_words(record)}: nothing more can be confirmed.")
    wanted = {str(pk) for pk in item_ids}
    items = list(
        EvidenceItem.objects.filter(record=record, status=EvidenceStatus.ACCEPTED, pk__in=wanted).only(
            "id", "version"
        )
    )
    if not wanted or len(items) != len(wanted):
        raise ValidationError({"items": "Choose accepted items of this portfolio"})
    existing = set(
        AnonymisationConfirmation.objects.filter(item__in=items).values_list("item_id", "item_version")
    )
    new = [
        AnonymisationConfirmation(item=item, item_version=item.version, confirmed_by=actor)
        for item in items
        if (item.pk, item.version) not in existing
    ]
    AnonymisationConfirmation.objects.bulk_create(new)
    if new:
        audit_log(
            actor=actor,
            verb="asye_evidence.anonymisation_confirm",
            obj=record,
            organisation=record.organisation,
            after={"items": sorted(f"{c.item.pk}@{c.item_version}" for c in new)},
        )
    return len(new)


class SubmissionRefused(ValidationError):
    """Submission to moderation was refused; `refusals` says every reason."""

    def __init__(self, refusals: list[selectors.Refusal]) -> None:
        super().__init__([r.message for r in refusals], code="refused")
        self.refusals = refusals


@transaction.atomic
def record_submit_to_moderation(*, record: AsyeRecord, actor: User) -> ModerationSubmission:
    """The NQSW sends their portfolio to moderation: checked again under the record's lock
    (SubmissionRefused with every reason), status SUBMITTED, a submission row, audited. A second
    request for a record already submitted by the same person returns the first submission."""
    if not holds(record.nqsw, actor):
        raise PermissionDenied("Only the NQSW whose portfolio it is can submit it to moderation.")
    # Submitted already: the same person's second click returns the first submission (below).
    ensure_record_writable(record, allow_submitted=True)
    status = _locked_status(record)
    if status == RecordStatus.SUBMITTED:
        latest = ModerationSubmission.objects.filter(record=record).order_by("-created_at", "-id").first()
        if latest is not None:
            return latest
    refusals = selectors.submission_refusals(record=record)
    if refusals:
        raise SubmissionRefused(refusals)
    submission = ModerationSubmission.objects.create(record=record, submitted_by=actor)
    AsyeRecord.objects.filter(pk=record.pk).update(status=RecordStatus.SUBMITTED, updated_at=timezone.now())
    record.status = RecordStatus.SUBMITTED
    audit_log(
        actor=actor,
        verb="asye_record.submit_to_moderation",
        obj=record,
        organisation=record.organisation,
        before={"status": status},
        after={"status": RecordStatus.SUBMITTED, "submission": submission.pk},
    )
    return submission


def record_extend_on_referral(
    *, actor: User, record: AsyeRecord, new_end_on: datetime.date, reason: str
) -> RecordExtension | None:
    """The moderation panel referred the portfolio back with a new end date (the caller,
    asye/moderation, holds the record's row lock and has returned it to ACTIVE). A date after
    the planned end extends the year as `record_extend` does, granted by the panel member and
    audited; a date on or before it changes no date (None)."""
    previous_end = record_schedule(record, today=timezone.localdate()).planned_end
    if new_end_on <= previous_end:
        return None
    return _extension_apply(
        actor=actor, record=record, status=str(record.status), new_end_on=new_end_on, reason=reason
    )
