"""Reads of career pathways and who may do what with them.

A pathway is offered like a programme: to the people of the organisation that owns it and, for a
partnership, to its member councils (a partnership's staff also see their members'). Nobody else
finds it (404). Academy staff whose roles reach the owner change it; others read it (403 on a
change). Where a person stands is the step they chose, or else the furthest step their roles
put them on."""

from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from academy.models import Organisation, User
from academy.scope import Scope
from academy.selectors import organisation_scope_ids

from ..models import Pathway, PathwayPosition, PathwayStep, Programme
from ..selectors import managed_organisation_ids, programmes_visible_to


def _offered_q(scope: Scope) -> Q:
    organisation = scope.organisation
    if organisation is None:
        return Q(pk__in=[])
    q = Q(organisation_id__in=organisation_scope_ids(organisation=organisation))
    if organisation.parent_id is not None:
        q |= Q(organisation_id=organisation.parent_id)
    return q


def pathways_visible_to(*, scope: Scope) -> QuerySet[Pathway]:
    return (
        Pathway.objects.filter(_offered_q(scope))
        .select_related("organisation")
        .annotate(step_count=Count("steps"))
        .order_by("name", "id")
    )


def pathway_get_for_user(*, scope: Scope, pk: UUID | str, write: bool = False) -> Pathway:
    """One pathway: 404 when it is not offered to the person; 403 when they ask to change it
    and do not manage it."""
    pathway = pathways_visible_to(scope=scope).filter(pk=pk).first()
    if pathway is None:
        raise Http404("No such pathway is offered to you.")
    if write and pathway.organisation_id not in managed_organisation_ids(scope):
        raise PermissionDenied("Only the academy's staff change a pathway.")
    return pathway


def step_get_for_user(*, scope: Scope, pk: UUID | str) -> PathwayStep:
    """A step to change: 404 outside the pathways offered to the person, 403 for readers."""
    step = (
        PathwayStep.objects.filter(pk=pk, pathway__in=pathways_visible_to(scope=scope).values("pk"))
        .select_related("pathway__organisation")
        .first()
    )
    if step is None:
        raise Http404("No such pathway step is offered to you.")
    if step.pathway.organisation_id not in managed_organisation_ids(scope):
        raise PermissionDenied("Only the academy's staff change a pathway.")
    return step


def steps_of(*, pathway: Pathway, scope: Scope) -> list[PathwayStep]:
    """Every step with what it follows and the programmes offered to the person that lead there
    (three queries whatever the size)."""
    visible = programmes_visible_to(scope=scope).only("id", "title", "organisation_id").order_by("title")
    return list(
        PathwayStep.objects.filter(pathway=pathway)
        .prefetch_related(
            Prefetch("follows", queryset=PathwayStep.objects.only("id", "title")),
            Prefetch("programmes", queryset=visible),
        )
        .order_by("position", "title")
    )


def position_of(*, pathway: Pathway, user: User) -> PathwayPosition | None:
    return PathwayPosition.objects.filter(pathway=pathway, person=user).first()


@dataclass(frozen=True)
class Standing:
    here: PathwayStep | None
    chosen: bool  # the person said so (False: worked out from their roles)
    next_steps: list[PathwayStep]


def standing(
    *, steps: list[PathwayStep], position: PathwayPosition | None, roles: frozenset[str]
) -> Standing:
    """Where the person stands and what comes next, from steps already loaded (no query)."""
    here = None
    chosen = False
    if position is not None:
        here = next((step for step in steps if step.pk == position.step_id), None)
        chosen = here is not None
    if here is None:
        matching = [step for step in steps if roles & set(step.roles or [])]
        here = max(matching, key=lambda step: step.position, default=None)
    if here is None:
        next_steps = [step for step in steps if not step.follows.all()]  # where a career starts
    else:
        next_steps = [step for step in steps if any(f.pk == here.pk for f in step.follows.all())]
    return Standing(here=here, chosen=chosen, next_steps=next_steps)


def step_choices(*, pathway: Pathway, exclude: PathwayStep | None = None) -> QuerySet[PathwayStep]:
    steps = PathwayStep.objects.filter(pathway=pathway).order_by("position", "title")
    return steps.exclude(pk=exclude.pk) if exclude is not None else steps


def programme_choices(*, pathway: Pathway) -> QuerySet[Programme]:
    """Programmes a step may link: those offered to the pathway's owner's people."""
    owner = pathway.organisation
    q = Q(organisation_id__in=organisation_scope_ids(organisation=owner))
    if owner.parent_id is not None:
        q |= Q(organisation_id=owner.parent_id, offered_to_members=True)
    return Programme.objects.filter(q).order_by("title")


def organisation_choices(*, scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=managed_organisation_ids(scope)).order_by("name")
