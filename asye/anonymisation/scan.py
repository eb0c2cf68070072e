"""`scan_text`: every detector over a text, overlaps settled, in reading order."""

import datetime
from collections.abc import Sequence

from django.utils import timezone

from .case_references import find_case_references
from .dates import find_birth_dates
from .flags import Flag, resolve_overlaps
from .names import find_names
from .numbers import find_emails, find_nhs_numbers, find_ni_numbers, find_phone_numbers, find_postcodes

# A text longer than this is scanned up to here; `extract_text` keeps attachments within it too.
MAX_SCAN_CHARACTERS = 500_000


def scan_text(
    text: str,
    *,
    case_reference_patterns: Sequence[str] = (),
    today: datetime.date | None = None,
) -> list[Flag]:
    """Flags for whatever in `text` may identify a person who uses services, never overlapping,
    in reading order. Offsets index `text`. `case_reference_patterns` are the organisation's
    validated patterns (see `validate_case_reference_pattern`); `today` decides which dates are
    too recent to be a date of birth (default: today in the project's time zone)."""
    text = text[:MAX_SCAN_CHARACTERS]
    today = today or timezone.localdate()
    candidates: list[Flag] = [
        *find_nhs_numbers(text),
        *find_ni_numbers(text),
        *find_emails(text),
        *find_case_references(text, case_reference_patterns),
        *find_phone_numbers(text),
        *find_birth_dates(text, today=today),
        *find_postcodes(text),
        *find_names(text),
    ]
    return resolve_overlaps(candidates)
