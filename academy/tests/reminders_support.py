"""A test producer for the reminder engine: it says whatever `facts` holds is true, so a test
changes a fact by editing the list. Registered for the length of a test by the `test_producer`
fixture (nothing in production registers it)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from academy.models import User
from academy.registry.reminders import DueReminder, ReminderKind, ReminderProducer, reminder_producers

SUPERVISION = ReminderKind("test.supervision_due", "Supervision is due (test)")
REVIEW = ReminderKind("test.review_due", "A review is due (test)")


@dataclass
class Fact:
    person: User
    key: str
    due_at: datetime
    kind: str = SUPERVISION.name
    title: str = "Your supervision is due"


class TestProducer:
    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.calls = 0

    def __call__(self, *, now: datetime) -> Iterable[DueReminder]:
        self.calls += 1
        for fact in self.facts:
            yield DueReminder(
                kind=fact.kind,
                recipient_id=fact.person.pk,
                key=fact.key,
                title=fact.title,
                body="Book it with your line manager.",
                url="/notifications/",
                due_at=fact.due_at,
                about=fact.person,
            )


@pytest.fixture(name="test_producer")
def test_producer_fixture() -> Iterator[TestProducer]:
    """Import it into a test module (`from ... import test_producer_fixture`) to use it."""
    produce = TestProducer()
    with reminder_producers.registered(
        "test.supervision", ReminderProducer("test.supervision", produce, (SUPERVISION, REVIEW), "Test")
    ):
        yield produce
