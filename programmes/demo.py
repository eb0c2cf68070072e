"""Demo programmes: a few courses of the Northvale academy and one of Brackenmoor council, with
sessions to come. One workshop session is full, with a waiting list; one course needs a line
manager's approval and has a booking waiting for it. The academy starts from the standard career
pathway, its Best Interests Assessor step linked to that course, and sends a bulletin to all its
councils. Loading twice changes nothing: a programme
the demo made already (by its title and organisation) is left alone."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from academy.demo import DEMO_DOMAIN
from academy.models import Membership, Organisation, User

from .models import Bulletin, CareerStage, Programme, ProgrammeKind, ProviderKind, ServiceArea, SessionMode
from .news.services import bulletin_publish
from .pathways.services import pathway_add_standard
from .services import booking_make, programme_create, session_series_create

ACADEMY = "northvale-academy"
DEMO_BULLETIN = "Spring reflective practice groups are open for booking"
COUNCIL = "brackenmoor"


def _user(name: str) -> User:
    return User.objects.get(email=f"{name}@{DEMO_DOMAIN}")


def _membership(name: str) -> Membership:
    return Membership.objects.select_related("organisation", "user").get(user__email=f"{name}@{DEMO_DOMAIN}")


def _next(weekday: int, weeks_ahead: int) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


PROGRAMMES = [
    {
        "org": ACADEMY,
        "title": "Best Interests Assessor training",
        "kind": ProgrammeKind.ACCREDITED,
        "description": "A university-accredited course for experienced practitioners preparing to act as "
        "Best Interests Assessors under the Mental Capacity Act.",
        "career_stage": CareerStage.SENIOR,
        "service_area": ServiceArea.ADULTS,
        "provider_kind": ProviderKind.UNIVERSITY,
        "provider_name": "University of Northvale",
        "cpd_hours": Decimal("35"),
        "prerequisites": "Two years' post-qualifying experience in adult services.",
        "requires_manager_approval": True,
        "outcomes": ["Apply the Mental Capacity Act's best interests checklist to complex decisions"],
        "sessions": {
            "weekday": 1,
            "weeks_ahead": 3,
            "weeks": 1,
            "start": (9, 30),
            "end": (16, 30),
            "capacity": 12,
        },
    },
    {
        "org": ACADEMY,
        "title": "Bite-size: writing defensible case notes",
        "kind": ProgrammeKind.WORKSHOP,
        "description": "A weekly one-hour online workshop on clear, proportionate and defensible recording.",
        "career_stage": CareerStage.ANY,
        "service_area": ServiceArea.ANY,
        "provider_kind": ProviderKind.IN_HOUSE,
        "provider_name": "",
        "cpd_hours": Decimal("1"),
        "prerequisites": "",
        "requires_manager_approval": False,
        "outcomes": ["Write case notes that a person could read about themselves without surprise"],
        "sessions": {
            "weekday": 2,
            "weeks_ahead": 1,
            "weeks": 4,
            "start": (12, 30),
            "end": (13, 30),
            "capacity": 2,
            "online": True,
        },
    },
    {
        "org": COUNCIL,
        "title": "Reflective practice group for NQSWs",
        "kind": ProgrammeKind.REFLECTIVE_GROUP,
        "description": "A facilitated monthly group for newly qualified social workers in Brackenmoor.",
        "career_stage": CareerStage.NQSW,
        "service_area": ServiceArea.ANY,
        "provider_kind": ProviderKind.IN_HOUSE,
        "provider_name": "",
        "cpd_hours": Decimal("2"),
        "prerequisites": "",
        "requires_manager_approval": False,
        "outcomes": [],
        "sessions": {
            "weekday": 3,
            "weeks_ahead": 2,
            "weeks": 1,
            "start": (14, 0),
            "end": (16, 0),
            "capacity": 10,
        },
    },
]


@transaction.atomic
def load_programmes_demo() -> None:
    admin = _user("academy-admin")
    for plan in PROGRAMMES:
        organisation = Organisation.objects.get(slug=plan["org"])
        if Programme.objects.filter(organisation=organisation, title=plan["title"]).exists():
            continue
        fields = {k: v for k, v in plan.items() if k not in {"org", "outcomes", "sessions"}}
        programme = programme_create(
            actor=admin,
            organisation=organisation,
            outcomes=[(text, []) for text in plan["outcomes"]],  # type: ignore[attr-defined]
            is_published=True,
            **fields,
        )
        spec: dict = plan["sessions"]  # type: ignore[assignment]
        online = spec.get("online", False)
        sessions = session_series_create(
            actor=admin,
            programme=programme,
            first_day=_next(spec["weekday"], spec["weeks_ahead"]),
            start=datetime.time(*spec["start"]),
            end=datetime.time(*spec["end"]),
            weeks=spec["weeks"],
            mode=SessionMode.ONLINE if online else SessionMode.IN_PERSON,
            venue="" if online else "Northvale Academy, Room 2, 14 Quay Street",
            joining_link="https://meet.example.test/northvale-bite-size" if online else "",
            capacity=spec["capacity"],
            facilitator=_membership("psw"),
        )
        first = sessions[0]
        if programme.title.startswith("Bite-size"):
            # Full, with someone waiting.
            for name in ("social-worker", "practice-educator", "nqsw"):
                member = _membership(name)
                booking_make(actor=member.user, session=first, organisation=member.organisation)
        if programme.requires_manager_approval:
            member = _membership("social-worker")
            booking_make(actor=member.user, session=first, organisation=member.organisation)
    # The standard career pathway, linked to the academy's programmes (once).
    pathway_add_standard(actor=admin, organisation=Organisation.objects.get(slug=ACADEMY))
    # A bulletin to everyone in the partnership and its councils (once).
    academy = Organisation.objects.get(slug=ACADEMY)
    if not Bulletin.objects.filter(organisation=academy, title=DEMO_BULLETIN).exists():
        bulletin_publish(
            actor=admin,
            organisation=academy,
            title=DEMO_BULLETIN,
            body="Our spring reflective practice groups start next month. Places are limited: book "
            "from the Programmes page.",
            audience_organisations=[academy, *Organisation.objects.filter(parent=academy)],
        )
