"""Periodic work of the programmes (declared from ProgrammesConfig.ready()). A task loads rows
and calls one service; each is safe to run twice or in two workers at once."""

from celery import shared_task

from academy.registry.reminders import registered_reminder_producers
from academy.reminders.services import reminders_produce

from . import services

OFFER_PRODUCER = "programmes.places_offered"


@shared_task(acks_late=True)
def waitlist_sweep() -> dict[str, int]:
    """Expire offers whose time is up, offer the places to the next people waiting, and tell
    them now rather than at the engine's daily run."""
    expired = services.offers_expire()
    producers = [p for p in registered_reminder_producers() if p.name == OFFER_PRODUCER]
    produced = reminders_produce(producers=producers)
    return {"expired": expired, "offers_told": produced.created}
