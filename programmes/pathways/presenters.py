"""Words and rows of the pathway pages."""

from collections.abc import Iterable

from django.urls import reverse

from academy.components import Cell, Tag
from academy.roles import Role

from ..models import Pathway, PathwayRoute, PathwayStep

PATHWAYS_HEAD = ["Pathway", "Steps"]
STEPS_HEAD = ["Step", "Route", "Comes after", "Programmes that lead here"]
ROUTE_TAG = {PathwayRoute.CAREER: "blue", PathwayRoute.SPECIALIST: "purple"}


def route_tag(step: PathwayStep) -> Tag:
    route = PathwayRoute(step.route)
    return Tag(route.label, ROUTE_TAG[route])


def pathway_rows(pathways: Iterable[Pathway]) -> list[list[object]]:
    return [
        [
            Cell(
                pathway.name,
                href=reverse("programmes:pathway", args=[pathway.pk]),
                hint=pathway.organisation.name,
            ),
            Cell(getattr(pathway, "step_count", 0), numeric=True),
        ]
        for pathway in pathways
    ]


def programme_names(step: PathwayStep) -> str:
    return ", ".join(programme.title for programme in step.programmes.all()) or "None linked yet"


def step_rows(
    steps: Iterable[PathwayStep], *, can_manage: bool, here: PathwayStep | None
) -> list[list[object]]:
    rows: list[list[object]] = []
    for step in steps:
        roles = ", ".join(Role(role).label for role in step.roles or [])
        title = Cell(
            step.title,
            href=reverse("programmes:pathway_step_edit", args=[step.pk]) if can_manage else "",
            hint=f"You are here. {step.description}"
            if here is not None and here.pk == step.pk
            else step.description,
        )
        rows.append(
            [
                title,
                Cell(tag=route_tag(step), hint=f"Roles: {roles}" if roles else ""),
                ", ".join(f.title for f in step.follows.all()) or "The start",
                Cell(programme_names(step), small=True),
            ]
        )
    return rows


def next_step_items(steps: Iterable[PathwayStep]) -> list[dict[str, object]]:
    """Each next step with its route tag and the programmes that lead there (for links)."""
    return [
        {"step": step, "tag": route_tag(step), "programmes": list(step.programmes.all())} for step in steps
    ]
