"""Programme types as versioned data: the loader, the pages and publishing a new version."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, FrameworkVersion, User
from academy.roles import Role
from academy.scope import Scope
from asye import selectors, services
from asye.forms import ProgrammeVersionForm
from asye.models import EvidenceKind, ProgrammeType, ProgrammeTypeVersion
from asye.programme_loader import load_programme_types
from asye.tests.factories import member, membership_of
from conftest import Orgs

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def publisher(academy_admin: User) -> User:
    academy_admin.user_permissions.add(Permission.objects.get(codename="publish_reference_data"))
    return User.objects.get(pk=academy_admin.pk)  # a fresh instance: permissions are cached


def test_the_seed(programme_types: None) -> None:
    adult = ProgrammeTypeVersion.objects.get(programme_type__slug="adult-asye")
    children = ProgrammeTypeVersion.objects.get(programme_type__slug="child-family-asye")
    ecdp = ProgrammeTypeVersion.objects.get(programme_type__slug="child-family-ecdp")
    assert (adult.length_months, children.length_months, ecdp.length_months) == (12, 12, 24)
    assert ecdp.in_force_from == D(2027, 9, 1)
    for version in (adult, children):
        assert version.evidence_minimums["direct_observation"] == 3
        assert version.evidence_minimums["feedback_people"] == 3
        assert version.evidence_minimums["feedback_professionals"] == 3
        assert version.evidence_minimums["written_work"] == 3
        assert version.evidence_minimums["critical_reflection"] == 2
        assert [p["months"] for p in version.review_points] == [3, 6, 9, 12]
        assert version.supervision_cadence[0] == {
            "until_weeks": 6,
            "every_days": 7,
            "label": "Weekly in weeks 1 to 6",
        }
        assert {"agreement", "pdp", "review", "review_final", *EvidenceKind.values} <= set(version.forms)
    assert {v.framework.slug for v in adult.frameworks.all()} == {
        "pcf",
        "kss-adults",
        "swe-professional-standards",
    }
    assert "dfe-child-family-pqs" in {v.framework.slug for v in children.frameworks.all()}
    assert "ecs-2027" in {v.slug for v in ecdp.frameworks.all()}


def test_the_loader_is_idempotent(programme_types: None) -> None:
    assert load_programme_types() == {"types": 0, "versions": 0}
    assert ProgrammeTypeVersion.objects.count() == 3


def test_the_loader_never_changes_a_version(programme_types: None) -> None:
    version = ProgrammeTypeVersion.objects.get(programme_type__slug="adult-asye")
    version.length_months = 13
    version.save()
    load_programme_types()
    version.refresh_from_db()
    assert version.length_months == 13


def _publish(publisher: User, **overrides: Any) -> ProgrammeTypeVersion:
    adult = ProgrammeType.objects.get(slug="adult-asye")
    base = ProgrammeTypeVersion.objects.get(programme_type=adult)
    points = [dict(p) for p in base.review_points]
    for point in points:
        if point["key"] == "final":
            point["months"] = 11
        if point["key"] == "nine_month":
            point["enabled"] = False
    values: dict[str, Any] = {
        "actor": publisher,
        "programme_type": adult,
        "slug": "2027",
        "label": "Final review at 11 months",
        "in_force_from": D(2027, 1, 1),
        "length_months": 12,
        "review_points": points,
        "evidence_minimums": {**base.evidence_minimums, "direct_observation": 4},
        "supervision_cadence": base.supervision_cadence,
        "frameworks": list(base.frameworks.all()),
    }
    values.update(overrides)
    return services.programme_version_publish(**values)


def test_a_record_keeps_the_version_it_started_on(
    publisher: User, psw: User, orgs: Orgs, personas: dict[str, Any], programme_types: None
) -> None:
    adult = ProgrammeType.objects.get(slug="adult-asye")
    people = {
        "assessor": membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        "line_manager": membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    }
    common: dict[str, Any] = {
        "actor": psw,
        "programme_type": adult,
        "fte": Decimal(1),
        "swe_number": "SW1",
        **people,
    }
    before = services.record_create(
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW), start_date=D(2026, 9, 1), **common
    )
    new = _publish(publisher)
    assert new.forms == before.programme_version.forms  # prompts copied
    after = services.record_create(
        nqsw=membership_of(personas["social_worker"], orgs.home, Role.NQSW),
        start_date=D(2027, 1, 4),
        **common,
    )
    assert before.programme_version.slug == "2022"
    assert after.programme_version == new
    scope = Scope.of(psw, orgs.home, [Role.PSW])
    schedule = selectors.record_schedule(selectors.record_get_for_user(scope=scope, pk=after.pk))
    assert [r.key for r in schedule.reviews] == ["foundational", "midpoint", "final"]
    assert schedule.reviews[-1].due_on == D(2027, 12, 4)
    assert schedule.planned_end == D(2028, 1, 4)
    entry = AuditEntry.objects.get(verb="programme_version.publish")
    assert entry.organisation is None
    assert entry.actor == publisher


def test_only_a_publisher_may_publish(academy_admin: User, programme_types: None) -> None:
    with pytest.raises(PermissionDenied):
        _publish(academy_admin)


@pytest.mark.parametrize(
    "overrides",
    [
        {"length_months": 6},  # the final review at 11 months no longer fits
        {"evidence_minimums": {"direct_observation": -1}},
        {"evidence_minimums": {"not_a_kind": 1}},
        {"supervision_cadence": []},
        {"supervision_cadence": [{"until_weeks": 6, "every_days": 7}]},  # the last band must be open
        {"review_points": [{"key": "midpoint", "months": 6}]},  # no final
    ],
)
def test_broken_rules_are_refused(publisher: User, programme_types: None, overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _publish(publisher, **overrides)
    assert not ProgrammeTypeVersion.objects.filter(slug="2027", programme_type__slug="adult-asye").exists()


def test_the_pages(client: Client, nqsw: User, programme_types: None) -> None:
    client.force_login(nqsw)
    listing = client.get(reverse("asye:programmes")).content.decode()
    assert "Adult services ASYE" in listing
    assert "Child and family early career programme" in listing
    assert "Publish a new version" not in listing
    page = client.get(reverse("asye:programme_version", args=["child-family-ecdp", "2027"])).content.decode()
    assert "24 months" in page
    assert "Eighteen-month review" in page
    assert client.get(reverse("asye:programme_publish", args=["adult-asye"])).status_code == 403


def test_publish_through_the_page(client: Client, publisher: User, programme_types: None) -> None:
    client.force_login(publisher)
    url = reverse("asye:programme_publish", args=["adult-asye"])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="review_nine_month_enabled"' in form.content.decode()
    data = {
        "label": "Eleven-month final",
        "in_force_from_0": "1",
        "in_force_from_1": "1",
        "in_force_from_2": "2027",
        "length_months": "12",
        "review_foundational": "3",
        "review_midpoint": "6",
        "review_nine_month": "9",
        "review_final": "11",
        "cadence_0_every_days": "7",
        "cadence_0_until_weeks": "6",
        "cadence_1_every_days": "14",
        "cadence_1_until_months": "6",
        "cadence_2_every_days": "28",
        **{f"minimum_{kind}": "3" for kind in EvidenceKind.values},
        **_wording(),
    }
    bad = client.post(url, {**data, "review_final": "13"})
    assert bad.status_code == 200
    assert "between month 1 and month 12" in bad.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    version = ProgrammeTypeVersion.objects.get(label="Eleven-month final")
    assert [p["enabled"] for p in version.review_points if p["key"] == "nine_month"] == [False]
    assert version.supervision_cadence[2]["every_days"] == 28
    assert version.evidence_minimums["other"] == 3
    assert "Eleven-month final" in client.get(reverse("asye:programmes")).content.decode()


def _wording(slug: str = "adult-asye") -> dict[str, str]:
    """The wording fields of the publish page as it prefills them from the newest version."""
    base = selectors.programme_version_latest(programme_type=ProgrammeType.objects.get(slug=slug))
    assert base is not None
    form = ProgrammeVersionForm(base=base, framework_versions=FrameworkVersion.objects.all())
    return {name: form.fields[name].initial for name in form.wording}


def _page_data(**overrides: str) -> dict[str, str]:
    data = {
        "label": "Reworded reflection",
        "in_force_from_0": "1",
        "in_force_from_1": "1",
        "in_force_from_2": "2027",
        "length_months": "12",
        "review_foundational": "3",
        "review_midpoint": "6",
        "review_nine_month": "9",
        "review_nine_month_enabled": "on",
        "review_final": "12",
        "cadence_0_every_days": "7",
        "cadence_0_until_weeks": "6",
        "cadence_1_every_days": "14",
        "cadence_1_until_months": "6",
        "cadence_2_every_days": "28",
        **{f"minimum_{kind}": "2" for kind in EvidenceKind.values},
        **_wording(),
    }
    data.update(overrides)
    return data


def test_the_page_offers_the_wording_of_every_form(
    client: Client, publisher: User, programme_types: None
) -> None:
    client.force_login(publisher)
    page = client.get(reverse("asye:programme_publish", args=["adult-asye"])).content.decode()
    base = ProgrammeTypeVersion.objects.get(programme_type__slug="adult-asye")
    for key, form in base.forms.items():
        assert f"Form: {form['title']}" in page  # one fieldset per form
        assert f'name="form_{key}__title"' in page
        for prompt_key in form.get("prompts", {}):
            assert f'name="form_{key}__prompt__{prompt_key}"' in page
        for question in form.get("questions", []):  # the feedback giver's forms
            assert f'name="form_{key}__question__{question["key"]}"' in page
    assert any("questions" in form for form in base.forms.values())
    assert "What was the situation?</textarea>" in page  # prefilled


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "form_critical_reflection__prompt__context",
            "  ",
            "Enter the wording for Critical reflection: prompt",
        ),
        ("form_review__title", "", "Enter the wording for"),
        ("form_pdp__prompt__learning_need", "x" * 601, "600 characters or fewer"),
        ("form_agreement__guidance", "y" * 4001, "4,000 characters or fewer"),
    ],
)
def test_invalid_wording_keeps_what_was_typed(
    client: Client, publisher: User, programme_types: None, field: str, value: str, message: str
) -> None:
    client.force_login(publisher)
    url = reverse("asye:programme_publish", args=["adult-asye"])
    typed = "What happened, in your words?"
    response = client.post(
        url, _page_data(**{field: value, "form_critical_reflection__prompt__reflection": typed})
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert message in page
    assert typed in page  # what was typed elsewhere stays
    assert ProgrammeTypeVersion.objects.filter(programme_type__slug="adult-asye").count() == 1


def test_reworded_prompts_reach_new_records_only(
    client: Client, publisher: User, psw: User, orgs: Orgs, personas: dict[str, Any], programme_types: None
) -> None:
    adult = ProgrammeType.objects.get(slug="adult-asye")
    common: dict[str, Any] = {
        "actor": psw,
        "programme_type": adult,
        "fte": Decimal(1),
        "swe_number": "SW1",
        "assessor": membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        "line_manager": membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    }
    old_nqsw = member(orgs.home, Role.NQSW)
    before = services.record_create(nqsw=old_nqsw, start_date=D(2026, 9, 1), **common)

    client.force_login(publisher)
    new_wording = "Describe the piece of practice you are reflecting on"
    response: Any = client.post(
        reverse("asye:programme_publish", args=["adult-asye"]),
        _page_data(
            form_critical_reflection__prompt__context=new_wording,
            form_critical_reflection__title="Reflective account",
        ),
    )
    assert response.status_code == 302
    version = ProgrammeTypeVersion.objects.get(label="Reworded reflection")
    assert version.forms["critical_reflection"]["prompts"]["context"] == new_wording
    # Only the wording moved: everything else of the form is copied.
    old_forms = before.programme_version.forms
    assert version.forms["agreement"] == old_forms["agreement"]
    assert version.forms["pdp"]["periods"] == old_forms["pdp"]["periods"]
    entry = AuditEntry.objects.get(verb="programme_version.publish")
    assert entry.after["forms_reworded"] == ["critical_reflection"]

    new_nqsw = member(orgs.home, Role.NQSW)
    after = services.record_create(nqsw=new_nqsw, start_date=D(2027, 1, 4), **common)
    assert after.programme_version == version

    def reflection_form(nqsw: User, record: Any) -> str:
        client.force_login(nqsw)
        url = reverse("asye:evidence_new", args=[record.pk, EvidenceKind.CRITICAL_REFLECTION])
        return client.get(url).content.decode()

    new_page = reflection_form(new_nqsw.user, after)
    assert new_wording in new_page
    assert "Add reflective account" in new_page
    assert "What was the situation?" not in new_page
    old_page = reflection_form(old_nqsw.user, before)
    assert "What was the situation?" in old_page  # the old record keeps its version's wording
    assert new_wording not in old_page


def test_a_non_publisher_cannot_publish_wording(
    client: Client, academy_admin: User, programme_types: None
) -> None:
    client.force_login(academy_admin)
    response = client.post(reverse("asye:programme_publish", args=["adult-asye"]), _page_data())
    assert response.status_code == 403
    assert ProgrammeTypeVersion.objects.filter(programme_type__slug="adult-asye").count() == 1


def test_a_feedback_question_can_be_reworded(client: Client, publisher: User, programme_types: None) -> None:
    base = selectors.programme_version_latest(programme_type=ProgrammeType.objects.get(slug="adult-asye"))
    assert base is not None
    question = base.forms["feedback_giver_child"]["questions"][0]
    client.force_login(publisher)
    response: Any = client.post(
        reverse("asye:programme_publish", args=["adult-asye"]),
        _page_data(**{f"form_feedback_giver_child__question__{question['key']}": "What did {name} do well?"}),
    )
    assert response.status_code == 302
    version = ProgrammeTypeVersion.objects.get(label="Reworded reflection")
    reworded = version.forms["feedback_giver_child"]["questions"][0]
    assert reworded == {**question, "label": "What did {name} do well?"}  # only the wording moved
