"""Demo reviews for the demo ASYE records (asye/demo.py): foundational reviews signed by all
three, one with concerns and an action plan, a midpoint review waiting for the assessor's and
line manager's signatures, and a nine-month review under way. Invented text only. Idempotent: a
review that exists is left as it is."""

import datetime

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from asye.demo import NQSWS
from asye.models import AsyeRecord
from asye.signatures import SignatureCapacity

from . import selectors, services
from .models import Rating, Review

# For each demo NQSW (by email): (review key, what happens to it), in order.
WRITTEN, CONCERNS, SIGNED_BY_NQSW, SIGNED = "written", "concerns", "signed by the NQSW", "signed"
PLAN = {
    f"nqsw@{DEMO_DOMAIN}": [("foundational", SIGNED)],
    f"nqsw-adults-7@{DEMO_DOMAIN}": [("foundational", CONCERNS)],
    f"nqsw-adults-11@{DEMO_DOMAIN}": [
        ("foundational", SIGNED),
        ("midpoint", SIGNED),
        ("nine_month", WRITTEN),
    ],
    f"nqsw-children-7@{DEMO_DOMAIN}": [("foundational", SIGNED), ("midpoint", SIGNED_BY_NQSW)],
    f"nqsw-children-11@{DEMO_DOMAIN}": [("foundational", SIGNED), ("midpoint", SIGNED)],
}


def _write(record: AsyeRecord, key: str, *, concerns: bool, nqsw_only: bool = False) -> None:
    services.review_reflection_update(
        actor=record.nqsw.user,
        record=record,
        key=key,
        reflection=(
            "I have grown more confident leading visits on my own. Supervision helped me think through "
            "a difficult safeguarding decision, and I now plan my recording time into each week."
        ),
        self_assessment="Secure on most statements; the law and court work are where I need most practice.",
    )
    if nqsw_only:
        return
    services.review_support_update(
        actor=record.line_manager.user,
        record=record,
        key=key,
        supervision="Held at the agreed frequency, with one session moved by a week for leave.",
        workload="A caseload about two thirds of an experienced colleague's, with no complex court work.",
        protected_time="Half a day most weeks, spent on reading, shadowing and a course on assessments.",
    )
    domains = selectors.review_domains(record=record)
    judgements = {d.pk: {"rating": Rating.ON_TRACK, "reason": "Shown in accepted evidence."} for d in domains}
    plan = []
    if concerns and domains:
        judgements[domains[0].pk] = {
            "rating": Rating.SOME_CONCERNS,
            "reason": "Case notes are often written more than a week after a visit.",
        }
        judgements[domains[-1].pk] = {
            "rating": Rating.SERIOUS_CONCERNS,
            "reason": "Two reports were shared before the manager had checked them.",
        }
        today = timezone.localdate()
        plan = [
            {
                "action": "Write up each visit within two working days",
                "by": today + datetime.timedelta(days=28),
            },
            {
                "action": "Agree a checking step for reports with the manager",
                "by": today + datetime.timedelta(days=14),
            },
        ]
    services.review_assessment_update(
        actor=record.assessor.user,
        record=record,
        key=key,
        judgements=judgements,
        progress_summary=(
            "Progress needs attention in two areas; the action plan sets out how."
            if concerns
            else "Progressing well for this point of the year."
        ),
        action_plan=plan,
    )


def _sign(record: AsyeRecord, key: str, capacities: list[SignatureCapacity]) -> None:
    people = {
        SignatureCapacity.NQSW: record.nqsw.user,
        SignatureCapacity.ASSESSOR: record.assessor.user,
        SignatureCapacity.LINE_MANAGER: record.line_manager.user,
    }
    for capacity in capacities:
        services.review_sign(actor=people[capacity], record=record, key=key, capacity=capacity)


@transaction.atomic
def load_reviews_demo() -> None:
    everyone = [SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR, SignatureCapacity.LINE_MANAGER]
    for person in NQSWS:
        steps = PLAN.get(person.email)
        if not steps:
            continue
        record = (
            AsyeRecord.objects.select_related(
                "nqsw__user", "assessor__user", "line_manager__user", "organisation", "programme_version"
            )
            .filter(nqsw__user__email=person.email)
            .order_by("-start_date")
            .first()
        )
        if record is None:
            continue  # the ASYE demo records are not loaded
        for key, step in steps:
            if Review.objects.filter(record=record, key=key).exists():
                continue
            _write(record, key, concerns=step == CONCERNS, nqsw_only=step == WRITTEN)
            if step in (SIGNED, CONCERNS):
                _sign(record, key, everyone)
            elif step == SIGNED_BY_NQSW:
                _sign(record, key, [SignatureCapacity.NQSW])
