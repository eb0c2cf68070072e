"""Reads of the year's end. Every page starts from the record's access selector
(`asye.selectors.record_get_for_user`: 404 for people with no relation to the record); these
add who may write what (403 for readers who may not).

Who may do what (decided, from DOMAIN.md and ADR 0015):

- Read the final assessment, the extensions, the withdrawal and what stands in the way of
  moderation: everyone who may read the record (the NQSW, assessor, line manager, and PSWs and
  academy admins over its organisation).
- Write a part of the final assessment and sign it: its own role only — the NQSW the final
  reflection, the assessor the report, judgements and recommendation, the line manager the
  endorsement. Staff read it; the employer decides later, through moderation.
- Pause, extend or withdraw a record: the employer's side — a PSW or academy admin over the
  record's organisation (`STAFF`), as for pauses and changes of assessor.
- Confirm anonymisation and submit to moderation: the NQSW, whose portfolio it is.
"""

import datetime
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from academy.models import FrameworkElement
from academy.presenters import format_date
from academy.scope import Scope
from asye.agreement.models import SignatureCapacity as AgreementCapacity
from asye.agreement.selectors import agreement_latest
from asye.evidence.models import EvidenceItem, EvidenceStatus
from asye.evidence.presenters import kind_filter_url
from asye.evidence.selectors import evidence_counts
from asye.models import AsyeRecord, RecordStatus, ReviewKey
from asye.reviews.selectors import review_briefs, review_domains
from asye.selectors import (
    ASSESSOR,
    LINE_MANAGER,
    NQSW,
    record_get_for_user,
    record_relations,
    record_schedule,
)
from asye.signatures import SignatureCapacity, signed_counts, signed_of

from . import rules
from .models import (
    AnonymisationConfirmation,
    FinalAssessment,
    FinalAssessmentSignature,
    ModerationSubmission,
    RecordExtension,
    RecordWithdrawal,
)

PART_WRITERS = {rules.NQSW_PART: NQSW, rules.ASSESSOR_PART: ASSESSOR, rules.MANAGER_PART: LINE_MANAGER}
PART_WORDS = {
    rules.NQSW_PART: "Only the NQSW writes their final reflection.",
    rules.ASSESSOR_PART: "Only the assessor writes the final report and recommendation.",
    rules.MANAGER_PART: "Only the line manager endorses the final assessment.",
}
FINAL_CAPACITIES = (SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR, SignatureCapacity.LINE_MANAGER)
CAPACITY_RELATION = {
    SignatureCapacity.NQSW: NQSW,
    SignatureCapacity.ASSESSOR: ASSESSOR,
    SignatureCapacity.LINE_MANAGER: LINE_MANAGER,
}
# Statuses in which the year can still be paused, extended or finished off.
UNDER_WAY = (RecordStatus.ACTIVE, RecordStatus.PAUSED, RecordStatus.EXTENDED)


def capacities_held(relations: frozenset[str]) -> list[SignatureCapacity]:
    return [c for c in FINAL_CAPACITIES if CAPACITY_RELATION[c] in relations]


def record_for_final(
    *, scope: Scope, pk: UUID | str, part: str = "", nqsw_only: bool = False
) -> tuple[AsyeRecord, frozenset[str]]:
    """The record and the person's relations: 404 without one; 403 when `part` is given and it
    is not theirs, or `nqsw_only` and they are not the NQSW."""
    record = record_get_for_user(scope=scope, pk=pk)
    relations = record_relations(scope=scope, record=record)
    if part and PART_WRITERS[part] not in relations:
        raise PermissionDenied(PART_WORDS[part])
    if nqsw_only and NQSW not in relations:
        raise PermissionDenied("Only the NQSW whose portfolio it is can do this.")
    return record, relations


def record_for_employer(*, scope: Scope, pk: UUID | str) -> AsyeRecord:
    """The record for a pause, extension or withdrawal: 404 without a relation, 403 unless a PSW
    or academy admin over it."""
    return record_get_for_user(scope=scope, pk=pk, write=True)


def final_of(*, record: AsyeRecord) -> FinalAssessment | None:
    """The record's final assessment with its signatures (and signers), or None."""
    signatures = Prefetch(
        "signatures",
        queryset=FinalAssessmentSignature.objects.select_related("user").order_by("signed_at", "id"),
    )
    return FinalAssessment.objects.filter(record=record).prefetch_related(signatures).first()


def final_domains(*, record: AsyeRecord) -> list[FrameworkElement]:
    """The domains the final assessment judges: the same as the reviews'."""
    return review_domains(record=record)


@dataclass(frozen=True)
class FinalBrief:
    """What the task list needs of the final assessment: no texts."""

    recommendation: str
    completed_at: datetime.datetime | None
    signed: frozenset[str]


def final_brief(*, record: AsyeRecord) -> FinalBrief | None:
    """One query."""
    row = (
        FinalAssessment.objects.filter(record=record)
        .annotate(**signed_counts(FINAL_CAPACITIES))
        .values("recommendation", "completed_at", *(f"signed_{c.value}" for c in FINAL_CAPACITIES))
        .first()
    )
    if row is None:
        return None
    return FinalBrief(row["recommendation"], row["completed_at"], signed_of(row, FINAL_CAPACITIES))


def extensions_of(*, record: AsyeRecord) -> QuerySet[RecordExtension]:
    return (
        RecordExtension.objects.filter(record=record)
        .select_related("granted_by")
        .order_by("created_at", "id")
    )


def withdrawal_of(*, record: AsyeRecord) -> RecordWithdrawal | None:
    return RecordWithdrawal.objects.filter(record=record).select_related("recorded_by").first()


def submissions_of(*, record: AsyeRecord) -> QuerySet[ModerationSubmission]:
    return (
        ModerationSubmission.objects.filter(record=record)
        .select_related("submitted_by")
        .order_by("created_at", "id")
    )


# --- Anonymisation -------------------------------------------------------------------------------


def _confirmed_q() -> Exists:
    return Exists(
        AnonymisationConfirmation.objects.filter(item_id=OuterRef("pk"), item_version=OuterRef("version"))
    )


def items_to_confirm(*, record: AsyeRecord) -> QuerySet[EvidenceItem]:
    """The accepted items (those that go to moderation), each annotated `confirmed`: the NQSW
    confirmed it as it stands now. One query."""
    return (
        EvidenceItem.objects.filter(record=record, status=EvidenceStatus.ACCEPTED)
        .annotate(confirmed=_confirmed_q())
        .only("id", "record_id", "kind", "title", "date", "status", "version")
        .order_by("kind", "-date", "id")
    )


# --- Submission to moderation ---------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """One reason the portfolio cannot go to moderation yet, and where it is put right."""

    code: str
    message: str
    url: str
    link_text: str


def _agreement_refusals(record: AsyeRecord) -> list[Refusal]:
    agreement = agreement_latest(record=record)
    url = reverse("asye:agreement", args=[record.pk])
    if agreement is None:
        return [
            Refusal(
                "agreement",
                "The support and assessment agreement has not been written.",
                url,
                "Go to the agreement",
            )
        ]
    signed = {s.capacity for s in agreement.signatures.all()}
    missing = [c for c in AgreementCapacity if c not in signed]
    if missing:
        who = ", ".join(c.label.lower() for c in missing)
        return [
            Refusal(
                "agreement",
                f"The support and assessment agreement (version {agreement.number}) "
                f"still needs signing by: {who}.",
                url,
                "Go to the agreement",
            )
        ]
    return []


def _review_refusals(record: AsyeRecord, today: datetime.date) -> list[Refusal]:
    briefs = review_briefs([record])[record.pk]
    refusals = []
    for due in record_schedule(record, today=today).reviews:
        brief = briefs.get(due.key)
        is_final = due.key == ReviewKey.FINAL
        required = is_final or (due.due_on <= today and (not due.optional or brief is not None))
        if not required or (brief is not None and brief.completed_at is not None):
            continue
        refusals.append(
            Refusal(
                f"review:{due.key}",
                f"The {due.label.lower()} (due {format_date(due.due_on)}) has not been signed by the NQSW, "
                "the assessor and the line manager.",
                reverse("asye:review", args=[record.pk, due.key]),
                f"Go to the {due.label.lower()}",
            )
        )
    return refusals


def _evidence_refusals(record: AsyeRecord) -> list[Refusal]:
    refusals = []
    for counts in evidence_counts(record=record):
        if counts.accepted < counts.minimum:
            refusals.append(
                Refusal(
                    f"evidence:{counts.kind}",
                    f"{counts.label}: {counts.accepted} of {counts.minimum} accepted. "
                    f"{counts.minimum - counts.accepted} more needed.",
                    kind_filter_url(record, counts.kind),
                    f"Go to {counts.label.lower()}",
                )
            )
    return refusals


def _anonymisation_refusals(record: AsyeRecord) -> list[Refusal]:
    waiting = (
        EvidenceItem.objects.filter(record=record, status=EvidenceStatus.ACCEPTED)
        .exclude(_confirmed_q())
        .count()
    )
    if not waiting:
        return []
    items = "item has" if waiting == 1 else "items have"
    return [
        Refusal(
            "anonymisation",
            f"{waiting} accepted {items} not been confirmed as anonymised by the NQSW.",
            reverse("asye:final_anonymisation", args=[record.pk]),
            "Confirm anonymisation",
        )
    ]


def _final_refusals(record: AsyeRecord) -> list[Refusal]:
    brief = final_brief(record=record)
    url = reverse("asye:final", args=[record.pk])
    if brief is None or brief.completed_at is None or not brief.recommendation:
        return [
            Refusal(
                "final",
                "The final assessment has not been signed by the NQSW, the assessor and the line "
                "manager with the assessor's recommendation.",
                url,
                "Go to the final assessment",
            )
        ]
    return []


STATUS_WORDS = {
    RecordStatus.PAUSED: (
        "The programme is paused. The PSW ends the pause before the portfolio can go to moderation."
    ),
    RecordStatus.SUBMITTED: "The portfolio has already been submitted to moderation.",
    RecordStatus.WITHDRAWN: "The NQSW has withdrawn from the programme.",
    RecordStatus.COMPLETED: "The year is complete.",
    RecordStatus.FAILED: "The year has ended: not passed.",
}


def submission_refusals(*, record: AsyeRecord, today: datetime.date | None = None) -> list[Refusal]:
    """Every reason `record` cannot be submitted to moderation now, in the order of the year
    (empty: it can). Pure reading, six queries whatever the portfolio holds: the newest
    agreement and its signatures, the reviews with their signatures, the evidence counted by
    kind and state, the accepted items not confirmed, the final assessment with its signatures."""
    today = today or timezone.localdate()
    refusals: list[Refusal] = []
    if record.status not in (RecordStatus.ACTIVE, RecordStatus.EXTENDED):
        refusals.append(
            Refusal(
                "status",
                STATUS_WORDS[RecordStatus(record.status)],
                reverse("asye:record", args=[record.pk]),
                "Go to the record",
            )
        )
    refusals += _agreement_refusals(record)
    refusals += _review_refusals(record, today)
    refusals += _evidence_refusals(record)
    refusals += _anonymisation_refusals(record)
    refusals += _final_refusals(record)
    return refusals
