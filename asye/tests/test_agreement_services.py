"""The agreement's and development plans' services: pre-filling, versions, signatures per
capacity, old signatures not counting, read-only once signed, plan rows and who writes which
column, double submits, stale forms and audit entries."""

import datetime
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from academy.models import AuditEntry
from academy.roles import Role
from asye.agreement import rules, services
from asye.agreement.models import Agreement, AgreementSignature, PlanRow, SignatureCapacity
from asye.models import RecordStatus
from asye.tests.agreement_support import AgreementFactory, PlanRowFactory, complete_answers, sign
from asye.tests.factories import AsyeRecordFactory, member, membership_of, programme_version
from conftest import Orgs

pytestmark = pytest.mark.django_db


def sign_all(agreement: Agreement, personas: dict[str, Any]) -> None:
    for capacity, who in [
        (SignatureCapacity.NQSW, "nqsw"),
        (SignatureCapacity.ASSESSOR, "assessor"),
        (SignatureCapacity.LINE_MANAGER, "manager"),
        (SignatureCapacity.ASYE_LEAD, "psw"),
    ]:
        services.agreement_sign(actor=personas[who], agreement=agreement, capacity=capacity)


# --- Pre-filled from the programme version ------------------------------------------------------


def test_version_one_is_prefilled_from_the_programme(record: Any, personas: dict[str, Any]) -> None:
    agreement = services.agreement_start(actor=personas["assessor"], record=record)
    answers = agreement.answers
    assert agreement.number == 1
    assert answers["supervision_weeks_1_6"] == "Weekly in weeks 1 to 6 (at least every 7 days)"
    assert answers["supervision_to_midpoint"] == "Fortnightly until month 6 (at least every 14 days)"
    assert answers["supervision_after_midpoint"] == "Monthly from month 6 (at least every 31 days)"
    assert "10% of contracted hours" in answers["protected_time"]
    assert answers["workload"]
    for key in ("assessor", "nqsw", "manager", "employer"):
        assert answers[f"responsibilities_{key}"]
    assert answers["background"] == ""
    assert agreement.form == rules.agreement_form(record.programme_version.forms)
    assert AuditEntry.objects.filter(verb="asye_agreement.start", object_id=str(agreement.pk)).exists()


def test_the_supervision_prefill_follows_the_version_data() -> None:
    cadence: list[dict[str, Any]] = [
        {"until_weeks": 4, "every_days": 7, "label": "Weekly"},
        {"until_months": 9, "every_days": 10},
        {"every_days": 21, "label": "Every three weeks"},
    ]
    filled = rules.supervision_prefill(cadence, [{"key": "midpoint", "months": 6}])
    # Week 7 falls after the 4-week band; the midpoint (month 6) before the 9-month bound.
    assert filled == {
        "supervision_weeks_1_6": "Weekly (at least every 7 days)",
        "supervision_to_midpoint": "At least every 10 days",
        "supervision_after_midpoint": "At least every 10 days",
    }


def test_a_version_without_the_new_keys_falls_back_to_the_shared_form() -> None:
    version_forms = {"agreement": {"prompts": {"background": "Background"}}}
    sections = rules.agreement_sections(rules.agreement_form(version_forms))
    assert [f.key for s in sections for f in s.fields] == ["background"]
    assert [p.key for p in rules.pdp_periods({})] == ["initial", "months-3-6", "months-6-12", "end-of-year"]


def test_the_early_career_programme_has_periods_over_two_years(programme_types: None) -> None:
    version = programme_version("child-family-ecdp")
    assert [p.to_months for p in rules.pdp_periods(version.forms)] == [3, 6, 12, 18, 24, None]


# --- Who writes, versions, stale forms ----------------------------------------------------------


@pytest.mark.parametrize("who", ["nqsw", "manager", "sibling_psw", "unassigned_assessor"])
def test_only_the_assessor_or_the_lead_writes_the_agreement(
    who: str, record: Any, personas: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        services.agreement_start(actor=personas[who], record=record)
    agreement = AgreementFactory(record=record)
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            actor=personas[who], agreement=agreement, answers={"background": "x"}, revision=1
        )


def test_the_lead_may_start_it(record: Any, personas: dict[str, Any]) -> None:
    assert services.agreement_start(actor=personas["academy_admin"], record=record).number == 1
    with pytest.raises(ValidationError, match="started meanwhile"):
        services.agreement_start(actor=personas["psw"], record=record)


def test_an_unsigned_version_is_edited_in_place(record: Any, personas: dict[str, Any]) -> None:
    agreement = services.agreement_start(actor=personas["assessor"], record=record)
    saved = services.agreement_update(
        actor=personas["assessor"],
        agreement=agreement,
        answers={"background": "Joined from a hospital team"},
        revision=1,
    )
    assert saved.pk == agreement.pk
    assert saved.revision == 2
    assert Agreement.objects.count() == 1
    entry = AuditEntry.objects.get(verb="asye_agreement.update")
    assert entry.before == {"background": ""}
    assert entry.after == {"background": "Joined from a hospital team"}
    # The same form sent again changes nothing; a different change from the old form is refused.
    again = services.agreement_update(
        actor=personas["assessor"],
        agreement=agreement,
        answers={"background": "Joined from a hospital team"},
        revision=1,
    )
    assert again.revision == 2
    with pytest.raises(ValidationError, match="changed the agreement after you opened it"):
        services.agreement_update(
            actor=personas["psw"], agreement=agreement, answers={"background": "Other words"}, revision=1
        )
    assert AuditEntry.objects.filter(verb="asye_agreement.update").count() == 1


def test_a_signed_version_is_frozen_and_a_change_makes_a_new_one(
    record: Any, personas: dict[str, Any]
) -> None:
    first = AgreementFactory(record=record)
    services.agreement_sign(actor=personas["nqsw"], agreement=first, capacity=SignatureCapacity.NQSW)
    second = services.agreement_update(
        actor=personas["assessor"], agreement=first, answers={"workload": "Eight cases at most"}, revision=1
    )
    first.refresh_from_db()
    assert second.number == 2
    assert second.answers["workload"] == "Eight cases at most"
    assert first.answers["workload"] != "Eight cases at most"  # the signed words did not change
    assert second.answers["background"] == first.answers["background"]  # a copy of the last
    assert not second.signatures.exists()  # the NQSW's signature on version 1 does not count
    assert not services.agreement_fully_signed(second)
    entry = AuditEntry.objects.get(verb="asye_agreement.new_version")
    assert entry.before["number"] == 1
    assert entry.after["number"] == 2
    # Signing the old version now is refused: the newer one is what people sign.
    with pytest.raises(ValidationError, match="newer version"):
        services.agreement_sign(
            actor=personas["assessor"], agreement=first, capacity=SignatureCapacity.ASSESSOR
        )


def test_a_fully_signed_agreement_stays_as_signed(record: Any, personas: dict[str, Any]) -> None:
    made = AgreementFactory(record=record)
    sign_all(made, personas)
    agreement = Agreement.objects.prefetch_related("signatures").get(pk=made.pk)
    assert services.agreement_fully_signed(agreement)
    new = services.agreement_update(
        actor=personas["psw"], agreement=agreement, answers={"protected_time": "Fridays"}, revision=1
    )
    assert new.number == 2
    agreement.refresh_from_db()
    assert agreement.answers["protected_time"] != "Fridays"
    assert agreement.signatures.count() == 4


# --- Signatures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "capacity"),
    [
        ("nqsw", SignatureCapacity.NQSW),
        ("assessor", SignatureCapacity.ASSESSOR),
        ("manager", SignatureCapacity.LINE_MANAGER),
        ("psw", SignatureCapacity.ASYE_LEAD),
        ("academy_admin", SignatureCapacity.ASYE_LEAD),
    ],
)
def test_each_signs_in_their_own_capacity(
    who: str, capacity: str, record: Any, personas: dict[str, Any]
) -> None:
    agreement = AgreementFactory(record=record)
    signature = services.agreement_sign(actor=personas[who], agreement=agreement, capacity=capacity)
    assert signature.user == personas[who]
    assert signature.membership.user == personas[who]
    assert signature.statement.startswith("I confirm I have read version 1")
    entry = AuditEntry.objects.get(verb="asye_agreement.sign")
    assert entry.actor == personas[who]
    assert entry.after["capacity"] == capacity


@pytest.mark.parametrize(
    ("who", "capacity"),
    [
        ("nqsw", SignatureCapacity.ASSESSOR),
        ("assessor", SignatureCapacity.NQSW),
        ("assessor", SignatureCapacity.ASYE_LEAD),
        ("manager", SignatureCapacity.ASSESSOR),
        ("psw", SignatureCapacity.NQSW),
        ("sibling_psw", SignatureCapacity.ASYE_LEAD),
        ("unassigned_assessor", SignatureCapacity.ASSESSOR),
    ],
)
def test_nobody_signs_in_someone_elses_place(
    who: str, capacity: str, record: Any, personas: dict[str, Any]
) -> None:
    agreement = AgreementFactory(record=record)
    with pytest.raises(PermissionDenied):
        services.agreement_sign(actor=personas[who], agreement=agreement, capacity=capacity)
    assert not AgreementSignature.objects.exists()


def test_one_person_holding_two_capacities_signs_twice(
    orgs: Orgs, personas: dict[str, Any], programme_types: None
) -> None:
    assessor = personas["assessor"]
    both = AsyeRecordFactory(
        organisation=orgs.home,
        assessor=membership_of(assessor, orgs.home, Role.ASSESSOR),
        line_manager=membership_of(assessor, orgs.home, Role.LINE_MANAGER),
    )
    agreement = AgreementFactory(record=both)
    services.agreement_sign(actor=assessor, agreement=agreement, capacity=SignatureCapacity.ASSESSOR)
    services.agreement_sign(actor=assessor, agreement=agreement, capacity=SignatureCapacity.LINE_MANAGER)
    assert agreement.signatures.count() == 2


def test_signing_twice_keeps_one_signature_and_another_lead_cannot_sign_over(
    record: Any, personas: dict[str, Any]
) -> None:
    agreement = AgreementFactory(record=record)
    first = services.agreement_sign(
        actor=personas["psw"], agreement=agreement, capacity=SignatureCapacity.ASYE_LEAD
    )
    again = services.agreement_sign(
        actor=personas["psw"], agreement=agreement, capacity=SignatureCapacity.ASYE_LEAD
    )
    assert again.pk == first.pk
    with pytest.raises(ValidationError, match="signed as ASYE lead already"):
        services.agreement_sign(
            actor=personas["academy_admin"], agreement=agreement, capacity=SignatureCapacity.ASYE_LEAD
        )


def test_the_database_refuses_a_second_signature_in_one_capacity(
    record: Any, personas: dict[str, Any]
) -> None:
    agreement = AgreementFactory(record=record)
    sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)
    with pytest.raises(IntegrityError), transaction.atomic():
        sign(agreement, SignatureCapacity.ASSESSOR, record.assessor)


def test_nobody_signs_an_unfinished_agreement(record: Any, personas: dict[str, Any]) -> None:
    agreement = AgreementFactory(
        record=record, answers=complete_answers(record, background="", meeting_date="")
    )
    with pytest.raises(ValidationError, match="not finished") as raised:
        services.agreement_sign(actor=personas["nqsw"], agreement=agreement, capacity=SignatureCapacity.NQSW)
    assert "background" in str(raised.value)
    # Optional fields may stay empty.
    agreement.answers = complete_answers(record, people_present="", programme_coordinator="")
    agreement.save()
    services.agreement_sign(actor=personas["nqsw"], agreement=agreement, capacity=SignatureCapacity.NQSW)


def test_an_ended_assessor_membership_cannot_sign(record: Any, personas: dict[str, Any]) -> None:
    agreement = AgreementFactory(record=record)
    record.assessor.ended_on = datetime.date(2020, 1, 1)
    record.assessor.save()
    with pytest.raises(PermissionDenied):
        services.agreement_sign(
            actor=personas["assessor"], agreement=agreement, capacity=SignatureCapacity.ASSESSOR
        )


def test_a_completed_record_takes_no_more_changes(record: Any, personas: dict[str, Any]) -> None:
    agreement = AgreementFactory(record=record)
    record.status = RecordStatus.COMPLETED
    record.save()
    with pytest.raises(ValidationError, match="no longer change"):
        services.agreement_update(
            actor=personas["assessor"], agreement=agreement, answers={"background": "x"}, revision=1
        )
    with pytest.raises(ValidationError, match="no longer change"):
        services.agreement_sign(actor=personas["nqsw"], agreement=agreement, capacity=SignatureCapacity.NQSW)


# --- Development plans ------------------------------------------------------------------------


def add_row(record: Any, actor: Any, token: uuid.UUID | None = None, **fields: Any) -> PlanRow:
    values = {"learning_need": "Court skills", "action": "Observe a hearing", **fields}
    return services.plan_row_add(
        actor=actor, record=record, period="initial", submit_token=token or uuid.uuid4(), **values
    )


def test_the_nqsw_adds_rows_and_a_double_submit_adds_one(record: Any, personas: dict[str, Any]) -> None:
    token = uuid.uuid4()
    first = add_row(record, personas["nqsw"], token, target_date=datetime.date(2026, 12, 1))
    second = add_row(record, personas["nqsw"], token)
    assert first.pk == second.pk
    assert PlanRow.objects.count() == 1
    assert first.plan.period == "initial"
    add_row(record, personas["nqsw"])
    assert PlanRow.objects.filter(plan=first.plan).count() == 2
    assert AuditEntry.objects.filter(verb="asye_plan_row.add").count() == 2


def test_a_plan_row_needs_a_known_period_and_its_required_columns(
    record: Any, personas: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match="no such development plan period"):
        services.plan_row_add(
            actor=personas["nqsw"],
            record=record,
            period="months-12-18",  # the early career programme's; not the adult ASYE's
            submit_token=uuid.uuid4(),
            learning_need="x",
            action="y",
        )
    with pytest.raises(ValidationError) as raised:
        add_row(record, personas["nqsw"], learning_need="  ")
    assert "learning_need" in raised.value.message_dict


@pytest.mark.parametrize("who", ["assessor", "manager", "psw"])
def test_only_the_nqsw_writes_the_plan_columns(who: str, record: Any, personas: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        add_row(record, personas[who])
    row = PlanRowFactory(record=record)
    with pytest.raises(PermissionDenied):
        services.plan_row_update(actor=personas[who], row=row, revision=1, learning_need="x", action="y")
    with pytest.raises(PermissionDenied):
        services.plan_row_remove(actor=personas[who], row=row)


@pytest.mark.parametrize("who", ["nqsw", "psw", "unassigned_assessor"])
def test_only_the_assessor_or_manager_write_review_notes(
    who: str, record: Any, personas: dict[str, Any]
) -> None:
    row = PlanRowFactory(record=record)
    with pytest.raises(PermissionDenied):
        services.plan_row_review(actor=personas[who], row=row, revision=1, review_note="Good")


def test_review_notes_keep_who_and_when_and_stale_forms_are_refused(
    record: Any, personas: dict[str, Any]
) -> None:
    row = PlanRowFactory(record=record)
    reviewed = services.plan_row_review(
        actor=personas["manager"], row=row, revision=1, review_note="Done well"
    )
    assert reviewed.reviewed_by == personas["manager"]
    assert reviewed.reviewed_at is not None
    assert reviewed.revision == 2
    # The NQSW's edit from a form opened before the review is refused, not silently merged.
    with pytest.raises(ValidationError, match="changed after you opened it"):
        services.plan_row_update(
            actor=personas["nqsw"], row=row, revision=1, learning_need="New", action="New"
        )
    updated = services.plan_row_update(
        actor=personas["nqsw"], row=row, revision=2, learning_need="New", action="New"
    )
    assert updated.review_note == "Done well"  # the NQSW never changes the note
    assert AuditEntry.objects.filter(verb__in=["asye_plan_row.review", "asye_plan_row.update"]).count() == 2


def test_a_reviewed_row_cannot_be_removed(record: Any, personas: dict[str, Any]) -> None:
    kept = PlanRowFactory(record=record, review_note="Reviewed at the foundational review")
    gone = PlanRowFactory(record=record)
    with pytest.raises(ValidationError, match="stays in the plan"):
        services.plan_row_remove(actor=personas["nqsw"], row=kept)
    services.plan_row_remove(actor=personas["nqsw"], row=gone)
    services.plan_row_remove(actor=personas["nqsw"], row=gone)  # a second click: nothing left to do
    assert list(PlanRow.objects.all()) == [kept]
    entry = AuditEntry.objects.get(verb="asye_plan_row.remove")
    assert entry.before["learning_need"] == gone.learning_need


def test_another_nqsw_cannot_touch_the_plan(record: Any, orgs: Orgs, personas: dict[str, Any]) -> None:
    other = member(orgs.home, Role.NQSW).user
    with pytest.raises(PermissionDenied):
        add_row(record, other)
