"""The "used in" provider for CPD records (academy/registry/used_in.py), registered from
`AsyeConfig.ready()`: the evidence items citing the record, in portfolios the viewer may read."""

from uuid import UUID

from django.urls import reverse

from academy.registry.used_in import RecordId, UsedIn
from academy.scope import Scope

from .selectors import evidence_citing


def cited_as_evidence(*, record_id: RecordId, scope: Scope) -> list[UsedIn]:
    return [
        UsedIn(label=f"ASYE evidence: {item.title}", url=reverse("asye:evidence", args=[item.pk]))
        for item in evidence_citing(scope=scope, cpd_record_id=UUID(str(record_id)))
    ]
