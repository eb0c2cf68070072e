"""Moderation panels and what they decide. Imported at the bottom of `asye/models.py`, so they
belong to the `asye` app and its migrations.

- `ModerationPanel`: a meeting on a date, owned by a council or the partnership; open while it
  sits, closed after. Its members and the portfolios allocated to it are rows of their own.
- `PanelMember`: a membership (moderator, PSW or academy admin) sitting on the panel. An external
  moderator is a moderator membership in an organisation outside the owner's reach: they see the
  portfolios allocated to the panel, read-only, while it is open, and nothing else.
- `PanelAllocation`: one SUBMITTED record put before a panel. It carries the moderator's
  checklist (`checklist`: item key -> ``{"answer": "yes"|"no", "comment": str}``, pre-filled
  from the record by `asye/moderation/checklist.py`), for adult services the external
  moderation questions (`external`, the same shape), and the panel's decision: agree, or refer
  back with reasons and a new end date. A decided allocation no longer changes.
- `FinalDecision`: the employer's decision after the panel agreed (pass or fail), once per
  record; it completes the year and locks the record.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import Membership, Organisation, TimeStampedModel


class PanelStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ModerationPanel(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="moderation_panels")
    title = models.CharField(max_length=200)
    held_on = models.DateField("panel date")
    status = models.CharField(max_length=10, choices=PanelStatus.choices, default=PanelStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-held_on", "title"]
        indexes: ClassVar = [models.Index(fields=["status", "held_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %B %Y})"

    @property
    def is_open(self) -> bool:
        return self.status == PanelStatus.OPEN


class PanelMember(TimeStampedModel):
    panel = models.ForeignKey(ModerationPanel, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="panel_seats")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["panel", "membership"], name="asye_panel_member_once"),
        ]

    def __str__(self) -> str:
        return f"Member of panel {self.panel_id}"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"


class PanelDecision(models.TextChoices):
    AGREE = "agree", "Agreed"
    REFER_BACK = "refer_back", "Referred back"


class PanelAllocation(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    panel = models.ForeignKey(ModerationPanel, on_delete=models.PROTECT, related_name="allocations")
    record = models.ForeignKey(
        "asye.AsyeRecord", on_delete=models.PROTECT, related_name="moderation_allocations"
    )
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(default=dict, blank=True)
    external = models.JSONField(default=dict, blank=True)
    shortcomings = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=PanelDecision.choices, blank=True)
    reasons = models.TextField(blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(decision=""),
                name="asye_one_undecided_allocation_per_record",
                violation_error_message="This portfolio is already waiting for a panel.",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="refer_back") | models.Q(new_end_date__isnull=False),
                name="asye_refer_back_has_new_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Portfolio {self.record_id} before panel {self.panel_id}"


class Outcome(models.TextChoices):
    PASS = "pass", "Passed"
    FAIL = "fail", "Not passed"


class FinalDecision(TimeStampedModel):
    record = models.OneToOneField("asye.AsyeRecord", on_delete=models.PROTECT, related_name="final_decision")
    allocation = models.ForeignKey(PanelAllocation, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Final decision on {self.record_id}: {self.outcome}"
