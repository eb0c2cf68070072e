"""Django admin for operators. People and roles are managed in the portal's own pages, which
audit every change; here memberships and invitations are read-only, and so is the audit log."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    fields = ("email", "full_name", "is_active", "is_staff", "is_superuser", "last_login")
    readonly_fields = ("last_login",)
    inlines = (MembershipInline,)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
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
class FrameworkVersionAdmin(admin.ModelAdmin):
    """Academy admins complete or correct a version's titles here without a code change."""

    list_display = ("__str__", "status", "in_force_from", "in_force_until")
    list_filter = ("status", "framework")
    inlines = (FrameworkElementInline,)


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "publisher")
