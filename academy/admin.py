"""Django admin for operators. People and roles are managed in the portal's own pages, which
audit every change; here memberships and invitations are read-only, and so is the audit log.
What can be changed here is audited too (academy/admin_audit.py)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .admin_audit import AuditedAdmin
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


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    can_delete = False
    readonly_fields = ("organisation", "role", "team", "is_active", "deactivated_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin):
    """`user_permissions` is where operators make someone a reference data publisher
    (academy | framework | Can publish reference data shared by every organisation)."""

    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fields = (
        "email",
        "full_name",
        "is_active",
        "is_staff",
        "is_superuser",
        "user_permissions",
        "last_login",
    )
    readonly_fields = ("last_login",)
    filter_horizontal = ("user_permissions",)
    inlines = (MembershipInline,)

    def audit_organisations(
        self, obj: Any, before: dict[str, Any], *, deleting: bool = False
    ) -> list[Organisation | None]:
        """Every organisation where the person holds a role, active or not."""
        held = Organisation.objects.filter(memberships__user=obj).distinct()
        return [*held] or [None]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012

    def audit_organisations(
        self, obj: Any, before: dict[str, Any], *, deleting: bool = False
    ) -> list[Organisation | None]:
        """The organisation itself and the partnerships it left and joined: each of their
        academy admins sees who moved in or out of their tree."""
        old_parent = before.get("parent")
        found: list[Organisation | None] = [] if deleting else [obj]
        if obj.parent_id is not None:
            found.append(obj.parent)
        if old_parent:
            found.extend(Organisation.objects.filter(pk=old_parent))
        return found or [None]


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name", "organisation", "service_area")
    list_filter = ("service_area",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "organisation")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "organisation", "role", "expires_at", "accepted_at", "revoked_at")
    exclude = ("token_hash",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("title", "recipient", "created_at", "read_at")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "verb", "object_repr", "organisation")
    list_filter = ("verb",)
    list_select_related = ("actor", "organisation")


class FrameworkElementInline(admin.TabularInline):
    model = FrameworkElement
    fk_name = "version"
    extra = 0
    fields = ("position", "code", "parent", "title", "title_confirmed", "description")


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(AuditedAdmin):
    """Operators complete or correct a version's titles here without a code change. Changes
    reach every organisation: their audit entries have no organisation and every academy
    admin reads them (academy/reference_data.py)."""

    list_display = ("__str__", "status", "in_force_from", "in_force_until")
    list_filter = ("status", "framework")
    inlines = (FrameworkElementInline,)


@admin.register(Framework)
class FrameworkAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "publisher")


# The libraries' admin pages, audited too.
from . import admin_libraries  # noqa: E402, F401
