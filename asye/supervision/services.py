"""Writes of supervision, workload and protected time. Each checks who may act (from the
record's memberships, not from the page that called it), refuses a record that is completed
or withdrawn, validates, saves and audits in one transaction.

Decided:

- A supervision is recorded once, with one attendance per NQSW (one for a one-to-one, two or
  more for a group). Attendees stay as recorded; the rest may be changed by a line manager or
  assessor of every attendee's record until any attendee confirms it. A confirmed record is the
  agreed account of the session: a correction goes into the next supervision.
- The NQSW confirms their own attendance and may add or change their reflection while their
  record is open.
- A second submit of the same form (`submit_token`) finds what the first one made.
"""

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Membership, User
from asye.agreement.services import CLOSED_STATUSES
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord

from .models import CaseloadMonth, ProtectedTime, Supervision, SupervisionAttendance, SupervisionKind

ACTION_LIMIT = 20


def _current(membership: Membership) -> bool:
    today = timezone.localdate()
    return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)


def _holds(membership: Membership, user: User) -> bool:
    return membership.user_id == user.pk and _current(membership)


def may_record_for(user: User, record: AsyeRecord) -> bool:
    """The person is the record's current line manager or assessor."""
    return _holds(record.line_manager, user) or _holds(record.assessor, user)


def _require_open(record: AsyeRecord) -> None:
    ensure_record_writable(record)  # the year's end and moderation (asye/lock.py)
    if record.status in CLOSED_STATUSES:
        raise ValidationError(
            f"{record.nqsw.user.display_name}'s ASYE record is {record.get_status_display().lower()}: "
            "it can no longer change."
        )


def _lock(records: Sequence[AsyeRecord]) -> None:
    """Serialise writes to these records' supervision (a double submit waits here)."""
    list(AsyeRecord.objects.select_for_update().filter(pk__in=[r.pk for r in records]).order_by("pk"))


def _begin(actor: User, membership: Membership, record: AsyeRecord, refusal: str) -> None:
    """The actor holds `membership` (the record's NQSW or line manager), the record is open, and
    no other write to it runs meanwhile."""
    if not _holds(membership, actor):
        raise PermissionDenied(refusal)
    _require_open(record)
    _lock([record])


def clean_actions(actions: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Agreed actions as stored: the action, its owner and its due date (ISO), blanks dropped."""
    cleaned = []
    for action in actions:
        text = str(action.get("action") or "").strip()
        owner = str(action.get("owner") or "").strip()
        due = action.get("due_on")
        if not text and not owner and not due:
            continue
        if not text or not owner:
            raise ValidationError("Give each agreed action and who owns it.")
        due_text = due.isoformat() if isinstance(due, datetime.date) else str(due or "")
        cleaned.append({"action": text, "owner": owner, "due_on": due_text})
    if len(cleaned) > ACTION_LIMIT:
        raise ValidationError(f"Record at most {ACTION_LIMIT} agreed actions.")
    return cleaned


def _check_session(
    *, actor: User, records: Sequence[AsyeRecord], kind: str, held_on: datetime.date, supervisor: Membership
) -> None:
    if not records:
        raise ValidationError("Choose who attended.")
    if kind == SupervisionKind.ONE_TO_ONE and len(records) != 1:
        raise ValidationError("A one-to-one supervision has one NQSW.")
    if kind == SupervisionKind.GROUP and len(records) < 2:
        raise ValidationError(
            {"attendees": "A group supervision needs at least two NQSWs: choose who else attended."}
        )
    if len({record.organisation_id for record in records}) != 1:
        raise ValidationError("Everyone at a group supervision works in the same organisation.")
    for record in records:
        if not may_record_for(actor, record):
            raise PermissionDenied("Only the line manager or the assessor records supervision.")
        _require_open(record)
        if supervisor.pk not in (record.line_manager_id, record.assessor_id):
            raise ValidationError(
                {
                    "supervisor": f"The supervisor must be {record.nqsw.user.display_name}'s line manager "
                    "or assessor."
                }
            )
        if held_on < record.start_date:
            raise ValidationError(
                {
                    "held_on": f"The date must be on or after {record.nqsw.user.display_name}'s ASYE start, "
                    f"{record.start_date.day} {record.start_date:%B %Y}."
                }
            )
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The date of a supervision must be today or in the past."})


def _values(supervision: Supervision) -> dict[str, Any]:
    return {
        "kind": supervision.kind,
        "held_on": supervision.held_on.isoformat(),
        "start_time": supervision.start_time.isoformat() if supervision.start_time else "",
        "duration_minutes": supervision.duration_minutes,
        "supervisor": str(supervision.supervisor_id),
        "agenda": supervision.agenda,
        "discussion": supervision.discussion,
        "actions": supervision.actions,
    }


@transaction.atomic
def supervision_record(
    *,
    actor: User,
    records: Sequence[AsyeRecord],
    kind: str,
    held_on: datetime.date,
    duration_minutes: int,
    supervisor: Membership,
    discussion: str,
    submit_token: uuid.UUID,
    start_time: datetime.time | None = None,
    agenda: str = "",
    actions: Sequence[dict[str, Any]] = (),
) -> Supervision:
    """Record a session held with the NQSWs of `records` (one for a one-to-one)."""
    found = Supervision.objects.filter(submit_token=submit_token).first()
    if found is not None:
        return found  # the same form sent twice
    _check_session(actor=actor, records=records, kind=kind, held_on=held_on, supervisor=supervisor)
    _lock(records)
    supervision = Supervision(
        organisation=records[0].organisation,
        kind=kind,
        held_on=held_on,
        start_time=start_time,
        duration_minutes=duration_minutes,
        supervisor=supervisor,
        agenda=agenda.strip(),
        discussion=discussion.strip(),
        actions=clean_actions(actions),
        recorded_by=actor,
        updated_by=actor,
        submit_token=submit_token,
    )
    supervision.full_clean()
    supervision.save()
    attendances = [SupervisionAttendance(supervision=supervision, record=record) for record in records]
    for attendance in attendances:
        attendance.full_clean(exclude=["supervision"])
    SupervisionAttendance.objects.bulk_create(attendances)
    audit_log(
        actor=actor,
        verb="asye_supervision.record",
        obj=supervision,
        organisation=supervision.organisation,
        after={**_values(supervision), "records": [str(record.pk) for record in records]},
    )
    return supervision


@transaction.atomic
def supervision_update(
    *,
    actor: User,
    supervision: Supervision,
    revision: int,
    held_on: datetime.date,
    duration_minutes: int,
    supervisor: Membership,
    discussion: str,
    start_time: datetime.time | None = None,
    agenda: str = "",
    actions: Sequence[dict[str, Any]] = (),
) -> Supervision:
    """Change a session nobody has confirmed yet. `revision` is the one the form showed."""
    locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
    attendances = list(
        SupervisionAttendance.objects.filter(supervision=locked).select_related(
            "record__nqsw__user", "record__line_manager", "record__assessor"
        )
    )
    records = [attendance.record for attendance in attendances]
    _check_session(actor=actor, records=records, kind=locked.kind, held_on=held_on, supervisor=supervisor)
    if any(attendance.confirmed_at for attendance in attendances):
        raise ValidationError(
            "An NQSW has confirmed this supervision record, so it stays as it is. "
            "Record any correction in the next supervision."
        )
    before = _values(locked)
    locked.held_on = held_on
    locked.start_time = start_time
    locked.duration_minutes = duration_minutes
    locked.supervisor = supervisor
    locked.agenda = agenda.strip()
    locked.discussion = discussion.strip()
    locked.actions = clean_actions(actions)
    after = _values(locked)
    if after == before:
        return locked  # nothing changed: a second submit, or no edit at all
    if locked.revision != revision:
        raise ValidationError(
            "Someone changed this supervision record after you opened it. Your changes were not saved: "
            "open it again to see theirs."
        )
    locked.revision += 1
    locked.updated_by = actor
    locked.full_clean()
    locked.save()
    changed = sorted(k for k in after if after[k] != before[k])
    audit_log(
        actor=actor,
        verb="asye_supervision.update",
        obj=locked,
        organisation=locked.organisation,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return locked


@transaction.atomic
def supervision_confirm(
    *, actor: User, attendance: SupervisionAttendance, reflection: str = ""
) -> SupervisionAttendance:
    """The NQSW confirms the record of a session on their record (once; later calls change only
    the reflection)."""
    record = attendance.record
    _begin(actor, record.nqsw, record, "Only the NQSW confirms their supervision.")
    locked = SupervisionAttendance.objects.select_for_update().get(pk=attendance.pk)
    before = {"confirmed": locked.confirmed_at is not None, "reflection": locked.reflection}
    reflection = reflection.strip()
    if locked.confirmed_at is None:
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
    locked.reflection = reflection
    after = {"confirmed": True, "reflection": reflection}
    if after == before:
        return locked
    locked.full_clean()
    locked.save()
    audit_log(
        actor=actor,
        verb="asye_supervision.confirm",
        obj=locked,
        organisation=record.organisation,
        before=before,
        after={**after, "supervision": str(locked.supervision_id)},
    )
    return locked


# --- Workload and protected time ------------------------------------------------------------------


@transaction.atomic
def caseload_record(
    *,
    actor: User,
    record: AsyeRecord,
    month: datetime.date,
    caseload: Decimal,
    comparison: Decimal,
    note: str = "",
) -> CaseloadMonth:
    """Set the month's caseload and comparison figure (a second entry for a month replaces the
    first; both are audited)."""
    _begin(actor, record.line_manager, record, "Only the line manager records the workload.")
    month = month.replace(day=1)
    if month < record.start_date.replace(day=1):
        raise ValidationError({"month": "Choose a month from the start of the ASYE onwards."})
    if month > timezone.localdate():
        raise ValidationError({"month": "Choose this month or an earlier one."})
    entry = CaseloadMonth.objects.filter(record=record, month=month).first()
    before: dict[str, Any] = {}
    if entry is None:
        entry = CaseloadMonth(record=record, month=month, recorded_by=actor)
    else:
        before = {"caseload": str(entry.caseload), "comparison": str(entry.comparison), "note": entry.note}
    entry.caseload = caseload
    entry.comparison = comparison
    entry.note = note.strip()
    entry.recorded_by = actor
    entry.full_clean()
    after = {"caseload": str(entry.caseload), "comparison": str(entry.comparison), "note": entry.note}
    if before == after:
        return entry
    entry.save()
    audit_log(
        actor=actor,
        verb="asye_caseload.record",
        obj=entry,
        organisation=record.organisation,
        before=before,
        after={"month": month.isoformat(), **after},
    )
    return entry


@transaction.atomic
def protected_time_add(
    *,
    actor: User,
    record: AsyeRecord,
    used_on: datetime.date,
    hours: Decimal,
    activity: str,
    submit_token: uuid.UUID,
) -> ProtectedTime:
    """The NQSW records protected development time they used."""
    found = ProtectedTime.objects.filter(submit_token=submit_token).first()
    if found is not None:
        return found
    _begin(actor, record.nqsw, record, "Only the NQSW records their protected development time.")
    if used_on < record.start_date:
        raise ValidationError({"used_on": "The date must be on or after the start of your ASYE."})
    if used_on > timezone.localdate():
        raise ValidationError({"used_on": "The date must be today or in the past."})
    entry = ProtectedTime(
        record=record,
        used_on=used_on,
        hours=hours,
        activity=activity.strip(),
        recorded_by=actor,
        submit_token=submit_token,
    )
    entry.full_clean()
    entry.save()
    audit_log(
        actor=actor,
        verb="asye_protected_time.add",
        obj=entry,
        organisation=record.organisation,
        after={"used_on": used_on.isoformat(), "hours": str(entry.hours), "activity": entry.activity},
    )
    return entry


@transaction.atomic
def protected_time_remove(*, actor: User, entry: ProtectedTime) -> None:
    record = entry.record
    _begin(actor, record.nqsw, record, "Only the NQSW changes their protected development time.")
    audit_log(
        actor=actor,
        verb="asye_protected_time.remove",
        obj=entry,
        organisation=record.organisation,
        before={"used_on": entry.used_on.isoformat(), "hours": str(entry.hours), "activity": entry.activity},
    )
    ProtectedTime.objects.filter(pk=entry.pk).delete()
