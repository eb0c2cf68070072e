"""Writes of career pathways: staff add and change pathways and their steps (what each follows,
which programmes lead there); a person says where they stand. Each write is audited in the same
transaction. `pathway_add_standard` loads the standard social work pathway (defaults.py) for an
organisation, linking the programmes whose titles name each step."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from academy.audit import audit_log
from academy.models import Organisation, User

from ..models import Pathway, PathwayPosition, PathwayStep, Programme
from .defaults import STANDARD_PATHWAY

STEP_FIELDS = ("title", "description", "route", "position", "roles")


def _step_snapshot(step: PathwayStep) -> dict[str, Any]:
    return {name: getattr(step, name) for name in STEP_FIELDS}


@transaction.atomic
def pathway_create(*, actor: User, organisation: Organisation, name: str, description: str = "") -> Pathway:
    pathway = Pathway(organisation=organisation, name=name.strip(), description=description.strip())
    pathway.full_clean()
    pathway.save()
    audit_log(
        actor=actor,
        verb="pathway.create",
        obj=pathway,
        organisation=organisation,
        after={"name": pathway.name, "description": pathway.description},
    )
    return pathway


@transaction.atomic
def pathway_update(*, actor: User, pathway: Pathway, name: str, description: str = "") -> Pathway:
    before = {"name": pathway.name, "description": pathway.description}
    pathway.name = name.strip()
    pathway.description = description.strip()
    pathway.full_clean()
    pathway.save(update_fields=["name", "description", "updated_at"])
    audit_log(
        actor=actor,
        verb="pathway.update",
        obj=pathway,
        organisation=pathway.organisation,
        before=before,
        after={"name": pathway.name, "description": pathway.description},
    )
    return pathway


def _links(step: PathwayStep, follows: Sequence[PathwayStep], programmes: Sequence[Programme]) -> None:
    if any(other.pathway_id != step.pathway_id or other.pk == step.pk for other in follows):
        raise ValidationError({"follows": "Choose other steps of the same pathway"})
    step.follows.set(follows)
    step.programmes.set(programmes)


@transaction.atomic
def pathway_step_create(
    *,
    actor: User,
    pathway: Pathway,
    follows: Sequence[PathwayStep] = (),
    programmes: Sequence[Programme] = (),
    **fields: Any,
) -> PathwayStep:
    step = PathwayStep(pathway=pathway, **fields)
    step.full_clean()
    step.save()
    _links(step, follows, programmes)
    audit_log(
        actor=actor,
        verb="pathway_step.create",
        obj=step,
        organisation=pathway.organisation,
        after={
            **_step_snapshot(step),
            "follows": [str(s.pk) for s in follows],
            "programmes": [str(p.pk) for p in programmes],
        },
    )
    return step


@transaction.atomic
def pathway_step_update(
    *,
    actor: User,
    step: PathwayStep,
    follows: Sequence[PathwayStep] = (),
    programmes: Sequence[Programme] = (),
    **fields: Any,
) -> PathwayStep:
    before = {
        **_step_snapshot(step),
        "follows": sorted(str(pk) for pk in step.follows.values_list("pk", flat=True)),
        "programmes": sorted(str(pk) for pk in step.programmes.values_list("pk", flat=True)),
    }
    for name, value in fields.items():
        if name not in STEP_FIELDS:
            raise TypeError(f"Unknown step field {name}")
        setattr(step, name, value)
    step.full_clean()
    step.save()
    _links(step, follows, programmes)
    audit_log(
        actor=actor,
        verb="pathway_step.update",
        obj=step,
        organisation=step.pathway.organisation,
        before=before,
        after={
            **_step_snapshot(step),
            "follows": sorted(str(s.pk) for s in follows),
            "programmes": sorted(str(p.pk) for p in programmes),
        },
    )
    return step


@transaction.atomic
def pathway_position_set(*, actor: User, pathway: Pathway, step: PathwayStep) -> PathwayPosition:
    """The person says where they stand on the pathway (one step; saying again moves them)."""
    if step.pathway_id != pathway.pk:
        raise PermissionDenied("That step is on another pathway.")
    position, _created = PathwayPosition.objects.update_or_create(
        person=actor, pathway=pathway, defaults={"step": step}
    )
    audit_log(
        actor=actor,
        verb="pathway_position.set",
        obj=position,
        organisation=pathway.organisation,
        after={"step": step.title},
    )
    return position


@transaction.atomic
def pathway_add_standard(*, actor: User | None, organisation: Organisation) -> Pathway:
    """Load the standard social work pathway for the organisation, linking the programmes it
    runs (or is offered) whose titles name a step. Loading again returns the one made before."""
    existing = Pathway.objects.filter(organisation=organisation, name=STANDARD_PATHWAY["name"]).first()
    if existing is not None:
        return existing
    pathway = Pathway(
        organisation=organisation, name=STANDARD_PATHWAY["name"], description=STANDARD_PATHWAY["description"]
    )
    pathway.full_clean()
    pathway.save()
    offered = Q(organisation=organisation)
    if organisation.parent_id is not None:
        offered |= Q(organisation_id=organisation.parent_id, offered_to_members=True)
    made: dict[str, PathwayStep] = {}
    for position, data in enumerate(STANDARD_PATHWAY["steps"]):
        step = PathwayStep(
            pathway=pathway,
            title=data["title"],
            description=data["description"],
            route=data["route"],
            position=position * 10,
            roles=list(data.get("roles", [])),
        )
        step.full_clean()
        step.save()
        step.follows.set([made[title] for title in data.get("follows", [])])
        words = data.get("programmes_named", [])
        if words:
            named = Q()
            for word in words:
                named |= Q(title__icontains=word)
            step.programmes.set(Programme.objects.filter(offered).filter(named))
        made[step.title] = step
    audit_log(
        actor=actor,
        verb="pathway.add_standard",
        obj=pathway,
        organisation=organisation,
        after={"name": pathway.name, "steps": len(made)},
    )
    return pathway
