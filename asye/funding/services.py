"""Writes for funding: registering a record with a scheme, recording a claim, recording that a
claim was paid. Only the PSW or academy staff over the record's organisation may write; every
write is audited in the same transaction.

Rules:
- The scheme must fund the record's service area (adult or child and family), and the scheme
  must have a rate for a funding year holding the registration date (the child and family
  scheme runs through DfE from 1 April 2026, through Skills for Care before).
- A claim is refused when the rate's eligibility rule says the NQSW is not eligible, or cannot
  tell because the date qualified is missing. A claim's amount is the rate's unless the rate
  has none confirmed, then it must be typed in. One claim of each kind per registration.
- A completion claim is refused for a record withdrawn or not passed.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from academy.audit import audit_log
from academy.models import User

from ..models import AsyeRecord, RecordStatus
from ..services import _require_staff_over
from .models import SCHEME_SERVICE_AREA, ClaimKind, FundingClaim, FundingRate, FundingRegistration
from .rules import Eligibility, eligibility


def rate_for(*, scheme: str, on: datetime.date) -> FundingRate | None:
    return FundingRate.objects.filter(scheme=scheme, starts_on__lte=on, ends_on__gte=on).first()


def registration_eligibility(registration: FundingRegistration) -> Eligibility:
    record = registration.record
    return eligibility(
        max_years=registration.rate.max_years_since_qualified,
        date_qualified=record.date_qualified,
        start_date=record.start_date,
    )


def _facts(registration: FundingRegistration) -> dict[str, object]:
    return {
        "scheme": registration.scheme,
        "rate": registration.rate.year_label,
        "registered_on": registration.registered_on.isoformat(),
        "reference": registration.reference,
    }


@transaction.atomic
def funding_register(
    *, actor: User, record: AsyeRecord, scheme: str, registered_on: datetime.date, reference: str = ""
) -> FundingRegistration:
    """Register the record with a scheme, or correct its registration."""
    _require_staff_over(actor, record.organisation)
    if SCHEME_SERVICE_AREA.get(scheme) != record.service_area:  # type: ignore[call-overload]
        raise ValidationError(
            {"scheme": f"This scheme does not fund {record.get_service_area_display().lower()}."}
        )
    rate = rate_for(scheme=scheme, on=registered_on)
    if rate is None:
        raise ValidationError(
            {
                "registered_on": "This scheme has no funding year holding that date. "
                "Check the date and the scheme."
            }
        )
    existing = FundingRegistration.objects.select_for_update().filter(record=record).first()
    before = _facts(existing) if existing else None
    registration = existing or FundingRegistration(record=record, created_by=actor)
    if (
        existing is not None
        and existing.claims.exists()
        and (existing.scheme != scheme or existing.rate_id != rate.pk)
    ):
        raise ValidationError(
            {"scheme": "Claims have been made on this registration: its scheme and year cannot change."}
        )
    registration.scheme = scheme
    registration.rate = rate
    registration.registered_on = registered_on
    registration.reference = reference.strip()
    registration.full_clean()
    registration.save()
    audit_log(
        actor=actor,
        verb="asye_funding.register" if before is None else "asye_funding.change",
        obj=registration,
        organisation=record.organisation,
        before=before,
        after=_facts(registration),
    )
    return registration


@transaction.atomic
def funding_claim_record(
    *,
    actor: User,
    registration: FundingRegistration,
    kind: str,
    claimed_on: datetime.date,
    amount: Decimal | None = None,
) -> FundingClaim:
    record = registration.record
    _require_staff_over(actor, record.organisation)
    verdict = registration_eligibility(registration)
    if verdict is Eligibility.NOT_ELIGIBLE:
        years = registration.rate.max_years_since_qualified
        raise ValidationError(
            {"kind": f"Not eligible: the NQSW started more than {years} years after qualifying."}
        )
    if verdict is Eligibility.UNKNOWN:
        raise ValidationError(
            {"kind": "Record the date the NQSW qualified first: this scheme's rule depends on it."}
        )
    if kind == ClaimKind.COMPLETION and record.status in (RecordStatus.WITHDRAWN, RecordStatus.FAILED):
        raise ValidationError({"kind": "No completion claim for a year withdrawn or not passed."})
    if registration.claims.filter(kind=kind).exists():
        raise ValidationError({"kind": "This claim has been recorded already."})
    if claimed_on < registration.registered_on:
        raise ValidationError({"claimed_on": "A claim cannot be made before the registration."})
    if amount is None:
        amount = registration.rate.amount_for(kind)
        if amount is None:
            raise ValidationError(
                {"amount": "The amount for this scheme and year is not confirmed: enter it."}
            )
    claim = FundingClaim(
        registration=registration, kind=kind, amount=amount, claimed_on=claimed_on, created_by=actor
    )
    claim.full_clean()
    claim.save()
    audit_log(
        actor=actor,
        verb="asye_funding.claim",
        obj=claim,
        organisation=record.organisation,
        after={"kind": kind, "amount": str(amount), "claimed_on": claimed_on.isoformat()},
    )
    return claim


@transaction.atomic
def funding_claim_paid(*, actor: User, claim: FundingClaim, paid_on: datetime.date) -> FundingClaim:
    organisation = claim.registration.record.organisation
    _require_staff_over(actor, organisation)
    claim = FundingClaim.objects.select_for_update().get(pk=claim.pk)
    before = {"paid_on": claim.paid_on.isoformat() if claim.paid_on else None}
    claim.paid_on = paid_on
    claim.full_clean()
    claim.save(update_fields=["paid_on", "updated_at"])
    audit_log(
        actor=actor,
        verb="asye_funding.paid",
        obj=claim,
        organisation=organisation,
        before=before,
        after={"paid_on": paid_on.isoformat()},
    )
    return claim
