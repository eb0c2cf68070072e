"""The record of one uploaded file. The bytes live in the "private" storage under `stored_name`;
everything the portal knows about them lives here."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from academy.models import Organisation, TimeStampedModel


class StoredFile(TimeStampedModel):
    """An uploaded file, owned by one record of one app (`owner_kind`, `owner_id`). Who may read
    it is the owning app's decision, registered with `register_file_owner`."""

    class ScanStatus(models.TextChoices):
        NOT_SCANNED = "not_scanned", "Not scanned (no virus scanner configured)"
        CLEAN = "clean", "Scanned: no threat found"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_kind = models.CharField(
        max_length=80, help_text="The registered owner kind whose access check decides who may read it."
    )
    owner_id = models.CharField(max_length=64)
    original_name = models.CharField(
        max_length=255, help_text="The uploader's file name, cleaned; shown and offered on download only."
    )
    stored_name = models.CharField(
        max_length=255, unique=True, editable=False, help_text="Random; never derived from the upload."
    )
    content_type = models.CharField(max_length=150, help_text="Detected from the content.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=20, choices=ScanStatus.choices)
    scanned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["owner_kind", "owner_id"])]
        constraints: ClassVar = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="stored_file_not_empty"),
            models.CheckConstraint(
                condition=models.Q(scan_status="not_scanned", scanned_at__isnull=True)
                | models.Q(scan_status="clean", scanned_at__isnull=False),
                name="stored_file_scanned_at_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
