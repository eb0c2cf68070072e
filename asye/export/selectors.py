"""Reads of portfolio exports. Every page starts from the record's access selector
(`asye.selectors.record_get_for_user`: 404 for anyone with no relation to the record).

Who may do what (decided):

- Make an export of either kind: the NQSW, the assessor, the line manager, and PSWs and academy
  admins over the record's organisation — everyone who may read the whole record today.
- A reader with none of those relations (the moderators another part of the app adds) may make
  and download the anonymised copy for moderation only: making a full copy is 403 for them,
  and a full copy they ask for by its address is 404.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from academy.scope import Scope
from asye.models import AsyeRecord
from asye.selectors import ASSESSOR, LINE_MANAGER, NQSW, STAFF, record_get_for_user, record_relations

from .models import ExportKind, PortfolioExport

EXPORTERS = frozenset({NQSW, ASSESSOR, LINE_MANAGER, STAFF})


def may_export(relations: frozenset[str]) -> bool:
    return bool(relations & EXPORTERS)


def kinds_allowed(relations: frozenset[str]) -> list[str]:
    """The kinds of copy the person may make (and see)."""
    if may_export(relations):
        return [ExportKind.FULL, ExportKind.ANONYMISED]
    return [ExportKind.ANONYMISED]


def record_for_export(
    *, scope: Scope, pk: UUID | str, write_kind: str = ""
) -> tuple[AsyeRecord, frozenset[str]]:
    """The record and the person's relations to it: 404 without one; 403 when `write_kind` is
    a kind of copy they may not make."""
    record = record_get_for_user(scope=scope, pk=pk)
    relations = record_relations(scope=scope, record=record)
    if write_kind and write_kind not in kinds_allowed(relations):
        raise PermissionDenied(
            "Only the NQSW, their assessor and line manager, and ASYE staff make a full copy."
        )
    return record, relations


def exports_of_record(*, record: AsyeRecord, relations: frozenset[str]) -> QuerySet[PortfolioExport]:
    """The record's exports the person may see, newest first, with who asked for each."""
    found = PortfolioExport.objects.filter(record=record, kind__in=kinds_allowed(relations))
    return found.select_related("requested_by").order_by("-created_at", "id")


def export_get_for_user(*, scope: Scope, pk: UUID | str, export_pk: UUID | str) -> PortfolioExport:
    """One export of a record the person may read: 404 otherwise (and for a full copy when they
    may only see anonymised ones)."""
    record, relations = record_for_export(scope=scope, pk=pk)
    export = exports_of_record(record=record, relations=relations).filter(pk=export_pk).first()
    if export is None:
        raise Http404("No such export.")
    export.record = record
    return export
