"""Identifiers with a fixed shape: NHS and National Insurance numbers, postcodes, phone numbers
and email addresses. Each detector yields candidate flags; `scan_text` settles overlaps."""

import re
from collections.abc import Iterator

from .flags import Flag, FlagKind

# --- NHS numbers -------------------------------------------------------------------------------
# Ten digits, written together or as 3-3-4 with spaces or hyphens, not part of a longer number.
_NHS = re.compile(r"(?<![\d\w])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d\w])")


def nhs_check_digit_ok(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 down to 2 on the first nine digits;
    11 minus the remainder is the check digit (11 counts as 0, and 10 means no number has
    those first nine digits). A number of one repeated digit passes the sum but is never issued."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def find_nhs_numbers(text: str) -> Iterator[Flag]:
    for match in _NHS.finditer(text):
        if nhs_check_digit_ok(match[1] + match[3] + match[4]):
            yield Flag(
                match.start(),
                match.end(),
                FlagKind.NHS_NUMBER,
                match[0],
                "This looks like an NHS number (its check digit is valid).",
            )


# --- National Insurance numbers ----------------------------------------------------------------
# Two prefix letters, six digits, a suffix A to D. HMRC never uses D, F, I, Q, U or V as the first
# letter, nor D, F, I, O, Q, U or V as the second, and never allocates BG, GB, KN, NK, NT, TN or ZZ.
_NI = re.compile(
    r"(?<![\w])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2})(?: ?([A-D]))?(?![\w])",
    re.IGNORECASE,
)
_NI_UNALLOCATED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_NI_CONTEXT = re.compile(r"\b(?:national\s+insurance|NI\s*(?:no|number|num)\b|NINO\b)", re.IGNORECASE)


def find_ni_numbers(text: str) -> Iterator[Flag]:
    for match in _NI.finditer(text):
        if match[1].upper() in _NI_UNALLOCATED:
            continue
        if match[5] is None and not _NI_CONTEXT.search(text, max(0, match.start() - 40), match.start()):
            # Without its suffix letter the shape is common (room codes, stock numbers); only
            # "National Insurance" just before it makes it one.
            continue
        yield Flag(
            match.start(),
            match.end(),
            FlagKind.NI_NUMBER,
            match[0],
            "This looks like a National Insurance number.",
        )


# --- Postcodes ---------------------------------------------------------------------------------
# The full format only (outward and inward code), so "PCF 2018" or a bare district such as "M1"
# is not flagged. Letters follow Royal Mail's rules: Q, V and X never start a postcode; I, J and
# Z are never second; the inward code's letters avoid C, I, K, M, O and V.
_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR ?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)


def find_postcodes(text: str) -> Iterator[Flag]:
    for match in _POSTCODE.finditer(text):
        value = match[0]
        letters = [char for char in value if char.isalpha()]
        if not (all(char.isupper() for char in letters) or all(char.islower() for char in letters)):
            # Mixed case ("Am1 2is") is ordinary words run together, not a postcode.
            continue
        yield Flag(match.start(), match.end(), FlagKind.POSTCODE, value, "This looks like a UK postcode.")


# --- Phone numbers -----------------------------------------------------------------------------
# A UK number from the country code (+44, 0044, optionally "(0)") or a leading 0, then digits with
# at most one space or hyphen (or a closing bracket) between them. The digit count and the first
# digits are checked afterwards, trimming trailing groups that belong to the next number.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(0|0)"
    r"\d(?:(?:[ -]|\) ?)?\d){7,12}(?![\w])"
)
_GROUP_BREAK = re.compile(r"[ -]|\) ?")
# National significant numbers (after the 0) that belong to a person or a household: geographic
# 1 and 2, non-geographic 3 (also used by councils' switchboards) and mobiles 7. Freephone (80),
# service (84, 87) and premium (9) lines are organisations' and are left alone.
_PERSONAL_PREFIXES = ("1", "2", "3", "7")


def _national_digits(candidate: str) -> str:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+44"):
        digits = digits[2:]
    elif candidate.startswith("0044"):
        digits = digits[4:]
    else:
        return digits[1:]
    if "(0)" in candidate:
        digits = digits[1:]
    return digits


def _valid_phone(national: str) -> bool:
    if not national.startswith(_PERSONAL_PREFIXES):
        return False
    if national.startswith("1"):
        return len(national) in (9, 10)
    return len(national) == 10


def find_phone_numbers(text: str) -> Iterator[Flag]:
    for match in _PHONE.finditer(text):
        candidate = match[0]
        # Drop trailing groups one at a time until the rest is a whole number.
        while True:
            if _valid_phone(_national_digits(candidate)):
                yield Flag(
                    match.start(),
                    match.start() + len(candidate),
                    FlagKind.PHONE,
                    candidate,
                    "This looks like a UK phone number.",
                )
                break
            breaks = list(_GROUP_BREAK.finditer(candidate))
            if not breaks:
                break
            candidate = candidate[: breaks[-1].start()]


# --- Email addresses ---------------------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+'-]{0,62}[A-Za-z0-9_%+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w])"
)


def find_emails(text: str) -> Iterator[Flag]:
    for match in _EMAIL.finditer(text):
        yield Flag(
            match.start(),
            match.end(),
            FlagKind.EMAIL,
            match[0],
            "This is an email address; it can name the person it belongs to.",
        )
