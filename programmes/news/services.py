"""Writes of academy news: staff publish a bulletin to an audience, audited."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from academy.audit import audit_log
from academy.models import Organisation, User
from academy.selectors import organisation_scope_ids

from ..models import Bulletin, ServiceArea

# The same bulletin published twice within this time is one publication clicked twice.
REPEAT_WINDOW = datetime.timedelta(minutes=2)


@transaction.atomic
def bulletin_publish(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    body: str,
    audience_organisations: Sequence[Organisation],
    audience_roles: Sequence[str] = (),
    service_area: str = ServiceArea.ANY,
) -> Bulletin:
    """Publish a bulletin now. The audience is the writing organisation and, for a partnership,
    any of its member councils; never anyone else."""
    if not audience_organisations:
        raise ValidationError({"audience_organisations": "Choose at least one organisation"})
    reach = organisation_scope_ids(organisation=organisation)
    if any(audience.pk not in reach for audience in audience_organisations):
        raise ValidationError(
            {"audience_organisations": f"Choose {organisation.name} or its member councils only"}
        )
    # A second click on "Publish" (or a resent form) finds the bulletin the first one made: the
    # author's writes queue on their organisation's row, then the same words a moment ago count.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    same = Bulletin.objects.filter(
        organisation=organisation,
        author=actor,
        title=title.strip(),
        body=body.strip(),
        published_at__gte=timezone.now() - REPEAT_WINDOW,
    ).first()
    if same is not None:
        return same
    bulletin = Bulletin(
        organisation=organisation,
        title=title.strip(),
        body=body.strip(),
        audience_roles=list(audience_roles),
        service_area=service_area,
        published_at=timezone.now(),
        author=actor,
    )
    bulletin.full_clean()
    bulletin.save()
    bulletin.audience_organisations.set(audience_organisations)
    audit_log(
        actor=actor,
        verb="bulletin.publish",
        obj=bulletin,
        organisation=organisation,
        after={
            "title": bulletin.title,
            "organisations": sorted(audience.name for audience in audience_organisations),
            "roles": bulletin.audience_roles,
            "service_area": bulletin.service_area,
        },
    )
    return bulletin
