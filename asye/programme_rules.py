"""Checks on a programme version's data (review points, minimums, cadence), shared by the
loader and the publish service, so a version that breaks the date arithmetic never lands."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .models import EvidenceKind, ReviewKey


def validate_review_points(points: Sequence[Mapping[str, Any]], *, length_months: int) -> None:
    errors = []
    keys = [str(p.get("key", "")) for p in points]
    if any(not key or slugify(key).replace("-", "_") != key for key in keys):
        errors.append("Each review point needs a key of lower-case letters, digits and underscores.")
    if len(set(keys)) != len(keys):
        errors.append("Two review points have the same key.")
    finals = [p for p in points if p.get("key") == ReviewKey.FINAL]
    if len(finals) != 1 or not finals[0].get("enabled", True):
        errors.append("There must be exactly one final review, and it cannot be switched off.")
    for point in points:
        months = point.get("months")
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= length_months:
            errors.append(
                f"The {point.get('label') or point.get('key')} must fall between month 1 and month "
                f"{length_months}."
            )
        if not point.get("enabled", True) and not point.get("optional", False):
            errors.append(f"The {point.get('label') or point.get('key')} is not optional, so it stays on.")
    enabled = [p for p in points if p.get("enabled", True) and isinstance(p.get("months"), int)]
    if finals and enabled and any(p["months"] > finals[0].get("months", 0) for p in enabled):
        errors.append("No review can fall after the final review.")
    if errors:
        raise ValidationError({"review_points": errors})


def validate_evidence_minimums(minimums: Mapping[str, Any]) -> None:
    errors = []
    for kind, count in minimums.items():
        if kind not in EvidenceKind.values:
            errors.append(f"{kind!r} is not a kind of evidence.")
        if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 50:
            errors.append(f"The minimum for {kind} must be a whole number from 0 to 50.")
    if errors:
        raise ValidationError({"evidence_minimums": errors})


def validate_supervision_cadence(bands: Sequence[Mapping[str, Any]]) -> None:
    errors = []
    if not bands:
        errors.append("Give at least one supervision band.")
    for index, band in enumerate(bands):
        every = band.get("every_days")
        if not isinstance(every, int) or isinstance(every, bool) or not 1 <= every <= 92:
            errors.append(f"Supervision band {index + 1}: how often must be from 1 to 92 days.")
        bounded = "until_weeks" in band or "until_months" in band
        last = index == len(bands) - 1
        if last and bounded:
            errors.append("The last supervision band has no end: it runs to the end of the programme.")
        if not last and not bounded:
            errors.append(f"Supervision band {index + 1} needs an end (in weeks or months).")
    if errors:
        raise ValidationError({"supervision_cadence": errors})


def validate_version_data(
    *,
    length_months: int,
    review_points: Sequence[Mapping[str, Any]],
    evidence_minimums: Mapping[str, Any],
    supervision_cadence: Sequence[Mapping[str, Any]],
) -> None:
    problems: dict[str, list[str]] = {}
    for check in (
        lambda: validate_review_points(review_points, length_months=length_months),
        lambda: validate_evidence_minimums(evidence_minimums),
        lambda: validate_supervision_cadence(supervision_cadence),
    ):
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                problems.setdefault(field, []).extend(messages)
    if problems:
        raise ValidationError(problems)
