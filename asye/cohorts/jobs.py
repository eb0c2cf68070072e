"""Services of imports too large for a request (more than `reading.MAX_ROWS` rows): a regional
academy's intake of several thousand. The same rules as the import in the request
(`services.cohort_import_check`, `services.cohort_import`), run by Celery tasks with progress:

1. `cohort_import_queue` keeps the file (private files) and a `CohortImport` row, and asks for
   the check once the transaction commits;
2. `cohort_import_job_check` (task) checks every row at once, as the preview does, and keeps
   the counts and the first problems; the page shows them;
3. `cohort_import_job_confirm` (the person confirms) asks for the import;
4. `cohort_import_job_run` (task) imports the rows in chunks of `CHUNK`, each chunk in its own
   transaction, and counts progress between chunks. The whole file was checked first; a chunk
   that has become invalid since (someone changed the portal meanwhile) stops the job with the
   reason. Running the task again is harmless: rows already imported do nothing the second time,
   as importing the same file again changes nothing.

Tasks take ids and call these; a job in another state than expected is left alone, so a
doubled task does nothing."""

from collections.abc import Iterator, Mapping, Sequence
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from academy.files.models import StoredFile
from academy.files.services import file_delete, file_store
from academy.files.storage import private_storage
from academy.models import User

from . import services
from .models import Cohort, CohortImport
from .reading import MAX_BACKGROUND_ROWS, RawRow, read_upload

FILE_OWNER_KIND = "asye.cohort_import"
CHUNK = 1000
ERRORS_KEPT = 200


def _enqueue_check(job_id: str) -> None:
    from .tasks import cohort_import_check_task

    cohort_import_check_task.delay(job_id)


def _enqueue_run(job_id: str) -> None:
    from .tasks import cohort_import_run_task

    cohort_import_run_task.delay(job_id)


@transaction.atomic
def cohort_import_queue(*, actor: User, cohort: Cohort, upload: IO[bytes], file_name: str) -> CohortImport:
    services._require_staff(actor, cohort.organisation)
    job = CohortImport(cohort=cohort, file_name=file_name, requested_by=actor)
    upload.seek(0)
    job.file = file_store(
        actor=actor,
        organisation=cohort.organisation,
        upload=upload,
        owner_kind=FILE_OWNER_KIND,
        owner_id=job.pk,
    )
    job.full_clean(exclude=["file", "cohort", "requested_by"])
    job.save()
    job_id = str(job.pk)
    transaction.on_commit(lambda: _enqueue_check(job_id))
    return job


def _rows(job: CohortImport) -> list[RawRow]:
    if job.file is None:
        raise ValidationError("The file is no longer kept. Upload it again.")
    with private_storage().open(job.file.stored_name, "rb") as handle:
        data = handle.read()
    return read_upload(data, name=job.file_name, max_rows=MAX_BACKGROUND_ROWS).rows


def _claim(job_id: str, status: str) -> CohortImport | None:
    """The job, locked, if it is in `status`; otherwise None (a doubled task)."""
    return (
        CohortImport.objects.select_for_update(of=("self",))
        .select_related("cohort__organisation", "requested_by", "file")
        .filter(pk=job_id, status=status)
        .first()
    )


@transaction.atomic
def cohort_import_job_check(*, job_id: str) -> CohortImport | None:
    job = _claim(job_id, CohortImport.Status.CHECKING)
    if job is None:
        return None
    try:
        rows = _rows(job)
    except ValidationError as error:
        job.status = CohortImport.Status.INVALID
        job.summary = {"errors": [{"row": None, "column": "", "message": " ".join(error.messages)}]}
        job.save(update_fields=["status", "summary", "updated_at"])
        return job
    plan = services.cohort_import_check(actor=job.requested_by, cohort=job.cohort, rows=rows)
    job.rows_total = len(rows)
    job.summary = {
        "counts": {action.value: plan.count(action) for action in services.RowAction},
        "errors": [
            {"row": number, "column": error.column, "message": error.message}
            for number, error in plan.errors[:ERRORS_KEPT]
        ],
        "error_count": len(plan.errors),
    }
    job.status = CohortImport.Status.READY if plan.is_clean else CohortImport.Status.INVALID
    job.save(update_fields=["status", "rows_total", "summary", "updated_at"])
    return job


@transaction.atomic
def cohort_import_job_confirm(*, actor: User, job: CohortImport) -> CohortImport:
    services._require_staff(actor, job.cohort.organisation)
    locked = CohortImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != CohortImport.Status.READY:
        raise ValidationError("This file is not ready to import. Check its page for why.")
    locked.status = CohortImport.Status.IMPORTING
    locked.rows_done = 0
    locked.save(update_fields=["status", "rows_done", "updated_at"])
    job_id = str(locked.pk)
    transaction.on_commit(lambda: _enqueue_run(job_id))
    return locked


def _chunks(rows: Sequence[RawRow]) -> Iterator[Sequence[RawRow]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def cohort_import_job_run(*, job_id: str) -> CohortImport | None:
    """Import an IMPORTING job's rows chunk by chunk (not one transaction: progress shows between
    chunks). Idempotent: a chunk already imported changes nothing when run again."""
    job = (
        CohortImport.objects.select_related("cohort__organisation", "requested_by", "file")
        .filter(pk=job_id, status=CohortImport.Status.IMPORTING)
        .first()
    )
    if job is None:
        return None
    totals = dict.fromkeys(("invited", "started", "joined", "changed", "same"), 0)
    try:
        rows = _rows(job)
        for chunk in _chunks(rows):
            result = services.cohort_import(
                actor=job.requested_by, cohort=job.cohort, rows=chunk, file_name=job.file_name
            )
            for key in totals:
                totals[key] += getattr(result, key)
            CohortImport.objects.filter(pk=job.pk).update(rows_done=job.rows_done + len(chunk))
            job.rows_done += len(chunk)
    except ValidationError as error:
        return _finish(job, CohortImport.Status.FAILED, {"message": " ".join(error.messages), **totals})
    return _finish(job, CohortImport.Status.DONE, totals)


@transaction.atomic
def _finish(job: CohortImport, status: str, result: Mapping[str, object]) -> CohortImport:
    job.status = status
    job.summary = {**job.summary, "result": dict(result)}
    job.save(update_fields=["status", "summary", "updated_at"])
    if status == CohortImport.Status.DONE and job.file is not None:
        stored: StoredFile = job.file
        job.file = None
        job.save(update_fields=["file", "updated_at"])
        file_delete(actor=job.requested_by, stored_file=stored)
    return job
