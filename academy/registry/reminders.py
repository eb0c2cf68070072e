"""Reminder producers: the registry only. The reminder engine that runs them is a later issue;
nothing in the core calls a producer yet, and no reminder is sent from here.

A producer is a named callable an app registers from its `AppConfig.ready()`. When the engine
exists, its periodic sweep will call every producer with the current time (aware, from
`timezone.now()`) and store what each returns as reminder rows with a due time and a dedupe key
(STYLE.md, "Celery and reminders"). What a producer yields is defined with the engine; until
then the type says only "some objects":

    def supervision_due(*, now: datetime) -> Iterable[object]: ...

    register_reminder_producer(
        name="asye.supervision_due", produce=supervision_due, description="Supervision is due"
    )

Names are unique across apps (prefix them with the app) because the engine will record which
producer made each reminder."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .base import Registry


class Produce(Protocol):
    def __call__(self, *, now: datetime) -> Iterable[object]: ...


@dataclass(frozen=True)
class ReminderProducer:
    name: str
    produce: Produce
    description: str = ""


reminder_producers = Registry[ReminderProducer]("reminder producer")


def register_reminder_producer(*, name: str, produce: Produce, description: str = "") -> ReminderProducer:
    return reminder_producers.register(name, ReminderProducer(name, produce, description))


def registered_reminder_producers() -> list[ReminderProducer]:
    """Every producer, in the order registered (the engine's sweep will run them in this order)."""
    return reminder_producers.entries()
