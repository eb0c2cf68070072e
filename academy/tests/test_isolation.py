"""Every core list, count and object page, checked with sentinel rows (academy.testing.isolation):
rows planted in an unrelated council, in the sibling council of the same partnership and, where
rows belong to a person, with a colleague in the viewer's own council, must not show; a control
row the viewer may see must show, so each check can fail."""

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Invitation, Membership, Notification, Organisation, OutboxMessage
from academy.roles import Role
from academy.selectors import unread_count_cache_key
from academy.testing.isolation import COLLEAGUE, SIBLING, UNRELATED, IsolationCheck, table_value
from academy.tests.factories import (
    InvitationFactory,
    MembershipFactory,
    NotificationFactory,
    OrganisationFactory,
    TeamFactory,
    UserFactory,
)
from academy.tests.test_accounts import login
from conftest import Orgs, seed_totp

pytestmark = pytest.mark.django_db


# --- Factories: one row carrying the marker, in an organisation -------------------------------------


def person(organisation: Organisation, marker: str, role: str = Role.NQSW) -> Membership:
    user = UserFactory(full_name=marker, email=f"{marker}@example.test")
    return MembershipFactory(user=user, organisation=organisation, role=role)


def invitation(organisation: Organisation, marker: str) -> Invitation:
    return InvitationFactory(organisation=organisation, full_name=marker, email=f"{marker}@example.test")


def team(organisation: Organisation, marker: str) -> Any:
    return TeamFactory(organisation=organisation, name=marker)


def audit_entry(organisation: Organisation, marker: str) -> Any:
    return audit_log(actor=None, verb="test.touch", obj=team(organisation, marker), organisation=organisation)


def notification_for(user: Any, organisation: Organisation | None = None) -> Any:
    def make(marker: str) -> Notification:
        made = NotificationFactory(recipient=user, organisation=organisation, title=marker)
        cache.delete(unread_count_cache_key(user.pk))  # the header's count is cached per person
        return made

    return make


def someone_in(organisation: Organisation) -> Any:
    return MembershipFactory(organisation=organisation, role=Role.NQSW).user


# Staff of a council see their council; staff of the partnership see its member councils.
def council_staff_places(orgs: Orgs) -> dict[str, Any]:
    return {"hidden": {UNRELATED: orgs.other, SIBLING: orgs.sibling}, "shown": {"own council": orgs.home}}


def partnership_staff_places(orgs: Orgs) -> dict[str, Any]:
    return {
        "hidden": {UNRELATED: orgs.other},
        "shown": {"home council": orgs.home, "sibling council": orgs.sibling},
    }


def sibling_staff_places(orgs: Orgs) -> dict[str, Any]:
    return {
        "hidden": {UNRELATED: orgs.other, "other council of the same partnership": orgs.home},
        "shown": {"own council": orgs.sibling},
    }


STAFF_VIEWS = [
    ("psw", council_staff_places),
    ("academy_admin", partnership_staff_places),
    ("sibling_psw", sibling_staff_places),
]
STAFF_IDS = [viewer for viewer, _ in STAFF_VIEWS]


# --- Lists -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
def test_people_list(client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, places: Any) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    planted = check.plant(person, **places(orgs))
    check.list_page(reverse("academy:people"), planted)
    # The search looks in the same scope.
    check.list_page(reverse("academy:people") + "?q=sentinel", planted)


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
def test_invitations_list(
    client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, places: Any
) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    check.list_page(reverse("academy:invitations"), check.plant(invitation, **places(orgs)))


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
def test_teams_list(client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, places: Any) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    check.list_page(reverse("academy:teams"), check.plant(team, **places(orgs)))


def test_audit_log(client: Client, academy_admin: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    check.list_page(reverse("academy:audit_log"), check.plant(audit_entry, **partnership_staff_places(orgs)))


def test_audit_log_of_an_academy_admin_held_at_a_council(client: Client, orgs: Orgs) -> None:
    # A council's roles stay in the council, even the academy admin role.
    admin = MembershipFactory(organisation=orgs.sibling, role=Role.ACADEMY_ADMIN).user
    seed_totp(admin)
    check = IsolationCheck(client, viewer=admin)
    check.list_page(reverse("academy:audit_log"), check.plant(audit_entry, **sibling_staff_places(orgs)))


def academy_admin_at(organisation: Organisation) -> Any:
    admin = MembershipFactory(organisation=organisation, role=Role.ACADEMY_ADMIN).user
    seed_totp(admin)
    return admin


def another_partnership() -> Organisation:
    """A partnership the test organisations have nothing to do with, with one member council."""
    partnership = OrganisationFactory(name="Northfold Partnership", kind=Organisation.Kind.PARTNERSHIP)
    OrganisationFactory(name="Northfold Borough Council", parent=partnership)
    return partnership


def council_of(partnership: Organisation) -> Organisation:
    return Organisation.objects.get(parent=partnership)


def notification_places(viewer: Any, orgs: Orgs) -> dict[str, Any]:
    return {
        "hidden": {
            UNRELATED: notification_for(someone_in(orgs.other), orgs.other),
            SIBLING: notification_for(someone_in(orgs.sibling), orgs.sibling),
            COLLEAGUE: notification_for(someone_in(orgs.home), orgs.home),
            # Their own, but about an organisation they do not belong to (any more).
            "organisation the viewer left": notification_for(viewer, orgs.other),
        },
        "shown": {
            "viewer's own council": notification_for(viewer, orgs.home),
            "viewer's own, about no organisation": notification_for(viewer),
        },
    }


def test_notifications_list(client: Client, nqsw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    planted = check.plant(lambda org, marker: None, **notification_places(nqsw, orgs))
    check.list_page(reverse("academy:notifications"), planted)


def test_organisations_offered_by_the_invite_and_team_forms(
    client: Client, academy_admin: Any, orgs: Orgs
) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    planted = check.plant(
        lambda org, marker: OrganisationFactory(name=marker, parent=org),
        hidden={
            UNRELATED: lambda marker: OrganisationFactory(name=marker),
            "council of another partnership": lambda marker: OrganisationFactory(
                name=marker, parent=OrganisationFactory(kind=Organisation.Kind.PARTNERSHIP)
            ),
        },
        shown={"new member council of the partnership": orgs.partnership},
    )
    check.list_page(reverse("academy:invite"), planted)
    check.list_page(reverse("academy:teams"), planted)


def test_other_roles_on_a_persons_page(client: Client, academy_admin: Any, orgs: Orgs) -> None:
    # Someone with roles in several organisations: the page lists only those in the viewer's scope.
    target = MembershipFactory(organisation=orgs.home, role=Role.SOCIAL_WORKER)
    check = IsolationCheck(client, viewer=academy_admin)

    def role_in(parent: Organisation | None) -> Any:
        return lambda marker: MembershipFactory(
            user=target.user, organisation=OrganisationFactory(name=marker, parent=parent)
        )

    planted = check.plant(
        lambda org, marker: None,
        hidden={UNRELATED: role_in(None)},
        shown={"member council of the partnership": role_in(orgs.partnership)},
    )
    check.list_page(reverse("academy:membership", args=[target.pk]), planted)


# --- The home page: panels and counts --------------------------------------------------------------


def test_home_notifications_panel(client: Client, nqsw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    planted = check.plant(lambda org, marker: None, **notification_places(nqsw, orgs))
    check.list_page(reverse("academy:home"), planted)


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
def test_home_pending_invitations(
    client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, places: Any
) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    check.list_page(reverse("academy:home"), check.plant(invitation, **places(orgs)))


def test_home_recent_changes(client: Client, academy_admin: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=academy_admin)
    check.list_page(reverse("academy:home"), check.plant(audit_entry, **partnership_staff_places(orgs)))


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
def test_home_people_counted_by_role(
    client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, places: Any
) -> None:
    # Tutors work at the university: no council counts any until one is planted.
    check = IsolationCheck(client, viewer=personas[viewer])
    check.count(
        reverse("academy:home"),
        read=lambda html: table_value(html, Role.TUTOR.label),
        make=lambda org, marker: person(org, marker, role=Role.TUTOR),
        **places(orgs),
    )


def unread_badge(html: str) -> str:
    found = re.search(r'academy-header__count">(\d+)', html)
    return found.group(1) if found else "0"


def test_unread_count_in_the_header(client: Client, nqsw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    check.count(
        reverse("academy:notifications"),
        read=unread_badge,
        make=lambda org, marker: None,
        **notification_places(nqsw, orgs),
    )


# --- Object pages and actions: 404 outside the scope -----------------------------------------------


MEMBERSHIP_PAGES = [
    ("academy:membership", "GET", {}),
    ("academy:membership_deactivate", "GET", {}),  # the "are you sure?" page
    ("academy:membership_deactivate", "POST", {}),
    ("academy:membership_reactivate", "POST", {}),
    ("academy:membership_role", "POST", {"role": Role.SOCIAL_WORKER}),
]


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
@pytest.mark.parametrize(("name", "method", "data"), MEMBERSHIP_PAGES, ids=lambda v: str(v))
def test_membership_pages(
    client: Client,
    personas: dict[str, Any],
    orgs: Orgs,
    viewer: str,
    places: Any,
    name: str,
    method: str,
    data: dict[str, str],
) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    planted = check.plant(person, **places(orgs))
    check.object_pages(lambda m: reverse(name, args=[m.pk]), planted, method=method, data=data)
    for sentinel in planted.hidden:
        refreshed = Membership.objects.get(pk=sentinel.obj.pk)
        assert (refreshed.role, refreshed.is_active) == (Role.NQSW, True), f"{sentinel.describe()} changed"


@pytest.mark.parametrize(("viewer", "places"), STAFF_VIEWS, ids=STAFF_IDS)
@pytest.mark.parametrize("name", ["academy:invitation_resend", "academy:invitation_revoke"])
def test_invitation_actions(
    client: Client, personas: dict[str, Any], orgs: Orgs, viewer: str, places: Any, name: str
) -> None:
    check = IsolationCheck(client, viewer=personas[viewer])
    planted = check.plant(invitation, **places(orgs))
    check.object_pages(lambda i: reverse(name, args=[i.pk]), planted, method="POST", shown_status=302)
    for sentinel in planted.hidden:
        refreshed = Invitation.objects.get(pk=sentinel.obj.pk)
        assert (refreshed.token_hash, refreshed.revoked_at, refreshed.send_count) == (
            sentinel.obj.token_hash,
            None,
            sentinel.obj.send_count,
        ), f"{sentinel.describe()} changed"


def test_opening_someone_elses_notification(client: Client, nqsw: Any, orgs: Orgs) -> None:
    check = IsolationCheck(client, viewer=nqsw)
    planted = check.plant(lambda org, marker: None, **notification_places(nqsw, orgs))
    check.object_pages(
        lambda n: reverse("academy:notification_read", args=[n.pk]), planted, method="POST", shown_status=302
    )
    assert not Notification.objects.filter(
        pk__in=[s.obj.pk for s in planted.hidden], read_at__isnull=False
    ).exists()


# --- The email outbox: academy admins see their organisations' rows --------------------------------


def email_to(organisation: Organisation | None, marker: str) -> OutboxMessage:
    """An email that failed for good (so it can be sent again), to an address carrying the marker."""
    return OutboxMessage.objects.create(
        kind="notification",
        to_email=f"{marker}@example.test",
        organisation=organisation,
        dedupe_key=marker,
        status=OutboxMessage.Status.FAILED,
        due_at=timezone.now(),
        attempts=10,
    )


def outbox_places(viewer: str, orgs: Orgs) -> dict[str, Any]:
    """Where an academy admin's outbox must not reach: other organisations' rows, and rows about
    no organisation (a superuser's to read). `viewer` is where the admin's role is held."""
    northfold = another_partnership()
    hidden: dict[str, Any] = {
        UNRELATED: orgs.other,
        "council of another partnership": council_of(northfold),
        "deployment itself (no organisation)": lambda marker: email_to(None, marker),
    }
    if viewer == "partnership":
        return {
            "hidden": hidden,
            "shown": {
                "home council": orgs.home,
                "sibling council": orgs.sibling,
                "partnership": orgs.partnership,
            },
        }
    # Held at the home council: the council only, not its sibling nor the partnership above.
    return {
        "hidden": {**hidden, SIBLING: orgs.sibling, "the partnership above": orgs.partnership},
        "shown": {"own council": orgs.home},
    }


ADMIN_HELD_AT = ["partnership", "home"]


def admin_held_at(where: str, orgs: Orgs, personas: dict[str, Any]) -> Any:
    return personas["academy_admin"] if where == "partnership" else academy_admin_at(orgs.home)


@pytest.mark.parametrize("where", ADMIN_HELD_AT, ids=[f"admin-at-{w}" for w in ADMIN_HELD_AT])
def test_outbox_list(client: Client, personas: dict[str, Any], orgs: Orgs, where: str) -> None:
    check = IsolationCheck(client, viewer=admin_held_at(where, orgs, personas))
    planted = check.plant(email_to, **outbox_places(where, orgs))
    check.list_page(reverse("academy:outbox"), planted)
    # The filters look in the same scope.
    check.list_page(reverse("academy:outbox") + "?to=sentinel&status=failed&kind=notification", planted)


@pytest.mark.parametrize("where", ADMIN_HELD_AT, ids=[f"admin-at-{w}" for w in ADMIN_HELD_AT])
def test_outbox_counts(client: Client, personas: dict[str, Any], orgs: Orgs, where: str) -> None:
    def failed(html: str) -> str:
        found = re.search(r"Failed: (\d+)", html)
        assert found is not None, "the outbox page shows no count of failed emails"
        return found.group(1)

    check = IsolationCheck(client, viewer=admin_held_at(where, orgs, personas))
    check.count(reverse("academy:outbox"), read=failed, make=email_to, **outbox_places(where, orgs))


@pytest.mark.parametrize("where", ADMIN_HELD_AT, ids=[f"admin-at-{w}" for w in ADMIN_HELD_AT])
def test_outbox_message_and_retry(client: Client, personas: dict[str, Any], orgs: Orgs, where: str) -> None:
    check = IsolationCheck(client, viewer=admin_held_at(where, orgs, personas))
    planted = check.plant(email_to, **outbox_places(where, orgs))
    check.object_pages(lambda m: reverse("academy:outbox_message", args=[m.pk]), planted, shown_status=200)
    check.object_pages(
        lambda m: reverse("academy:outbox_retry", args=[m.pk]), planted, method="POST", shown_status=302
    )
    for sentinel in planted.hidden:
        refreshed = OutboxMessage.objects.get(pk=sentinel.obj.pk)
        assert refreshed.status == OutboxMessage.Status.FAILED, f"{sentinel.describe()} was sent again"
    for control in planted.shown:  # the controls' retries did happen, so the 404s above mean something
        assert OutboxMessage.objects.get(pk=control.obj.pk).status != OutboxMessage.Status.FAILED


# --- Organisation settings: the academy admin's own organisations ----------------------------------


def organisation_places(where: str, orgs: Orgs) -> dict[str, Any]:
    northfold = another_partnership()
    hidden: dict[str, Any] = {
        UNRELATED: lambda marker: OrganisationFactory(name=marker),
        "council of another partnership": northfold,
    }
    if where == "partnership":
        return {"hidden": hidden, "shown": {"new member council of the partnership": orgs.partnership}}

    def own_council(marker: str) -> Organisation:
        Organisation.objects.filter(pk=orgs.home.pk).update(name=marker)
        return Organisation.objects.get(pk=orgs.home.pk)

    return {
        "hidden": {**hidden, "new member council of the same partnership": orgs.partnership},
        "shown": {"own council, renamed": own_council},
    }


def member_council(parent: Organisation, marker: str) -> Organisation:
    return OrganisationFactory(name=marker, slug=marker, parent=parent)


@pytest.mark.parametrize("where", ADMIN_HELD_AT, ids=[f"admin-at-{w}" for w in ADMIN_HELD_AT])
def test_organisations_list_and_settings(
    client: Client, personas: dict[str, Any], orgs: Orgs, where: str
) -> None:
    check = IsolationCheck(client, viewer=admin_held_at(where, orgs, personas))
    planted = check.plant(member_council, **organisation_places(where, orgs))
    check.list_page(reverse("academy:organisations"), planted)

    def settings_page(organisation: Organisation) -> str:
        return reverse("academy:organisation_settings", args=[organisation.slug])

    check.object_pages(settings_page, planted, shown_status=200)
    check.object_pages(
        settings_page,
        planted,
        method="POST",
        data={"name": "Renamed by someone outside", "brand_colour": "", "evidence_waiting_days": ""},
        shown_status=302,
    )
    for sentinel in planted.hidden:
        assert Organisation.objects.get(pk=sentinel.obj.pk).name == sentinel.marker, (
            f"{sentinel.describe()} changed"
        )


# --- Sign-ins in the audit log: each lands with the organisations of the person who signed in --------


def signed_in(organisation: Organisation, marker: str) -> Any:
    """Someone in `organisation` signs in through the real form, in a browser of their own."""
    user = UserFactory(full_name=marker, email=f"{marker}@example.test")
    MembershipFactory(user=user, organisation=organisation, role=Role.NQSW)
    assert login(Client(), user.email).status_code == 302
    return user


def failed_sign_in(organisation: Organisation, marker: str) -> Any:
    user = UserFactory(full_name=marker, email=f"{marker}@example.test")
    MembershipFactory(user=user, organisation=organisation, role=Role.NQSW)
    assert login(Client(), user.email, "not-the-password").status_code == 200
    return user


def sign_in_places(where: str, orgs: Orgs, northfold: Organisation) -> dict[str, Any]:
    """`where`: the viewer is the Testvale academy admin, or the admin of another partnership."""
    elsewhere = {
        UNRELATED: orgs.other,
        # Nobody holds the address: the entry belongs to no organisation (operators read it).
        "deployment itself (no organisation)": lambda marker: login(
            Client(), f"{marker}@example.test", "a-guess"
        ),
    }
    if where == "testvale":
        return {
            "hidden": {**elsewhere, "council of another partnership": council_of(northfold)},
            "shown": {"home council": orgs.home, "sibling council": orgs.sibling},
        }
    return {
        "hidden": {**elsewhere, "home council": orgs.home, SIBLING: orgs.sibling},
        "shown": {"own member council": council_of(northfold)},
    }


SIGN_IN_VIEWERS = ["testvale", "northfold"]


@pytest.mark.parametrize("where", SIGN_IN_VIEWERS, ids=[f"admin-of-{w}" for w in SIGN_IN_VIEWERS])
@pytest.mark.parametrize("make", [signed_in, failed_sign_in], ids=["signed-in", "failed"])
def test_sign_ins_in_the_audit_log(
    client: Client, academy_admin: Any, orgs: Orgs, where: str, make: Any
) -> None:
    northfold = another_partnership()
    viewer = academy_admin if where == "testvale" else academy_admin_at(northfold)
    check = IsolationCheck(client, viewer=viewer)
    planted = check.plant(make, **sign_in_places(where, orgs, northfold))
    check.list_page(reverse("academy:audit_log"), planted)
    check.list_page(reverse("academy:home"), planted)  # the home page's recent changes
