"""Demo: the main demo NQSW (Priya Calder) cites one of her completed CPD records (cpd/demo.py
makes them) as a learning activity and submits it, so the assessor reads the cited words on the
evidence page and her CPD record shows where it is used. Idempotent: the item has a fixed key."""

from django.db import transaction

from academy.demo import DEMO_DOMAIN
from academy.scope import Scope
from asye.models import OPEN_STATUSES, AsyeRecord

from .. import selectors as evidence_selectors
from ..demo import _submit
from ..models import EvidenceItem
from . import selectors, services

DEMO_KEY = "demo:cite-cpd"


@transaction.atomic
def load_citation_demo() -> None:
    record = (
        AsyeRecord.objects.filter(
            nqsw__user__email=f"nqsw@{DEMO_DOMAIN}", status__in=[s.value for s in OPEN_STATUSES]
        )
        .select_related("nqsw__user", "organisation", "programme_version", "assessor__user")
        .first()
    )
    if record is None or EvidenceItem.objects.filter(record=record, idempotency_key=DEMO_KEY).exists():
        return  # the ASYE demo is not loaded, or the item is there already
    nqsw = record.nqsw.user
    scope = Scope.of(nqsw, record.organisation, [record.nqsw.role])
    cited = selectors.citations_in_record(record=record)
    choice = next((r for r in selectors.citable_cpd_records(scope=scope) if r.pk not in cited), None)
    if choice is None:
        return  # the CPD demo is not loaded
    cpd_record = selectors.citable_cpd_record_get(scope=scope, pk=choice.pk)
    allowed = set(evidence_selectors.record_elements(record=record).values_list("pk", flat=True))
    item = services.evidence_cite_cpd(
        actor=nqsw,
        record=record,
        cpd_record=cpd_record,
        sharing_confirmed=True,
        elements=[topic for topic in cpd_record.topics.all() if topic.pk in allowed],
        idempotency_key=DEMO_KEY,
    )
    _submit(item, nqsw)
