"""Writes to reviews. Each checks who may act (from the record's memberships, not from the page
that called it), refuses a review anyone has signed, validates, saves and audits in one
transaction. A review is made on the first write to any of its parts.

Signing (decided, as for the agreement): a signature vouches for the words on the page, so the
first signature freezes the review; the others sign the same words. When the NQSW, the assessor
and the line manager have all signed, the review is complete (`completed_at`) and read-only.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import User
from asye.agreement.services import CLOSED_STATUSES
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord
from asye.selectors import record_schedule
from asye.signatures import CAPACITY_WORDS, SignatureCapacity, holds, part_save, signer_membership

from . import rules, selectors
from .models import CONCERNS, Rating, Review, ReviewSignature

TEXT_LIMIT = 5000


def _require_open(record: AsyeRecord) -> None:
    ensure_record_writable(record)  # the year's end and moderation (asye/lock.py)
    if record.status in CLOSED_STATUSES:
        raise ValidationError(
            f"This ASYE record is {record.get_status_display().lower()}: its reviews can no longer change."
        )


def _require_unsigned(review: Review) -> None:
    if review.completed_at is not None:
        raise ValidationError("This review has been signed by everyone: it can no longer change.")
    if review.signatures.exists():
        raise ValidationError("Someone has signed this review, so its words can no longer change.")


def _writable(*, actor: User, record: AsyeRecord, key: str) -> Review:
    """The record's review at `key`, locked for the change (made if missing)."""
    _require_open(record)
    if rules.review_point(record_schedule(record).reviews, key) is None:
        raise ValidationError("This programme has no such review.")
    review, _ = Review.objects.select_for_update().get_or_create(
        record=record, key=key, defaults={"created_by": actor}
    )
    _require_unsigned(review)
    return review


def _save(*, actor: User, review: Review, record: AsyeRecord, part: str, values: dict[str, Any]) -> Review:
    return part_save(
        actor=actor,
        document=review,
        organisation=record.organisation,
        verb=f"asye_review.{part}_update",
        values=values,
        audit_extra={"key": review.key},
    )


def _text(value: str, label: str) -> str:
    text = (value or "").strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationError(f"{label} must be {TEXT_LIMIT} characters or fewer.")
    return text


@transaction.atomic
def review_reflection_update(
    *, actor: User, record: AsyeRecord, key: str, reflection: str, self_assessment: str = ""
) -> Review:
    """The NQSW's part: their reflection and, where the programme asks, their self-assessment."""
    if not holds(record.nqsw, actor):
        raise PermissionDenied(selectors.PART_WORDS[rules.NQSW_PART])
    review = _writable(actor=actor, record=record, key=key)
    form = rules.review_form(record.programme_version.forms, key)
    values = {"reflection": _text(reflection, "Your reflection")}
    if rules.asks_self_assessment(form, record.service_area):
        values["self_assessment"] = _text(self_assessment, "Your self-assessment")
    return _save(actor=actor, review=review, record=record, part=rules.NQSW_PART, values=values)


@transaction.atomic
def review_support_update(
    *, actor: User, record: AsyeRecord, key: str, supervision: str, workload: str, protected_time: str
) -> Review:
    """The line manager's part: the support given since the last review."""
    if not holds(record.line_manager, actor):
        raise PermissionDenied(selectors.PART_WORDS[rules.MANAGER_PART])
    review = _writable(actor=actor, record=record, key=key)
    values = {
        "supervision": _text(supervision, "Supervision"),
        "workload": _text(workload, "Workload"),
        "protected_time": _text(protected_time, "Protected time"),
    }
    return _save(actor=actor, review=review, record=record, part=rules.MANAGER_PART, values=values)


def clean_judgements(
    judgements: dict[int, dict[str, str]], domain_ids: set[int]
) -> dict[str, dict[str, str]]:
    """Ratings of the record's domains only, each valid; a concern needs its reason."""
    errors: dict[str, str] = {}
    cleaned: dict[str, dict[str, str]] = {}
    for pk, judgement in judgements.items():
        if pk not in domain_ids:
            raise ValidationError("Judge only the domains of this record's framework.")
        rating = (judgement.get("rating") or "").strip()
        reason = _text(judgement.get("reason") or "", "A reason")
        if not rating:
            if reason:
                errors[f"rating_{pk}"] = "Choose how the NQSW is progressing in this domain"
            continue
        if rating not in Rating.values:
            errors[f"rating_{pk}"] = "Choose on track, some concerns or serious concerns"
            continue
        if rating in CONCERNS and not reason:
            errors[f"reason_{pk}"] = "Give the reason for the concerns"
            continue
        cleaned[str(pk)] = {"rating": rating, "reason": reason}
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_action_plan(rows: list[dict[str, Any]], *, concerns: bool) -> list[dict[str, str]]:
    """Rows with both an action and a date; at least one when there are concerns."""
    errors: dict[str, str] = {}
    cleaned: list[dict[str, str]] = []
    for index, row in enumerate(rows):
        action = _text(row.get("action") or "", "An action")
        by = row.get("by")
        if not action and not by:
            continue
        if not action:
            errors[f"action_{index}"] = "Enter what will be done"
        elif not isinstance(by, datetime.date):
            errors[f"by_{index}"] = "Enter the date it will be done by"
        else:
            cleaned.append({"action": action, "by": by.isoformat()})
    if errors:
        raise ValidationError(errors)
    if concerns and not cleaned:
        raise ValidationError(
            {"action_0": "There are concerns: write the action plan, with a date for each action"}
        )
    return cleaned


@transaction.atomic
def review_assessment_update(
    *,
    actor: User,
    record: AsyeRecord,
    key: str,
    judgements: dict[int, dict[str, str]],
    progress_summary: str,
    action_plan: list[dict[str, Any]],
) -> Review:
    """The assessor's part: a judgement per framework domain (a reason required for concerns),
    an overall summary, and an action plan with dates when there are concerns. Domains may be
    judged over several sittings; signing needs every one."""
    if not holds(record.assessor, actor):
        raise PermissionDenied(selectors.PART_WORDS[rules.ASSESSOR_PART])
    domain_ids = {element.pk for element in selectors.review_domains(record=record)}
    cleaned = clean_judgements(judgements, domain_ids)
    plan = clean_action_plan(action_plan, concerns=rules.has_concerns(cleaned))
    review = _writable(actor=actor, record=record, key=key)
    values = {
        "judgements": cleaned,
        "progress_summary": _text(progress_summary, "The overall progress"),
        "action_plan": plan,
    }
    return _save(actor=actor, review=review, record=record, part=rules.ASSESSOR_PART, values=values)


def sign_statement(label: str, capacity: str) -> str:
    return (
        f"I confirm I have read this {label.lower()} and agree that it is a true record, "
        f"as the {CAPACITY_WORDS[SignatureCapacity(capacity)]}."
    )


@transaction.atomic
def review_sign(*, actor: User, record: AsyeRecord, key: str, capacity: str) -> ReviewSignature:
    """Sign the review in `capacity`, the actor's own on the record. Refused until every part
    is written. Signing twice returns the first signature. The third signature completes it."""
    membership = signer_membership(actor, record, capacity, selectors.REVIEW_CAPACITIES)
    _require_open(record)
    due = rules.review_point(record_schedule(record).reviews, key)
    if due is None:
        raise ValidationError("This programme has no such review.")
    review = Review.objects.select_for_update().filter(record=record, key=key).first()
    if review is None:
        raise ValidationError("Nothing has been written in this review yet, so it cannot be signed.")
    existing = ReviewSignature.objects.filter(review=review, capacity=capacity).first()
    if existing is not None:
        if existing.user_id == actor.pk:
            return existing
        raise ValidationError("This review has been signed in this capacity already.")
    form = rules.review_form(record.programme_version.forms, key)
    missing = rules.missing_parts(
        asks_self=rules.asks_self_assessment(form, record.service_area),
        domain_ids=[element.pk for element in selectors.review_domains(record=record)],
        values={
            field: getattr(review, field)
            for field in (*rules.NQSW_FIELDS, *rules.MANAGER_FIELDS, *rules.ASSESSOR_FIELDS)
        },
    )
    if missing:
        raise ValidationError(
            "The review is not finished: it still needs " + "; ".join(words for _, words in missing) + "."
        )
    signature = ReviewSignature(
        review=review,
        capacity=capacity,
        user=actor,
        membership=membership,
        statement=sign_statement(due.label, capacity),
        signed_at=timezone.now(),
    )
    signature.full_clean()
    signature.save()
    signed = set(ReviewSignature.objects.filter(review=review).values_list("capacity", flat=True))
    completed = signed >= {c.value for c in selectors.REVIEW_CAPACITIES}
    if completed:
        review.completed_at = signature.signed_at
        review.save(update_fields=["completed_at", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_review.sign",
        obj=review,
        organisation=record.organisation,
        after={"key": key, "capacity": capacity, "membership": str(membership.pk), "completed": completed},
    )
    return signature
