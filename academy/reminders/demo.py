"""The demo's reminders: after every app's demo data is loaded, run the producers and deliver
what is due, so `make demo` shows reminders in the portal (and the console email backend prints
their emails) straight away; beat keeps them coming under `make run`. Idempotent, like the
engine: a second run makes and sends nothing new."""

from .services import reminders_deliver, reminders_produce


def load_reminders_demo() -> None:
    reminders_produce()
    reminders_deliver()
