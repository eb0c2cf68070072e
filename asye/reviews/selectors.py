"""Reads of reviews. Every page starts from the record's access selector
(`asye.selectors.record_get_for_user`: 404 for people with no relation to the record); these
add who may write which part (403 for readers who may not).

Who may do what (decided):

- Read a review, every part of it: everyone who may read the record — the NQSW, the assessor,
  the line manager, and the PSWs and academy admins over its organisation. Reviews are part of
  the portfolio staff oversee, read as they read the evidence (asye/evidence/selectors.py).
- Write a part: its own role only — the NQSW their reflection (and self-assessment), the line
  manager the account of the support given, the assessor the judgement and action plan.
- Sign: the NQSW, the assessor and the line manager, each in their own capacity.
"""

import datetime
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from academy.models import FrameworkElement, User
from academy.scope import Scope
from asye.models import AssessorChange, AsyeRecord
from asye.selectors import (
    ASSESSOR,
    LINE_MANAGER,
    NQSW,
    record_get_for_user,
    record_relations,
    record_schedule,
    records_assigned_to,
)
from asye.signatures import SignatureCapacity, holds, signed_counts, signed_of

from . import rules
from .models import Review, ReviewSignature

PART_WRITERS = {rules.NQSW_PART: NQSW, rules.MANAGER_PART: LINE_MANAGER, rules.ASSESSOR_PART: ASSESSOR}
# The capacities a review is signed in, and the relation that gives each.
REVIEW_CAPACITIES = (SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR, SignatureCapacity.LINE_MANAGER)
CAPACITY_RELATION = {
    SignatureCapacity.NQSW: NQSW,
    SignatureCapacity.ASSESSOR: ASSESSOR,
    SignatureCapacity.LINE_MANAGER: LINE_MANAGER,
}
PART_WORDS = {
    rules.NQSW_PART: "Only the NQSW writes their reflection.",
    rules.MANAGER_PART: "Only the line manager writes the account of the support given.",
    rules.ASSESSOR_PART: "Only the assessor writes the judgement of progress.",
}


def capacities_held(relations: frozenset[str]) -> list[SignatureCapacity]:
    return [c for c in REVIEW_CAPACITIES if CAPACITY_RELATION[c] in relations]


def record_for_reviews(*, scope: Scope, pk: UUID | str, part: str = "") -> tuple[AsyeRecord, frozenset[str]]:
    """The record and the person's relations to it: 404 without one; 403 when `part` is given
    and it is not theirs to write."""
    record = record_get_for_user(scope=scope, pk=pk)
    relations = record_relations(scope=scope, record=record)
    if part and PART_WRITERS[part] not in relations:
        raise PermissionDenied(PART_WORDS[part])
    return record, relations


def review_due_get(*, record: AsyeRecord, key: str, today: datetime.date | None = None) -> rules.ReviewDue:
    """The review point `key` of the record with its due date: 404 when the programme has none."""
    due = rules.review_point(record_schedule(record, today=today).reviews, key)
    if due is None:
        raise Http404("This programme has no such review.")
    return due


def _signatures() -> Prefetch:
    return Prefetch(
        "signatures", queryset=ReviewSignature.objects.select_related("user").order_by("signed_at", "id")
    )


def review_of(*, record: AsyeRecord, key: str) -> Review | None:
    """The record's review at `key` with its signatures (and signers), or None if nobody has
    written any of it yet."""
    return Review.objects.filter(record=record, key=key).prefetch_related(_signatures()).first()


def review_domains(*, record: AsyeRecord) -> list[FrameworkElement]:
    """The framework domains the assessor judges: the top-level elements of the record's
    framework versions the review form names (all of them when it names none of the record's)."""
    form = rules.review_form(record.programme_version.forms, "")
    elements = list(
        FrameworkElement.objects.filter(
            version__asye_programme_versions=record.programme_version_id, parent__isnull=True
        )
        .select_related("version__framework")
        .order_by("version__framework__name", "version_id", "position", "id")
    )
    named = [e for e in elements if e.version.framework.slug in form.judged_frameworks]
    return named or elements


@dataclass(frozen=True)
class ReviewBrief:
    """What lists and the task list need of a review: no texts, only its state."""

    key: str
    completed_at: datetime.datetime | None
    signed: frozenset[str]


def review_briefs(records: list[AsyeRecord]) -> dict[UUID, dict[str, ReviewBrief]]:
    """Each record's reviews by key with the capacities signed: one query for a page."""
    found: dict[UUID, dict[str, ReviewBrief]] = {record.pk: {} for record in records}
    if not records:
        return found
    rows = (
        Review.objects.filter(record_id__in=list(found))
        .annotate(**signed_counts(REVIEW_CAPACITIES))
        .values("record_id", "key", "completed_at", *(f"signed_{c.value}" for c in REVIEW_CAPACITIES))
        .order_by()
    )
    for row in rows:
        found[row["record_id"]][row["key"]] = ReviewBrief(
            row["key"], row["completed_at"], signed_of(row, REVIEW_CAPACITIES)
        )
    return found


def assessor_changes_since(
    *, record: AsyeRecord, since: datetime.datetime | None, until: datetime.datetime | None
) -> QuerySet[AssessorChange]:
    """Changes of assessor (not the first assignment) after `since` and up to `until`."""
    changes = AssessorChange.objects.filter(record=record, from_assessor__isnull=False)
    if since is not None:
        changes = changes.filter(created_at__gt=since)
    if until is not None:
        changes = changes.filter(created_at__lte=until)
    return changes.select_related("from_assessor__user", "to_assessor__user", "changed_by").order_by(
        "created_at", "id"
    )


def change_window(
    *, record: AsyeRecord, key: str, review: Review | None, today: datetime.date | None = None
) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """The time a review covers for changes of assessor: from the previous review (when it was
    completed, or else its due date) to this one's completion (open while it is not)."""
    dues = record_schedule(record, today=today).reviews
    previous = rules.previous_point(dues, key)
    since = None
    if previous is not None:
        done = (
            Review.objects.filter(record=record, key=previous.key, completed_at__isnull=False)
            .values_list("completed_at", flat=True)
            .first()
        )
        since = done or timezone.make_aware(
            datetime.datetime.combine(previous.due_on + datetime.timedelta(days=1), datetime.time.min)
        )
    until = review.completed_at if review is not None else None
    return since, until


def assigned_records(*, user: User) -> QuerySet[AsyeRecord]:
    """The records whose reviews the person signs as assessor or line manager."""
    return records_assigned_to(user=user)


def assigned_capacities(*, record: AsyeRecord, user: User) -> list[SignatureCapacity]:
    """The capacities `user` signs the record's reviews in as its assessor or line manager
    (from the memberships `records_assigned_to` joined: no query)."""
    held = []
    if holds(record.assessor, user):
        held.append(SignatureCapacity.ASSESSOR)
    if holds(record.line_manager, user):
        held.append(SignatureCapacity.LINE_MANAGER)
    return held
