"""Every named URL, walked as anonymous, the outsider and each role.

A new URL fails `test_every_url_is_covered` until it gets a rule here (or an exception with a
reason). Expected codes: anonymous → redirect to sign-in (302) unless public; outsider → 404
on another organisation's objects; a role without access → 403; GET on a POST-only view → 405."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from academy.models import Invitation, Membership, Notification, OutboxMessage
from academy.roles import Role
from academy.tests import files_support
from academy.tests.factories import InvitationFactory, MembershipFactory, NotificationFactory, UserFactory
from conftest import PERSONAS, Orgs

ANON = "anonymous"
EVERYONE = [ANON, *PERSONAS]
SIGNED_IN = list(PERSONAS)
STAFF = ["psw", "academy_admin", "outsider"]  # outsider is a PSW elsewhere


@dataclass
class World:
    orgs: Orgs
    personas: dict[str, Any]
    target_membership: Membership
    invitation: Invitation
    notification_of: Callable[[str], Notification]
    outbox_message: OutboxMessage


@dataclass
class Rule:
    path: Callable[[World, str], str]
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    expect: dict[str, int] = field(default_factory=dict)
    default: int = 200
    anonymous: int = 302
    # A POST view whose GET shows an "are you sure?" page: who may see that page.
    confirm_page: dict[str, int] | None = None


def _all(code: int, names: list[str]) -> dict[str, int]:
    return dict.fromkeys(names, code)


def staff_only(ok: int, *, outsider: int) -> dict[str, int]:
    """Non-staff roles get 403; home PSW and the partnership's admin get `ok`."""
    expect = _all(403, SIGNED_IN)
    expect.update({"psw": ok, "academy_admin": ok, "outsider": outsider})
    return expect


def static(name: str, *args: Any) -> Callable[[World, str], str]:
    return lambda world, persona: reverse(name, args=args)


RULES: dict[str, Rule] = {
    "academy:home": Rule(static("academy:home")),
    "academy:organisation_switch": Rule(
        static("academy:organisation_switch"), method="POST", data={"organisation": "0"}, default=403
    ),
    "academy:people": Rule(static("academy:people"), expect=staff_only(200, outsider=200)),
    "academy:invite": Rule(static("academy:invite"), expect=staff_only(200, outsider=200)),
    "academy:invitations": Rule(static("academy:invitations"), expect=staff_only(200, outsider=200)),
    "academy:teams": Rule(static("academy:teams"), expect=staff_only(200, outsider=200)),
    "academy:invitation_resend": Rule(
        lambda w, p: reverse("academy:invitation_resend", args=[w.invitation.pk]),
        method="POST",
        expect=staff_only(302, outsider=404),
    ),
    "academy:invitation_revoke": Rule(
        lambda w, p: reverse("academy:invitation_revoke", args=[w.invitation.pk]),
        method="POST",
        expect=staff_only(302, outsider=404),
    ),
    "academy:membership": Rule(
        lambda w, p: reverse("academy:membership", args=[w.target_membership.pk]),
        expect=staff_only(200, outsider=404),
    ),
    "academy:membership_role": Rule(
        lambda w, p: reverse("academy:membership_role", args=[w.target_membership.pk]),
        method="POST",
        data={"role": Role.SOCIAL_WORKER},
        expect=staff_only(302, outsider=404),
    ),
    "academy:membership_deactivate": Rule(
        lambda w, p: reverse("academy:membership_deactivate", args=[w.target_membership.pk]),
        method="POST",
        expect=staff_only(302, outsider=404),
        confirm_page=staff_only(200, outsider=404),
    ),
    "academy:membership_dates": Rule(
        lambda w, p: reverse("academy:membership_dates", args=[w.target_membership.pk]),
        method="POST",
        data={"started_on_0": "1", "started_on_1": "9", "started_on_2": "2025"},
        expect=staff_only(302, outsider=404),
    ),
    "academy:membership_reactivate": Rule(
        lambda w, p: reverse("academy:membership_reactivate", args=[w.target_membership.pk]),
        method="POST",
        expect=staff_only(302, outsider=404),
    ),
    # The invitation link is public; a link for someone else's address is refused when signed in.
    "academy:invitation_accept": Rule(
        static("academy:invitation_accept", "not-a-real-token"), default=404, anonymous=404
    ),
    # The token-free page reads the invitation from the session; with none there, it says the
    # link is not valid.
    "academy:invitation_continue": Rule(static("academy:invitation_continue"), default=404, anonymous=404),
    "academy:notifications": Rule(static("academy:notifications")),
    "academy:notifications_read_all": Rule(
        static("academy:notifications_read_all"), method="POST", default=302
    ),
    # Each persona opens their own notification (302) — the outsider tries the NQSW's (404).
    "academy:notification_read": Rule(
        lambda w, p: reverse(
            "academy:notification_read",
            args=[w.notification_of(p if p in PERSONAS and p != "outsider" else "nqsw").pk],
        ),
        method="POST",
        default=302,
        expect={"outsider": 404},
    ),
    "academy:audit_log": Rule(
        static("academy:audit_log"), expect={**_all(403, SIGNED_IN), "academy_admin": 200}
    ),
    # The email outbox: academy admins (their organisations' rows) and superusers (every row).
    "academy:outbox": Rule(static("academy:outbox"), expect={**_all(403, SIGNED_IN), "academy_admin": 200}),
    "academy:outbox_message": Rule(
        lambda w, p: reverse("academy:outbox_message", args=[w.outbox_message.pk]),
        expect={**_all(403, SIGNED_IN), "academy_admin": 200},
    ),
    "academy:outbox_retry": Rule(
        lambda w, p: reverse("academy:outbox_retry", args=[w.outbox_message.pk]),
        method="POST",
        expect={**_all(403, SIGNED_IN), "academy_admin": 302},
    ),
    "academy:organisations": Rule(
        static("academy:organisations"), expect={**_all(403, SIGNED_IN), "academy_admin": 200}
    ),
    # The partnership's academy admin looks after its member council; every other role is refused.
    "academy:organisation_settings": Rule(
        lambda w, p: reverse("academy:organisation_settings", args=[w.orgs.home.slug]),
        expect={**_all(403, SIGNED_IN), "academy_admin": 200},
    ),
    "academy:frameworks": Rule(static("academy:frameworks")),
    # Framework versions are shared by every organisation: only a reference data publisher (a
    # deployment-wide permission, not a role) may import one — no persona is one, not even the
    # academy admin (academy/tests/test_framework_import.py covers the publisher).
    "academy:framework_import": Rule(static("academy:framework_import"), default=403),
    "academy:framework_version": Rule(static("academy:framework_version", "pcf", "2018")),
    # A private file of an owner kind only its uploader may read: everyone else gets 404.
    "academy:files:download": Rule(
        lambda w, p: reverse(
            "academy:files:download",
            args=[files_support.store(actor=w.personas["nqsw"], organisation=w.orgs.home).pk],
        ),
        default=404,
        expect={"nqsw": 200},
    ),
    "academy:accessibility": Rule(static("academy:accessibility"), anonymous=200),
    # The idle time-out warning's requests: any signed-in person, about their own session.
    "academy:session_extend": Rule(static("academy:session_extend"), method="POST", default=302),
    "academy:session_status": Rule(static("academy:session_status")),
    # Public; no worker runs here, so readiness answers 503 (academy/tests/test_health.py).
    "academy:health": Rule(static("academy:health"), default=503, anonymous=503),
    "academy:health_ready": Rule(static("academy:health_ready"), default=503, anonymous=503),
    "academy:health_live": Rule(static("academy:health_live"), anonymous=200),
}

# URL namespaces that belong to libraries, tested through their flows rather than here.
EXCEPTIONS = {
    "admin": "Django admin: staff-only by Django; its login is rate-limited (tests/test_accounts.py).",
    "account_": "allauth pages: sign-in, reset and MFA flows are tested in academy/tests/test_accounts.py.",
    "mfa_": "allauth MFA pages: MFA enforcement tested in academy/tests/test_accounts.py.",
    "socialaccount_": "not installed",
}


def _named_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names.extend(_named_patterns(pattern, ns))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


def test_every_url_is_covered() -> None:
    uncovered = [
        name
        for name in _named_patterns()
        if name not in RULES and not any(name.startswith(prefix) for prefix in EXCEPTIONS)
    ]
    assert uncovered == [], f"Add a permission rule for: {uncovered}"


@pytest.fixture
def world(orgs: Orgs, personas: dict[str, Any]) -> World:
    target = MembershipFactory(user=UserFactory(), organisation=orgs.home, role=Role.NQSW)
    invitation = InvitationFactory(organisation=orgs.home, role=Role.NQSW)
    notifications: dict[str, Notification] = {}

    def notification_of(name: str) -> Notification:
        if name not in notifications:
            notifications[name] = NotificationFactory(recipient=personas[name])
        return notifications[name]

    outbox_message = OutboxMessage.objects.create(
        kind="notification",
        to_email="someone@example.test",
        organisation=orgs.home,
        dedupe_key="url-walk",
        status=OutboxMessage.Status.FAILED,
        due_at=timezone.now(),
        attempts=10,
    )
    return World(orgs, personas, target, invitation, notification_of, outbox_message)


def _request(client: Any, rule: Rule, path: str, method: str) -> int:
    if method == "POST":
        return client.post(path, rule.data).status_code
    return client.get(path).status_code


CASES = [(name, persona) for name in RULES for persona in EVERYONE]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "persona"), CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_url_permissions(client: Any, world: World, url_name: str, persona: str) -> None:
    rule = RULES[url_name]
    path = rule.path(world, persona)
    if persona == ANON:
        expected = rule.anonymous
    else:
        client.force_login(world.personas[persona])
        expected = rule.expect.get(persona, rule.default)
    status = _request(client, rule, path, rule.method)
    assert status == expected, f"{rule.method} {path} as {persona}: {status}, expected {expected}"
    if persona == ANON and expected == 302:
        response = client.get(path) if rule.method == "GET" else client.post(path)
        assert response.url.startswith(reverse("account_login"))


POST_ONLY = [name for name, rule in RULES.items() if rule.method == "POST" and rule.confirm_page is None]
CONFIRM_CASES = [
    (name, persona) for name, rule in RULES.items() if rule.confirm_page for persona in rule.confirm_page
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "persona"), CONFIRM_CASES)
def test_confirmation_pages(client: Any, world: World, url_name: str, persona: str) -> None:
    rule = RULES[url_name]
    assert rule.confirm_page is not None
    client.force_login(world.personas[persona])
    assert client.get(rule.path(world, persona)).status_code == rule.confirm_page[persona]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", POST_ONLY)
def test_get_on_post_only_view_is_405(client: Any, world: World, url_name: str) -> None:
    client.force_login(world.personas["psw"])
    path = RULES[url_name].path(world, "psw")
    assert client.get(path).status_code == 405
