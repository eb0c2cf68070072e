"""Supervision sessions, workload and protected development time of ASYE records.

- `Supervision`: one session, held once, whoever attended: the date (and start time when
  given), length, the supervisor, agenda, discussion and agreed actions (a list of
  ``{"action", "owner", "due_on"}``). A group session is one row with an attendance per NQSW.
- `SupervisionAttendance`: the session on one NQSW's record, with that NQSW's confirmation and
  their own reflection (seen only on their record, never by the other attendees).
- `CaseloadMonth`: the NQSW's caseload and the team's comparison figure for one month.
- `ProtectedTime`: hours of protected development time used on a day, and what they went on.
"""

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from academy.models import Membership, Organisation, TimeStampedModel


class SupervisionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group"


class Supervision(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        max_length=20, choices=SupervisionKind.choices, default=SupervisionKind.ONE_TO_ONE
    )
    held_on = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    supervisor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    agenda = models.TextField(blank=True)
    discussion = models.TextField()
    actions = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    submit_token = models.UUIDField(unique=True)

    class Meta:
        ordering: ClassVar = ["-held_on", "-start_time", "id"]
        indexes: ClassVar = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision on {self.held_on:%Y-%m-%d}"


class SupervisionAttendance(TimeStampedModel):
    supervision = models.ForeignKey(Supervision, on_delete=models.CASCADE, related_name="attendances")
    record = models.ForeignKey(
        "asye.AsyeRecord", on_delete=models.PROTECT, related_name="supervision_attendances"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reflection = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["supervision", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["supervision", "record"], name="asye_supervision_attendee_once"),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(confirmed_by__isnull=False),
                name="asye_supervision_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Attendance at {self.supervision_id}"


class CaseloadMonth(TimeStampedModel):
    """`month` is the first day of the month it describes."""

    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="caseload_months")
    month = models.DateField()
    caseload = models.DecimalField(
        max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(999)]
    )
    comparison = models.DecimalField(
        "comparison figure",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text="An experienced colleague's caseload in the same team.",
    )
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["record", "month"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["record", "month"], name="asye_caseload_one_per_month"),
            models.CheckConstraint(condition=models.Q(month__day=1), name="asye_caseload_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"Caseload for {self.month:%B %Y}"


class ProtectedTime(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.PROTECT, related_name="protected_time")
    used_on = models.DateField()
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("37.5"))],
    )
    activity = models.CharField("what it was spent on", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submit_token = models.UUIDField(unique=True)

    class Meta:
        ordering: ClassVar = ["record", "used_on", "id"]
        indexes: ClassVar = [models.Index(fields=["record", "used_on"])]

    def __str__(self) -> str:
        return f"Protected time on {self.used_on:%Y-%m-%d}"
