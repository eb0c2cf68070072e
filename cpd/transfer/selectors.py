"""Reads for the export and the import: the signed-in person's own records only, through the
ledger's own selectors (`cpd.selectors`)."""

from django.db.models import Prefetch, QuerySet

from academy.models import FrameworkElement, User
from academy.scope import Scope

from .. import rules
from ..models import CpdRecord, RegistrationYear
from ..selectors import content_of, cpd_records_in_year


def cpd_records_for_export(*, scope: Scope, year: RegistrationYear) -> QuerySet[CpdRecord]:
    """The person's records of `year`, oldest first (the order a reader of the year expects),
    with their peer reflection (joined) and topics (one more query)."""
    return (
        cpd_records_in_year(scope=scope, year=year)
        .prefetch_related(Prefetch("topics", queryset=FrameworkElement.objects.order_by("position", "code")))
        .order_by("occurred_on", "created_at")
    )


def cpd_repeat_index(*, person: User) -> dict[tuple[str, ...], CpdRecord]:
    """The person's records by their repeat keys (`rules.repeat_keys`), for checking many
    imported rows at once: one query, only the columns the comparison reads. A ledger holds
    hundreds of records at most, so the whole of it is read rather than a span of dates (a
    repeat by content may be dated differently)."""
    index: dict[tuple[str, ...], CpdRecord] = {}
    records = CpdRecord.objects.filter(person=person).only(
        "id", "title", "occurred_on", "description", "learning", "impact"
    )
    for record in records.iterator(chunk_size=2000):
        facts = rules.RecordFacts(
            complete=False,
            peer_reflected=False,
            title=record.title,
            occurred_on=record.occurred_on,
            content=content_of(record.description, record.learning, record.impact),
        )
        for key in rules.repeat_keys(facts):
            index.setdefault(key, record)
    return index
