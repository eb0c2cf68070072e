"""Reminder producers: how an app tells the reminder engine (`academy/reminders/`) what is due.

A producer is a function an app registers from its `AppConfig.ready()`. The engine's sweep
(`reminders_produce`, daily at a set London time, and on demand) calls every producer with the
current time and gets back **every reminder that is true now**, as `DueReminder`s. The engine
then does the rest, in bulk:

- a reminder it has not seen (by its key) becomes a row, once: the key is unique, so running
  the sweep twice, or two sweeps at once, creates nothing twice;
- a reminder it holds, not yet sent, that the producer no longer returns is cancelled: the
  fact changed (the supervision was recorded, the review signed);
- due rows are delivered by the delivery sweep (every minute) as portal notifications and,
  as each person chose, emails or a daily digest. Nobody whose memberships have all ended
  is reminded.

So a producer answers "what should people be reminded of today?", never "what is due exactly
today?": it selects with ranges (`due_on__lte=today + 14 days`, `submitted_at__lte=now -
waiting`), so a run that was missed, or that runs late, still finds everything. It returns the
same reminder, with the same key, for as long as the fact holds; the engine sends it once.

    from academy.registry.reminders import DueReminder, ReminderKind, register_reminder_producer

    SESSION_TOMORROW = ReminderKind("programmes.session_tomorrow", "A session you are booked on is tomorrow")

    def sessions_tomorrow(*, now: datetime) -> Iterable[DueReminder]:
        today = timezone.localdate(now)
        for booking in selectors.bookings_starting(after=now, before=start_of(today + timedelta(days=2))):
            yield DueReminder(
                kind=SESSION_TOMORROW.name,
                recipient_id=booking.person_id,
                key=f"booking:{booking.pk}:{booking.session.starts_at:%Y%m%d%H%M}",
                title=f"{booking.session.title} is tomorrow",
                body=f"It starts at {booking.session.starts_at:%H:%M} in {booking.session.venue}.",
                url=reverse("programmes:session", args=[booking.session.pk]),
                about=booking,
                due_at=booking.session.starts_at - timedelta(days=1),
            )

    class ProgrammesConfig(AppConfig):
        def ready(self) -> None:
            register_reminder_producer(
                name="programmes.sessions_tomorrow", produce=sessions_tomorrow, kinds=[SESSION_TOMORROW]
            )

Other producers the apps are expected to add the same way: programmes, "a place is offered
from the waitlist" (key: the offer, due now, about the offer); placements, "the placement's
review is due" (key: placement and review number, due a week before, about the placement) and
"the educator's currency expires" (key: educator and expiry date, due 60 days before).

- `kind` names what the reminder is about; each person chooses per kind how to hear of it,
  so list every kind a producer yields in `kinds` (their labels are what the preferences page
  shows).
- `key` identifies the fact, including what would make it a new fact (the period, the due
  date, the version), so a later occurrence is a new reminder and the same one is not. The
  engine prefixes it with the kind and recipient.
- `url` is a path in the portal, the page that resolves the reminder; the email links to it.
- `about` is the object the reminder concerns (any model instance) or `about_ref`, a string for
  something without one row ("cpd.renewal:2027").
- `due_at` (aware) is when to deliver it; in the past means now.

Names are unique across apps (prefix them with the app): the engine records which producer
made each reminder and cancels only that producer's."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from .base import Registry


@dataclass(frozen=True)
class ReminderKind:
    """A kind of reminder, as people choose how to hear of it: `name` ("asye.supervision_due")
    and the label the preferences page shows."""

    name: str
    label: str


@dataclass(frozen=True)
class DueReminder:
    """One reminder a producer says is true now."""

    kind: str
    recipient_id: Any
    key: str
    title: str
    url: str
    due_at: datetime
    body: str = ""
    about: Any = None
    about_ref: str = ""
    organisation_id: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Produce(Protocol):
    def __call__(self, *, now: datetime) -> Iterable[DueReminder]: ...


@dataclass(frozen=True)
class ReminderProducer:
    name: str
    produce: Produce
    kinds: tuple[ReminderKind, ...] = ()
    description: str = ""


reminder_producers = Registry[ReminderProducer]("reminder producer")


def register_reminder_producer(
    *, name: str, produce: Produce, kinds: Sequence[ReminderKind] = (), description: str = ""
) -> ReminderProducer:
    return reminder_producers.register(name, ReminderProducer(name, produce, tuple(kinds), description))


def registered_reminder_producers() -> list[ReminderProducer]:
    """Every producer, in the order registered (the sweep runs them in this order)."""
    return reminder_producers.entries()


def registered_reminder_kinds() -> list[ReminderKind]:
    """Every kind any producer yields, by label: the rows of the preferences page."""
    kinds = {kind.name: kind for producer in reminder_producers.entries() for kind in producer.kinds}
    return sorted(kinds.values(), key=lambda kind: kind.label)
