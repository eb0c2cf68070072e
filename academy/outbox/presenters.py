"""Words and tag colours for the outbox pages, so the templates only loop."""

from django.urls import reverse
from django.utils.html import format_html

from academy.presenters import Tag, format_date

from .models import OutboxMessage

Status = OutboxMessage.Status

STATUS_TAG = {
    Status.PENDING: "blue",
    Status.SENT: "green",
    Status.FAILED: "red",
    Status.CANCELLED: "grey",
}

KIND_LABELS = {"notification": "Notification", "invitation": "Invitation", "account": "Account (sign-in)"}


def status_tag(message: OutboxMessage) -> Tag:
    return Tag(Status(message.status).label, STATUS_TAG[Status(message.status)])


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def status_note(message: OutboxMessage) -> str:
    if message.status == Status.SENT:
        return f"Sent {format_date(message.sent_at)}"
    if message.status == Status.FAILED:
        return f"Gave up after {message.attempts} attempts"
    if message.status == Status.CANCELLED:
        return message.cancel_reason or "Not needed any more"
    if message.attempts:
        return f"Attempt {message.attempts} failed; next try {format_date(message.due_at)}"
    return f"Due {format_date(message.due_at)}"


def outbox_table_row(message: OutboxMessage) -> list[object]:
    tag = status_tag(message)
    return [
        format_html(
            '<a class="govuk-link" href="{}">{}</a><br><span class="govuk-body-s">{}</span>',
            reverse("academy:outbox_message", args=[message.pk]),
            message.to_email,
            message.email_subject or kind_label(message.kind),
        ),
        kind_label(message.kind),
        message.organisation.name if message.organisation else "None",
        format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong><br><span class="govuk-body-s">{}</span>',
            tag.colour,
            tag.text,
            status_note(message),
        ),
        format_date(message.created_at),
    ]


OUTBOX_TABLE_HEAD = ["Recipient and subject", "Kind", "Organisation", "Status", "Queued"]


def outbox_summary(message: OutboxMessage) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"key": "Recipient", "value": message.to_email},
        {"key": "Kind", "value": kind_label(message.kind)},
        {"key": "Subject line", "value": message.email_subject or "Not built yet"},
        {"key": "Organisation", "value": message.organisation.name if message.organisation else "None"},
        {"key": "Status", "value": f"{status_tag(message).text}: {status_note(message)}"},
        {"key": "Queued", "value": format_date(message.created_at)},
        {"key": "Attempts", "value": str(message.attempts)},
    ]
    if message.last_error:
        rows.append({"key": "Last error", "value": message.last_error})
    return rows
