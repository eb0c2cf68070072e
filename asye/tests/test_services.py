"""Services and the access selector of ASYE records, against the database."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from academy.models import AuditEntry, Team
from academy.roles import Role
from academy.scope import Scope
from academy.tests.factories import TeamFactory
from asye import selectors, services
from asye.models import AssessorChange, AsyeRecord, ProgrammeType, RecordPause, RecordStatus
from asye.tests.factories import AsyeRecordFactory, member, membership_of
from conftest import Orgs

pytestmark = pytest.mark.django_db

D = datetime.date


def scope_of(user: Any, organisation: Any, *roles: str) -> Scope:
    return Scope.of(user, organisation, roles)


@pytest.fixture
def adult(programme_types: None) -> ProgrammeType:
    return ProgrammeType.objects.get(slug="adult-asye")


def create(
    psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType, **overrides: Any
) -> AsyeRecord:
    values: dict[str, Any] = {
        "actor": psw,
        "nqsw": membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        "programme_type": adult,
        "start_date": D(2026, 9, 1),
        "fte": Decimal("0.6"),
        "swe_number": "sw 123456",
        "assessor": membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        "line_manager": membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
        "date_qualified": D(2026, 7, 1),
        "university": "University of Testvale",
    }
    values.update(overrides)
    return services.record_create(**values)


def test_record_create(psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType) -> None:
    record = create(psw, orgs, personas, adult)
    assert record.organisation == orgs.home
    assert record.swe_number == "SW123456"
    assert record.programme_version.programme_type == adult
    assert record.service_area == Team.ServiceArea.ADULTS
    assert record.status == RecordStatus.ACTIVE
    first = AssessorChange.objects.get(record=record)
    assert first.from_assessor is None
    assert first.to_assessor == record.assessor
    assert first.changed_by == psw
    entry = AuditEntry.objects.get(verb="asye_record.create")
    assert entry.actor == psw
    assert entry.organisation == orgs.home
    assert entry.after["fte"] == "0.60"
    assert selectors.user_has_record(user=personas["nqsw"])


def test_partnership_admin_may_create_in_a_member_council(
    academy_admin: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType
) -> None:
    assert create(academy_admin, orgs, personas, adult).created_by == academy_admin


@pytest.mark.parametrize("actor", ["assessor", "manager", "nqsw", "sibling_psw", "outsider"])
def test_only_staff_over_the_council_may_create(
    actor: str, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType
) -> None:
    with pytest.raises(PermissionDenied):
        create(personas[actor], orgs, personas, adult)
    assert not AsyeRecord.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("assessor_elsewhere", "assessor"),
        ("manager_not_a_manager", "line_manager"),
        ("nqsw_not_an_nqsw", "nqsw"),
        ("bad_swe", "swe_number"),
        ("fte_zero", "fte"),
        ("fte_above_one", "fte"),
        ("team_elsewhere", "team"),
        ("qualified_after_start", "date_qualified"),
    ],
)
def test_record_create_refuses(
    change: str, field: str, psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType
) -> None:
    options: dict[str, dict[str, Any]] = {
        "assessor_elsewhere": {
            "assessor": membership_of(personas["sibling_assessor"], orgs.sibling, Role.ASSESSOR)
        },
        "manager_not_a_manager": {
            "line_manager": membership_of(personas["social_worker"], orgs.home, Role.SOCIAL_WORKER)
        },
        "nqsw_not_an_nqsw": {"nqsw": membership_of(personas["social_worker"], orgs.home, Role.SOCIAL_WORKER)},
        "bad_swe": {"swe_number": "AB12"},
        "fte_zero": {"fte": Decimal("0")},
        "fte_above_one": {"fte": Decimal("1.1")},
        "team_elsewhere": {"team": TeamFactory(organisation=orgs.sibling)},
        "qualified_after_start": {"date_qualified": D(2026, 10, 1)},
    }
    overrides = options[change]
    with pytest.raises(ValidationError) as caught:
        create(psw, orgs, personas, adult, **overrides)
    assert field in caught.value.message_dict
    assert not AsyeRecord.objects.exists()


def test_an_assessor_of_the_partnership_may_be_assigned(
    psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType
) -> None:
    partnership_assessor = member(orgs.partnership, Role.ASSESSOR)
    assert create(psw, orgs, personas, adult, assessor=partnership_assessor).assessor == partnership_assessor


def test_one_open_record_per_nqsw(
    psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType
) -> None:
    create(psw, orgs, personas, adult)
    with pytest.raises(ValidationError, match="already has an ASYE record"):
        create(psw, orgs, personas, adult)


def test_the_early_career_programme_starts_in_september_2027(
    psw: Any, orgs: Orgs, personas: dict[str, Any], programme_types: None
) -> None:
    ecdp = ProgrammeType.objects.get(slug="child-family-ecdp")
    with pytest.raises(ValidationError) as caught:
        create(psw, orgs, personas, ecdp, start_date=D(2027, 8, 31))
    assert "start_date" in caught.value.message_dict
    record = create(psw, orgs, personas, ecdp, start_date=D(2027, 9, 1), fte=Decimal(1))
    assert record.programme_version.length_months == 24
    schedule = selectors.record_schedule(record, today=D(2027, 9, 1))
    assert schedule.planned_end == D(2029, 9, 1)


def test_change_assessor_keeps_who_when_why(
    psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType
) -> None:
    record = create(psw, orgs, personas, adult)
    old = record.assessor
    new = member(orgs.home, Role.ASSESSOR)
    services.record_change_assessor(actor=psw, record=record, assessor=new, reason="Long-term sickness")
    record.refresh_from_db()
    assert record.assessor == new
    change = AssessorChange.objects.filter(record=record).last()
    assert change is not None
    assert (change.from_assessor, change.to_assessor, change.changed_by, change.reason) == (
        old,
        new,
        psw,
        "Long-term sickness",
    )
    assert AuditEntry.objects.filter(verb="asye_record.change_assessor", actor=psw).exists()
    with pytest.raises(ValidationError, match="already the assessor"):
        services.record_change_assessor(actor=psw, record=record, assessor=new, reason="Again")
    with pytest.raises(ValidationError):
        services.record_change_assessor(actor=psw, record=record, assessor=old, reason="  ")
    with pytest.raises(PermissionDenied):
        services.record_change_assessor(
            actor=personas["assessor"], record=record, assessor=old, reason="Mine"
        )


def test_pauses(psw: Any, orgs: Orgs, personas: dict[str, Any], adult: ProgrammeType) -> None:
    record = create(psw, orgs, personas, adult, fte=Decimal(1))
    pause = services.record_pause_add(actor=psw, record=record, starts_on=D(2027, 1, 4), reason="Leave")
    with pytest.raises(ValidationError):
        services.record_pause_add(
            actor=psw, record=record, starts_on=D(2027, 2, 1), ends_on=D(2027, 2, 2), reason="x"
        )
    services.record_pause_end(actor=psw, pause=pause, ends_on=D(2027, 1, 17))
    with pytest.raises(ValidationError):
        services.record_pause_add(
            actor=psw, record=record, starts_on=D(2026, 8, 1), ends_on=D(2026, 8, 2), reason="x"
        )
    record = selectors.records_visible_to(scope=scope_of(psw, orgs.home, Role.PSW)).get(pk=record.pk)
    schedule = selectors.record_schedule(record, today=D(2027, 3, 1))
    assert schedule.planned_end == D(2027, 9, 15)
    assert [r.key for r in schedule.reviews] == ["foundational", "midpoint", "nine_month", "final"]
    assert schedule.next_review is not None
    assert schedule.next_review.key == "midpoint"
    assert RecordPause.objects.filter(record=record).count() == 1
    assert AuditEntry.objects.filter(verb__startswith="asye_record.pause").count() == 2


# --- Who sees a record -----------------------------------------------------------------------------


@pytest.fixture
def record(orgs: Orgs, personas: dict[str, Any], programme_types: None) -> AsyeRecord:
    return AsyeRecordFactory(
        organisation=orgs.home,
        nqsw=membership_of(personas["nqsw"], orgs.home, Role.NQSW),
        assessor=membership_of(personas["assessor"], orgs.home, Role.ASSESSOR),
        line_manager=membership_of(personas["manager"], orgs.home, Role.LINE_MANAGER),
    )


READERS = {
    "nqsw": ("home", Role.NQSW),
    "assessor": ("home", Role.ASSESSOR),
    "manager": ("home", Role.LINE_MANAGER),
    "psw": ("home", Role.PSW),
    "academy_admin": ("partnership", Role.ACADEMY_ADMIN),
}
STRANGERS = {
    "sibling_psw": ("sibling", Role.PSW),
    "sibling_assessor": ("sibling", Role.ASSESSOR),
    "outsider": ("other", Role.PSW),
    "social_worker": ("home", Role.SOCIAL_WORKER),
    "moderator": ("partnership", Role.MODERATOR),
}


@pytest.mark.parametrize("who", list(READERS))
def test_readers(who: str, record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]) -> None:
    org, role = READERS[who]
    scope = scope_of(personas[who], getattr(orgs, org), role)
    assert selectors.record_get_for_user(scope=scope, pk=record.pk) == record
    assert list(selectors.records_visible_to(scope=scope)) == [record]
    if role in {Role.PSW, Role.ACADEMY_ADMIN}:
        assert selectors.record_get_for_user(scope=scope, pk=record.pk, write=True) == record
    else:
        with pytest.raises(PermissionDenied):
            selectors.record_get_for_user(scope=scope, pk=record.pk, write=True)


@pytest.mark.parametrize("who", list(STRANGERS))
def test_strangers_get_404(who: str, record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]) -> None:
    org, role = STRANGERS[who]
    scope = scope_of(personas[who], getattr(orgs, org), role)
    with pytest.raises(Http404):
        selectors.record_get_for_user(scope=scope, pk=record.pk)
    assert not selectors.records_visible_to(scope=scope).exists()


def test_an_unassigned_assessor_of_the_same_council_sees_nothing(record: AsyeRecord, orgs: Orgs) -> None:
    colleague = member(orgs.home, Role.ASSESSOR)
    with pytest.raises(Http404):
        selectors.record_get_for_user(scope=scope_of(colleague.user, orgs.home, Role.ASSESSOR), pk=record.pk)


def test_assignment_follows_the_person_whichever_organisation_they_act_from(
    record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]
) -> None:
    assessor = personas["assessor"]
    member(orgs.sibling, Role.SOCIAL_WORKER, user=assessor)
    scope = scope_of(assessor, orgs.sibling, Role.SOCIAL_WORKER)
    assert selectors.record_get_for_user(scope=scope, pk=record.pk) == record


def test_assignment_ends_with_the_role(record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]) -> None:
    record.assessor.ended_on = D(2020, 1, 1)
    record.assessor.started_on = None
    record.assessor.save()
    with pytest.raises(Http404):
        selectors.record_get_for_user(
            scope=scope_of(personas["assessor"], orgs.home, Role.ASSESSOR), pk=record.pk
        )
