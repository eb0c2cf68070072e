"""Reads of academy news and who sees what.

A bulletin reaches a person when one of their current memberships is in one of its audience
organisations, holds one of its roles (any role when none is chosen) and, when it names a service
area, is in a team of that area. Matching roles and areas happens in Python over a short list
(recent bulletins of the person's organisations), so it works the same on SQLite and PostgreSQL.
Staff whose roles reach the writing organisation also see a bulletin (to check what went out);
anyone else is told it does not exist (404)."""

import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from academy.models import Membership, Organisation, User
from academy.scope import Scope
from academy.selectors import current_membership_q

from ..models import Bulletin, ServiceArea
from ..selectors import managed_organisation_ids

# How far back the news page and the home panel look.
NEWS_DAYS = 180

Reach = tuple[int, str, str | None]  # organisation, role, their team's service area


def _reach(user: User) -> list[Reach]:
    return list(
        Membership.objects.filter(current_membership_q(), user=user).values_list(
            "organisation_id", "role", "team__service_area"
        )
    )


def _reaches(bulletin: Bulletin, organisations: set[int], reach: list[Reach]) -> bool:
    roles = set(bulletin.audience_roles or [])
    for organisation_id, role, area in reach:
        if organisation_id not in organisations:
            continue
        if roles and role not in roles:
            continue
        if bulletin.service_area != ServiceArea.ANY and area != bulletin.service_area:
            continue
        return True
    return False


def bulletins_for(
    *, user: User, since: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> list[Bulletin]:
    """The bulletins that reach the person, newest first: published after `since` (or in the
    last NEWS_DAYS), up to now. Two queries whatever the number: their memberships, then the
    bulletins addressed to their organisations (through the audience table, so each row says
    which of their organisations it names)."""
    now = now or timezone.now()
    reach = _reach(user)
    if not reach:
        return []
    after = since or now - datetime.timedelta(days=NEWS_DAYS)
    addressed = (
        Bulletin.audience_organisations.through.objects.filter(
            organisation_id__in={organisation_id for organisation_id, _r, _a in reach},
            bulletin__published_at__gt=after,
            bulletin__published_at__lte=now,
        )
        .select_related("bulletin__organisation")
        .order_by("-bulletin__published_at", "bulletin_id")
    )
    bulletins: dict[UUID, Bulletin] = {}
    organisations: dict[UUID, set[int]] = {}
    for row in addressed:
        bulletins.setdefault(row.bulletin_id, row.bulletin)
        organisations.setdefault(row.bulletin_id, set()).add(row.organisation_id)
    return [b for pk, b in bulletins.items() if _reaches(b, organisations[pk], reach)]


def bulletins_sent(*, scope: Scope) -> QuerySet[Bulletin]:
    """What the organisations the person manages have written, newest first."""
    return (
        Bulletin.objects.filter(organisation_id__in=managed_organisation_ids(scope))
        .select_related("organisation", "author")
        .order_by("-published_at", "id")
    )


def bulletin_get_for_user(*, scope: Scope, pk: UUID | str) -> Bulletin:
    bulletin = bulletins_sent(scope=scope).filter(pk=pk).first()
    if bulletin is not None:
        return bulletin
    for candidate in bulletins_for(user=scope.user):
        if str(candidate.pk) == str(pk):
            return candidate
    raise Http404("No such bulletin was sent to you.")


def audience_choices(*, scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=managed_organisation_ids(scope)).order_by("name")
