"""The Django admin pages that the libraries register (groups, email addresses, authenticators,
sign-in lockouts, beat schedules), registered again on audited subclasses of their own admin
classes: what an operator changes there is audited like everything else
(academy/admin_audit.py). Imported by academy/admin.py, which Django loads after the libraries'
own admin modules."""

from typing import Any

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.db import models
from django.http import HttpRequest
from django_celery_beat.admin import (
    ClockedScheduleAdmin,
    CrontabScheduleAdmin,
    IntervalScheduleAdmin,
    PeriodicTaskAdmin,
    SolarScheduleAdmin,
)
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from .admin_audit import AuditedAdmin
from .models import Organisation


def _register_again(model: type[models.Model], admin_class: type[admin.ModelAdmin]) -> None:  # type: ignore[type-arg]
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class _PersonsAdmin(AuditedAdmin):
    """A row that belongs to a person: the entry goes to every organisation where they hold a
    role, active or not, so their academy admins read it."""

    def audit_organisations(
        self, obj: Any, before: dict[str, Any], *, deleting: bool = False
    ) -> list[Organisation | None]:
        held = Organisation.objects.filter(memberships__user_id=obj.user_id).distinct()
        return [*held] or [None]


class AuditedEmailAddressAdmin(_PersonsAdmin, EmailAddressAdmin):
    """Adding a verified address lets its holder sign in as the person: audited."""


class AuditedAuthenticatorAdmin(_PersonsAdmin, AuthenticatorAdmin):
    """Operators may remove someone's authenticator (a lost phone), audited; they can neither
    add one nor edit one, and never see its secret."""

    exclude = ("data",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


class AuditedAccessAttemptAdmin(AuditedAdmin, AccessAttemptAdmin):
    """Deleting an attempt lifts a lockout: audited."""


class AuditedAccessLogAdmin(AuditedAdmin, AccessLogAdmin):
    pass


class AuditedAccessFailureLogAdmin(AuditedAdmin, AccessFailureLogAdmin):
    pass


class AuditedPeriodicTaskAdmin(AuditedAdmin, PeriodicTaskAdmin):
    """Schedules are synced from academy/schedules.py; a change here (disabling the outbox
    sweep) is audited."""


class AuditedClockedScheduleAdmin(AuditedAdmin, ClockedScheduleAdmin):
    pass


class AuditedCrontabScheduleAdmin(AuditedAdmin, CrontabScheduleAdmin):
    pass


class AuditedSolarScheduleAdmin(AuditedAdmin, SolarScheduleAdmin):
    pass


class AuditedIntervalScheduleAdmin(AuditedAdmin, IntervalScheduleAdmin):
    pass


_register_again(Group, AuditedGroupAdmin)
_register_again(EmailAddress, AuditedEmailAddressAdmin)
_register_again(Authenticator, AuditedAuthenticatorAdmin)
if admin.site.is_registered(AccessAttempt):  # django-axes registers these only with AXES_ENABLE_ADMIN
    _register_again(AccessAttempt, AuditedAccessAttemptAdmin)
    _register_again(AccessLog, AuditedAccessLogAdmin)
    _register_again(AccessFailureLog, AuditedAccessFailureLogAdmin)
_register_again(PeriodicTask, AuditedPeriodicTaskAdmin)
_register_again(ClockedSchedule, AuditedClockedScheduleAdmin)
_register_again(CrontabSchedule, AuditedCrontabScheduleAdmin)
_register_again(SolarSchedule, AuditedSolarScheduleAdmin)
_register_again(IntervalSchedule, AuditedIntervalScheduleAdmin)
