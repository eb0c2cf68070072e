"""The kinds of email the outbox sends. Each kind names a builder, which turns a row into the
email at send time, and optionally a hook run once the row is marked sent (a hook that fails is
logged; the email stays sent).

The core registers its own kinds (academy/outbox/emails.py); an app registers more from its
AppConfig.ready(), so the core never imports the app:

    register_email_kind(name="reminder", build=build_reminder_email)

A builder raises `DoNotSend` when the email should no longer go out (the invitation was
revoked, the person left the organisation): the row is then closed as not sent, with the reason.
Any other exception counts as a failed attempt and is retried with backoff."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

if TYPE_CHECKING:
    from .models import OutboxMessage


class DoNotSend(Exception):
    """Raised by a builder: this email is no longer wanted. The message says why."""


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str = ""


@dataclass(frozen=True)
class EmailKind:
    name: str
    build: Callable[["OutboxMessage"], Email]
    on_sent: Callable[["OutboxMessage"], None] | None = None


_kinds: dict[str, EmailKind] = {}


def register_email_kind(
    *,
    name: str,
    build: Callable[["OutboxMessage"], Email],
    on_sent: Callable[["OutboxMessage"], None] | None = None,
) -> None:
    _kinds[name] = EmailKind(name, build, on_sent)


def email_kind(name: str) -> EmailKind:
    """The registered kind; KeyError for one nobody registered (the row then fails visibly)."""
    return _kinds[name]


def email_kind_names() -> list[str]:
    return sorted(_kinds)


def render_email(*, template: str, context: dict[str, Any], subject: str) -> Email:
    """`<template>.txt` is the plain text every email has; `<template>.html`, when it exists,
    is sent beside it as the HTML alternative."""
    text = render_to_string(f"{template}.txt", context)
    try:
        html_template = get_template(f"{template}.html")
    except TemplateDoesNotExist:
        html = ""
    else:
        html = html_template.render(context)
    # A header line cannot hold a line break.
    return Email(subject=" ".join(subject.split()), text=text, html=html)
