"""Career pathways as data: the standard pathway loads once with its routes and linked
programmes; a practitioner sees where they stand (from their roles, or the step they chose) and
what comes next with the programmes offered to them that lead there; staff add and change steps;
the pathway page costs the same number of queries at 3 steps and at 10."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academy.models import AuditEntry
from programmes.models import Pathway, PathwayPosition, PathwayRoute, PathwayStep
from programmes.pathways.services import pathway_add_standard, pathway_step_create
from programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _standard(orgs: Any, psw: Any) -> Pathway:
    ProgrammeFactory(organisation=orgs.home, title="Best Interests Assessor course")
    ProgrammeFactory(organisation=orgs.partnership, title="Practice educator stage 1 award")
    return pathway_add_standard(actor=psw, organisation=orgs.home)


def test_the_standard_pathway_loads_once_with_its_routes(orgs: Any, psw: Any) -> None:
    pathway = _standard(orgs, psw)
    assert pathway_add_standard(actor=psw, organisation=orgs.home) == pathway
    steps = {step.title: step for step in PathwayStep.objects.filter(pathway=pathway)}
    assert len(steps) == 10
    assert steps["Best Interests Assessor"].route == PathwayRoute.SPECIALIST
    assert [p.title for p in steps["Best Interests Assessor"].programmes.all()] == [
        "Best Interests Assessor course"
    ]
    # The partnership's programme is offered to its member council, so it is linked.
    assert steps["Practice educator, stage 1"].programmes.count() == 1
    assert set(steps["Team manager"].follows.values_list("title", flat=True)) == {
        "Senior practitioner",
        "Advanced practitioner",
        "Consultant social worker",
    }
    assert [s.title for s in steps["Practice educator, stage 1"].leads_to.all()] == [
        "Practice educator, stage 2"
    ]
    assert AuditEntry.objects.filter(verb="pathway.add_standard").count() == 1


def test_a_practitioner_sees_where_they_stand_and_what_comes_next(
    client: Any, orgs: Any, psw: Any, nqsw: Any, outsider: Any
) -> None:
    reflective = ProgrammeFactory(organisation=orgs.home, title="Reflective supervision skills")
    pathway = _standard(orgs, psw)
    hidden = ProgrammeFactory(organisation=orgs.other, title="Elsewhere supervision course")
    social_worker = PathwayStep.objects.get(pathway=pathway, title="Social worker")
    social_worker.programmes.add(hidden)
    url = reverse("programmes:pathway", args=[pathway.pk])
    client.force_login(nqsw)
    page = client.get(url).content.decode()
    assert "You are at <strong>Newly qualified social worker</strong> (from your roles" in page
    assert reverse("programmes:programme", args=[reflective.pk]) in page
    assert "Elsewhere supervision course" not in page  # not offered to them

    client.post(reverse("programmes:pathway_position", args=[pathway.pk]), {"step": social_worker.pk})
    assert PathwayPosition.objects.get(person=nqsw, pathway=pathway).step == social_worker
    page = client.get(url).content.decode()
    assert "You are at <strong>Social worker</strong>." in page
    for title in ("Senior practitioner", "Best Interests Assessor", "Approved Mental Health Professional"):
        assert title in page

    # A step of another pathway is refused; the position stays.
    other = pathway_add_standard(actor=psw, organisation=orgs.partnership)
    other_step = PathwayStep.objects.filter(pathway=other).first()
    assert other_step is not None
    client.post(reverse("programmes:pathway_position", args=[pathway.pk]), {"step": other_step.pk})
    assert PathwayPosition.objects.get(person=nqsw, pathway=pathway).step == social_worker

    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_staff_add_and_change_steps(client: Any, orgs: Any, psw: Any) -> None:
    client.force_login(psw)
    response = client.post(reverse("programmes:pathway_create"), {"organisation": orgs.home.pk, "name": ""})
    assert "<title>Error: " in response.content.decode()
    response = client.post(
        reverse("programmes:pathway_create"), {"organisation": orgs.home.pk, "name": "Children's services"}
    )
    pathway = Pathway.objects.get(name="Children's services")
    assert response.url == reverse("programmes:pathway", args=[pathway.pk])
    course = ProgrammeFactory(organisation=orgs.home, title="Court skills")
    add = reverse("programmes:pathway_step_create", args=[pathway.pk])
    response = client.post(add, {"title": "", "route": "career", "position": "0"})
    assert "<title>Error: " in response.content.decode()
    client.post(
        add, {"title": "Social worker", "route": "career", "position": "0", "roles": ["social_worker"]}
    )
    first = PathwayStep.objects.get(pathway=pathway, title="Social worker")
    client.post(
        add,
        {
            "title": "Court lead",
            "route": "specialist",
            "position": "10",
            "follows": [first.pk],
            "programmes": [course.pk],
        },
    )
    lead = PathwayStep.objects.get(pathway=pathway, title="Court lead")
    assert list(lead.follows.all()) == [first]
    assert list(lead.programmes.all()) == [course]
    edit = reverse("programmes:pathway_step_edit", args=[lead.pk])
    assert client.get(edit).status_code == 200
    client.post(edit, {"title": "Court lead practitioner", "route": "specialist", "position": "20"})
    lead.refresh_from_db()
    assert lead.title == "Court lead practitioner"
    assert lead.follows.count() == 0
    assert AuditEntry.objects.filter(verb="pathway_step.update").count() == 1
    # A step may not follow itself.
    response = client.post(
        edit,
        {"title": "Court lead practitioner", "route": "specialist", "position": "20", "follows": [lead.pk]},
    )
    assert response.status_code == 200
    assert "<title>Error: " in response.content.decode()


def test_a_reader_may_not_change_a_pathway(client: Any, orgs: Any, psw: Any, nqsw: Any) -> None:
    pathway = _standard(orgs, psw)
    client.force_login(nqsw)
    assert client.get(reverse("programmes:pathway_edit", args=[pathway.pk])).status_code == 403
    assert client.post(reverse("programmes:pathway_add_standard")).status_code == 403


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pathway_page_costs_the_same_at_any_size(client: Any, orgs: Any, psw: Any, nqsw: Any) -> None:
    small = Pathway.objects.create(organisation=orgs.home, name="Small")
    previous = None
    for i in range(3):
        step = pathway_step_create(
            actor=psw, pathway=small, title=f"Step {i}", follows=[previous] if previous else []
        )
        step.programmes.add(ProgrammeFactory(organisation=orgs.home))
        previous = step
    big = _standard(orgs, psw)
    client.force_login(nqsw)
    client.get(reverse("programmes:pathways"))  # the page-wide counts, cached for a moment
    assert _count(client, reverse("programmes:pathway", args=[small.pk])) == _count(
        client, reverse("programmes:pathway", args=[big.pk])
    )
    listing = _count(client, reverse("programmes:pathways"))
    Pathway.objects.create(organisation=orgs.partnership, name="Another")
    assert _count(client, reverse("programmes:pathways")) == listing
