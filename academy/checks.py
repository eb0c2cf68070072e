"""System checks for the academy's own settings."""

import re

from django.conf import settings
from django.core.checks import Error, register

from .colours import contrast_problem


@register()
def academy_colour_is_hex(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", settings.ACADEMY_COLOUR):
        return [Error("ACADEMY_COLOUR must be a colour like #1d4f6e.", id="academy.E001")]
    return []


@register()
def academy_colour_is_readable(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The header is white text on ACADEMY_COLOUR wherever an organisation sets none."""
    problem = contrast_problem(settings.ACADEMY_COLOUR)
    if problem is not None:
        return [Error(f"ACADEMY_COLOUR: {problem}.", id="academy.E002")]
    return []
