"""The Django admin audits what operators change there, as services do: one entry per change,
in the admin's own transaction, with the changed fields before and after. Moving a council to
another partnership changes who sees whom, so it must show in the audit log of both
partnerships and of the council."""

import datetime
import decimal
import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from .audit import audit_log
from .models import Organisation

HIDDEN_FIELDS = {"password", "token_hash"}


def _json(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple, set, QuerySet)):
        return sorted(_json(item) for item in value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _initial(form: Any, name: str) -> Any:
    value = form.initial.get(name)
    if isinstance(form.fields.get(name), ModelChoiceField) and not isinstance(value, (list, tuple)):
        return None if value is None else str(getattr(value, "pk", value))  # a key, as after
    return _json(value)


def form_changes(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields the form changed: their values when the form opened (nothing for a new
    object) and as saved. Call before saving."""
    names = [name for name in form.changed_data if name not in HIDDEN_FIELDS]
    adding = form.instance._state.adding
    before = {} if adding else {name: _initial(form, name) for name in names}
    return before, {name: _json(form.cleaned_data.get(name)) for name in names}


def verb_for(obj: models.Model | type[models.Model], action: str) -> str:
    return f"admin.{obj._meta.model_name}.{action}"


def _audited_action(action: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A bulk action that writes one entry per selected object, in one transaction with it."""

    @functools.wraps(action)
    def run(model_admin: "AuditedAdmin", request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        with transaction.atomic():
            chosen = list(queryset)
            response = action(model_admin, request, queryset)
            for obj in chosen:
                model_admin._audit(request, obj, name, {}, {"action": name})
        return response

    return run


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose saves, deletes and bulk actions are audited. Every ModelAdmin that
    lets an operator add, change or delete is one (a test walks the admin site to check)."""

    def audit_organisations(
        self, obj: models.Model, before: dict[str, Any], *, deleting: bool = False
    ) -> list[Organisation | None]:
        """Whose audit log the entry belongs in; None means no organisation's (operators only,
        or every academy admin for deployment-wide reference data). By default the object's
        own organisation."""
        organisation = getattr(obj, "organisation", None)
        return [organisation if isinstance(organisation, Organisation) else None]

    def _audit(
        self,
        request: HttpRequest,
        obj: models.Model,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        *,
        deleting: bool = False,
    ) -> None:
        organisations = self.audit_organisations(obj, before, deleting=deleting)
        for organisation in dict.fromkeys(organisations):
            audit_log(
                actor=request.user,  # type: ignore[arg-type]
                verb=verb_for(obj, action),
                obj=obj,
                organisation=organisation,
                before=before,
                after=after,
            )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        """Bulk actions (a library's "mark verified", "disable tasks") are audited per object;
        "delete selected" already is, through `delete_queryset`."""
        actions: dict[str, Any] = super().get_actions(request)
        return {
            name: (func if name == "delete_selected" else _audited_action(func, name), name, description)
            for name, (func, _, description) in actions.items()
        }

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before, after = form_changes(form)
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change and not after:
                return
            self._audit(request, obj, "change" if change else "add", before, after)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Rows of an inline (a version's elements): each added, changed or deleted row."""
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk is not None]
        edited = [
            (f, f.instance._state.adding, *form_changes(f))
            for f in formset.forms
            if f not in formset.deleted_forms and f.has_changed()
        ]
        with transaction.atomic():
            for instance in deleted:
                self._audit(request, instance, "delete", {"repr": str(instance)}, {}, deleting=True)
            super().save_formset(request, form, formset, change)
            for inline, adding, before, after in edited:
                if inline.instance.pk is not None:
                    self._audit(request, inline.instance, "add" if adding else "change", before, after)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, obj, "delete", {"repr": str(obj)}, {}, deleting=True)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """The "delete selected" action: one entry per object, in one transaction with the
        delete."""
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "delete", {"repr": str(obj)}, {}, deleting=True)
            super().delete_queryset(request, queryset)
