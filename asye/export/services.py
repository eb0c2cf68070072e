"""Writes of portfolio exports: ask for one (`portfolio_export_request`, from a view) and build
it (`portfolio_export_run`, from the Celery task).

Neither is refused on a record that is submitted to moderation or locked at the end of the year:
they write only the export's own row and files, never anything of the portfolio, and a copy of
the finished, locked portfolio is what the export is most for."""

import datetime
import logging
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from academy.audit import audit_log
from academy.files.storage import private_storage
from academy.models import User
from asye.models import AsyeRecord, RecordPause

from .document import build_portfolio
from .models import PENDING, ExportKind, ExportStatus, PortfolioExport

logger = logging.getLogger(__name__)

PORTFOLIO_EXPORT_REQUEST = "asye.portfolio_export.request"
PORTFOLIO_EXPORT_READY = "asye.portfolio_export.ready"
PORTFOLIO_EXPORT_FAIL = "asye.portfolio_export.fail"
# A build that has not finished in this long died with its worker: the next run takes it over.
STALE_AFTER = datetime.timedelta(minutes=10)


@transaction.atomic
def portfolio_export_request(*, record: AsyeRecord, actor: User, kind: str) -> PortfolioExport:
    """Queue an export of `record` (the caller has checked `actor` may make one). While one of
    the same kind is still on its way, that one is returned instead: a second click queues
    nothing."""
    if kind not in ExportKind.values:
        raise ValidationError({"kind": "Choose which copy to make."})
    # Serialises two clicks: the second waits here, then finds the first one's row.
    AsyeRecord.objects.select_for_update().filter(pk=record.pk).first()
    pending = (
        PortfolioExport.objects.filter(record=record, kind=kind, status__in=[s.value for s in PENDING])
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return pending
    export = PortfolioExport(record=record, kind=kind, requested_by=actor, step="Waiting for a free worker")
    export.full_clean()
    export.save()
    audit_log(
        actor=actor,
        verb=PORTFOLIO_EXPORT_REQUEST,
        obj=export,
        organisation=record.organisation,
        after={"record": str(record.pk), "kind": kind},
    )
    export_id = str(export.pk)
    transaction.on_commit(lambda: _enqueue(export_id))
    return export


def _enqueue(export_id: str) -> None:
    from .tasks import portfolio_export_build

    portfolio_export_build.delay(export_id)


def _set_progress(export_id: Any, per_cent: int, words: str) -> None:
    PortfolioExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        progress=min(per_cent, 99), step=words[:200], updated_at=timezone.now()
    )


def _claim(export_id: Any) -> bool:
    """Take the export for this run: a queued one, or a running one whose worker died."""
    now = timezone.now()
    stale = now - STALE_AFTER
    claimed = PortfolioExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=now, progress=5, step="Starting", updated_at=now
    ) or PortfolioExport.objects.filter(
        pk=export_id, status=ExportStatus.RUNNING, updated_at__lt=stale
    ).update(started_at=now, progress=5, step="Starting again", updated_at=now)
    return bool(claimed)


def _store(organisation_id: int, data: bytes) -> str:
    storage = private_storage()
    wanted = f"{organisation_id}/{uuid.uuid4().hex}"
    stored = storage.save(wanted, ContentFile(data))
    if stored != wanted:  # a storage that renamed a random name: never expected
        storage.delete(stored)
        raise RuntimeError(f"The private storage kept {wanted!r} as {stored!r}.")
    return stored


def portfolio_export_run(*, export_id: Any) -> PortfolioExport | None:
    """Build the export: the PDF and the ZIP, kept in the private storage. Safe to run twice:
    an export already built (or being built by a live worker) is left alone. Older copies of
    the same kind are removed once this one is ready, so one copy of each kind is kept."""
    if not _claim(export_id):
        return None
    export = PortfolioExport.objects.select_related("record__organisation").get(pk=export_id)
    record = _record_for_build(export.record_id)
    stored: list[str] = []
    try:
        built = build_portfolio(
            record,
            anonymised=export.kind == ExportKind.ANONYMISED,
            progress=lambda per_cent, words: _set_progress(export.pk, per_cent, words),
        )
        _set_progress(export.pk, 95, "Keeping the files")
        stored = [_store(record.organisation_id, built.pdf), _store(record.organisation_id, built.zip)]
        _finish(export, stored, built.items, len(built.pdf), len(built.zip))
    except Exception as error:
        logger.exception("Portfolio export %s failed", export_id)
        for name in stored:
            private_storage().delete(name)
        _fail(export, error)
        raise
    return PortfolioExport.objects.get(pk=export.pk)


def _record_for_build(record_id: Any) -> AsyeRecord:
    """The record with what the sections read joined, as the record selectors load it (the task
    acts for nobody: who may export was checked when the export was asked for)."""
    return (
        AsyeRecord.objects.select_related(
            "nqsw__user",
            "organisation",
            "team",
            "programme_version__programme_type",
            "assessor__user",
            "line_manager__user",
        )
        .prefetch_related(Prefetch("pauses", queryset=RecordPause.objects.order_by("starts_on")))
        .get(pk=record_id)
    )


@transaction.atomic
def _finish(export: PortfolioExport, stored: list[str], items: int, pdf_size: int, zip_size: int) -> None:
    now = timezone.now()
    replaced = list(
        PortfolioExport.objects.select_for_update()
        .filter(record_id=export.record_id, kind=export.kind, status=ExportStatus.READY)
        .exclude(pk=export.pk)
    )
    PortfolioExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.READY,
        progress=100,
        step="Ready",
        finished_at=now,
        pdf_name=stored[0],
        pdf_size=pdf_size,
        zip_name=stored[1],
        zip_size=zip_size,
        items=items,
        updated_at=now,
    )
    old_names = [name for old in replaced for name in (old.pdf_name, old.zip_name) if name]
    PortfolioExport.objects.filter(pk__in=[old.pk for old in replaced]).update(
        status=ExportStatus.REPLACED, pdf_name="", zip_name="", updated_at=now
    )
    audit_log(
        actor=None,
        verb=PORTFOLIO_EXPORT_READY,
        obj=export,
        organisation=export.record.organisation,
        before={"status": ExportStatus.RUNNING},
        after={"status": ExportStatus.READY, "items": items, "replaced": [str(old.pk) for old in replaced]},
    )
    transaction.on_commit(lambda: _delete_files(old_names))


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


def _fail(export: PortfolioExport, error: Exception) -> None:
    now = timezone.now()
    with transaction.atomic():
        PortfolioExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED,
            step="Failed",
            finished_at=now,
            failure=f"{type(error).__name__}"[:300],
            updated_at=now,
        )
        audit_log(
            actor=None,
            verb=PORTFOLIO_EXPORT_FAIL,
            obj=export,
            organisation=export.record.organisation,
            before={"status": ExportStatus.RUNNING},
            after={"status": ExportStatus.FAILED, "error": type(error).__name__},
        )
