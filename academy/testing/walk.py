"""The URL walk: every URL pattern of the project, requested anonymously and as every persona.

Each app describes its own URLs and personas in a module `<app>/tests/walk.py` with one function:

    def register(walk: WalkRegistry) -> None:
        walk.add_personas(Persona("panel_chair", Role.MODERATOR, "partnership"))
        walk.add_object("portfolio", lambda world: PortfolioFactory(nqsw=world.persona("nqsw")))
        walk.add_rule("asye:portfolio", Rule(path=lambda w, p: reverse(...), expect=...))
        walk.exempt("asye:old_link", "a permanent redirect to asye:portfolio; nothing to protect")

`discover()` finds those modules through Django's app registry (apps inside the project folder),
so a new app adds its rows without editing the core's test, and nothing in production imports
test code. The core's own rules live in `academy/tests/walk.py`.

Rules are keyed by the URL pattern they cover: its namespaced name (`academy:people`), or, for a
pattern without a name, its full route as Django prints it (`admin/academy/user/<path:object_id>/`).
Exemptions are keyed the same way and each carries its reason: there are no prefix exemptions.
"""

import functools
import importlib
import importlib.util
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ANONYMOUS = "anonymous"
WALK_MODULE = "tests.walk"


@dataclass(frozen=True)
class Persona:
    """Someone the walk signs in as: one active membership with `role` in `organisation`, which
    names one of the test organisations (`home`, `sibling`, `partnership`, `university`, `other`:
    see `conftest.Orgs`). An `ended` persona held that role until their employment ended: they
    have no current role (docs/adr/0012), and rules expect for them what they expect for someone
    holding no role in no organisation (`Persona.as_seen`)."""

    name: str
    role: str
    organisation: str
    ended: bool = False

    @property
    def as_seen(self) -> "Persona":
        """Who the rules see: nobody with a role, for a persona whose employment has ended."""
        return Persona(self.name, "", "") if self.ended else self


# What a rule expects: codes by persona name, or a function of the persona (None: the default).
Expect = Mapping[str, int] | Callable[[Persona], int | None]


def _lookup(expect: Expect, persona: Persona) -> int | None:
    if callable(expect):
        return expect(persona.as_seen)
    return expect.get(persona.name)


@dataclass(frozen=True)
class Rule:
    """How one URL pattern answers. `path(world, persona_name)` builds the URL to request
    (`persona_name` is "anonymous" for the signed-out visit)."""

    path: Callable[["World", str], str]
    method: str = "GET"
    data: Mapping[str, str] = field(default_factory=dict)
    expect: Expect = field(default_factory=dict)
    default: int = 200
    anonymous: int = 302
    # Where an anonymous 302 may lead (URL names): the sign-in page, unless the rule says otherwise.
    anonymous_to: tuple[str, ...] = ("account_login",)
    # A POST view whose GET shows an "are you sure?" page: who may see that page.
    confirm_page: Expect | None = None
    confirm_default: int = 200

    def __post_init__(self) -> None:
        if self.method not in {"GET", "POST"}:
            raise ValueError(f"The walk sends GET or POST, not {self.method}.")

    def expected(self, persona: Persona | None) -> int:
        if persona is None:
            return self.anonymous
        found = _lookup(self.expect, persona)
        return self.default if found is None else found

    def expected_confirm(self, persona: Persona) -> int:
        assert self.confirm_page is not None
        found = _lookup(self.confirm_page, persona)
        return self.confirm_default if found is None else found

    @property
    def post_only(self) -> bool:
        """A POST view without a confirmation page: GET must answer 405 for every persona."""
        return self.method == "POST" and self.confirm_page is None


ObjectFactory = Callable[["World"], Any]


class World:
    """What one walk case stands on: the organisations, the personas (made by `make_persona` on
    first use and kept in `personas`, which a caller may share between worlds, as it may share
    their signed-in `sessions`) and the objects apps registered (made on first use, per world)."""

    def __init__(
        self,
        *,
        registry: "WalkRegistry",
        orgs: Any,
        make_persona: Callable[[str], Any],
        personas: dict[str, Any] | None = None,
        sessions: Mapping[str, str] | None = None,
    ) -> None:
        self.registry = registry
        self.sessions = sessions or {}
        self.orgs = orgs
        self._make_persona = make_persona
        self._personas: dict[str, Any] = personas if personas is not None else {}
        self._made: dict[str, Any] = {}

    def persona(self, name: str) -> Any:
        """The persona's user, made on first use."""
        if name not in self._personas:
            self._personas[name] = self._make_persona(name)
        return self._personas[name]

    def sign_in(self, client: Client, name: str) -> None:
        """Sign `client` in as the persona: with a session made earlier for them if there is one
        (`sessions`, persona name to session key: cheaper than a login per case), else afresh."""
        key = self.sessions.get(name)
        if key is None:
            client.force_login(self.persona(name))
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = key

    def persona_spec(self, name: str) -> Persona:
        return self.registry.personas[name]

    def __getitem__(self, name: str) -> Any:
        """A registered object, made on first use."""
        if name not in self._made:
            if name not in self.registry.objects:
                raise KeyError(f"No walk object {name!r}: register it with WalkRegistry.add_object.")
            self._made[name] = self.registry.objects[name](self)
        return self._made[name]


@dataclass
class WalkRegistry:
    personas: dict[str, Persona] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    exemptions: dict[str, str] = field(default_factory=dict)
    objects: dict[str, ObjectFactory] = field(default_factory=dict)

    def add_personas(self, *personas: Persona) -> None:
        for persona in personas:
            if persona.name in self.personas or persona.name == ANONYMOUS:
                raise ValueError(f"Persona {persona.name!r} is registered twice.")
            self.personas[persona.name] = persona

    def add_object(self, name: str, factory: ObjectFactory) -> None:
        if name in self.objects:
            raise ValueError(f"Walk object {name!r} is registered twice.")
        self.objects[name] = factory

    def add_rule(self, key: str, rule: Rule) -> None:
        if key in self.rules or key in self.exemptions:
            raise ValueError(f"URL pattern {key!r} has a rule or an exemption already.")
        self.rules[key] = rule

    def add_rules(self, rules: Mapping[str, Rule]) -> None:
        for key, rule in rules.items():
            self.add_rule(key, rule)

    def exempt(self, key: str, reason: str) -> None:
        """Leave one URL pattern out of the walk, saying why (tested elsewhere, say)."""
        if not reason.strip():
            raise ValueError(f"Exempting {key!r} needs a reason.")
        if key in self.rules or key in self.exemptions:
            raise ValueError(f"URL pattern {key!r} has a rule or an exemption already.")
        self.exemptions[key] = reason


def _project_apps() -> Iterator[Any]:
    """App configs whose code lives in this project, not in an installed library."""
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(root) and "site-packages" not in path.parts:
            yield config


def walk_modules() -> list[str]:
    """The `<app>.tests.walk` modules of the project's apps, in INSTALLED_APPS order."""
    found = []
    for config in _project_apps():
        name = f"{config.name}.{WALK_MODULE}"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the app has no tests package
            spec = None
        if spec is not None:
            found.append(name)
    return found


@functools.cache
def discover() -> WalkRegistry:
    """Every app's personas, objects, rules and exemptions, gathered once per process."""
    registry = WalkRegistry()
    for name in walk_modules():
        importlib.import_module(name).register(registry)
    return registry


def _patterns(resolver: URLResolver, namespace: str, route: str) -> Iterator[str]:
    for pattern in resolver.url_patterns:
        full_route = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, inner, full_route)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else full_route


def url_pattern_keys(urlconf: str | None = None) -> list[str]:
    """Every URL pattern the project answers, named or not, included libraries too."""
    return list(dict.fromkeys(_patterns(get_resolver(urlconf), "", "")))


def uncovered(registry: WalkRegistry, keys: list[str]) -> list[str]:
    return [key for key in keys if key not in registry.rules and key not in registry.exemptions]


def stale(registry: WalkRegistry, keys: list[str]) -> list[str]:
    """Rules and exemptions that match no URL pattern: a typo, or a URL that went away."""
    known = set(keys)
    return [key for key in [*registry.rules, *registry.exemptions] if key not in known]


def send(client: Client, rule: Rule, path: str, method: str | None = None) -> Any:
    if (method or rule.method) == "POST":
        return client.post(path, dict(rule.data))
    return client.get(path)


def check_case(client: Client, world: World, registry: WalkRegistry, key: str, persona_name: str) -> None:
    """Request one URL pattern as one persona (or anonymously) and compare the status code."""
    rule = registry.rules[key]
    persona = None if persona_name == ANONYMOUS else registry.personas[persona_name]
    if persona is not None:
        world.sign_in(client, persona_name)
    path = rule.path(world, persona_name)
    expected = rule.expected(persona)
    response = send(client, rule, path)
    assert response.status_code == expected, (
        f"{rule.method} {path} ({key}) as {persona_name}: {response.status_code}, expected {expected}"
    )
    if persona is None and expected == 302:
        targets = [reverse(name) for name in rule.anonymous_to]
        assert response.url.split("?")[0] in targets, (
            f"{rule.method} {path} ({key}) as {persona_name} redirects to {response.url}, "
            f"expected one of {targets}"
        )


def check_get_refused(
    client: Client, world: World, registry: WalkRegistry, key: str, persona_name: str
) -> None:
    """GET on a POST-only URL answers 405, whoever asks."""
    rule = registry.rules[key]
    world.sign_in(client, persona_name)
    path = rule.path(world, persona_name)
    status = client.get(path).status_code
    assert status == 405, f"GET {path} ({key}, POST only) as {persona_name}: {status}, expected 405"


def check_confirm_page(
    client: Client, world: World, registry: WalkRegistry, key: str, persona_name: str
) -> None:
    """A POST view's "are you sure?" page answers GET for those who may act, and no one else."""
    rule = registry.rules[key]
    world.sign_in(client, persona_name)
    path = rule.path(world, persona_name)
    expected = rule.expected_confirm(registry.personas[persona_name])
    status = client.get(path).status_code
    assert status == expected, (
        f"GET {path} ({key}, confirmation) as {persona_name}: {status}, expected {expected}"
    )
