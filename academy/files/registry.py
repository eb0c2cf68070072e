"""Which app decides who may read a stored file. Each app that keeps files registers, from its
`AppConfig.ready()`, one access check per kind of owner record; the core never imports the apps.

    register_file_owner("asye.evidence", can_read=evidence_file_readable)

The check takes the reader's `Scope` and the `StoredFile` and answers True or False; it usually
loads the owner record (`stored_file.owner_id`) through the app's own access selector. A file
whose owner kind nobody registered is readable by nobody."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from academy.scope import Scope

    from .models import StoredFile

ReadCheck = Callable[["Scope", "StoredFile"], bool]


@dataclass(frozen=True)
class FileOwner:
    kind: str
    can_read: ReadCheck


_owners: dict[str, FileOwner] = {}


def register_file_owner(kind: str, *, can_read: ReadCheck) -> None:
    """Register the access check for files owned by records of `kind` ("<app>.<record>")."""
    if not kind or len(kind) > 80:
        raise ImproperlyConfigured(f"A file owner kind needs a name of 1 to 80 characters, not {kind!r}.")
    existing = _owners.get(kind)
    if existing is not None and existing.can_read is not can_read:
        raise ImproperlyConfigured(f"The file owner kind {kind!r} is registered twice.")
    _owners[kind] = FileOwner(kind=kind, can_read=can_read)


def file_owner(kind: str) -> FileOwner | None:
    return _owners.get(kind)


def registered_owner_kinds() -> list[str]:
    return sorted(_owners)
