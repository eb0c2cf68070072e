"""The kinds of email the outbox sends. Each kind names a builder, which turns a row into the
email at send time, and optionally a hook run once the row is marked sent (a hook that fails is
logged; the email stays sent).

The core registers its own kinds (academy/outbox/emails.py); an app registers more from its
AppConfig.ready(), so the core never imports the app:

    register_email_kind(name="reminder", build=build_reminder_email)

A builder raises `DoNotSend` when the email should no longer go out (the invitation was
revoked, the person left the organisation): the row is then closed as not sent, with the reason.
Any other exception counts as a failed attempt and is retried with backoff.

A kind sent in bulk (reminders) also gives `build_many`, which builds a whole batch at once: its
rows read in a few queries and its templates looked up and compiled once (`email_template`),
each message rendered from its own context. It answers, for each row, the Email or the exception
`build` would have raised for it. `after_sent_many` and `on_failed` let the kind keep its own
rows in step (a reminder whose email failed for good shows as failed)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

if TYPE_CHECKING:
    from .models import OutboxMessage


class DoNotSend(Exception):
    """Raised by a builder: this email is no longer wanted. The message says why."""


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str = ""


# What `build_many` answers for each row id: the email, or why it is not sent (DoNotSend) or
# could not be built (any other exception).
Built = dict[Any, "Email | Exception"]


@dataclass(frozen=True)
class EmailKind:
    name: str
    build: Callable[["OutboxMessage"], Email]
    on_sent: Callable[["OutboxMessage"], None] | None = None
    build_many: Callable[[list["OutboxMessage"]], Built] | None = None
    after_sent_many: Callable[[list["OutboxMessage"]], None] | None = None
    on_failed: Callable[["OutboxMessage"], None] | None = None


_kinds: dict[str, EmailKind] = {}


def register_email_kind(
    *,
    name: str,
    build: Callable[["OutboxMessage"], Email],
    on_sent: Callable[["OutboxMessage"], None] | None = None,
    build_many: Callable[[list["OutboxMessage"]], Built] | None = None,
    after_sent_many: Callable[[list["OutboxMessage"]], None] | None = None,
    on_failed: Callable[["OutboxMessage"], None] | None = None,
) -> None:
    """`on_sent` runs for each row once it is marked sent, in its own savepoint;
    `after_sent_many` once for all the rows of a batch marked sent together; `on_failed` for a
    row that has failed for good (no attempt left)."""
    _kinds[name] = EmailKind(name, build, on_sent, build_many, after_sent_many, on_failed)


def email_kind(name: str) -> EmailKind:
    """The registered kind; KeyError for one nobody registered (the row then fails visibly)."""
    return _kinds[name]


def email_kind_names() -> list[str]:
    return sorted(_kinds)


@dataclass(frozen=True)
class EmailTemplate:
    """One kind's templates, found and compiled once: `<name>.txt`, the plain text every email
    has, and `<name>.html`, when it exists, sent beside it as the HTML alternative. Render as
    many emails from it as you like, each from its own context."""

    text: Any
    html: Any | None

    def render(self, *, context: dict[str, Any], subject: str) -> Email:
        html = self.html.render(context) if self.html is not None else ""
        # A header line cannot hold a line break.
        return Email(subject=" ".join(subject.split()), text=self.text.render(context), html=html)


def email_template(template: str) -> EmailTemplate:
    text = get_template(f"{template}.txt")
    try:
        html = get_template(f"{template}.html")
    except TemplateDoesNotExist:
        html = None
    return EmailTemplate(text, html)


def render_email(*, template: str, context: dict[str, Any], subject: str) -> Email:
    """One email from `template` (see EmailTemplate)."""
    return email_template(template).render(context=context, subject=subject)
