"""What the agreement and the development plans ask, read from the record's programme version
(`ProgrammeTypeVersion.forms`), and what the employer's standard parts say before anyone types.
Pure functions of the version's data: no queries.

`forms["agreement"]`::

    {"title", "guidance",
     "prompts": {field key: question},            # every answer the agreement holds
     "sections": [{"title", "fields": [key, ...]}],  # GOV.UK fieldsets, in order
     "optional": [key, ...],                       # may stay empty when everyone signs
     "defaults": {key: text}}                      # the employer's standard wording

Keys ending in `_date` are dates (stored as ISO strings). The three supervision frequencies are
pre-filled from the version's `supervision_cadence`, not from `defaults`.

`forms["pdp"]`::

    {"title", "guidance", "prompts": {column key: question},
     "periods": [{"key", "label", "from_months", "to_months"}, ...]}

A version published before these keys existed falls back to the shared file's
(`asye/programme_data/_forms.json`), so an older version still has periods and sections.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from asye.programme_loader import shared_forms

DATE_SUFFIX = "_date"
AVERAGE_MONTH_DAYS = 30.4375
# The supervision questions and when each applies: weeks 1 to 6, week 7 to the midpoint review,
# after the midpoint review.
SUPERVISION_FIELDS = ("supervision_weeks_1_6", "supervision_to_midpoint", "supervision_after_midpoint")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    optional: bool

    @property
    def is_date(self) -> bool:
        return self.key.endswith(DATE_SUFFIX)


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    from_months: int
    to_months: int | None


def _form(forms: dict[str, Any], name: str) -> dict[str, Any]:
    """The version's form `name`, with any key it lacks taken from the shared definitions."""
    shared = shared_forms().get(name, {})
    own = forms.get(name) or {}
    return {**shared, **own}


def agreement_form(forms: dict[str, Any]) -> dict[str, Any]:
    """The agreement's definition as a version holds it (what an `Agreement` row keeps a copy of)."""
    return _form(forms, "agreement")


def agreement_sections(definition: dict[str, Any]) -> list[Section]:
    """The agreement's fields grouped as the form shows them. A prompt no section names goes
    into a last section, "Other", so nothing the version asks is ever left off the form."""
    prompts: dict[str, str] = definition.get("prompts", {})
    optional = set(definition.get("optional", []))
    placed: set[str] = set()
    sections = []
    for section in definition.get("sections", []):
        keys = [key for key in section.get("fields", []) if key in prompts and key not in placed]
        placed.update(keys)
        if keys:
            fields = tuple(Field(key, prompts[key], key in optional) for key in keys)
            sections.append(Section(section.get("title", ""), fields))
    rest = tuple(Field(key, label, key in optional) for key, label in prompts.items() if key not in placed)
    if rest:
        sections.append(Section("Other" if sections else "The agreement", rest))
    return sections


def agreement_fields(definition: dict[str, Any]) -> list[Field]:
    return [field for section in agreement_sections(definition) for field in section.fields]


def missing_answers(definition: dict[str, Any], answers: dict[str, Any]) -> list[Field]:
    """Fields that must be answered before anyone signs, and are not."""
    return [
        f for f in agreement_fields(definition) if not f.optional and not str(answers.get(f.key, "")).strip()
    ]


def _band_at(cadence: list[dict[str, Any]], days: float) -> dict[str, Any] | None:
    for band in cadence:
        if "until_weeks" in band:
            bound = band["until_weeks"] * 7
        elif "until_months" in band:
            bound = band["until_months"] * AVERAGE_MONTH_DAYS
        else:
            return band
        if days < bound:
            return band
    return cadence[-1] if cadence else None


def _band_words(band: dict[str, Any] | None) -> str:
    if band is None:
        return ""
    every = f"at least every {band['every_days']} days"
    return f"{band['label']} ({every})" if band.get("label") else every[:1].upper() + every[1:]


def supervision_prefill(cadence: list[dict[str, Any]], review_points: list[dict[str, Any]]) -> dict[str, str]:
    """The three supervision frequencies the version's cadence sets: at the start, from week 7,
    and after the midpoint review (its month from the review points; 6 if there is none)."""
    midpoint = next((p["months"] for p in review_points if p.get("key") == "midpoint"), 6)
    moments = (0.0, 42.0, (midpoint + 0.5) * AVERAGE_MONTH_DAYS)
    return {
        key: _band_words(_band_at(cadence, days))
        for key, days in zip(SUPERVISION_FIELDS, moments, strict=True)
    }


def agreement_prefill(
    *,
    definition: dict[str, Any],
    cadence: list[dict[str, Any]],
    review_points: list[dict[str, Any]],
    team: str,
) -> dict[str, str]:
    """The first version's answers: the employer's standard wording, the supervision cadence and
    the team's name. Only fields the form asks for are filled."""
    keys = {field.key for field in agreement_fields(definition)}
    filled = {key: str(text) for key, text in definition.get("defaults", {}).items() if key in keys}
    filled.update({k: v for k, v in supervision_prefill(cadence, review_points).items() if k in keys and v})
    if team and "team_address" in keys:
        filled.setdefault("team_address", team)
    return filled


def clean_answers(definition: dict[str, Any], answers: dict[str, Any]) -> dict[str, str]:
    """Answers to the form's own fields only, as JSON-safe strings (dates in ISO form)."""
    cleaned: dict[str, str] = {}
    for field in agreement_fields(definition):
        value = answers.get(field.key)
        if isinstance(value, datetime.date):
            cleaned[field.key] = value.isoformat()
        elif value is None:
            cleaned[field.key] = ""
        else:
            cleaned[field.key] = str(value).strip()
    return cleaned


def pdp_form(forms: dict[str, Any]) -> dict[str, Any]:
    return _form(forms, "pdp")


def pdp_periods(forms: dict[str, Any]) -> list[Period]:
    return [
        Period(p["key"], p.get("label") or p["key"], int(p.get("from_months", 0)), p.get("to_months"))
        for p in pdp_form(forms).get("periods", [])
    ]


def pdp_period(forms: dict[str, Any], key: str) -> Period | None:
    return next((p for p in pdp_periods(forms) if p.key == key), None)
