"""Role-based navigation. The core registers its own entries here; each app registers its
entries from its AppConfig.ready(), so the core never imports a domain app.

An entry shows to the roles it names (everyone signed in when `roles` is None) and, when it
has one, only while its `condition(request)` holds (an app shows "Your ASYE" only to someone
with an ASYE record). An entry with a `count(request)` shows the number as a badge after its
label, followed by `count_label` for screen readers ("3 to review"); counts are cached per
person and organisation for `NAV_COUNT_CACHE_SECONDS`, because the navigation is on every
page. Nothing is shown for a count of 0.

Someone whose every employment has ended signs in with no organisation and no roles
(docs/adr/0012-signing-in-after-employment-ends.md): they see only the entries registered with
`personal=True`, pages about their own records that show nothing of any organisation."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from .registry.base import Registry
from .roles import Role

NavCondition = Callable[[Any], bool]  # called with the AcademyRequest
NavCount = Callable[[Any], int]


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    order: int
    roles: frozenset[str] | None = None  # None: everyone signed in with an active membership
    condition: NavCondition | None = None
    count: NavCount | None = None
    count_label: str = ""
    personal: bool = False  # shown to someone whose employment has ended


nav_entries = Registry[NavEntry]("navigation entry")


def register_nav(
    *,
    label: str,
    url_name: str,
    order: int,
    roles: Iterable[str] | None = None,
    condition: NavCondition | None = None,
    count: NavCount | None = None,
    count_label: str = "",
    personal: bool = False,
) -> NavEntry:
    entry = NavEntry(
        label,
        url_name,
        order,
        frozenset(roles) if roles is not None else None,
        condition,
        count,
        count_label,
        personal,
    )
    return nav_entries.register(url_name, entry)


def nav_count_cache_key(request: HttpRequest, url_name: str) -> str:
    organisation = getattr(request, "organisation", None)
    return f"nav-count:{request.user.pk}:{organisation.pk if organisation else '-'}:{url_name}"


def _counts(request: HttpRequest, entries: list[NavEntry]) -> dict[str, int]:
    """Each counted entry's number, from the cache when fresh (one round trip for all)."""
    keys = {nav_count_cache_key(request, e.url_name): e for e in entries if e.count is not None}
    if not keys:
        return {}
    cached = cache.get_many(list(keys))
    missing = {key: entry.count(request) for key, entry in keys.items() if key not in cached and entry.count}
    if missing:
        cache.set_many(missing, settings.NAV_COUNT_CACHE_SECONDS)
    found = {**cached, **missing}
    return {entry.url_name: int(found[key]) for key, entry in keys.items()}


def nav_for(
    *, roles: Iterable[str], path: str, request: HttpRequest | None = None, personal_only: bool = False
) -> list[dict[str, object]]:
    """The entries these roles may use; the one whose address is the longest prefix of `path`
    is active (so /people/teams/ marks Teams, not People). Conditions and counts need the
    request: without one, entries with a condition are left out and no count is shown.
    `personal_only`: the person's employment has ended; only `personal` entries show."""
    held = set(roles)
    entries = [
        e
        for e in sorted(nav_entries.entries(), key=lambda e: e.order)
        if (e.personal if personal_only else (e.roles is None or e.roles & held))
        and (e.condition is None or (request is not None and e.condition(request)))
    ]
    counts = _counts(request, entries) if request is not None else {}
    urls = [reverse(e.url_name) for e in entries]
    matches = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    return [
        {
            "label": e.label,
            "url": url,
            "active": url == active,
            "count": counts.get(e.url_name, 0),
            "count_label": e.count_label,
        }
        for e, url in zip(entries, urls, strict=True)
    ]


register_nav(label="Home", url_name="academy:home", order=0, personal=True)
register_nav(label="People", url_name="academy:people", order=80, roles={Role.PSW, Role.ACADEMY_ADMIN})
register_nav(label="Teams", url_name="academy:teams", order=85, roles={Role.PSW, Role.ACADEMY_ADMIN})
register_nav(label="Frameworks", url_name="academy:frameworks", order=90)
register_nav(label="Organisations", url_name="academy:organisations", order=95, roles={Role.ACADEMY_ADMIN})
register_nav(label="Audit log", url_name="academy:audit_log", order=100, roles={Role.ACADEMY_ADMIN})
register_nav(label="Email outbox", url_name="academy:outbox", order=105, roles={Role.ACADEMY_ADMIN})
register_nav(label="Reminders", url_name="academy:reminders", order=106, roles={Role.ACADEMY_ADMIN})
