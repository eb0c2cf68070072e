"""Reads of feedback requests. The NQSW's list is built from a record they may read
(`asye.selectors.record_get_for_user`); the public pages find a request only by the hash of
the token or code the giver holds, or by the id the session keeps once they have shown one."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from academy.scope import Scope
from asye import selectors as record_selectors
from asye.models import AsyeRecord

from .codes import normalise_code, secret_hash
from .models import FeedbackRequest


def feedback_requests_of_record(*, record: AsyeRecord) -> QuerySet[FeedbackRequest]:
    """The record's requests, newest first, with the draft each answer made."""
    return (
        FeedbackRequest.objects.filter(record=record)
        .select_related("evidence")
        .only(
            "id",
            "record_id",
            "kind",
            "audience",
            "giver_description",
            "setting",
            "channel",
            "expires_at",
            "used_at",
            "revoked_at",
            "created_at",
            "evidence__id",
            "evidence__title",
            "evidence__status",
        )
        .order_by("-created_at")
    )


def feedback_request_get_for_user(*, scope: Scope, pk: UUID | str) -> FeedbackRequest:
    """One request: 404 unless the person may read its record."""
    readable = record_selectors.records_visible_to(scope=scope).values("pk")
    request = (
        FeedbackRequest.objects.filter(pk=pk, record__in=readable)
        .select_related(
            "record__nqsw__user", "record__organisation", "record__assessor", "record__line_manager"
        )
        .first()
    )
    if request is None:
        raise Http404("No such feedback request.")
    return request


_PUBLIC_JOINS = ("record__nqsw__user", "record__programme_version")


def feedback_find_by_token(*, token: str) -> FeedbackRequest | None:
    """Any request with this link, whatever its state: the page explains used or expired."""
    if not token:
        return None
    return (
        FeedbackRequest.objects.select_related(*_PUBLIC_JOINS).filter(secret_hash=secret_hash(token)).first()
    )


def feedback_find_by_code(*, code: str) -> FeedbackRequest | None:
    normal = normalise_code(code)
    if not normal:
        return None
    return (
        FeedbackRequest.objects.select_related(*_PUBLIC_JOINS).filter(secret_hash=secret_hash(normal)).first()
    )


def feedback_request_public(*, pk: UUID | str) -> FeedbackRequest | None:
    """The request whose id the giver's session holds (after they showed its link or code)."""
    return FeedbackRequest.objects.select_related(*_PUBLIC_JOINS).filter(pk=pk).first()


def first_name(full_name: str) -> str:
    """The NQSW's first name, all a giver is shown of them."""
    parts = full_name.split()
    return parts[0] if parts else "your social worker"
