"""Extra sections of the reminder engine's daily digest: an app adds what a person should read
with their reminders (academy news, say) without the core importing it.

A section's `items(user=..., since=..., now=...)` returns what is new for that person since
their last digest (`since` is None before their first). The digest sweep asks every section for
each person whose digest time has come; an email goes when there are reminders waiting or any
section has something. Items are stored in the outbox message as plain text and links, so the
email says what was true when it was queued."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import Registry


@dataclass(frozen=True)
class DigestItem:
    title: str
    url: str
    body: str = ""


DigestItems = Callable[..., Sequence[DigestItem]]  # (*, user, since: datetime | None, now: datetime)


@dataclass(frozen=True)
class DigestSection:
    name: str
    title: str
    items: DigestItems


digest_sections = Registry[DigestSection]("digest section")


def register_digest_section(*, name: str, title: str, items: DigestItems) -> DigestSection:
    """`name` is unique across apps: prefix it with the app ("programmes.news")."""
    return digest_sections.register(name, DigestSection(name, title, items))


def digest_extras(*, user: Any, since: datetime | None, now: datetime) -> list[dict[str, Any]]:
    """Every section with something for the person, as JSON-ready dicts for the outbox."""
    extras = []
    for section in digest_sections.entries():
        items = list(section.items(user=user, since=since, now=now))
        if items:
            extras.append(
                {
                    "title": section.title,
                    "items": [{"title": i.title, "body": i.body, "url": i.url} for i in items],
                }
            )
    return extras
