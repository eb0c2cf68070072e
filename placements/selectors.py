"""Reads of the placements app. Every list is built from a `*_visible_to` selector and every
object page from one access selector: 404 when the person has no relation to the object, 403
when they may read it but asked to change it. Scope always includes the organisation.

Who sees what (decided):

- The register of practice educators: academy staff (PSW, academy admin) of the organisation
  the educator works in, or of the partnership above it, read and change every entry. An
  educator reads their own entry, never changes it. Nobody else knows an entry exists.
- University partnerships: academy staff of the partner (or the partnership above it) see and
  add them. The university's tutors and staff see their own university's partnerships only.
- Placement requests: the university's tutors and staff make them and see their own
  university's; the partner's academy staff see those addressed to their organisations, and
  offer places from their teams. Another university's tutor is told a request does not exist.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from academy.models import Membership, Organisation, Team, User
from academy.roles import STAFF_ROLES, Role
from academy.scope import Scope
from academy.selectors import current_membership_q, organisation_scope_ids, staff_scope_ids

from . import rules, signatures
from .models import (
    DayKind,
    DocumentKind,
    EducatorRole,
    EducatorStage,
    Placement,
    PlacementDay,
    PlacementDocument,
    PlacementExtension,
    PlacementKind,
    PlacementOffer,
    PlacementRequest,
    PlacementSignature,
    PracticeEducator,
    UniversityPartnership,
)

# Roles that make and follow placement requests for their university.
UNIVERSITY_ROLES = frozenset({Role.TUTOR, *STAFF_ROLES})

_NEVER = datetime.date(1900, 1, 1)


def is_register_staff(scope: Scope) -> bool:
    return (
        scope.organisation is not None
        and scope.organisation.kind != Organisation.Kind.UNIVERSITY
        and (scope.holds(*STAFF_ROLES))
    )


def is_university_member(scope: Scope) -> bool:
    return (
        scope.organisation is not None
        and scope.organisation.kind == Organisation.Kind.UNIVERSITY
        and scope.holds(*UNIVERSITY_ROLES)
    )


# --- Practice educators --------------------------------------------------------------------------


def _with_activity(queryset: QuerySet[PracticeEducator]) -> QuerySet[PracticeEducator]:
    """Each entry with `last_activity`: the latest of the dates that keep an educator current
    (a far past date when none is recorded)."""
    never = Value(_NEVER)
    return queryset.annotate(
        last_activity=Greatest(
            Coalesce("qualified_on", never),
            Coalesce("last_student_on", never),
            Coalesce("last_update_on", never),
        )
    )


def educators_visible_to(*, scope: Scope) -> QuerySet[PracticeEducator]:
    """The register as academy staff see it: every entry in the organisations they manage, with
    the person, team and organisation (one query)."""
    org_ids = staff_scope_ids(scope=scope) if is_register_staff(scope) else set()
    return _with_activity(
        PracticeEducator.objects.filter(organisation_id__in=org_ids)
        .select_related("user", "team", "organisation")
        .order_by("user__full_name", "user__email", "id")
    )


@dataclass(frozen=True)
class RegisterFilters:
    query: str = ""
    stage: str = ""
    currency: str = ""
    role: str = ""
    organisation: Organisation | None = None


def educators_filtered(
    queryset: QuerySet[PracticeEducator], *, filters: RegisterFilters, today: datetime.date
) -> QuerySet[PracticeEducator]:
    """The register narrowed by the page's filters. Currency is worked out in the database
    from the same dates and setting `rules.currency_state` uses."""
    if filters.query:
        queryset = queryset.filter(
            Q(user__full_name__icontains=filters.query) | Q(user__email__icontains=filters.query)
        )
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.role:
        queryset = queryset.filter(role=filters.role)
    if filters.organisation is not None:
        queryset = queryset.filter(organisation=filters.organisation)
    if filters.currency:
        lapsed_before, lapsing_before = rules.activity_cutoffs(
            today=today, interval_months=rules.currency_months(), warning_days=rules.currency_warning_days()
        )
        qualified = queryset.exclude(stage=EducatorStage.TRAINEE)
        # Q(...) because `last_activity` is an annotation the type checker cannot see.
        recorded = qualified.filter(Q(last_activity__gt=_NEVER))
        queryset = {
            rules.Currency.IN_TRAINING: queryset.filter(stage=EducatorStage.TRAINEE),
            rules.Currency.LAPSED: recorded.filter(Q(last_activity__lt=lapsed_before)),
            rules.Currency.LAPSING: recorded.filter(
                Q(last_activity__gte=lapsed_before) & Q(last_activity__lt=lapsing_before)
            ),
            rules.Currency.CURRENT: recorded.filter(Q(last_activity__gte=lapsing_before)),
        }.get(filters.currency, queryset)
    return queryset


def educator_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> PracticeEducator:
    """One register entry: academy staff over its organisation read and change it; the
    educator reads their own (403 to change it); 404 for everyone else."""
    entry = educators_visible_to(scope=scope).filter(pk=pk).first()
    if entry is not None:
        return entry
    own = _with_activity(
        PracticeEducator.objects.filter(pk=pk, user=scope.user, organisation=scope.organisation)
    ).select_related("user", "team", "organisation")
    entry = own.first() if scope.organisation is not None else None
    if entry is None:
        raise Http404("No such practice educator in your organisations.")
    if write:
        raise PermissionDenied("Academy staff keep the register; ask them to change your entry.")
    return entry


def own_educator_entry(*, scope: Scope) -> PracticeEducator | None:
    """The person's own entry in their current organisation, if they are on its register."""
    if scope.organisation is None:
        return None
    return (
        _with_activity(PracticeEducator.objects.filter(user=scope.user, organisation=scope.organisation))
        .select_related("user", "team", "organisation")
        .first()
    )


def educator_candidates(*, scope: Scope) -> QuerySet[Membership]:
    """People who may be added to the register: current memberships in the staff member's
    organisations (not universities), not already on that organisation's register."""
    return (
        Membership.objects.filter(current_membership_q(), organisation_id__in=staff_scope_ids(scope=scope))
        .exclude(organisation__kind=Organisation.Kind.UNIVERSITY)
        .exclude(
            user_id__in=PracticeEducator.objects.filter(
                organisation_id__in=staff_scope_ids(scope=scope)
            ).values("user_id")
        )
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "role")
    )


def teams_for_register(*, scope: Scope) -> QuerySet[Team]:
    return (
        Team.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def register_organisations(*, scope: Scope) -> QuerySet[Organisation]:
    """The organisations a staff member may filter the register by (theirs and their members)."""
    return Organisation.objects.filter(pk__in=staff_scope_ids(scope=scope)).exclude(
        kind=Organisation.Kind.UNIVERSITY
    )


def today() -> datetime.date:
    return timezone.localdate()


def currency_of(entry: PracticeEducator, *, today: datetime.date) -> rules.CurrencyState:
    return rules.currency_state(
        is_trainee=entry.stage == EducatorStage.TRAINEE,
        qualified_on=entry.qualified_on,
        last_student_on=entry.last_student_on,
        last_update_on=entry.last_update_on,
        today=today,
        interval_months=rules.currency_months(),
        warning_days=rules.currency_warning_days(),
    )


# --- University partners and placement requests -------------------------------------------------


def universities() -> QuerySet[Organisation]:
    """Every university: reference data any academy may partner with."""
    return Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY).order_by("name")


def partnerships_visible_to(*, scope: Scope) -> QuerySet[UniversityPartnership]:
    """Academy staff see the partnerships of the organisations they manage; a university's
    tutors and staff see their own university's."""
    if is_register_staff(scope):
        found = UniversityPartnership.objects.filter(partner_id__in=staff_scope_ids(scope=scope))
    elif is_university_member(scope):
        found = UniversityPartnership.objects.filter(university=scope.organisation)
    else:
        found = UniversityPartnership.objects.none()
    return found.select_related("university", "partner").order_by("university__name", "partner__name")


def partnerships_for_requests(*, scope: Scope) -> QuerySet[UniversityPartnership]:
    """The active partners a university member may ask for places."""
    if not is_university_member(scope):
        return UniversityPartnership.objects.none()
    return partnerships_visible_to(scope=scope).filter(is_active=True)


def requests_visible_to(*, scope: Scope) -> QuerySet[PlacementRequest]:
    """Requests addressed to the staff member's organisations, or made by the university
    member's own university; with the university, the partner and the places offered."""
    if is_register_staff(scope):
        found = PlacementRequest.objects.filter(partner_id__in=staff_scope_ids(scope=scope))
    elif is_university_member(scope):
        found = PlacementRequest.objects.filter(university=scope.organisation)
    else:
        found = PlacementRequest.objects.none()
    return (
        found.select_related("university", "partner")
        .annotate(places_offered=Coalesce(Sum("offers__places"), 0))
        .order_by("starts_on", "id")
    )


def request_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> PlacementRequest:
    """One placement request: 404 unless it was addressed to the staff member's organisations
    or made by the person's university; 403 when a university member asks to offer places."""
    found = requests_visible_to(scope=scope).select_related("requested_by").filter(pk=pk).first()
    if found is None:
        raise Http404("No such placement request.")
    if write and not is_register_staff(scope):
        raise PermissionDenied("Only the academy offers places.")
    return found


def offers_of(*, placement_request: PlacementRequest) -> QuerySet[PlacementOffer]:
    return (
        PlacementOffer.objects.filter(request=placement_request)
        .select_related("team__organisation", "offered_by")
        .order_by("created_at", "id")
    )


def teams_for_offer(*, scope: Scope, placement_request: PlacementRequest) -> QuerySet[Team]:
    """Teams that may offer places: in the request's partner (and its members, for a
    partnership) and in the staff member's own organisations."""
    partner_ids = organisation_scope_ids(organisation=placement_request.partner)
    return (
        Team.objects.filter(organisation_id__in=partner_ids & staff_scope_ids(scope=scope))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


# --- Matching and placements ----------------------------------------------------------------------


def students_of(*, university: Organisation) -> QuerySet[User]:
    """Students with a current role at the university."""
    return (
        User.objects.filter(
            current_membership_q("memberships__"),
            memberships__organisation=university,
            memberships__role=Role.STUDENT,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def students_waiting(*, university: Organisation, kind: str) -> QuerySet[User]:
    """The university's current students without a placement of this kind (one that ended
    early does not count): whom the matching screen offers to place."""
    placed = (
        Placement.objects.filter(kind=kind).exclude(status=Placement.Status.ENDED_EARLY).values("student_id")
    )
    return students_of(university=university).exclude(pk__in=placed)


def tutors_of(*, university: Organisation) -> QuerySet[User]:
    return (
        User.objects.filter(
            current_membership_q("memberships__"),
            memberships__organisation=university,
            memberships__role=Role.TUTOR,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def supervisors_for(*, organisation: Organisation) -> QuerySet[User]:
    """Who may be a student's on-site supervisor: someone with a current role in the hosting
    organisation (not a student)."""
    return (
        User.objects.filter(current_membership_q("memberships__"), memberships__organisation=organisation)
        .exclude(memberships__role=Role.STUDENT)
        .distinct()
        .order_by("full_name", "email")
    )


def first_placement_setting(*, student: User) -> str | None:
    """The setting of the student's first placement, when the portal holds it."""
    return (
        Placement.objects.filter(student=student, kind=PlacementKind.FIRST)
        .exclude(status=Placement.Status.ENDED_EARLY)
        .order_by("starts_on")
        .values_list("setting", flat=True)
        .first()
    )


def offers_with_places_left(*, placement_request: PlacementRequest) -> QuerySet[PlacementOffer]:
    return offers_of(placement_request=placement_request).annotate(
        places_taken=Count("placements", filter=~Q(placements__status=Placement.Status.ENDED_EARLY))
    )


def educators_for_request(*, scope: Scope, placement_request: PlacementRequest) -> QuerySet[PracticeEducator]:
    """Educators in the request's partner (within the staff member's organisations), each with
    how many placements they take in the academic year the request starts in."""
    year_start, year_end = rules.academic_year(placement_request.starts_on)
    org_ids = organisation_scope_ids(organisation=placement_request.partner) & staff_scope_ids(scope=scope)
    counted = Q(placements__starts_on__gte=year_start, placements__starts_on__lte=year_end) & ~Q(
        placements__status=Placement.Status.ENDED_EARLY
    )
    return (
        PracticeEducator.objects.filter(organisation_id__in=org_ids)
        .select_related("user", "team")
        .annotate(placements_this_year=Count("placements", filter=counted))
        .order_by("user__full_name", "id")
    )


@dataclass(frozen=True)
class Proposal:
    offer: PlacementOffer
    educator: PracticeEducator
    verdict: rules.Verdict


def candidate_for(
    educator: PracticeEducator, *, offer: PlacementOffer, today: datetime.date, placements_this_year: int
) -> rules.Candidate:
    return rules.Candidate(
        educator_id=educator.pk,
        stage=educator.stage,
        settings_offered=tuple(educator.settings_offered or ()),
        capacity_per_year=educator.capacity_per_year,
        placements_this_year=placements_this_year,
        currency_status=currency_of(educator, today=today).status,
        unavailable_from=educator.unavailable_from,
        unavailable_until=educator.unavailable_until,
        same_team=educator.team_id == offer.team_id,
        off_site=educator.role == EducatorRole.OFF_SITE,
    )


def match_proposals(
    *,
    scope: Scope,
    placement_request: PlacementRequest,
    first_setting: str | None,
    today: datetime.date,
) -> list[Proposal]:
    """Every pairing of a team's offer (with places left) and an educator of the same
    organisation, judged by the rules and ranked: suitable first. Two queries."""
    offers = [
        o
        for o in offers_with_places_left(placement_request=placement_request)
        if o.places > getattr(o, "places_taken", 0)
    ]
    educators = list(educators_for_request(scope=scope, placement_request=placement_request))
    ranked = []
    for offer in offers:
        for educator in educators:
            if educator.organisation_id != offer.team.organisation_id:
                continue
            candidate = candidate_for(
                educator,
                offer=offer,
                today=today,
                placements_this_year=getattr(educator, "placements_this_year", 0),
            )
            verdict = rules.judge(
                candidate,
                kind=placement_request.kind,
                setting=offer.setting,
                first_setting=first_setting,
                starts_on=placement_request.starts_on,
                ends_on=placement_request.ends_on,
            )
            ranked.append((rules.rank_key(candidate, verdict), Proposal(offer, educator, verdict)))
    ranked.sort(key=lambda pair: pair[0])
    return [proposal for _, proposal in ranked]


def _placements_base() -> QuerySet[Placement]:
    return Placement.objects.select_related(
        "student",
        "university",
        "tutor",
        "organisation",
        "team",
        "educator__user",
        "on_site_supervisor",
        "request",
    )


def placements_visible_to(*, scope: Scope) -> QuerySet[Placement]:
    """Placements the person may read: academy staff, those hosted in their organisations;
    a university's staff, their university's; a tutor, their own students'; a student, their
    own; an educator or on-site supervisor, those they support."""
    if scope.organisation is None:
        return Placement.objects.none()
    if is_register_staff(scope):
        found = Q(organisation_id__in=staff_scope_ids(scope=scope))
    elif is_university_member(scope) and scope.holds(*STAFF_ROLES):
        found = Q(university=scope.organisation)
    elif scope.organisation.kind == Organisation.Kind.UNIVERSITY:
        found = Q(university=scope.organisation) & (Q(tutor=scope.user) | Q(student=scope.user))
    else:
        found = Q(organisation=scope.organisation) & (
            Q(educator__user=scope.user) | Q(on_site_supervisor=scope.user)
        )
    return _placements_base().filter(found).order_by("-starts_on", "id")


# Who someone is to a placement.
STAFF = "staff"
STUDENT = "student"
EDUCATOR = "educator"
SUPERVISOR = "supervisor"
TUTOR = "tutor"
UNIVERSITY_STAFF = "university_staff"

# What each relation may do besides reading the placement's summary.
DAY_RECORDERS = frozenset({STUDENT})
DAY_CONFIRMERS = frozenset({EDUCATOR, SUPERVISOR})
EXTENDERS = frozenset({STAFF, EDUCATOR})
# Who reads the day-by-day log and its notes. A tutor and the university's staff see the
# running total against the requirement, not the log (what the placement shares with them).
LOG_READERS = frozenset({STAFF, STUDENT, EDUCATOR, SUPERVISOR})


def placement_relations(*, scope: Scope, placement: Placement) -> frozenset[str]:
    """How the person relates to a placement they can see (no query)."""
    found = set()
    if is_register_staff(scope):
        found.add(STAFF)
    if is_university_member(scope) and scope.holds(*STAFF_ROLES):
        found.add(UNIVERSITY_STAFF)
    if placement.student_id == scope.user.pk:
        found.add(STUDENT)
    if placement.tutor_id == scope.user.pk:
        found.add(TUTOR)
    if placement.educator.user_id == scope.user.pk:
        found.add(EDUCATOR)
    if placement.on_site_supervisor_id == scope.user.pk:
        found.add(SUPERVISOR)
    return frozenset(found)


def placement_get_for_user(
    *, scope: Scope, pk: UUID | str, write: str = ""
) -> tuple[Placement, frozenset[str]]:
    """A placement and how the person relates to it: 404 for anyone with no relation; 403
    when `write` is "days" and it is not their own placement, "confirm" and they are neither
    its educator nor its on-site supervisor, "extend" and they are neither academy staff nor
    its educator."""
    found = placements_visible_to(scope=scope).filter(pk=pk).first()
    if found is None:
        raise Http404("No such placement.")
    relations = placement_relations(scope=scope, placement=found)
    if write == "days" and not relations & DAY_RECORDERS:
        raise PermissionDenied("Only the student records their days.")
    if write == "confirm" and not relations & DAY_CONFIRMERS:
        raise PermissionDenied("Only the practice educator or the on-site supervisor confirms days.")
    if write == "extend" and not relations & EXTENDERS:
        raise PermissionDenied("Only the academy or the practice educator extends a placement.")
    if write == "documents" and relations.isdisjoint({EDUCATOR}):
        raise PermissionDenied("Only the practice educator writes the placement's records.")
    return found, relations


def days_of(*, placement: Placement) -> QuerySet[PlacementDay]:
    return PlacementDay.objects.filter(placement=placement).select_related("confirmed_by").order_by("-day")


def day_get_for_user(*, scope: Scope, pk: UUID | str, day_pk: UUID | str) -> PlacementDay:
    """A day of a placement, for the educator or on-site supervisor to confirm."""
    placement, _ = placement_get_for_user(scope=scope, pk=pk, write="confirm")
    found = PlacementDay.objects.filter(placement=placement, pk=day_pk).first()
    if found is None:
        raise Http404("No such day on this placement.")
    found.placement = placement
    return found


def placement_days_summary(*, placement: Placement) -> rules.DaysSummary:
    """The running total against the requirement (one query over the student's days on every
    placement: skills days counted elsewhere use up part of the cap)."""
    here = Q(placement=placement)
    confirmed = Q(confirmed_at__isnull=False)
    totals = PlacementDay.objects.filter(placement__student_id=placement.student_id).aggregate(
        practice=Count("id", filter=here & confirmed & Q(kind=DayKind.PRACTICE)),
        skills=Count("id", filter=here & confirmed & Q(kind=DayKind.SKILLS)),
        absences=Count("id", filter=here & Q(kind=DayKind.ABSENCE)),
        awaiting=Count("id", filter=here & Q(confirmed_at__isnull=True) & ~Q(kind=DayKind.ABSENCE)),
        skills_elsewhere=Count("id", filter=~here & confirmed & Q(kind=DayKind.SKILLS)),
    )
    return rules.days_summary(
        required=placement.days_required,
        practice=totals["practice"],
        skills=totals["skills"],
        absences=totals["absences"],
        awaiting=totals["awaiting"],
        skills_cap=rules.skills_days_cap(),
        skills_used_elsewhere=totals["skills_elsewhere"],
    )


def extensions_of(*, placement: Placement) -> QuerySet[PlacementExtension]:
    return (
        PlacementExtension.objects.filter(placement=placement)
        .select_related("agreed_by")
        .order_by("created_at")
    )


def educators_lapsing(*, today: datetime.date) -> QuerySet[PracticeEducator]:
    """Qualified educators within the warning window before their currency lapses, or past it
    (the reminder engine's producer; every organisation)."""
    _, lapsing_before = rules.activity_cutoffs(
        today=today, interval_months=rules.currency_months(), warning_days=rules.currency_warning_days()
    )
    return (
        _with_activity(PracticeEducator.objects.exclude(stage=EducatorStage.TRAINEE))
        .filter(Q(last_activity__gt=_NEVER) & Q(last_activity__lt=lapsing_before))
        .only(
            "id", "user_id", "organisation_id", "stage", "qualified_on", "last_student_on", "last_update_on"
        )
        .order_by("id")
    )


# --- Meetings, observations and the final report ---------------------------------------------

# Who writes and changes a placement's records: its practice educator.
DOCUMENT_WRITERS = frozenset({EDUCATOR})


def documents_of(*, placement: Placement) -> QuerySet[PlacementDocument]:
    """A placement's records with how many have signed each (one query)."""
    return (
        PlacementDocument.objects.filter(placement=placement)
        .annotate(signature_count=Count("signatures"))
        .order_by("held_on", "created_at")
    )


def document_get_for_user(
    *, scope: Scope, pk: UUID | str, doc_pk: UUID | str, write: str = ""
) -> tuple[PlacementDocument, frozenset[str]]:
    """A record of a placement the person can see (404 otherwise). 403 when `write` is "edit"
    and they are not the placement's educator, or "sign" and the record needs no signature of
    theirs."""
    placement, relations = placement_get_for_user(scope=scope, pk=pk)
    found = PlacementDocument.objects.filter(placement=placement, pk=doc_pk).first()
    if found is None:
        raise Http404("No such record on this placement.")
    found.placement = placement
    if write == "edit" and not relations & DOCUMENT_WRITERS:
        raise PermissionDenied("Only the practice educator writes the placement's records.")
    if write == "sign" and not set(signatures.parties(placement=placement, kind=found.kind)) & set(
        signatures.capacities_of(placement=placement, user_id=scope.user.pk)
    ):
        raise PermissionDenied("This record needs no signature of yours.")
    return found, relations


def signatures_of(*, document: PlacementDocument) -> QuerySet[PlacementSignature]:
    return PlacementSignature.objects.filter(document=document).select_related("user").order_by("signed_at")


# --- For the reminders and the figures ---------------------------------------------------------


def with_day_counts(queryset: QuerySet[Placement]) -> QuerySet[Placement]:
    """Placements annotated with their confirmed practice and skills days and the student's
    confirmed skills days on their other placements (for the cap), in the same query."""
    confirmed = Q(days__confirmed_at__isnull=False)
    elsewhere = (
        PlacementDay.objects.filter(
            placement__student_id=OuterRef("student_id"), kind=DayKind.SKILLS, confirmed_at__isnull=False
        )
        .exclude(placement_id=OuterRef("pk"))
        .order_by()
        .values("placement__student_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(
        practice_confirmed=Count("days", filter=confirmed & Q(days__kind=DayKind.PRACTICE)),
        skills_confirmed=Count("days", filter=confirmed & Q(days__kind=DayKind.SKILLS)),
        skills_elsewhere=Coalesce(Subquery(elsewhere, output_field=IntegerField()), Value(0)),
    )


def counted_days(placement: Placement) -> int:
    """Confirmed days that count, from `with_day_counts`' annotations (no query)."""
    return rules.days_summary(
        required=placement.days_required,
        practice=placement.practice_confirmed,  # type: ignore[attr-defined]
        skills=placement.skills_confirmed,  # type: ignore[attr-defined]
        absences=0,
        awaiting=0,
        skills_cap=rules.skills_days_cap(),
        skills_used_elsewhere=placement.skills_elsewhere,  # type: ignore[attr-defined]
    ).counted


def placements_under_way(*, today: datetime.date) -> QuerySet[Placement]:
    """Placements not yet finished whose reminders may be due (every organisation): planned or
    in progress, started or starting within the longest notice, with whether the midway review
    and the final report exist, and their day counts."""
    soon = today + datetime.timedelta(days=max(rules.review_notice_days(), rules.final_report_notice_days()))
    documents = PlacementDocument.objects.filter(placement_id=OuterRef("pk"))
    return (
        with_day_counts(
            Placement.objects.filter(
                status__in=[Placement.Status.PLANNED, Placement.Status.ACTIVE], starts_on__lte=soon
            )
        )
        .annotate(
            has_midway=Exists(documents.filter(kind=DocumentKind.MIDWAY_REVIEW)),
            has_final_report=Exists(documents.filter(kind=DocumentKind.FINAL_REPORT)),
        )
        .select_related("educator", "student")
        .only(
            "id",
            "kind",
            "student_id",
            "student__full_name",
            "student__email",
            "organisation_id",
            "educator_id",
            "educator__user_id",
            "starts_on",
            "ends_on",
            "days_required",
            "status",
        )
        .order_by("id")
    )


# --- Figures for academy staff -----------------------------------------------------------------


@dataclass
class FigureRow:
    """Places requested, offered and filled for one university or one team, and how many of
    its placements are short of days."""

    name: str
    hint: str = ""
    requested: int = 0
    offered: int = 0
    filled: int = 0
    days_short: int = 0


@dataclass
class Figures:
    starts_on: datetime.date
    ends_on: datetime.date
    universities: list[FigureRow]
    teams: list[FigureRow]
    educators: int
    capacity: int
    capacity_used: int
    requested: int
    offered: int
    filled: int
    days_short: int


def _is_short(row: Mapping[str, Any], *, today: datetime.date, margin: int, cap: int) -> bool:
    """A finished placement is short when its counted days fell below the requirement; one under
    way, when it trails the pro-rata expectation beyond the margin."""
    counted = rules.days_summary(
        required=row["days_required"],
        practice=row["practice_confirmed"],
        skills=row["skills_confirmed"],
        absences=0,
        awaiting=0,
        skills_cap=cap,
        skills_used_elsewhere=row["skills_elsewhere"],
    ).counted
    if row["ends_on"] < today:
        return bool(counted < row["days_required"])
    return bool(
        rules.days_short(
            counted=counted,
            required=row["days_required"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            today=today,
            margin=margin,
        )
    )


def placement_figures(*, scope: Scope, year_starts_on: datetime.date, today: datetime.date) -> Figures:
    """The year's figures for the organisations the staff member manages, in four queries
    whatever the number of rows: requests by university, offers by team and university,
    placements with their day counts, and the register's capacity. Withdrawn requests and
    placements that ended early count as neither requested nor filled."""
    year_ends_on = rules.academic_year(year_starts_on)[1]
    ids = staff_scope_ids(scope=scope) if is_register_staff(scope) else set()
    in_year = Q(starts_on__gte=year_starts_on, starts_on__lte=year_ends_on)
    universities: dict[int, FigureRow] = {}
    teams: dict[int, FigureRow] = {}

    def university(pk: int, name: str) -> FigureRow:
        return universities.setdefault(pk, FigureRow(name=name))

    def team(pk: int, name: str, organisation: str) -> FigureRow:
        return teams.setdefault(pk, FigureRow(name=name, hint=organisation))

    requests = (
        PlacementRequest.objects.filter(in_year, partner_id__in=ids)
        .exclude(status=PlacementRequest.Status.WITHDRAWN)
        .values("university_id", "university__name")
        .annotate(places=Sum("students"))
        .order_by()
    )
    for asked in requests:
        university(asked["university_id"], asked["university__name"]).requested += asked["places"]
    offers = (
        PlacementOffer.objects.filter(request__partner_id__in=ids)
        .filter(request__starts_on__gte=year_starts_on, request__starts_on__lte=year_ends_on)
        .exclude(request__status=PlacementRequest.Status.WITHDRAWN)
        .values(
            "team_id",
            "team__name",
            "team__organisation__name",
            "request__university_id",
            "request__university__name",
        )
        .annotate(places=Sum("places"))
        .order_by()
    )
    for row in offers:
        university(row["request__university_id"], row["request__university__name"]).offered += row["places"]
        team(row["team_id"], row["team__name"], row["team__organisation__name"]).offered += row["places"]
    annotated: Any = with_day_counts(
        Placement.objects.filter(in_year, organisation_id__in=ids).exclude(
            status=Placement.Status.ENDED_EARLY
        )
    )
    placed = annotated.values(
        "university_id",
        "university__name",
        "team_id",
        "team__name",
        "organisation__name",
        "days_required",
        "starts_on",
        "ends_on",
        "practice_confirmed",
        "skills_confirmed",
        "skills_elsewhere",
    )
    margin, cap = rules.days_short_margin(), rules.skills_days_cap()
    filled = short = 0
    for row in placed:
        is_short = _is_short(row, today=today, margin=margin, cap=cap)
        for found in (
            university(row["university_id"], row["university__name"]),
            team(row["team_id"], row["team__name"], row["organisation__name"]),
        ):
            found.filled += 1
            found.days_short += int(is_short)
        filled += 1
        short += int(is_short)
    register = PracticeEducator.objects.filter(organisation_id__in=ids).aggregate(
        educators=Count("id"), capacity=Coalesce(Sum("capacity_per_year"), 0)
    )
    by_name = lambda rows: sorted(rows.values(), key=lambda r: (r.name.lower(), r.hint))  # noqa: E731
    return Figures(
        starts_on=year_starts_on,
        ends_on=year_ends_on,
        universities=by_name(universities),
        teams=by_name(teams),
        educators=register["educators"],
        capacity=register["capacity"],
        capacity_used=filled,
        requested=sum(r.requested for r in universities.values()),
        offered=sum(r.offered for r in teams.values()),
        filled=filled,
        days_short=short,
    )
