"""Writes for feedback requests: the NQSW creates and withdraws them; someone without an
account answers one, once. Secrets (the link's token, the short code) are never stored: only a
keyed hash. A code is shown to the NQSW once, in the answer to the request that made it; a
link is minted when the outbox builds the email (`feedback_link_mint`)."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import User
from academy.outbox.services import outbox_enqueue
from asye.evidence.models import EvidenceItem, EvidenceStatus, EvidenceTransition
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord

from .codes import new_code, secret_hash
from .models import FeedbackChannel, FeedbackKind, FeedbackRequest, FeedbackRequestStatus
from .questions import MAX_ANSWER_CHARACTERS, landed_answers, question_set

EMAIL_KIND = "asye.feedback_request"

REFUSALS = {
    FeedbackRequestStatus.ANSWERED: "This feedback link has already been used.",
    FeedbackRequestStatus.EXPIRED: "This feedback link has expired.",
    FeedbackRequestStatus.REVOKED: "This feedback link was withdrawn.",
}


class FeedbackRefused(ValidationError):
    """The request cannot be answered; `status` says why (answered, expired, revoked)."""

    def __init__(self, status: str) -> None:
        super().__init__(REFUSALS[FeedbackRequestStatus(status)], code=status)
        self.status = status


def _require_nqsw(actor: User, record: AsyeRecord) -> None:
    membership = record.nqsw
    today = timezone.localdate()
    current = membership.is_active and (membership.ended_on is None or membership.ended_on >= today)
    if membership.user_id != actor.pk or not current:
        raise PermissionDenied("Only the NQSW asks for feedback on their own record.")
    ensure_record_writable(record)


def _values(request: FeedbackRequest) -> dict[str, object]:
    return {
        "kind": request.kind,
        "audience": request.audience,
        "channel": request.channel,
        "expires_at": request.expires_at.isoformat(),
    }


@dataclass(frozen=True)
class CreatedRequest:
    """The request, and its code when the channel is a code: shown once, never stored."""

    request: FeedbackRequest
    code: str = ""
    already_made: bool = False


def feedback_request_create(
    *,
    actor: User,
    record: AsyeRecord,
    kind: str,
    audience: str,
    giver_description: str,
    setting: str,
    channel: str,
    email: str = "",
    idempotency_key: str = "",
) -> CreatedRequest:
    """A new request on the NQSW's record. By email: the email is queued in the outbox and
    the link minted when it is sent. By code: the code comes back here, once. The same form
    sent twice returns the first request (without its code, which is not kept)."""
    _require_nqsw(actor, record)
    if idempotency_key:
        existing = FeedbackRequest.objects.filter(record=record, idempotency_key=idempotency_key).first()
        if existing is not None:
            return CreatedRequest(request=existing, already_made=True)
    if channel == FeedbackChannel.EMAIL and not email:
        raise ValidationError({"email": "Enter the email address to send the link to."})
    code = new_code() if channel == FeedbackChannel.CODE else ""
    request = FeedbackRequest(
        record=record,
        kind=kind,
        audience=audience,
        giver_description=giver_description.strip(),
        setting=setting.strip(),
        channel=channel,
        # By email, no link works until the outbox mints one.
        secret_hash=secret_hash(code or secrets.token_urlsafe(32)),
        expires_at=timezone.now() + timedelta(days=settings.ASYE_FEEDBACK_EXPIRY_DAYS),
        created_by=actor,
        idempotency_key=idempotency_key,
    )
    request.full_clean(validate_constraints=False, exclude=["secret_hash"])
    try:
        with transaction.atomic():
            request.save(force_insert=True)
            if channel == FeedbackChannel.EMAIL:
                outbox_enqueue(
                    kind=EMAIL_KIND,
                    to_email=email,
                    dedupe_key=f"asye.feedback:{request.pk}",
                    organisation=record.organisation,
                    about=request,
                )
            audit_log(
                actor=actor,
                verb="feedback_request.create",
                obj=request,
                organisation=record.organisation,
                after=_values(request),
            )
    except IntegrityError:
        existing = (
            FeedbackRequest.objects.filter(record=record, idempotency_key=idempotency_key).first()
            if idempotency_key
            else None
        )
        if existing is not None:
            return CreatedRequest(request=existing, already_made=True)
        if channel == FeedbackChannel.CODE:
            # Two codes alike (about one in 10^11): try once more with a fresh one.
            return feedback_request_create(
                actor=actor,
                record=record,
                kind=kind,
                audience=audience,
                giver_description=giver_description,
                setting=setting,
                channel=channel,
                idempotency_key=idempotency_key,
            )
        raise
    return CreatedRequest(request=request, code=code)


@dataclass(frozen=True)
class MintedFeedbackLink:
    request: FeedbackRequest
    token: str


@transaction.atomic
def feedback_link_mint(*, request_id: str) -> MintedFeedbackLink:
    """A fresh link for a waiting email request, as its email is built (called by the
    outbox). Only the token's hash is kept; an earlier link stops working."""
    request = (
        FeedbackRequest.objects.select_for_update(of=("self",))
        .select_related("record__nqsw__user", "record__organisation")
        .filter(pk=request_id, channel=FeedbackChannel.EMAIL)
        .first()
    )
    if request is None:
        raise ValidationError("The feedback request no longer exists.")
    ensure_record_writable(request.record)  # no new link into a frozen portfolio
    status = request.status_at(timezone.now())
    if status != FeedbackRequestStatus.WAITING:
        raise ValidationError(f"The feedback request is {status}.")
    token = secrets.token_urlsafe(32)
    request.secret_hash = secret_hash(token)
    request.save(update_fields=["secret_hash", "updated_at"])
    return MintedFeedbackLink(request=request, token=token)


@transaction.atomic
def feedback_request_revoke(*, actor: User, request: FeedbackRequest) -> FeedbackRequest:
    """Withdraw a waiting request: its link or code stops working at once."""
    locked = FeedbackRequest.objects.select_for_update().get(pk=request.pk)
    _require_nqsw(actor, request.record)
    status = locked.status_at(timezone.now())
    if status == FeedbackRequestStatus.ANSWERED:
        raise ValidationError("This request has been answered, so it cannot be withdrawn.")
    if status == FeedbackRequestStatus.REVOKED:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    audit_log(
        actor=actor,
        verb="feedback_request.revoke",
        obj=locked,
        organisation=request.record.organisation,
        before={"status": status},
        after={"status": FeedbackRequestStatus.REVOKED},
    )
    request.revoked_at = locked.revoked_at
    return request


def feedback_check_usable(*, request: FeedbackRequest) -> None:
    """Refuse, saying why, a request that can no longer be answered."""
    status = request.status_at(timezone.now())
    if status != FeedbackRequestStatus.WAITING:
        raise FeedbackRefused(status)


def _clean(text: object, *, field: str, required: bool = False) -> str:
    value = text.strip() if isinstance(text, str) else ""
    if required and not value:
        raise ValidationError({field: "Write a few words in this box."})
    if len(value) > MAX_ANSWER_CHARACTERS:
        raise ValidationError({field: f"Keep this to {MAX_ANSWER_CHARACTERS:,} characters or fewer."})
    return value


@transaction.atomic
def feedback_submit(*, request_id: str, answers: Mapping[str, object]) -> EvidenceItem:
    """The giver's answer, once. The row is locked, so of two submits at the same time one
    makes the draft and the other is told the link was used. The draft is the NQSW's: it
    waits on their record for them to read, add their reflection and submit."""
    request = (
        FeedbackRequest.objects.select_for_update(of=("self",))
        .select_related("record__nqsw__user", "record__organisation", "record__programme_version")
        .get(pk=request_id)
    )
    feedback_check_usable(request=request)
    ensure_record_writable(request.record)
    questions = question_set(
        forms=request.record.programme_version.forms, kind=request.kind, audience=request.audience
    )
    cleaned = {
        q.key: _clean(answers.get(q.key), field=q.key, required=q.required) for q in questions.questions
    }
    landed = landed_answers(questions, cleaned)
    giver = request.giver_description
    if questions.asks_role:
        role = _clean(answers.get("role"), field="role")
        if role:
            giver = f"{giver} ({role})"
    record = request.record
    nqsw = record.nqsw.user
    now = timezone.now()
    item = EvidenceItem(
        record=record,
        kind=request.kind,
        title=f"Feedback from {request.giver_description}"[:200],
        date=timezone.localdate(now),
        answers={
            "giver": f"{giver}. Given through a one-time feedback link, without an account.",
            "context": request.setting,
            **landed,
            "reflection": "",
        },
        status=EvidenceStatus.DRAFT,
        created_by=nqsw,
    )
    item.full_clean(validate_constraints=False)
    item.save()
    EvidenceTransition.objects.create(
        item=item,
        from_status="",
        to_status=EvidenceStatus.DRAFT,
        actor=nqsw,
        reason="Made from feedback given through a one-time link by someone without an account.",
    )
    request.used_at = now
    request.evidence = item
    request.save(update_fields=["used_at", "evidence", "updated_at"])
    audit_log(
        actor=None,
        verb="feedback_request.answer",
        obj=request,
        organisation=record.organisation,
        before={"status": FeedbackRequestStatus.WAITING},
        after={"status": FeedbackRequestStatus.ANSWERED, "evidence": str(item.pk)},
    )
    return item


def is_feedback_kind(kind: str) -> bool:
    return kind in FeedbackKind.values
