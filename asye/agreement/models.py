"""The support and assessment agreement and the professional development plans.

- `Agreement`: one version of a record's agreement — the answers, keyed by the form's field
  keys, and a copy of the form definition they answer (the programme version's
  `forms["agreement"]` when this version was made). Version 1 is pre-filled with the employer's
  standard parts. A version nobody has signed is edited in place (`revision` counts the edits,
  so a form opened before someone else's edit is refused); once anyone has signed it, it never
  changes again, and a change makes the next version, which everyone signs afresh.
- `AgreementSignature`: append-only. Who signed which version, in which capacity, when, and the
  words they confirmed. One signature per capacity per version (a DB constraint); a signature on
  an older version does not count for a newer one.
- `DevelopmentPlan` and `PlanRow`: one plan per record and period (the periods are data on the
  programme version), each with rows the NQSW writes and the assessor or line manager reviews.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel
from asye.signatures import SignatureCapacity, SignatureFields, one_signature_per_capacity

__all__ = ["Agreement", "AgreementSignature", "DevelopmentPlan", "PlanRow", "SignatureCapacity"]


class Agreement(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="agreements")
    number = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict, blank=True)
    form = models.JSONField(default=dict, help_text="The form definition these answers follow.")
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["record", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["record", "number"], name="asye_agreement_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="asye_agreement_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Support and assessment agreement, version {self.number}"


class AgreementSignature(SignatureFields):
    """Append-only: no service changes or deletes one."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="signatures")

    class Meta:
        ordering: ClassVar = ["agreement", "signed_at", "id"]
        constraints: ClassVar = [
            one_signature_per_capacity(
                "agreement",
                "asye_agreement_one_signature_per_capacity",
                "This version has been signed in this capacity already.",
            ),
        ]


class DevelopmentPlan(TimeStampedModel):
    """The NQSW's plan for one period (`period` is a key of the version's `forms["pdp"]["periods"]`)."""

    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="development_plans")
    period = models.SlugField(max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["record", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["record", "period"], name="asye_one_plan_per_period"),
        ]

    def __str__(self) -> str:
        return f"Development plan ({self.period})"


class PlanRow(TimeStampedModel):
    """One learning need and what is done about it. The NQSW writes every column except the
    review note, which the assessor or line manager writes (`reviewed_by`, `reviewed_at`).
    `submit_token` comes from the add form: a second submit of the same form finds the row the
    first made instead of adding another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="rows")
    learning_need = models.TextField()
    action = models.TextField()
    support = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    progress_evidence = models.TextField(blank=True)
    review_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    submit_token = models.UUIDField(unique=True)

    class Meta:
        ordering: ClassVar = ["plan", "created_at", "id"]

    def __str__(self) -> str:
        return f"Development plan row: {self.learning_need[:60]}"
