"""Models of the year's end. Imported at the bottom of `asye/models.py`, so they belong to the
`asye` app and its migrations.

- `FinalAssessment`: one per record. Three parts, each written by its role: the NQSW's final
  reflection, the assessor's final report with a recommendation (pass or fail) and a judgement
  with reasons per framework domain (`judgements` maps an element id, as a string, to
  ``{"met": "yes" | "no", "reason": "..."}``), and the line manager's endorsement. Frozen at
  its first signature, complete (`completed_at`) when the three have signed, as reviews are
  (docs/adr/0015).
- `FinalAssessmentSignature`: append-only (`asye.signatures.SignatureFields`).
- `RecordExtension`: append-only; a new planned end, why, who and when. The record keeps a copy
  of each extension's shift in `AsyeRecord.extension_shifts` so its dates need no query.
- `RecordWithdrawal`: the NQSW left the programme (not a fail); one per record.
- `AnonymisationConfirmation`: append-only; the NQSW confirmed an item, as it stood at
  `item_version`, names nobody. An item changed since needs confirming again.
- `ModerationSubmission`: append-only; who sent the portfolio to moderation and when.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel
from asye.signatures import SignatureFields, one_signature_per_capacity


class Recommendation(models.TextChoices):
    PASS = "pass", "Pass"
    FAIL = "fail", "Fail"


class Endorsement(models.TextChoices):
    ENDORSE = "endorse", "I endorse the recommendation"
    DO_NOT_ENDORSE = "do_not_endorse", "I do not endorse the recommendation"


class FinalAssessment(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.OneToOneField(
        "asye.AsyeRecord", on_delete=models.PROTECT, related_name="final_assessment"
    )
    # The NQSW's part.
    reflection = models.TextField(blank=True)
    further_development = models.TextField(blank=True)
    # The assessor's part.
    report = models.TextField(blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    judgements = models.JSONField(default=dict, blank=True)
    # The line manager's part.
    endorsement = models.CharField(max_length=20, choices=Endorsement.choices, blank=True)
    manager_comments = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the last of the three signed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["created_at"]

    def __str__(self) -> str:
        return f"Final assessment of {self.record_id}"


class FinalAssessmentSignature(SignatureFields):
    assessment = models.ForeignKey(FinalAssessment, on_delete=models.PROTECT, related_name="signatures")

    class Meta:
        ordering: ClassVar = ["assessment", "signed_at", "id"]
        constraints: ClassVar = [
            one_signature_per_capacity(
                "assessment",
                "asye_final_one_signature_per_capacity",
                "The final assessment has been signed in this capacity already.",
            ),
        ]


class RecordExtension(TimeStampedModel):
    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="extensions")
    granted_on = models.DateField(help_text="Dates after this day move; earlier ones stay.")
    previous_end_on = models.DateField()
    new_end_on = models.DateField()
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(new_end_on__gt=models.F("previous_end_on")),
                name="asye_extension_moves_end_later",
            ),
        ]

    def __str__(self) -> str:
        return f"Extended to {self.new_end_on}"

    @property
    def days(self) -> int:
        return (self.new_end_on - self.previous_end_on).days


class RecordWithdrawal(TimeStampedModel):
    record = models.OneToOneField("asye.AsyeRecord", on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_on = models.DateField()
    reason = models.TextField()
    previous_status = models.CharField(max_length=20)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Withdrawn on {self.withdrawn_on}"


class AnonymisationConfirmation(TimeStampedModel):
    item = models.ForeignKey("asye.EvidenceItem", on_delete=models.CASCADE, related_name="confirmations")
    item_version = models.PositiveIntegerField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["item", "item_version"], name="asye_confirmation_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Anonymisation of {self.item_id} v{self.item_version} confirmed"


class ModerationSubmission(TimeStampedModel):
    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Submitted to moderation on {self.created_at:%Y-%m-%d}"
