"""Reads of ASYE records and programme types. Every list of records is built from
`records_visible_to`, every record page from `record_get_for_user`.

Who sees a record (STYLE.md's rule, with assignments):

- the NQSW whose record it is, the assigned assessor and the assigned line manager — while the
  membership the record names for them is current. Assignment is personal: it holds whichever
  organisation the person is acting from at the moment (an assessor employed by the partnership,
  or one who also works in another council, still sees the NQSWs assigned to them), and it ends
  the day that role ends, because the record points at the membership, not the person;
- PSWs and academy admins acting from the record's organisation, or from the partnership above
  it (partnership roles reach member councils) — `academy.selectors.staff_scope_ids`.

- moderators (MODERATOR): members of an OPEN moderation panel the record is allocated to, through
  a current membership — external moderators from another organisation included. Read-only, and
  only for the panel's life: once it closes they get 404 (`asye/moderation/`). The pages they
  read follow the other relations' rules: supervision notes stay with the NQSW, assessor and
  manager (they see dates and cadence), and every write asks for a relation they do not have.

Nobody else: not another assessor of the same council, not the sibling council's PSW (404).
Writing the record itself (assessor, dates, status) is for those staff only; the others get 403.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from academy.models import FrameworkVersion, Membership, Organisation, Team, User
from academy.roles import Role
from academy.scope import Scope
from academy.selectors import current_membership_q, staff_scope_ids

from . import dates
from .models import (
    OPEN_STATUSES,
    AssessorChange,
    AsyeRecord,
    ProgrammeType,
    ProgrammeTypeVersion,
    RecordPause,
)

# How a person relates to a record.
NQSW = "nqsw"
ASSESSOR = "assessor"
LINE_MANAGER = "line_manager"
STAFF = "staff"
MODERATOR = "moderator"


def _current(prefix: str) -> Q:
    """The membership at `prefix` is active and has not ended (as `current_membership_q`)."""
    today = timezone.localdate()
    return Q(**{f"{prefix}__is_active": True}) & (
        Q(**{f"{prefix}__ended_on__isnull": True}) | Q(**{f"{prefix}__ended_on__gte": today})
    )


def _assigned_q(user: User) -> Q:
    return (
        (Q(nqsw__user=user) & _current("nqsw"))
        | (Q(assessor__user=user) & _current("assessor"))
        | (Q(line_manager__user=user) & _current("line_manager"))
    )


def _moderated_q(user: User) -> Q:
    """Records allocated to an open panel the person sits on through a current membership."""
    from .moderation.models import PanelAllocation, PanelStatus

    allocated = PanelAllocation.objects.filter(
        _current("panel__members__membership"),
        panel__status=PanelStatus.OPEN,
        panel__members__membership__user=user,
    ).values("record_id")
    return Q(pk__in=allocated)


def _with_page_data(queryset: QuerySet[AsyeRecord]) -> QuerySet[AsyeRecord]:
    return queryset.select_related(
        "nqsw__user",
        "organisation",
        "team",
        "programme_version__programme_type",
        "assessor__user",
        "line_manager__user",
    ).prefetch_related(
        Prefetch("pauses", queryset=RecordPause.objects.select_related("recorded_by").order_by("starts_on"))
    )


def records_visible_to(*, scope: Scope) -> QuerySet[AsyeRecord]:
    """Every record the person may read: their own, those assigned to them, and (for PSWs and
    academy admins) those of the organisations their current organisation reaches."""
    visible = _assigned_q(scope.user) | _moderated_q(scope.user)
    staff_ids = staff_scope_ids(scope=scope)
    if staff_ids:
        visible |= Q(organisation_id__in=staff_ids)
    return _with_page_data(AsyeRecord.objects.filter(visible)).order_by("nqsw__user__full_name", "start_date")


def records_in_staff_scope(*, scope: Scope) -> QuerySet[AsyeRecord]:
    """The staff list: records of the organisations a PSW or academy admin manages (none for
    anyone else, even if records are assigned to them: they use `records_assigned_to`)."""
    return _with_page_data(
        AsyeRecord.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
    ).order_by("nqsw__user__full_name", "start_date")


def records_assigned_to(*, user: User) -> QuerySet[AsyeRecord]:
    """Records whose current assessor or line manager is `user` ("My NQSWs")."""
    assigned = (Q(assessor__user=user) & _current("assessor")) | (
        Q(line_manager__user=user) & _current("line_manager")
    )
    return _with_page_data(AsyeRecord.objects.filter(assigned)).order_by(
        "nqsw__user__full_name", "start_date"
    )


def records_of_nqsw(*, user: User) -> QuerySet[AsyeRecord]:
    """The person's own records as an NQSW, the one under way first."""
    return _with_page_data(AsyeRecord.objects.filter(Q(nqsw__user=user) & _current("nqsw"))).order_by(
        "-start_date"
    )


def record_relations(*, scope: Scope, record: AsyeRecord) -> frozenset[str]:
    """How the person relates to the record: any of NQSW, ASSESSOR, LINE_MANAGER, STAFF, or
    MODERATOR alone. Uses the memberships already joined by the selectors; only the staff check
    may ask the database, and the panel check when no other relation was found (a moderator's
    reading adds nothing to the others', so their pages cost no extra query)."""
    today = timezone.localdate()

    def current(membership: Membership) -> bool:
        return membership.is_active and (membership.ended_on is None or membership.ended_on >= today)

    found = set()
    user_id = scope.user.pk
    if record.nqsw.user_id == user_id and current(record.nqsw):
        found.add(NQSW)
    if record.assessor.user_id == user_id and current(record.assessor):
        found.add(ASSESSOR)
    if record.line_manager.user_id == user_id and current(record.line_manager):
        found.add(LINE_MANAGER)
    if record.organisation_id in staff_scope_ids(scope=scope):
        found.add(STAFF)
    if not found and AsyeRecord.objects.filter(_moderated_q(scope.user), pk=record.pk).exists():
        found.add(MODERATOR)
    return frozenset(found)


def record_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> AsyeRecord:
    """One record: 404 when the person has no relation to it; 403 on `write` unless they are
    staff over its organisation (the NQSW, assessor, manager and panel moderators read it)."""
    record = records_visible_to(scope=scope).filter(pk=pk).first()
    if record is None:
        raise Http404("No such ASYE record.")
    if write and STAFF not in record_relations(scope=scope, record=record):
        raise PermissionDenied("Only the principal social worker or academy staff can change this record.")
    return record


NAV_CACHE_SECONDS = 300


def has_record_cache_key(user_id: object) -> str:
    return f"asye:has-record:{user_id}"


def user_has_record(*, user: User) -> bool:
    """Whether the person is the NQSW of a record: the "My ASYE" navigation entry. Cached per
    person because the navigation is on every page; `record_create` drops the cached value."""
    found = cache.get_or_set(
        has_record_cache_key(user.pk),
        lambda: int(AsyeRecord.objects.filter(Q(nqsw__user=user) & _current("nqsw")).exists()),
        NAV_CACHE_SECONDS,
    )
    return bool(found)


# --- Computed dates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordSchedule:
    planned_end: datetime.date
    reviews: list[dates.ReviewDue]
    next_review: dates.ReviewDue | None
    month: int
    length_months: int


def record_pauses(record: AsyeRecord) -> list[dates.Pause]:
    """The record's pauses (prefetched by the selectors) for the date arithmetic."""
    return [dates.Pause(p.starts_on, p.ends_on) for p in record.pauses.all()]


def record_schedule(record: AsyeRecord, *, today: datetime.date | None = None) -> RecordSchedule:
    """Planned end, each review's due date, the next one and the month the NQSW is in, as of
    `today` (the local date by default). An open pause counts up to today."""
    today = today or timezone.localdate()
    version = record.programme_version
    pauses = record_pauses(record)
    reviews = dates.review_dues(
        record.start_date, version.review_points, fte=record.fte, pauses=pauses, as_of=today
    )
    planned_end = dates.planned_end(
        record.start_date, version.length_months, fte=record.fte, pauses=pauses, as_of=today
    )
    # Extensions (asye/final/): every date after the day one was granted moves by its days.
    for shift in record.extension_shifts or ():
        granted_on, days = datetime.date.fromisoformat(shift["granted_on"]), int(shift["days"])
        planned_end = _shifted(planned_end, granted_on, days)
        reviews = [dataclasses.replace(r, due_on=_shifted(r.due_on, granted_on, days)) for r in reviews]
    return RecordSchedule(
        planned_end=planned_end,
        reviews=reviews,
        next_review=dates.next_review(reviews, today),
        month=dates.month_of_programme(record.start_date, today),
        length_months=version.length_months,
    )


def _shifted(day: datetime.date, granted_on: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days) if day > granted_on else day


def assessor_history(*, record: AsyeRecord) -> QuerySet[AssessorChange]:
    return (
        AssessorChange.objects.filter(record=record)
        .select_related("from_assessor__user", "to_assessor__user", "changed_by")
        .order_by("created_at", "id")
    )


# --- Choices for the record forms ------------------------------------------------------------------


def _org_and_partnership(organisation: Organisation) -> list[int]:
    ids = [organisation.pk]
    if organisation.parent_id is not None:
        ids.append(organisation.parent_id)
    return ids


def eligible_assessors(*, organisations: Iterable[Organisation]) -> QuerySet[Membership]:
    """Current assessor memberships in these organisations or the partnerships above them."""
    ids = {pk for org in organisations for pk in _org_and_partnership(org)}
    return _role_memberships(Role.ASSESSOR, ids)


def eligible_line_managers(*, organisations: Iterable[Organisation]) -> QuerySet[Membership]:
    ids = {pk for org in organisations for pk in _org_and_partnership(org)}
    return _role_memberships(Role.LINE_MANAGER, ids)


def _role_memberships(role: str, organisation_ids: set[int]) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(current_membership_q(), role=role, organisation_id__in=organisation_ids)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )


def nqsws_without_record(*, scope: Scope) -> QuerySet[Membership]:
    """Current NQSW memberships in the staff member's scope with no record under way."""
    return (
        Membership.objects.filter(
            current_membership_q(), role=Role.NQSW, organisation_id__in=staff_scope_ids(scope=scope)
        )
        .exclude(asye_records__status__in=[s.value for s in OPEN_STATUSES])
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )


def organisations_for_records(*, scope: Scope) -> QuerySet[Organisation]:
    """Organisations a staff member may create records in."""
    return Organisation.objects.filter(pk__in=staff_scope_ids(scope=scope))


def teams_in_scope(*, scope: Scope) -> QuerySet[Team]:
    return (
        Team.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def assessors_in_scope(*, scope: Scope) -> QuerySet[Membership]:
    """Assessors the staff list can filter by: those of the organisations in scope and of the
    partnership above (a council's PSW sees the partnership's assessors of their NQSWs)."""
    ids = staff_scope_ids(scope=scope)
    if scope.organisation is not None and scope.organisation.parent_id is not None and ids:
        ids = ids | {scope.organisation.parent_id}
    return _role_memberships(Role.ASSESSOR, ids)


# --- Programme types -------------------------------------------------------------------------------


def programme_types_visible_to(*, user: User) -> QuerySet[ProgrammeType]:
    """Programme types are shared reference data: every signed-in person may read them."""
    return ProgrammeType.objects.prefetch_related(
        Prefetch("versions", queryset=ProgrammeTypeVersion.objects.order_by("in_force_from", "created_at"))
    ).order_by("name")


def programme_type_get(*, user: User, slug: str) -> ProgrammeType:
    found = ProgrammeType.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("No such programme type.")
    return found


def programme_version_get(*, user: User, type_slug: str, version_slug: str) -> ProgrammeTypeVersion:
    found = (
        ProgrammeTypeVersion.objects.select_related("programme_type")
        .prefetch_related("frameworks__framework")
        .filter(programme_type__slug=type_slug, slug=version_slug)
        .first()
    )
    if found is None:
        raise Http404("No such programme version.")
    return found


def programme_version_in_force(
    *, programme_type: ProgrammeType, on: datetime.date
) -> ProgrammeTypeVersion | None:
    """The version a record starting on `on` follows: the latest in force by then."""
    return (
        ProgrammeTypeVersion.objects.filter(programme_type=programme_type)
        .filter(Q(in_force_from__isnull=True) | Q(in_force_from__lte=on))
        .order_by(F("in_force_from").desc(nulls_last=True), "-created_at")
        .first()
    )


def programme_version_latest(*, programme_type: ProgrammeType) -> ProgrammeTypeVersion | None:
    """The newest version (what a new one is copied from)."""
    return (
        ProgrammeTypeVersion.objects.filter(programme_type=programme_type)
        .prefetch_related("frameworks")
        .order_by(F("in_force_from").desc(nulls_last=True), "-created_at")
        .first()
    )


def framework_versions_for_programmes(*, user: User) -> QuerySet[FrameworkVersion]:
    """Framework versions a programme version may map evidence to (shared reference data)."""
    return FrameworkVersion.objects.select_related("framework").order_by(
        "framework__name", "in_force_from", "slug"
    )
