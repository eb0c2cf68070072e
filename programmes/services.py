"""Writes of the catalogue, sessions and bookings. Each service checks what it can, saves after
`full_clean()`, and writes its audit entry in the same transaction.

Capacity (decided): a session's places are held by bookings awaiting their manager's approval,
booked ones, and places offered from the waiting list until the offer expires. Every change
that takes or frees a place locks the session's row first (`select_for_update`), so two people
asking for the last place at once are served one after the other: one gets it, the other joins
the waiting list. A person has at most one live booking per session (a partial unique
constraint), and booking again returns the one they have: a double click books once.

The waiting list: when a place frees (a cancellation, a manager's refusal, an offer declined or
expired) the next person waiting, by the time they joined, is offered it for
`PROGRAMMES_OFFER_HOURS` (never past the session's start). They accept it, or it goes to the
next person when they decline or it expires (`offers_expire`, swept every few minutes). A
programme that needs a manager's approval asks for it once the person has a place: at booking,
or when they accept an offer."""

import datetime
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from academy.audit import audit_log, audit_log_each
from academy.models import FrameworkElement, Membership, Organisation, User
from cpd.models import ActivityType
from cpd.selectors import cpd_topic_elements
from cpd.services import cpd_record_draft_from_attendance

from .models import (
    ACTIVE,
    HOLDING,
    Attendance,
    Booking,
    BookingStatus,
    CalendarFeed,
    LearningOutcome,
    Programme,
    ProgrammeKind,
    Session,
    SessionFeedback,
    SessionMode,
)
from .selectors import feed_token_hash

LONDON = ZoneInfo("Europe/London")
PROGRAMME_FIELDS = (
    "title",
    "kind",
    "description",
    "audience_roles",
    "service_area",
    "career_stage",
    "provider_kind",
    "provider_name",
    "cpd_hours",
    "prerequisites",
    "requires_manager_approval",
    "offered_to_members",
    "is_published",
)


def _snapshot(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, Decimal):
            value = format(value.quantize(Decimal("0.1")), "f")
        elif isinstance(value, datetime.datetime | datetime.date | uuid.UUID):
            value = str(value)
        elif isinstance(value, Membership):
            value = str(value.pk)
        out[name] = value
    return out


# Programmes ------------------------------------------------------------------------------------


def _set_outcomes(programme: Programme, outcomes: Sequence[tuple[str, Sequence[FrameworkElement]]]) -> None:
    LearningOutcome.objects.filter(programme=programme).delete()
    for position, (text, elements) in enumerate(outcomes):
        if not text.strip():
            continue
        outcome = LearningOutcome(programme=programme, text=text.strip(), position=position)
        outcome.full_clean()
        outcome.save()
        outcome.elements.set(elements)


@transaction.atomic
def programme_create(
    *,
    actor: User,
    organisation: Organisation,
    outcomes: Sequence[tuple[str, Sequence[FrameworkElement]]] = (),
    **fields: Any,
) -> Programme:
    programme = Programme(organisation=organisation, created_by=actor, **fields)
    programme.full_clean()
    programme.save()
    _set_outcomes(programme, outcomes)
    audit_log(
        actor=actor,
        verb="programme.create",
        obj=programme,
        organisation=organisation,
        after=_snapshot(programme, PROGRAMME_FIELDS),
    )
    return programme


@transaction.atomic
def programme_update(
    *,
    actor: User,
    programme: Programme,
    outcomes: Sequence[tuple[str, Sequence[FrameworkElement]]] | None = None,
    **fields: Any,
) -> Programme:
    before = _snapshot(programme, PROGRAMME_FIELDS)
    for name, value in fields.items():
        if name not in PROGRAMME_FIELDS:
            raise ValueError(f"{name} cannot be changed here.")
        setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    if outcomes is not None:
        _set_outcomes(programme, outcomes)
    after = _snapshot(programme, PROGRAMME_FIELDS)
    changed = [name for name in PROGRAMME_FIELDS if before[name] != after[name]]
    audit_log(
        actor=actor,
        verb="programme.update",
        obj=programme,
        organisation=programme.organisation,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
    )
    return programme


# Sessions --------------------------------------------------------------------------------------

SESSION_FIELDS = ("starts_at", "ends_at", "mode", "venue", "joining_link", "capacity", "booking_closes_on")


def _check_facilitator(programme: Programme, facilitator: Membership | None) -> None:
    from .selectors import membership_in_scope

    if facilitator is not None and membership_in_scope(programme=programme, pk=facilitator.pk) is None:
        raise ValidationError({"facilitator": "Choose someone who works in the programme's organisations"})


def _session(programme: Programme, series: uuid.UUID | None, **fields: Any) -> Session:
    if fields.get("mode") == SessionMode.IN_PERSON:
        fields["joining_link"] = ""
    elif fields.get("mode") == SessionMode.ONLINE:
        fields["venue"] = ""
    session = Session(programme=programme, series=series, **fields)
    session.full_clean()
    return session


@transaction.atomic
def session_create(
    *, actor: User, programme: Programme, facilitator: Membership | None = None, **fields: Any
) -> Session:
    _check_facilitator(programme, facilitator)
    session = _session(programme, None, facilitator=facilitator, **fields)
    session.save()
    audit_log(
        actor=actor,
        verb="session.create",
        obj=session,
        organisation=programme.organisation,
        after=_snapshot(session, SESSION_FIELDS),
    )
    return session


def weekly_times(
    *, first_day: datetime.date, start: datetime.time, end: datetime.time, weeks: int
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Start and end of each session of a weekly series, at the same London wall-clock time every
    week, across a change between GMT and BST."""
    times = []
    for week in range(weeks):
        day = first_day + datetime.timedelta(weeks=week)
        times.append(
            (
                datetime.datetime.combine(day, start, tzinfo=LONDON),
                datetime.datetime.combine(day, end, tzinfo=LONDON),
            )
        )
    return times


@transaction.atomic
def session_series_create(
    *,
    actor: User,
    programme: Programme,
    first_day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    weeks: int,
    facilitator: Membership | None = None,
    booking_closes_days_before: int | None = None,
    **fields: Any,
) -> list[Session]:
    """A weekly series: `weeks` sessions made in one INSERT, sharing a series id. Each may close
    for booking a number of days before it."""
    if not 1 <= weeks <= 52:
        raise ValidationError({"weeks": "A series has between 1 and 52 weekly sessions"})
    _check_facilitator(programme, facilitator)
    series = uuid.uuid4() if weeks > 1 else None
    sessions = []
    for starts_at, ends_at in weekly_times(first_day=first_day, start=start, end=end, weeks=weeks):
        closes = (
            starts_at.date() - datetime.timedelta(days=booking_closes_days_before)
            if booking_closes_days_before is not None
            else None
        )
        sessions.append(
            _session(
                programme,
                series,
                starts_at=starts_at,
                ends_at=ends_at,
                facilitator=facilitator,
                booking_closes_on=closes,
                **fields,
            )
        )
    created = Session.objects.bulk_create(sessions)
    audit_log_each(
        actor=actor,
        verb="session.create",
        changes=[
            (session, programme.organisation, {}, _snapshot(session, SESSION_FIELDS)) for session in created
        ],
    )
    return created


@dataclass(frozen=True)
class SessionCancelled:
    session: Session
    released: int  # bookings (places, offers, approvals awaited and waiting-list turns) ended


@transaction.atomic
def session_cancel(*, actor: User, session: Session, reason: str) -> SessionCancelled:
    """The academy calls a session off, saying why. Every live booking on it ends at the same
    moment as the session (its `cancelled_at` equals the session's), which is how the reminder
    producer finds the people to tell; nobody is offered a place on it again. Cancelling twice
    changes nothing. A session that has begun keeps its register and cannot be called off."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the session is cancelled"})
    locked = _locked(session)
    if locked.cancelled_at is not None:
        return SessionCancelled(locked, released=0)
    now = timezone.now()
    if locked.starts_at <= now:
        raise ValidationError("This session has started, so it can no longer be cancelled.")
    locked.cancelled_at = now
    locked.cancelled_by = actor
    locked.cancel_reason = reason.strip()
    locked.full_clean()
    locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    live = list(
        Booking.objects.filter(session=locked, status__in=ACTIVE).values_list(
            "pk", "status", "organisation_id"
        )
    )
    Booking.objects.filter(pk__in=[pk for pk, _status, _org in live]).update(
        status=BookingStatus.CANCELLED, cancelled_at=now, offer_expires_at=None, updated_at=now
    )
    organisations = Organisation.objects.in_bulk({org for _pk, _status, org in live})
    audit_log_each(
        actor=actor,
        verb="booking.cancel_with_session",
        changes=[
            (Booking(pk=pk), organisations[org], {"status": status}, {"status": BookingStatus.CANCELLED})
            for pk, status, org in live
        ],
        object_repr=f"Booking on {locked.programme.title}",
    )
    audit_log(
        actor=actor,
        verb="session.cancel",
        obj=locked,
        organisation=locked.programme.organisation,
        before={"cancelled_at": None},
        after={"cancelled_at": now.isoformat(), "reason": locked.cancel_reason, "released": len(live)},
    )
    return SessionCancelled(locked, released=len(live))


# Bookings --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingResult:
    booking: Booking
    created: bool  # False: the person had booked already (a double click, a second tab)


def _locked(session: Session) -> Session:
    """The session's row, locked until the transaction ends: every change to its places is made
    one at a time."""
    return Session.objects.select_for_update().select_related("programme__organisation").get(pk=session.pk)


def _places_taken(session: Session) -> int:
    return Booking.objects.filter(session=session, status__in=HOLDING).count()


def booking_open_problem(*, session: Session, now: datetime.datetime) -> str:
    """Why nobody may book the session now, or "" when they may."""
    if session.cancelled_at is not None:
        return "This session has been cancelled."
    if session.starts_at <= now:
        return "This session has started, so it can no longer be booked."
    if session.booking_closes_on is not None and timezone.localdate(now) > session.booking_closes_on:
        return "Booking for this session has closed."
    return ""


def _audit(actor: User | None, verb: str, booking: Booking, before: str, **extra: Any) -> None:
    audit_log(
        actor=actor,
        verb=verb,
        obj=booking,
        organisation=booking.organisation,
        before={"status": before} if before else {},
        after={"status": booking.status, **extra},
        object_repr=f"Booking on {booking.session.programme.title}",
    )


def booking_make(*, actor: User, session: Session, organisation: Organisation) -> BookingResult:
    """Book the person onto the session: a place when one is free (awaiting their manager's
    approval if the programme asks for it), otherwise the waiting list. Booking twice returns
    the first booking."""
    try:
        with transaction.atomic():
            locked = _locked(session)
            existing = Booking.objects.filter(session=locked, person=actor, status__in=ACTIVE).first()
            if existing is not None:
                return BookingResult(existing, created=False)
            now = timezone.now()
            problem = booking_open_problem(session=locked, now=now)
            if problem:
                raise ValidationError(problem)
            booking = Booking(session=locked, person=actor, organisation=organisation)
            if _places_taken(locked) < locked.capacity:
                booking.status = (
                    BookingStatus.AWAITING_APPROVAL
                    if locked.programme.requires_manager_approval
                    else BookingStatus.BOOKED
                )
            else:
                booking.status = BookingStatus.WAITLISTED
                booking.waitlisted_at = now
            booking.full_clean(validate_constraints=False)
            booking.save()
            _audit(actor, "booking.create", booking, "")
            return BookingResult(booking, created=True)
    except IntegrityError:
        # Another request of the same person won the race for the unique live booking.
        existing = Booking.objects.get(session=session, person=actor, status__in=ACTIVE)
        return BookingResult(existing, created=False)


def _offer_next(session: Session, *, now: datetime.datetime) -> list[Booking]:
    """Offer every free place to the next people waiting. The session's row must be locked."""
    free = session.capacity - _places_taken(session)
    if free <= 0 or session.starts_at <= now or session.cancelled_at is not None:
        return []
    expires = min(now + datetime.timedelta(hours=settings.PROGRAMMES_OFFER_HOURS), session.starts_at)
    offered = list(
        Booking.objects.filter(session=session, status=BookingStatus.WAITLISTED).order_by(
            "waitlisted_at", "created_at", "id"
        )[:free]
    )
    for booking in offered:
        booking.session = session
        booking.status = BookingStatus.OFFERED
        booking.offer_expires_at = expires
        booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
        _audit(None, "booking.offer", booking, BookingStatus.WAITLISTED, offer_expires_at=expires.isoformat())
    return offered


def _require_own(actor: User, booking: Booking) -> None:
    if booking.person_id != actor.pk:
        raise PermissionDenied("Only the person booked may change their booking.")


def _reload(booking: Booking) -> tuple[Session, Booking]:
    session = _locked(booking.session)
    fresh = Booking.objects.select_related("organisation").get(pk=booking.pk)
    fresh.session = session
    return session, fresh


@transaction.atomic
def booking_cancel(*, actor: User, booking: Booking) -> Booking:
    """The person gives up their place (or leaves the waiting list, or declines an offer); a
    place they held goes to the next person waiting."""
    _require_own(actor, booking)
    session, booking = _reload(booking)
    if booking.status not in ACTIVE:
        return booking  # cancelled already: a second click changes nothing
    if booking.attendance:
        raise ValidationError(
            "Your attendance has been recorded, so this booking can no longer be cancelled."
        )
    before = booking.status
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "cancelled_at", "offer_expires_at", "updated_at"])
    _audit(actor, "booking.cancel", booking, before)
    if before in HOLDING:
        _offer_next(session, now=timezone.now())
    return booking


@transaction.atomic
def booking_offer_accept(*, actor: User, booking: Booking) -> Booking:
    """The person takes the place offered to them, before the offer expires."""
    _require_own(actor, booking)
    session, booking = _reload(booking)
    now = timezone.now()
    if booking.status != BookingStatus.OFFERED:
        if booking.status in HOLDING:
            return booking  # accepted already
        raise ValidationError("There is no place waiting for you to accept.")
    if booking.offer_expires_at is not None and booking.offer_expires_at <= now:
        raise ValidationError("The offer has expired. The place has gone to the next person waiting.")
    booking.status = (
        BookingStatus.AWAITING_APPROVAL
        if session.programme.requires_manager_approval
        else BookingStatus.BOOKED
    )
    booking.offer_expires_at = None
    booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
    _audit(actor, "booking.accept_offer", booking, BookingStatus.OFFERED)
    return booking


def offers_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire offers whose time is up and offer each place to the next person waiting. Safe to
    run twice or in two workers at once: each session is handled under its row lock."""
    now = now or timezone.now()
    session_ids = set(
        Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__lte=now).values_list(
            "session_id", flat=True
        )
    )
    expired = 0
    for session_id in session_ids:
        with transaction.atomic():
            session = Session.objects.select_for_update().select_related("programme").get(pk=session_id)
            due = list(
                Booking.objects.filter(
                    session=session, status=BookingStatus.OFFERED, offer_expires_at__lte=now
                ).select_related("organisation")
            )
            for booking in due:
                booking.session = session
                booking.status = BookingStatus.OFFER_EXPIRED
                booking.save(update_fields=["status", "updated_at"])
                _audit(None, "booking.offer_expire", booking, BookingStatus.OFFERED)
            expired += len(due)
            _offer_next(session, now=now)
    return expired


@transaction.atomic
def booking_approve(*, actor: User, booking: Booking) -> Booking:
    """The line manager approves: the place becomes a booking."""
    _session, booking = _reload(booking)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        return booking
    booking.status = BookingStatus.BOOKED
    booking.decided_by = actor
    booking.decided_at = timezone.now()
    booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _audit(actor, "booking.approve", booking, BookingStatus.AWAITING_APPROVAL)
    return booking


@transaction.atomic
def booking_decline(*, actor: User, booking: Booking, reason: str) -> Booking:
    """The line manager declines, saying why; the place goes to the next person waiting."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why you are not approving this booking"})
    session, booking = _reload(booking)
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        return booking
    booking.status = BookingStatus.DECLINED
    booking.decided_by = actor
    booking.decided_at = timezone.now()
    booking.decline_reason = reason.strip()
    booking.save(update_fields=["status", "decided_by", "decided_at", "decline_reason", "updated_at"])
    _audit(actor, "booking.decline", booking, BookingStatus.AWAITING_APPROVAL)
    _offer_next(session, now=timezone.now())
    return booking


# Calendar feeds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MintedFeed:
    feed: CalendarFeed
    token: str  # shown once; only its hash is kept


@transaction.atomic
def calendar_feed_mint(*, actor: User) -> MintedFeed:
    """A new private feed address for the person; any earlier address stops working."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.update_or_create(
        person=actor, defaults={"token_hash": feed_token_hash(token), "token_hint": token[-6:]}
    )
    audit_log(
        actor=actor,
        verb="calendar_feed.mint" if created else "calendar_feed.replace",
        obj=feed,
        organisation=None,
        after={"hint": feed.token_hint},
    )
    return MintedFeed(feed, token)


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> bool:
    feed = CalendarFeed.objects.filter(person=actor).first()
    if feed is None:
        return False
    audit_log(
        actor=actor,
        verb="calendar_feed.revoke",
        obj=feed,
        organisation=None,
        before={"hint": feed.token_hint},
    )
    feed.delete()
    return True


# The register ----------------------------------------------------------------------------------

CPD_ACTIVITY = {
    ProgrammeKind.COURSE: ActivityType.COURSE,
    ProgrammeKind.ACCREDITED: ActivityType.PROGRAMME,
    ProgrammeKind.WORKSHOP: ActivityType.COURSE,
    ProgrammeKind.REFLECTIVE_GROUP: ActivityType.SUPERVISION,
    ProgrammeKind.WELLBEING: ActivityType.COURSE,
    ProgrammeKind.RESEARCH: ActivityType.CONFERENCE,
    ProgrammeKind.CONFERENCE: ActivityType.CONFERENCE,
}


@dataclass(frozen=True)
class Marked:
    attended: int
    no_show: int
    drafted: int  # draft CPD records made now


def _draft_cpd(actor: User, booking: Booking, session: Session) -> None:
    """Once per attendance: a draft CPD record in the person's ledger, pre-filled from the
    programme (title, date, hours, provider, what it covered, and the parts of SWE standard 4 its
    outcomes map to)."""
    programme = session.programme
    outcomes = list(LearningOutcome.objects.filter(programme=programme).prefetch_related("elements"))
    standard_4 = set(cpd_topic_elements().values_list("pk", flat=True))
    topics = {
        element for outcome in outcomes for element in outcome.elements.all() if element.pk in standard_4
    }
    description = programme.description
    if outcomes:
        description += "\n\nLearning outcomes:\n" + "\n".join(f"- {outcome.text}" for outcome in outcomes)
    hours = session_hours(session, programme)
    provider = programme.provider_name or programme.organisation.name
    record = cpd_record_draft_from_attendance(
        actor=actor,
        person=booking.person,
        title=programme.title,
        activity_type=CPD_ACTIVITY[ProgrammeKind(programme.kind)],
        occurred_on=timezone.localdate(session.starts_at),
        description=description,
        hours=hours,
        provider=provider,
        topics=sorted(topics, key=lambda e: e.position),
    )
    booking.cpd_record = record
    booking.cpd_drafted_at = timezone.now()


def session_hours(session: Session, programme: Programme) -> Decimal | None:
    """The session's own length in hours, for a programme of several sessions; the programme's
    CPD hours for a single one."""
    if not programme.sessions.exclude(pk=session.pk).exists() and programme.cpd_hours > 0:
        return programme.cpd_hours
    length = Decimal((session.ends_at - session.starts_at).total_seconds()) / Decimal(3600)
    return length.quantize(Decimal("0.25")) if length > 0 else None


def register_open_problem(*, session: Session, now: datetime.datetime) -> str:
    """Why the register cannot be marked yet, or ""."""
    if session.starts_at > now:
        return "The register opens when the session starts."
    return ""


@transaction.atomic
def attendance_mark(*, actor: User, session: Session, marks: dict[str, str]) -> Marked:
    """Mark the register: each booked person attended or did not. Marking someone as attended
    for the first time puts a draft CPD record in their ledger (once, however often the register
    is saved). The register opens when the session starts."""
    locked = _locked(session)
    now = timezone.now()
    problem = register_open_problem(session=locked, now=now)
    if problem:
        raise ValidationError(problem)
    bookings = {
        str(b.pk): b
        for b in Booking.objects.filter(session=locked, status=BookingStatus.BOOKED)
        .select_related("person", "organisation")
        .select_for_update(of=("self",))
    }
    attended = no_show = drafted = 0
    for pk, value in marks.items():
        booking = bookings.get(str(pk))
        if booking is None or value not in Attendance.values:
            continue
        attended += value == Attendance.ATTENDED
        no_show += value == Attendance.NO_SHOW
        before = booking.attendance
        if before != value:
            booking.attendance = value
            booking.attendance_marked_at = now
            booking.attendance_marked_by = actor
            booking.session = locked
            audit_log(
                actor=actor,
                verb="booking.attendance",
                obj=booking,
                organisation=booking.organisation,
                before={"attendance": before},
                after={"attendance": value},
                object_repr=f"Attendance at {locked.programme.title}",
            )
        if value == Attendance.ATTENDED and booking.cpd_drafted_at is None:
            _draft_cpd(actor, booking, locked)
            drafted += booking.cpd_record is not None
        booking.save(
            update_fields=[
                "attendance",
                "attendance_marked_at",
                "attendance_marked_by",
                "cpd_record",
                "cpd_drafted_at",
                "updated_at",
            ]
        )
    return Marked(attended=attended, no_show=no_show, drafted=drafted)


# Feedback --------------------------------------------------------------------------------------


@transaction.atomic
def feedback_give(
    *, actor: User, booking: Booking, rating: int, useful_for_practice: bool, comment: str = ""
) -> SessionFeedback:
    """The attendee's feedback on the session, once."""
    _require_own(actor, booking)
    if booking.attendance != Attendance.ATTENDED:
        raise ValidationError("Feedback is for people who attended.")
    if SessionFeedback.objects.filter(booking=booking).exists():
        raise ValidationError("You have already given feedback on this session. Thank you.")
    feedback = SessionFeedback(
        booking=booking, rating=rating, useful_for_practice=useful_for_practice, comment=comment.strip()
    )
    feedback.full_clean()
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as error:  # a second click raced the check
        raise ValidationError("You have already given feedback on this session. Thank you.") from error
    audit_log(
        actor=actor,
        verb="session_feedback.give",
        obj=feedback,
        organisation=booking.organisation,
        after={"rating": rating},
        object_repr="Session feedback",
    )
    return feedback
