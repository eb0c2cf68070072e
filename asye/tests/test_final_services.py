"""The year's-end services: the final assessment's parts, signatures and freeze; extension,
withdrawal and pause as states of their own, each audited; and submission to moderation with
every reason it is refused, each at its boundary."""

import datetime
import threading
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from academy.models import AuditEntry
from asye import services as record_services
from asye.evidence.models import EvidenceItem, EvidenceStatus
from asye.final import selectors, services
from asye.final.models import (
    FinalAssessment,
    ModerationSubmission,
    Recommendation,
    RecordExtension,
    RecordWithdrawal,
)
from asye.final.rules import NOT_MET
from asye.models import AsyeRecord, RecordStatus
from asye.reviews.models import ReviewSignature
from asye.signatures import SignatureCapacity
from asye.tests import final_support as ready
from asye.tests.factories import EvidenceItemFactory
from asye.tests.review_support import fresh, sign_review, write_review

pytestmark = pytest.mark.django_db

D = datetime.date
AFTER_THE_YEAR = "2027-09-10 12:00+01:00"  # after the final review (1 September 2027) was due


def verbs(record: AsyeRecord) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(record.pk)).order_by("id").values_list("verb", flat=True)
    )


# --- The final assessment ----------------------------------------------------------------------------


def test_each_part_is_written_by_its_own_role_only(record: AsyeRecord) -> None:
    with pytest.raises(PermissionDenied):
        services.final_reflection_update(actor=record.assessor.user, record=record, reflection="Not mine")
    with pytest.raises(PermissionDenied):
        services.final_report_update(
            actor=record.nqsw.user, record=record, report="x", recommendation="pass", judgements={}
        )
    with pytest.raises(PermissionDenied):
        services.final_endorsement_update(
            actor=record.assessor.user, record=record, endorsement="endorse", manager_comments=""
        )
    assessment = ready.write_final(record)
    assert assessment.reflection.startswith("Over the year")
    assert assessment.recommendation == Recommendation.PASS
    assert assessment.endorsement == "endorse"
    assert {"asye_final.nqsw_update", "asye_final.assessor_update", "asye_final.manager_update"} <= set(
        AuditEntry.objects.filter(object_id=str(assessment.pk)).values_list("verb", flat=True)
    )


def test_a_pass_needs_every_domain_met_and_each_judgement_its_reasons(record: AsyeRecord) -> None:
    judgements = ready.judge_all(record)
    first = next(iter(judgements))
    judgements[first] = {"met": NOT_MET, "reason": "Not yet shown."}
    with pytest.raises(ValidationError) as refused:
        services.final_report_update(
            actor=record.assessor.user,
            record=record,
            report="r",
            recommendation="pass",
            judgements=judgements,
        )
    assert "recommendation" in refused.value.message_dict
    # The same judgements with a fail are accepted.
    services.final_report_update(
        actor=record.assessor.user, record=record, report="r", recommendation="fail", judgements=judgements
    )
    judgements[first] = {"met": NOT_MET, "reason": ""}
    with pytest.raises(ValidationError) as refused:
        services.final_report_update(
            actor=record.assessor.user,
            record=record,
            report="r",
            recommendation="fail",
            judgements=judgements,
        )
    assert f"reason_{first}" in refused.value.message_dict


def test_signing_waits_for_every_part_then_freezes_and_completes(record: AsyeRecord) -> None:
    services.final_reflection_update(actor=record.nqsw.user, record=record, reflection="Mine")
    with pytest.raises(ValidationError, match="not finished"):
        services.final_sign(actor=record.nqsw.user, record=record, capacity=SignatureCapacity.NQSW)
    ready.write_final(record)
    first = services.final_sign(actor=record.nqsw.user, record=record, capacity=SignatureCapacity.NQSW)
    # Signing twice returns the first signature.
    assert (
        services.final_sign(actor=record.nqsw.user, record=record, capacity=SignatureCapacity.NQSW) == first
    )
    # Frozen at the first signature: no part changes, not even the signer's own.
    with pytest.raises(ValidationError, match="signed"):
        services.final_reflection_update(actor=record.nqsw.user, record=record, reflection="Changed")
    with pytest.raises(ValidationError, match="signed"):
        services.final_endorsement_update(
            actor=record.line_manager.user, record=record, endorsement="do_not_endorse", manager_comments="No"
        )
    # Someone else's place is refused.
    with pytest.raises(PermissionDenied):
        services.final_sign(actor=record.nqsw.user, record=record, capacity=SignatureCapacity.ASSESSOR)
    ready.sign_final(record, who=(SignatureCapacity.ASSESSOR,))
    assert FinalAssessment.objects.get(record=record).completed_at is None
    ready.sign_final(record, who=(SignatureCapacity.LINE_MANAGER,))
    assessment = FinalAssessment.objects.get(record=record)
    assert assessment.completed_at is not None
    assert assessment.reflection.startswith("Over the year")
    assert AuditEntry.objects.filter(object_id=str(assessment.pk), verb="asye_final.sign").count() == 3


# --- Pause, extension, withdrawal ---------------------------------------------------------------------


def test_an_open_pause_is_a_state_of_its_own_and_its_end_returns_the_record(
    record: AsyeRecord, psw: Any
) -> None:
    record = fresh(record)
    before = selectors.record_schedule(record, today=D(2027, 2, 1)).planned_end
    pause = record_services.record_pause_add(
        actor=psw, record=record, starts_on=D(2027, 1, 4), reason="Sick leave"
    )
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.PAUSED
    record_services.record_pause_end(actor=psw, pause=pause, ends_on=D(2027, 1, 17))
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.ACTIVE
    after = selectors.record_schedule(fresh(record), today=D(2027, 2, 1)).planned_end
    assert (after - before).days == 14
    assert verbs(record)[-2:] == ["asye_record.pause", "asye_record.pause_end"]
    entry = AuditEntry.objects.filter(object_id=str(record.pk), verb="asye_record.pause").get()
    assert entry.after["reason"] == "Sick leave"
    assert entry.after["status"] == RecordStatus.PAUSED


def test_a_pause_with_both_dates_leaves_the_status(record: AsyeRecord, psw: Any) -> None:
    record_services.record_pause_add(
        actor=psw, record=record, starts_on=D(2027, 1, 4), ends_on=D(2027, 1, 10), reason="Leave"
    )
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.ACTIVE


@time_machine.travel("2027-01-15 10:00+00:00", tick=False)
def test_an_extension_moves_the_end_and_the_later_reviews_only(record: AsyeRecord, psw: Any) -> None:
    record = fresh(record)
    before = selectors.record_schedule(record)
    assert before.planned_end == D(2027, 9, 1)
    extension = services.record_extend(
        actor=psw, record=record, new_end_on=D(2027, 11, 1), reason="Long illness"
    )
    assert extension.days == 61
    assert extension.granted_by == psw
    stored = fresh(AsyeRecord.objects.get(pk=record.pk))
    assert stored.status == RecordStatus.EXTENDED
    after = selectors.record_schedule(stored)
    assert after.planned_end == D(2027, 11, 1)
    dues = {r.key: r.due_on for r in after.reviews}
    was = {r.key: r.due_on for r in before.reviews}
    assert dues["foundational"] == was["foundational"]  # already due before the extension
    assert dues["midpoint"] == was["midpoint"] + datetime.timedelta(days=61)
    assert dues["final"] == D(2027, 11, 1)
    assert verbs(record)[-1] == "asye_record.extend"
    # A second extension adds to the first; the end must move later.
    with pytest.raises(ValidationError) as refused:
        services.record_extend(actor=psw, record=stored, new_end_on=D(2027, 11, 1), reason="Again")
    assert "new_end_on" in refused.value.message_dict
    services.record_extend(actor=psw, record=stored, new_end_on=D(2027, 12, 1), reason="More leave")
    assert selectors.record_schedule(fresh(stored)).planned_end == D(2027, 12, 1)
    assert RecordExtension.objects.filter(record=record).count() == 2


@time_machine.travel("2027-01-15 10:00+00:00", tick=False)
def test_a_second_click_on_an_old_page_does_not_lose_or_repeat_an_extension(
    record: AsyeRecord, psw: Any
) -> None:
    """Two requests from the same page (a double click, or two colleagues): the second reads the
    record again under its lock, so it is refused rather than writing over the first's dates."""
    page_copy = fresh(record)
    other_copy = fresh(AsyeRecord.objects.get(pk=record.pk))
    services.record_extend(actor=psw, record=page_copy, new_end_on=D(2027, 11, 1), reason="Long illness")
    with pytest.raises(ValidationError) as refused:
        services.record_extend(actor=psw, record=other_copy, new_end_on=D(2027, 11, 1), reason="Long illness")
    assert "new_end_on" in refused.value.message_dict
    stored = fresh(AsyeRecord.objects.get(pk=record.pk))
    assert RecordExtension.objects.filter(record=record).count() == 1
    assert len(stored.extension_shifts) == 1
    assert selectors.record_schedule(stored).planned_end == D(2027, 11, 1)


def test_only_the_employer_extends_or_withdraws(record: AsyeRecord, personas: dict[str, Any]) -> None:
    for who in ("nqsw", "assessor", "manager", "sibling_psw"):
        with pytest.raises(PermissionDenied):
            services.record_extend(actor=personas[who], record=record, new_end_on=D(2028, 1, 1), reason="x")
        with pytest.raises(PermissionDenied):
            services.record_withdraw(
                actor=personas[who], record=record, withdrawn_on=D(2027, 1, 1), reason="x"
            )
    services.record_extend(
        actor=personas["academy_admin"], record=record, new_end_on=D(2028, 1, 1), reason="x"
    )


def test_withdrawal_locks_the_record_and_is_not_a_fail(record: AsyeRecord, psw: Any) -> None:
    withdrawal = services.record_withdraw(
        actor=psw, record=record, withdrawn_on=D(2027, 2, 1), reason="Moved away"
    )
    stored = AsyeRecord.objects.get(pk=record.pk)
    assert stored.status == RecordStatus.WITHDRAWN != RecordStatus.FAILED
    assert stored.is_locked
    assert withdrawal.previous_status == RecordStatus.ACTIVE
    assert verbs(record)[-1] == "asye_record.withdraw"
    with pytest.raises(ValidationError):
        services.record_withdraw(actor=psw, record=stored, withdrawn_on=D(2027, 2, 1), reason="Again")
    with pytest.raises(ValidationError):
        services.record_extend(actor=psw, record=stored, new_end_on=D(2028, 1, 1), reason="x")
    with pytest.raises(ValidationError):
        record_services.record_pause_add(actor=psw, record=stored, starts_on=D(2027, 3, 1), reason="x")
    with pytest.raises(ValidationError, match="withdrawn"):
        services.final_reflection_update(actor=record.nqsw.user, record=stored, reflection="Too late")
    assert RecordWithdrawal.objects.filter(record=record).count() == 1


def test_a_withdrawal_cannot_predate_the_start(record: AsyeRecord, psw: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_withdraw(actor=psw, record=record, withdrawn_on=D(2026, 8, 31), reason="x")
    assert "withdrawn_on" in refused.value.message_dict


# --- Submission to moderation ---------------------------------------------------------------------


def codes(record: AsyeRecord, today: datetime.date | None = None) -> list[str]:
    return [r.code for r in selectors.submission_refusals(record=fresh(record), today=today)]


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_a_ready_portfolio_is_submitted_once(record: AsyeRecord, psw: Any) -> None:
    ready.make_ready(record, psw)
    assert codes(record) == []
    record = fresh(record)
    first = services.record_submit_to_moderation(record=record, actor=record.nqsw.user)
    # A double click: the second request finds it submitted and changes nothing.
    second = services.record_submit_to_moderation(record=fresh(record), actor=record.nqsw.user)
    assert first == second
    assert ModerationSubmission.objects.filter(record=record).count() == 1
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.SUBMITTED
    assert verbs(record).count("asye_record.submit_to_moderation") == 1
    # Submitted: the final assessment no longer changes.
    with pytest.raises(ValidationError):
        services.record_extend(actor=psw, record=fresh(record), new_end_on=D(2028, 1, 1), reason="x")


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_only_the_nqsw_submits(record: AsyeRecord, psw: Any, personas: dict[str, Any]) -> None:
    ready.make_ready(record, psw)
    for who in ("assessor", "manager", "psw"):
        with pytest.raises(PermissionDenied):
            services.record_submit_to_moderation(record=fresh(record), actor=personas[who])


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_an_empty_portfolio_is_refused_with_every_reason(record: AsyeRecord) -> None:
    with pytest.raises(services.SubmissionRefused) as refused:
        services.record_submit_to_moderation(record=fresh(record), actor=record.nqsw.user)
    found = [r.code for r in refused.value.refusals]
    assert found[0] == "agreement"
    assert {"review:foundational", "review:midpoint", "review:final", "final"} <= set(found)
    assert "review:nine_month" not in found  # optional, and nobody started it
    assert {
        f"evidence:{kind}" for kind in ("direct_observation", "written_work", "critical_reflection")
    } <= set(found)
    assert "anonymisation" not in found  # nothing accepted, nothing to confirm
    assert AsyeRecord.objects.get(pk=record.pk).status == RecordStatus.ACTIVE
    assert not ModerationSubmission.objects.exists()
    # Every refusal says where it is put right.
    assert all(r.url.startswith("/asye/records/") for r in refused.value.refusals)


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_the_agreement_needs_all_its_signatures(record: AsyeRecord, psw: Any) -> None:
    ready.make_ready(record, psw)
    from asye.agreement.models import AgreementSignature

    AgreementSignature.objects.filter(agreement__record=record, capacity="asye_lead").delete()
    assert codes(record) == ["agreement"]


def test_a_review_counts_from_its_due_date(record: AsyeRecord, psw: Any) -> None:
    """The midpoint is due on 1 March 2027: not asked for the day before, asked for on the day."""
    ready.make_ready(record, psw)
    ReviewSignature.objects.filter(review__record=record, review__key="midpoint").delete()
    from asye.reviews.models import Review

    Review.objects.filter(record=record, key="midpoint").update(completed_at=None)
    assert "review:midpoint" not in codes(record, D(2027, 2, 28))
    assert "review:midpoint" in codes(record, D(2027, 3, 1))
    # The final review is asked for whatever the date.
    ReviewSignature.objects.filter(review__record=record, review__key="final").delete()
    Review.objects.filter(record=record, key="final").update(completed_at=None)
    assert "review:final" in codes(record, D(2027, 2, 28))


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_an_optional_review_counts_once_started(record: AsyeRecord, psw: Any) -> None:
    ready.signed_agreement(record, psw)
    ready.signed_reviews(record, ("foundational", "midpoint", "final"))
    assert not [c for c in codes(record) if c.startswith("review:")]
    write_review(record, "nine_month")
    sign_review(record, "nine_month", who=(SignatureCapacity.NQSW,))
    assert "review:nine_month" in codes(record)


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_evidence_minimum_at_its_boundary(record: AsyeRecord, psw: Any) -> None:
    ready.signed_agreement(record, psw)
    ready.signed_reviews(record)
    ready.accepted_minimum(record, short="direct_observation")
    ready.confirm_all(record)
    ready.write_final(record)
    ready.sign_final(record)
    refusals = selectors.submission_refusals(record=fresh(record))
    assert [r.code for r in refusals] == ["evidence:direct_observation"]
    assert "2 of 3 accepted" in refusals[0].message
    # A waiting item does not count; an accepted one (confirmed) does.
    EvidenceItemFactory(record=record, kind="direct_observation", status=EvidenceStatus.SUBMITTED)
    assert codes(record) == ["evidence:direct_observation"]
    EvidenceItemFactory(record=record, kind="direct_observation", status=EvidenceStatus.ACCEPTED)
    assert codes(record) == ["anonymisation"]
    ready.confirm_all(record)
    assert codes(record) == []


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_anonymisation_is_confirmed_per_item_as_it_stands(record: AsyeRecord, psw: Any) -> None:
    ready.make_ready(record, psw)
    item = EvidenceItem.objects.filter(record=record).first()
    assert item is not None
    EvidenceItem.objects.filter(pk=item.pk).update(version=item.version + 1)  # changed since
    refusals = selectors.submission_refusals(record=fresh(record))
    assert [r.code for r in refusals] == ["anonymisation"]
    assert "1 accepted item has not" in refusals[0].message
    # Only the NQSW confirms, only accepted items of this portfolio.
    with pytest.raises(PermissionDenied):
        services.anonymisation_confirm(actor=record.assessor.user, record=record, item_ids=[item.pk])
    draft = EvidenceItemFactory(record=record)
    with pytest.raises(ValidationError):
        services.anonymisation_confirm(actor=record.nqsw.user, record=record, item_ids=[draft.pk])
    assert services.anonymisation_confirm(actor=record.nqsw.user, record=record, item_ids=[item.pk]) == 1
    assert services.anonymisation_confirm(actor=record.nqsw.user, record=record, item_ids=[item.pk]) == 0
    assert codes(record) == []


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_the_final_assessment_must_be_signed_by_all_three(record: AsyeRecord, psw: Any) -> None:
    ready.signed_agreement(record, psw)
    ready.signed_reviews(record)
    ready.accepted_minimum(record)
    ready.confirm_all(record)
    ready.write_final(record, recommendation=Recommendation.FAIL)
    ready.sign_final(record, who=(SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR))
    assert codes(record) == ["final"]
    ready.sign_final(record, who=(SignatureCapacity.LINE_MANAGER,))
    assert codes(record) == []  # a fail recommendation goes to moderation too


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_a_paused_record_is_refused(record: AsyeRecord, psw: Any) -> None:
    ready.make_ready(record, psw)
    record_services.record_pause_add(actor=psw, record=fresh(record), starts_on=D(2027, 9, 5), reason="Leave")
    assert codes(record) == ["status"]


@time_machine.travel(AFTER_THE_YEAR, tick=False)
def test_refusals_read_a_fixed_number_of_queries(
    record: AsyeRecord, psw: Any, django_assert_num_queries: Any
) -> None:
    ready.make_ready(record, psw)
    EvidenceItemFactory.create_batch(3, record=record, status=EvidenceStatus.ACCEPTED)
    loaded = fresh(record)
    # the newest agreement, + its signatures, + the reviews with the capacities signed, + the
    # evidence counted by kind and state, + the accepted items not confirmed, + the final
    # assessment with the capacities signed
    with django_assert_num_queries(6):
        found = selectors.submission_refusals(record=loaded)
    assert [r.code for r in found] == ["anonymisation"]


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_make_one(record: AsyeRecord, psw: Any) -> None:
    """A double click that reaches the server twice at the same moment: the row lock lets the
    first through and the second finds the record submitted."""
    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        ready.make_ready(record, psw)
    barrier = threading.Barrier(2)
    outcomes: list[int] = []

    def submit() -> None:
        try:
            with time_machine.travel(AFTER_THE_YEAR, tick=False):
                barrier.wait()
                outcomes.append(
                    services.record_submit_to_moderation(record=fresh(record), actor=record.nqsw.user).pk
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2
    assert len(set(outcomes)) == 1
    assert ModerationSubmission.objects.filter(record=record).count() == 1
    assert verbs(record).count("asye_record.submit_to_moderation") == 1
