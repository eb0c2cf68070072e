"""Shared fixtures: the organisations of a small regional academy and one persona per role.

Layout: a partnership ("Testvale Academy") with two member councils (home and sibling), a
university, and an unrelated council whose PSW is the outsider. Personas in roles that need
two-factor authentication have a TOTP authenticator seeded; `totp_code(user)` computes a code."""

import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from academy.models import Organisation, User
from academy.roles import MFA_ROLES, Role
from academy.tests.factories import MembershipFactory, OrganisationFactory, TeamFactory, UserFactory

TOTP_SECRETS: dict[str, str] = {}


def seed_totp(user: User) -> str:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    TOTP_SECRETS[str(user.pk)] = secret
    return secret


def totp_code(user: User, *, offset: int = 0) -> str:
    """The current code for a persona's seeded authenticator (`offset` steps of 30 s)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // 30 + offset
    return format_hotp_value(hotp_value(TOTP_SECRETS[str(user.pk)], counter))


@dataclass
class Orgs:
    partnership: Organisation
    home: Organisation
    sibling: Organisation
    university: Organisation
    other: Organisation


@pytest.fixture
def frameworks(db: None) -> None:
    """Framework reference data. The data migration loads it, but a `transactional_db` test
    truncates every table, so tests that need it ask for this (the loader is idempotent)."""
    from academy.frameworks import load_frameworks
    from academy.models import Framework

    if not Framework.objects.exists():
        load_frameworks()


@pytest.fixture
def orgs(frameworks: None) -> Orgs:
    partnership = OrganisationFactory(
        name="Testvale Academy", slug="testvale", kind=Organisation.Kind.PARTNERSHIP
    )
    return Orgs(
        partnership=partnership,
        home=OrganisationFactory(name="Home Borough Council", slug="home", parent=partnership),
        sibling=OrganisationFactory(name="Sibling County Council", slug="sibling", parent=partnership),
        university=OrganisationFactory(
            name="University of Testvale", slug="uni", kind=Organisation.Kind.UNIVERSITY
        ),
        other=OrganisationFactory(name="Elsewhere City Council", slug="elsewhere"),
    )


# persona name -> (role, which organisation)
PERSONAS: dict[str, tuple[Role, str]] = {
    "nqsw": (Role.NQSW, "home"),
    "social_worker": (Role.SOCIAL_WORKER, "home"),
    "manager": (Role.LINE_MANAGER, "home"),
    "assessor": (Role.ASSESSOR, "home"),
    "psw": (Role.PSW, "home"),
    "academy_admin": (Role.ACADEMY_ADMIN, "partnership"),
    "moderator": (Role.MODERATOR, "partnership"),
    "practice_educator": (Role.PRACTICE_EDUCATOR, "home"),
    "student": (Role.STUDENT, "university"),
    "tutor": (Role.TUTOR, "university"),
    "outsider": (Role.PSW, "other"),
}


def make_persona(orgs: Orgs, name: str) -> User:
    role, org_name = PERSONAS[name]
    organisation = getattr(orgs, org_name)
    user = UserFactory(
        email=f"{name.replace('_', '-')}@example.test", full_name=f"{name.replace('_', ' ').title()} Persona"
    )
    team = TeamFactory(organisation=organisation, name=f"{name} team") if org_name == "home" else None
    MembershipFactory(user=user, organisation=organisation, role=role, team=team)
    if role in MFA_ROLES:
        seed_totp(user)
    return user


@pytest.fixture
def personas(orgs: Orgs) -> dict[str, User]:
    return {name: make_persona(orgs, name) for name in PERSONAS}


def _persona_fixture(name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture
    def fixture(personas: dict[str, User]) -> User:
        return personas[name]

    return fixture


nqsw = _persona_fixture("nqsw")
social_worker = _persona_fixture("social_worker")
manager = _persona_fixture("manager")
assessor = _persona_fixture("assessor")
psw = _persona_fixture("psw")
academy_admin = _persona_fixture("academy_admin")
moderator = _persona_fixture("moderator")
practice_educator = _persona_fixture("practice_educator")
student = _persona_fixture("student")
tutor = _persona_fixture("tutor")
outsider = _persona_fixture("outsider")


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """allauth remembers used TOTP codes and axes counts failures in the cache: start clean."""
    cache.clear()
