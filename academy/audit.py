"""The one audit function every service calls, inside its own transaction."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry, Organisation, User


def audit_log(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    organisation: Organisation | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that `actor` did `verb` to `obj`. `actor` is None only for the system itself
    (a scheduled task). `before`/`after` hold the fields that changed, as JSON-safe values."""
    return AuditEntry.objects.create(
        actor=actor,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        organisation=organisation,
        before=before or {},
        after=after or {},
    )
