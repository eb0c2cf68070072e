"""Set-based reads for the CPD reminders: a fixed number of queries whatever the number of
people. Only names, statuses and counts leave the database, never a record's content."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from academy.models import Membership, Organisation
from academy.roles import Role
from academy.selectors import current_membership_q

from .. import selectors
from ..models import RegistrationYear


def people_not_met(*, year: RegistrationYear) -> list[dict[str, Any]]:
    """Everyone who keeps CPD and has not met `year`'s requirement: `pk`, `records`,
    `peer_reflected` (one query)."""
    return list(
        selectors.cpd_keepers()
        .annotate(**selectors.year_counts(year=year))
        .exclude(selectors.requirement_met_q(year=year))
        .order_by()
        .values("pk", "records", "peer_reflected")  # type: ignore[misc]  # annotated above
    )


@dataclass
class OrganisationAtRisk:
    """One organisation's people at risk: who (name and counts only) out of how many keep CPD."""

    organisation_id: int
    name: str
    keepers: int = 0
    at_risk: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class PswSummary:
    """What one PSW is told about the organisation they are PSW in (and those beneath it)."""

    psw_id: Any
    organisation_id: int
    organisations: list[OrganisationAtRisk]

    @property
    def at_risk(self) -> int:
        return sum(len(o.at_risk) for o in self.organisations)


def _scopes(psw_orgs: set[int]) -> tuple[dict[int, set[int]], dict[int, str]]:
    """For each organisation a PSW works in, it and those beneath it (a partnership's member
    councils; a council's reach stays in the council, as `organisation_scope_ids` says). One
    query over the organisations, however many PSWs."""
    rows = list(Organisation.objects.values_list("pk", "kind", "parent_id", "name"))
    children: dict[int, list[int]] = defaultdict(list)
    kinds = {pk: kind for pk, kind, _, _ in rows}
    for pk, _, parent, _ in rows:
        if parent is not None:
            children[parent].append(pk)
    scopes: dict[int, set[int]] = {}
    for org in psw_orgs:
        scope = {org}
        frontier = [org] if kinds.get(org) == Organisation.Kind.PARTNERSHIP else []
        while frontier:
            frontier = [c for pk in frontier for c in children[pk] if c not in scope]
            scope.update(frontier)
        scopes[org] = scope
    return scopes, {pk: name for pk, _, _, name in rows}


def psw_summaries(*, year: RegistrationYear) -> list[PswSummary]:
    """For each current PSW membership, the people at risk in its organisations: those with a
    current membership there in a CPD-keeping role who have not met `year`'s requirement (the
    caller asks only while the renewal window is open). People who have left are the person's
    own business, not their old employer's: only current memberships count here, as on the
    employer's compliance view. Four queries in all (the `.at_risk` lists are built from them)."""
    psws = set(
        Membership.objects.filter(current_membership_q(), role=Role.PSW, user__is_active=True).values_list(
            "user_id", "organisation_id"
        )
    )
    if not psws:
        return []
    scopes, names = _scopes({org for _, org in psws})
    reached = sorted(set().union(*scopes.values()))
    keeping = selectors.cpd_keeping_memberships().filter(organisation_id__in=reached, user__is_active=True)
    totals = dict(
        keeping.order_by()
        .values_list("organisation_id")
        .annotate(people=Count("user_id", distinct=True))
        .values_list("organisation_id", "people")
    )
    at_risk: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in (
        keeping.order_by()
        .values("organisation_id", "user_id", "user__full_name", "user__email")
        .annotate(**selectors.year_counts(year=year, prefix="user__"))
        .exclude(selectors.requirement_met_q(year=year))
        .order_by("organisation_id", "user__full_name", "user__email")
    ):
        at_risk[row["organisation_id"]].append(dict(row))
    summaries = []
    for user, org in sorted(psws, key=str):
        organisations = [
            OrganisationAtRisk(pk, names.get(pk, ""), totals.get(pk, 0), at_risk[pk])
            for pk in sorted(scopes[org], key=lambda pk: names.get(pk, ""))
            if at_risk.get(pk)
        ]
        if organisations:
            summaries.append(PswSummary(user, org, organisations))
    return summaries
