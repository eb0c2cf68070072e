"""Reads of the catalogue, sessions and bookings, and who may do what.

Who sees what (decided):

- A programme is offered to the people of the organisation that owns it and, when the owner is
  a partnership and the programme is `offered_to_members`, to the people of its member councils.
  A partnership's own staff (academy admin, PSW held at the partnership) also see what its
  member councils run. Nobody sees a programme of a sibling council or of another partnership:
  it is not found (404).
- Academy staff (PSW, academy admin) whose roles reach the owner manage it: change it, add
  sessions, see the published and unpublished alike. Others see published programmes only, and
  read them.
- A booking is its person's; a line manager sees those awaiting approval from people in their
  team(s) (everyone in the council when the manager has no team).
- A session's joining link is shown only to people who hold a place on it.
"""

import datetime
import hashlib
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from academy.models import FrameworkElement, FrameworkVersion, Membership, Organisation, User
from academy.roles import STAFF_ROLES, Role
from academy.scope import Scope
from academy.selectors import current_membership_q, organisation_scope_ids

from .models import (
    ACTIVE,
    HOLDING,
    Booking,
    BookingStatus,
    CalendarFeed,
    LearningOutcome,
    Programme,
    Session,
    SessionFeedback,
)

MANAGER_ROLES = STAFF_ROLES


def _offered_q(scope: Scope) -> Q:
    """Programmes offered where the person is working now."""
    organisation = scope.organisation
    if organisation is None:
        return Q(pk__in=[])
    q = Q(organisation_id__in=organisation_scope_ids(organisation=organisation))
    if organisation.parent_id is not None:
        q |= Q(organisation_id=organisation.parent_id, offered_to_members=True)
    return q


def managed_organisation_ids(scope: Scope) -> set[int]:
    """Organisations whose programmes the person manages: staff roles reach them."""
    if scope.organisation is None or not scope.holds(*MANAGER_ROLES):
        return set()
    return organisation_scope_ids(organisation=scope.organisation)


def may_manage_programmes(scope: Scope) -> bool:
    return bool(managed_organisation_ids(scope))


def programmes_visible_to(*, scope: Scope) -> QuerySet[Programme]:
    """The catalogue: published programmes offered to the person, and every programme they
    manage (unpublished ones too)."""
    managed = managed_organisation_ids(scope)
    visible = (_offered_q(scope) & Q(is_published=True)) | Q(organisation_id__in=managed)
    return Programme.objects.filter(visible).select_related("organisation")


def catalogue(
    *, scope: Scope, kind: str = "", service_area: str = "", career_stage: str = "", query: str = ""
) -> QuerySet[Programme]:
    """The catalogue page's rows, filtered, each with its next session's start and how many
    sessions are still to come (one query)."""
    now = timezone.now()
    programmes = programmes_visible_to(scope=scope)
    if kind:
        programmes = programmes.filter(kind=kind)
    if service_area:
        programmes = programmes.filter(service_area__in=[service_area, "any"])
    if career_stage:
        programmes = programmes.filter(career_stage__in=[career_stage, "any"])
    if query:
        programmes = programmes.filter(Q(title__icontains=query) | Q(description__icontains=query))
    upcoming = Q(sessions__starts_at__gt=now, sessions__cancelled_at__isnull=True)
    return (
        programmes.annotate(
            next_start=Min("sessions__starts_at", filter=upcoming),
            upcoming_count=Count("sessions", filter=upcoming),
        )
        .only(
            "id",
            "title",
            "kind",
            "service_area",
            "career_stage",
            "cpd_hours",
            "is_published",
            "requires_manager_approval",
            "organisation__name",
        )
        .order_by("title", "id")
    )


def programme_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> Programme:
    """One programme: 404 when it is not offered to the person; 403 when they ask to change it
    and do not manage it."""
    programme = programmes_visible_to(scope=scope).filter(pk=pk).first()
    if programme is None:
        raise Http404("No such programme is offered to you.")
    if write and programme.organisation_id not in managed_organisation_ids(scope):
        raise PermissionDenied("Only the academy's staff change a programme.")
    return programme


def outcomes_of(*, programme: Programme) -> list[LearningOutcome]:
    elements = FrameworkElement.objects.select_related("version__framework").order_by("position")
    return list(
        LearningOutcome.objects.filter(programme=programme).prefetch_related(
            Prefetch("elements", queryset=elements)
        )
    )


def _sessions() -> QuerySet[Session]:
    return Session.objects.select_related("programme__organisation", "facilitator__user").annotate(
        taken=Count("bookings", filter=Q(bookings__status__in=HOLDING)),
        waiting=Count("bookings", filter=Q(bookings__status=BookingStatus.WAITLISTED)),
    )


def sessions_of(*, programme: Programme, upcoming_only: bool = True) -> QuerySet[Session]:
    sessions = _sessions().filter(programme=programme)
    if upcoming_only:
        sessions = sessions.filter(ends_at__gt=timezone.now())
    return sessions.order_by("starts_at", "id")


def session_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> Session:
    """One session: 404 when its programme is not offered to the person; 403 when they ask to
    change it and do not manage the programme."""
    programmes = programmes_visible_to(scope=scope)
    session = _sessions().filter(pk=pk, programme__in=programmes.values("pk")).first()
    if session is None:
        raise Http404("No such session is offered to you.")
    if write and session.programme.organisation_id not in managed_organisation_ids(scope):
        raise PermissionDenied("Only the academy's staff change a session.")
    return session


def booking_of(*, session: Session, user: User) -> Booking | None:
    """The person's live booking on the session, if any."""
    return Booking.objects.filter(session=session, person=user, status__in=ACTIVE).first()


def waitlist_position(*, booking: Booking) -> int:
    """1 for the first person on the waiting list."""
    return (
        Booking.objects.filter(
            session_id=booking.session_id,
            status=BookingStatus.WAITLISTED,
            waitlisted_at__lte=booking.waitlisted_at,
        )
        .exclude(pk=booking.pk, waitlisted_at=booking.waitlisted_at)
        .count()
        + 1
    )


def bookings_of_session(*, session: Session) -> QuerySet[Booking]:
    """Everyone booked or waiting, for the staff who run it."""
    return (
        Booking.objects.filter(session=session, status__in=ACTIVE)
        .select_related("person")
        .order_by("waitlisted_at", "created_at", "id")
    )


def bookings_visible_to(*, user: User) -> QuerySet[Booking]:
    """A person's own bookings ("My bookings"), soonest session first."""
    return (
        Booking.objects.filter(person=user)
        .select_related("session__programme")
        .order_by("session__starts_at", "created_at")
    )


def booking_get_for_user(*, user: User, pk: UUID | str) -> Booking:
    """One of the person's own bookings: 404 for anyone else's."""
    booking = bookings_visible_to(user=user).filter(pk=pk).first()
    if booking is None:
        raise Http404("No such booking of yours.")
    return booking


def _managed_people_q(scope: Scope) -> Q:
    """Bookings from the people a line manager approves for: their team(s) in the council they
    are working in, or everyone there when they manage no team."""
    if scope.organisation is None or not scope.holds(Role.LINE_MANAGER):
        return Q(pk__in=[])
    teams = list(
        Membership.objects.filter(
            current_membership_q(), user=scope.user, organisation=scope.organisation, role=Role.LINE_MANAGER
        ).values_list("team_id", flat=True)
    )
    q = Q(organisation=scope.organisation) & ~Q(person=scope.user)
    if teams and None not in teams:
        in_team = Membership.objects.filter(
            current_membership_q(),
            user=OuterRef("person"),
            organisation=scope.organisation,
            team_id__in=teams,
        )
        q &= Q(Exists(in_team))
    return q


def approvals_visible_to(*, scope: Scope) -> QuerySet[Booking]:
    """Bookings waiting for this line manager's decision, oldest first."""
    return (
        Booking.objects.filter(_managed_people_q(scope), status=BookingStatus.AWAITING_APPROVAL)
        .select_related("person", "session__programme")
        .order_by("created_at", "id")
    )


def approval_get_for_user(*, scope: Scope, pk: UUID | str) -> Booking:
    """A booking the line manager decides on: 404 for anyone else, or once decided."""
    booking = approvals_visible_to(scope=scope).filter(pk=pk).first()
    if booking is None:
        raise Http404("No booking waiting for your approval.")
    return booking


def is_line_manager(scope: Scope) -> bool:
    return scope.holds(Role.LINE_MANAGER)


def facilitator_choices(*, programme: Programme) -> QuerySet[Membership]:
    """Who may facilitate: anyone with a current role in the programme's organisation or, for a
    partnership, its member councils."""
    ids = organisation_scope_ids(organisation=programme.organisation)
    return (
        Membership.objects.filter(current_membership_q(), organisation_id__in=ids)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "role")
    )


def membership_in_scope(*, programme: Programme, pk: UUID | str) -> Membership | None:
    return facilitator_choices(programme=programme).filter(pk=pk).first()


# Calendar feeds -------------------------------------------------------------------------------


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_of(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(person=user).first()


def calendar_feed_find(*, token: str) -> CalendarFeed | None:
    """The feed whose token this is; None for a token never minted or revoked."""
    return CalendarFeed.objects.filter(token_hash=feed_token_hash(token)).select_related("person").first()


def feed_bookings(*, user: User) -> QuerySet[Booking]:
    """What a person's calendar feed shows: sessions they hold a place on, from a month ago, and
    only while they are still employed by the organisation they booked from (a calendar app
    keeps asking long after someone has left)."""
    if not user.is_active:
        return Booking.objects.none()
    since = timezone.now() - datetime.timedelta(days=31)
    still_there = Membership.objects.filter(
        current_membership_q(), user=user, organisation_id=OuterRef("organisation_id")
    )
    return (
        Booking.objects.filter(
            Exists(still_there),
            person=user,
            status__in=HOLDING,
            session__ends_at__gte=since,
            session__cancelled_at__isnull=True,
        )
        .select_related("session__programme")
        .order_by("session__starts_at")
    )


def organisation_choices(*, scope: Scope) -> QuerySet[Organisation]:
    """Organisations a staff member may create programmes for."""
    return Organisation.objects.filter(pk__in=managed_organisation_ids(scope)).order_by("name")


def outcome_elements() -> QuerySet[FrameworkElement]:
    """Framework elements a learning outcome may map to: those of current versions (reference
    data shared by every organisation)."""
    return (
        FrameworkElement.objects.filter(version__status=FrameworkVersion.Status.CURRENT)
        .select_related("version__framework")
        .order_by("version__framework__short_name", "position")
    )


# Reminders -------------------------------------------------------------------------------------


def open_offers(*, now: datetime.datetime) -> QuerySet[Booking]:
    """Places offered from a waiting list and not yet expired (one query)."""
    return Booking.objects.filter(status=BookingStatus.OFFERED, offer_expires_at__gt=now).select_related(
        "session__programme"
    )


def bookings_starting(*, after: datetime.datetime, before: datetime.datetime) -> QuerySet[Booking]:
    """Booked places on sessions starting in (after, before], not cancelled (one query)."""
    return Booking.objects.filter(
        status=BookingStatus.BOOKED,
        session__starts_at__gt=after,
        session__starts_at__lte=before,
        session__cancelled_at__isnull=True,
    ).select_related("session__programme")


def sessions_cancelled_bookings(*, since: datetime.datetime) -> QuerySet[Booking]:
    """Bookings that ended because the academy cancelled their session (they end at the same
    moment) since the given time: the people to tell (one query)."""
    return Booking.objects.filter(
        status=BookingStatus.CANCELLED,
        session__cancelled_at__gte=since,
        cancelled_at=F("session__cancelled_at"),
    ).select_related("session__programme")


def approvals_awaiting() -> list[tuple[Booking, list[UUID]]]:
    """Each booking waiting for a manager's decision with the line managers who may decide it:
    those of the person's team in the council they booked from, or who manage the whole
    council (no team). The same rule as `approvals_visible_to`, read from the other side, in
    three queries whatever the number of bookings."""
    bookings = list(
        Booking.objects.filter(status=BookingStatus.AWAITING_APPROVAL).select_related("session__programme")
    )
    if not bookings:
        return []
    organisation_ids = {booking.organisation_id for booking in bookings}
    managers: dict[int, dict[UUID, set[int | None]]] = {}
    for organisation_id, user_id, team_id in Membership.objects.filter(
        current_membership_q(), organisation_id__in=organisation_ids, role=Role.LINE_MANAGER
    ).values_list("organisation_id", "user_id", "team_id"):
        managers.setdefault(organisation_id, {}).setdefault(user_id, set()).add(team_id)
    teams: dict[tuple[int, UUID], set[int | None]] = {}
    for organisation_id, user_id, team_id in Membership.objects.filter(
        current_membership_q(),
        organisation_id__in=organisation_ids,
        user_id__in={booking.person_id for booking in bookings},
    ).values_list("organisation_id", "user_id", "team_id"):
        teams.setdefault((organisation_id, user_id), set()).add(team_id)
    due = []
    for booking in bookings:
        person_teams = teams.get((booking.organisation_id, booking.person_id), set())
        deciders = [
            manager_id
            for manager_id, manager_teams in managers.get(booking.organisation_id, {}).items()
            if manager_id != booking.person_id
            and (None in manager_teams or bool(manager_teams & person_teams - {None}))
        ]
        if deciders:
            due.append((booking, sorted(deciders)))
    return due


# The register ----------------------------------------------------------------------------------


def register_get_for_user(*, scope: Scope, pk: UUID | str) -> Session:
    """A session's register: its facilitator's and the staff's who manage its programme. 404
    when the person can see neither the session nor is its facilitator; 403 when they can see
    the session but do not run it."""
    found = (
        _sessions()
        .filter(
            Q(programme__in=programmes_visible_to(scope=scope).values("pk")) | _facilitating_q(scope.user)
        )
        .filter(pk=pk)
        .annotate(facilitating=Exists(Session.objects.filter(_facilitating_q(scope.user), pk=OuterRef("pk"))))
        .first()
    )
    if found is None:
        raise Http404("No such session is offered to you.")
    facilitating = bool(found.facilitating)
    if not facilitating and found.programme.organisation_id not in managed_organisation_ids(scope):
        raise PermissionDenied("Only the facilitator and the academy's staff mark the register.")
    return found


def register_rows(*, session: Session) -> QuerySet[Booking]:
    """Everyone with a place, by name: the register's rows (one query)."""
    return (
        Booking.objects.filter(session=session, status=BookingStatus.BOOKED)
        .select_related("person")
        .order_by("person__full_name", "person__email")
    )


def _facilitating_q(user: User) -> Q:
    """The person facilitates the session through a membership still current: one whose
    employment has ended no longer opens its register."""
    return Q(facilitator__user=user) & current_membership_q("facilitator__")


def sessions_facilitated_by(*, user: User) -> QuerySet[Session]:
    """Sessions the person facilitates, from a week ago: their registers."""
    since = timezone.now() - datetime.timedelta(days=7)
    return _sessions().filter(_facilitating_q(user), ends_at__gte=since).order_by("starts_at", "id")


def session_visible(*, scope: Scope, session: Session) -> bool:
    """Whether the person may open the session's own page (a facilitator from a council the
    programme is not offered to may mark its register without that)."""
    return programmes_visible_to(scope=scope).filter(pk=session.programme_id).exists()


def feedback_get_for_user(*, user: User, pk: UUID | str) -> Booking:
    """The person's own attended booking, to give feedback on: 404 for anyone else's, or before
    their attendance is recorded."""
    booking = (
        Booking.objects.filter(person=user, pk=pk, attendance="attended")
        .select_related("session__programme")
        .first()
    )
    if booking is None:
        raise Http404("No session of yours to give feedback on.")
    return booking


def feedback_exists(*, booking: Booking) -> bool:
    return SessionFeedback.objects.filter(booking=booking).exists()


def certificate_get_for_user(*, user: User, pk: UUID | str) -> Booking:
    """The person's own booking they attended: 404 for anyone else's, or before attendance."""
    booking = (
        Booking.objects.filter(person=user, pk=pk, attendance="attended")
        .select_related("person", "session__programme__organisation", "session__facilitator__user")
        .first()
    )
    if booking is None:
        raise Http404("No certificate of yours here.")
    return booking


# Reports ---------------------------------------------------------------------------------------


def report_by_programme(*, scope: Scope) -> QuerySet[Programme]:
    """For the staff who manage them: each programme's sessions held so far, their places, and
    how many were booked, attended and did not come (one query). Cancelled sessions are left out."""
    now = timezone.now()
    held = Q(sessions__starts_at__lte=now, sessions__cancelled_at__isnull=True)
    places = (
        Session.objects.filter(programme=OuterRef("pk"), starts_at__lte=now, cancelled_at__isnull=True)
        .order_by()
        .values("programme")
        .annotate(total=Sum("capacity"))
        .values("total")
    )
    feedback = SessionFeedback.objects.filter(
        booking__session__programme=OuterRef("pk"),
        booking__session__starts_at__lte=now,
        booking__session__cancelled_at__isnull=True,
    ).order_by()
    rating = feedback.values("booking__session__programme").annotate(avg=Avg("rating")).values("avg")
    answers = feedback.values("booking__session__programme").annotate(n=Count("id")).values("n")
    on = "sessions__bookings__"
    return (
        Programme.objects.filter(organisation_id__in=managed_organisation_ids(scope))
        .select_related("organisation")
        .annotate(
            held=Count("sessions", filter=held, distinct=True),
            places=Subquery(places),
            booked=Count(f"{on}id", filter=held & Q(**{f"{on}status": BookingStatus.BOOKED})),
            attended=Count(f"{on}id", filter=held & Q(**{f"{on}attendance": "attended"})),
            no_shows=Count(f"{on}id", filter=held & Q(**{f"{on}attendance": "no_show"})),
            rating=Subquery(rating),
            answers=Subquery(answers),
        )
        .order_by("organisation__name", "title", "id")
    )


def report_by_organisation(*, scope: Scope) -> QuerySet[Any]:
    """Bookings on sessions held so far of the programmes the person manages, by the
    organisation each person booked from: booked, attended, no-shows (one query)."""
    now = timezone.now()
    return (
        Booking.objects.filter(
            session__programme__organisation_id__in=managed_organisation_ids(scope),
            session__starts_at__lte=now,
            session__cancelled_at__isnull=True,
            status=BookingStatus.BOOKED,
        )
        .values("organisation__name")
        .annotate(
            booked=Count("id"),
            attended=Count("id", filter=Q(attendance="attended")),
            no_shows=Count("id", filter=Q(attendance="no_show")),
        )
        .order_by("organisation__name")
    )
