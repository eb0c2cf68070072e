"""Organisation settings in words, for the summary lists on the settings pages."""

from django.urls import reverse

from ..models import Organisation
from .selectors import organisation_settings_for


def _inherited(value: str, inherited: bool) -> str:
    return f"{value} (not set here)" if inherited else value


def organisation_settings_rows(organisation: Organisation) -> list[dict[str, object]]:
    """Rows for `{% summary_list %}`: each setting as it applies, saying when it is inherited,
    with a link to change it."""
    effective = organisation_settings_for(organisation)
    url = reverse("academy:organisation_settings", args=[organisation.slug])
    colour = _inherited(effective.brand_colour, effective.brand_colour_inherited)
    name = organisation.name
    days = f"{effective.evidence_waiting_days} day{'s' if effective.evidence_waiting_days != 1 else ''}"
    return [
        {
            "key": "Name",
            "value": organisation.name,
            "action_url": url,
            "action_hidden": f"name of {organisation.name}",
        },
        {
            "key": "Header colour",
            "value": colour,
            "action_url": url,
            "action_hidden": f"header colour of {organisation.name}",
        },
        {
            "key": "Evidence flagged after",
            "value": _inherited(days, effective.evidence_waiting_days_inherited),
            "action_url": url,
            "action_hidden": f"when evidence is flagged in {name}",
        },
        {
            "key": "Case reference formats",
            "value": _inherited(
                ", ".join(effective.case_reference_patterns) or "None",
                effective.case_reference_patterns_inherited and bool(effective.case_reference_patterns),
            ),
            "action_url": url,
            "action_hidden": f"case reference formats of {name}",
        },
    ]
