"""The pre-filled moderation checklist (asye/moderation/checklist.py), the "moderation panel coming
up" reminders, and the moderation demo."""

import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from academy.registry.reminders import registered_reminder_producers
from academy.reminders.models import Reminder
from academy.reminders.services import reminders_produce
from academy.roles import Role
from academy.tests.factories import MembershipFactory
from asye.models import AsyeRecord, EvidenceKind, EvidenceStatus, RecordStatus
from asye.moderation import checklist
from asye.moderation.models import ModerationPanel, PanelMember, PanelStatus
from asye.selectors import _with_page_data
from asye.signatures import SignatureCapacity
from asye.tests.agreement_support import AgreementFactory, sign
from asye.tests.factories import AsyeRecordFactory, EvidenceItemFactory, member
from asye.tests.supervision_support import caseload_month, protected_time, supervision_on

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _records(ids: list[Any]) -> list[AsyeRecord]:
    return list(_with_page_data(AsyeRecord.objects.filter(pk__in=ids)).order_by("start_date"))


def _fully_signed(record: AsyeRecord) -> None:
    agreement = AgreementFactory(record=record)
    lead = member(record.organisation, Role.PSW)
    for capacity, membership in (
        (SignatureCapacity.NQSW, record.nqsw),
        (SignatureCapacity.ASSESSOR, record.assessor),
        (SignatureCapacity.LINE_MANAGER, record.line_manager),
        (SignatureCapacity.ASYE_LEAD, lead),
    ):
        sign(agreement, capacity, membership)


def test_prefill_reads_the_record(programme_types: None) -> None:
    today = timezone.localdate()
    record = AsyeRecordFactory(start_date=today - datetime.timedelta(days=20))
    _fully_signed(record)
    caseload_month(record, today, caseload="14", comparison="20")
    protected_time(record, used_on=today - datetime.timedelta(days=1), hours="40")
    for day in (1, 8, 15):
        supervision_on(record, record.start_date + datetime.timedelta(days=day))
    minimums = record.programme_version.evidence_minimums
    for kind, wanted in minimums.items():
        for _ in range(int(wanted)):
            EvidenceItemFactory(record=record, kind=kind, status=EvidenceStatus.ACCEPTED)
    EvidenceItemFactory(record=record, kind=EvidenceKind.SELF_ASSESSMENT, status=EvidenceStatus.ACCEPTED)
    items = {item.key: item for item in checklist.checklist_prefill(_records([record.pk]))[record.pk]}
    assert [key for key, _ in checklist.ITEMS] == list(items)
    assert all(item.met for item in items.values()), {k: i.facts for k, i in items.items() if not i.met}
    assert "30% lower" in items[checklist.WORKLOAD].facts


def test_prefill_says_what_is_missing(programme_types: None) -> None:
    today = timezone.localdate()
    record = AsyeRecordFactory(start_date=today - datetime.timedelta(days=200))
    caseload_month(record, today, caseload="22", comparison="20")
    found = {item.key: item for item in checklist.checklist_prefill(_records([record.pk]))[record.pk]}
    assert not found[checklist.AGREEMENT].met
    assert found[checklist.AGREEMENT].facts == "No agreement has been started."
    assert not found[checklist.REVIEWS].met
    assert "is not signed" in found[checklist.REVIEWS].facts
    assert not found[checklist.SUPERVISION].met
    assert not found[checklist.WORKLOAD].met
    assert not found[checklist.PROTECTED_TIME].met
    assert not found[checklist.EVIDENCE].met
    assert "direct observation" in found[checklist.EVIDENCE].facts
    assert not found[checklist.SELF_ASSESSMENT].met


def test_prefill_reads_many_records_in_six_queries(
    programme_types: None, django_assert_num_queries: Any
) -> None:
    today = timezone.localdate()
    ids = []
    for n in range(6):
        record = AsyeRecordFactory(start_date=today - datetime.timedelta(days=100 + n))
        _fully_signed(record)
        caseload_month(record, today)
        protected_time(record, used_on=today - datetime.timedelta(days=2))
        supervision_on(record, today - datetime.timedelta(days=3))
        EvidenceItemFactory(record=record, status=EvidenceStatus.ACCEPTED)
        ids.append(record.pk)
    few, many = _records(ids[:3]), _records(ids)
    # Agreements with their signatures, reviews, supervision days, caseloads, protected hours,
    # accepted evidence by kind: the same six for three records as for six.
    with django_assert_num_queries(6):
        assert len(checklist.checklist_prefill(few)) == 3
    with django_assert_num_queries(6):
        assert len(checklist.checklist_prefill(many)) == 6
    assert checklist.checklist_prefill([]) == {}


# --- "Moderation panel coming up" ----------------------------------------------------------------------


def _produce(now: datetime.datetime) -> Any:
    producers = [p for p in registered_reminder_producers() if p.name == "asye.moderation_panel"]
    return reminders_produce(now=now, producers=producers)


def _panel_with_members(held_on: datetime.date, orgs: Any, psw: Any) -> ModerationPanel:
    panel = ModerationPanel.objects.create(
        organisation=orgs.home, title="Autumn panel", held_on=held_on, created_by=psw
    )
    for organisation in (orgs.home, orgs.other):
        PanelMember.objects.create(
            panel=panel,
            membership=MembershipFactory(organisation=organisation, role=Role.MODERATOR),
            added_by=psw,
        )
    return panel


def test_panel_reminders_in_a_range_once_and_cancelled_when_it_closes(orgs: Any, psw: Any) -> None:
    # 1 September is in British Summer Time: London is an hour ahead of UTC.
    with time_machine.travel(datetime.datetime(2026, 9, 1, 9, tzinfo=LONDON), tick=False):
        now = timezone.now()
        soon = _panel_with_members(datetime.date(2026, 9, 10), orgs, psw)
        _panel_with_members(datetime.date(2026, 10, 30), orgs, psw)  # too far off yet
        _produce(now)
        _produce(now)
        rows = Reminder.objects.filter(producer="asye.moderation_panel")
        assert rows.count() == 2  # each member of the coming panel, once
        assert {r.object_id for r in rows} == {str(soon.pk)}
        assert all(r.url.endswith(f"/moderation/{soon.pk}/") for r in rows)
        ModerationPanel.objects.filter(pk=soon.pk).update(status=PanelStatus.CLOSED)
        _produce(now)
        assert set(rows.values_list("state", flat=True)) == {Reminder.State.CANCELLED}


def test_a_run_missed_on_the_day_still_finds_the_panel(orgs: Any, psw: Any) -> None:
    """Across the October clock change: a panel on 27 October seen first on the 26th (the day
    after British Summer Time ends), not 14 days before."""
    _panel_with_members(datetime.date(2026, 10, 27), orgs, psw)
    with time_machine.travel(datetime.datetime(2026, 10, 26, 0, 30, tzinfo=LONDON), tick=False):
        _produce(timezone.now())
    rows = Reminder.objects.filter(producer="asye.moderation_panel")
    assert rows.count() == 2
    assert all(r.due_at <= datetime.datetime(2026, 10, 26, 0, 30, tzinfo=LONDON) for r in rows)


# --- The demo ----------------------------------------------------------------------------------------------


def test_the_demo_has_a_panel_with_an_external_moderator_and_a_locked_record(programme_types: None) -> None:
    from academy.demo import load_demo
    from asye.moderation.demo import COMPLETED_EMAIL, EXTERNAL_EMAIL, OPEN_PANEL

    load_demo()
    counts = (ModerationPanel.objects.count(), PanelMember.objects.count(), AsyeRecord.objects.count())
    load_demo()
    assert (
        ModerationPanel.objects.count(),
        PanelMember.objects.count(),
        AsyeRecord.objects.count(),
    ) == counts
    panel = ModerationPanel.objects.get(title=OPEN_PANEL)
    assert panel.members.filter(membership__user__email=EXTERNAL_EMAIL).exists()
    external = panel.members.get(membership__user__email=EXTERNAL_EMAIL).membership
    assert external.organisation.slug == "eastholm" != panel.organisation.slug
    awaiting = panel.allocations.get()
    assert awaiting.record.status == RecordStatus.SUBMITTED
    completed = AsyeRecord.objects.get(nqsw__user__email=COMPLETED_EMAIL)
    assert completed.status == RecordStatus.COMPLETED
    assert completed.final_decision.outcome == "pass"
    assert Decimal(completed.fte) == Decimal("1")
