"""Programme types as versioned data: the loader, the pages and publishing a new version."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from academy.models import AuditEntry, User
from academy.roles import Role
from academy.scope import Scope
from asye import selectors, services
from asye.models import EvidenceKind, ProgrammeType, ProgrammeTypeVersion
from asye.programme_loader import load_programme_types
from asye.tests.factories import membership_of
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
