"""A request to a peer to confirm a conversation. Imported at the bottom of `cpd/models.py`, so
it belongs to the `cpd` app and its migrations.

The link's token is never stored: `secret_hash` is a keyed hash of it, and until the outbox
builds the email and mints the link it holds the hash of a random value nobody has. The request
keeps the peer reflection's peer and date as they were when it was sent (`reflection_peer_name`,
`discussed_on`): once the person changes either, the request no longer matches and its link
stops working."""

import datetime
import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel
from cpd.models import CpdRecord, PeerReflection


class PeerAnswer(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Said it did not take place"


class PeerRequestStatus(models.TextChoices):
    SENT = "sent", "Sent"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Said it did not take place"
    EXPIRED = "expired", "Expired"
    REPLACED = "replaced", "Replaced by a newer request"
    OUT_OF_DATE = "out_of_date", "No longer matches the reflection"


class PeerConfirmationRequest(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(CpdRecord, on_delete=models.CASCADE, related_name="peer_confirmations")
    peer_name = models.CharField(max_length=200)
    peer_email = models.EmailField()
    # The reflection's peer and date when the request was sent.
    reflection_peer_name = models.CharField(max_length=200, blank=True)
    discussed_on = models.DateField()
    secret_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    answer = models.CharField(max_length=20, choices=PeerAnswer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The peer's account, when they answered signed in; most peers answer without one.
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)
    # The key of the form that sent it: a second press of "Send" finds the first request.
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["record", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="cpd_peer_request_idempotency_unique",
            ),
            models.CheckConstraint(
                condition=(models.Q(answer="") & models.Q(answered_at__isnull=True))
                | (~models.Q(answer="") & models.Q(answered_at__isnull=False)),
                name="cpd_peer_request_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Peer confirmation request {self.pk}"

    def matches(self, reflection: PeerReflection | None) -> bool:
        """Whether the record's reflection still names this peer and date."""
        return (
            reflection is not None
            and reflection.peer_name == self.reflection_peer_name
            and reflection.discussed_on == self.discussed_on
        )

    def status_at(self, now: datetime.datetime, reflection: PeerReflection | None) -> str:
        """Answered first (what the peer said stays true of that conversation), then replaced,
        out of date, expired, sent."""
        if self.answer:
            return self.answer
        if self.replaced_at is not None:
            return PeerRequestStatus.REPLACED
        if not self.matches(reflection):
            return PeerRequestStatus.OUT_OF_DATE
        if self.expires_at <= now:
            return PeerRequestStatus.EXPIRED
        return PeerRequestStatus.SENT
