"""The moderation checklist, pre-filled from the records: one reader for any number of records.

`checklist_prefill(records)` answers, for each record, the questions of the internal moderation
checklist (FORMS.md) that the portfolio itself can answer — agreement signed, reviews on time,
supervision at the agreed frequency, workload reduced, protected time used, minimum evidence,
self-assessment done — each with the facts behind the answer in words. A moderator confirms or
corrects each one on the checklist page; the cohort tracker can call the same function for a
whole cohort. It reads in a fixed number of queries whatever the number of records (six), so
callers pass records from the record selectors (programme version and pauses already joined).
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q, Sum
from django.utils import timezone

from asye.agreement.models import Agreement
from asye.models import AsyeRecord, EvidenceItem, EvidenceKind, EvidenceStatus
from asye.reviews.models import Review
from asye.selectors import record_pauses, record_schedule
from asye.signatures import SignatureCapacity
from asye.supervision import allowance, cadence
from asye.supervision.models import CaseloadMonth, ProtectedTime
from asye.supervision.selectors import record_intervals, supervision_dates

AGREEMENT = "agreement_signed"
REVIEWS = "reviews_on_time"
SUPERVISION = "supervision_cadence"
WORKLOAD = "workload_reduced"
PROTECTED_TIME = "protected_time"
EVIDENCE = "minimum_evidence"
SELF_ASSESSMENT = "self_assessment"

# The checklist's questions in the order the page asks them.
ITEMS: tuple[tuple[str, str], ...] = (
    (AGREEMENT, "The support and assessment agreement is signed by everyone"),
    (REVIEWS, "Each review due so far was signed by its due date"),
    (SUPERVISION, "Supervision took place at the agreed frequency"),
    (WORKLOAD, "The NQSW's workload was reduced"),
    (PROTECTED_TIME, "Protected development time was used"),
    (EVIDENCE, "The minimum evidence of each kind was accepted"),
    (SELF_ASSESSMENT, "The self-assessment against the standards was done"),
)
LABELS = dict(ITEMS)

# The external moderation questions (adult services): is the recommendation…
EXTERNAL_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("in_line", "In line with the criteria for passing"),
    ("accurate", "Accurate against the framework"),
    ("valid", "Valid: it shows breadth and progression"),
    ("robust", "Robust"),
    ("sufficient", "Sufficient"),
)


@dataclass(frozen=True)
class PrefilledItem:
    key: str
    label: str
    met: bool
    facts: str


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _agreements(ids: list[UUID]) -> dict[UUID, set[str]]:
    """The capacities that signed each record's latest agreement version."""
    rows = (
        Agreement.objects.filter(record_id__in=ids)
        .annotate(
            signed=ArrayAgg(
                "signatures__capacity", distinct=True, filter=Q(signatures__isnull=False), default=[]
            )
        )
        .values_list("record_id", "number", "signed")
        .order_by("record_id", "number")
    )
    found: dict[UUID, set[str]] = {}
    for record_id, _number, signed in rows:  # ordered by number: the latest wins
        found[record_id] = set(signed)
    return found


def _reviews(ids: list[UUID]) -> dict[UUID, dict[str, tuple[datetime.datetime | None, bool]]]:
    """Each record's reviews by key: when completed, and whether a self-assessment is written."""
    rows = Review.objects.filter(record_id__in=ids).values_list(
        "record_id", "key", "completed_at", "self_assessment"
    )
    found: dict[UUID, dict[str, tuple[datetime.datetime | None, bool]]] = defaultdict(dict)
    for record_id, key, completed_at, self_assessment in rows:
        found[record_id][key] = (completed_at, bool((self_assessment or "").strip()))
    return found


def _latest_caseloads(ids: list[UUID]) -> dict[UUID, tuple[datetime.date, Decimal, Decimal]]:
    rows = (
        CaseloadMonth.objects.filter(record_id__in=ids)
        .values_list("record_id", "month", "caseload", "comparison")
        .order_by("record_id", "month")
    )
    return {record_id: (month, caseload, comparison) for record_id, month, caseload, comparison in rows}


def _protected_hours(ids: list[UUID], today: datetime.date) -> dict[UUID, Decimal]:
    rows = (
        ProtectedTime.objects.filter(record_id__in=ids, used_on__lte=today)
        .values("record_id")
        .annotate(total=Sum("hours"))
        .values_list("record_id", "total")
        .order_by()
    )
    return {record_id: Decimal(total or 0) for record_id, total in rows}


def _accepted_counts(ids: list[UUID]) -> dict[UUID, dict[str, int]]:
    found: dict[UUID, dict[str, int]] = defaultdict(dict)
    for record_id, kind, n in (
        EvidenceItem.objects.filter(record_id__in=ids, status=EvidenceStatus.ACCEPTED)
        .values("record_id", "kind")
        .annotate(n=Count("id"))
        .values_list("record_id", "kind", "n")
        .order_by()
    ):
        found[record_id][kind] = n
    return found


def checklist_prefill(
    records: Sequence[AsyeRecord], *, today: datetime.date | None = None
) -> dict[UUID, list[PrefilledItem]]:
    """Each record's pre-filled checklist, in `ITEMS` order. Six queries for any number of
    records (agreements, reviews, supervision days, caseloads, protected hours, accepted
    evidence); the records come with their programme version and pauses."""
    today = today or timezone.localdate()
    ids = [record.pk for record in records]
    if not ids:
        return {}
    agreements = _agreements(ids)
    reviews = _reviews(ids)
    held = supervision_dates(records)
    caseloads = _latest_caseloads(ids)
    hours = _protected_hours(ids, today)
    accepted = _accepted_counts(ids)
    found: dict[UUID, list[PrefilledItem]] = {}
    for record in records:
        items = [
            _agreement_item(agreements.get(record.pk)),
            _reviews_item(record, reviews.get(record.pk, {}), today),
            _supervision_item(record, held.get(record.pk, []), today),
            _workload_item(caseloads.get(record.pk)),
            _protected_item(record, hours.get(record.pk, Decimal(0)), today),
            _evidence_item(record, accepted.get(record.pk, {})),
            _self_assessment_item(accepted.get(record.pk, {}), reviews.get(record.pk, {})),
        ]
        found[record.pk] = items
    return found


def _item(key: str, met: bool, facts: str) -> PrefilledItem:
    return PrefilledItem(key, LABELS[key], met, facts)


def _agreement_item(signed: set[str] | None) -> PrefilledItem:
    if signed is None:
        return _item(AGREEMENT, False, "No agreement has been started.")
    missing = [c.label for c in SignatureCapacity if c.value not in signed]
    if not missing:
        return _item(AGREEMENT, True, "Signed by the NQSW, the assessor, the line manager and the ASYE lead.")
    return _item(AGREEMENT, False, "Not yet signed by: " + ", ".join(missing).lower() + ".")


def _reviews_item(
    record: AsyeRecord, reviews: dict[str, tuple[datetime.datetime | None, bool]], today: datetime.date
) -> PrefilledItem:
    dues = [due for due in record_schedule(record, today=today).reviews if due.due_on <= today]
    if not dues:
        return _item(REVIEWS, True, "No review was due yet.")
    late = []
    for due in dues:
        completed_at = reviews.get(due.key, (None, False))[0]
        if completed_at is None:
            late.append(f"{due.label} (due {_day(due.due_on)}) is not signed")
        elif timezone.localtime(completed_at).date() > due.due_on:
            late.append(f"{due.label} was signed after its due date, {_day(due.due_on)}")
    if not late:
        return _item(REVIEWS, True, f"{len(dues)} of {len(dues)} reviews signed by their due dates.")
    return _item(REVIEWS, False, "; ".join(late) + ".")


def _supervision_item(record: AsyeRecord, held: list[datetime.date], today: datetime.date) -> PrefilledItem:
    judged = [i for i in record_intervals(record, held, today=today) if i.ends_on < today]
    missed = sum(1 for i in judged if i.state != cadence.MET)
    if not judged:
        return _item(SUPERVISION, True, "No supervision interval has ended yet.")
    words = f"Met in {len(judged) - missed} of {len(judged)} intervals; {len(held)} supervisions recorded."
    return _item(SUPERVISION, missed == 0, words)


def _workload_item(latest: tuple[datetime.date, Decimal, Decimal] | None) -> PrefilledItem:
    if latest is None:
        return _item(WORKLOAD, False, "No caseload was recorded.")
    month, caseload, comparison = latest
    reduction = allowance.reduction_percent(caseload, comparison)
    words = f"In {month:%B %Y} the caseload was {caseload} against {comparison} for an experienced colleague"
    return _item(WORKLOAD, reduction > 0, f"{words} ({reduction}% lower).")


def _protected_item(record: AsyeRecord, used: Decimal, today: datetime.date) -> PrefilledItem:
    schedule = record_schedule(record, today=today)
    expected = allowance.protected_hours_expected(
        start=record.start_date,
        planned_end=schedule.planned_end,
        fte=record.fte,
        pauses=record_pauses(record),
        starts_on=record.start_date,
        ends_on=today,
        as_of=today,
    )
    words = f"{used} hours used against {expected} hours expected so far."
    return _item(PROTECTED_TIME, used >= expected, words)


def _evidence_item(record: AsyeRecord, accepted: dict[str, int]) -> PrefilledItem:
    minimums = record.programme_version.evidence_minimums or {}
    short = []
    for kind, label in EvidenceKind.choices:
        wanted = int(minimums.get(kind, 0))
        if wanted and accepted.get(kind, 0) < wanted:
            short.append(f"{label.lower()}: {accepted.get(kind, 0)} of {wanted}")
    if not short:
        return _item(EVIDENCE, True, "Every minimum is met by accepted items.")
    return _item(EVIDENCE, False, "Short of the minimum — " + "; ".join(short) + ".")


def _self_assessment_item(
    accepted: dict[str, int], reviews: dict[str, tuple[datetime.datetime | None, bool]]
) -> PrefilledItem:
    items = accepted.get(EvidenceKind.SELF_ASSESSMENT, 0)
    in_reviews = sum(1 for _, written in reviews.values() if written)
    if items or in_reviews:
        return _item(
            SELF_ASSESSMENT,
            True,
            f"{items} accepted self-assessment items; written in {in_reviews} reviews.",
        )
    return _item(SELF_ASSESSMENT, False, "No accepted self-assessment and none written in a review.")
