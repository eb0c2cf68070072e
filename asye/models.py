"""The ASYE record and the programme types it follows.

- `ProgrammeType` / `ProgrammeTypeVersion`: shared reference data (adult ASYE, child and family
  ASYE, the child and family early career programme). Every number — length, review points,
  minimum evidence, supervision cadence — and every form's prompts live on the version, as data.
  A record points at the version it started on, so publishing a new version never changes a
  record already under way.
- `AsyeRecord`: one NQSW's programme in one organisation, with the assessor and line manager
  assigned to it. Planned end and review due dates are computed (`asye/dates.py`), never stored.
- `AssessorChange` and `RecordPause`: append-only rows the record's history is read from.
"""

import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from academy.models import FrameworkVersion, Membership, Organisation, Team, TimeStampedModel


class EvidenceKind(models.TextChoices):
    """The kinds of evidence a portfolio holds; minimums per kind are data on the version."""

    CRITICAL_REFLECTION = "critical_reflection", "Critical reflection"
    DIRECT_OBSERVATION = "direct_observation", "Direct observation of practice"
    FEEDBACK_PEOPLE = "feedback_people", "Feedback from people who use services"
    FEEDBACK_PROFESSIONALS = "feedback_professionals", "Feedback from other professionals"
    WRITTEN_WORK = "written_work", "Assessed written work"
    LEARNING_ACTIVITY = "learning_activity", "Learning activity"
    SELF_ASSESSMENT = "self_assessment", "Self-assessment against the standards"
    OTHER = "other", "Other evidence"


class ReviewKey(models.TextChoices):
    """Well-known review points. A version may add others (any slug); `final` must exist."""

    FOUNDATIONAL = "foundational", "Foundational review"
    MIDPOINT = "midpoint", "Midpoint review"
    NINE_MONTH = "nine_month", "Nine-month review"
    FINAL = "final", "Final review"


class ProgrammeType(TimeStampedModel):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    service_area = models.CharField(max_length=30, choices=Team.ServiceArea.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeTypeVersion(TimeStampedModel):
    """One published set of rules for a programme type. Never edited once records use it: a
    change is a new version (`services.programme_version_publish`).

    JSON shapes (checked by `asye.programme_rules.validate_version_data`):

    - `review_points`: ``[{"key": "foundational", "label": "Foundational review", "months": 3,
      "optional": false, "enabled": true}, ...]`` — months from the start, before FTE scaling;
      exactly one `final`, the largest offset of the enabled points.
    - `evidence_minimums`: ``{"direct_observation": 3, ...}`` keyed by `EvidenceKind`.
    - `supervision_cadence`: ``[{"until_weeks": 6, "every_days": 7, "label": "Weekly"},
      {"until_months": 6, "every_days": 14, ...}, {"every_days": 31, ...}]`` — bands in order;
      the last has no bound.
    - `forms`: ``{"agreement": {"title", "guidance", "prompts": {field: prompt}}, "pdp": ...,
      "<evidence kind>": ..., "review_<key>": ...}``.
    """

    programme_type = models.ForeignKey(ProgrammeType, on_delete=models.PROTECT, related_name="versions")
    slug = models.SlugField(max_length=80)
    label = models.CharField(max_length=120)
    in_force_from = models.DateField(
        null=True, blank=True, help_text="Records starting on or after this date use it."
    )
    length_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(60)])
    review_points = models.JSONField(default=list)
    evidence_minimums = models.JSONField(default=dict)
    supervision_cadence = models.JSONField(default=list)
    forms = models.JSONField(default=dict, blank=True)
    frameworks = models.ManyToManyField(FrameworkVersion, related_name="asye_programme_versions", blank=True)
    source_title = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    notes = models.TextField(blank=True, help_text="What was confirmed and what still needs checking.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["programme_type__name", "in_force_from", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["programme_type", "slug"], name="asye_version_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_type.name} ({self.label})"

    def enabled_review_points(self) -> list[dict[str, Any]]:
        return [p for p in self.review_points if p.get("enabled", True)]


class RecordStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    EXTENDED = "extended", "Extended"
    SUBMITTED = "submitted", "Submitted to moderation"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Not passed"


# Statuses of a record still under way: an NQSW membership has at most one such record.
OPEN_STATUSES = (RecordStatus.ACTIVE, RecordStatus.PAUSED, RecordStatus.EXTENDED, RecordStatus.SUBMITTED)
# Statuses that end the year: the record and everything in it are read-only for good.
LOCKED_STATUSES = (RecordStatus.COMPLETED, RecordStatus.FAILED, RecordStatus.WITHDRAWN)

swe_number_validator = RegexValidator(
    r"^SW\d{1,10}$", "Enter a Social Work England registration number: SW followed by digits, like SW123456"
)


class AsyeRecord(TimeStampedModel):
    """One NQSW's assessed and supported year (or early career programme) in one organisation.

    The assessor and line manager are memberships (assessor / line manager roles) in the
    record's organisation or the partnership above it: the assignment ends when that role ends.
    They may be the same person, holding both roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nqsw = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="asye_records")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="asye_records")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="asye_records"
    )
    service_area = models.CharField(max_length=30, choices=Team.ServiceArea.choices)
    programme_version = models.ForeignKey(
        ProgrammeTypeVersion, on_delete=models.PROTECT, related_name="records"
    )
    start_date = models.DateField()
    fte = models.DecimalField(
        "contracted FTE",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    date_qualified = models.DateField(null=True, blank=True)
    university = models.CharField(max_length=200, blank=True)
    swe_number = models.CharField(
        "Social Work England registration number", max_length=12, validators=[swe_number_validator]
    )
    assessor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="asye_assessed")
    line_manager = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="asye_managed")
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    # A copy of the extensions (asye/final/: `RecordExtension`, the append-only history) as
    # ``[{"granted_on": "2027-08-01", "days": 61}, ...]``, so the dates need no query. Written
    # only by `asye.final.services.record_extend`.
    extension_shifts = models.JSONField(
        default=list, db_default=models.Value([], output_field=models.JSONField()), blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The intake the record belongs to (asye/cohorts/), if any.
    cohort = models.ForeignKey(
        "asye.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )

    class Meta:
        ordering: ClassVar = ["start_date", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(fte__gt=0) & models.Q(fte__lte=1), name="asye_record_fte_range"
            ),
            models.UniqueConstraint(
                fields=["nqsw"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="asye_one_open_record_per_nqsw",
                violation_error_message="This NQSW already has an ASYE record under way.",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status"]),
            models.Index(fields=["start_date"]),
        ]

    def __str__(self) -> str:
        return f"ASYE record of {self.nqsw.user}"

    @property
    def is_locked(self) -> bool:
        """The year has ended (completed, not passed or withdrawn): nothing in it may change."""
        return self.status in LOCKED_STATUSES


class AssessorChange(TimeStampedModel):
    """Append-only: who assessed a record from when, who changed it and why. The first row
    (no `from_assessor`) is the assignment made when the record was created."""

    record = models.ForeignKey(AsyeRecord, on_delete=models.CASCADE, related_name="assessor_changes")
    from_assessor = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_assessor = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Assessor of {self.record_id} changed on {self.created_at:%Y-%m-%d}"


class RecordPause(TimeStampedModel):
    """A period the programme stood still (long leave, sickness): pushes the planned end and
    every later review by its length. `ends_on` empty: still paused."""

    record = models.ForeignKey(AsyeRecord, on_delete=models.CASCADE, related_name="pauses")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["starts_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="asye_pause_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Pause from {self.starts_on}"


# Models that live with their part of the app, imported here so Django registers them.
from .agreement.models import (  # noqa: E402, F401
    Agreement,
    AgreementSignature,
    DevelopmentPlan,
    PlanRow,
    SignatureCapacity,
)
from .cohorts.models import Cohort, CohortEntry, CohortImport  # noqa: E402, F401
from .evidence.citations.models import CpdCitation  # noqa: E402, F401
from .evidence.models import (  # noqa: E402, F401
    AnonymisationCheck,
    EvidenceComment,
    EvidenceItem,
    EvidenceMapping,
    EvidenceStatus,
    EvidenceTransition,
)
from .export.models import ExportKind, ExportStatus, PortfolioExport  # noqa: E402, F401
from .feedback.models import (  # noqa: E402, F401
    FeedbackAudience,
    FeedbackChannel,
    FeedbackKind,
    FeedbackRequest,
    FeedbackRequestStatus,
)
from .final.models import (  # noqa: E402, F401
    AnonymisationConfirmation,
    FinalAssessment,
    FinalAssessmentSignature,
    ModerationSubmission,
    RecordExtension,
    RecordWithdrawal,
)

# Registration for ASYE grant funding (asye/funding/).
from .funding.models import FundingClaim, FundingRate, FundingRegistration  # noqa: E402, F401
from .moderation.models import (  # noqa: E402, F401
    FinalDecision,
    ModerationPanel,
    PanelAllocation,
    PanelMember,
)
from .reviews.models import Rating, Review, ReviewSignature  # noqa: E402, F401
from .supervision.models import (  # noqa: E402, F401
    CaseloadMonth,
    ProtectedTime,
    Supervision,
    SupervisionAttendance,
    SupervisionKind,
)
