"""The home page's news panel and the digest's news section."""

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from academy.registry.digest import DigestItem
from academy.web import AcademyRequest

from . import presenters, selectors

PANEL_SIZE = 3


def news_context(request: AcademyRequest) -> Mapping[str, object]:
    bulletins = selectors.bulletins_for(user=request.user)
    return {"news_items": bulletins[:PANEL_SIZE], "news_more": len(bulletins) > PANEL_SIZE}


def digest_news(
    *, user: Any, since: datetime.datetime | None, now: datetime.datetime
) -> Sequence[DigestItem]:
    """New bulletins since the person's last digest (the last day before their first)."""
    since = since or now - datetime.timedelta(days=1)
    return presenters.digest_items(selectors.bulletins_for(user=user, since=since, now=now))
