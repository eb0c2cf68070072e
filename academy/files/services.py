"""Writes for private files: keep an upload, remove one. Apps call these from their own services,
after their own permission check on the owner record; the audit entry is written in the same
transaction as the row."""

import logging
import uuid
from typing import IO

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Organisation, User

from .models import StoredFile
from .registry import file_owner
from .scanning import ScannerUnavailable, scan
from .storage import private_storage
from .validation import FileRefused, Inspection, inspect_upload

logger = logging.getLogger(__name__)


def _stored_name(organisation: Organisation) -> str:
    """Random, and nothing in it comes from the person: grouped by organisation for operators."""
    return f"{organisation.pk}/{uuid.uuid4().hex}"


def _scan_or_refuse(upload: IO[bytes], inspection: Inspection, actor: User) -> StoredFile.ScanStatus:
    try:
        result = scan(upload)
    except ScannerUnavailable:
        logger.exception("Upload refused: the virus scanner is configured but gave no verdict")
        raise FileRefused(
            "The virus scanner could not check the file just now, so it was not uploaded. "
            "Try again in a few minutes.",
            code="scanner_unavailable",
        ) from None
    if result is None:
        return StoredFile.ScanStatus.NOT_SCANNED
    if not result.clean:
        logger.warning(
            "Upload refused: virus scanner found %s (sha256 %s, user %s)",
            result.signature,
            inspection.sha256,
            actor.pk,
        )
        raise FileRefused(
            f"“{inspection.display_name}” contains a virus or other harmful content "
            f"({result.signature}), so it was not uploaded.",
            code="infected",
        )
    return StoredFile.ScanStatus.CLEAN


def file_store(
    *, actor: User, organisation: Organisation, upload: IO[bytes], owner_kind: str, owner_id: object
) -> StoredFile:
    """Keep `upload` for the record (`owner_kind`, `owner_id`) in `organisation`.

    Refuses (FileRefused, a ValidationError, with the reason) a file over the size limit, one
    whose content is not an allowed type or disagrees with its name, and one the virus scanner
    rejects or, when a scanner is configured, cannot check. The bytes go to the private storage
    under a random name; the record and its audit entry are written in one transaction."""
    if file_owner(owner_kind) is None:
        raise ImproperlyConfigured(
            f"No app registered the file owner kind {owner_kind!r} (academy.files.register_file_owner)."
        )
    inspection = inspect_upload(upload)
    scan_status = _scan_or_refuse(upload, inspection, actor)

    storage = private_storage()
    upload.seek(0)
    stored_name = storage.save(_stored_name(organisation), upload)
    try:
        with transaction.atomic():
            stored = StoredFile(
                organisation=organisation,
                uploaded_by=actor,
                owner_kind=owner_kind,
                owner_id=str(owner_id),
                original_name=inspection.display_name,
                stored_name=stored_name,
                content_type=inspection.file_type.content_type,
                size=inspection.size,
                sha256=inspection.sha256,
                scan_status=scan_status,
                scanned_at=timezone.now() if scan_status == StoredFile.ScanStatus.CLEAN else None,
            )
            stored.full_clean()
            stored.save()
            audit_log(
                actor=actor,
                verb="file.store",
                obj=stored,
                organisation=organisation,
                after={
                    "name": stored.original_name,
                    "content_type": stored.content_type,
                    "size": stored.size,
                    "sha256": stored.sha256,
                    "owner": f"{owner_kind}:{stored.owner_id}",
                    "scan": scan_status,
                },
            )
    except BaseException:
        storage.delete(stored_name)
        raise
    return stored


@transaction.atomic
def file_delete(*, actor: User, stored_file: StoredFile) -> None:
    """Remove a stored file: the row and its audit entry now, the bytes once that commits."""
    stored_name = stored_file.stored_name
    audit_log(
        actor=actor,
        verb="file.delete",
        obj=stored_file,
        organisation=stored_file.organisation,
        before={
            "name": stored_file.original_name,
            "sha256": stored_file.sha256,
            "owner": f"{stored_file.owner_kind}:{stored_file.owner_id}",
        },
    )
    stored_file.delete()
    transaction.on_commit(lambda: private_storage().delete(stored_name))
