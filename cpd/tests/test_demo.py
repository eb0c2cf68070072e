"""The CPD demo: on 1 December 2026 the 2025-26 registration year has just ended and 2026-27 has begun;
people are done, not met and on track; loading twice changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from academy.demo import DEMO_DOMAIN, load_demo
from academy.models import User
from academy.scope import Scope
from cpd.models import CpdRecord
from cpd.rules import YearProgress
from cpd.selectors import registration_year_get, year_progress

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def _progress(email: str, slug: str) -> YearProgress:
    user = User.objects.get(email=f"{email}@{DEMO_DOMAIN}")
    return year_progress(scope=Scope.of(user, None), year=registration_year_get(slug=slug), now=NOW)


def test_demo_ledgers(frameworks: None) -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo()
        count = CpdRecord.objects.count()
        load_demo()
    assert CpdRecord.objects.count() == count == 12
    done = _progress("social-worker", "2025-26")
    assert done.met
    assert done.is_past
    on_track = _progress("social-worker", "2026-27")
    assert on_track.distinct == 1
    assert on_track.days_left == 364
    not_met = _progress("nqsw", "2025-26")
    assert not not_met.met
    assert not_met.is_past
    assert _progress("nqsw", "2026-27").drafts == 1
    assert _progress("assessor", "2025-26").drafts == 2
    assert _progress("psw", "2025-26").met
