"""Demo of the year's end, with NQSWs of its own in Brackenmoor's adult team (invented names):

- Harriet Ashdown (`nqsw-moderation@…`): the year over, everything signed, the minimum evidence
  accepted and confirmed anonymised, a final assessment recommending a pass signed by all
  three, and the portfolio submitted to moderation;
- Tomasz Whitlow (`nqsw-paused@…`): paused three weeks ago, pause still open;
- Rosa Kettering (`nqsw-withdrawn@…`): withdrew last week, in month three;
- Declan Marsh (`nqsw-extended@…`): in month eleven, the year extended by three months.

Each has supervision at the cadence, caseloads and protected time as the supervision demo
gives the others. Every step goes through the services. Idempotent: an NQSW who has any record
is left as they are."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role
from asye import services as record_services
from asye.agreement import services as agreement_services
from asye.agreement.demo import _answers as agreement_answers
from asye.agreement.models import SignatureCapacity as AgreementCapacity
from asye.dates import add_months
from asye.demo import ADULT_TEAM, COUNCIL, _start_for, _user
from asye.evidence import services as evidence_services
from asye.evidence.demo import ITEMS
from asye.models import AsyeRecord, EvidenceKind, ProgrammeType
from asye.reviews.demo import _sign as review_sign
from asye.reviews.demo import _write as review_write
from asye.selectors import record_schedule
from asye.signatures import SignatureCapacity
from asye.supervision import demo as supervision_demo

from . import rules, selectors, services
from .models import Endorsement, Recommendation

MODERATION = f"nqsw-moderation@{DEMO_DOMAIN}"
PAUSED = f"nqsw-paused@{DEMO_DOMAIN}"
WITHDRAWN = f"nqsw-withdrawn@{DEMO_DOMAIN}"
EXTENDED = f"nqsw-extended@{DEMO_DOMAIN}"
PEOPLE = [
    (MODERATION, "Harriet Ashdown", 13),
    (PAUSED, "Tomasz Whitlow", 5),
    (WITHDRAWN, "Rosa Kettering", 3),
    (EXTENDED, "Declan Marsh", 11),
]
EVERYONE = [SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR, SignatureCapacity.LINE_MANAGER]

# Words for each kind of evidence, borrowed from the evidence demo where it has the kind.
ANSWERS = {item.kind: item.answers for item in ITEMS}
ANSWERS[EvidenceKind.FEEDBACK_PEOPLE] = {
    "giver": "A carer I supported through a review (kept anonymous).",
    "context": "A phone call after the review meeting.",
    "went_well": "They felt their own needs were heard, not only their relative's.",
    "even_better": "Send the written plan a little sooner.",
    "reflection": "I now send plans within a week and say when they will arrive.",
}


@dataclass(frozen=True)
class Place:
    council: Organisation
    team: Team | None
    psw: User
    assessor: Membership
    manager: Membership


def _record(email: str, name: str, month: int, index: int, place: Place) -> AsyeRecord | None:
    user = _user(email, name)
    today = timezone.localdate()
    start = _start_for(month, today)
    nqsw, _ = Membership.objects.get_or_create(
        user=user,
        organisation=place.council,
        role=Role.NQSW,
        defaults={"team": place.team, "started_on": start},
    )
    if AsyeRecord.objects.filter(nqsw=nqsw).exists():
        return None
    return record_services.record_create(
        actor=place.psw,
        nqsw=nqsw,
        programme_type=ProgrammeType.objects.get(slug="adult-asye"),
        team=place.team,
        start_date=start,
        fte=Decimal("1"),
        date_qualified=add_months(start, -4),
        university="University of Northvale",
        swe_number=f"SW9200{index:02d}",
        assessor=place.assessor,
        line_manager=place.manager,
    )


def _support(record: AsyeRecord, today: datetime.date) -> None:
    """Supervision at the programme's cadence, caseloads and protected time, as the supervision
    demo gives the other demo NQSWs."""
    supervision_demo._sessions(record, today)
    supervision_demo._workload(record, today)
    supervision_demo._protected_time(record, today)


def _agreement(record: AsyeRecord, psw: User) -> None:
    agreement = agreement_services.agreement_start(
        actor=record.assessor.user, record=record, answers=agreement_answers(record, finished=True)
    )
    people = {
        AgreementCapacity.NQSW: record.nqsw.user,
        AgreementCapacity.ASSESSOR: record.assessor.user,
        AgreementCapacity.LINE_MANAGER: record.line_manager.user,
        AgreementCapacity.ASYE_LEAD: psw,
    }
    for capacity, actor in people.items():
        agreement_services.agreement_sign(actor=actor, agreement=agreement, capacity=capacity)


def _accepted_evidence(record: AsyeRecord, today: datetime.date) -> None:
    nqsw, assessor = record.nqsw.user, record.assessor.user
    number = 0
    for kind, minimum in (record.programme_version.evidence_minimums or {}).items():
        for n in range(int(minimum)):
            number += 1
            item = evidence_services.evidence_create(
                actor=nqsw,
                record=record,
                kind=kind,
                title=f"{EvidenceKind(kind).label} {n + 1}",
                date=record.start_date + datetime.timedelta(days=20 * number),
                answers=ANSWERS.get(kind, {}),
                idempotency_key=f"demo-final:{kind}:{n}",
            )
            try:
                evidence_services.evidence_submit(actor=nqsw, item=item, version=item.version)
            except evidence_services.FlagsNotConfirmed as refused:
                for flag in refused.flags:
                    source, flag_kind, sha = flag.identity
                    evidence_services.evidence_flag_confirm(
                        actor=nqsw, item=item, source=source, kind=flag_kind, text_sha256=sha
                    )
                evidence_services.evidence_submit(actor=nqsw, item=item, version=item.version)
            if kind == EvidenceKind.DIRECT_OBSERVATION:
                evidence_services.evidence_observer_record(
                    actor=assessor,
                    item=item,
                    version=item.version,
                    answers={
                        "observer_assessment": "Strengths: warmth, clear planning. To develop: summarising.",
                        "observer_judgement": "Safe, person-led practice at the level expected.",
                    },
                )
            evidence_services.evidence_accept(actor=assessor, item=item, comment="Accepted.")
    ids = [i.pk for i in selectors.items_to_confirm(record=record)]
    services.anonymisation_confirm(actor=nqsw, record=record, item_ids=ids)


def _final(record: AsyeRecord) -> None:
    services.final_reflection_update(
        actor=record.nqsw.user,
        record=record,
        reflection=(
            "At the start I tried to solve everything at once. Over the year supervision taught me to slow "
            "down, to let people set the pace and to record my reasoning as well as my decisions."
        ),
        further_development="Best interests assessor training, and more experience of court work.",
    )
    services.final_report_update(
        actor=record.assessor.user,
        record=record,
        report=(
            "Harriet's practice is consistently safe, reflective and person-led. Observations, feedback "
            "and written work show steady progress across every domain, and the concerns about late "
            "recording raised early in the year were resolved by the midpoint."
        ),
        recommendation=Recommendation.PASS,
        judgements={
            d.pk: {"met": rules.MET, "reason": "Shown across observations, feedback and written work."}
            for d in selectors.final_domains(record=record)
        },
    )
    services.final_endorsement_update(
        actor=record.line_manager.user,
        record=record,
        endorsement=Endorsement.ENDORSE,
        manager_comments="Support was given as agreed: supervision on time, a protected caseload throughout.",
    )
    people = {
        SignatureCapacity.NQSW: record.nqsw.user,
        SignatureCapacity.ASSESSOR: record.assessor.user,
        SignatureCapacity.LINE_MANAGER: record.line_manager.user,
    }
    for capacity, actor in people.items():
        services.final_sign(actor=actor, record=record, capacity=capacity)


def _ready_and_submitted(record: AsyeRecord, psw: User, today: datetime.date) -> None:
    _agreement(record, psw)
    for due in record_schedule(record, today=today).reviews:
        review_write(record, due.key, concerns=False)
        review_sign(record, due.key, EVERYONE)
    _accepted_evidence(record, today)
    _final(record)
    services.record_submit_to_moderation(record=record, actor=record.nqsw.user)


@transaction.atomic
def load_final_demo() -> None:
    council = Organisation.objects.filter(slug=COUNCIL).first()
    psw = User.objects.filter(email=f"psw@{DEMO_DOMAIN}").first()
    assessor = Membership.objects.filter(
        user__email=f"assessor@{DEMO_DOMAIN}", organisation=council, role=Role.ASSESSOR
    ).first()
    manager = Membership.objects.filter(
        user__email=f"line-manager@{DEMO_DOMAIN}", organisation=council, role=Role.LINE_MANAGER
    ).first()
    if council is None or psw is None or assessor is None or manager is None:
        return  # the core's demo academy is not loaded
    today = timezone.localdate()
    place = Place(
        council, Team.objects.filter(organisation=council, name=ADULT_TEAM).first(), psw, assessor, manager
    )
    for index, (email, name, month) in enumerate(PEOPLE, start=1):
        record = _record(email, name, month, index, place)
        if record is None:
            continue
        if email == PAUSED:
            record_services.record_pause_add(
                actor=psw,
                record=record,
                starts_on=today - datetime.timedelta(days=21),
                reason="Sickness absence; a return date is not known yet.",
            )
        record = (
            AsyeRecord.objects.select_related(
                "nqsw__user", "assessor__user", "line_manager__user", "organisation", "programme_version"
            )
            .prefetch_related("pauses")
            .get(pk=record.pk)
        )
        _support(record, today)
        if email == MODERATION:
            _ready_and_submitted(record, psw, today)
        elif email == WITHDRAWN:
            services.record_withdraw(
                actor=psw,
                record=record,
                withdrawn_on=today - datetime.timedelta(days=7),
                reason="Left the council for a post in another region; will start the ASYE again there.",
            )
        elif email == EXTENDED:
            end = record_schedule(record, today=today).planned_end
            services.record_extend(
                actor=psw,
                record=record,
                new_end_on=add_months(end, 3),
                reason="Three months of part-time hours after a period of caring for a relative.",
            )
