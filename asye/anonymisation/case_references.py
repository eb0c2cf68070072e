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

from .flags import Flag, FlagKind

logger = logging.getLogger(__name__)

MAX_PATTERN_LENGTH = 100
MATCH_TIMEOUT_SECONDS = 0.25  # per pattern, per scanned text
VALIDATION_TIMEOUT_SECONDS = 0.05  # per sample of ordinary text
# A case reference pattern that matches any of these would flag ordinary writing.
_ORDINARY_TEXT = ("", "a", "I", "the", "and", "social", "worker", "supervision", "2024", "12", "PCF 5")
_FORBIDDEN = {
    r"(?=": "look-aheads",
    r"(?!": "look-aheads",
    r"(?<": "look-behinds or named groups",
    r"(?P": "named groups",
    r"(?(": "conditions",
    r"(?R": "recursion",
    r"(?0": "recursion",
    r"(?&": "recursion",
    r"\g": "back-references",
    r"\k": "back-references",
}


class CaseReferencePatternError(ValueError):
    """Why a case reference pattern cannot be used, in words for the person who typed it."""


def _nested_repetition(pattern: str) -> bool:
    """True when a repeated group contains a repeat or a choice, as in `(\\d+)+` or `(a|ab)*`:
    the shapes that make a regular expression take exponential time."""
    stack: list[bool] = []  # per open group: does it contain a repeat or an alternation?
    index = 0
    last_group_risky = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            last_group_risky = False
            continue
        if char == "[":  # a character class is one item; skip to its end
            index += 1
            if index < len(pattern) and pattern[index] == "^":
                index += 1
            if index < len(pattern) and pattern[index] == "]":
                index += 1
            while index < len(pattern) and pattern[index] != "]":
                index += 2 if pattern[index] == "\\" else 1
            index += 1
            last_group_risky = False
            continue
        if char == "(":
            stack.append(False)
        elif char == ")":
            last_group_risky = stack.pop() if stack else False
            index += 1
            if index < len(pattern) and pattern[index] in "*+?{":
                repeat = pattern[index]
                if repeat != "?" and last_group_risky:
                    return True
                if stack:
                    stack[-1] = True
            continue
        elif char in "*+{":
            if stack:
                stack[-1] = True
        elif char == "|" and stack:
            stack[-1] = True
        last_group_risky = False
        index += 1
    return False


def validate_case_reference_pattern(pattern: str) -> str:
    """Return the pattern, stripped, or raise CaseReferencePatternError saying what is wrong."""
    pattern = pattern.strip()
    if not pattern:
        raise CaseReferencePatternError("Enter a pattern.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise CaseReferencePatternError(f"A pattern can be at most {MAX_PATTERN_LENGTH} characters long.")
    for marker, what in _FORBIDDEN.items():
        if marker in pattern:
            raise CaseReferencePatternError(f"Patterns cannot use {what}.")
    if regex.search(r"\\[1-9]", pattern):
        raise CaseReferencePatternError("Patterns cannot use back-references.")
    if _nested_repetition(pattern):
        raise CaseReferencePatternError(
            "Patterns cannot repeat a group that itself repeats or offers a choice, such as (\\d+)+ "
            "or (A|AB)*: text could make them take minutes to check."
        )
    try:
        compiled = regex.compile(pattern, regex.IGNORECASE | regex.V0)
    except regex.error as error:
        raise CaseReferencePatternError(f"This is not a valid regular expression: {error}.") from None
    for sample in _ORDINARY_TEXT:
        try:
            matched = compiled.fullmatch(sample, timeout=VALIDATION_TIMEOUT_SECONDS)
        except TimeoutError:
            raise CaseReferencePatternError(
                "This pattern takes too long to check, even on a short word."
            ) from None
        if matched:
            shown = f"“{sample}”" if sample else "an empty string"
            raise CaseReferencePatternError(f"This pattern matches {shown}, so it would flag ordinary text.")
    return pattern


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
