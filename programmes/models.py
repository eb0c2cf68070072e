"""The academy's offer: programmes (the catalogue), their sessions, and the bookings people make.

A programme belongs to the organisation that runs it. It is offered to that organisation's
people and, when the owner is a partnership and `offered_to_members` is set, to the people of
its member councils. Sessions are dated occurrences of a programme with a capacity; a booking
is one person's place (or their turn on the waiting list) on one session."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from academy.models import FrameworkElement, Membership, Organisation, TimeStampedModel
from academy.roles import Role


class ProgrammeKind(models.TextChoices):
    COURSE = "course", "One-day or short course"
    ACCREDITED = "accredited", "Accredited programme"
    WORKSHOP = "workshop", "Bite-size workshop"
    REFLECTIVE_GROUP = "reflective_group", "Reflective practice group"
    WELLBEING = "wellbeing", "Wellbeing session"
    RESEARCH = "research", "Research briefing"
    CONFERENCE = "conference", "Conference"


class ProviderKind(models.TextChoices):
    IN_HOUSE = "in_house", "The academy (in-house)"
    UNIVERSITY = "university", "A university partner"
    EXTERNAL = "external", "An external provider"


class ServiceArea(models.TextChoices):
    ANY = "any", "Any service area"
    ADULTS = "adults", "Adult services"
    CHILDREN_FAMILIES = "children_families", "Children and families"


class CareerStage(models.TextChoices):
    ANY = "any", "Every stage"
    STUDENT = "student", "Students"
    NQSW = "nqsw", "Newly qualified social workers"
    SOCIAL_WORKER = "social_worker", "Registered social workers"
    SENIOR = "senior", "Senior, advanced or consultant practitioners"
    MANAGER = "manager", "Managers and supervisors"


class Programme(TimeStampedModel):
    """One entry in the catalogue."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=ProgrammeKind.choices)
    description = models.TextField()
    audience_roles = models.JSONField(
        default=list, blank=True, help_text="Roles it is meant for (empty: anyone)."
    )
    service_area = models.CharField(max_length=30, choices=ServiceArea.choices, default=ServiceArea.ANY)
    career_stage = models.CharField(max_length=30, choices=CareerStage.choices, default=CareerStage.ANY)
    provider_kind = models.CharField(
        max_length=20, choices=ProviderKind.choices, default=ProviderKind.IN_HOUSE
    )
    provider_name = models.CharField(max_length=200, blank=True)
    cpd_hours = models.DecimalField(max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    prerequisites = models.TextField(blank=True)
    requires_manager_approval = models.BooleanField(default=False)
    offered_to_members = models.BooleanField(
        default=True, help_text="For a partnership: its member councils' people may book too."
    )
    is_published = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["title"]
        indexes: ClassVar = [models.Index(fields=["organisation", "is_published", "title"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [role for role in self.audience_roles or [] if role not in Role.values]
        if unknown:
            raise ValidationError({"audience_roles": f"Unknown roles: {', '.join(unknown)}"})
        if self.provider_kind != ProviderKind.IN_HOUSE and not self.provider_name.strip():
            raise ValidationError({"provider_name": "Enter the name of the provider"})


class LearningOutcome(TimeStampedModel):
    """What someone can do after the programme, mapped to framework elements (PCF, KSS, SWE)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    elements = models.ManyToManyField(FrameworkElement, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["programme", "position", "id"]

    def __str__(self) -> str:
        return self.text


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class Session(TimeStampedModel):
    """One dated occurrence of a programme. Sessions made together as a weekly series share a
    `series` id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    mode = models.CharField(max_length=20, choices=SessionMode.choices, default=SessionMode.IN_PERSON)
    venue = models.CharField(max_length=300, blank=True)
    joining_link = models.URLField(max_length=500, blank=True)
    capacity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    facilitator = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    booking_closes_on = models.DateField(
        null=True, blank=True, help_text="The last day people may book (London time). Empty: until it starts."
    )
    series = models.UUIDField(null=True, blank=True, db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(
        blank=True, help_text="Why the academy cancelled it; everyone booked sees it."
    )

    class Meta:
        ordering: ClassVar = ["starts_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["programme", "starts_at"]),
            models.Index(fields=["starts_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="session_capacity_positive"),
            models.CheckConstraint(
                condition=(models.Q(mode="in_person") & ~models.Q(venue=""))
                | (models.Q(mode="online") & ~models.Q(joining_link="")),
                name="session_has_venue_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.title}, {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The session must end after it starts"
        if self.mode == SessionMode.IN_PERSON and not self.venue.strip():
            errors["venue"] = "Enter the venue"
        if self.mode == SessionMode.ONLINE and not self.joining_link.strip():
            errors["joining_link"] = "Enter the joining link"
        if errors:
            raise ValidationError(errors)


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for manager approval"
    BOOKED = "booked", "Booked"
    WAITLISTED = "waitlisted", "On the waiting list"
    OFFERED = "offered", "Place offered"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Not approved"
    OFFER_EXPIRED = "offer_expired", "Offer expired"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "Did not attend"


# Bookings that hold one of the session's places: the manager is deciding, the person is
# booked, or a place was offered from the waiting list and has not expired.
HOLDING = (BookingStatus.AWAITING_APPROVAL, BookingStatus.BOOKED, BookingStatus.OFFERED)
# Bookings that are still alive: a person has at most one of these per session.
ACTIVE = (*HOLDING, BookingStatus.WAITLISTED)


class Booking(TimeStampedModel):
    """One person's place on a session, or their turn on its waiting list. A cancelled,
    declined or expired booking stays as history; a new one may then be made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="bookings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="Where the person booked from."
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The register, marked by the facilitator or the academy's staff once the session has begun.
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The draft CPD record made once for an attendance (kept as a time, so a draft the person
    # deleted is not made again).
    cpd_drafted_at = models.DateTimeField(null=True, blank=True)
    cpd_record = models.ForeignKey(
        "cpd.CpdRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(status__in=[s.value for s in ACTIVE]),
                name="booking_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered") | models.Q(offer_expires_at__isnull=False),
                name="booking_offer_has_expiry",
            ),
            models.CheckConstraint(
                condition=models.Q(attendance="") | models.Q(status="booked"),
                name="booking_attendance_only_when_booked",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["session", "status"]),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.session}"


class SessionFeedback(TimeStampedModel):
    """What someone who attended thought of the session: given once, by them, kept anonymous in
    the staff's summaries (counts and averages only)."""

    class Rating(models.IntegerChoices):
        VERY_POOR = 1, "Very poor"
        POOR = 2, "Poor"
        ADEQUATE = 3, "Adequate"
        GOOD = 4, "Good"
        EXCELLENT = 5, "Excellent"

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    useful_for_practice = models.BooleanField()
    comment = models.TextField(blank=True, max_length=2000)

    def __str__(self) -> str:
        return f"Feedback on {self.booking_id}"


class CalendarFeed(TimeStampedModel):
    """A person's private calendar feed. Only a hash of the token is stored; revoking it (or
    minting a new one) makes the old address answer 404."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(
        max_length=8, help_text="The token's last characters, to tell addresses apart."
    )

    def __str__(self) -> str:
        return f"Calendar feed of {self.person}"


class PathwayRoute(models.TextChoices):
    CAREER = "career", "Career route"
    SPECIALIST = "specialist", "Specialist route"


class Pathway(TimeStampedModel):
    """A career pathway as data: the steps of a social work career an academy describes, what
    follows each, and the programmes that lead to each. Offered like a programme: to the owner's
    people and, for a partnership, to its member councils."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="pathway_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return self.name


class PathwayStep(TimeStampedModel):
    """One step: a job or a specialist role. `follows` are the steps people usually come from;
    `roles` place a person on the step from their roles, until they say where they stand."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    route = models.CharField(max_length=20, choices=PathwayRoute.choices, default=PathwayRoute.CAREER)
    position = models.PositiveSmallIntegerField(default=0)
    roles = models.JSONField(default=list, blank=True, help_text="Roles that put someone on this step.")
    follows = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="leads_to")
    programmes = models.ManyToManyField(Programme, blank=True, related_name="+")

    class Meta:
        ordering: ClassVar = ["pathway", "position", "title"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["pathway", "title"], name="pathway_step_title_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [role for role in self.roles or [] if role not in Role.values]
        if unknown:
            raise ValidationError({"roles": f"Unknown roles: {', '.join(unknown)}"})


class PathwayPosition(TimeStampedModel):
    """Where a person says they stand on a pathway (one step per pathway)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(PathwayStep, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "pathway"], name="pathway_position_one_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.step}"


class Bulletin(TimeStampedModel):
    """Academy news: a short bulletin written by the academy's staff to chosen people: those
    working in the chosen organisations, narrowed to some roles and a service area (the one of
    their team). It shows on their home page and goes in their daily digest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=5000)
    audience_organisations = models.ManyToManyField(Organisation, related_name="+")
    audience_roles = models.JSONField(default=list, blank=True, help_text="Roles it is for (empty: anyone).")
    service_area = models.CharField(max_length=30, choices=ServiceArea.choices, default=ServiceArea.ANY)
    published_at = models.DateTimeField(db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-published_at", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [role for role in self.audience_roles or [] if role not in Role.values]
        if unknown:
            raise ValidationError({"audience_roles": f"Unknown roles: {', '.join(unknown)}"})
