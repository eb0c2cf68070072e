"""Citing a CPD record: the writes. `evidence_cite_cpd` makes a learning activity item from one
of the NQSW's completed CPD records, with the link and the snapshot, in one transaction, audited
(the audit entry names the CPD record, never its words)."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import FrameworkElement, User
from asye.lock import ensure_record_writable
from asye.models import AsyeRecord, EvidenceKind
from cpd.models import CpdRecord

from .. import services as evidence_services
from ..forms_data import kind_form
from ..models import EvidenceItem
from . import snapshot
from .models import CpdCitation

CITED_KIND = EvidenceKind.LEARNING_ACTIVITY
SHARING_NOT_CONFIRMED = "Confirm that you understand who will be able to read this CPD record."


@transaction.atomic
def evidence_cite_cpd(
    *,
    actor: User,
    record: AsyeRecord,
    cpd_record: CpdRecord,
    sharing_confirmed: bool,
    answers: Mapping[str, Any] | None = None,
    elements: Iterable[FrameworkElement] = (),
    idempotency_key: str = "",
) -> EvidenceItem:
    """A draft learning activity on the NQSW's `record` citing their own completed `cpd_record`:
    its title and date, the record's words as the answers they cover (`snapshot.COVERED_PROMPTS`)
    and `answers` to the prompts beyond them. Refused unless the NQSW confirmed the sharing, for
    anyone else's CPD record, for a draft, and for a record already cited in this portfolio. A
    second call with the same `idempotency_key` returns the first item."""
    if cpd_record.person_id != actor.pk:
        raise PermissionDenied("You can only cite your own CPD records.")
    ensure_record_writable(record)
    if not cpd_record.is_complete:
        raise ValidationError("Finish this CPD record before you cite it.", code="draft")
    if not sharing_confirmed:
        raise ValidationError({"confirm": SHARING_NOT_CONFIRMED}, code="not_confirmed")
    if idempotency_key:
        existing = EvidenceItem.objects.filter(record=record, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    already = (
        CpdCitation.objects.filter(item__record=record, cpd_record=cpd_record).select_related("item").first()
    )
    if already is not None:
        raise ValidationError(
            f"You have already cited this CPD record in your portfolio: “{already.item.title}”.", code="cited"
        )
    form = kind_form(record.programme_version, CITED_KIND)
    shared = snapshot.take(cpd_record)
    beyond = {key: (answers or {}).get(key, "") for key in snapshot.uncovered_form(form).nqsw_prompts}
    item = evidence_services.evidence_create(
        actor=actor,
        record=record,
        kind=CITED_KIND,
        title=cpd_record.title,
        date=cpd_record.occurred_on,
        answers={**beyond, **snapshot.cited_answers(shared, form)},
        elements=elements,
        idempotency_key=idempotency_key,
    )
    item.answers = {**item.answers, **snapshot.cited_answers(shared, form)}
    item.save(update_fields=["answers", "updated_at"])
    now = timezone.now()
    citation = CpdCitation(
        item=item, cpd_record=cpd_record, snapshot=shared, snapshot_at=now, sharing_confirmed_at=now
    )
    citation.full_clean()
    citation.save()
    audit_log(
        actor=actor,
        verb="evidence.cite_cpd",
        obj=item,
        organisation=record.organisation,
        after={"cpd_record": str(cpd_record.pk), "shared_fields": sorted(snapshot.SHARED_FIELDS)},
    )
    return item
