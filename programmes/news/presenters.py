"""Rows of the news pages, the home panel's items and the digest's."""

from collections.abc import Iterable

from django.urls import reverse

from academy.components import Cell
from academy.presenters import format_date
from academy.registry.digest import DigestItem
from academy.roles import Role

from ..models import Bulletin, ServiceArea

NEWS_HEAD = ["Bulletin", "Published"]
SENT_HEAD = ["Bulletin", "For", "Published"]


def _link(bulletin: Bulletin) -> str:
    return reverse("programmes:bulletin", args=[bulletin.pk])


def audience(bulletin: Bulletin) -> str:
    organisations = ", ".join(o.name for o in bulletin.audience_organisations.all())
    roles = ", ".join(Role(role).label for role in bulletin.audience_roles) or "every role"
    area = "" if bulletin.service_area == ServiceArea.ANY else f"; {ServiceArea(bulletin.service_area).label}"
    return f"{organisations}: {roles}{area}"


def news_rows(bulletins: Iterable[Bulletin]) -> list[list[object]]:
    return [
        [
            Cell(bulletin.title, href=_link(bulletin), hint=bulletin.organisation.name),
            format_date(bulletin.published_at),
        ]
        for bulletin in bulletins
    ]


def sent_rows(bulletins: Iterable[Bulletin]) -> list[list[object]]:
    return [
        [
            Cell(bulletin.title, href=_link(bulletin), hint=bulletin.organisation.name),
            Cell(audience(bulletin), small=True),
            format_date(bulletin.published_at),
        ]
        for bulletin in bulletins
    ]


def bulletin_summary(bulletin: Bulletin) -> list[dict[str, object]]:
    return [
        {"key": "From", "value": bulletin.organisation.name},
        {"key": "Published", "value": format_date(bulletin.published_at)},
    ]


def digest_items(bulletins: Iterable[Bulletin]) -> list[DigestItem]:
    return [
        DigestItem(title=bulletin.title, url=_link(bulletin), body=f"From {bulletin.organisation.name}")
        for bulletin in bulletins
    ]
