"""Signatures on ASYE documents (the support and assessment agreement, the reviews): one shape
of row, one rule for who may sign in which capacity, one table of who has signed.

- `SignatureFields`: the columns of an append-only signature row; a document's own signature
  model adds the foreign key to the document and its one-per-capacity constraint.
- `signing_membership`: the membership a person signs with in a capacity — their own place on
  the record (NQSW, assessor, line manager, while that membership is current) or, as ASYE lead,
  their PSW or academy admin role over the record's organisation. None: not theirs to sign.
- `signature_rows`: who signed what and when, and who still has to, for a summary table.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from academy.audit import audit_log
from academy.components import Cell, Tag
from academy.models import Membership, TimeStampedModel, User
from academy.presenters import format_date
from academy.roles import STAFF_ROLES
from academy.selectors import current_membership_q


class SignatureCapacity(models.TextChoices):
    """Who signs an ASYE document, in the order pages list them."""

    NQSW = "nqsw", "Newly qualified social worker"
    ASSESSOR = "assessor", "Assessor"
    LINE_MANAGER = "line_manager", "Line manager"
    ASYE_LEAD = "asye_lead", "ASYE lead"


# A capacity inside a sentence.
CAPACITY_WORDS = {
    SignatureCapacity.NQSW: "NQSW",
    SignatureCapacity.ASSESSOR: "assessor",
    SignatureCapacity.LINE_MANAGER: "line manager",
    SignatureCapacity.ASYE_LEAD: "ASYE lead",
}


class SignatureFields(TimeStampedModel):
    """Append-only: no service changes or deletes a signature."""

    capacity = models.CharField(max_length=20, choices=SignatureCapacity.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(help_text="The words the person confirmed.")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"Signed as {self.get_capacity_display()} on {self.signed_at:%Y-%m-%d}"


def is_current(membership: Membership) -> bool:
    today = timezone.localdate()
    return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)


def holds(membership: Membership, actor: User) -> bool:
    """The membership is the actor's, and current."""
    return membership.user_id == actor.pk and is_current(membership)


def lead_membership(actor: User, record: Any) -> Membership | None:
    """The actor's PSW or academy admin membership over the record's organisation, if any."""
    organisation = record.organisation
    ids = [organisation.pk] + ([organisation.parent_id] if organisation.parent_id else [])
    held = Membership.objects.filter(
        current_membership_q(), user=actor, role__in=list(STAFF_ROLES), organisation_id__in=ids
    )
    # The council's own role before the partnership's.
    return min(held, key=lambda m: (m.organisation_id != organisation.pk, m.pk), default=None)


def signing_membership(actor: User, record: Any, capacity: str) -> Membership | None:
    """The membership `actor` signs with as `capacity` on `record`'s document, or None."""
    if capacity == SignatureCapacity.NQSW:
        return record.nqsw if holds(record.nqsw, actor) else None
    if capacity == SignatureCapacity.ASSESSOR:
        return record.assessor if holds(record.assessor, actor) else None
    if capacity == SignatureCapacity.LINE_MANAGER:
        return record.line_manager if holds(record.line_manager, actor) else None
    if capacity == SignatureCapacity.ASYE_LEAD:
        return lead_membership(actor, record)
    return None


def signer_membership(
    actor: User, record: Any, capacity: str, allowed: Iterable[SignatureCapacity]
) -> Membership:
    """The membership `actor` signs with as `capacity`: a capacity the document does not take is
    refused (ValidationError), someone else's place too (PermissionDenied)."""
    if capacity not in {c.value for c in allowed}:
        raise ValidationError("Choose the capacity you sign in.")
    membership = signing_membership(actor, record, capacity)
    if membership is None:
        raise PermissionDenied(
            f"You cannot sign as the {CAPACITY_WORDS[SignatureCapacity(capacity)]} of this record."
        )
    return membership


def signed_counts(capacities: Iterable[SignatureCapacity], relation: str = "signatures") -> dict[str, Any]:
    """Annotations counting a document's signatures in each capacity (`signed_<capacity>`), for
    one query over many documents. Plain conditional counts rather than PostgreSQL's ARRAY_AGG,
    so the embedded SQLite default (`make run`) reads them too; `signed_of` turns a row back into
    the set of capacities signed."""
    return {
        f"signed_{c.value}": models.Count(relation, filter=models.Q(**{f"{relation}__capacity": c.value}))
        for c in capacities
    }


def signed_of(row: Mapping[str, Any], capacities: Iterable[SignatureCapacity]) -> frozenset[str]:
    return frozenset(c.value for c in capacities if row[f"signed_{c.value}"])


def one_signature_per_capacity(document: str, name: str, message: str) -> models.UniqueConstraint:
    """The constraint every signature model carries: one signature per capacity per document."""
    return models.UniqueConstraint(fields=[document, "capacity"], name=name, violation_error_message=message)


# --- Presenting signatures ---------------------------------------------------------------------

SIGNATURES_HEAD = ["Signs as", "Who", "Signature"]


def expected_signer(record: Any, capacity: str) -> str:
    if capacity == SignatureCapacity.NQSW:
        return str(record.nqsw.user.display_name)
    if capacity == SignatureCapacity.ASSESSOR:
        return str(record.assessor.user.display_name)
    if capacity == SignatureCapacity.LINE_MANAGER:
        return str(record.line_manager.user.display_name)
    return "A principal social worker or academy admin"


def signature_rows(
    signatures: Iterable[SignatureFields], record: Any, capacities: Iterable[SignatureCapacity]
) -> list[list[object]]:
    """One row per capacity: who signed and on which day, or who is still to sign."""
    signed: Mapping[str, SignatureFields] = {s.capacity: s for s in signatures}
    rows: list[list[object]] = []
    for capacity in capacities:
        signature = signed.get(capacity)
        if signature is None:
            rows.append(
                [capacity.label, expected_signer(record, capacity), Cell(tag=Tag("Not signed", "grey"))]
            )
        else:
            when = timezone.localtime(signature.signed_at).date()
            rows.append(
                [
                    capacity.label,
                    str(signature.user.display_name),
                    Cell(tag=Tag("Signed", "green"), text=format_date(when)),
                ]
            )
    return rows


def part_save(
    *,
    actor: User,
    document: Any,
    organisation: Any,
    verb: str,
    values: Mapping[str, Any],
    audit_extra: Mapping[str, Any] | None = None,
) -> Any:
    """Save one person's part of a signed document (a review, the final assessment): only the
    fields that changed, validated, audited with their values before and after (plus
    `audit_extra`, such as which review). Nothing changed: nothing is saved or audited."""
    before = {field: getattr(document, field) for field in values}
    changed = {k: v for k, v in values.items() if before[k] != v}
    if not changed:
        return document
    for field, value in changed.items():
        setattr(document, field, value)
    document.full_clean()
    document.save(update_fields=[*changed, "updated_at"])
    extra = dict(audit_extra or {})
    audit_log(
        actor=actor,
        verb=verb,
        obj=document,
        organisation=organisation,
        before={**extra, **{k: before[k] for k in changed}},
        after={**extra, **changed},
    )
    return document
