"""Evidence items and the rows that record what happened to them. Imported at the bottom of
`asye/models.py`, so they belong to the `asye` app and its migrations."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import FrameworkElement, Membership, TimeStampedModel
from asye.anonymisation import FlagKind
from asye.models import AsyeRecord, EvidenceKind


class EvidenceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    RESUBMITTED = "resubmitted", "Resubmitted"
    ACCEPTED = "accepted", "Accepted"


# The NQSW may change an item in these states; the assessor reviews items in WAITING.
EDITABLE = (EvidenceStatus.DRAFT, EvidenceStatus.RETURNED)
WAITING = (EvidenceStatus.SUBMITTED, EvidenceStatus.RESUBMITTED)


class EvidenceItem(TimeStampedModel):
    """One piece of evidence. `answers` holds the words of its form, keyed by the prompts of
    `forms[kind]` on the record's programme version (a self-assessment also keeps one rating
    and note per framework statement under "statements"). `version` goes up on every change,
    so an edit made from a page that is out of date is refused rather than overwriting."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(AsyeRecord, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=40, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    date = models.DateField()
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=EvidenceStatus.choices, default=EvidenceStatus.DRAFT)
    version = models.PositiveIntegerField(default=1)
    observer = models.ForeignKey(
        Membership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="asye_observations",
        help_text="A direct observation's observer when not the assessor.",
    )
    # The key of the form that created it: a second press of "Save" finds the first item.
    idempotency_key = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="When it last went to the assessor.")

    class Meta:
        ordering: ClassVar = ["-date", "-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["record", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="asye_evidence_idempotency_unique",
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="asye_evidence_version_positive"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["record", "status"]),
            models.Index(fields=["status", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceTransition(TimeStampedModel):
    """Append-only: one row per change of status, with who, when (`created_at`) and why."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=EvidenceStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=EvidenceStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status}"


class EvidenceComment(TimeStampedModel):
    """Append-only: the thread on an item (the NQSW, the assessor, the line manager)."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment on {self.item_id}"


class EvidenceMapping(TimeStampedModel):
    """The item shows the framework element (of one of the record's framework versions)."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="mappings")
    element = models.ForeignKey(FrameworkElement, on_delete=models.PROTECT, related_name="asye_evidence")

    class Meta:
        ordering: ClassVar = ["element__version", "element__position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["item", "element"], name="asye_evidence_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.element_id}"


class AnonymisationCheck(TimeStampedModel):
    """What the guard flagged in an item and what the NQSW decided. One row per flagged text
    in one place (`source`: "title", "answer:<key>", "file:<id>" for a file name,
    "file-text:<id>" for the words inside it). The matched words are kept only as a hash, with
    their offsets when last seen. `decision` is empty until the NQSW confirms "not identifying"
    or the text disappears after an edit ("edited")."""

    class Decision(models.TextChoices):
        OPEN = "", "Waiting for the NQSW"
        EDITED = "edited", "Edited out"
        NOT_IDENTIFYING = "not_identifying", "Confirmed not identifying"

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="anonymisation_checks")
    source = models.CharField(max_length=120)
    kind = models.CharField(max_length=30, choices=FlagKind.choices)
    text_sha256 = models.CharField(max_length=64)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["item", "source", "kind", "text_sha256"], name="asye_anonymisation_check_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(decision="", decided_by__isnull=True, decided_at__isnull=True)
                | (~models.Q(decision="") & models.Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="asye_anonymisation_decision_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} in {self.source}"
