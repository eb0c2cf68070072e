"""The catalogue and the programme pages: who sees which programme (sentinels in the sibling
council and outside the partnership), publishing, filters, and academy staff adding and changing
programmes with learning outcomes mapped to framework elements."""

from typing import Any

import pytest
from django.urls import reverse

from academy.models import AuditEntry, FrameworkElement
from academy.testing.isolation import SIBLING, UNRELATED, IsolationCheck
from programmes.models import CareerStage, Programme, ProgrammeKind
from programmes.tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _programme(organisation: Any, marker: str, **extra: Any) -> Programme:
    programme = ProgrammeFactory(organisation=organisation, title=marker, **extra)
    SessionFactory(programme=programme)
    return programme


def test_the_catalogue_shows_what_is_offered_where_the_person_works(
    client: Any, orgs: Any, nqsw: Any
) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    planted = check.plant(
        _programme,
        hidden={
            UNRELATED: orgs.other,
            SIBLING: orgs.sibling,
            "partnership programme not offered to members": lambda marker: _programme(
                orgs.partnership, marker, offered_to_members=False
            ),
            "unpublished programme of the home council": lambda marker: _programme(
                orgs.home, marker, is_published=False
            ),
        },
        shown={"home council": orgs.home, "partnership, offered to members": orgs.partnership},
    )
    check.list_page(reverse("programmes:catalogue"), planted)
    check.object_pages(lambda p: reverse("programmes:programme", args=[p.pk]), planted)
    check.object_pages(lambda p: reverse("programmes:session", args=[p.sessions.get().pk]), planted)
    check.object_pages(lambda p: reverse("programmes:session_ics", args=[p.sessions.get().pk]), planted)
    check.object_pages(
        lambda p: reverse("programmes:session_book", args=[p.sessions.get().pk]),
        planted,
        method="POST",
        shown_status=302,
    )


def test_partnership_staff_see_every_member_council_and_unpublished_work(
    client: Any, orgs: Any, academy_admin: Any
) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(
        _programme,
        hidden={UNRELATED: orgs.other},
        shown={
            "home council": orgs.home,
            SIBLING: orgs.sibling,
            "unpublished partnership programme": lambda marker: _programme(
                orgs.partnership, marker, is_published=False
            ),
        },
    )
    check.list_page(reverse("programmes:catalogue"), planted)
    check.object_pages(lambda p: reverse("programmes:programme_edit", args=[p.pk]), planted)


def test_a_council_psw_manages_their_council_and_reads_the_partnership(
    client: Any, orgs: Any, psw: Any
) -> None:
    own = ProgrammeFactory(organisation=orgs.home)
    academy = ProgrammeFactory(organisation=orgs.partnership)
    client.force_login(psw)
    assert client.get(reverse("programmes:programme_edit", args=[own.pk])).status_code == 200
    assert client.get(reverse("programmes:programme", args=[academy.pk])).status_code == 200
    assert client.get(reverse("programmes:programme_edit", args=[academy.pk])).status_code == 403
    assert client.get(reverse("programmes:session_create", args=[academy.pk])).status_code == 403


def test_filters(client: Any, orgs: Any, nqsw: Any) -> None:
    ProgrammeFactory(
        organisation=orgs.home,
        title="Workshop for NQSWs",
        kind=ProgrammeKind.WORKSHOP,
        career_stage=CareerStage.NQSW,
    )
    ProgrammeFactory(organisation=orgs.home, title="Course for anyone", kind=ProgrammeKind.COURSE)
    ProgrammeFactory(
        organisation=orgs.home,
        title="Course for managers",
        kind=ProgrammeKind.COURSE,
        career_stage=CareerStage.MANAGER,
    )
    client.force_login(nqsw)
    html = client.get(reverse("programmes:catalogue"), {"kind": "course"}).content.decode()
    assert "Course for anyone" in html
    assert "Course for managers" in html
    assert "Workshop for NQSWs" not in html
    html = client.get(reverse("programmes:catalogue"), {"career_stage": "nqsw"}).content.decode()
    # Programmes for every stage count for NQSWs too.
    assert "Workshop for NQSWs" in html
    assert "Course for anyone" in html
    assert "Course for managers" not in html
    html = client.get(reverse("programmes:catalogue"), {"query": "zzz-nothing"}).content.decode()
    assert "No programme matches these filters" in html


def test_the_empty_catalogue_says_what_to_do(client: Any, orgs: Any, nqsw: Any, psw: Any) -> None:
    client.force_login(nqsw)
    assert (
        "No programmes are offered to you yet" in client.get(reverse("programmes:catalogue")).content.decode()
    )
    client.force_login(psw)
    assert "Add the first programme" in client.get(reverse("programmes:catalogue")).content.decode()


def _form(elements: list[FrameworkElement], **extra: Any) -> dict[str, Any]:
    return {
        "title": "Working with hoarding",
        "kind": ProgrammeKind.COURSE,
        "description": "A one-day course on self-neglect and hoarding.",
        "career_stage": CareerStage.ANY,
        "service_area": "adults",
        "audience_roles": ["social_worker", "nqsw"],
        "provider_kind": "external",
        "provider_name": "Hearthside Training",
        "cpd_hours": "6",
        "requires_manager_approval": "on",
        "is_published": "on",
        "outcome_0": "Plan a proportionate response to self-neglect",
        "outcome_0_elements": [e.pk for e in elements],
        **extra,
    }


def test_staff_add_a_programme_with_outcomes_mapped_to_framework_elements(
    client: Any, orgs: Any, psw: Any
) -> None:
    elements = list(FrameworkElement.objects.filter(version__status="current").order_by("pk")[:2])
    assert len(elements) == 2
    client.force_login(psw)
    response = client.post(reverse("programmes:programme_create"), _form(elements, organisation=orgs.home.pk))
    programme = Programme.objects.get(title="Working with hoarding")
    assert response.status_code == 302
    assert response.url == reverse("programmes:programme", args=[programme.pk])
    assert programme.organisation == orgs.home
    assert programme.requires_manager_approval
    assert programme.audience_roles == ["social_worker", "nqsw"]
    outcome = programme.outcomes.get()
    assert set(outcome.elements.all()) == set(elements)
    assert AuditEntry.objects.filter(verb="programme.create", object_id=str(programme.pk)).exists()
    page = client.get(reverse("programmes:programme", args=[programme.pk])).content.decode()
    assert "Plan a proportionate response to self-neglect" in page
    assert "Hearthside Training" in page

    # Change it: the outcomes are replaced, the audit entry says what changed.
    response = client.post(
        reverse("programmes:programme_edit", args=[programme.pk]),
        _form([], title="Working with hoarding and self-neglect", outcome_0="Recognise self-neglect"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.title == "Working with hoarding and self-neglect"
    assert list(programme.outcomes.values_list("text", flat=True)) == ["Recognise self-neglect"]
    entry = AuditEntry.objects.get(verb="programme.update", object_id=str(programme.pk))
    assert entry.before == {"title": "Working with hoarding"}


def test_a_psw_cannot_add_a_programme_for_another_council(client: Any, orgs: Any, psw: Any) -> None:
    client.force_login(psw)
    response = client.post(reverse("programmes:programme_create"), _form([], organisation=orgs.sibling.pk))
    assert response.status_code == 200
    assert not Programme.objects.exists()


def test_an_invalid_programme_form_says_error(client: Any, orgs: Any, psw: Any) -> None:
    client.force_login(psw)
    response = client.post(
        reverse("programmes:programme_create"),
        _form([], organisation=orgs.home.pk, title="", provider_name=""),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter a title" in html
    assert "Enter the name of the provider" in html  # the model's rule, through the service


def test_people_without_a_staff_role_cannot_add_programmes(client: Any, nqsw: Any) -> None:
    client.force_login(nqsw)
    assert client.get(reverse("programmes:programme_create")).status_code == 403
    assert client.post(reverse("programmes:programme_create"), {}).status_code == 403


def test_the_programme_form_puts_a_draft_back(client: Any, orgs: Any, psw: Any) -> None:
    from academy.models import FormDraft

    FormDraft.objects.create(
        user=psw, key="programmes:programme:new", data={"title": "Half-typed course title"}, version=1
    )
    client.force_login(psw)
    html = client.get(reverse("programmes:programme_create")).content.decode()
    assert 'value="Half-typed course title"' in html
    client.post(reverse("programmes:programme_create"), _form([], organisation=orgs.home.pk))
    assert FormDraft.objects.get(user=psw, key="programmes:programme:new").data == {}
