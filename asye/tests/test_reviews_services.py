"""The review services: each part written by its own role only, judgements and the action plan
validated, signatures in one's own capacity, read-only once signed (every write path tried),
changes of assessor carried into the next review, the manager's starting words, audit entries."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from academy.models import AuditEntry
from academy.roles import Role
from asye.models import AsyeRecord, RecordStatus
from asye.reviews import prefill, rules, selectors, services
from asye.reviews.models import Rating, Review, ReviewSignature
from asye.signatures import SignatureCapacity
from asye.tests.agreement_support import AgreementFactory
from asye.tests.factories import (
    AssessorChangeFactory,
    AsyeRecordFactory,
    RecordPauseFactory,
    member,
    programme_version,
)
from asye.tests.review_support import fresh, judge_all, sign_review, write_review
from asye.tests.supervision_support import caseload_month, protected_time, supervision_on
from conftest import Orgs

pytestmark = pytest.mark.django_db


def _verbs(review: Review) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(review.pk)).order_by("id").values_list("verb", flat=True)
    )


# --- Each part by its role ---------------------------------------------------------------------------


def test_the_nqsw_writes_their_reflection_and_it_is_audited(record: AsyeRecord) -> None:
    review = services.review_reflection_update(
        actor=record.nqsw.user, record=record, key="foundational", reflection="  My first months.  "
    )
    assert review.reflection == "My first months."
    assert review.key == "foundational"
    assert _verbs(review) == ["asye_review.nqsw_update"]
    entry = AuditEntry.objects.get(object_id=str(review.pk))
    assert entry.after["reflection"] == "My first months."
    # The same words again change nothing and write no second entry.
    services.review_reflection_update(
        actor=record.nqsw.user, record=record, key="foundational", reflection="My first months."
    )
    assert _verbs(review) == ["asye_review.nqsw_update"]


@pytest.mark.parametrize("who", ["assessor", "line_manager"])
def test_only_the_nqsw_writes_the_reflection(record: AsyeRecord, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.review_reflection_update(
            actor=getattr(record, who).user, record=record, key="foundational", reflection="Not mine."
        )
    assert not Review.objects.exists()


def test_staff_write_no_part(record: AsyeRecord, personas: dict[str, Any]) -> None:
    psw = personas["psw"]
    with pytest.raises(PermissionDenied):
        services.review_reflection_update(actor=psw, record=record, key="foundational", reflection="x")
    with pytest.raises(PermissionDenied):
        services.review_support_update(
            actor=psw, record=record, key="foundational", supervision="x", workload="x", protected_time="x"
        )
    with pytest.raises(PermissionDenied):
        services.review_assessment_update(
            actor=psw, record=record, key="foundational", judgements={}, progress_summary="", action_plan=[]
        )


def test_only_the_line_manager_writes_the_support(record: AsyeRecord) -> None:
    for actor in (record.nqsw.user, record.assessor.user):
        with pytest.raises(PermissionDenied):
            services.review_support_update(
                actor=actor, record=record, key="midpoint", supervision="x", workload="x", protected_time="x"
            )
    review = services.review_support_update(
        actor=record.line_manager.user,
        record=record,
        key="midpoint",
        supervision="Fortnightly.",
        workload="Reduced.",
        protected_time="Used.",
    )
    assert (review.supervision, review.workload, review.protected_time) == (
        "Fortnightly.",
        "Reduced.",
        "Used.",
    )
    assert _verbs(review) == ["asye_review.manager_update"]


def test_only_the_assessor_judges(record: AsyeRecord) -> None:
    for actor in (record.nqsw.user, record.line_manager.user):
        with pytest.raises(PermissionDenied):
            services.review_assessment_update(
                actor=actor,
                record=record,
                key="foundational",
                judgements=judge_all(record),
                progress_summary="",
                action_plan=[],
            )
    review = services.review_assessment_update(
        actor=record.assessor.user,
        record=record,
        key="foundational",
        judgements=judge_all(record),
        progress_summary="Good start.",
        action_plan=[],
    )
    assert set(r["rating"] for r in review.judgements.values()) == {Rating.ON_TRACK}
    assert _verbs(review) == ["asye_review.assessor_update"]


def test_a_review_the_programme_does_not_have_is_refused(record: AsyeRecord) -> None:
    with pytest.raises(ValidationError, match="no such review"):
        services.review_reflection_update(
            actor=record.nqsw.user, record=record, key="year_one", reflection="x"
        )


def test_a_closed_record_takes_no_review_changes(record: AsyeRecord) -> None:
    record.status = RecordStatus.WITHDRAWN
    record.save()
    with pytest.raises(ValidationError, match="withdrawn"):
        services.review_reflection_update(
            actor=record.nqsw.user, record=record, key="foundational", reflection="x"
        )


# --- The assessor's judgement ------------------------------------------------------------------------


def test_the_domains_are_those_of_the_frameworks_the_review_judges(record: AsyeRecord) -> None:
    domains = selectors.review_domains(record=record)
    frameworks = {d.version.framework.slug for d in domains}
    assert frameworks == {"pcf", "kss-adults"}  # not SWE's registration standards
    assert all(d.parent_id is None for d in domains)
    assert len(domains) == 9 + 11


def test_a_concern_needs_a_reason(record: AsyeRecord) -> None:
    judgements = judge_all(record)
    first = next(iter(judgements))
    judgements[first] = {"rating": Rating.SOME_CONCERNS, "reason": " "}
    with pytest.raises(ValidationError) as error:
        services.review_assessment_update(
            actor=record.assessor.user,
            record=record,
            key="foundational",
            judgements=judgements,
            progress_summary="",
            action_plan=[{"action": "Do it", "by": datetime.date(2027, 1, 1)}],
        )
    assert error.value.message_dict == {f"reason_{first}": ["Give the reason for the concerns"]}


@pytest.mark.parametrize(
    ("plan", "field", "message"),
    [
        ([], "action_0", "There are concerns: write the action plan, with a date for each action"),
        ([{"action": "Shadow a colleague", "by": None}], "by_0", "Enter the date it will be done by"),
        ([{"action": "", "by": datetime.date(2027, 1, 1)}], "action_0", "Enter what will be done"),
    ],
)
def test_concerns_need_an_action_plan_with_dates(
    record: AsyeRecord, plan: list[dict[str, Any]], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.review_assessment_update(
            actor=record.assessor.user,
            record=record,
            key="foundational",
            judgements=judge_all(record, concern=Rating.SERIOUS_CONCERNS),
            progress_summary="",
            action_plan=plan,
        )
    assert error.value.message_dict == {field: [message]}
    assert not Review.objects.exists()


def test_a_domain_of_another_framework_is_refused(record: AsyeRecord) -> None:
    from academy.models import FrameworkElement

    swe = FrameworkElement.objects.filter(version__framework__slug="swe-professional-standards").first()
    with pytest.raises(ValidationError, match="domains of this record"):
        services.review_assessment_update(
            actor=record.assessor.user,
            record=record,
            key="foundational",
            judgements={swe.pk: {"rating": Rating.ON_TRACK, "reason": ""}},  # type: ignore[union-attr]
            progress_summary="",
            action_plan=[],
        )


def test_concerns_with_a_plan_are_kept(record: AsyeRecord) -> None:
    review = write_review(record, concern=Rating.SOME_CONCERNS)
    assert rules.has_concerns(review.judgements)
    assert review.action_plan == [{"action": "Record visits within two days", "by": "2027-01-15"}]


# --- Self-assessment where the programme asks -------------------------------------------------------


def test_the_self_assessment_is_asked_in_child_and_family_services(orgs: Orgs, programme_types: None) -> None:
    children = AsyeRecordFactory(
        organisation=orgs.home, programme_version=programme_version("child-family-asye")
    )
    adults = AsyeRecordFactory(organisation=orgs.home)
    form = rules.review_form(children.programme_version.forms, "foundational")
    assert rules.asks_self_assessment(form, children.service_area)
    assert not rules.asks_self_assessment(form, adults.service_area)
    kept = services.review_reflection_update(
        actor=children.nqsw.user, record=children, key="foundational", reflection="r", self_assessment="s"
    )
    ignored = services.review_reflection_update(
        actor=adults.nqsw.user, record=adults, key="foundational", reflection="r", self_assessment="s"
    )
    assert (kept.self_assessment, ignored.self_assessment) == ("s", "")
    missing = rules.missing_parts(asks_self=True, domain_ids=[], values={"reflection": "r"})
    assert (rules.NQSW_PART, "the NQSW's self-assessment") in missing


def test_a_version_may_ask_for_the_self_assessment_anywhere() -> None:
    form = rules.review_form({"review": {"self_assessment": True}}, "midpoint")
    assert rules.asks_self_assessment(form, "adults")
    # Its own form lacks prompts: the shared wording fills them, key by key.
    assert form.prompt("supervision").startswith("Supervision held")


# --- Signatures ------------------------------------------------------------------------------------


def test_nobody_signs_an_unfinished_review(record: AsyeRecord) -> None:
    with pytest.raises(ValidationError, match="Nothing has been written"):
        sign_review(record, who=(SignatureCapacity.NQSW,))
    services.review_reflection_update(
        actor=record.nqsw.user, record=record, key="foundational", reflection="r"
    )
    with pytest.raises(ValidationError, match="line manager's account"):
        sign_review(record, who=(SignatureCapacity.NQSW,))
    assert not ReviewSignature.objects.exists()


def test_each_signs_in_their_own_capacity_and_the_third_completes_it(
    record: AsyeRecord, personas: dict[str, Any]
) -> None:
    write_review(record)
    with pytest.raises(PermissionDenied):
        services.review_sign(
            actor=record.nqsw.user, record=record, key="foundational", capacity=SignatureCapacity.ASSESSOR
        )
    with pytest.raises(PermissionDenied):
        services.review_sign(
            actor=personas["psw"], record=record, key="foundational", capacity=SignatureCapacity.ASSESSOR
        )
    with pytest.raises(ValidationError):
        services.review_sign(
            actor=personas["psw"], record=record, key="foundational", capacity=SignatureCapacity.ASYE_LEAD
        )
    sign_review(record, who=(SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR))
    review = Review.objects.get(record=record, key="foundational")
    assert review.completed_at is None
    first = ReviewSignature.objects.get(review=review, capacity=SignatureCapacity.NQSW)
    again = services.review_sign(
        actor=record.nqsw.user, record=record, key="foundational", capacity=SignatureCapacity.NQSW
    )
    assert again.pk == first.pk  # a second click
    sign_review(record, who=(SignatureCapacity.LINE_MANAGER,))
    review.refresh_from_db()
    assert review.completed_at is not None
    assert (
        "as the line manager"
        in ReviewSignature.objects.get(capacity=SignatureCapacity.LINE_MANAGER).statement
    )
    assert _verbs(review)[-3:] == ["asye_review.sign"] * 3
    last = AuditEntry.objects.filter(object_id=str(review.pk), verb="asye_review.sign").order_by("id").last()
    assert last.after["completed"] is True  # type: ignore[union-attr]


@pytest.mark.parametrize("signed", ["one", "all"])
def test_a_signed_review_refuses_every_write(record: AsyeRecord, signed: str) -> None:
    write_review(record)
    sign_review(record, who=(SignatureCapacity.ASSESSOR,) if signed == "one" else ())
    before = Review.objects.get(record=record)
    writes = [
        lambda: services.review_reflection_update(
            actor=record.nqsw.user, record=record, key="foundational", reflection="Changed"
        ),
        lambda: services.review_support_update(
            actor=record.line_manager.user,
            record=record,
            key="foundational",
            supervision="Changed",
            workload="Changed",
            protected_time="Changed",
        ),
        lambda: services.review_assessment_update(
            actor=record.assessor.user,
            record=record,
            key="foundational",
            judgements=judge_all(record),
            progress_summary="Changed",
            action_plan=[],
        ),
    ]
    for write in writes:
        with pytest.raises(ValidationError, match="signed"):
            write()
    after = Review.objects.get(record=record)
    assert (after.reflection, after.supervision, after.progress_summary) == (
        before.reflection,
        before.supervision,
        before.progress_summary,
    )


# --- Changes of assessor -------------------------------------------------------------------------


def test_a_change_of_assessor_shows_in_the_next_review_only(
    record: AsyeRecord, orgs: Orgs, personas: dict[str, Any]
) -> None:
    AssessorChangeFactory(record=record, changed_by=personas["psw"])  # the first assignment
    with time_machine.travel(datetime.datetime(2026, 12, 10, 12, tzinfo=datetime.UTC)):
        write_review(record)
        sign_review(record)
    newcomer = member(orgs.home, Role.ASSESSOR)
    with time_machine.travel(datetime.datetime(2027, 1, 20, 12, tzinfo=datetime.UTC)):
        change = AssessorChangeFactory(
            record=record,
            from_assessor=record.assessor,
            to_assessor=newcomer,
            changed_by=personas["psw"],
            reason="The first assessor went on maternity leave.",
        )
    with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC)):
        foundational = Review.objects.get(record=record, key="foundational")
        since, until = selectors.change_window(record=fresh(record), key="foundational", review=foundational)
        assert list(selectors.assessor_changes_since(record=record, since=since, until=until)) == []
        since, until = selectors.change_window(record=fresh(record), key="midpoint", review=None)
        assert list(selectors.assessor_changes_since(record=record, since=since, until=until)) == [change]


# --- The manager's starting words -------------------------------------------------------------------


def test_the_managers_account_starts_from_the_agreement_and_the_pauses(
    record: AsyeRecord, personas: dict[str, Any]
) -> None:
    nothing_yet = prefill.manager_account_initial(fresh(record), _due(record, "foundational"))
    assert nothing_yet["workload"] == "From the caseload records: No caseload was recorded for this period."
    assert nothing_yet["supervision"].startswith("From the supervision records: Between 1 September 2026")
    AgreementFactory(
        record=record,
        answers={
            "supervision_weeks_1_6": "Weekly",
            "supervision_to_midpoint": "Fortnightly",
            "workload": "Eight cases at first",
            "protected_time": "Friday afternoons",
        },
    )
    RecordPauseFactory(record=record, recorded_by=personas["psw"], reason="Sick leave")
    RecordPauseFactory(
        record=record,
        recorded_by=personas["psw"],
        starts_on=datetime.date(2027, 5, 1),
        ends_on=datetime.date(2027, 5, 10),
        reason="Outside the period",
    )
    found = prefill.manager_account_initial(fresh(record), _due(record, "midpoint"))
    assert found["supervision"].startswith("Agreed frequency: Weekly; Fortnightly.")
    assert "paused from 1 December 2026 to 31 December 2026: Sick leave" in found["supervision"]
    assert "Outside the period" not in found["supervision"]
    assert found["workload"].startswith("As agreed: Eight cases at first\nFrom the caseload records:")
    assert found["protected_time"].startswith(
        "As agreed: Friday afternoons\nFrom the protected time records:"
    )


def test_the_managers_account_starts_from_the_supervision_and_caseload_records(record: AsyeRecord) -> None:
    """The figures of the period the review covers (the supervision pages' own summary), so the
    manager starts from what was recorded rather than from memory."""
    for day in (datetime.date(2026, 9, 3), datetime.date(2026, 9, 10), datetime.date(2026, 10, 1)):
        supervision_on(record, day)
    caseload_month(record, datetime.date(2026, 10, 1), "18", "20")
    protected_time(record, datetime.date(2026, 10, 2), "7.5")
    found = prefill.manager_account_initial(fresh(record), _due(record, "foundational"))
    assert "3 supervisions were held" in found["supervision"]
    assert found["workload"] == (
        "From the caseload records: In October 2026 the caseload was 18 against a comparison figure "
        "of 20 for an experienced colleague: 10% lower than the comparison."
    )
    assert found["protected_time"].startswith(
        "From the protected time records: 7.5 hours of protected development time were used"
    )


def _due(record: AsyeRecord, key: str) -> Any:
    from asye.selectors import record_schedule

    found = rules.review_point(record_schedule(fresh(record), today=datetime.date(2026, 9, 1)).reviews, key)
    assert found is not None
    return found
