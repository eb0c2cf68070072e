"""Cohorts: the intakes a council's NQSWs start in, and the people imported into them.

- `Cohort`: one intake of one organisation (name, start month, service area, lead PSW). An ASYE
  record belongs to at most one (`AsyeRecord.cohort`).
- `CohortEntry`: one person placed in a cohort by an import, with the details their record
  starts from. Someone who has no account yet is invited (the core's invitation); their record
  starts once they have joined, when the cohort's file is imported again or "Start records" is
  pressed. `record` is set from then on. Importing never creates an account for anyone: an
  account is made only by the person, through the invitation (ADR 0016).
"""

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from academy.models import Invitation, Membership, Organisation, Team, TimeStampedModel


class Cohort(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="asye_cohorts")
    name = models.CharField("intake name", max_length=120)
    start_month = models.DateField(help_text="The first day of the month the intake starts in.")
    service_area = models.CharField(max_length=30, choices=Team.ServiceArea.choices)
    lead_psw = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="asye_cohorts_led"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["-start_month", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="asye_cohort_name_unique_in_org"),
            models.CheckConstraint(
                condition=models.Q(start_month__day=1), name="asye_cohort_start_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CohortEntry(TimeStampedModel):
    """A person placed in a cohort by an import (append-or-update: the import keeps it in step
    with the file; the record, once started, is the source of truth for everything but the
    assignment)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="entries")
    email = models.EmailField(help_text="Kept in lower case.")
    full_name = models.CharField(max_length=200)
    start_date = models.DateField()
    fte = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    programme_type = models.ForeignKey("asye.ProgrammeType", on_delete=models.PROTECT, related_name="+")
    date_qualified = models.DateField(null=True, blank=True)
    swe_number = models.CharField(max_length=12)
    assessor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    line_manager = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    record = models.OneToOneField(
        "asye.AsyeRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="cohort_entry"
    )
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["full_name", "email"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["cohort", "email"], name="asye_cohort_entry_email_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} in {self.cohort}"


class CohortImport(TimeStampedModel):
    """A file too large to check and import within a request (more than
    `reading.MAX_ROWS` rows, up to `reading.MAX_BACKGROUND_ROWS`), handled by Celery tasks:
    checked, shown (counts and the problems found), confirmed, imported in chunks. The file is
    kept in the private files (`academy/files/`) while the job needs it."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Checking the file"
        INVALID = "invalid", "Problems to put right"
        READY = "ready", "Ready to confirm"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Stopped"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    file = models.ForeignKey("academy.StoredFile", null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKING)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    # Counts by what the rows do, the problems found (the first ones) and, once done, the result.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} into {self.cohort}"
