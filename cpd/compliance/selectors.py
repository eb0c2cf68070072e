"""Reads of the compliance view. One queryset of people with their status, computed in SQL from
counts over their CPD records of the year (grouped by person), so a page costs the same number
of queries whatever the number of people (tests/test_query_counts.py, tests/perf/bench_cpd_compliance.py).

Only counts leave the database: the queries here select no column of a record but its person,
status, date and whether its peer reflection has any learning in it. A record's title, text and
attachments never reach an employer (ADR 0011: a ledger belongs to its person)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from academy.models import Membership, Organisation, Team, User
from academy.roles import Role
from academy.scope import Scope
from academy.selectors import current_membership_q, organisation_scope_ids

from ..models import RecordStatus, RegistrationYear
from ..selectors import CPD_KEEPING_ROLES

# Who keeps CPD: people whose role in the organisation is social work that Social Work England
# registers them for. Newly qualified and experienced social workers; line managers, who manage
# and supervise social workers and are registered social workers themselves (the ASYE asks that
# supervision is by a registered social worker); ASYE assessors and practice educators, who
# must be registered, experienced social workers; and principal social workers. Left out:
# students (not registered yet), university tutors (the university employs them, not the
# council), moderators (often independent, keeping CPD with their own employer) and academy
# admins (an administrative role that need not be held by a social worker). A person who holds
# two roles is listed once.
# The roles are `cpd.selectors.CPD_KEEPING_ROLES`, shared with the CPD reminders.

# Who may open the view: staff for their organisation (and a partnership's member councils),
# line managers for their own team or teams.
STAFF_VIEWERS = frozenset({Role.PSW, Role.ACADEMY_ADMIN})
VIEWER_ROLES = STAFF_VIEWERS | {Role.LINE_MANAGER}


class ComplianceStatus:
    """Where a person stands in a registration year, in plain words.

    - Requirement met: at least the year's number of completed records, and at least its number
      of them with a peer reflection.
    - At risk: not met, and the year's end is near. "Near" is the year's own renewal window
      (`RegistrationYear.renewal_window_opens_on`: 1 September, the last three months), the same
      moment the person's own tracker turns "At risk" (`cpd.rules.YearProgress.at_risk`), so an
      employer and the person never disagree. It is data per registration year, not an
      organisation setting, for that reason: an organisation's own window would make the two
      pages say different things about the same person.
    - Not started: no completed record yet this year, with the window not open yet.
    - On track: some completed records, not met yet, the window not open yet.
    - Not met: a past year that ended without the requirement met.

    Drafts are the person's work in progress: they are not counted, or shown."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NOT_STARTED = "not_started"
    NOT_MET = "not_met"

    LABELS: ClassVar[dict[str, str]] = {
        MET: "Requirement met",
        ON_TRACK: "On track",
        AT_RISK: "At risk",
        NOT_STARTED: "Not started",
        NOT_MET: "Not met",
    }


def statuses_for(*, year: RegistrationYear | None, today: datetime.date) -> list[str]:
    """The statuses a person can have in `year` on `today`, in the order the page lists them."""
    if year is None:
        return []
    if today > year.ends_on:
        return [ComplianceStatus.MET, ComplianceStatus.NOT_MET]
    if today >= year.renewal_window_opens_on:
        return [ComplianceStatus.MET, ComplianceStatus.AT_RISK]
    return [ComplianceStatus.MET, ComplianceStatus.ON_TRACK, ComplianceStatus.NOT_STARTED]


def days_left(*, year: RegistrationYear, today: datetime.date) -> int | None:
    """Whole days after today up to the year's last day; None once it has ended."""
    if today > year.ends_on:
        return None
    return (year.ends_on - max(today, year.starts_on)).days


# --- Who the viewer may see ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """The organisations, and for a line manager the teams, whose people the viewer sees."""

    organisation_ids: frozenset[int]
    team_ids: frozenset[int] | None  # None: every team (and no team) in the organisations
    managed_teams_only: bool = False


def compliance_reach(*, scope: Scope) -> Reach:
    """Staff (PSW, academy admin) reach their organisation and those beneath it; a line manager
    reaches only the teams they manage in their current organisation (none when no team is set
    on their role). Anyone else is refused (403)."""
    if scope.organisation is None or not scope.holds(*VIEWER_ROLES):
        raise PermissionDenied("Only PSWs, academy admins and line managers see CPD compliance.")
    if scope.holds(*STAFF_VIEWERS):
        return Reach(frozenset(organisation_scope_ids(organisation=scope.organisation)), None)
    teams = Membership.objects.filter(
        current_membership_q(),
        user=scope.user,
        organisation=scope.organisation,
        role=Role.LINE_MANAGER,
        team__isnull=False,
    ).values_list("team_id", flat=True)
    return Reach(
        frozenset({scope.organisation.pk}), frozenset(t for t in teams if t), managed_teams_only=True
    )


def compliance_organisations(*, reach: Reach) -> QuerySet[Organisation]:
    """The organisations the viewer may filter by."""
    return Organisation.objects.filter(pk__in=reach.organisation_ids).order_by("name")


def compliance_teams(*, reach: Reach) -> QuerySet[Team]:
    """The teams the viewer may filter by, with their organisation's name."""
    teams = Team.objects.filter(organisation_id__in=reach.organisation_ids)
    if reach.team_ids is not None:
        teams = teams.filter(pk__in=reach.team_ids)
    return teams.select_related("organisation").order_by("organisation__name", "name")


def practitioner_memberships(
    *, reach: Reach, organisation: Organisation | None = None, team: Team | None = None
) -> QuerySet[Membership]:
    """Current memberships in a CPD-keeping role within the viewer's reach (and the filters)."""
    found = Membership.objects.filter(
        current_membership_q(),
        role__in=sorted(CPD_KEEPING_ROLES),
        organisation_id__in=sorted(reach.organisation_ids),
    )
    if reach.team_ids is not None:
        found = found.filter(team_id__in=sorted(reach.team_ids))
    if organisation is not None:
        found = found.filter(organisation=organisation)
    if team is not None:
        found = found.filter(team=team)
    return found


# People with their status: `practitioners_with_status` rows (dicts).
Practitioners = QuerySet[Any, Any]


# --- Status --------------------------------------------------------------------------------------


def _status(*, year: RegistrationYear, today: datetime.date) -> Case:
    met = Q(records__gte=year.required_records, peer_reflected__gte=year.required_peer_reflected)
    if today > year.ends_on:
        otherwise: list[When] = []
        default = ComplianceStatus.NOT_MET
    elif today >= year.renewal_window_opens_on:
        otherwise = []
        default = ComplianceStatus.AT_RISK
    else:
        otherwise = [When(records=0, then=Value(ComplianceStatus.NOT_STARTED))]
        default = ComplianceStatus.ON_TRACK
    return Case(When(met, then=Value(ComplianceStatus.MET)), *otherwise, default=Value(default))


def practitioners_with_status(
    *,
    reach: Reach,
    year: RegistrationYear | None,
    today: datetime.date,
    organisation: Organisation | None = None,
    team: Team | None = None,
    query: str = "",
) -> Practitioners:
    """Everyone in reach who keeps CPD, once each, with `records` (completed records dated in
    the year), `peer_reflected` (those of them with a peer reflection that has learning in it),
    `status` (a `ComplianceStatus`), and the name of their organisation and team (the first
    alphabetically, for someone in several). Ordered by name.

    The services refuse a record that repeats another (cpd.services `_check_not_repeated`), so
    each completed record is a different piece of learning and counting rows counts what the
    person's own tracker counts. Nobody when there is no registration year."""
    if year is None:
        return User.objects.none().values("pk")
    memberships = practitioner_memberships(reach=reach, organisation=organisation, team=team)
    theirs = memberships.filter(user=OuterRef("pk")).order_by("organisation__name", "team__name")
    people = User.objects.filter(Exists(theirs))
    if query:
        people = people.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    # One LEFT JOIN of the person's completed records of the year (and their peer reflections),
    # counted per person: the status then reads the counts, and PostgreSQL works each out once.
    completed = FilteredRelation(
        "cpd_records",
        condition=Q(
            cpd_records__status=RecordStatus.COMPLETE,
            cpd_records__occurred_on__gte=year.starts_on,
            cpd_records__occurred_on__lte=year.ends_on,
        ),
    )
    return (
        people.annotate(year_records=completed)
        .annotate(
            records=Count("year_records"),
            peer_reflected=Count(
                "year_records", filter=Q(year_records__peer_reflection__learning__regex=r"\S")
            ),
        )
        .annotate(
            status=_status(year=year, today=today),
            organisation_name=Subquery(theirs.values("organisation__name")[:1]),
            team_name=Subquery(theirs.values("team__name")[:1]),
        )
        .order_by("full_name", "email")
        .values(
            "pk",
            "full_name",
            "email",
            "organisation_name",
            "team_name",
            "records",
            "peer_reflected",
            "status",
        )
    )


def practitioners_in_status(people: Practitioners, *, status: str) -> Practitioners:
    """Those of `people` with `status` (all of them when it is empty)."""
    return people.filter(status=status) if status else people


def status_counts(people: Practitioners, *, statuses: Iterable[str]) -> dict[str, int]:
    """How many of `people` have each status, and `total`: one query."""
    wanted = list(statuses)
    found: dict[str, Any] = people.order_by().aggregate(
        total=Count("pk"), **{status: Count("pk", filter=Q(status=status)) for status in wanted}
    )
    return {key: int(value or 0) for key, value in found.items()}
