"""The CPD demo: on 1 December 2026 the 2025-26 registration year has just ended and 2026-27 has begun;
people are done, not met and on track; loading twice changes nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from academy.demo import DEMO_DOMAIN, DEMO_PASSWORD, load_demo
from academy.models import User
from academy.scope import Scope
from cpd.models import CpdRecord, PeerAnswer, PeerConfirmationRequest
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
    assert CpdRecord.objects.count() == count == 15  # 12 in employment, 3 of the former social worker
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
    # The former social worker's employment has ended; their ledger stays theirs.
    former = User.objects.get(email=f"former-social-worker@{DEMO_DOMAIN}")
    assert not former.memberships.filter(is_active=True).exists()
    assert _progress("former-social-worker", "2025-26").met
    assert _progress("former-social-worker", "2026-27").distinct == 1
    # Peer confirmations: the former social worker's confirmed, the social worker's waiting.
    requests = {
        r.record.person.email: r for r in PeerConfirmationRequest.objects.select_related("record__person")
    }
    assert len(requests) == 2
    assert requests[f"former-social-worker@{DEMO_DOMAIN}"].answer == PeerAnswer.CONFIRMED
    assert requests[f"social-worker@{DEMO_DOMAIN}"].answer == ""


def test_the_demo_former_social_worker_signs_in_to_their_cpd(client: Client, frameworks: None) -> None:
    with time_machine.travel(NOW, tick=False):
        load_demo()
        response = client.post(
            reverse("account_login"),
            {"login": f"former-social-worker@{DEMO_DOMAIN}", "password": DEMO_PASSWORD},
        )
        assert response["Location"] == reverse("academy:home")
        ledger = client.get(reverse("cpd:ledger") + "?year=2025-26").content.decode()
    assert "Mental capacity in practice: a refresher" in ledger
    record = CpdRecord.objects.get(
        person__email=f"former-social-worker@{DEMO_DOMAIN}", title__startswith="Mental"
    )
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("cpd:record", args=[record.pk])).content.decode()
    assert "Dana Whitlock confirmed on" in page
