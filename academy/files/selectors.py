"""Reads for private files. The download view reaches a file only through
`stored_file_get_for_user`, which asks the owning app's registered access check."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from academy.scope import Scope

from .models import StoredFile
from .registry import file_owner


def stored_file_get_for_user(*, scope: Scope, pk: UUID) -> StoredFile:
    """The file, when the owning app says this person may read it; 404 otherwise: for a file
    that does not exist, one whose owner kind no app registered, and one the person has no
    relation to, so nobody learns that a file they may not read exists."""
    stored_file = StoredFile.objects.select_related("organisation").filter(pk=pk).first()
    if stored_file is None:
        raise Http404("No such file.")
    owner = file_owner(stored_file.owner_kind)
    if owner is None or not owner.can_read(scope, stored_file):
        raise Http404("No such file.")
    return stored_file


def stored_files_of(*, owner_kind: str, owner_id: object) -> QuerySet[StoredFile]:
    """The files one record owns, newest first. For the owning app, after its own access check
    on that record."""
    return StoredFile.objects.filter(owner_kind=owner_kind, owner_id=str(owner_id)).only(
        "id", "original_name", "content_type", "size", "created_at", "owner_kind", "owner_id"
    )
