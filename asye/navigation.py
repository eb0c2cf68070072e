"""Conditions of the ASYE navigation entries (registered in `AsyeConfig.ready`)."""

from typing import Any

from .selectors import user_has_record


def has_own_record(request: Any) -> bool:
    """ "My ASYE" shows to an NQSW once their record exists (cached per person)."""
    return user_has_record(user=request.user)
