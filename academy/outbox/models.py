"""One row per email. The row is written in the same transaction as the change that causes the
email, so a message exists exactly when its cause does; the sweep sends it later."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from academy.models import TimeStampedModel


class OutboxMessage(TimeStampedModel):
    """An email waiting to be sent, sent, failed for good, or cancelled.

    What it says is built when it is sent, from `kind`, the object it is about and `context`
    (ids and plain values only: never a secret such as an invitation token)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Due"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Not sent"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60, help_text="Which builder renders it, e.g. 'invitation'.")
    to_email = models.EmailField("recipient address")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "academy.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    context = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(
        max_length=200, unique=True, help_text="The same cause never queues a second email."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField()
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A sender holds the message until then (its lease)."
    )
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    email_subject = models.CharField(max_length=300, blank=True, help_text="As last rendered.")
    sent_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True, help_text="Why it was not sent.")

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False)
                | (~models.Q(status="sent") & models.Q(sent_at__isnull=True)),
                name="outbox_sent_iff_sent_at",
            ),
        ]
        indexes: ClassVar = [
            # The sweep: due pending rows, oldest first.
            models.Index(fields=["due_at"], name="outbox_due_pending", condition=models.Q(status="pending")),
            # The operator page: by status, newest first, within organisations.
            models.Index(fields=["status", "-created_at"], name="outbox_status_created"),
            models.Index(fields=["organisation", "status", "-created_at"], name="outbox_org_status"),
            models.Index(fields=["content_type", "object_id"], name="outbox_about"),
            # The daily limit on invitation emails to one address.
            models.Index(fields=["kind", "created_at"], name="outbox_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} email to {self.to_email}"
