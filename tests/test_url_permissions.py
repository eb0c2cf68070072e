"""The URL walk: every URL pattern the project answers, named or not, requested anonymously and
as every persona, against the rules each app registers in its `<app>/tests/walk.py` (see
`academy.testing.walk`; the core's are in `academy/tests/walk.py`).

A new URL fails `test_every_url_pattern_is_covered` until its app gives it a rule or an exemption
with a reason; a rule or exemption for a URL that no longer exists fails too. GET on a POST-only
URL answers 405 for every persona.

Speed: the organisations, every persona and their sessions are made once per xdist worker (this
module's fixture) in a transaction rolled back at the end; each case runs in a savepoint on top,
so a case costs its request and the few objects its rule makes. Each case's activity is rolled
back with it, so the shared sessions stay as they were at sign-in: a worker's walk must finish
within SESSION_IDLE_MINUTES (30 by default; it takes well under a minute), or the idle time-out
signs the personas out."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from academy.frameworks import load_frameworks
from academy.models import Framework
from academy.testing import walk
from academy.testing.walk import ANONYMOUS, World
from conftest import Orgs, make_orgs, make_persona

REGISTRY = walk.discover()
PERSONAS = list(REGISTRY.personas)
ALL_KEYS = walk.url_pattern_keys()


def test_every_url_pattern_is_covered() -> None:
    missing = walk.uncovered(REGISTRY, ALL_KEYS)
    assert missing == [], (
        "Give these URL patterns a walk rule (or an exemption with its reason) in their app's "
        f"tests/walk.py: {missing}"
    )


def test_no_rule_or_exemption_outlives_its_url() -> None:
    assert walk.stale(REGISTRY, ALL_KEYS) == []


@dataclass
class Shared:
    orgs: Orgs
    personas: dict[str, Any]
    sessions: dict[str, str]


@pytest.fixture(scope="module")
def shared(django_db_setup: None, django_db_blocker: Any) -> Iterator[Shared]:
    """The organisations, every persona and a signed-in session for each, made once for this
    module inside a transaction that is rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            if not Framework.objects.exists():  # a transactional test may have truncated them
                load_frameworks()
            orgs = make_orgs()
            personas = {name: make_persona(orgs, name) for name in PERSONAS}
            sessions = {}
            for name, user in personas.items():
                client = Client()
                client.force_login(user)
                sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
            yield Shared(orgs, personas, sessions)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared: Shared, db: None) -> World:
    return World(
        registry=REGISTRY,
        orgs=shared.orgs,
        make_persona=lambda name: make_persona(shared.orgs, name),
        personas=shared.personas,
        sessions=shared.sessions,
    )


CASES = [(key, persona) for key in REGISTRY.rules for persona in [ANONYMOUS, *PERSONAS]]


@pytest.mark.parametrize(("key", "persona"), CASES, ids=[f"{k}-{p}" for k, p in CASES])
def test_url_permissions(client: Client, world: World, key: str, persona: str) -> None:
    walk.check_case(client, world, REGISTRY, key, persona)


POST_ONLY = [(key, p) for key, rule in REGISTRY.rules.items() if rule.post_only for p in PERSONAS]


@pytest.mark.parametrize(("key", "persona"), POST_ONLY, ids=[f"{k}-{p}" for k, p in POST_ONLY])
def test_get_on_a_post_only_url_is_405(client: Client, world: World, key: str, persona: str) -> None:
    walk.check_get_refused(client, world, REGISTRY, key, persona)


CONFIRM = [
    (key, p) for key, rule in REGISTRY.rules.items() if rule.confirm_page is not None for p in PERSONAS
]


@pytest.mark.parametrize(("key", "persona"), CONFIRM, ids=[f"{k}-{p}" for k, p in CONFIRM])
def test_confirmation_pages(client: Client, world: World, key: str, persona: str) -> None:
    walk.check_confirm_page(client, world, REGISTRY, key, persona)
