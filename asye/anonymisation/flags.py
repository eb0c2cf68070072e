"""What the guard reports: a flag over a span of text, its kind, and the reason in plain words."""

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


class FlagKind(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    NI_NUMBER = "ni_number", "National Insurance number"
    POSTCODE = "postcode", "Postcode"
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    CASE_REFERENCE = "case_reference", "Case reference"
    PERSON_NAME = "person_name", "Name of a person"


# When two findings overlap, the kind earlier in this list wins: a check digit or an
# organisation's own pattern is stronger evidence than a word that looks like a name.
PRECEDENCE: tuple[FlagKind, ...] = (
    FlagKind.NHS_NUMBER,
    FlagKind.NI_NUMBER,
    FlagKind.EMAIL,
    FlagKind.CASE_REFERENCE,
    FlagKind.PHONE,
    FlagKind.DATE_OF_BIRTH,
    FlagKind.POSTCODE,
    FlagKind.PERSON_NAME,
)
_RANK = {kind: rank for rank, kind in enumerate(PRECEDENCE)}


@dataclass(frozen=True)
class Flag:
    """Characters `start` to `end` (a slice of the scanned text) may identify someone.

    `text` is `scanned[start:end]`; `reason` says, for the person who wrote it, why it was flagged.
    """

    start: int
    end: int
    kind: FlagKind
    text: str
    reason: str

    def overlaps(self, other: "Flag") -> bool:
        return self.start < other.end and other.start < self.end


def resolve_overlaps(candidates: Iterable[Flag]) -> list[Flag]:
    """Keep one flag wherever findings overlap, preferring the more specific kind (see
    PRECEDENCE) and then the longer span; return the kept flags in reading order."""
    kept: list[Flag] = []  # never overlapping, so ordered by start and by end alike
    starts: list[int] = []
    for flag in sorted(candidates, key=lambda f: (_RANK[f.kind], -(f.end - f.start), f.start)):
        at = bisect.bisect_right(starts, flag.start)
        if at > 0 and kept[at - 1].end > flag.start:
            continue
        if at < len(kept) and kept[at].start < flag.end:
            continue
        kept.insert(at, flag)
        starts.insert(at, flag.start)
    return kept
