"""Case reference formats: each organisation writes its own as regular expressions (Organisation
settings), and the ASYE anonymisation guard flags text that matches them.

A pattern is typed by an academy admin and later run over text written by anyone, so it is
treated as hostile: `validate_case_reference_pattern` refuses long patterns, back-references,
look-arounds and nested repetition (the shapes that can take exponential time), and patterns
that match ordinary words. The guard (asye/anonymisation/case_references.py) also bounds every
run in time.
"""

import regex

MAX_PATTERN_LENGTH = 100
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


def validate_case_reference_patterns(patterns: object) -> None:
    """Model validator: a list of patterns, each valid (the message names the one at fault)."""
    from django.core.exceptions import ValidationError

    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise ValidationError("Give the case reference formats as a list of patterns.")
    for number, pattern in enumerate(patterns, start=1):
        try:
            validate_case_reference_pattern(pattern)
        except CaseReferencePatternError as error:
            raise ValidationError(f"Format {number} ({pattern.strip()}): {error}") from None
