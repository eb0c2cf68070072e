"""Reads of supervision, workload and protected time. Every page starts from the record's
access selector (`asye.selectors.record_get_for_user`: 404 for people with no relation to the
record); these add who may write what (403 for readers who may not).

Who may do what (decided):

- Record a supervision, and change it until an attendee has confirmed it: the record's line
  manager or its assessor — both registered social workers assigned to the NQSW. A group
  session is recorded once by someone who is line manager or assessor of every attendee's
  record. The supervisor named on it is one of those two people on every attendee's record (a
  registered social worker who supervises someone regularly is assigned to their record by the
  PSW), so the supervisor always reads what they led.
- Read the notes (agenda, discussion, actions, the reflection): the NQSW whose record it is,
  its assessor and its line manager. PSWs and academy admins see the dates, length, kind,
  supervisor and whether the NQSW confirmed it, and the cadence; never the notes.
- Confirm it and add a reflection: the NQSW, on their own record only.
- Workload (caseload against the comparison figure): the line manager, who allocates the work.
- Protected development time: the NQSW records how they used it. Everyone who reads the record
  reads both (they are the employer's side of the year, reported on by the PSW).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from academy.scope import Scope
from asye.models import AsyeRecord
from asye.selectors import (
    ASSESSOR,
    LINE_MANAGER,
    NQSW,
    record_get_for_user,
    record_pauses,
    record_relations,
    record_schedule,
)

from . import allowance, cadence
from .models import CaseloadMonth, ProtectedTime, Supervision, SupervisionAttendance

SUPERVISION_RECORDERS = frozenset({LINE_MANAGER, ASSESSOR})
NOTE_READERS = frozenset({NQSW, ASSESSOR, LINE_MANAGER})
WORKLOAD_WRITERS = frozenset({LINE_MANAGER})
PROTECTED_TIME_WRITERS = frozenset({NQSW})


def may_read_notes(relations: frozenset[str]) -> bool:
    return bool(relations & NOTE_READERS)


def record_for_supervision(
    *, scope: Scope, pk: UUID | str, write: str = ""
) -> tuple[AsyeRecord, frozenset[str]]:
    """The record and the person's relations to it: 404 without one; 403 when `write` is
    "supervision" and they are neither its line manager nor its assessor, "workload" and they
    are not its line manager, "protected_time" and it is not their own record."""
    record = record_get_for_user(scope=scope, pk=pk)
    relations = record_relations(scope=scope, record=record)
    if write == "supervision" and not relations & SUPERVISION_RECORDERS:
        raise PermissionDenied("Only the line manager or the assessor records supervision.")
    if write == "workload" and not relations & WORKLOAD_WRITERS:
        raise PermissionDenied("Only the line manager records the workload.")
    if write == "protected_time" and not relations & PROTECTED_TIME_WRITERS:
        raise PermissionDenied("Only the NQSW records their protected development time.")
    return record, relations


def _attendee_count() -> Subquery:
    return Subquery(
        SupervisionAttendance.objects.filter(supervision=OuterRef("supervision"))
        .order_by()
        .values("supervision")
        .annotate(n=Count("id"))
        .values("n")
    )


def attendances_of(*, record: AsyeRecord) -> QuerySet[SupervisionAttendance]:
    """The record's supervisions, newest first: each attendance with its session, supervisor and
    how many attended (one query)."""
    return (
        SupervisionAttendance.objects.filter(record=record)
        .select_related("supervision__supervisor__user", "confirmed_by")
        .annotate(attendee_count=_attendee_count())
        .order_by("-supervision__held_on", "-supervision__start_time", "-id")
    )


def attendance_get_for_user(
    *, scope: Scope, pk: UUID | str, supervision_pk: UUID | str, write: str = ""
) -> tuple[SupervisionAttendance, frozenset[str]]:
    """A supervision as it appears on one record: 404 when the person cannot read the record or
    the session is not on it; 403 when `write` is "supervision" and they may not change it,
    "confirm" and it is not their own record."""
    record, relations = record_for_supervision(scope=scope, pk=pk)
    attendance = (
        SupervisionAttendance.objects.filter(record=record, supervision_id=supervision_pk)
        .select_related("supervision__supervisor__user", "supervision__recorded_by", "confirmed_by")
        .first()
    )
    if attendance is None:
        raise Http404("No such supervision on this record.")
    attendance.record = record
    if write == "supervision" and not relations & SUPERVISION_RECORDERS:
        raise PermissionDenied("Only the line manager or the assessor changes a supervision record.")
    if write == "confirm" and NQSW not in relations:
        raise PermissionDenied("Only the NQSW confirms their supervision.")
    return attendance, relations


def attendees_of(*, supervision: Supervision) -> QuerySet[SupervisionAttendance]:
    """Everyone at a session (their names, for the people who read its notes), with the records
    the service checks."""
    return (
        SupervisionAttendance.objects.filter(supervision=supervision)
        .select_related(
            "record__nqsw__user", "record__assessor", "record__line_manager", "record__organisation"
        )
        .order_by("record__nqsw__user__full_name")
    )


def group_candidates(*, record: AsyeRecord, user: object) -> QuerySet[AsyeRecord]:
    """Other open records of the same organisation whose line manager or assessor the person is:
    who else may attend a group session they record."""
    from asye.models import OPEN_STATUSES
    from asye.selectors import records_assigned_to

    return (
        records_assigned_to(user=user)  # type: ignore[arg-type]
        .filter(organisation=record.organisation, status__in=[s.value for s in OPEN_STATUSES])
        .exclude(pk=record.pk)
    )


def supervision_dates(records: Iterable[AsyeRecord]) -> dict[UUID, list[datetime.date]]:
    """The days each record had a supervision (one query for a whole page of records)."""
    ids = [record.pk for record in records]
    found: dict[UUID, list[datetime.date]] = defaultdict(list)
    if not ids:
        return found
    rows = (
        SupervisionAttendance.objects.filter(record_id__in=ids)
        .values_list("record_id", "supervision__held_on")
        .order_by()
    )
    for record_id, held_on in rows:
        found[record_id].append(held_on)
    return found


def record_intervals(
    record: AsyeRecord, held: Iterable[datetime.date], *, today: datetime.date | None = None
) -> list[cadence.Interval]:
    """The record's supervision intervals up to `today` (the local date by default), from its
    programme version's cadence, its FTE and its pauses (prefetched by the record selectors)."""
    today = today or timezone.localdate()
    version = record.programme_version
    return cadence.intervals(
        start=record.start_date,
        bands=version.supervision_cadence,
        length_months=version.length_months,
        today=today,
        held=held,
        fte=record.fte,
        pauses=record_pauses(record),
    )


# --- Workload and protected time ----------------------------------------------------------------


def caseload_months_of(*, record: AsyeRecord) -> QuerySet[CaseloadMonth]:
    return CaseloadMonth.objects.filter(record=record).order_by("-month")


def protected_time_of(*, record: AsyeRecord) -> QuerySet[ProtectedTime]:
    return ProtectedTime.objects.filter(record=record).order_by("-used_on", "-created_at")


def protected_time_get_for_user(*, scope: Scope, pk: UUID | str, entry_pk: UUID | str) -> ProtectedTime:
    """One protected time entry of the person's own record (403 for the record's other readers)."""
    record, _ = record_for_supervision(scope=scope, pk=pk, write="protected_time")
    entry = ProtectedTime.objects.filter(record=record, pk=entry_pk).first()
    if entry is None:
        raise Http404("No such protected time entry.")
    entry.record = record
    return entry


def protected_hours_expected(
    record: AsyeRecord, *, starts_on: datetime.date, ends_on: datetime.date, today: datetime.date
) -> Decimal:
    schedule = record_schedule(record, today=today)
    return allowance.protected_hours_expected(
        start=record.start_date,
        planned_end=schedule.planned_end,
        fte=record.fte,
        pauses=record_pauses(record),
        starts_on=starts_on,
        ends_on=ends_on,
        as_of=today,
    )


# --- The support summary for the reviews ----------------------------------------------------------


def _plural(n: int | Decimal, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _hours(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1')):f}"
    return text[:-2] if text.endswith(".0") else text


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True)
class SupportSummary:
    """The support an NQSW had between two dates (both included), for the manager's account in
    a review. Intervals counted are those that ended within the period, before today
    (`cadence.judged_within`); caseload figures are of the months that begin within it."""

    starts_on: datetime.date
    ends_on: datetime.date
    supervisions_held: int
    supervision_intervals: int
    intervals_missed: int
    caseload_months: int
    latest_month: datetime.date | None
    latest_caseload: Decimal | None
    latest_comparison: Decimal | None
    average_caseload: Decimal | None
    average_comparison: Decimal | None
    protected_hours_used: Decimal
    protected_hours_expected: Decimal

    @property
    def intervals_met(self) -> int:
        return self.supervision_intervals - self.intervals_missed

    @property
    def latest_reduction_percent(self) -> int | None:
        if self.latest_caseload is None or self.latest_comparison is None:
            return None
        return allowance.reduction_percent(self.latest_caseload, self.latest_comparison)

    def supervision_text(self) -> str:
        """The supervision held in the period, in plain words."""
        parts = [
            f"Between {_day(self.starts_on)} and {_day(self.ends_on)}, "
            f"{_plural(self.supervisions_held, 'supervision was', 'supervisions were')} held."
        ]
        if self.supervision_intervals:
            missed = "none missed" if not self.intervals_missed else f"{self.intervals_missed} missed"
            parts.append(
                f"Supervision met the agreed frequency in {self.intervals_met} of "
                f"{_plural(self.supervision_intervals, 'interval', 'intervals')} ({missed})."
            )
        else:
            parts.append("No supervision interval ended in this period.")
        return " ".join(parts)

    def workload_text(self) -> str:
        """The latest caseload of the period against the comparison figure, in plain words."""
        reduction = self.latest_reduction_percent
        if self.latest_month is None or reduction is None:
            return "No caseload was recorded for this period."
        if reduction > 0:
            compared = f"{reduction}% lower than"
        elif reduction < 0:
            compared = f"{-reduction}% higher than"
        else:
            compared = "the same as"
        return (
            f"In {self.latest_month:%B %Y} the caseload was {_hours(self.latest_caseload)} "  # type: ignore[arg-type]
            f"against a comparison figure of {_hours(self.latest_comparison)} "  # type: ignore[arg-type]
            f"for an experienced colleague: {compared} the comparison."
        )

    def protected_time_text(self) -> str:
        """Protected development time used against what the period expects, in plain words."""
        return (
            f"{_hours(self.protected_hours_used)} hours of protected development time were used, "
            f"against {_hours(self.protected_hours_expected)} hours expected for the period."
        )

    def as_text(self) -> str:
        """The support in plain words, for the manager to start their account from."""
        return " ".join((self.supervision_text(), self.workload_text(), self.protected_time_text()))


def support_summary(
    *,
    record: AsyeRecord,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date | None = None,
) -> SupportSummary:
    """The support given on a record the caller may read, between `starts_on` and `ends_on`
    (both included). Three queries: the supervision days, the caseload months, the protected
    hours (the record's pauses come prefetched with it)."""
    today = today or timezone.localdate()
    held = supervision_dates([record]).get(record.pk, [])
    judged = cadence.judged_within(
        record_intervals(record, held, today=today), starts_on=starts_on, ends_on=ends_on, today=today
    )
    first_month = starts_on.replace(day=1) if starts_on.day == 1 else _next_month(starts_on)
    months = list(
        CaseloadMonth.objects.filter(record=record, month__gte=first_month, month__lte=ends_on)
        .values_list("month", "caseload", "comparison")
        .order_by("month")
    )
    used = ProtectedTime.objects.filter(
        record=record, used_on__gte=starts_on, used_on__lte=ends_on
    ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    return SupportSummary(
        starts_on=starts_on,
        ends_on=ends_on,
        supervisions_held=sum(1 for day in held if starts_on <= day <= ends_on),
        supervision_intervals=len(judged),
        intervals_missed=sum(1 for interval in judged if interval.state != cadence.MET),
        caseload_months=len(months),
        latest_month=months[-1][0] if months else None,
        latest_caseload=months[-1][1] if months else None,
        latest_comparison=months[-1][2] if months else None,
        average_caseload=_average([m[1] for m in months]),
        average_comparison=_average([m[2] for m in months]),
        protected_hours_used=Decimal(used),
        protected_hours_expected=protected_hours_expected(
            record, starts_on=starts_on, ends_on=ends_on, today=today
        ),
    )


def _average(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def supervisor_choices(*, record: AsyeRecord) -> QuerySet:  # type: ignore[type-arg]
    """Who may be named as the supervisor of a session on the record: its line manager and its
    assessor (one row when they are the same membership)."""
    from academy.models import Membership

    return (
        Membership.objects.filter(pk__in=[record.line_manager_id, record.assessor_id])
        .select_related("user")
        .order_by("role", "pk")
    )


def protected_hours_used(*, record: AsyeRecord, until: datetime.date) -> Decimal:
    total = ProtectedTime.objects.filter(record=record, used_on__lte=until).aggregate(total=Sum("hours"))[
        "total"
    ]
    return Decimal(total or 0)
