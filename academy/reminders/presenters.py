"""Words, tags and cells for the reminder pages, so the templates only loop."""

from django.urls import reverse

from academy.components import Cell, PostButton, Tag
from academy.presenters import format_date
from academy.registry.reminders import registered_reminder_kinds

from .models import Reminder

State = Reminder.State

STATE_TAG = {
    State.PENDING: "grey",
    State.DUE: "blue",
    State.SENT: "green",
    State.FAILED: "red",
    State.CANCELLED: "yellow",
}


def kind_label(kind: str) -> str:
    labels = {k.name: k.label for k in registered_reminder_kinds()}
    return labels.get(kind, kind)


def state_note(reminder: Reminder) -> str:
    if reminder.state == State.SENT:
        how = Reminder.Email(reminder.email).label.lower()
        return f"Sent {format_date(reminder.sent_at)} ({'portal and ' if reminder.email else ''}{how})"
    if reminder.state == State.FAILED:
        return f"Gave up after {reminder.attempts} attempts: {reminder.last_error[:200]}"
    if reminder.state == State.CANCELLED:
        return reminder.cancel_reason
    if reminder.attempts:
        return f"Attempt {reminder.attempts} failed: {reminder.last_error[:200]}"
    return ""


REMINDER_TABLE_HEAD = ["Person and reminder", "Kind", "Due", "State", ""]


def reminder_table_row(reminder: Reminder) -> list[object]:
    person = reminder.recipient
    buttons = []
    if reminder.state == State.FAILED:
        buttons.append(
            PostButton(
                reverse("academy:reminder_retry", args=[reminder.pk]),
                "Try again",
                hidden=f"the reminder to {person.full_name or person.email}",
            )
        )
    return [
        Cell(person.full_name or person.email, hint=reminder.title),
        kind_label(reminder.kind),
        format_date(reminder.due_at),
        Cell(
            tag=Tag(State(reminder.state).label, STATE_TAG[State(reminder.state)]),
            hint=state_note(reminder),
        ),
        Cell(buttons=buttons),
    ]
