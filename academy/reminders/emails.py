"""The reminder engine's two kinds of email, built by the outbox when it sends them: one
reminder, and the daily digest. Both link back to the page that resolves each reminder and,
in one click, to the person's reminder preferences (a signed-in page: see
docs/adr/0013-reminder-engine.md)."""

from django.conf import settings
from django.urls import reverse

from academy.models import User
from academy.outbox.models import OutboxMessage
from academy.outbox.registry import (
    Built,
    DoNotSend,
    Email,
    email_template,
    register_email_kind,
    render_email,
)

from .models import Reminder
from .services import (
    DIGEST_EMAIL,
    REMINDER_EMAIL,
    active_user_ids,
    reminders_email_failed,
    reminders_email_sent,
)

REMINDER_TEMPLATE = "academy/reminders/email/reminder"
# A reminder delivered to the portal whose email is going out, or failed and is being sent again.
EMAILED = (Reminder.State.SENT, Reminder.State.FAILED)


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _common(user: User) -> dict[str, object]:
    return {
        "person": user,
        "academy_name": settings.ACADEMY_NAME,
        "preferences_link": _site_link(reverse("academy:reminder_preferences")),
    }


def build_reminder_email(message: OutboxMessage) -> Email:
    reminder = (
        Reminder.objects.select_related("recipient").filter(pk=message.object_id).first()
        if message.object_id
        else None
    )
    if reminder is None or reminder.state not in EMAILED:
        raise DoNotSend("The reminder no longer exists or was not delivered.")
    if not active_user_ids([reminder.recipient_id]):
        raise DoNotSend("The person's memberships have all ended.")
    return render_email(
        template=REMINDER_TEMPLATE,
        context={**_common(reminder.recipient), "reminder": reminder, "link": _site_link(reminder.url)},
        subject=f"{settings.ACADEMY_NAME}: {reminder.title}",
    )


def build_reminder_emails(messages: list[OutboxMessage]) -> Built:
    """The same emails as `build_reminder_email`, for a whole batch: its reminders and their
    recipients in one query, whose memberships are current in one more, and the templates
    compiled once."""
    ids = [message.object_id for message in messages if message.object_id]
    reminders = {
        str(pk): row for pk, row in Reminder.objects.select_related("recipient").in_bulk(ids).items()
    }
    active = active_user_ids(reminder.recipient_id for reminder in reminders.values())
    template = email_template(REMINDER_TEMPLATE)
    preferences_link = _site_link(reverse("academy:reminder_preferences"))
    built: Built = {}
    for message in messages:
        reminder = reminders.get(message.object_id) if message.object_id else None
        if reminder is None or reminder.state not in EMAILED:
            built[message.pk] = DoNotSend("The reminder no longer exists or was not delivered.")
        elif str(reminder.recipient_id) not in active:
            built[message.pk] = DoNotSend("The person's memberships have all ended.")
        else:
            built[message.pk] = template.render(
                context={
                    "person": reminder.recipient,
                    "academy_name": settings.ACADEMY_NAME,
                    "preferences_link": preferences_link,
                    "reminder": reminder,
                    "link": _site_link(reminder.url),
                },
                subject=f"{settings.ACADEMY_NAME}: {reminder.title}",
            )
    return built


def _reminder_ids(message: OutboxMessage) -> list[str]:
    if message.kind == DIGEST_EMAIL:
        return [str(pk) for pk in message.context.get("reminder_ids", [])]
    return [message.object_id] if message.object_id else []


def reminder_email_failed(message: OutboxMessage) -> None:
    """The email failed for good: its reminders show as failed on the operators' page."""
    reminders_email_failed(reminder_ids=_reminder_ids(message), error=message.last_error)


def reminder_emails_sent(messages: list[OutboxMessage]) -> None:
    """Emails an operator sent again after they had failed: their reminders are sent now."""
    reminders_email_sent(reminder_ids=[pk for message in messages for pk in _reminder_ids(message)])


def build_digest_email(message: OutboxMessage) -> Email:
    user = User.objects.filter(pk=message.recipient_id).first() if message.recipient_id else None
    if user is None or not active_user_ids([user.pk]):
        raise DoNotSend("The person no longer has a current membership.")
    reminders = list(
        Reminder.objects.filter(
            pk__in=message.context.get("reminder_ids", []), recipient=user, state__in=EMAILED
        ).order_by("due_at")
    )
    # Sections apps added (academy/registry/digest.py), as they were when the email was queued.
    extras = [
        {**section, "items": [{**item, "link": _site_link(item["url"])} for item in section["items"]]}
        for section in message.context.get("extras", [])
    ]
    if not reminders and not extras:
        raise DoNotSend("None of the digest's reminders is left to send.")
    items = [{"reminder": reminder, "link": _site_link(reminder.url)} for reminder in reminders]
    count = len(items)
    subject = f"{count} reminder{'s' if count != 1 else ''} for today" if count else "Your daily digest"
    return render_email(
        template="academy/reminders/email/digest",
        context={**_common(user), "items": items, "count": count, "extras": extras},
        subject=f"{settings.ACADEMY_NAME}: {subject}",
    )


def register_reminder_kinds() -> None:
    register_email_kind(
        name=REMINDER_EMAIL,
        build=build_reminder_email,
        build_many=build_reminder_emails,
        after_sent_many=reminder_emails_sent,
        on_failed=reminder_email_failed,
    )
    register_email_kind(
        name=DIGEST_EMAIL,
        build=build_digest_email,
        after_sent_many=reminder_emails_sent,
        on_failed=reminder_email_failed,
    )
