"""Case references in each organisation's own format, given as regular expressions.

A pattern comes from an organisation's settings, and the text it runs over from anyone, so both
are treated as hostile. A pattern must pass `validate_case_reference_pattern` before it is saved
(short, no back-references, look-arounds or nested repetition, and it must not match ordinary
words), and every run is bounded in time: the `regex` package stops a match after
MATCH_TIMEOUT_SECONDS, which Python's own `re` cannot. A pattern that times out yields no flags and
is logged, so the scan still finishes.
"""

import logging
from collections.abc import Iterator, Sequence
from functools import lru_cache

import regex

from academy.case_references import (  # noqa: F401  (re-exported for the guard's callers)
    MAX_PATTERN_LENGTH,
    CaseReferencePatternError,
    validate_case_reference_pattern,
)

from .flags import Flag, FlagKind

logger = logging.getLogger(__name__)

MATCH_TIMEOUT_SECONDS = 0.25  # per pattern, per scanned text


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> "regex.Pattern[str]":
    validate_case_reference_pattern(pattern)
    # Whole tokens only: a pattern of seven digits does not flag the middle of a longer number.
    return regex.compile(rf"(?<![\w])(?:{pattern})(?![\w])", regex.IGNORECASE | regex.V0)


def find_case_references(text: str, patterns: Sequence[str]) -> Iterator[Flag]:
    """Flags for every match of each pattern. Raises CaseReferencePatternError for a pattern that
    does not validate (a caller passes only saved, validated patterns)."""
    for pattern in patterns:
        compiled = _compiled(pattern.strip())
        try:
            matches = list(compiled.finditer(text, timeout=MATCH_TIMEOUT_SECONDS))
        except TimeoutError:
            logger.warning(
                "Case reference pattern %r timed out on a text of %d characters", pattern, len(text)
            )
            continue
        for match in matches:
            if match.end() > match.start():
                yield Flag(
                    match.start(),
                    match.end(),
                    FlagKind.CASE_REFERENCE,
                    match[0],
                    "This matches your organisation's format for case references.",
                )
