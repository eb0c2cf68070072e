"""Conditions of the ASYE navigation entries (registered in `AsyeConfig.ready`)."""

from typing import Any

from .selectors import user_has_record


def has_own_record(request: Any) -> bool:
    """ "My ASYE" shows to an NQSW once their record exists (cached per person)."""
    return user_has_record(user=request.user)


def evidence_waiting(request: Any) -> int:
    """The badge on "Evidence to review": items waiting for the assessor."""
    from .evidence.selectors import evidence_queue_count

    return evidence_queue_count(user=request.user)
