"""Celery tasks of the core. A task takes ids, loads rows and calls one service."""

from celery import shared_task

# The outbox's, the drafts' and the reminders' tasks live with them; importing them here lets
# Celery find them.
from .drafts.tasks import drafts_sweep  # noqa: F401
from .outbox.tasks import outbox_send, outbox_sweep  # noqa: F401
from .reminders.tasks import reminders_deliver, reminders_produce  # noqa: F401


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat's sign of life, shown on /health/ so operators see that schedules are running."""
    from .health import record_heartbeat

    record_heartbeat()


@shared_task(ignore_result=True, acks_late=True)
def memberships_end_sweep() -> int:
    """Daily: end the memberships whose employment end date has passed."""
    from .employment import memberships_end_past_employment

    return memberships_end_past_employment()


@shared_task(ignore_result=True, acks_late=True)
def files_pending_sweep() -> int:
    """Hourly: remove uploaded bytes whose record was rolled back (academy/files/services.py)."""
    from .files.services import files_pending_sweep

    return files_pending_sweep()
