"""Whether white text stays readable on a header colour: WCAG 2's contrast ratio, which must be
at least 4.5:1 for normal text (success criterion 1.4.3). The header and its links are white
on the academy's or the organisation's colour, so a colour too light fails every page."""

import re

from django.core.exceptions import ValidationError

MINIMUM_CONTRAST = 4.5
_HEX = re.compile(r"#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})")


def _channel(value: int) -> float:
    # sRGB to linear light, as WCAG defines relative luminance.
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    match = _HEX.fullmatch(colour)
    if match is None:
        raise ValueError(f"{colour!r} is not a colour like #1d4f6e")
    red, green, blue = (_channel(int(part, 16)) for part in match.groups())
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """From 1 (white on white) to 21 (white on black)."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def contrast_problem(colour: str) -> str | None:
    """What is wrong with white text on `colour`, or None when it is readable. A value that is
    not a colour is left to the format check."""
    if _HEX.fullmatch(colour) is None:
        return None
    ratio = contrast_with_white(colour)
    if ratio >= MINIMUM_CONTRAST:  # WCAG does not round: 4.49:1 fails
        return None
    shown = int(ratio * 10) / 10  # rounded down, so a failing ratio never reads as 4.5
    return (
        f"White text on {colour} is too hard to read (contrast {shown}:1). "
        f"Choose a darker colour, with a contrast of at least {MINIMUM_CONTRAST}:1"
    )


def validate_header_colour(value: str) -> None:
    problem = contrast_problem(value)
    if problem is not None:
        raise ValidationError(problem, code="contrast")
