"""The one audit function every service calls, inside its own transaction."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry, Organisation, User


def _entry(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model | type[models.Model],
    organisation: Organisation | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    object_repr: str | None,
) -> AuditEntry:
    is_class = isinstance(obj, type)
    return AuditEntry(
        actor=actor,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id="" if is_class else str(obj.pk),  # type: ignore[union-attr]
        object_repr=(object_repr if object_repr is not None else str(obj))[:300],
        organisation=organisation,
        before=before or {},
        after=after or {},
    )


def audit_log(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model | type[models.Model],
    organisation: Organisation | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Record that `actor` did `verb` to `obj`. `actor` is None for the system itself (a
    scheduled task) and for someone not signed in (a failed sign-in). `obj` may be a model
    class when the event concerns no stored row (a sign-in attempt for an unknown address);
    `object_repr` then says what it was about. `before`/`after` hold the fields that changed,
    as JSON-safe values."""
    entry = _entry(
        actor=actor,
        verb=verb,
        obj=obj,
        organisation=organisation,
        before=before,
        after=after,
        object_repr=object_repr,
    )
    entry.save()
    return entry


def audit_log_each(
    *,
    actor: User | None,
    verb: str,
    changes: Iterable[tuple[models.Model, Organisation | None, dict[str, Any], dict[str, Any]]],
    object_repr: str | None = None,
) -> list[AuditEntry]:
    """One entry per (object, organisation, before, after), written in one INSERT: for
    set-based changes such as a sweep or an import. `object_repr`, when given, names every
    object instead of its `str()` (a CPD record is named by kind, never by its words)."""
    entries = [
        _entry(
            actor=actor,
            verb=verb,
            obj=obj,
            organisation=organisation,
            before=before,
            after=after,
            object_repr=object_repr,
        )
        for obj, organisation, before, after in changes
    ]
    return AuditEntry.objects.bulk_create(entries)
