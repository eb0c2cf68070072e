"""The reminder engine's periodic tasks (declared in academy/schedules.py). Each calls one
service and is safe to run twice or in two workers at once."""

from celery import shared_task
from django.conf import settings

from . import services


@shared_task(acks_late=True)
def reminders_produce() -> dict[str, int]:
    return services.reminders_produce().as_dict()


@shared_task(acks_late=True)
def reminders_deliver() -> dict[str, int]:
    """Deliver what is due, then send the digests whose time has come."""
    delivered = services.reminders_deliver(time_budget=settings.REMINDER_DELIVERY_SECONDS).as_dict()
    digested = services.reminders_digest_send().as_dict()
    return {**delivered, **{f"digest_{key}": value for key, value in digested.items()}}
