"""The demo academy: invented organisations and people, one sign-in per role.

Apps add their own demo records by registering a loader with `academy.registry.demo` (from
their AppConfig.ready()), so the core never imports them. Loading is idempotent: running it
twice changes nothing."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Invitation, Membership, Notification, Organisation, Team, User
from .registry.demo import run_demo_loaders
from .roles import Role

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (documented demo login)
DEMO_DOMAIN = "demo.academy.test"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: Role
    organisation: str  # slug
    team: str = ""
    # Days since their employment ended (0: still employed). Such a person signs in to their own
    # records only (docs/adr/0012-signing-in-after-employment-ends.md).
    ended_days_ago: int = 0


ORGANISATIONS = [
    # slug, name, kind, parent slug
    ("northvale-academy", "Northvale Social Work Academy", Organisation.Kind.PARTNERSHIP, None),
    ("brackenmoor", "Brackenmoor Borough Council", Organisation.Kind.COUNCIL, "northvale-academy"),
    ("saltmarsh", "Saltmarsh County Council", Organisation.Kind.COUNCIL, "northvale-academy"),
    ("university-of-northvale", "University of Northvale", Organisation.Kind.UNIVERSITY, None),
    ("eastholm", "Eastholm City Council", Organisation.Kind.COUNCIL, None),
]

TEAMS = [
    ("brackenmoor", "Adult Community Team North", Team.ServiceArea.ADULTS),
    ("brackenmoor", "Children's Assessment Team", Team.ServiceArea.CHILDREN_FAMILIES),
    ("saltmarsh", "Hospital Discharge Team", Team.ServiceArea.ADULTS),
    ("eastholm", "Family Support Team", Team.ServiceArea.CHILDREN_FAMILIES),
]

PEOPLE = [
    DemoPerson(f"nqsw@{DEMO_DOMAIN}", "Priya Calder", Role.NQSW, "brackenmoor", "Adult Community Team North"),
    DemoPerson(
        f"social-worker@{DEMO_DOMAIN}",
        "Tom Ashdown",
        Role.SOCIAL_WORKER,
        "brackenmoor",
        "Adult Community Team North",
    ),
    DemoPerson(
        f"line-manager@{DEMO_DOMAIN}",
        "Grace Okafor-Lind",
        Role.LINE_MANAGER,
        "brackenmoor",
        "Adult Community Team North",
    ),
    DemoPerson(f"assessor@{DEMO_DOMAIN}", "Martin Feld", Role.ASSESSOR, "brackenmoor"),
    DemoPerson(f"psw@{DEMO_DOMAIN}", "Helen Marsh-Quayle", Role.PSW, "brackenmoor"),
    DemoPerson(f"academy-admin@{DEMO_DOMAIN}", "Rosa Pennant", Role.ACADEMY_ADMIN, "northvale-academy"),
    DemoPerson(f"moderator@{DEMO_DOMAIN}", "Ibrahim Colley", Role.MODERATOR, "northvale-academy"),
    DemoPerson(
        f"practice-educator@{DEMO_DOMAIN}",
        "Jo Whitlow",
        Role.PRACTICE_EDUCATOR,
        "saltmarsh",
        "Hospital Discharge Team",
    ),
    DemoPerson(f"student@{DEMO_DOMAIN}", "Sam Rivington", Role.STUDENT, "university-of-northvale"),
    DemoPerson(f"tutor@{DEMO_DOMAIN}", "Dr Anya Brook", Role.TUTOR, "university-of-northvale"),
    DemoPerson(f"outsider@{DEMO_DOMAIN}", "Lee Dunmore", Role.PSW, "eastholm"),
    DemoPerson(
        f"former-social-worker@{DEMO_DOMAIN}",
        "Jordan Pike",
        Role.SOCIAL_WORKER,
        "saltmarsh",
        "Hospital Discharge Team",
        ended_days_ago=45,
    ),
]


@transaction.atomic
def load_core_demo() -> list[DemoPerson]:
    orgs: dict[str, Organisation] = {}
    for slug, name, kind, parent in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "parent": orgs.get(parent) if parent else None}
        )
        orgs[slug] = org
    teams = {}
    for org_slug, name, area in TEAMS:
        team, _ = Team.objects.get_or_create(
            organisation=orgs[org_slug], name=name, defaults={"service_area": area}
        )
        teams[name] = team
    for person in PEOPLE:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User.objects.create_user(person.email, DEMO_PASSWORD, full_name=person.full_name)
            _verify_email(user)
        today = timezone.localdate()
        if person.ended_days_ago:
            ended_on = today - timedelta(days=person.ended_days_ago)
            Membership.objects.get_or_create(
                user=user,
                organisation=orgs[person.organisation],
                role=person.role,
                defaults={
                    "team": teams.get(person.team),
                    "started_on": ended_on - timedelta(days=3 * 365),
                    "ended_on": ended_on,
                    "is_active": False,
                    "deactivated_at": timezone.now() - timedelta(days=person.ended_days_ago - 1),
                },
            )
            continue
        Membership.objects.get_or_create(
            user=user,
            organisation=orgs[person.organisation],
            role=person.role,
            defaults={"team": teams.get(person.team), "started_on": today},
        )
        if not Notification.objects.filter(recipient=user).exists():
            Notification.objects.create(
                recipient=user,
                organisation=orgs[person.organisation],
                title="Welcome to the academy portal",
                body="Reminders about supervision, reviews, CPD and sessions will appear here and by email.",
            )
    _invite_demo_newcomer(orgs["brackenmoor"])
    return PEOPLE


def _invite_demo_newcomer(council: Organisation) -> None:
    """One invitation waiting to be accepted, so the staff pages show how invitations look."""
    from .services import invitation_create

    email = f"new-starter@{DEMO_DOMAIN}"
    if not Invitation.objects.filter(email=email).exists():
        psw = User.objects.get(email=f"psw@{DEMO_DOMAIN}")
        invitation_create(
            actor=psw, organisation=council, email=email, role=Role.NQSW, full_name="Dev Harrow"
        )


def _verify_email(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def load_demo() -> list[DemoPerson]:
    """The core's demo academy, then each app's registered loader."""
    people = load_core_demo()
    run_demo_loaders()
    return people
