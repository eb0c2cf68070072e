"""Role-based navigation. The core registers its own entries here; each app registers its
entries from its AppConfig.ready(), so the core never imports a domain app."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from .roles import Role


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    roles: frozenset[str] | None = None  # None: everyone signed in with an active membership


_entries: dict[str, NavEntry] = {}


def register_nav(*, label: str, url_name: str, order: int, roles: Iterable[str] | None = None) -> None:
    _entries[url_name] = NavEntry(label, url_name, order, frozenset(roles) if roles is not None else None)


def nav_for(*, roles: Iterable[str], path: str) -> list[dict[str, object]]:
    """The entries these roles may use; the one whose address is the longest prefix of `path`
    is active (so /people/teams/ marks Teams, not People)."""
    held = set(roles)
    entries = [
        e for e in sorted(_entries.values(), key=lambda e: e.order) if e.roles is None or e.roles & held
    ]
    urls = [reverse(e.url_name) for e in entries]
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    return [
        {"label": e.label, "url": url, "active": url == active} for e, url in zip(entries, urls, strict=True)
    ]


register_nav(label="Home", url_name="academy:home", order=0)
register_nav(label="People", url_name="academy:people", order=80, roles={Role.PSW, Role.ACADEMY_ADMIN})
register_nav(label="Teams", url_name="academy:teams", order=85, roles={Role.PSW, Role.ACADEMY_ADMIN})
register_nav(label="Frameworks", url_name="academy:frameworks", order=90)
register_nav(label="Audit log", url_name="academy:audit_log", order=100, roles={Role.ACADEMY_ADMIN})
register_nav(label="Email outbox", url_name="academy:outbox", order=105, roles={Role.ACADEMY_ADMIN})
