"""Celery tasks of the ASYE app. They live with their part of the app; importing them here lets
Celery find them."""

from .cohorts.tasks import cohort_import_check_task, cohort_import_run_task  # noqa: F401
