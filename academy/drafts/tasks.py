"""The daily sweep of old drafts (registered in academy/schedules.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True, acks_late=True)
def drafts_sweep() -> int:
    return services.drafts_sweep().removed
