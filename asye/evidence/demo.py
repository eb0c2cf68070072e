"""Demo evidence for the demo NQSWs (asye/demo.py): every state of the loop — draft, submitted,
returned, resubmitted, accepted — across several kinds, mapped to framework elements, with
comments. Invented words only. Idempotent: each item has a fixed key, and an item that already
exists is left as it is."""

import datetime
from dataclasses import dataclass

from asye.models import AsyeRecord, EvidenceKind

from . import selectors, services
from .models import EvidenceItem, EvidenceStatus


@dataclass(frozen=True)
class DemoItem:
    key: str
    kind: str
    title: str
    answers: dict[str, str]
    ends: str  # the status it is left in
    days_ago: int
    comment: str = ""


ITEMS = [
    DemoItem(
        "reflection",
        EvidenceKind.CRITICAL_REFLECTION,
        "Reflection on a first carers assessment",
        {
            "context": "A carers assessment with a family supporting a relative after a hospital stay.",
            "reflection": "I wanted to fix everything at once; slowing down let the carer set the pace.",
            "theory": "The Care Act 2014 duties to carers and a strengths-based conversation model.",
            "learning": "I will agree the purpose of a visit at the start and check it again at the end.",
        },
        EvidenceStatus.ACCEPTED,
        40,
        "A thoughtful account: the link to the duties to carers is clear.",
    ),
    DemoItem(
        "observation",
        EvidenceKind.DIRECT_OBSERVATION,
        "Observed review of a support plan",
        {
            "setting": "A planned review at the person's home, observed by my assessor.",
            "background": "The plan was six months old and the person wanted more independence.",
            "planning": "I agreed the purpose beforehand and prepared accessible information.",
            "consent": "I explained the observation when arranging the visit and again on arrival.",
            "knowledge": "Positive risk-taking and the wellbeing principle.",
            "values": "I was aware of the power of my role and made sure the person led the conversation.",
            "account": "The review went at the person's pace; we agreed a trial of fewer visits.",
            "response": "The feedback on summarising helped: I now check my understanding more often.",
        },
        EvidenceStatus.ACCEPTED,
        30,
    ),
    DemoItem(
        "professional-feedback",
        EvidenceKind.FEEDBACK_PROFESSIONALS,
        "Feedback from an occupational therapist",
        {
            "giver": "An occupational therapist from the community health team.",
            "context": "A joint visit to plan equipment and support.",
            "went_well": "Clear communication and a well-organised plan.",
            "even_better": "Share notes a little sooner after the visit.",
            "reflection": "I have set a reminder to send notes within two working days.",
        },
        EvidenceStatus.SUBMITTED,
        6,
    ),
    DemoItem(
        "written-work",
        EvidenceKind.WRITTEN_WORK,
        "An assessment summary",
        {
            "kind": "Needs assessment summary",
            "purpose": "To set out eligible needs and the outcomes the person wants.",
            "reflection": "I would separate facts from analysis more clearly.",
        },
        EvidenceStatus.RETURNED,
        12,
        "Please add a short analysis section that weighs the options considered.",
    ),
    DemoItem(
        "learning",
        EvidenceKind.LEARNING_ACTIVITY,
        "Mental capacity training day",
        {
            "activity": "A one-day course on assessing capacity for specific decisions.",
            "learning": "How to record the steps taken to support someone to decide for themselves.",
            "impact": "My capacity records now show the support I offered before concluding.",
        },
        EvidenceStatus.RESUBMITTED,
        9,
        "Say how it changed one piece of your practice.",
    ),
    DemoItem(
        "people-feedback",
        EvidenceKind.FEEDBACK_PEOPLE,
        "Feedback from a person I support",
        {
            "giver": "A person I have supported for three months (kept anonymous).",
            "context": "At the end of a review meeting.",
            "went_well": "They felt listened to.",
            "even_better": "",
            "reflection": "",
        },
        EvidenceStatus.DRAFT,
        2,
    ),
]


def _submit(item: EvidenceItem, actor: object) -> None:
    try:
        services.evidence_submit(actor=actor, item=item, version=item.version)  # type: ignore[arg-type]
    except services.FlagsNotConfirmed as refused:
        for flag in refused.flags:
            source, kind, sha = flag.identity
            services.evidence_flag_confirm(actor=actor, item=item, source=source, kind=kind, text_sha256=sha)  # type: ignore[arg-type]
        services.evidence_submit(actor=actor, item=item, version=item.version)  # type: ignore[arg-type]


def _play(item: EvidenceItem, plan: DemoItem) -> None:
    nqsw = item.record.nqsw.user
    assessor = item.record.assessor.user
    if plan.ends == EvidenceStatus.DRAFT:
        return
    _submit(item, nqsw)
    if plan.ends in (EvidenceStatus.RETURNED, EvidenceStatus.RESUBMITTED):
        services.evidence_return(
            actor=assessor, item=item, reason=plan.comment or "Please say a little more."
        )
        if plan.ends == EvidenceStatus.RESUBMITTED:
            services.evidence_comment(
                actor=nqsw,
                item=item,
                relations=frozenset({"nqsw"}),
                body="I have added an example from a recent visit.",
            )
            _submit(item, nqsw)
    if plan.ends == EvidenceStatus.ACCEPTED:
        if plan.kind == EvidenceKind.DIRECT_OBSERVATION:
            services.evidence_observer_record(
                actor=assessor,
                item=item,
                version=item.version,
                answers={
                    "observer_assessment": "Strengths: listening, planning. To develop: summarising actions.",
                    "observer_judgement": "Safe, person-led practice at the expected level.",
                },
            )
        services.evidence_accept(actor=assessor, item=item, comment=plan.comment)


def load_evidence_demo(records: list[AsyeRecord], today: datetime.date) -> None:
    """Evidence on each record: one draft in the first month, the whole set after that."""
    for record in records:
        month = max(1, (today - record.start_date).days // 30 + 1)
        plans = ITEMS[-1:] if month <= 1 else ITEMS
        elements = list(selectors.record_elements(record=record)[:12])
        for index, plan in enumerate(plans):
            key = f"demo:{plan.key}"
            if EvidenceItem.objects.filter(record=record, idempotency_key=key).exists():
                continue
            mapped = elements[index * 2 : index * 2 + 2]
            item = services.evidence_create(
                actor=record.nqsw.user,
                record=record,
                kind=plan.kind,
                title=plan.title,
                date=max(record.start_date, today - datetime.timedelta(days=plan.days_ago)),
                answers=plan.answers,
                elements=mapped,
                idempotency_key=key,
            )
            _play(item, plan)
