"""Helpers of the review tests (and the URL walk): a review written in full through the services."""

import datetime
from typing import Any

from asye.models import AsyeRecord
from asye.reviews import selectors, services
from asye.reviews.models import Rating, Review
from asye.signatures import SignatureCapacity


def judge_all(record: AsyeRecord, *, concern: str = "") -> dict[int, dict[str, str]]:
    """A judgement of every domain: on track, or `concern` (a rating) on the first one."""
    domains = selectors.review_domains(record=record)
    judgements = {d.pk: {"rating": Rating.ON_TRACK, "reason": ""} for d in domains}
    if concern:
        judgements[domains[0].pk] = {"rating": concern, "reason": "Case recording is often late."}
    return judgements


def write_review(record: AsyeRecord, key: str = "foundational", *, concern: str = "") -> Review:
    """Every part of the review written by its role (an action plan when there is a concern)."""
    services.review_reflection_update(
        actor=record.nqsw.user,
        record=record,
        key=key,
        reflection="I have learnt to plan visits with the family.",
        self_assessment="Confident on most statements; law needs work.",
    )
    services.review_support_update(
        actor=record.line_manager.user,
        record=record,
        key=key,
        supervision="Weekly, then fortnightly, as agreed.",
        workload="Twelve cases, against twenty for an experienced colleague.",
        protected_time="Half a day a week, on reading and shadowing.",
    )
    plan = [{"action": "Record visits within two days", "by": datetime.date(2027, 1, 15)}] if concern else []
    return services.review_assessment_update(
        actor=record.assessor.user,
        record=record,
        key=key,
        judgements=judge_all(record, concern=concern),
        progress_summary="Progressing as expected.",
        action_plan=plan,
    )


def sign_review(record: AsyeRecord, key: str = "foundational", *, who: tuple[str, ...] = ()) -> None:
    """Sign in the capacities named (all three when none)."""
    people = {
        SignatureCapacity.NQSW: record.nqsw.user,
        SignatureCapacity.ASSESSOR: record.assessor.user,
        SignatureCapacity.LINE_MANAGER: record.line_manager.user,
    }
    for capacity, actor in people.items():
        if not who or capacity in who:
            services.review_sign(actor=actor, record=record, key=key, capacity=capacity)


def fresh(record: AsyeRecord) -> Any:
    """The record as pages load it (memberships joined, pauses prefetched)."""
    return (
        AsyeRecord.objects.select_related(
            "nqsw__user", "assessor__user", "line_manager__user", "organisation", "programme_version"
        )
        .prefetch_related("pauses")
        .get(pk=record.pk)
    )
