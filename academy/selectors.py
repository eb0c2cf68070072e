"""Reads in the core. Every list page is built from a `*_visible_to` selector and every object
page from a `*_get_for_user` access selector: 404 when the person has no relation to the
object, 403 when they may read it but not change it."""

from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .models import (
    AuditEntry,
    Framework,
    FrameworkElement,
    FrameworkVersion,
    Invitation,
    Membership,
    Notification,
    Organisation,
    Team,
    User,
)
from .reference_data import deployment_wide_verbs
from .roles import STAFF_ROLES, Role, grantable_roles
from .scope import Scope


def current_membership_q(prefix: str = "") -> Q:
    """A membership gives access while it is active and its employment end date, if any, has
    not passed (the last day still counts). The daily sweep (academy/employment.py) then marks
    ended ones inactive; access does not wait for it, and neither does any count of people.
    `prefix` reaches memberships through a relation ("memberships__")."""
    return Q(**{f"{prefix}is_active": True}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": timezone.localdate()})
    )


def user_has_active_membership(*, user: User) -> bool:
    return Membership.objects.filter(current_membership_q(), user=user).exists()


def user_has_ended_employment(*, user: User) -> bool:
    """True when one of the person's roles ended by its employment end date (not one an admin
    deactivated without ending it): they keep their own records (docs/adr/0012)."""
    return Membership.objects.filter(user=user, ended_on__lt=timezone.localdate()).exists()


def user_may_sign_in(*, user: User) -> bool:
    """Who may sign in (the account must be active too; the auth backend checks that): a
    superuser, someone with a current role, or someone whose employment has ended, who signs in
    to their own records only (docs/adr/0012-signing-in-after-employment-ends.md)."""
    return (
        bool(user.is_superuser)
        or user_has_active_membership(user=user)
        or user_has_ended_employment(user=user)
    )


def active_memberships(*, user: User) -> list[Membership]:
    """The person's active memberships with their organisations: the organisation switcher."""
    return list(
        Membership.objects.filter(current_membership_q(), user=user)
        .select_related("organisation", "organisation__parent")
        .order_by("organisation__name", "role")
    )


def organisation_scope_ids(*, organisation: Organisation) -> set[int]:
    """The organisation and every organisation beneath it (a partnership's member councils).
    Remembered on the instance, so a page that builds several lists walks the tree once."""
    cached = getattr(organisation, "_scope_ids", None)
    if cached is not None:
        return set(cached)
    scope = {organisation.pk}
    if organisation.kind != Organisation.Kind.PARTNERSHIP:
        # Only a partnership's roles reach beyond it; a council's stay in the council.
        organisation._scope_ids = frozenset(scope)  # type: ignore[attr-defined]
        return scope
    frontier = [organisation.pk]
    while frontier:
        frontier = list(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in scope]
        scope.update(frontier)
    organisation._scope_ids = frozenset(scope)  # type: ignore[attr-defined]
    return scope


def _ancestor_ids(organisation: Organisation) -> list[int]:
    """The partnerships above an organisation, nearest first."""
    ids: list[int] = []
    current = organisation.parent_id
    while current is not None and current not in ids:
        row = Organisation.objects.filter(pk=current).values_list("kind", "parent_id").first()
        if row is None or row[0] != Organisation.Kind.PARTNERSHIP:
            break
        ids.append(current)
        current = row[1]
    return ids


def roles_held_over(*, user: User, organisation: Organisation) -> set[str]:
    """Roles that give `user` authority over `organisation`: held there, or held at a
    partnership above it."""
    org_ids = [organisation.pk, *_ancestor_ids(organisation)]
    return set(
        Membership.objects.filter(current_membership_q(), user=user, organisation_id__in=org_ids).values_list(
            "role", flat=True
        )
    )


def staff_scope_ids(*, scope: Scope) -> set[int]:
    """Organisations whose people a staff member may manage from their current organisation."""
    if scope.organisation is None or not scope.holds(*STAFF_ROLES):
        return set()
    return organisation_scope_ids(organisation=scope.organisation)


def organisations_manageable_by(*, scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=staff_scope_ids(scope=scope))


def memberships_visible_to(*, scope: Scope) -> QuerySet[Membership]:
    """Memberships on the people pages: staff see everyone in their scope."""
    return (
        Membership.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("user", "organisation", "team")
        .order_by("user__full_name", "user__email", "organisation__name", "role")
    )


def _one_in_scope(queryset: QuerySet[Any], *, user: User, pk: UUID | str, write: bool, what: str) -> Any:
    """One membership or invitation from a scoped queryset: 404 outside the scope; 403 when
    `write` is asked and its role is above what the user may grant where it belongs."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(f"No such {what} in your organisations.")
    if write and found.role not in grantable_roles(
        roles_held_over(user=user, organisation=found.organisation)
    ):
        raise PermissionDenied(f"You cannot change this {what}.")
    return found


def membership_get_for_user(
    *,
    scope: Scope,
    pk: UUID | str,
    write: bool = False,
) -> Membership:
    queryset = memberships_visible_to(scope=scope)
    membership: Membership = _one_in_scope(queryset, user=scope.user, pk=pk, write=write, what="person")
    return membership


def teams_visible_to(*, scope: Scope) -> QuerySet[Team]:
    """Teams in the staff member's scope, with how many active people each has."""
    return (
        Team.objects.filter(organisation_id__in=staff_scope_ids(scope=scope))
        .select_related("organisation")
        .annotate(active_people=Count("memberships", filter=current_membership_q("memberships__")))
        .order_by("organisation__name", "name")
    )


def invitations_visible_to(*, scope: Scope) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organisation_id__in=staff_scope_ids(scope=scope)).select_related(
        "organisation", "invited_by", "team"
    )


def invitation_get_for_user(
    *,
    scope: Scope,
    pk: UUID | str,
    write: bool = False,
) -> Invitation:
    queryset = invitations_visible_to(scope=scope)
    invitation: Invitation = _one_in_scope(queryset, user=scope.user, pk=pk, write=write, what="invitation")
    return invitation


def _own_notifications(user: User) -> QuerySet[Notification]:
    """The person's notifications, less those about an organisation they no longer belong to."""
    current = Membership.objects.filter(current_membership_q(), user=user).values("organisation_id")
    return Notification.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=current), recipient=user
    )


def notifications_visible_to(*, user: User) -> QuerySet[Notification]:
    return _own_notifications(user).only(
        "id", "title", "body", "url", "read_at", "created_at", "recipient_id"
    )


def notification_get_for_user(*, user: User, pk: UUID | str) -> Notification:
    notification = notifications_visible_to(user=user).filter(pk=pk).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


UNREAD_COUNT_SECONDS = 60


def unread_count_cache_key(user_id: object) -> str:
    return f"academy:unread:{user_id}"


def unread_notification_count(*, user: User) -> int:
    """The header's unread count, cached briefly per person; services that add or read
    notifications drop the cached value, so it is never stale after the person's own action."""
    count = cache.get_or_set(
        unread_count_cache_key(user.pk),
        lambda: _own_notifications(user).filter(read_at__isnull=True).count(),
        UNREAD_COUNT_SECONDS,
    )
    return int(count or 0)


def audit_entries_visible_to(*, scope: Scope) -> QuerySet[AuditEntry]:
    """Academy admins read the audit log of the organisations in their scope, and the
    deployment-wide changes every organisation shares (reference data: entries with no
    organisation whose verb is registered in academy/reference_data.py). Other entries without
    an organisation (a failed sign-in for an unknown address) are for operators only."""
    if scope.organisation is None or not scope.holds(Role.ACADEMY_ADMIN):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(
        Q(organisation_id__in=organisation_scope_ids(organisation=scope.organisation))
        | Q(organisation__isnull=True, verb__in=deployment_wide_verbs())
    ).select_related("actor", "organisation", "content_type")


def frameworks_visible_to(*, user: User) -> QuerySet[Framework]:
    """Frameworks are shared reference data: every signed-in person may read them."""
    return Framework.objects.prefetch_related("versions")


def framework_version_get_for_user(*, user: User, framework_slug: str, version_slug: str) -> FrameworkVersion:
    version = (
        FrameworkVersion.objects.select_related("framework")
        .filter(framework__slug=framework_slug, slug=version_slug)
        .first()
    )
    if version is None:
        raise Http404("No such framework version.")
    return version


def users_with_email(*, email: str) -> QuerySet[User]:
    """Accounts that hold `email`, in any letter case: as the address they sign in with, or as
    a verified address in allauth's table. An unverified address proves nothing, so it never
    ties an address to an account (nor blocks the address's owner)."""
    return User.objects.filter(
        Q(email__iexact=email) | Q(emailaddress__email__iexact=email, emailaddress__verified=True)
    ).distinct()


def user_get_by_email(*, email: str) -> User | None:
    """The account that holds `email`: the one signing in with it first."""
    exact = User.objects.filter(email__iexact=email).first()
    return exact or users_with_email(email=email).first()


def user_holds_email(*, user: User, email: str) -> bool:
    return user.email.lower() == email.lower() or users_with_email(email=email).filter(pk=user.pk).exists()


def element_tree(*, version: FrameworkVersion) -> list[dict[str, object]]:
    """The version's elements as nested dicts, built from one query."""
    elements = list(version.elements.all().order_by("position"))
    children: dict[int | None, list[FrameworkElement]] = {}
    for element in elements:
        children.setdefault(element.parent_id, []).append(element)

    def build(parent_id: int | None) -> list[dict[str, object]]:
        return [{"element": e, "children": build(e.pk)} for e in children.get(parent_id, [])]

    return build(None)
