"""Reads of evidence. Every item page goes through `evidence_get_for_user`; every list is built
from a record the person may read (`asye.selectors.record_get_for_user`) or from their own
assignments (`evidence_queue`).

Who may do what with an item (on top of who may read its record, asye/selectors.py):

- the NQSW writes their own items while draft or returned, submits them and comments;
- the assigned assessor reviews (return with a reason, accept), comments and, for a direct
  observation without a named observer, records the observer's part;
- a named observer (an academy user in the record's organisation or its partnership) reads the
  observation they were named on and records their part — nothing else of the record;
- the line manager reads and comments; PSWs and academy admins read.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from academy.files.models import StoredFile
from academy.files.selectors import stored_files_of
from academy.models import FrameworkElement, Membership, User
from academy.scope import Scope
from academy.selectors import current_membership_q
from asye import selectors as record_selectors
from asye.models import AsyeRecord, EvidenceKind

from .models import (
    WAITING,
    AnonymisationCheck,
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)

FILE_OWNER_KIND = "asye.evidence"
OBSERVER = "observer"

_RECORD_JOINS = (
    "record__nqsw__user",
    "record__organisation",
    "record__team",
    "record__programme_version__programme_type",
    "record__assessor__user",
    "record__line_manager__user",
)


def _current(prefix: str) -> Q:
    """The membership at `prefix` is active and has not ended."""
    today = timezone.localdate()
    return Q(**{f"{prefix}__is_active": True}) & (
        Q(**{f"{prefix}__ended_on__isnull": True}) | Q(**{f"{prefix}__ended_on__gte": today})
    )


def evidence_relations(*, scope: Scope, item: EvidenceItem) -> frozenset[str]:
    """How the person relates to the item: the record's relations, plus OBSERVER when they are
    its observer (the named one, or the assessor when none is named)."""
    found = set(record_selectors.record_relations(scope=scope, record=item.record))
    if item.kind == EvidenceKind.DIRECT_OBSERVATION:
        if item.observer_id is None:
            if record_selectors.ASSESSOR in found:
                found.add(OBSERVER)
        elif item.observer is not None and item.observer.user_id == scope.user.pk and item.observer.is_active:
            found.add(OBSERVER)
    return frozenset(found)


def evidence_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> EvidenceItem:
    """One item: 404 unless the person may read its record or observed it; 403 on `write`
    (changing it as its author) unless they are the record's NQSW."""
    readable_records = record_selectors.records_visible_to(scope=scope).values("pk")
    observed = Q(observer__user=scope.user) & _current("observer")
    item = (
        EvidenceItem.objects.select_related(*_RECORD_JOINS, "observer__user", "created_by", "cpd_citation")
        .prefetch_related("record__pauses")
        .filter(Q(record__in=readable_records) | observed, pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such evidence.")
    if write and record_selectors.NQSW not in evidence_relations(scope=scope, item=item):
        raise PermissionDenied("Only the NQSW can change their evidence.")
    return item


def evidence_file_readable(scope: Scope, stored_file: StoredFile) -> bool:
    """The private files check (`register_file_owner`): whoever may read the item."""
    try:
        evidence_get_for_user(scope=scope, pk=stored_file.owner_id)
    except Http404:
        return False
    return True


# --- Lists ------------------------------------------------------------------------------------------


def evidence_of_record(*, record: AsyeRecord, kind: str = "") -> QuerySet[EvidenceItem]:
    """The record's items (after the caller's `record_get_for_user`), newest first, with only
    the columns the list shows; only those of `kind` when given."""
    items = EvidenceItem.objects.filter(record=record)
    if kind:
        items = items.filter(kind=kind)
    return items.only(
        "id", "record_id", "kind", "title", "date", "status", "created_at", "submitted_at"
    ).order_by("kind", "-date", "-created_at")


@dataclass
class KindCounts:
    kind: str
    label: str
    minimum: int
    accepted: int = 0
    waiting: int = 0
    returned: int = 0
    drafts: int = 0


def evidence_counts(*, record: AsyeRecord) -> list[KindCounts]:
    """Per kind: the programme version's minimum and the items in each state. Only accepted
    items count toward the minimum (DOMAIN.md rule 5). One query."""
    minimums = record.programme_version.evidence_minimums or {}
    counts = {
        kind: KindCounts(kind, label, int(minimums.get(kind, 0))) for kind, label in EvidenceKind.choices
    }
    rows = (
        EvidenceItem.objects.filter(record=record).values("kind", "status").annotate(n=Count("id")).order_by()
    )
    for row in rows:
        found = counts.get(row["kind"])
        if found is None:
            continue
        status = row["status"]
        if status == EvidenceStatus.ACCEPTED:
            found.accepted += row["n"]
        elif status in WAITING:
            found.waiting += row["n"]
        elif status == EvidenceStatus.RETURNED:
            found.returned += row["n"]
        else:
            found.drafts += row["n"]
    return list(counts.values())


def _assessed_by_q(user: User) -> Q:
    return Q(record__assessor__user=user) & _current("record__assessor")


def evidence_queue(*, user: User) -> QuerySet[EvidenceItem]:
    """Items waiting for the person as assessor: submitted or resubmitted, across the NQSWs
    currently assigned to them, the longest waiting first."""
    return (
        EvidenceItem.objects.filter(_assessed_by_q(user), status__in=[s.value for s in WAITING])
        .select_related("record__nqsw__user")
        .only(
            "id",
            "kind",
            "title",
            "status",
            "submitted_at",
            "record__id",
            "record__nqsw__id",
            "record__nqsw__user__id",
            "record__nqsw__user__full_name",
            "record__nqsw__user__email",
        )
        .order_by("submitted_at", "id")
    )


def evidence_queue_count(*, user: User) -> int:
    return EvidenceItem.objects.filter(_assessed_by_q(user), status__in=[s.value for s in WAITING]).count()


# --- One item's page --------------------------------------------------------------------------------


@dataclass
class ItemDetail:
    transitions: list[EvidenceTransition]
    comments: list[EvidenceComment]
    mappings: list[EvidenceMapping]
    files: list[StoredFile]
    confirmations: list[AnonymisationCheck] = field(default_factory=list)


def evidence_detail(*, item: EvidenceItem) -> ItemDetail:
    """What the item page shows beside the item (after `evidence_get_for_user`): four queries."""
    return ItemDetail(
        transitions=list(
            EvidenceTransition.objects.filter(item=item).select_related("actor").order_by("created_at", "id")
        ),
        comments=list(
            EvidenceComment.objects.filter(item=item).select_related("author").order_by("created_at", "id")
        ),
        mappings=list(
            EvidenceMapping.objects.filter(item=item)
            .select_related("element__version__framework")
            .order_by("element__version__framework__name", "element__position")
        ),
        files=list(evidence_files(item=item)),
    )


def evidence_files(*, item: EvidenceItem) -> QuerySet[StoredFile]:
    return stored_files_of(owner_kind=FILE_OWNER_KIND, owner_id=item.pk).order_by("created_at")


def evidence_files_for_scan(*, item: EvidenceItem) -> QuerySet[StoredFile]:
    """The item's files with what the guard needs to read them."""
    return StoredFile.objects.filter(owner_kind=FILE_OWNER_KIND, owner_id=str(item.pk)).order_by("created_at")


def anonymisation_checks(*, item: EvidenceItem) -> QuerySet[AnonymisationCheck]:
    return (
        AnonymisationCheck.objects.filter(item=item).select_related("decided_by").order_by("created_at", "id")
    )


# --- Framework elements --------------------------------------------------------------------------------


def record_elements(*, record: AsyeRecord) -> QuerySet[FrameworkElement]:
    """Every element of the record's framework versions, in framework and source order."""
    return (
        FrameworkElement.objects.filter(version__asye_programme_versions=record.programme_version_id)
        .select_related("version__framework", "parent")
        .order_by("version__framework__name", "version_id", "position", "id")
    )


@dataclass
class MapRow:
    element: FrameworkElement
    accepted: list[EvidenceItem] = field(default_factory=list)
    submitted: list[EvidenceItem] = field(default_factory=list)
    drafts: list[EvidenceItem] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return bool(self.accepted)


def framework_map(*, record: AsyeRecord) -> list[MapRow]:
    """Every element of the record's frameworks against the record's items that map to it. Two
    queries: the elements, then the mappings with their items."""
    rows = {element.pk: MapRow(element) for element in record_elements(record=record)}
    items_by_element: dict[int, list[EvidenceItem]] = defaultdict(list)
    mappings = (
        EvidenceMapping.objects.filter(item__record=record, element_id__in=list(rows))
        .select_related("item")
        .only("element_id", "item__id", "item__title", "item__status", "item__kind", "item__date")
        .order_by("item__date", "item__title")
    )
    for mapping in mappings:
        items_by_element[mapping.element_id].append(mapping.item)
    for element_id, items in items_by_element.items():
        row = rows[element_id]
        for item in items:
            if item.status == EvidenceStatus.ACCEPTED:
                row.accepted.append(item)
            elif item.status in WAITING:
                row.submitted.append(item)
            else:
                row.drafts.append(item)
    return list(rows.values())


def eligible_observers(*, record: AsyeRecord) -> QuerySet[Membership]:
    """Who may be named as a direct observation's observer: a current member of the record's
    organisation or its partnership, other than the NQSW, once per person."""
    ids = [record.organisation_id]
    if record.organisation.parent_id is not None:
        ids.append(record.organisation.parent_id)
    return (
        Membership.objects.filter(current_membership_q(), organisation_id__in=ids)
        .exclude(user_id=record.nqsw.user_id)
        .exclude(role="nqsw")
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "role")
    )
