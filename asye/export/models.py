"""One export of a portfolio. Imported at the bottom of `asye/models.py`, so it belongs to the
`asye` app and its migrations.

The files are kept in the private storage (`academy.files.storage.private_storage`) under
random names (`<organisation id>/<hex>`), never under anything the portfolio says, and leave the
portal only through the export's download view, which asks the record's access selector first.
They are not `StoredFile` rows: those are uploads (checked for type and viruses, owned by a
record a person wrote); an export is the portal's own output, replaced by the next one."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import TimeStampedModel


class ExportKind(models.TextChoices):
    FULL = "full", "Full portfolio"
    ANONYMISED = "anonymised", "Anonymised copy for moderation"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being built"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    REPLACED = "replaced", "Replaced by a newer copy"


# An export still on its way: a second request of the same kind finds it instead of queueing another.
PENDING = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class PortfolioExport(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey("asye.AsyeRecord", on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    status = models.CharField(max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    step = models.CharField(max_length=200, blank=True, help_text="What the builder is doing now.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf_name = models.CharField(max_length=255, blank=True, editable=False)
    pdf_size = models.PositiveBigIntegerField(null=True, blank=True)
    zip_name = models.CharField(max_length=255, blank=True, editable=False)
    zip_size = models.PositiveBigIntegerField(null=True, blank=True)
    items = models.PositiveIntegerField(null=True, blank=True, help_text="Accepted items in it.")
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["record", "kind", "status"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="asye_export_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | (~models.Q(pdf_name="") & ~models.Q(zip_name="")),
                name="asye_export_ready_has_files",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING
