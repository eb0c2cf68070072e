"""Reads of the year overview. Every function starts from records the caller already reached
through `asye.selectors` (`record_get_for_user`, `records_of_nqsw`, `records_in_staff_scope`,
`records_assigned_to`), so nothing here widens who sees what.

Query budget (the NQSW home and the lists must not grow with the data):

- `year_data(record)`: seven queries — the newest agreement, its signatures, the plans with
  their row counts, the evidence counted by kind and status, the reviews with the capacities
  signed, the supervision days, and the final assessment with the capacities signed.
- `progress_of(records)`: two queries for a whole page of records — the evidence counted by
  record, kind and status, and the newest agreement of each record with its signatures is
  read as "every agreement of these records" plus their signatures (a record has a handful of
  versions at most).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Prefetch
from django.utils import timezone

from asye.agreement.models import Agreement, AgreementSignature, DevelopmentPlan
from asye.agreement.selectors import agreement_latest
from asye.evidence.models import WAITING, EvidenceItem, EvidenceStatus
from asye.evidence.selectors import KindCounts, evidence_counts
from asye.final.selectors import FinalBrief, final_brief
from asye.models import OPEN_STATUSES, AsyeRecord, EvidenceKind
from asye.reviews.selectors import ReviewBrief, review_briefs
from asye.selectors import RecordSchedule, record_schedule
from asye.supervision.selectors import supervision_dates


@dataclass
class YearData:
    """Everything the year's task list shows for one record."""

    record: AsyeRecord
    schedule: RecordSchedule
    today: datetime.date
    agreement: Agreement | None
    plan_rows: dict[str, int]  # rows per period key, for the periods that have a plan
    counts: list[KindCounts]
    reviews: dict[str, ReviewBrief]  # the reviews someone has written in, by key
    supervision_held: list[datetime.date] = field(default_factory=list)
    final: FinalBrief | None = None  # the final assessment's state (asye/final/)


def year_data(*, record: AsyeRecord, today: datetime.date | None = None) -> YearData:
    """The year overview of a record the caller may read (seven queries)."""
    today = today or timezone.localdate()
    # One plan per period (a constraint), so counting rows per plan counts them per period.
    plans = (
        DevelopmentPlan.objects.filter(record=record)
        .annotate(row_count=Count("rows"))
        .values_list("period", "row_count")
        .order_by()
    )
    return YearData(
        record=record,
        schedule=record_schedule(record, today=today),
        today=today,
        agreement=agreement_latest(record=record),
        plan_rows=dict(plans),
        counts=evidence_counts(record=record),
        reviews=review_briefs([record])[record.pk],
        supervision_held=supervision_dates([record]).get(record.pk, []),
        final=final_brief(record=record),
    )


def open_record_of(records: Iterable[AsyeRecord]) -> AsyeRecord | None:
    """The record under way among the person's own (`records_of_nqsw`, newest first)."""
    return next((r for r in records if r.status in OPEN_STATUSES), None)


# --- Progress for lists ---------------------------------------------------------------------------


@dataclass
class Progress:
    """One record's evidence progress: accepted items toward the minimums (each kind counts up
    to its own minimum, so ten reflections do not make up for a missing observation), the
    total the programme version requires, and the items in each other state."""

    required: int = 0
    accepted_toward: int = 0
    accepted: int = 0
    waiting: int = 0
    returned: int = 0
    agreement: Agreement | None = None
    by_kind: dict[str, int] = field(default_factory=dict)


def required_total(record: AsyeRecord) -> int:
    minimums = record.programme_version.evidence_minimums or {}
    return sum(int(minimums.get(kind, 0)) for kind in EvidenceKind.values)


def progress_of(records: Iterable[AsyeRecord], *, with_agreements: bool = False) -> dict[UUID, Progress]:
    """Evidence progress (one query) and, with `with_agreements`, the newest agreement with its
    signatures (two more) for a page of records, keyed by record id."""
    records = list(records)
    found: dict[UUID, Progress] = {record.pk: Progress(required=required_total(record)) for record in records}
    if not records:
        return found
    accepted_by_kind: dict[UUID, dict[str, int]] = defaultdict(dict)
    rows = (
        EvidenceItem.objects.filter(record_id__in=list(found))
        .values("record_id", "kind", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        progress = found[row["record_id"]]
        status = row["status"]
        if status == EvidenceStatus.ACCEPTED:
            progress.accepted += row["n"]
            kinds = accepted_by_kind[row["record_id"]]
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + row["n"]
        elif status in WAITING:
            progress.waiting += row["n"]
        elif status == EvidenceStatus.RETURNED:
            progress.returned += row["n"]
    for record in records:
        progress = found[record.pk]
        minimums = record.programme_version.evidence_minimums or {}
        progress.by_kind = accepted_by_kind.get(record.pk, {})
        progress.accepted_toward = sum(
            min(progress.by_kind.get(kind, 0), int(minimums.get(kind, 0))) for kind in EvidenceKind.values
        )
    if with_agreements:
        signatures = Prefetch("signatures", queryset=AgreementSignature.objects.order_by("signed_at", "id"))
        agreements = (
            Agreement.objects.filter(record_id__in=list(found))
            .only("id", "record_id", "number", "answers", "form")
            .prefetch_related(signatures)
            .order_by("record_id", "-number")
        )
        for agreement in agreements:
            progress = found[agreement.record_id]
            if progress.agreement is None:
                progress.agreement = agreement
    return found
