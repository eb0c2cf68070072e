"""The isolation check and the URL walk, tested: each fails on the mistakes it exists to catch.

The leak from issue 14: `audit_entries_visible_to` changed to return every organisation's audit
entries used to pass the whole suite. Here the same checks that run in test_isolation.py run
against that leaky selector and must fail, naming the sentinel that leaked."""

from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from academy import selectors
from academy.models import AuditEntry, Organisation
from academy.roles import Role
from academy.scope import Scope
from academy.testing import walk
from academy.testing.isolation import UNRELATED, IsolationCheck, table_value
from academy.tests.test_isolation import audit_entry, partnership_staff_places, person, team
from conftest import Orgs

pytestmark = pytest.mark.django_db


def every_organisations_audit_entries(*, scope: Scope) -> QuerySet[AuditEntry]:
    """The leak: the same shape and the same queries as the real selector, minus the scope."""
    if scope.organisation is None or not scope.holds(Role.ACADEMY_ADMIN):
        return AuditEntry.objects.none()
    selectors.organisation_scope_ids(organisation=scope.organisation)  # walked, then forgotten
    return AuditEntry.objects.select_related("actor", "organisation", "content_type")


@pytest.mark.parametrize("url_name", ["academy:audit_log", "academy:home"])
def test_an_unscoped_audit_selector_fails_the_check(
    client: Client, academy_admin: Any, orgs: Orgs, monkeypatch: pytest.MonkeyPatch, url_name: str
) -> None:
    monkeypatch.setattr(selectors, "audit_entries_visible_to", every_organisations_audit_entries)
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(audit_entry, **partnership_staff_places(orgs))
    leaked = planted.hidden[0]
    url = reverse(url_name)

    with pytest.raises(AssertionError) as failure:
        check.list_page(url, planted)

    message = str(failure.value)
    assert message.startswith(f"Isolation leak: GET {url} as academy-admin@example.test")
    assert f"shows the row in the {UNRELATED} (Elsewhere City Council), marker '{leaked.marker}'" in message


def test_the_scoped_audit_selector_passes_the_same_check(
    client: Client, academy_admin: Any, orgs: Orgs
) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    check.list_page(reverse("academy:audit_log"), check.plant(audit_entry, **partnership_staff_places(orgs)))


@pytest.mark.urls("academy.tests.leaky_app")
def test_an_unscoped_list_in_a_new_app_fails_the_check(client: Client, psw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        team,
        hidden={UNRELATED: orgs.other, "sibling council": orgs.sibling},
        shown={"own council": orgs.home},
    )

    with pytest.raises(AssertionError) as failure:
        check.list_page(reverse("new_app_every_team"), planted)

    message = str(failure.value)
    for sentinel in planted.hidden:
        assert sentinel.marker in message
    # The same list built from the access selector passes.
    check.list_page(reverse("new_app_teams_in_scope"), planted)


def test_a_marker_the_page_never_prints_is_reported_not_passed(client: Client, psw: Any, orgs: Orgs) -> None:
    # The factory ignores the marker, so the page can never print it.
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(
        lambda org, marker: team(org, "Duty team"), hidden={UNRELATED: orgs.other}, shown={"own": orgs.home}
    )

    with pytest.raises(AssertionError, match="Isolation check cannot fail"):
        check.list_page(reverse("academy:teams"), planted)


def test_a_count_that_includes_other_councils_fails(
    client: Client, psw: Any, orgs: Orgs, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The people-by-role count built over every organisation instead of the staff scope.
    monkeypatch.setattr(
        selectors, "staff_scope_ids", lambda *, scope: set(Organisation.objects.values_list("pk", flat=True))
    )
    check = IsolationCheck(client, viewer=psw)

    with pytest.raises(
        AssertionError, match=r"Isolation leak in a count: GET / as psw@example.test"
    ) as failure:
        check.count(
            reverse("academy:home"),
            read=lambda html: table_value(html, Role.TUTOR.label),
            make=lambda org, marker: person(org, marker, role=Role.TUTOR),
            hidden={UNRELATED: orgs.other},
            shown={"own council": orgs.home},
        )
    assert "after planting the row in the unrelated organisation (Elsewhere City Council)" in str(
        failure.value
    )


def test_an_object_page_that_finds_anything_fails(
    client: Client, psw: Any, orgs: Orgs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from academy.models import Membership

    monkeypatch.setattr(
        selectors, "membership_get_for_user", lambda *, scope, pk, write=False: Membership.objects.get(pk=pk)
    )
    check = IsolationCheck(client, viewer=psw)
    planted = check.plant(person, hidden={UNRELATED: orgs.other}, shown={"own council": orgs.home})

    with pytest.raises(AssertionError, match=r"answered 200 for the row in the unrelated organisation"):
        check.object_pages(lambda m: reverse("academy:membership", args=[m.pk]), planted)


# --- The walk ----------------------------------------------------------------------------------------


def test_the_walk_fails_for_a_new_url_without_a_rule() -> None:
    keys = walk.url_pattern_keys("academy.tests.leaky_app")

    missing = walk.uncovered(walk.discover(), keys)

    # Named patterns by name, unnamed ones by their route.
    assert missing == ["new_app_every_team", "new_app_teams_in_scope", "new-app/unnamed/"]


def test_an_exemption_is_one_exact_pattern_not_a_prefix() -> None:
    registry = walk.WalkRegistry()
    registry.exempt("new_app", "tries to cover every new_app_* pattern")
    keys = walk.url_pattern_keys("academy.tests.leaky_app")

    assert "new_app_every_team" in walk.uncovered(registry, keys)
    assert walk.stale(registry, keys) == ["new_app"]


def test_an_exemption_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        walk.WalkRegistry().exempt("new_app_every_team", " ")


def test_the_walk_finds_every_apps_rules_through_the_app_registry() -> None:
    assert walk.walk_modules()[0] == "academy.tests.walk"
    registry = walk.discover()
    assert {"sibling_nqsw", "sibling_psw", "sibling_assessor", "outsider"} <= set(registry.personas)
    assert "admin/(?P<url>.*)$" in registry.rules  # unnamed library patterns too
