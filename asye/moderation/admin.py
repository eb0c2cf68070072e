"""The Django admin for ASYE records (superusers only): a record whose year has ended is
read-only here too, like everywhere else (`asye/lock.py`), so nobody changes or deletes it
behind the services' backs."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from academy.admin_audit import AuditedAdmin
from academy.models import Organisation
from asye.models import AsyeRecord

from .models import FinalDecision, ModerationPanel, PanelAllocation


def _locked(obj: Any) -> bool:
    record = obj if isinstance(obj, AsyeRecord) else getattr(obj, "record", None)
    return record is not None and record.is_locked


class LockedReadOnlyAdmin(AuditedAdmin):
    """View only once the record is locked; adding here is never the way (services are). What an
    operator changes before then is audited in the record's organisation."""

    def audit_organisations(
        self, obj: models.Model, before: dict[str, Any], *, deleting: bool = False
    ) -> list[Organisation | None]:
        holder = getattr(obj, "record", None) or getattr(obj, "panel", None) or obj
        organisation = getattr(holder, "organisation", None)
        return [organisation if isinstance(organisation, Organisation) else None]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """No "delete selected": it would pass over the per-record lock below."""
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _locked(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _locked(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(AsyeRecord)
class AsyeRecordAdmin(LockedReadOnlyAdmin):
    list_display = ("id", "organisation", "status", "start_date")
    list_filter = ("status",)
    list_select_related = ("organisation",)
    raw_id_fields = ("nqsw", "assessor", "line_manager", "team", "programme_version", "created_by")


@admin.register(PanelAllocation)
class PanelAllocationAdmin(LockedReadOnlyAdmin):
    list_display = ("id", "panel", "decision")
    raw_id_fields = ("panel", "record", "allocated_by", "checked_by", "decided_by")


@admin.register(FinalDecision)
class FinalDecisionAdmin(LockedReadOnlyAdmin):
    list_display = ("record", "outcome", "decided_on")
    raw_id_fields = ("record", "allocation", "decided_by")


@admin.register(ModerationPanel)
class ModerationPanelAdmin(AuditedAdmin):
    list_display = ("title", "organisation", "held_on", "status")
    raw_id_fields = ("organisation", "created_by", "closed_by")
