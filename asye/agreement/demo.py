"""Demo agreements and development plans for the demo ASYE records (asye/demo.py): agreements
not started, being written, partly signed, signed by everyone, and one changed after signing
(version 2 waiting for signatures); plans with rows for each period reached so far, the earlier
ones reviewed. Invented text only. Idempotent: a record with an agreement keeps it, and plan
rows carry fixed submit tokens, so a second run adds nothing."""

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction

from academy.demo import DEMO_DOMAIN
from academy.models import User
from asye.demo import NQSWS
from asye.models import AsyeRecord

from . import rules, selectors, services
from .models import Agreement, SignatureCapacity

TOKENS = uuid.UUID("6f1c7a52-3d3e-4b8e-9a57-0d6c1e2b9f10")

# The agreement's state for each demo NQSW (by email): how far it has gone.
NOT_STARTED, WRITING, PART_SIGNED, SIGNED, CHANGED = "not started", "writing", "part", "signed", "changed"
STATES = {
    f"nqsw-adults-1@{DEMO_DOMAIN}": WRITING,
    f"nqsw@{DEMO_DOMAIN}": SIGNED,
    f"nqsw-adults-7@{DEMO_DOMAIN}": CHANGED,
    f"nqsw-adults-11@{DEMO_DOMAIN}": SIGNED,
    f"nqsw-children-1@{DEMO_DOMAIN}": NOT_STARTED,
    f"nqsw-children-4@{DEMO_DOMAIN}": PART_SIGNED,
    f"nqsw-children-7@{DEMO_DOMAIN}": SIGNED,
    f"nqsw-children-11@{DEMO_DOMAIN}": SIGNED,
}


@dataclass(frozen=True)
class DemoRow:
    learning_need: str
    action: str
    support: str
    progress: str
    review: str


ROWS = {
    "initial": [
        DemoRow(
            "Confidence in carrying out assessments under the Care Act",
            "Co-work three assessments with an experienced colleague before leading one",
            "Assessor; the team's practice guidance",
            "Three co-worked assessments recorded in supervision notes",
            "Good progress: the third assessment was led well, with clear recording.",
        ),
        DemoRow(
            "Knowing local services and how to refer to them",
            "Visit the two day centres and the carers' hub; keep a referral crib sheet",
            "Team administrator; protected development time",
            "Crib sheet shared with the team",
            "Done, and the crib sheet is now used by the whole team.",
        ),
    ],
    "months-3-6": [
        DemoRow(
            "Recording defensible decisions",
            "Attend the recording workshop and ask for feedback on two case records",
            "Learning and development team",
            "Feedback on two records from the assessor",
            "Records now show the reasoning; keep working on brevity.",
        ),
        DemoRow(
            "Working with people who lack capacity for a specific decision",
            "Shadow a best interests meeting and write a reflection on it",
            "Mental capacity lead",
            "A written reflection in the portfolio",
            "",
        ),
    ],
    "months-6-12": [
        DemoRow(
            "Leading a complex case with several agencies",
            "Hold one case with health and housing involvement from start to review",
            "Line manager in fortnightly case discussion",
            "",
            "",
        ),
    ],
}


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _token(record: AsyeRecord, period: str, index: int) -> uuid.UUID:
    return uuid.uuid5(TOKENS, f"{record.pk}:{period}:{index}")


def _answers(record: AsyeRecord, *, finished: bool) -> dict[str, str]:
    first_name = record.nqsw.user.display_name.split()[0]
    start = record.start_date
    answers = {
        "meeting_date": (start + datetime.timedelta(days=14)).isoformat(),
        "people_present": "",
        "programme_coordinator": "The academy's ASYE co-ordinator",
        "team_address": f"{record.team.name if record.team else 'The team'}, Civic Offices, Brackenmoor",
        "service_user_group": "Adults with care and support needs and their carers"
        if record.service_area == "adults"
        else "Children in need and their families",
        "background": f"{first_name} qualified this year after a final placement in a similar team, "
        "and worked as a support worker before the degree.",
        "moderation_panel_date": (start + datetime.timedelta(days=330)).isoformat(),
    }
    if not finished:
        answers["background"] = ""
        answers["moderation_panel_date"] = ""
    return answers


def _plan(record: AsyeRecord, month: int, assessor: User, manager: User) -> None:
    periods = [p for p in rules.pdp_periods(record.programme_version.forms) if p.from_months < month]
    for period in periods:
        reviewed = period.to_months is not None and period.to_months < month
        for index, row in enumerate(ROWS.get(period.key, [])):
            added = services.plan_row_add(
                actor=record.nqsw.user,
                record=record,
                period=period.key,
                submit_token=_token(record, period.key, index),
                learning_need=row.learning_need,
                action=row.action,
                support=row.support,
                target_date=record.start_date + datetime.timedelta(days=30 * (period.to_months or 12)),
                progress_evidence=row.progress if reviewed else "",
            )
            if reviewed and row.review and not added.review_note:
                reviewer = assessor if index % 2 == 0 else manager
                services.plan_row_review(
                    actor=reviewer, row=added, revision=added.revision, review_note=row.review
                )


def _sign(agreement: Agreement, record: AsyeRecord, who: dict[str, User], capacities: list[str]) -> None:
    for capacity in capacities:
        actor = record.nqsw.user if capacity == SignatureCapacity.NQSW else who[capacity]
        services.agreement_sign(actor=actor, agreement=agreement, capacity=capacity)


@transaction.atomic
def load_agreement_demo() -> None:
    assessor = _user(f"assessor@{DEMO_DOMAIN}")
    manager = _user(f"line-manager@{DEMO_DOMAIN}")
    lead = _user(f"psw@{DEMO_DOMAIN}")
    if assessor is None or manager is None or lead is None:
        return  # the core's demo academy is not loaded
    who: dict[str, User] = {
        SignatureCapacity.ASSESSOR: assessor,
        SignatureCapacity.LINE_MANAGER: manager,
        SignatureCapacity.ASYE_LEAD: lead,
    }
    everyone = [c.value for c in SignatureCapacity]
    for person in NQSWS:
        record = (
            AsyeRecord.objects.select_related(
                "nqsw__user",
                "assessor__user",
                "line_manager__user",
                "organisation",
                "team",
                "programme_version",
            )
            .filter(nqsw__user__email=person.email)
            .order_by("-start_date")
            .first()
        )
        if record is None:
            continue
        _plan(record, person.month, assessor, manager)
        state = STATES.get(person.email, NOT_STARTED)
        if state == NOT_STARTED or selectors.agreement_latest(record=record) is not None:
            continue
        agreement = services.agreement_start(
            actor=assessor, record=record, answers=_answers(record, finished=state != WRITING)
        )
        if state == PART_SIGNED:
            _sign(agreement, record, who, [SignatureCapacity.NQSW, SignatureCapacity.ASSESSOR])
        elif state in (SIGNED, CHANGED):
            _sign(agreement, record, who, everyone)
        if state == CHANGED:
            changed = services.agreement_update(
                actor=assessor,
                agreement=agreement,
                answers={"supervision_length": "An hour, weekly, while the NQSW works three days a week."},
                revision=agreement.revision,
            )
            _sign(changed, record, who, [SignatureCapacity.NQSW])
