"""Helpers of the year's-end tests (and the demo's checks): a record made ready for moderation
step by step, each step through the services where one exists."""

from typing import Any

from asye.agreement.models import SignatureCapacity as AgreementCapacity
from asye.evidence.models import EvidenceItem, EvidenceStatus
from asye.final import services
from asye.final.models import FinalAssessment, Recommendation
from asye.final.rules import MET
from asye.final.selectors import final_domains
from asye.models import AsyeRecord, ReviewKey
from asye.signatures import SignatureCapacity, lead_membership
from asye.tests.agreement_support import AgreementFactory, sign
from asye.tests.factories import EvidenceItemFactory
from asye.tests.review_support import sign_review, write_review

REVIEW_KEYS = ("foundational", "midpoint", "nine_month", ReviewKey.FINAL)


def signed_agreement(record: AsyeRecord, psw: Any) -> None:
    agreement = AgreementFactory(record=record)
    sign(agreement, AgreementCapacity.NQSW, record.nqsw)
    sign(agreement, AgreementCapacity.ASSESSOR, record.assessor)
    sign(agreement, AgreementCapacity.LINE_MANAGER, record.line_manager)
    sign(agreement, AgreementCapacity.ASYE_LEAD, lead_membership(psw, record))


def signed_reviews(record: AsyeRecord, keys: tuple[str, ...] = REVIEW_KEYS) -> None:
    for key in keys:
        write_review(record, key)
        sign_review(record, key)


def accepted_minimum(record: AsyeRecord, *, short: str = "") -> list[Any]:
    """The programme's minimum of accepted items of each kind (one fewer of `short`)."""
    items = []
    for kind, minimum in (record.programme_version.evidence_minimums or {}).items():
        for _ in range(int(minimum) - (1 if kind == short else 0)):
            items.append(EvidenceItemFactory(record=record, kind=kind, status=EvidenceStatus.ACCEPTED))
    return items


def confirm_all(record: AsyeRecord) -> None:
    ids = list(
        EvidenceItem.objects.filter(record=record, status=EvidenceStatus.ACCEPTED).values_list(
            "pk", flat=True
        )
    )
    if ids:
        services.anonymisation_confirm(actor=record.nqsw.user, record=record, item_ids=ids)


def judge_all(record: AsyeRecord, met: str = MET) -> dict[int, dict[str, str]]:
    return {
        d.pk: {"met": met, "reason": f"Shown in the evidence for {d.title}."}
        for d in final_domains(record=record)
    }


def write_final(record: AsyeRecord, *, recommendation: str = Recommendation.PASS) -> FinalAssessment:
    services.final_reflection_update(
        actor=record.nqsw.user,
        record=record,
        reflection="Over the year I learnt to slow down and ask what matters to the person.",
        further_development="Best interests assessment training next year.",
    )
    services.final_report_update(
        actor=record.assessor.user,
        record=record,
        report="Consistent, reflective practice, confirmed by observations and feedback.",
        recommendation=recommendation,
        judgements=judge_all(record),
    )
    return services.final_endorsement_update(
        actor=record.line_manager.user,
        record=record,
        endorsement="endorse",
        manager_comments="Support was given as agreed.",
    )


def sign_final(record: AsyeRecord, who: tuple[str, ...] = ()) -> None:
    people = {
        SignatureCapacity.NQSW: record.nqsw.user,
        SignatureCapacity.ASSESSOR: record.assessor.user,
        SignatureCapacity.LINE_MANAGER: record.line_manager.user,
    }
    for capacity, actor in people.items():
        if not who or capacity in who:
            services.final_sign(actor=actor, record=record, capacity=capacity)


def make_ready(record: AsyeRecord, psw: Any) -> None:
    """Everything moderation asks for, in place."""
    signed_agreement(record, psw)
    signed_reviews(record)
    accepted_minimum(record)
    confirm_all(record)
    write_final(record)
    sign_final(record)
