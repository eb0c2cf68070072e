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
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404
from django.utils import timezone

from academy.models import Membership, Organisation, Team
from academy.roles import STAFF_ROLES, Role
from academy.scope import Scope
from academy.selectors import current_membership_q, organisation_scope_ids, staff_scope_ids

from . import rules
from .models import EducatorStage, PlacementOffer, PlacementRequest, PracticeEducator, UniversityPartnership

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
