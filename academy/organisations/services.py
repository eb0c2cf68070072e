"""Writes for organisation settings: one audited service."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ..audit import audit_log
from ..models import Organisation, User

SETTINGS_FIELDS = ("name", "brand_colour", "evidence_waiting_days", "case_reference_patterns")


@transaction.atomic
def organisation_update_settings(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    brand_colour: str,
    evidence_waiting_days: int | None,
    case_reference_patterns: list[str] | None = None,
) -> Organisation:
    """Change an organisation's name, colour and thresholds. An empty colour or threshold means
    "follow the partnership above, else the default". Audits the fields that changed, in the
    organisation's own log; nothing is written (nor audited) when nothing changed."""
    wanted = {
        "name": name.strip(),
        "brand_colour": brand_colour.strip().lower(),
        "evidence_waiting_days": evidence_waiting_days,
        "case_reference_patterns": [
            p.strip()
            for p in (
                organisation.case_reference_patterns
                if case_reference_patterns is None
                else case_reference_patterns
            )
            if p.strip()
        ],
    }
    before = {field: getattr(organisation, field) for field in SETTINGS_FIELDS}
    changed = [field for field in SETTINGS_FIELDS if before[field] != wanted[field]]
    if not changed:
        return organisation
    for field in changed:
        setattr(organisation, field, wanted[field])
    try:
        organisation.full_clean()
    except ValidationError:
        for field in changed:  # the caller's page shows the organisation as it still is
            setattr(organisation, field, before[field])
        raise
    organisation.save(update_fields=[*changed, "updated_at"])
    audit_log(
        actor=actor,
        verb="organisation.update_settings",
        obj=organisation,
        organisation=organisation,
        before={field: before[field] for field in changed},
        after={field: wanted[field] for field in changed},
    )
    return organisation
