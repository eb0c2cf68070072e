"""Demo ASYE records: invented NQSWs in Brackenmoor's adult and children's teams at months 1, 4,
7 and 11 of their year, assigned to the demo assessor and line manager. Start dates are set
from today the first time; running the loader again changes nothing (an NQSW with a record
keeps it)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN, DEMO_PASSWORD
from academy.models import Membership, Organisation, Team, User
from academy.roles import Role

from . import services
from .dates import add_months
from .evidence.demo import load_evidence_demo
from .models import OPEN_STATUSES, AsyeRecord, ProgrammeType, RecordPause

COUNCIL = "brackenmoor"
ADULT_TEAM = "Adult Community Team North"
CHILDREN_TEAM = "Children's Assessment Team"


@dataclass(frozen=True)
class DemoNqsw:
    email: str
    full_name: str
    team: str
    programme: str
    month: int
    fte: Decimal = Decimal("1")
    paused_days: int = 0


NQSWS = [
    DemoNqsw(f"nqsw-adults-1@{DEMO_DOMAIN}", "Owen Threlkeld", ADULT_TEAM, "adult-asye", 1),
    DemoNqsw(f"nqsw@{DEMO_DOMAIN}", "Priya Calder", ADULT_TEAM, "adult-asye", 4),
    DemoNqsw(f"nqsw-adults-7@{DEMO_DOMAIN}", "Maya Lindqvist", ADULT_TEAM, "adult-asye", 7, Decimal("0.6")),
    DemoNqsw(f"nqsw-adults-11@{DEMO_DOMAIN}", "Callum Reyes", ADULT_TEAM, "adult-asye", 11, paused_days=14),
    DemoNqsw(f"nqsw-children-1@{DEMO_DOMAIN}", "Aisha Penrose", CHILDREN_TEAM, "child-family-asye", 1),
    DemoNqsw(f"nqsw-children-4@{DEMO_DOMAIN}", "Ben Okafor-Hart", CHILDREN_TEAM, "child-family-asye", 4),
    DemoNqsw(
        f"nqsw-children-7@{DEMO_DOMAIN}",
        "Freya Dalton",
        CHILDREN_TEAM,
        "child-family-asye",
        7,
        Decimal("0.8"),
    ),
    DemoNqsw(f"nqsw-children-11@{DEMO_DOMAIN}", "Idris Moyle", CHILDREN_TEAM, "child-family-asye", 11),
]


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        from allauth.account.models import EmailAddress

        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=full_name)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    return user


def _start_for(month: int, today: datetime.date) -> datetime.date:
    """A start date that puts `today` ten days into month `month` of the programme."""
    return add_months(today, -(month - 1)) - datetime.timedelta(days=10)


@transaction.atomic
def load_asye_demo() -> None:
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
    teams = {team.name: team for team in Team.objects.filter(organisation=council)}
    records = []
    for index, person in enumerate(NQSWS, start=1):
        user = _user(person.email, person.full_name)
        nqsw, _ = Membership.objects.get_or_create(
            user=user,
            organisation=council,
            role=Role.NQSW,
            defaults={"team": teams.get(person.team), "started_on": _start_for(person.month, today)},
        )
        existing = AsyeRecord.objects.filter(nqsw=nqsw, status__in=[s.value for s in OPEN_STATUSES]).first()
        if existing is not None:
            records.append(existing)
            continue
        start = _start_for(person.month, today)
        record = services.record_create(
            actor=psw,
            nqsw=nqsw,
            programme_type=ProgrammeType.objects.get(slug=person.programme),
            team=teams.get(person.team),
            start_date=start,
            fte=person.fte,
            date_qualified=add_months(start, -3),
            university="University of Northvale",
            swe_number=f"SW90{index:04d}",
            assessor=assessor,
            line_manager=manager,
        )
        records.append(record)
        if person.paused_days and not RecordPause.objects.filter(record=record).exists():
            pause_start = add_months(start, 5)
            services.record_pause_add(
                actor=psw,
                record=record,
                starts_on=pause_start,
                ends_on=pause_start + datetime.timedelta(days=person.paused_days - 1),
                reason="Annual leave carried over and a short period of sickness.",
            )
    load_evidence_demo(
        list(
            AsyeRecord.objects.filter(pk__in=[r.pk for r in records]).select_related(
                "nqsw__user", "assessor__user", "line_manager__user", "organisation", "programme_version"
            )
        ),
        today,
    )
