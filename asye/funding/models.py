"""Registration for ASYE grant funding and the claims made on it.

- `FundingRate`: reference data shared by every organisation — for one scheme and one funding
  year, the amount claimable at registration and at completion and the eligibility rule. Loaded
  from `data/rates.json` by `rates.load_funding_rates` (the data migration calls it); an entry
  is never changed once loaded, a correction is a new entry.
- `FundingRegistration`: one ASYE record registered with a scheme (registered on, the funder's
  reference). Its rate is the scheme's year that holds the registration date.
- `FundingClaim`: a registration or completion claim: amount, claimed on, paid on.
"""

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from academy.models import Team, TimeStampedModel


class FundingScheme(models.TextChoices):
    ADULT_SFC = "adult_sfc", "Adult ASYE through Skills for Care"
    CHILD_FAMILY_DFE = "child_family_dfe", "Child and family ASYE through DfE"
    CHILD_FAMILY_SFC = "child_family_sfc", "Child and family ASYE through Skills for Care (before April 2026)"


# The service area each scheme funds.
SCHEME_SERVICE_AREA = {
    FundingScheme.ADULT_SFC: Team.ServiceArea.ADULTS,
    FundingScheme.CHILD_FAMILY_DFE: Team.ServiceArea.CHILDREN_FAMILIES,
    FundingScheme.CHILD_FAMILY_SFC: Team.ServiceArea.CHILDREN_FAMILIES,
}


class ClaimKind(models.TextChoices):
    REGISTRATION = "registration", "Registration"
    COMPLETION = "completion", "Completion"


class FundingRate(models.Model):
    scheme = models.CharField(max_length=30, choices=FundingScheme.choices)
    year_label = models.CharField(max_length=40)
    starts_on = models.DateField()
    ends_on = models.DateField()
    # None: not confirmed; each claim then carries the amount typed in.
    registration_amount = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    completion_amount = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    # The NQSW must start within this many years of qualifying (None: no such rule).
    max_years_since_qualified = models.PositiveSmallIntegerField(null=True, blank=True)
    source_title = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-starts_on", "scheme"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["scheme", "starts_on"], name="asye_funding_rate_unique"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="asye_funding_rate_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()}, {self.year_label}"

    def amount_for(self, kind: str) -> Decimal | None:
        return self.registration_amount if kind == ClaimKind.REGISTRATION else self.completion_amount


class FundingRegistration(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.OneToOneField("asye.AsyeRecord", on_delete=models.CASCADE, related_name="funding")
    scheme = models.CharField(max_length=30, choices=FundingScheme.choices)
    rate = models.ForeignKey(FundingRate, on_delete=models.PROTECT, related_name="registrations")
    registered_on = models.DateField()
    reference = models.CharField("funder's reference", max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["-registered_on"]

    def __str__(self) -> str:
        return f"Funding registration of {self.record}"


class FundingClaim(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registration = models.ForeignKey(FundingRegistration, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=20, choices=ClaimKind.choices)
    amount = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    claimed_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["claimed_on", "kind"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["registration", "kind"], name="asye_funding_claim_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(paid_on__isnull=True) | models.Q(paid_on__gte=models.F("claimed_on")),
                name="asye_funding_claim_paid_after_claimed",
                violation_error_message="The payment date cannot be before the claim date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} claim"
