"""Celery tasks of the ASYE app, imported here so Celery's autodiscovery finds them."""

from .export.tasks import portfolio_export_build  # noqa: F401
