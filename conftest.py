"""Shared fixtures: the organisations of a small regional academy and one persona per role.

Layout: a partnership ("Testvale Academy") with two member councils (home and sibling), a
university, and an unrelated council whose PSW is the outsider. Most personas work in the home
council; `sibling_nqsw`, `sibling_psw` and `sibling_assessor` work in the sibling council, so a
leak between the partnership's councils shows. `former_employee` was a PSW in the home council
until their employment ended: no current role, their own CPD only (docs/adr/0012). Personas in
roles that need two-factor authentication have a TOTP authenticator seeded; `totp_code(user)`
computes a code."""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from academy.models import Membership, Organisation, Team, User
from academy.roles import MFA_ROLES
from academy.testing.walk import Persona, discover
from academy.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)

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
    return make_orgs()


def make_orgs() -> Orgs:
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


# Every persona, from the walk registry: the core's in academy/tests/walk.py, and any an app adds
# in its own <app>/tests/walk.py. Each gets a fixture of its name below.
PERSONAS: dict[str, Persona] = discover().personas

# Organisations whose personas get a team of their own (the councils people work in).
TEAMED = {"home", "sibling"}
TEAM_AREA = Team.ServiceArea.ADULTS  # as TeamFactory makes them


def make_persona(orgs: Orgs, name: str) -> User:
    persona = PERSONAS[name]
    organisation = getattr(orgs, persona.organisation)
    user = UserFactory(
        email=f"{name.replace('_', '-')}@example.test", full_name=f"{name.replace('_', ' ').title()} Persona"
    )
    team = (
        TeamFactory(organisation=organisation, name=f"{name} team")
        if persona.organisation in TEAMED
        else None
    )
    if persona.ended:
        # Employed until a month ago; the daily sweep has marked the role ended.
        ended_on = timezone.localdate() - timedelta(days=30)
        MembershipFactory(
            user=user,
            organisation=organisation,
            role=persona.role,
            team=team,
            started_on=ended_on - timedelta(days=700),
            ended_on=ended_on,
            is_active=False,
            deactivated_at=timezone.now() - timedelta(days=29),
        )
        return user
    MembershipFactory(user=user, organisation=organisation, role=persona.role, team=team)
    if persona.role in MFA_ROLES:
        seed_totp(user)
    return user


def make_personas(orgs: Orgs, names: Iterable[str]) -> dict[str, User]:
    """The same rows as `make_persona` for each name, written with a handful of bulk INSERTs
    instead of five or six queries a persona: most tests ask for `personas`, so this is paid
    thousands of times a run."""
    from allauth.account.models import EmailAddress

    names = list(names)
    specs = {name: PERSONAS[name] for name in names}
    users = {}
    for name in names:
        user = User(
            email=f"{name.replace('_', '-')}@example.test",
            full_name=f"{name.replace('_', ' ').title()} Persona",
        )
        user.set_password(TEST_PASSWORD)
        users[name] = user
    User.objects.bulk_create(users.values())
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users.values()
    )
    teams = {
        name: Team(organisation=getattr(orgs, spec.organisation), name=f"{name} team", service_area=TEAM_AREA)
        for name, spec in specs.items()
        if spec.organisation in TEAMED
    }
    Team.objects.bulk_create(teams.values())
    memberships = []
    for name, spec in specs.items():
        membership = Membership(
            user=users[name],
            organisation=getattr(orgs, spec.organisation),
            role=spec.role,
            team=teams.get(name),
        )
        if spec.ended:
            # Employed until a month ago; the daily sweep has marked the role ended.
            membership.ended_on = timezone.localdate() - timedelta(days=30)
            membership.started_on = membership.ended_on - timedelta(days=700)
            membership.is_active = False
            membership.deactivated_at = timezone.now() - timedelta(days=29)
        memberships.append(membership)
    Membership.objects.bulk_create(memberships)
    for name, spec in specs.items():
        if not spec.ended and spec.role in MFA_ROLES:
            seed_totp(users[name])
    return users


@pytest.fixture
def personas(orgs: Orgs) -> dict[str, User]:
    return make_personas(orgs, PERSONAS)


def _persona_fixture(name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture(name=name)
    def fixture(personas: dict[str, User]) -> User:
        return personas[name]

    return fixture


# nqsw, psw, sibling_psw, outsider, …: one fixture per persona.
for _name in PERSONAS:
    globals()[f"_persona_{_name}"] = _persona_fixture(_name)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """allauth remembers used TOTP codes and axes counts failures in the cache: start clean."""
    cache.clear()


# Long tests that need no test database (each starts fresh Python processes: migrating and loading
# the demo on SQLite takes a minute on a busy machine). pytest-django puts tests without a
# database last, so under xdist one of these used to be the last test a worker ran while the
# other worker sat idle; run first, they overlap with everything else.
RUN_FIRST = (
    "tests/test_sqlite_smoke.py",  # longest first
    "tests/test_settings.py",
    "academy/tests/test_files_settings.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's ordering (database tests, then transactional, then the rest); the
    longest of these first."""

    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return RUN_FIRST.index(path) if path in RUN_FIRST else len(RUN_FIRST)

    items.sort(key=rank)
