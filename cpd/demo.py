"""Demo CPD: invented records for the demo academy's people, so the ledger, the tracker and the
home panel show every state. Dates are set from today's registration year, so the demo works
whenever it is loaded: on 1 December 2026 the 2025-26 registration year has just ended and
2026-27 has just begun.

- Jordan (social worker): last year done (two records, one peer-reflected); this year on track
  (one complete record already).
- Priya (NQSW): last year not met (one record, no peer reflection: readable as a past year);
  this year one draft.
- Helen (PSW): last year done; nothing yet this year.
- Martin (assessor): last year at risk to the end (two drafts), this year nothing.
- Jordan Pike (former social worker, employment at Saltmarsh ended): keeps their ledger, with
  last year done and one record this year (docs/adr/0012).
- Grace (line manager of the adult community team, Priya's): this year's requirement met already (two
  records, one peer-reflected).
- Jo (practice educator, in the partnership's other council): this year on track (one record).

So the employer's compliance page (cpd/compliance/) has people met, on track and not started
in the current year, and met and not met in the year before; from 1 September (the renewal
window) those not met yet show as at risk.

Running the loader again changes nothing: a record is made only when the person has none with
its title on its date."""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import User

from . import rules, selectors, services
from .models import ActivityType, CpdRecord


@dataclass(frozen=True)
class DemoRecord:
    title: str
    activity_type: str
    description: str
    learning: str
    impact: str
    days_into_year: int
    last_year: bool = True
    complete: bool = True
    peer: str = ""
    peer_role: str = ""
    provider: str = ""
    hours: str = ""
    topics: list[str] = field(default_factory=list)


CAPACITY = DemoRecord(
    "Mental capacity in practice: a refresher",
    ActivityType.COURSE,
    "A one-day refresher on the Mental Capacity Act run by the academy. I assess capacity most weeks.",
    "To frame each assessment around one decision at a time, and to record why I reached my view.",
    "My assessments are shorter and clearer, and the people I visit are asked about each decision.",
    40,
    peer="My manager and I compared two of my recent assessments against what the course taught.",
    peer_role="Team manager",
    provider="Northvale Academy",
    hours="6",
    topics=["4.4", "4.7"],
)
KINSHIP = DemoRecord(
    "Podcast series on kinship care",
    ActivityType.PODCAST,
    "Three episodes in which kinship carers describe the support they were offered.",
    "How often kinship carers feel judged at the first visit, and what helped them trust the worker.",
    "I now explain at the start what the assessment is for and what will happen next.",
    150,
    hours="2.5",
    topics=["4.3"],
)
HOARDING = DemoRecord(
    "Research briefing on self-neglect and hoarding",
    ActivityType.READING,
    "A research-in-practice briefing on working with people who self-neglect.",
    "That building a relationship over several visits matters more than an early clear-out.",
    "I plan longer pieces of work with fewer, better prepared visits.",
    200,
)
SUPERVISION = DemoRecord(
    "Reflective supervision on a safeguarding enquiry",
    ActivityType.SUPERVISION,
    "Supervision in which I reviewed how I led a section 42 enquiry.",
    "Where I had let the family's account outweigh the adult's own wishes.",
    "I now meet the adult on their own first, unless there is a reason not to.",
    5,
    last_year=False,
    topics=["4.2", "4.6"],
)

DUTY = DemoRecord(
    "Shadowing the hospital discharge duty desk",
    ActivityType.SHADOWING,
    "Two days with the hospital discharge team to see how referrals reach our community team.",
    "Which details the ward needs from us on the first day, and why discharges stall at weekends.",
    "Our team now calls the ward on the day a referral arrives, and fewer discharges are delayed.",
    3,
    last_year=False,
    peer="A ward social worker and I compared how each of our teams decides what is urgent.",
    peer_role="Hospital social worker",
    topics=["4.4"],
)
LEADING = DemoRecord(
    "Course on leading reflective team meetings",
    ActivityType.COURSE,
    "A half-day course for managers on running group supervision.",
    "How to keep a case discussion on the practitioner's reasoning rather than on tasks.",
    "Our fortnightly team meeting now includes one case discussed in this way.",
    4,
    last_year=False,
    provider="Northvale Academy",
    topics=["4.2", "4.5"],
)


PLANS: dict[str, list[DemoRecord]] = {
    f"social-worker@{DEMO_DOMAIN}": [CAPACITY, KINSHIP, SUPERVISION],
    f"nqsw@{DEMO_DOMAIN}": [
        HOARDING,
        DemoRecord(
            "Webinar on court skills",
            ActivityType.WEBINAR,
            "",
            "",
            "",
            0,
            last_year=False,
            complete=False,
        ),
    ],
    f"psw@{DEMO_DOMAIN}": [KINSHIP, CAPACITY],
    f"former-social-worker@{DEMO_DOMAIN}": [CAPACITY, HOARDING, SUPERVISION],
    f"line-manager@{DEMO_DOMAIN}": [DUTY, LEADING],
    f"practice-educator@{DEMO_DOMAIN}": [replace(HOARDING, last_year=False, days_into_year=2)],
    f"assessor@{DEMO_DOMAIN}": [
        DemoRecord(
            "Conference on practice education", ActivityType.CONFERENCE, "", "", "", 100, complete=False
        ),
        DemoRecord("Article on assessing NQSWs", ActivityType.READING, "", "", "", 250, complete=False),
    ],
}


def _date(plan: DemoRecord, *, current: rules.YearLike, today: datetime.date) -> datetime.date:
    start = current.starts_on
    if plan.last_year:
        start = datetime.date(start.year - 1, start.month, start.day)
    return min(start + datetime.timedelta(days=plan.days_into_year), today)


@transaction.atomic
def load_cpd_demo() -> None:
    now = timezone.now()
    current = selectors.registration_year_current(now=now)
    if current is None:
        return
    today = rules.london_today(now)
    topics = {t.code: t for t in selectors.cpd_topic_elements()}
    for email, plans in PLANS.items():
        person = User.objects.filter(email=email).first()
        if person is None:
            continue  # the core's demo academy is not loaded
        for plan in plans:
            occurred_on = _date(plan, current=current, today=today)
            if CpdRecord.objects.filter(person=person, title=plan.title, occurred_on=occurred_on).exists():
                continue
            if selectors.registration_year_for(day=occurred_on) is None:
                continue
            services.cpd_record_create(
                actor=person,
                title=plan.title,
                activity_type=plan.activity_type,
                occurred_on=occurred_on,
                description=plan.description,
                learning=plan.learning,
                impact=plan.impact,
                hours=Decimal(plan.hours) if plan.hours else None,
                provider=plan.provider,
                topics=[topics[code] for code in plan.topics if code in topics],
                peer_learning=plan.peer,
                peer_role=plan.peer_role,
                complete=plan.complete,
            )
