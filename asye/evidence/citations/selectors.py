"""Reads for citing CPD records. The CPD records come only through `cpd`'s own selectors, which
answer with the signed-in person's records and nobody else's; the items citing a record only
through the portfolios the person may read (`asye.selectors.records_visible_to`)."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet

from academy.models import Organisation
from academy.scope import Scope
from asye import selectors as record_selectors
from asye.models import AsyeRecord
from cpd import selectors as cpd_selectors
from cpd.models import CpdRecord

from ..models import EvidenceItem
from .models import CpdCitation


def citable_cpd_records(*, scope: Scope) -> QuerySet[CpdRecord]:
    """The signed-in person's completed CPD records, newest first (one query per page)."""
    return cpd_selectors.cpd_records_citable(scope=scope)


def citable_cpd_record_get(*, scope: Scope, pk: UUID | str) -> CpdRecord:
    """One of the person's own completed CPD records; 404 for anyone else's, and for a draft."""
    return cpd_selectors.cpd_record_citable_get(scope=scope, pk=pk)


def citations_in_record(*, record: AsyeRecord) -> dict[UUID, UUID]:
    """CPD record id → the evidence item citing it, for the portfolio `record` (one query)."""
    rows = CpdCitation.objects.filter(item__record=record, cpd_record__isnull=False).values_list(
        "cpd_record_id", "item_id"
    )
    return dict(rows)


def citation_of(item: EvidenceItem) -> CpdCitation | None:
    """The item's citation, when it was made from a CPD record (one query, none if cached)."""
    try:
        return item.cpd_citation
    except CpdCitation.DoesNotExist:
        return None


def evidence_citing(*, scope: Scope, cpd_record_id: UUID) -> QuerySet[EvidenceItem]:
    """Evidence items citing the CPD record, in the portfolios the person may read (one query)."""
    readable = record_selectors.records_visible_to(scope=scope).order_by().values("pk")
    return (
        EvidenceItem.objects.filter(cpd_citation__cpd_record_id=cpd_record_id, record__in=readable)
        .only("id", "title", "date")
        .order_by("date", "title")
    )


@dataclass(frozen=True)
class PortfolioReaders:
    """Who can read the portfolio's evidence, in words for the sharing warning."""

    assessor: str
    line_manager: str
    organisations: list[str]


def portfolio_readers(*, record: AsyeRecord) -> PortfolioReaders:
    """Everyone `asye.selectors.record_relations` lets read the record besides the NQSW: the
    assessor, the line manager, and the PSWs and academy admins of the record's organisation and
    of each organisation above it (a partnership's staff reach its member councils)."""
    names = []
    organisation: Organisation | None = record.organisation
    seen = set()
    while organisation is not None and organisation.pk not in seen:
        seen.add(organisation.pk)
        names.append(organisation.name)
        organisation = organisation.parent
    return PortfolioReaders(
        assessor=record.assessor.user.display_name,
        line_manager=record.line_manager.user.display_name,
        organisations=names,
    )
