"""The CPD ledger: registration years (data, not constants), and each person's CPD records with
an optional peer reflection. A record belongs to the person (`User`), never to an organisation,
so it follows them between employers. Its registration year is worked out from its date."""

import uuid
from typing import ClassVar

from django.db import models
from django.db.models.functions import Lower

from academy.models import FrameworkElement, TimeStampedModel, User


class RegistrationYear(TimeStampedModel):
    """One Social Work England registration year and what it asks for. Loaded from
    `cpd/year_data/registration_years.json` by `cpd.year_loader` (data migration and tests)."""

    label = models.CharField(
        max_length=20, unique=True, help_text="How people name it: the two years joined by an en dash."
    )
    slug = models.SlugField(max_length=20, unique=True, help_text="The label in an address: '2025-26'.")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day: records are due by 11.59pm London time.")
    required_records = models.PositiveSmallIntegerField(default=2)
    required_peer_reflected = models.PositiveSmallIntegerField(default=1)
    renewal_window_opens_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-starts_on"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="cpd_year_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_window_opens_on__gte=models.F("starts_on"))
                & models.Q(renewal_window_opens_on__lte=models.F("ends_on")),
                name="cpd_year_window_inside_year",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ActivityType(models.TextChoices):
    """Kinds of CPD activity, in the portal's words, covering the regulator's examples."""

    COURSE = "course", "Training course or workshop"
    ELEARNING = "elearning", "E-learning module"
    WEBINAR = "webinar", "Webinar or online talk"
    PODCAST = "podcast", "Podcast, video or broadcast"
    READING = "reading", "Reading: an article, book or research"
    CONFERENCE = "conference", "Conference or seminar"
    PROJECT = "project", "Project work"
    PRACTICE_REVIEW = "practice_review", "Reviewing my own practice"
    SUPERVISION = "supervision", "Supervision or reflective discussion"
    SHADOWING = "shadowing", "Shadowing or a visit to another service"
    PROGRAMME = "programme", "A programme such as the ASYE or a post-qualifying award"
    TEACHING = "teaching", "Teaching, mentoring or presenting to others"
    OTHER = "other", "Other"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETE = "complete", "Complete"


class CpdRecord(TimeStampedModel):
    """One piece of learning. The fields SWE's form asks for may be blank while it is a draft;
    a complete record has them all (`cpd.services` decides)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="cpd_records")
    title = models.CharField(max_length=200)
    activity_type = models.CharField(max_length=30, choices=ActivityType.choices)
    description = models.TextField(blank=True, help_text="What the activity was and why it is relevant.")
    occurred_on = models.DateField(help_text="When the learning took place.")
    learning = models.TextField(blank=True, help_text="What was learnt.")
    impact = models.TextField(blank=True, help_text="Impact on practice and on the people worked with.")
    hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    provider = models.CharField(max_length=200, blank=True)
    topics = models.ManyToManyField(FrameworkElement, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-occurred_on", "-created_at"]
        indexes: ClassVar = [models.Index(fields=["person", "occurred_on"], name="cpd_record_person_date")]
        constraints: ClassVar = [
            models.UniqueConstraint(
                "person",
                Lower("title"),
                "occurred_on",
                name="cpd_record_one_title_a_day",
                violation_error_message="You already have a CPD record with this title on this date.",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gt=0),
                name="cpd_record_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_complete(self) -> bool:
        return self.status == RecordStatus.COMPLETE


class PeerReflection(TimeStampedModel):
    """What the person learnt from discussing the activity with a peer. SWE's form asks only for
    the learning; who the peer was and when is the person's own note, never required."""

    record = models.OneToOneField(CpdRecord, on_delete=models.CASCADE, related_name="peer_reflection")
    learning = models.TextField()
    peer_name = models.CharField(max_length=200, blank=True)
    peer_role = models.CharField(max_length=200, blank=True)
    discussed_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Peer reflection on {self.record_id}"


# Models that live with their part of the app, imported here so Django registers them.
from .peer.models import PeerAnswer, PeerConfirmationRequest, PeerRequestStatus  # noqa: E402, F401
