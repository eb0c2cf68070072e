"""A request for feedback from someone without an account. Imported at the bottom of
`asye/models.py`, so it belongs to the `asye` app and its migrations.

Neither the link's token nor the short code is stored: `secret_hash` is a keyed hash of
whichever one the giver holds. A request sent by email carries an unusable hash until the
outbox builds the email and mints the link."""

import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel
from asye.models import AsyeRecord, EvidenceKind


class FeedbackKind(models.TextChoices):
    PEOPLE = EvidenceKind.FEEDBACK_PEOPLE.value, "Someone who uses services"
    PROFESSIONALS = EvidenceKind.FEEDBACK_PROFESSIONALS.value, "Another professional"


class FeedbackAudience(models.TextChoices):
    ADULT = "adult", "An adult"
    YOUNG = "young", "A child or young person"


class FeedbackChannel(models.TextChoices):
    EMAIL = "email", "Email them a link"
    CODE = "code", "Show a code on my phone"


class FeedbackRequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ANSWERED = "answered", "Answered"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Withdrawn"


class FeedbackRequest(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(AsyeRecord, on_delete=models.CASCADE, related_name="feedback_requests")
    kind = models.CharField(max_length=40, choices=FeedbackKind.choices)
    audience = models.CharField(
        max_length=10, choices=FeedbackAudience.choices, default=FeedbackAudience.ADULT
    )
    giver_description = models.CharField(
        max_length=200, help_text="For the NQSW's own reference, such as 'parent at the review meeting'."
    )
    setting = models.CharField(max_length=200, help_text="What the giver is asked about; they see it.")
    channel = models.CharField(max_length=10, choices=FeedbackChannel.choices)
    secret_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    evidence = models.ForeignKey(
        "asye.EvidenceItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_requests",
    )
    # The key of the form that created it: a second press of "Create" finds the first request.
    idempotency_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FeedbackKind.values), name="asye_feedback_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=FeedbackChannel.values),
                name="asye_feedback_request_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="asye_feedback_request_used_or_revoked",
            ),
            models.UniqueConstraint(
                fields=["record", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="asye_feedback_request_idempotency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback request: {self.giver_description}"

    def status_at(self, now: datetime.datetime) -> str:
        """Withdrawn, answered, expired or waiting, in that order of precedence."""
        if self.revoked_at is not None:
            return FeedbackRequestStatus.REVOKED
        if self.used_at is not None:
            return FeedbackRequestStatus.ANSWERED
        if self.expires_at <= now:
            return FeedbackRequestStatus.EXPIRED
        return FeedbackRequestStatus.WAITING
