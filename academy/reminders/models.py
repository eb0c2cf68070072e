"""Reminders, and how each person wants to hear of them."""

import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Reminder(models.Model):
    """One reminder to one person about one fact, made once (its `key` is unique) by the
    producer sweep and delivered once by the delivery sweep.

    pending   made, its due time not reached yet
    due       its due time has passed; the delivery sweep takes it
    sent      in the person's portal inbox, and emailed (or put in their digest) as they chose
    failed    delivery failed too often; an operator can try again
    cancelled the fact changed before it was sent, or the person's memberships all ended"""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        DUE = "due", "Due"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class Email(models.TextChoices):
        NONE = "", "Portal only"
        SINGLE = "single", "Email"
        DIGEST = "digest", "Daily digest"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    key = models.CharField(max_length=300, unique=True, help_text="The same reminder is never made twice.")
    producer = models.CharField(max_length=80)
    kind = models.CharField(max_length=80)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "academy.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What it is about: a row (content type and id), or a string for what has no row.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    about_ref = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500, help_text="The portal page that resolves it.")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    due_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True, help_text="Not tried again before this.")
    last_error = models.TextField(blank=True)
    notification = models.ForeignKey(
        "academy.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=10, choices=Email.choices, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True, help_text="Put in a digest email then.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-due_at"]
        indexes: ClassVar = [
            # The delivery sweep: open rows by due time.
            models.Index(
                fields=["due_at"],
                name="reminder_open_due",
                condition=models.Q(state__in=["pending", "due"]),
            ),
            # The producer sweep: a producer's rows by state.
            models.Index(fields=["producer", "state"], name="reminder_producer_state"),
            # The digest: a person's sent reminders waiting for it.
            models.Index(
                fields=["recipient"],
                name="reminder_digest_waiting",
                condition=models.Q(state="sent", email="digest", digested_at__isnull=True),
            ),
            # The operator page: by state, newest due first.
            models.Index(fields=["state", "-due_at"], name="reminder_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder to {self.recipient_id}"


class ReminderPreference(models.Model):
    """How one person hears of one kind of reminder: always in the portal, and by email
    unless they turned it off. No row means email and portal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=80)
    by_email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'email and portal' if self.by_email else 'portal only'}"


DEFAULT_DIGEST_TIME = datetime.time(8, 0)


class ReminderDigest(models.Model):
    """A person who wants one email a day, at a London time of their choosing, instead of one
    email per reminder. `next_at` is the next time it goes out (aware), kept so a missed run
    catches up and a clock change cannot send it twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    enabled = models.BooleanField(default=False)
    time_of_day = models.TimeField(default=DEFAULT_DIGEST_TIME, help_text="London time.")
    next_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["next_at"], name="reminder_digest_next", condition=models.Q(enabled=True)),
        ]

    def __str__(self) -> str:
        return f"Digest at {self.time_of_day:%H:%M}" if self.enabled else "No digest"
