"""The reminder engine's two kinds of email, built by the outbox when it sends them: one
reminder, and the daily digest. Both link back to the page that resolves each reminder and,
in one click, to the person's reminder preferences (a signed-in page: see
docs/adr/0013-reminder-engine.md)."""

from django.conf import settings
from django.urls import reverse

from academy.models import User
from academy.outbox.models import OutboxMessage
from academy.outbox.registry import DoNotSend, Email, register_email_kind, render_email

from .models import Reminder
from .services import DIGEST_EMAIL, REMINDER_EMAIL, active_user_ids


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
    if reminder is None or reminder.state != Reminder.State.SENT:
        raise DoNotSend("The reminder no longer exists or was not delivered.")
    if not active_user_ids([reminder.recipient_id]):
        raise DoNotSend("The person's memberships have all ended.")
    return render_email(
        template="academy/reminders/email/reminder",
        context={**_common(reminder.recipient), "reminder": reminder, "link": _site_link(reminder.url)},
        subject=f"{settings.ACADEMY_NAME}: {reminder.title}",
    )


def build_digest_email(message: OutboxMessage) -> Email:
    user = User.objects.filter(pk=message.recipient_id).first() if message.recipient_id else None
    if user is None or not active_user_ids([user.pk]):
        raise DoNotSend("The person no longer has a current membership.")
    reminders = list(
        Reminder.objects.filter(
            pk__in=message.context.get("reminder_ids", []), recipient=user, state=Reminder.State.SENT
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
    register_email_kind(name=REMINDER_EMAIL, build=build_reminder_email)
    register_email_kind(name=DIGEST_EMAIL, build=build_digest_email)
