"""Celery tasks of the ASYE app. They live with their part of the app; importing them here lets
Celery's autodiscovery find them."""

from .cohorts.tasks import cohort_import_check_task, cohort_import_run_task  # noqa: F401
from .export.tasks import portfolio_export_build  # noqa: F401
