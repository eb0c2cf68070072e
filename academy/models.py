"""The core records every app stands on: people, organisations, roles, invitations,
notifications, audit and frameworks."""

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from .case_references import validate_case_reference_patterns
from .colours import validate_header_colour
from .roles import Role


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin, TimeStampedModel):
    """A person. What they may do comes from their memberships, not from this row."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("Django admin access", default=False)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[misc]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Organisation(TimeStampedModel):
    """A council or employer, a regional academy or partnership that serves several, or a
    university. Organisations form a tree: a partnership's member councils point to it."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council or employer"
        PARTNERSHIP = "partnership", "Regional academy or partnership"
        UNIVERSITY = "university", "University"

    name = models.CharField(
        max_length=200, unique=True, error_messages={"unique": "Another organisation already has this name"}
    )
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="The regional academy or partnership this organisation belongs to.",
    )
    brand_colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour like #1d4f6e."),
            validate_header_colour,
        ],
        help_text="Optional header colour for this organisation; the academy colour otherwise. "
        "White text on it must have a contrast of at least 4.5:1.",
    )
    # Thresholds: empty means "as the partnership above, else the deployment's default"
    # (`academy.organisations.selectors.organisation_settings_for`).
    evidence_waiting_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Evidence waiting longer than this many days for an assessor is flagged.",
    )
    # How this organisation writes its case references (regular expressions): the ASYE
    # anonymisation check flags text that matches. Empty: as the partnership above.
    case_reference_patterns = models.JSONField(
        default=list, blank=True, validators=[validate_case_reference_patterns]
    )

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A two-level tree: partnerships on top, their members below. Roles held at a
        # partnership reach its members; nothing else reaches across organisations.
        if self.parent is not None:
            if self.parent.kind != self.Kind.PARTNERSHIP:
                raise ValidationError({"parent": "Only a regional academy or partnership can have members."})
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": "A partnership that is itself a member cannot have members."}
                )
            if self.kind == self.Kind.PARTNERSHIP:
                raise ValidationError({"parent": "A partnership cannot be a member of another."})


class Team(TimeStampedModel):
    class ServiceArea(models.TextChoices):
        ADULTS = "adults", "Adult services"
        CHILDREN_FAMILIES = "children_families", "Children and families"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    service_area = models.CharField(max_length=30, choices=ServiceArea.choices)

    class Meta:
        ordering: ClassVar = ["organisation__name", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_service_area_display()})"


class Membership(TimeStampedModel):
    """One role a person holds in one organisation. A person may hold several."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships"
    )
    started_on = models.DateField(null=True, blank=True, help_text="Employment or placement start.")
    ended_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["organisation__name", "role"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_one_role_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class Invitation(TimeStampedModel):
    """An email invitation to join an organisation in a role. Only a hash of the token is
    stored; the link in the email carries the token itself."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField()
    full_name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=30, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
        ]
        indexes: ClassVar = [models.Index(Lower("email"), name="invitation_email_ci")]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.get_role_display()}, {self.organisation})"

    @property
    def status(self) -> "Invitation.Status":
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING


class Notification(TimeStampedModel):
    """A message in a person's portal inbox. The reminder engine and services create them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path inside the portal.")
    read_at = models.DateTimeField(null=True, blank=True)
    send_email = models.BooleanField(default=False, help_text="Also send this notification by email.")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class AuditEntry(models.Model):
    """Who changed what, when, on which object, in which organisation. Append-only: written by
    `academy.audit.audit_log` inside the service's transaction and never updated."""

    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=80)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"
        indexes: ClassVar = [
            models.Index(fields=["organisation", "-created_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"


class Framework(TimeStampedModel):
    """A professional framework evidence maps to: PCF, a KSS, SWE's standards, PEPS, …"""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    publisher = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        # Deployment-wide, for every kind of shared reference data (academy/reference_data.py).
        permissions: ClassVar = [
            ("publish_reference_data", "Can publish reference data shared by every organisation"),
        ]

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(TimeStampedModel):
    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"
        TO_BE_CHECKED = "to_be_checked", "To be checked"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    slug = models.SlugField(max_length=80)
    label = models.CharField(max_length=100, help_text="How people name this version, e.g. '2018 refresh'.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CURRENT)
    published_on = models.DateField(null=True, blank=True)
    in_force_from = models.DateField(null=True, blank=True)
    in_force_until = models.DateField(null=True, blank=True)
    source_title = models.CharField(max_length=300)
    source_url = models.URLField(max_length=500, blank=True)
    source_checked_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="What was confirmed and what still needs checking.")

    class Meta:
        ordering: ClassVar = ["framework__name", "-in_force_from"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["framework", "slug"], name="framework_version_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.framework.short_name} {self.label}"


class FrameworkElement(TimeStampedModel):
    """A domain, statement, standard or sub-standard. Elements nest through `parent`."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="elements")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(max_length=20, help_text="The number or letter the source uses: '1', '1.3', 'A'.")
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    title_confirmed = models.BooleanField(
        default=True, help_text="False while the title still has to be checked against the source."
    )

    class Meta:
        ordering: ClassVar = ["version", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "code"], name="framework_element_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


# Models that live with their part of the core, imported here so Django registers them.
from .drafts.models import FormDraft  # noqa: E402, F401
from .files.models import StoredFile  # noqa: E402, F401
from .outbox.models import OutboxMessage  # noqa: E402, F401
from .reminders.models import Reminder, ReminderDigest, ReminderPreference  # noqa: E402, F401
