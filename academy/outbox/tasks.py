"""The outbox's tasks. The sweep runs every minute from beat (academy/schedules.py) and is what
makes delivery reliable; `outbox_send` only sends one row sooner and may be lost harmlessly."""

import uuid

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(acks_late=True)
def outbox_sweep() -> dict[str, int]:
    return services.outbox_sweep(time_budget=settings.OUTBOX_SWEEP_SECONDS).as_dict()


@shared_task(acks_late=True)
def outbox_send(message_id: str) -> dict[str, int]:
    return services.outbox_deliver(message_ids=[uuid.UUID(message_id)]).as_dict()
