"""A system check on the outbox's settings: a lease shorter than a task may run would let a
second sender take a message the first is still sending."""

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
