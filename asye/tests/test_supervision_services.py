"""Supervision, workload and protected time services against the database: who may act, what
is refused, the audit each write leaves, double submits, and a record that is completed or
withdrawn refusing every write."""

import datetime
import uuid
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from academy.models import AuditEntry
from academy.roles import Role
from asye.models import AsyeRecord, RecordStatus
from asye.supervision import services
from asye.supervision.models import CaseloadMonth, ProtectedTime, SupervisionAttendance, SupervisionKind
from asye.tests.factories import AsyeRecordFactory, member
from asye.tests.supervision_support import protected_time, supervision_on

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def record(programme_types: None) -> AsyeRecord:
    return AsyeRecordFactory(start_date=D(2026, 9, 1))


def _session(actor: Any, records: list[AsyeRecord], **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "actor": actor,
        "records": records,
        "kind": SupervisionKind.GROUP if len(records) > 1 else SupervisionKind.ONE_TO_ONE,
        "held_on": D(2026, 11, 20),
        "duration_minutes": 60,
        "supervisor": records[0].line_manager,
        "discussion": "Caseload and wellbeing.",
        "submit_token": uuid.uuid4(),
        "actions": [{"action": "Book the observation", "owner": "NQSW", "due_on": D(2026, 12, 5)}, {}],
        **overrides,
    }
    return services.supervision_record(**values)


def test_the_line_manager_records_a_one_to_one(record: AsyeRecord) -> None:
    session = _session(record.line_manager.user, [record], start_time=datetime.time(14, 30))
    assert session.attendances.get().record == record
    assert session.actions == [{"action": "Book the observation", "owner": "NQSW", "due_on": "2026-12-05"}]
    entry = AuditEntry.objects.get(verb="asye_supervision.record", object_id=str(session.pk))
    assert entry.after["records"] == [str(record.pk)]
    assert entry.organisation == record.organisation


def test_the_assessor_may_record_and_be_the_supervisor(record: AsyeRecord) -> None:
    session = _session(record.assessor.user, [record], supervisor=record.assessor)
    assert session.supervisor == record.assessor


def test_others_may_not_record(record: AsyeRecord) -> None:
    for actor in (record.nqsw.user, member(record.organisation, Role.PSW).user):
        with pytest.raises(PermissionDenied):
            _session(actor, [record])
    assert not SupervisionAttendance.objects.exists()


def test_the_supervisor_must_be_assigned_to_the_record(record: AsyeRecord) -> None:
    stranger = member(record.organisation, Role.LINE_MANAGER)
    with pytest.raises(ValidationError) as error:
        _session(record.line_manager.user, [record], supervisor=stranger)
    assert "supervisor" in error.value.message_dict


def test_dates_outside_the_year_so_far_are_refused(record: AsyeRecord) -> None:
    for day in (D(2026, 8, 31), D(2026, 12, 2)):
        with pytest.raises(ValidationError) as error:
            _session(record.line_manager.user, [record], held_on=day)
        assert "held_on" in error.value.message_dict


def test_an_action_needs_an_owner(record: AsyeRecord) -> None:
    with pytest.raises(ValidationError):
        _session(record.line_manager.user, [record], actions=[{"action": "Read", "owner": ""}])


def test_a_double_submit_records_once(record: AsyeRecord) -> None:
    token = uuid.uuid4()
    first = _session(record.line_manager.user, [record], submit_token=token)
    second = _session(record.line_manager.user, [record], submit_token=token)
    assert first.pk == second.pk
    assert SupervisionAttendance.objects.count() == 1


def test_a_group_session_is_recorded_once_on_each_record(record: AsyeRecord) -> None:
    other = AsyeRecordFactory(
        organisation=record.organisation, line_manager=record.line_manager, start_date=D(2026, 9, 1)
    )
    session = _session(record.line_manager.user, [record, other])
    assert set(session.attendances.values_list("record_id", flat=True)) == {record.pk, other.pk}
    with pytest.raises(ValidationError):  # a group of one
        _session(record.line_manager.user, [record], kind=SupervisionKind.GROUP)
    elsewhere = AsyeRecordFactory(line_manager=record.line_manager, start_date=D(2026, 9, 1))
    with pytest.raises(ValidationError):  # another organisation
        _session(record.line_manager.user, [record, elsewhere])


def test_a_group_needs_the_recorder_on_every_record(record: AsyeRecord) -> None:
    not_mine = AsyeRecordFactory(organisation=record.organisation, start_date=D(2026, 9, 1))
    with pytest.raises(PermissionDenied):
        _session(record.line_manager.user, [record, not_mine])


def test_update_until_confirmed(record: AsyeRecord) -> None:
    session = _session(record.line_manager.user, [record])
    values: dict[str, Any] = {
        "held_on": session.held_on,
        "duration_minutes": 90,
        "supervisor": record.line_manager,
        "discussion": "Caseload, wellbeing and the next observation.",
    }
    updated = services.supervision_update(
        actor=record.assessor.user, supervision=session, revision=1, **values
    )
    assert (updated.revision, updated.duration_minutes) == (2, 90)
    entry = AuditEntry.objects.get(verb="asye_supervision.update")
    assert entry.before["duration_minutes"] == 60
    assert entry.after["duration_minutes"] == 90
    with pytest.raises(ValidationError, match="changed this supervision record after you opened it"):
        services.supervision_update(
            actor=record.line_manager.user,
            supervision=session,
            revision=1,
            **{**values, "duration_minutes": 45},
        )
    with pytest.raises(PermissionDenied):
        services.supervision_update(actor=record.nqsw.user, supervision=session, revision=2, **values)
    attendance = session.attendances.get()
    services.supervision_confirm(actor=record.nqsw.user, attendance=attendance, reflection="Useful.")
    with pytest.raises(ValidationError, match="has confirmed"):
        services.supervision_update(
            actor=record.line_manager.user,
            supervision=session,
            revision=2,
            **{**values, "duration_minutes": 45},
        )


def test_the_nqsw_confirms_and_reflects(record: AsyeRecord) -> None:
    session = supervision_on(record, D(2026, 11, 20))
    attendance = session.attendances.get()
    attendance.record = record
    with pytest.raises(PermissionDenied):
        services.supervision_confirm(actor=record.line_manager.user, attendance=attendance)
    confirmed = services.supervision_confirm(actor=record.nqsw.user, attendance=attendance)
    first = confirmed.confirmed_at
    assert first is not None
    assert confirmed.confirmed_by == record.nqsw.user
    again = services.supervision_confirm(
        actor=record.nqsw.user, attendance=attendance, reflection="I learnt a lot."
    )
    assert again.confirmed_at == first
    assert again.reflection == "I learnt a lot."
    assert AuditEntry.objects.filter(verb="asye_supervision.confirm").count() == 2


def test_one_attendee_cannot_confirm_for_another(record: AsyeRecord) -> None:
    other = AsyeRecordFactory(
        organisation=record.organisation, line_manager=record.line_manager, start_date=D(2026, 9, 1)
    )
    session = supervision_on([record, other], D(2026, 11, 20))
    theirs = session.attendances.get(record=other)
    with pytest.raises(PermissionDenied):
        services.supervision_confirm(actor=record.nqsw.user, attendance=theirs)


def test_caseload_by_the_line_manager_one_per_month(record: AsyeRecord) -> None:
    with pytest.raises(PermissionDenied):
        services.caseload_record(
            actor=record.assessor.user,
            record=record,
            month=D(2026, 10, 5),
            caseload=Decimal(18),
            comparison=Decimal(20),
        )
    services.caseload_record(
        actor=record.line_manager.user,
        record=record,
        month=D(2026, 10, 5),
        caseload=Decimal(18),
        comparison=Decimal(20),
    )
    entry = services.caseload_record(
        actor=record.line_manager.user,
        record=record,
        month=D(2026, 10, 28),
        caseload=Decimal(17),
        comparison=Decimal(20),
    )
    assert CaseloadMonth.objects.get().caseload == Decimal(17) == entry.caseload
    assert entry.month == D(2026, 10, 1)
    audits = AuditEntry.objects.filter(verb="asye_caseload.record").order_by("created_at")
    assert [a.before for a in audits][1]["caseload"] == "18.0"
    with pytest.raises(ValidationError):
        services.caseload_record(
            actor=record.line_manager.user,
            record=record,
            month=D(2027, 1, 5),
            caseload=Decimal(1),
            comparison=Decimal(2),
        )


def test_protected_time_by_the_nqsw(record: AsyeRecord) -> None:
    token = uuid.uuid4()
    values: dict[str, Any] = {"used_on": D(2026, 11, 3), "hours": Decimal("3.5"), "activity": "Reading"}
    with pytest.raises(PermissionDenied):
        services.protected_time_add(
            actor=record.line_manager.user, record=record, submit_token=token, **values
        )
    entry = services.protected_time_add(actor=record.nqsw.user, record=record, submit_token=token, **values)
    assert (
        services.protected_time_add(actor=record.nqsw.user, record=record, submit_token=token, **values)
        == entry
    )
    assert AuditEntry.objects.filter(verb="asye_protected_time.add").count() == 1
    entry.record = record
    services.protected_time_remove(actor=record.nqsw.user, entry=entry)
    assert not ProtectedTime.objects.exists()
    assert AuditEntry.objects.get(verb="asye_protected_time.remove").before["hours"] == "3.5"


@pytest.mark.parametrize("status", [RecordStatus.COMPLETED, RecordStatus.WITHDRAWN])
def test_a_closed_record_refuses_every_write(record: AsyeRecord, status: str) -> None:
    session = supervision_on(record, D(2026, 11, 20))
    entry = protected_time(record)
    AsyeRecord.objects.filter(pk=record.pk).update(status=status)
    record.refresh_from_db()
    attendance = session.attendances.get()
    attendance.record = record
    entry.record = record
    manager, nqsw = record.line_manager.user, record.nqsw.user
    writes = [
        lambda: _session(manager, [record]),
        lambda: services.supervision_update(
            actor=manager,
            supervision=session,
            revision=1,
            held_on=session.held_on,
            duration_minutes=30,
            supervisor=record.line_manager,
            discussion="Changed",
        ),
        lambda: services.supervision_confirm(actor=nqsw, attendance=attendance),
        lambda: services.caseload_record(
            actor=manager, record=record, month=D(2026, 11, 1), caseload=Decimal(1), comparison=Decimal(2)
        ),
        lambda: services.protected_time_add(
            actor=nqsw,
            record=record,
            used_on=D(2026, 11, 2),
            hours=Decimal(1),
            activity="x",
            submit_token=uuid.uuid4(),
        ),
        lambda: services.protected_time_remove(actor=nqsw, entry=entry),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match="can no longer change"):
            write()
    assert not AuditEntry.objects.filter(verb__startswith="asye_").exists()
