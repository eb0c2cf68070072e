"""The ASYE's reminder producers (asye/reminders.py) through the core's producer sweep: what each
says is due, from which London moment, once however often it runs, cancelled when the fact
changes, a fixed number of queries, and only ever to the record's own people."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from academy.models import Reminder
from academy.registry.reminders import registered_reminder_producers
from academy.reminders.services import Produced, reminders_produce
from academy.roles import Role
from asye.agreement.models import SignatureCapacity
from asye.models import AsyeRecord, EvidenceStatus, RecordStatus
from asye.reminders import (
    EVIDENCE_WAITING,
    REVIEW_COMING_UP,
    REVIEW_DUE,
    SIGNATURE_WAITING,
    SUPERVISION_DUE,
    SUPERVISION_OVERDUE,
    evidence_waiting_reminders,
    review_reminders,
    signature_reminders,
    supervision_reminders,
)
from asye.tests.agreement_support import AgreementFactory, sign
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, member
from asye.tests.review_support import sign_review, write_review
from asye.tests.supervision_support import supervision_on

LONDON = ZoneInfo("Europe/London")
UTC = datetime.UTC


def at_london(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=LONDON)


def produce(name: str, now: datetime.datetime) -> Produced:
    producers = [p for p in registered_reminder_producers() if p.name == name]
    assert producers, name
    return reminders_produce(now=now, producers=producers)


def open_rows(name: str) -> list[Reminder]:
    return list(Reminder.objects.filter(producer=name, state__in=["pending", "due"]).order_by("kind", "key"))


def people(record: AsyeRecord, *roles: str) -> set[Any]:
    return {getattr(record, role).user_id for role in roles}


# --- Supervision -------------------------------------------------------------------------------


def test_supervision_due_on_a_bst_date_reminds_nqsw_and_manager_once(record: AsyeRecord) -> None:
    now = at_london(2026, 9, 3)  # BST; the record starts on 1 September, weekly at first
    with time_machine.travel(now, tick=False):
        first = produce("asye.supervision", now)
        second = produce("asye.supervision", now)
    rows = open_rows("asye.supervision")
    assert {r.recipient_id for r in rows} == people(record, "nqsw", "line_manager")
    assert {r.kind for r in rows} == {SUPERVISION_DUE.name}
    assert all("supervision:2026-09-01" in r.key for r in rows)
    # Midnight of 1 September on London's clock is 23:00 UTC the day before (BST).
    assert {r.due_at for r in rows} == {datetime.datetime(2026, 8, 31, 23, tzinfo=UTC)}
    assert rows[0].url == f"/asye/records/{record.pk}/supervision/"
    assert (first.created, second.created, second.unchanged) == (2, 0, 2)


def test_supervision_recorded_in_the_interval_cancels_the_reminder(record: AsyeRecord) -> None:
    now = at_london(2026, 9, 3)
    with time_machine.travel(now, tick=False):
        produce("asye.supervision", now)
        supervision_on(record, datetime.date(2026, 9, 2))
        result = produce("asye.supervision", now)
    assert result.cancelled == 2
    assert open_rows("asye.supervision") == []


def test_a_missed_interval_is_overdue_and_the_next_one_due(record: AsyeRecord) -> None:
    now = at_london(2026, 9, 9)
    with time_machine.travel(now, tick=False):
        produce("asye.supervision", now)
    rows = open_rows("asye.supervision")
    overdue = [r for r in rows if r.kind == SUPERVISION_OVERDUE.name]
    due = [r for r in rows if r.kind == SUPERVISION_DUE.name]
    assert {r.key.rsplit(":", 1)[-1] for r in overdue} == {"2026-09-01"}
    assert {r.due_at for r in overdue} == {datetime.datetime(2026, 9, 7, 23, tzinfo=UTC)}
    assert {r.key.rsplit(":", 1)[-1] for r in due} == {"2026-09-08"}


@pytest.mark.parametrize("status", [RecordStatus.PAUSED, RecordStatus.WITHDRAWN, RecordStatus.COMPLETED])
def test_records_not_open_remind_nobody(record: AsyeRecord, status: str) -> None:
    AsyeRecord.objects.filter(pk=record.pk).update(status=status)
    EvidenceItemFactory(
        record=record,
        status=EvidenceStatus.SUBMITTED,
        submitted_at=at_london(2026, 9, 1),
    )
    now = at_london(2026, 11, 5)
    with time_machine.travel(now, tick=False):
        for name in ("asye.supervision", "asye.reviews", "asye.evidence_waiting", "asye.signatures"):
            assert produce(name, now).created == 0


# --- Reviews -----------------------------------------------------------------------------------


def test_review_coming_up_then_due_across_the_clock_change_then_cancelled_when_signed(
    orgs: Any, personas: dict[str, Any], programme_types: None
) -> None:
    record = AsyeRecordFactory(organisation=orgs.home, start_date=datetime.date(2026, 8, 5))
    everyone = people(record, "nqsw", "assessor", "line_manager")
    # The foundational review is due on 5 November (GMT); it is "coming up" from 22 October (BST).
    before = at_london(2026, 10, 21)
    with time_machine.travel(before, tick=False):
        assert produce("asye.reviews", before).created == 0
    coming = at_london(2026, 10, 22)
    with time_machine.travel(coming, tick=False):
        produce("asye.reviews", coming)
        assert produce("asye.reviews", coming).created == 0
    rows = open_rows("asye.reviews")
    assert {r.recipient_id for r in rows} == everyone
    assert {r.kind for r in rows} == {REVIEW_COMING_UP.name}
    assert {r.due_at for r in rows} == {datetime.datetime(2026, 10, 21, 23, tzinfo=UTC)}
    assert rows[0].url == f"/asye/records/{record.pk}/reviews/foundational/"
    # The NQSW reads about their own review; the assessor and manager, who have several NQSWs,
    # are told whose it is.
    name = record.nqsw.user.display_name
    titles = {r.recipient_id: r.title for r in rows}
    assert titles[record.nqsw.user_id] == "The foundational review (3 months) is coming up"
    assert titles[record.assessor.user_id] == f"{name}: The foundational review (3 months) is coming up"
    assert titles[record.line_manager.user_id] == f"{name}: The foundational review (3 months) is coming up"

    due = at_london(2026, 11, 5)  # after the clocks went back on 25 October
    with time_machine.travel(due, tick=False):
        result = produce("asye.reviews", due)
    rows = open_rows("asye.reviews")
    assert {r.kind for r in rows} == {REVIEW_DUE.name}
    assert {r.due_at for r in rows} == {datetime.datetime(2026, 11, 5, 0, tzinfo=UTC)}
    assert (result.created, result.cancelled) == (3, 3)  # the unsent "coming up" ones went

    with time_machine.travel(due, tick=False):
        write_review(record)
        sign_review(record)
        result = produce("asye.reviews", due)
    assert result.cancelled == 3
    assert open_rows("asye.reviews") == []


# --- Evidence waiting --------------------------------------------------------------------------


def test_evidence_waiting_longer_than_the_organisation_allows_reminds_the_assessor(
    record: AsyeRecord, orgs: Any
) -> None:
    orgs.home.evidence_waiting_days = 5
    orgs.home.save(update_fields=["evidence_waiting_days"])
    now = at_london(2026, 10, 20)
    old = EvidenceItemFactory(
        record=record, status=EvidenceStatus.SUBMITTED, submitted_at=now - datetime.timedelta(days=6)
    )
    EvidenceItemFactory(
        record=record, status=EvidenceStatus.SUBMITTED, submitted_at=now - datetime.timedelta(days=4)
    )
    EvidenceItemFactory(record=record, status=EvidenceStatus.DRAFT)
    with time_machine.travel(now, tick=False):
        assert produce("asye.evidence_waiting", now).created == 1
        assert produce("asye.evidence_waiting", now).created == 0
    [row] = open_rows("asye.evidence_waiting")
    assert row.kind == EVIDENCE_WAITING.name
    assert row.recipient_id == record.assessor.user_id
    assert row.due_at == old.submitted_at + datetime.timedelta(days=5)
    assert row.url == f"/asye/evidence/{old.pk}/"
    type(old).objects.filter(pk=old.pk).update(status=EvidenceStatus.ACCEPTED)
    with time_machine.travel(now, tick=False):
        assert produce("asye.evidence_waiting", now).cancelled == 1


# --- Signatures --------------------------------------------------------------------------------


def test_agreement_signed_by_one_waits_for_the_others(record: AsyeRecord) -> None:
    agreement = AgreementFactory(record=record)
    now = at_london(2026, 9, 10)
    with time_machine.travel(now, tick=False):
        assert produce("asye.signatures", now).created == 0  # nobody has signed yet
        sign(agreement, SignatureCapacity.NQSW, record.nqsw)
        produce("asye.signatures", now)
        assert produce("asye.signatures", now).created == 0
    rows = open_rows("asye.signatures")
    assert {r.recipient_id for r in rows} == people(record, "assessor", "line_manager")
    assert {r.kind for r in rows} == {SIGNATURE_WAITING.name}
    assert rows[0].url == f"/asye/records/{record.pk}/agreement/"
    with time_machine.travel(now, tick=False):
        sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)
        assert produce("asye.signatures", now).cancelled == 1
    assert {r.recipient_id for r in open_rows("asye.signatures")} == people(record, "line_manager")


def test_review_written_in_full_waits_for_each_signature(record: AsyeRecord) -> None:
    now = at_london(2026, 12, 2)
    with time_machine.travel(now, tick=False):
        write_review(record)
        produce("asye.signatures", now)
        assert {r.recipient_id for r in open_rows("asye.signatures")} == people(
            record, "nqsw", "assessor", "line_manager"
        )
        sign_review(record, who=(SignatureCapacity.NQSW,))
        assert produce("asye.signatures", now).cancelled == 1
    rows = open_rows("asye.signatures")
    assert {r.recipient_id for r in rows} == people(record, "assessor", "line_manager")
    assert rows[0].url == f"/asye/records/{record.pk}/reviews/foundational/"


# --- Isolation and query counts -----------------------------------------------------------------


def _busy_record(organisation: Any, **fields: Any) -> AsyeRecord:
    """A record with something for every producer on 2 December 2026."""
    record = AsyeRecordFactory(organisation=organisation, **fields)
    EvidenceItemFactory(record=record, status=EvidenceStatus.SUBMITTED, submitted_at=at_london(2026, 10, 1))
    sign(AgreementFactory(record=record), SignatureCapacity.NQSW, record.nqsw)
    return record


def test_no_reminder_reaches_another_organisations_people(
    orgs: Any, personas: dict[str, Any], programme_types: None
) -> None:
    home = _busy_record(orgs.home)
    other = _busy_record(orgs.other)
    # The home record's assessor moved on: their assessor place there ended, and they now work
    # in the other council.
    moved = member(orgs.home, Role.ASSESSOR)
    home.assessor = moved
    home.save(update_fields=["assessor"])
    moved.is_active = False
    moved.save(update_fields=["is_active"])
    member(orgs.other, Role.ASSESSOR, user=moved.user)
    now = at_london(2026, 12, 2)
    with time_machine.travel(now, tick=False):
        for name in ("asye.supervision", "asye.reviews", "asye.evidence_waiting", "asye.signatures"):
            assert produce(name, now).created > 0
    rows = list(Reminder.objects.filter(producer__startswith="asye."))
    by_org = {
        orgs.home.pk: people(home, "nqsw", "line_manager"),
        orgs.other.pk: people(other, "nqsw", "assessor", "line_manager"),
    }
    for row in rows:
        assert row.recipient_id in by_org[row.organisation_id], row.key
    assert moved.user_id not in {r.recipient_id for r in rows if r.organisation_id == orgs.home.pk}


@pytest.mark.parametrize(
    ("producer", "queries"),
    [
        (supervision_reminders, 3),
        (review_reminders, 3),
        (evidence_waiting_reminders, 1),
        (signature_reminders, 2),
    ],
)
def test_each_producer_makes_a_fixed_number_of_queries(
    orgs: Any, programme_types: None, producer: Any, queries: int
) -> None:
    now = at_london(2026, 12, 2)
    counts = []
    for _ in range(2):
        for _ in range(3):
            record = _busy_record(orgs.home)
            write_review(record)
        with time_machine.travel(now, tick=False), CaptureQueriesContext(connection) as captured:
            found = list(producer(now=now))
        assert found
        counts.append(len(captured.captured_queries))
    assert counts == [queries, queries]


def test_due_times_are_aware_london_midnights() -> None:
    from asye.reminders import london_midnight

    assert london_midnight(datetime.date(2027, 3, 28)) == datetime.datetime(2027, 3, 28, 0, tzinfo=UTC)
    assert london_midnight(datetime.date(2027, 3, 29)) == datetime.datetime(2027, 3, 28, 23, tzinfo=UTC)
    assert timezone.is_aware(london_midnight(datetime.date(2026, 7, 1)))


def test_the_demo_reaches_the_asye_reminders(programme_types: None) -> None:
    from academy.demo import load_demo

    load_demo()
    first = set(Reminder.objects.filter(producer__startswith="asye.").values_list("key", "state"))
    load_demo()  # idempotent: the same reminders, nothing new, nothing cancelled
    assert set(Reminder.objects.filter(producer__startswith="asye.").values_list("key", "state")) == first
    kinds = set(Reminder.objects.filter(producer__startswith="asye.").values_list("kind", flat=True))
    assert {SUPERVISION_DUE.name, EVIDENCE_WAITING.name, SIGNATURE_WAITING.name} <= kinds
    assert kinds & {REVIEW_COMING_UP.name, REVIEW_DUE.name, "asye.review_overdue"}
    waiting = Reminder.objects.filter(kind=EVIDENCE_WAITING.name)
    assert waiting.count() == waiting.values("object_id").distinct().count()
