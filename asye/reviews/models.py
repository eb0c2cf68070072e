"""A review of an ASYE record and its signatures. Imported at the bottom of `asye/models.py`, so
they belong to the `asye` app and its migrations.

- `Review`: one per record and review point (`key` is a key of the programme version's
  `review_points`). Made on the first write to it; until then the review page shows an empty
  review due on its computed date. Three parts, each written by its role: the NQSW's
  reflection (and self-assessment where the programme asks), the line manager's account of the
  support given, and the assessor's judgement per framework domain with the action plan.
  `judgements` maps a framework element's id (as a string) to ``{"rating", "reason"}``;
  `action_plan` is a list of ``{"action", "by"}`` with `by` an ISO date.
- `ReviewSignature`: append-only (`asye.signatures.SignatureFields`). The first signature
  freezes the review's words (each signature vouches for them); when the NQSW, the assessor and
  the line manager have all signed, `completed_at` is set and the review is read-only for good.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel
from asye.signatures import SignatureFields, one_signature_per_capacity


class Rating(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    SERIOUS_CONCERNS = "serious_concerns", "Serious concerns"


CONCERNS = (Rating.SOME_CONCERNS, Rating.SERIOUS_CONCERNS)


class Review(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="reviews")
    key = models.SlugField(max_length=40)
    # The NQSW's part.
    reflection = models.TextField(blank=True)
    self_assessment = models.TextField(blank=True)
    # The line manager's part: the support given.
    supervision = models.TextField(blank=True)
    workload = models.TextField(blank=True)
    protected_time = models.TextField(blank=True)
    # The assessor's part.
    judgements = models.JSONField(default=dict, blank=True)
    progress_summary = models.TextField(blank=True)
    action_plan = models.JSONField(default=list, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, help_text="When the last of the three signed.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["record", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["record", "key"], name="asye_one_review_per_point"),
        ]
        indexes: ClassVar = [models.Index(fields=["record", "completed_at"])]

    def __str__(self) -> str:
        return f"Review ({self.key})"


class ReviewSignature(SignatureFields):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="signatures")

    class Meta:
        ordering: ClassVar = ["review", "signed_at", "id"]
        constraints: ClassVar = [
            one_signature_per_capacity(
                "review",
                "asye_review_one_signature_per_capacity",
                "This review has been signed in this capacity already.",
            ),
        ]
