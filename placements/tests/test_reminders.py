"""The educator currency reminder, run through the reminder engine (twice: nothing doubles)."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from academy.models import Reminder
from academy.registry.reminders import registered_reminder_producers
from academy.reminders.services import reminders_produce
from academy.roles import Role
from academy.tests.factories import MembershipFactory
from conftest import Orgs
from placements.models import EducatorStage
from placements.reminders import PRODUCER
from placements.tests.factories import PracticeEducatorFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def produce(at: datetime.datetime) -> Any:
    producers = [p for p in registered_reminder_producers() if p.name == PRODUCER]
    with time_machine.travel(at, tick=False):
        return reminders_produce(producers=producers)


def _educator(orgs: Orgs, name: str, **kwargs: Any) -> Any:
    membership = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER, user__full_name=name)
    return PracticeEducatorFactory(organisation=orgs.home, user=membership.user, **kwargs)


def test_educators_are_reminded_before_their_currency_lapses(orgs: Orgs) -> None:
    # Qualified on 1 December 2024: current until 30 November 2026 with the default 24 months;
    # the 90-day warning opens on 2 September 2026 (British Summer Time).
    lapsing = _educator(orgs, "Lapsing Lee", qualified_on=datetime.date(2024, 12, 1))
    _educator(orgs, "Current Cat", qualified_on=datetime.date(2025, 6, 1))
    _educator(orgs, "Trainee Tam", stage=EducatorStage.TRAINEE, qualified_on=None)
    produce(datetime.datetime(2026, 9, 1, 12, 0, tzinfo=LONDON))
    assert not Reminder.objects.filter(producer=PRODUCER).exists()  # a day early
    produce(datetime.datetime(2026, 9, 2, 6, 0, tzinfo=LONDON))
    produce(datetime.datetime(2026, 9, 2, 7, 0, tzinfo=LONDON))  # a second run adds nothing
    reminder = Reminder.objects.get(producer=PRODUCER)
    assert reminder.recipient == lapsing.user
    assert reminder.due_at == datetime.datetime(2026, 9, 2, 9, 0, tzinfo=LONDON)  # 8am UTC in BST
    assert "30 November 2026" in reminder.title
    assert reminder.organisation == orgs.home


def test_the_reminder_is_cancelled_once_they_are_current_again(orgs: Orgs) -> None:
    lapsing = _educator(orgs, "Lapsing Lee", qualified_on=datetime.date(2024, 12, 1))
    produce(datetime.datetime(2026, 10, 1, 6, 0, tzinfo=LONDON))
    assert Reminder.objects.filter(producer=PRODUCER, cancelled_at__isnull=True).count() == 1
    lapsing.last_update_on = datetime.date(2026, 9, 20)
    lapsing.save()
    produce(datetime.datetime(2026, 10, 2, 6, 0, tzinfo=LONDON))
    assert not Reminder.objects.filter(producer=PRODUCER, cancelled_at__isnull=True).exists()
