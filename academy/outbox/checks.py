"""System checks on the outbox's settings: a lease shorter than a task may run would let a
second sender take a message the first is still sending, and an allauth flow that emails a
code kept only in the session cannot go through the outbox without storing the code."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def outbox_lease_outlasts_a_task(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None)
    if limit and limit >= settings.OUTBOX_LEASE_SECONDS:
        return [
            Error(
                "OUTBOX_LEASE_SECONDS must be longer than CELERY_TASK_TIME_LIMIT, or a message could "
                "be sent twice while its first sender is still running.",
                id="academy.E101",
            )
        ]
    if settings.OUTBOX_SEND_AFTER_COMMIT not in {"task", "inline", "off"}:
        return [Error('OUTBOX_SEND_AFTER_COMMIT must be "task", "inline" or "off".', id="academy.E102")]
    return []


@register()
def account_emails_carry_no_stored_secret(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    from .account_emails import account_email_unsafe_settings

    unsafe = account_email_unsafe_settings()
    if unsafe:
        return [
            Error(
                f"{', '.join(unsafe)}: these allauth flows email a code kept only in the session (or a "
                "key stored in a table), which the outbox cannot mint again at send time and will not "
                "keep in its table. Leave them off, or teach academy/outbox/account_emails.py to mint it.",
                id="academy.E103",
            )
        ]
    return []
