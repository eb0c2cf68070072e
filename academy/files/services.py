"""Writes for private files: keep an upload, remove one. Apps call these from their own services,
after their own permission check on the owner record; the audit entry is written in the same
transaction as the row.

Bytes and rows cannot share a transaction, and Django has no hook for a rollback. So before
bytes are written or removed, a small marker under `pending/` names them; the marker goes once
the caller's transaction commits. A marker that outlives `PENDING_GRACE` belongs to a transaction
that rolled back (or a process that died): `files_pending_sweep` then removes the bytes it names
unless a row holds them (docs/adr/0005-private-files.md)."""

import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import IO

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
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


PENDING_FOLDER = "pending"
# Longer than any transaction lasts; short enough that personal data left by a rollback goes
# the same day.
PENDING_GRACE = timedelta(hours=3)


def _stored_name(organisation: Organisation) -> str:
    """Random, and nothing in it comes from the person: grouped by organisation for operators."""
    return f"{organisation.pk}/{uuid.uuid4().hex}"


def _marker_name(stored_name: str) -> str:
    """`pending/<unix time>.<organisation>.<hex>` for the stored name `<organisation>/<hex>`."""
    organisation, random = stored_name.split("/")
    return f"{PENDING_FOLDER}/{int(timezone.now().timestamp())}.{organisation}.{random}"


def _marked(marker: str) -> tuple[datetime, str] | None:
    """When a marker was written and the stored name it stands for; None for anything else."""
    try:
        written, organisation, random = marker.split(".")
        return datetime.fromtimestamp(int(written), tz=UTC), f"{organisation}/{random}"
    except ValueError:
        return None


def _mark_pending(storage: Storage, stored_name: str) -> str:
    """Write the marker for `stored_name`; it is deleted once the caller's transaction commits."""
    marker = storage.save(_marker_name(stored_name), ContentFile(b""))
    transaction.on_commit(lambda: storage.delete(marker))
    return marker


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
    wanted = _stored_name(organisation)
    marker = storage.save(_marker_name(wanted), ContentFile(b""))
    stored_name = storage.save(wanted, upload)
    try:
        if stored_name != wanted:  # a storage that renamed a random name: never expected
            raise RuntimeError(f"The private storage kept {wanted!r} as {stored_name!r}.")
        with transaction.atomic():
            # Runs when the caller's transaction commits; dropped if it rolls back.
            transaction.on_commit(lambda: storage.delete(marker))
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
        storage.delete(marker)
        raise
    return stored


@transaction.atomic
def file_delete(*, actor: User, stored_file: StoredFile) -> None:
    """Remove a stored file: the row and its audit entry now, the bytes once that commits (or,
    if the process dies first, at the next sweep)."""
    stored_name = stored_file.stored_name
    storage = private_storage()
    _mark_pending(storage, stored_name)
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
    transaction.on_commit(lambda: storage.delete(stored_name))


def files_pending_sweep(*, grace: timedelta = PENDING_GRACE) -> int:
    """Remove the bytes of uploads whose transaction never committed: every marker older than
    `grace` whose stored name no row holds. Returns how many files were removed. Safe to run
    at any time and in several workers."""
    storage = private_storage()
    try:
        _, markers = storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - grace
    removed = 0
    for marker in markers:
        marked = _marked(marker)
        if marked is None:
            logger.warning("Private files: %s/%s is not a marker; left alone.", PENDING_FOLDER, marker)
            continue
        written, stored_name = marked
        if written > cutoff:
            continue  # its transaction may still be running
        orphan = not StoredFile.objects.filter(stored_name=stored_name).exists()
        if orphan and storage.exists(stored_name):
            storage.delete(stored_name)
            removed += 1
            logger.warning("Private files: removed %s, kept for a record that was never saved.", stored_name)
        storage.delete(f"{PENDING_FOLDER}/{marker}")
    return removed
