"""Writes for peer confirmation requests. The person asks a peer (by name and email, with or
without an account here) to confirm that the conversation in a record's peer reflection took
place; the peer answers once through the emailed link, "it took place" or "it did not".

- The link's token is minted when the outbox builds the email (`peer_link_mint`); only its keyed
  hash is kept, and minting again (a retried email) makes the earlier link stop working.
- A link works once, until it expires (`CPD_PEER_LINK_DAYS`), while its request is the record's
  newest (sending again replaces the earlier link) and while the reflection still names the same
  peer and date.
- The person cannot answer their own request.
- Audit entries carry no organisation and no content (cpd/services.py explains why): not the
  peer's name or address either, only the request's id and state."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import User
from academy.outbox.services import outbox_enqueue
from cpd import selectors as cpd_selectors
from cpd.models import CpdRecord

from .models import PeerAnswer, PeerConfirmationRequest, PeerRequestStatus
from .selectors import secret_hash

EMAIL_KIND = "cpd.peer_confirmation"
REQUEST_VERB = "cpd_record.peer_confirmation_request"
ANSWER_VERB = "cpd_record.peer_confirmation_answer"
OBJECT_REPR = "CPD record"

REFUSALS = {
    PeerRequestStatus.CONFIRMED: "This link has already been used: the conversation was confirmed.",
    PeerRequestStatus.DECLINED: "This link has already been used: the answer was that it did not take place.",
    PeerRequestStatus.EXPIRED: "This link has expired.",
    PeerRequestStatus.REPLACED: "This link has been replaced by a newer one.",
    PeerRequestStatus.OUT_OF_DATE: "This link no longer works: the details of the conversation have changed.",
}


class PeerLinkRefused(ValidationError):
    """The link cannot be used; `status` says why (answered, expired, replaced, out of date)."""

    def __init__(self, status: str) -> None:
        super().__init__(REFUSALS[PeerRequestStatus(status)], code=status)
        self.status = status


@dataclass(frozen=True)
class SentRequest:
    request: PeerConfirmationRequest
    already_sent: bool = False


def _own(*, actor: User, record: CpdRecord) -> None:
    if record.person_id != actor.pk:
        raise PermissionDenied("Only the person a CPD record belongs to may ask a peer to confirm it.")


@transaction.atomic
def peer_confirmation_request(
    *, actor: User, record: CpdRecord, peer_name: str, peer_email: str, idempotency_key: str = ""
) -> SentRequest:
    """Ask the peer to confirm the record's peer-reflection conversation. The email is queued in
    the outbox; its link is minted when it is sent. The same form sent twice (a double click)
    returns the first request and sends nothing more; a new request replaces any earlier link."""
    _own(actor=actor, record=record)
    # One request at a time per record: a second one waits here for the first to commit.
    CpdRecord.objects.select_for_update().filter(pk=record.pk).first()
    if idempotency_key:
        existing = PeerConfirmationRequest.objects.filter(
            record=record, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return SentRequest(request=existing, already_sent=True)
    reflection = cpd_selectors.peer_reflection_of(record)
    if reflection is None:
        raise ValidationError("Add a peer reflection to this record before asking your peer to confirm it.")
    if reflection.discussed_on is None:
        raise ValidationError(
            "Add the date of the conversation to your peer reflection first: it is what your peer confirms."
        )
    now = timezone.now()
    sent_today = PeerConfirmationRequest.objects.filter(
        record=record, created_at__gt=now - timedelta(days=1)
    ).count()
    if sent_today >= settings.CPD_PEER_REQUESTS_PER_DAY:
        raise ValidationError(
            f"You have sent {sent_today} requests for this record in the last 24 hours. "
            "Wait a day before sending another."
        )
    request = PeerConfirmationRequest(
        record=record,
        peer_name=peer_name.strip(),
        peer_email=peer_email.strip(),
        reflection_peer_name=reflection.peer_name,
        discussed_on=reflection.discussed_on,
        # No link works until the outbox mints one.
        secret_hash=secret_hash(secrets.token_urlsafe(32)),
        expires_at=now + timedelta(days=settings.CPD_PEER_LINK_DAYS),
        idempotency_key=idempotency_key,
    )
    request.full_clean(validate_constraints=False, exclude=["secret_hash"])
    try:
        with transaction.atomic():
            request.save(force_insert=True)
    except IntegrityError:  # the same form, sent at the same moment from another tab
        existing = PeerConfirmationRequest.objects.get(record=record, idempotency_key=idempotency_key)
        return SentRequest(request=existing, already_sent=True)
    replaced = (
        PeerConfirmationRequest.objects.filter(record=record, answer="", replaced_at__isnull=True)
        .exclude(pk=request.pk)
        .update(replaced_at=now, updated_at=now)
    )
    outbox_enqueue(
        kind=EMAIL_KIND,
        to_email=request.peer_email,
        dedupe_key=f"cpd.peer_confirmation:{request.pk}",
        about=request,
    )
    audit_log(
        actor=actor,
        verb=REQUEST_VERB,
        obj=record,
        organisation=None,
        after={"request": str(request.pk), "replaced": replaced},
        object_repr=OBJECT_REPR,
    )
    return SentRequest(request=request)


@dataclass(frozen=True)
class MintedPeerLink:
    request: PeerConfirmationRequest
    token: str


def _check_usable(request: PeerConfirmationRequest) -> None:
    status = request.status_at(timezone.now(), cpd_selectors.peer_reflection_of(request.record))
    if status != PeerRequestStatus.SENT:
        raise PeerLinkRefused(status)


@transaction.atomic
def peer_link_mint(*, request_id: str) -> MintedPeerLink:
    """A fresh link for a request still waiting, as its email is built (called by the outbox).
    Only the token's hash is kept."""
    request = (
        PeerConfirmationRequest.objects.select_for_update(of=("self",))
        .select_related("record__person", "record__peer_reflection")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise ValidationError("The peer confirmation request no longer exists.")
    _check_usable(request)
    token = secrets.token_urlsafe(32)
    request.secret_hash = secret_hash(token)
    request.save(update_fields=["secret_hash", "updated_at"])
    return MintedPeerLink(request=request, token=token)


def peer_link_check(*, request: PeerConfirmationRequest, viewer: User | None) -> None:
    """Refuse a link that cannot be used (PeerLinkRefused), or the record's own person
    (PermissionDenied): nobody confirms their own conversation."""
    if viewer is not None and viewer.pk == request.record.person_id:
        raise PermissionDenied("This is your own request: only your peer can answer it.")
    _check_usable(request)


@transaction.atomic
def peer_confirmation_answer(
    *, request: PeerConfirmationRequest, answer: str, viewer: User | None
) -> PeerConfirmationRequest:
    """The peer's answer, once. The row is locked, so of two answers at the same moment one is
    recorded and the other is told the link was used. `viewer` is the peer's account when they
    are signed in (recorded with the answer), None otherwise."""
    locked = (
        PeerConfirmationRequest.objects.select_for_update(of=("self",))
        .select_related("record__person", "record__peer_reflection")
        .get(pk=request.pk)
    )
    peer_link_check(request=locked, viewer=viewer)
    locked.answer = PeerAnswer(answer)
    locked.answered_at = timezone.now()
    locked.answered_by = viewer
    locked.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
    audit_log(
        actor=viewer,
        verb=ANSWER_VERB,
        obj=locked.record,
        organisation=None,
        before={"request": str(locked.pk), "status": PeerRequestStatus.SENT},
        after={"request": str(locked.pk), "status": locked.answer},
        object_repr=OBJECT_REPR,
    )
    return locked
