"""Practice educators, university partners and placement requests.

- `PracticeEducator`: one person's entry on an organisation's register of practice educators:
  their stage (trainee, stage 1, stage 2), when they qualified as an educator, what keeps them
  current (the last student they supported, the last update they attended), how many students
  a year they can take, the settings they can offer and whether they work on site or off site.
- `UniversityPartnership`: a university that places students with a council or a partnership.
  Its tutors and staff see only what concerns their own university.
- `PlacementRequest`: a university asks a partner for places (first or final placement, days
  required, dates, number of students).
- `PlacementOffer`: a team of the partner offers places against a request.

This app knows nothing of ASYE: an NQSW's ASYE record points back at a placement, never the
reverse.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from academy.models import Organisation, Team, TimeStampedModel


class EducatorStage(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    STAGE_1 = "stage_1", "Stage 1"
    STAGE_2 = "stage_2", "Stage 2"


class EducatorRole(models.TextChoices):
    ON_SITE = "on_site", "On site"
    OFF_SITE = "off_site", "Off site"


class PracticeSetting(models.TextChoices):
    """The kind of setting a placement is in. A final placement is in a different kind of
    setting from the student's first (the contrast rule)."""

    ADULTS = "adults", "Adult services"
    CHILDREN_FAMILIES = "children_families", "Children and families"
    MENTAL_HEALTH = "mental_health", "Mental health"
    HEALTH = "health", "Health, hospital or hospice"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"


class PracticeEducator(TimeStampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stage = models.CharField(max_length=20, choices=EducatorStage.choices)
    qualified_on = models.DateField(
        "date qualified as an educator",
        null=True,
        blank=True,
        help_text="When they completed the stage they now hold. Empty for a trainee.",
    )
    last_student_on = models.DateField(
        "last student supported", null=True, blank=True, help_text="The day the last placement ended."
    )
    last_update_on = models.DateField("last update attended", null=True, blank=True)
    capacity_per_year = models.PositiveSmallIntegerField(
        "students a year", default=1, validators=[MinValueValidator(0), MaxValueValidator(12)]
    )
    settings_offered = models.JSONField(default=list, blank=True)
    role = models.CharField(max_length=20, choices=EducatorRole.choices, default=EducatorRole.ON_SITE)
    unavailable_from = models.DateField(null=True, blank=True)
    unavailable_until = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering: ClassVar = ["organisation", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "user"], name="placements_educator_once_per_org"),
            models.CheckConstraint(
                condition=models.Q(stage="trainee") | models.Q(qualified_on__isnull=False),
                name="placements_educator_qualified_unless_trainee",
            ),
            models.CheckConstraint(
                condition=models.Q(unavailable_from__isnull=True)
                | models.Q(unavailable_until__isnull=True)
                | models.Q(unavailable_until__gte=models.F("unavailable_from")),
                name="placements_educator_unavailable_in_order",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["organisation", "stage"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_stage_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.stage != EducatorStage.TRAINEE and self.qualified_on is None:
            errors["qualified_on"] = "Enter the date they qualified at this stage"
        unknown = set(self.settings_offered or []) - set(PracticeSetting.values)
        if unknown:
            errors["settings_offered"] = "Choose settings from the list"
        if (
            self.unavailable_from
            and self.unavailable_until
            and self.unavailable_until < self.unavailable_from
        ):
            errors["unavailable_until"] = "The end of the unavailable period must be after its start"
        if errors:
            raise ValidationError(errors)


class UniversityPartnership(TimeStampedModel):
    """A university that places students with `partner` (a council or a partnership). A
    partnership's member councils take students through it."""

    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["university__name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["university", "partner"], name="placements_partnership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.university} with {self.partner}"

    def clean(self) -> None:
        if self.university_id and self.university.kind != Organisation.Kind.UNIVERSITY:
            raise ValidationError({"university": "Choose a university"})
        if self.partner_id and self.partner.kind == Organisation.Kind.UNIVERSITY:
            raise ValidationError({"partner": "A university partners with a council or a partnership"})


class PlacementKind(models.TextChoices):
    FIRST = "first", "First placement"
    FINAL = "final", "Final placement"


class PlacementRequest(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partnership = models.ForeignKey(UniversityPartnership, on_delete=models.PROTECT, related_name="requests")
    # Copied from the partnership, so the scoping filters need no join.
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=PlacementKind.choices)
    days_required = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    students = models.PositiveSmallIntegerField(
        "number of students", validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    settings_wanted = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["starts_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="placements_request_ends_after_start",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["partner", "status", "starts_on"]),
            models.Index(fields=["university", "starts_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} places from {self.university}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The end date must be after the start date"})
        unknown = set(self.settings_wanted or []) - set(PracticeSetting.values)
        if unknown:
            raise ValidationError({"settings_wanted": "Choose settings from the list"})


class PlacementOffer(TimeStampedModel):
    """Places a team offers against a request."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(PlacementRequest, on_delete=models.CASCADE, related_name="offers")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    setting = models.CharField(max_length=30, choices=PracticeSetting.choices)
    places = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(20)])
    notes = models.CharField(max_length=500, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["request", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["request", "team"], name="placements_offer_once_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.places} place(s) in {self.team.name}"


class Placement(TimeStampedModel):
    """A student placed with a team and a practice educator. When the educator works off site,
    an on-site supervisor in the team supports the student day to day."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "In progress"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        PlacementRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="placements"
    )
    offer = models.ForeignKey(
        PlacementOffer, null=True, blank=True, on_delete=models.PROTECT, related_name="placements"
    )
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    university = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The council (employer) hosting the placement: the team's organisation.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    educator = models.ForeignKey(PracticeEducator, on_delete=models.PROTECT, related_name="placements")
    on_site_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=PlacementKind.choices)
    setting = models.CharField(max_length=30, choices=PracticeSetting.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()
    days_required = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["-starts_on", "id"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="placements_placement_ends_after_start",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["educator", "starts_on"]),
            models.Index(fields=["organisation", "status", "starts_on"]),
            models.Index(fields=["university", "starts_on"]),
            models.Index(fields=["student", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.student} in {self.team.name}"


class DayKind(models.TextChoices):
    PRACTICE = "practice", "Practice day"
    SKILLS = "skills", "Skills day"
    ABSENCE = "absence", "Absence"


class PlacementDay(TimeStampedModel):
    """One day of a placement as the student records it: a practice day, a skills day, or an
    absence. It counts once the practice educator or the on-site supervisor confirms it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="days")
    day = models.DateField()
    kind = models.CharField(max_length=20, choices=DayKind.choices)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["placement", "-day"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["placement", "day"], name="placements_day_once"),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(confirmed_by__isnull=False),
                name="placements_day_confirmed_by_someone",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["placement", "kind", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.day:%Y-%m-%d}"


class PlacementExtension(TimeStampedModel):
    """An agreed change to a placement's end date (append-only: the latest is in force)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="extensions")
    previous_ends_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=500)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["placement", "created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("previous_ends_on")),
                name="placements_extension_moves_the_end_later",
            ),
        ]

    def __str__(self) -> str:
        return f"Extended to {self.ends_on:%Y-%m-%d}"


class DocumentKind(models.TextChoices):
    """The meetings, observations and report of a placement, in the order they happen."""

    LEARNING_AGREEMENT = "learning_agreement", "Learning agreement meeting"
    MIDWAY_REVIEW = "midway_review", "Midway review"
    OBSERVATION = "observation", "Direct observation"
    FINAL_REPORT = "final_report", "Final report"


class Recommendation(models.TextChoices):
    PASS = "pass", "Pass: the student has met the placement's requirements"
    FAIL = "fail", "Fail: the student has not met them"


class PlacementDocument(TimeStampedModel):
    """A learning agreement meeting, a midway review, a direct observation or the final report
    of a placement, written by the practice educator and signed by the parties. Once anyone has
    signed it, its words no longer change (every signer signs the same text)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    held_on = models.DateField("date")
    summary = models.TextField(help_text="What was agreed, observed or assessed.")
    learning_needs = models.TextField(
        "learning needs",
        blank=True,
        help_text="What the student still needs to learn, carried into the next placement or the ASYE.",
    )
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["placement", "held_on", "created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["placement", "kind"],
                condition=~models.Q(kind="observation"),
                name="placements_document_once_unless_observation",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="final_report", recommendation__in=["pass", "fail"])
                | (~models.Q(kind="final_report") & models.Q(recommendation="")),
                name="placements_document_recommendation_on_final_report_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.kind == DocumentKind.FINAL_REPORT and not self.recommendation:
            raise ValidationError({"recommendation": "Choose your recommendation"})
        if self.kind != DocumentKind.FINAL_REPORT and self.recommendation:
            raise ValidationError({"recommendation": "Only the final report makes a recommendation"})


class SignatureCapacity(models.TextChoices):
    """Who signs a placement's documents, in the order pages list them."""

    STUDENT = "student", "Student"
    EDUCATOR = "educator", "Practice educator"
    SUPERVISOR = "supervisor", "On-site supervisor"
    TUTOR = "tutor", "University tutor"


class PlacementSignature(TimeStampedModel):
    """Append-only: no service changes or deletes a signature."""

    document = models.ForeignKey(PlacementDocument, on_delete=models.CASCADE, related_name="signatures")
    capacity = models.CharField(max_length=20, choices=SignatureCapacity.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(help_text="The words the person confirmed.")
    signed_at = models.DateTimeField()

    class Meta:
        ordering: ClassVar = ["document", "signed_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["document", "capacity"], name="placements_signature_once"),
        ]

    def __str__(self) -> str:
        return f"Signed as {self.get_capacity_display()} on {self.signed_at:%Y-%m-%d}"
