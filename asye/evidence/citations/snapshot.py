"""What a citation shares: the fields of a CPD record copied into the evidence item. Used by the
citing service, by the evidence services (an edit keeps the cited words; a submit takes the
snapshot again) and by the pages that name the shared fields before the NQSW confirms."""

from dataclasses import replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from cpd.models import CpdRecord
from cpd.presenters import topic_label
from cpd.selectors import peer_reflection_of

from ..forms_data import PEER_REFLECTION_ANSWER, KindForm
from ..models import EDITABLE, EvidenceItem
from .models import CpdCitation

# The shared fields, in the order the pages show them: snapshot key → words.
SHARED_FIELDS = {
    "title": "Title",
    "activity_type": "Type of CPD activity",
    "occurred_on": "Date",
    "hours": "Hours",
    "provider": "Provider",
    "topics": "Standard 4 topics",
    "description": "Description and relevance",
    "learning": "What you learnt",
    "impact": "Impact on your practice and the people you work with",
    "peer_reflection": "What you learnt from your peer reflection",
}
# Not shared: the files attached to the CPD record, who the peer was and when you spoke.
NOT_SHARED = ["files attached to the CPD record", "the name and role of your peer", "when you spoke"]

# The learning activity's prompts that the CPD record answers: prompt key → snapshot key.
COVERED_PROMPTS = {"activity": "description", "learning": "learning", "impact": "impact"}


def take(record: CpdRecord) -> dict[str, Any]:
    """The shared fields of `record` as they are now."""
    reflection = peer_reflection_of(record)
    return {
        "title": record.title,
        "activity_type": record.get_activity_type_display(),
        "occurred_on": record.occurred_on.isoformat(),
        "hours": f"{record.hours.normalize():f}" if record.hours is not None else "",
        "provider": record.provider,
        "topics": [topic_label(topic) for topic in record.topics.all()],
        "description": record.description,
        "learning": record.learning,
        "impact": record.impact,
        "peer_reflection": reflection.learning if reflection is not None else "",
    }


def covered(form: KindForm) -> dict[str, str]:
    """The form's prompts the CPD record answers (prompt key → snapshot key)."""
    return {key: field for key, field in COVERED_PROMPTS.items() if key in form.nqsw_prompts}


def uncovered_form(form: KindForm) -> KindForm:
    """The form without the prompts the CPD record answers: what the ASYE asks beyond it."""
    return replace(
        form, nqsw_prompts={k: v for k, v in form.nqsw_prompts.items() if k not in COVERED_PROMPTS}
    )


def cited_answers(snapshot: dict[str, Any], form: KindForm) -> dict[str, str]:
    """The item's answers that come from the snapshot."""
    answers = {key: str(snapshot.get(field, "")) for key, field in covered(form).items()}
    # The peer reflection has no prompt of its own: it is kept among the answers so that the
    # anonymisation guard reads it before the item goes to the assessor.
    if snapshot.get("peer_reflection"):
        answers[PEER_REFLECTION_ANSWER] = str(snapshot["peer_reflection"])
    return answers


def citation_refresh(*, item: EvidenceItem, form: KindForm) -> CpdCitation | None:
    """Take the snapshot again as the NQSW sends the item to the assessor (called by
    `evidence_submit` while the item is a draft or returned). Kept as it was when the CPD record
    has gone or is no longer complete. The item's `version` stays: this is not the NQSW's edit."""
    citation = CpdCitation.objects.filter(item=item).select_related("cpd_record").first()
    if citation is None or item.status not in EDITABLE:
        return citation
    record = citation.cpd_record
    if record is None or not record.is_complete or record.person_id != item.record.nqsw.user_id:
        return citation
    with transaction.atomic():
        citation.snapshot = take(record)
        citation.snapshot_at = timezone.now()
        citation.save(update_fields=["snapshot", "snapshot_at", "updated_at"])
        answers = {k: v for k, v in (item.answers or {}).items() if k != PEER_REFLECTION_ANSWER}
        item.answers = {**answers, **cited_answers(citation.snapshot, form)}
        item.save(update_fields=["answers", "updated_at"])
    return citation
