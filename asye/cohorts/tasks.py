"""Celery tasks of large cohort imports (asye/cohorts/jobs.py). Each takes the job's id and calls
one service; a job no longer in the state the task expects is left alone, so a doubled task does
nothing."""

from celery import shared_task

from . import jobs


@shared_task(ignore_result=True, acks_late=True)
def cohort_import_check_task(job_id: str) -> None:
    jobs.cohort_import_job_check(job_id=job_id)


@shared_task(ignore_result=True, acks_late=True)
def cohort_import_run_task(job_id: str) -> None:
    jobs.cohort_import_job_run(job_id=job_id)
