"""Factories of the supervision, workload and protected time tests (and the URL walk)."""

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import timezone

from asye.models import AsyeRecord
from asye.supervision.models import (
    CaseloadMonth,
    ProtectedTime,
    Supervision,
    SupervisionAttendance,
    SupervisionKind,
)


def supervision_on(
    records: AsyeRecord | Sequence[AsyeRecord],
    held_on: datetime.date = datetime.date(2026, 10, 1),
    *,
    discussion: str = "Caseload, a complex assessment and the next observation.",
    confirmed: bool = False,
    **fields: Any,
) -> Supervision:
    """A session held with the NQSWs of `records` (one record: a one-to-one), recorded by the
    first record's line manager, who is its supervisor."""
    records = [records] if isinstance(records, AsyeRecord) else list(records)
    first = records[0]
    values: dict[str, Any] = {
        "organisation": first.organisation,
        "kind": SupervisionKind.GROUP if len(records) > 1 else SupervisionKind.ONE_TO_ONE,
        "held_on": held_on,
        "duration_minutes": 60,
        "supervisor": first.line_manager,
        "agenda": "Caseload; learning; wellbeing",
        "discussion": discussion,
        "actions": [{"action": "Read the practice guidance", "owner": "NQSW", "due_on": "2026-10-15"}],
        "recorded_by": first.line_manager.user,
        "updated_by": first.line_manager.user,
        "submit_token": uuid.uuid4(),
        **fields,
    }
    session = Supervision.objects.create(**values)
    for record in records:
        SupervisionAttendance.objects.create(
            supervision=session,
            record=record,
            confirmed_at=timezone.now() if confirmed else None,
            confirmed_by=record.nqsw.user if confirmed else None,
        )
    return session


def caseload_month(
    record: AsyeRecord, month: datetime.date, caseload: str = "18", comparison: str = "20", note: str = ""
) -> CaseloadMonth:
    return CaseloadMonth.objects.create(
        record=record,
        month=month.replace(day=1),
        caseload=Decimal(caseload),
        comparison=Decimal(comparison),
        note=note,
        recorded_by=record.line_manager.user,
    )


def protected_time(
    record: AsyeRecord,
    used_on: datetime.date = datetime.date(2026, 10, 2),
    hours: str = "3.5",
    activity: str = "",
) -> ProtectedTime:
    return ProtectedTime.objects.create(
        record=record,
        used_on=used_on,
        hours=Decimal(hours),
        activity=activity or "Reading on strengths-based practice",
        recorded_by=record.nqsw.user,
        submit_token=uuid.uuid4(),
    )
