"""The core's own home-page panels, registered like any app's (`academy.registry.home_panels`)
from `AcademyConfig.ready()`. Each reads through the core's selectors with `request.scope`."""

from collections.abc import Mapping

from django.db.models import Count
from django.utils import timezone

from . import presenters, selectors
from .registry.home_panels import register_home_panel
from .roles import STAFF_ROLES, Role
from .web import AcademyRequest

LATEST = 5


def _is_staff(request: AcademyRequest) -> bool:
    return request.scope.holds(*STAFF_ROLES)


def _is_academy_admin(request: AcademyRequest) -> bool:
    return request.scope.holds(Role.ACADEMY_ADMIN)


def _notifications(request: AcademyRequest) -> Mapping[str, object]:
    unread = selectors.notifications_visible_to(user=request.user).filter(read_at__isnull=True)
    return {"notifications": list(unread[:LATEST])}


def _pending_invitations(request: AcademyRequest) -> Mapping[str, object]:
    pending = selectors.invitations_visible_to(scope=request.scope).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    return {"pending_invitations": list(pending[:LATEST])}


def _people_by_role(request: AcademyRequest) -> Mapping[str, object]:
    counts = (
        selectors.memberships_visible_to(scope=request.scope)
        .filter(selectors.current_membership_q())
        .order_by()
        .values("role")
        .annotate(n=Count("id"))
        .order_by("role")
    )
    return {
        "people_table_head": ["Role", "Active people"],
        "people_table_rows": [[Role(row["role"]).label, str(row["n"])] for row in counts],
    }


def _recent_audit(request: AcademyRequest) -> Mapping[str, object]:
    entries = selectors.audit_entries_visible_to(scope=request.scope)[:LATEST]
    return {"recent_audit": [presenters.audit_row(entry) for entry in entries]}


def _your_roles(request: AcademyRequest) -> Mapping[str, object]:
    return {"memberships": request.memberships}


def register_core_panels() -> None:
    register_home_panel(
        name="academy.notifications",
        title="Your notifications",
        template="academy/panels/notifications.html",
        order=10,
        context=_notifications,
    )
    register_home_panel(
        name="academy.pending_invitations",
        title="Invitations waiting to be accepted",
        template="academy/panels/pending_invitations.html",
        order=80,
        condition=_is_staff,
        context=_pending_invitations,
    )
    register_home_panel(
        name="academy.people_by_role",
        title="People with access",
        template="academy/panels/people_by_role.html",
        order=85,
        condition=_is_staff,
        context=_people_by_role,
    )
    register_home_panel(
        name="academy.recent_audit",
        title="Recent changes",
        template="academy/panels/recent_audit.html",
        order=100,
        condition=_is_academy_admin,
        context=_recent_audit,
    )
    register_home_panel(
        name="academy.your_roles",
        title="Your roles",
        template="academy/panels/your_roles.html",
        order=10,
        column="side",
        context=_your_roles,
    )
