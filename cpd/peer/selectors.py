"""Reads of peer confirmation requests. The person's list is built from a record already reached
through `cpd_record_get_for_user` (their own); the public link page finds a request only by its
id together with the hash of the token the peer holds, so a token for another request finds
nothing."""

from uuid import UUID

from django.utils.crypto import salted_hmac

from cpd.models import CpdRecord, PeerReflection

from .models import PeerConfirmationRequest


def secret_hash(token: str) -> str:
    """A keyed hash of a link's token: a copy of the table alone cannot be turned into links."""
    return salted_hmac("cpd.peer", token, algorithm="sha256").hexdigest()


def peer_requests_of_record(*, record: CpdRecord) -> list[PeerConfirmationRequest]:
    """The record's requests, newest first (a handful at most: sending is limited per day)."""
    return list(PeerConfirmationRequest.objects.filter(record=record).order_by("-created_at"))


def peer_confirmation_of(
    requests: list[PeerConfirmationRequest], reflection: PeerReflection | None
) -> PeerConfirmationRequest | None:
    """The newest answer that still matches the reflection: what the record shows as confirmed
    (or as "said it did not take place")."""
    return next((r for r in requests if r.answer and r.matches(reflection)), None)


def peer_request_find(*, pk: UUID | str, token: str) -> PeerConfirmationRequest | None:
    """The request with this id whose link carries this token; None for any other pair."""
    if not token:
        return None
    return (
        PeerConfirmationRequest.objects.select_related("record__person", "record__peer_reflection")
        .filter(pk=pk, secret_hash=secret_hash(token))
        .first()
    )
