"""The plug-in registries an app uses from its AppConfig.ready(): home-page panels, navigation
with conditions and counts, "used in" providers, demo data loaders and reminder producers. Each
test registers its own entry for the length of a `with` block, as an app would at start-up."""

from collections.abc import Iterable, Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from academy.demo import load_demo
from academy.models import Organisation, Team, User
from academy.navigation import NavEntry, nav_entries, nav_for
from academy.registry import Registry
from academy.registry.demo import DemoRegistration, demo_loaders
from academy.registry.home_panels import HomePanel, home_panels
from academy.registry.reminders import (
    DueReminder,
    ReminderKind,
    ReminderProducer,
    register_reminder_producer,
    registered_reminder_kinds,
    registered_reminder_producers,
    reminder_producers,
)
from academy.registry.used_in import (
    CPD_RECORD,
    RecordId,
    UsedIn,
    UsedInRegistration,
    cpd_record_used_in,
    used_in,
    used_in_providers,
)
from academy.roles import Role
from academy.scope import Scope
from conftest import Orgs

# --- The shape they share -------------------------------------------------------------------


def test_registering_the_same_entry_twice_is_harmless_and_a_clash_is_an_error() -> None:
    registry = Registry[str]("thing")
    registry.register("a", "first")
    registry.register("a", "first")
    assert registry.entries() == ["first"]
    with pytest.raises(ImproperlyConfigured, match="A thing named 'a' is already registered"):
        registry.register("a", "second")


def test_registered_lasts_for_the_block_and_leaves_earlier_entries() -> None:
    registry = Registry[str]("thing")
    registry.register("kept", "k")
    with registry.registered("temporary", "t"), registry.registered("kept", "k"):
        assert registry.names() == ["kept", "temporary"]
    assert registry.names() == ["kept"]


# --- Home-page panels -------------------------------------------------------------------------


def test_the_core_registers_its_panels_at_start_up() -> None:
    assert {
        "academy.notifications",
        "academy.pending_invitations",
        "academy.people_by_role",
        "academy.recent_audit",
        "academy.your_roles",
    } <= set(home_panels.names())


def _sentinel_panel(calls: list[str]) -> HomePanel:
    def only_nqsws(request: Any) -> bool:
        return request.scope.holds(Role.NQSW)

    def context(request: Any) -> dict[str, object]:
        calls.append(request.user.email)
        note = SimpleNamespace(title=f"Sentinel for {request.user.full_name}", body="")
        return {"notifications": [note]}

    return HomePanel(
        name="test.sentinel",
        title="A panel from an app",
        template="academy/panels/notifications.html",
        order=5,
        condition=only_nqsws,
        context=context,
    )


@pytest.mark.django_db
def test_a_registered_panel_shows_in_order_where_its_condition_holds(
    client: Client, nqsw: User, psw: User
) -> None:
    calls: list[str] = []
    with home_panels.registered("test.sentinel", _sentinel_panel(calls)):
        client.force_login(nqsw)
        html = client.get(reverse("academy:home")).content.decode()
        assert 'id="panel-test-sentinel">A panel from an app</h2>' in html
        assert "Sentinel for Nqsw Persona" in html
        assert html.index("A panel from an app") < html.index("Your notifications")

        client.force_login(psw)
        html = client.get(reverse("academy:home")).content.decode()
        assert "A panel from an app" not in html
    assert calls == [nqsw.email]  # the context is not read for someone the panel is not for


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("nqsw", ["Your notifications", "Your roles"], ["Invitations waiting", "People with access"]),
        ("psw", ["Invitations waiting", "People with access"], ["Recent changes"]),
        ("academy_admin", ["Invitations waiting", "People with access", "Recent changes"], []),
    ],
)
def test_the_core_panels_follow_the_role(
    client: Client, personas: dict[str, User], persona: str, shown: list[str], hidden: list[str]
) -> None:
    client.force_login(personas[persona])
    html = client.get(reverse("academy:home")).content.decode()
    for title in shown:
        assert f">{title}" in html
    for title in hidden:
        assert title not in html


# --- Navigation -------------------------------------------------------------------------------


def _request(user: User, organisation: Organisation, roles: set[str], path: str = "/") -> Any:
    request: Any = RequestFactory().get(path)
    request.user = user
    request.organisation = organisation
    request.roles = frozenset(roles)
    request.scope = Scope.of(user, organisation, roles)
    return request


@pytest.mark.django_db
def test_a_nav_entry_with_a_condition_and_a_count(orgs: Orgs, nqsw: User, social_worker: User) -> None:
    counted: list[str] = []

    def has_a_record(request: Any) -> bool:
        return request.user == nqsw

    def waiting(request: Any) -> int:
        counted.append(request.user.email)
        return 3

    entry = NavEntry(
        "Your ASYE", "academy:notifications", 50, condition=has_a_record, count=waiting, count_label="to do"
    )
    with nav_entries.registered("academy:notifications", entry):
        mine = _request(nqsw, orgs.home, {Role.NQSW})
        item = next(i for i in nav_for(roles=mine.roles, path="/", request=mine) if i["label"] == "Your ASYE")
        assert (item["count"], item["count_label"]) == (3, "to do")
        nav_for(roles=mine.roles, path="/", request=mine)
        assert counted == [nqsw.email]  # the second page used the cached count

        colleague = _request(social_worker, orgs.home, {Role.SOCIAL_WORKER})
        labels = [i["label"] for i in nav_for(roles=colleague.roles, path="/", request=colleague)]
        assert "Your ASYE" not in labels
        # Without a request (no way to ask the condition), the entry is left out.
        assert "Your ASYE" not in [i["label"] for i in nav_for(roles={Role.NQSW}, path="/")]


@pytest.mark.django_db
def test_the_count_shows_as_a_badge_and_zero_shows_nothing(client: Client, nqsw: User) -> None:
    numbers = iter([2, 0])

    def count(request: Any) -> int:
        return next(numbers)

    entry = NavEntry("Reviews", "academy:notifications", 50, count=count, count_label="waiting")
    with nav_entries.registered("academy:notifications", entry):
        client.force_login(nqsw)
        html = client.get(reverse("academy:frameworks")).content.decode()
        assert (
            'Reviews<span class="academy-header__count">2<span class="govuk-visually-hidden"> waiting</span>'
            in html
        )
        cache.clear()
        html = client.get(reverse("academy:frameworks")).content.decode()
        assert "Reviews" in html
        assert "> waiting</span>" not in html


# --- Where a CPD record is used ---------------------------------------------------------------


@pytest.fixture
def only_test_providers() -> Iterator[None]:
    """Set the apps' own providers (asye's cited evidence) aside: these tests ask with made-up
    people, and check exactly what the test providers return."""
    saved = {name: used_in_providers.get(name) for name in used_in_providers.names()}
    for name in saved:
        used_in_providers.unregister(name)
    yield
    for name, entry in saved.items():
        if entry is not None:
            used_in_providers.register(name, entry)


@pytest.mark.usefixtures("only_test_providers")
def test_used_in_gathers_every_provider_for_the_kind(orgs: Orgs) -> None:
    record = uuid4()
    seen: list[tuple[RecordId, Scope]] = []

    def evidence(*, record_id: RecordId, scope: Scope) -> Iterable[UsedIn]:
        seen.append((record_id, scope))
        if scope.organisation != orgs.home:
            return []  # a provider answers only for what the scope may see
        return [UsedIn("ASYE evidence: first review", "/asye/evidence/1/")]

    def sessions(*, record_id: RecordId, scope: Scope) -> Iterable[UsedIn]:
        return [UsedIn("Programme session: reflective writing", "/programmes/sessions/2/")]

    def other_kind(*, record_id: RecordId, scope: Scope) -> Iterable[UsedIn]:
        raise AssertionError("only providers for CPD records are asked")

    user = SimpleNamespace(pk=uuid4())
    home = Scope.of(user, orgs.home, {Role.ASSESSOR})  # type: ignore[arg-type]
    elsewhere = Scope.of(user, orgs.other, {Role.ASSESSOR})  # type: ignore[arg-type]
    with (
        used_in_providers.registered("test.evidence", UsedInRegistration(CPD_RECORD, evidence)),
        used_in_providers.registered("test.other", UsedInRegistration("placements.placement", other_kind)),
        used_in_providers.registered("test.sessions", UsedInRegistration(CPD_RECORD, sessions)),
    ):
        assert cpd_record_used_in(record_id=record, scope=home) == [
            UsedIn("ASYE evidence: first review", "/asye/evidence/1/"),
            UsedIn("Programme session: reflective writing", "/programmes/sessions/2/"),
        ]
        assert [u.label for u in cpd_record_used_in(record_id=record, scope=elsewhere)] == [
            "Programme session: reflective writing"
        ]
    assert seen == [(record, home), (record, elsewhere)]
    assert used_in(kind=CPD_RECORD, record_id=record, scope=home) == []  # providers gone


@pytest.mark.usefixtures("only_test_providers")
def test_a_failing_provider_is_not_hidden() -> None:
    def broken(*, record_id: RecordId, scope: Scope) -> Iterable[UsedIn]:
        raise RuntimeError("provider failed")

    scope = Scope.of(SimpleNamespace(pk=1), None)  # type: ignore[arg-type]
    with (
        used_in_providers.registered("test.broken", UsedInRegistration(CPD_RECORD, broken)),
        pytest.raises(RuntimeError),
    ):
        cpd_record_used_in(record_id=UUID(int=1), scope=scope)


# --- Demo data ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_demo_runs_the_core_then_each_loader_in_order_and_twice_changes_nothing() -> None:
    ran: list[str] = []

    def teams_loader() -> None:
        ran.append("teams")
        council = Organisation.objects.get(slug="saltmarsh")  # the core's demo is already there
        Team.objects.get_or_create(
            organisation=council, name="App demo team", defaults={"service_area": Team.ServiceArea.OTHER}
        )

    def first_loader() -> None:
        ran.append("first")

    with (
        demo_loaders.registered("test.teams", DemoRegistration("test.teams", teams_loader, 20)),
        demo_loaders.registered("test.first", DemoRegistration("test.first", first_loader, 10)),
    ):
        load_demo()
        counts = (Organisation.objects.count(), User.objects.count(), Team.objects.count())
        load_demo()
        assert (Organisation.objects.count(), User.objects.count(), Team.objects.count()) == counts
    assert ran == ["first", "teams", "first", "teams"]
    assert Team.objects.filter(name="App demo team").count() == 1


# --- Reminder producers -----------------------------------------------------------------------


def test_reminder_producers_are_listed_in_the_order_registered() -> None:
    supervision = ReminderKind("test.supervision_due", "Supervision is due")
    renewal = ReminderKind("test.renewal_due", "CPD renewal")

    def supervision_due(*, now: datetime) -> Iterable[DueReminder]:
        return [DueReminder(kind=supervision.name, recipient_id=1, key="k", title="t", url="/", due_at=now)]

    def renewal_due(*, now: datetime) -> Iterable[DueReminder]:
        return []

    try:
        first = register_reminder_producer(
            name="test.supervision_due",
            produce=supervision_due,
            kinds=[supervision],
            description="Supervision",
        )
        register_reminder_producer(name="test.renewal_due", produce=renewal_due, kinds=[renewal])
        mine = [p for p in registered_reminder_producers() if p.name.startswith("test.")]
        assert [p.name for p in mine] == ["test.supervision_due", "test.renewal_due"]
        assert first == ReminderProducer(
            "test.supervision_due", supervision_due, (supervision,), "Supervision"
        )
        now = timezone.now()
        assert [r.key for r in mine[0].produce(now=now)] == ["k"]
        kinds = [k for k in registered_reminder_kinds() if k.name.startswith("test.")]
        assert kinds == [renewal, supervision]  # by label, for the preferences page
        with pytest.raises(ImproperlyConfigured):
            register_reminder_producer(name="test.supervision_due", produce=renewal_due)
    finally:
        reminder_producers.unregister("test.supervision_due")
        reminder_producers.unregister("test.renewal_due")
