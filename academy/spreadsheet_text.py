"""Reading an uploaded spreadsheet export (a CSV file) as text, for every import in the portal:
the CPD ledger's earlier records (cpd/transfer/) and a cohort of NQSWs (asye/cohorts/).

A file that is plainly something else (a PDF, a picture, a program: each import lists what it
refuses) is named for what it is. Text is tried as UTF-16 when it says so, then UTF-8 (with or
without the byte-order mark Excel writes) and Windows-1252, the encodings spreadsheets save in
here; text holding control characters is not a spreadsheet's."""

import codecs
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def size_words(size: int) -> str:
    """A file's size in megabytes, as a person reads it: "1 MB", "8.5 MB"."""
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def decode_spreadsheet_text(
    data: bytes,
    *,
    name: str,
    refused: Sequence[tuple[bytes, str]],
    expected: str,
    advice: str,
    refused_code: str,
) -> str:
    """The file's text, or a ValidationError that says why it cannot be read: "“name” is a PDF,
    not {expected}. {advice}" for a file that starts with one of `refused`'s signatures."""
    for signature, what in refused:
        if data.startswith(signature):
            raise ValidationError(f"“{name}” is {what}, not {expected}. {advice}", code=refused_code)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            break
        return text
    raise ValidationError(
        f"“{name}” is not a CSV file the portal can read: it is not text, or its characters are in "
        f"an encoding the portal does not know. {advice}",
        code="encoding",
    )


class Heading(Protocol):
    """A column an import knows: its key, the heading the template gives it, whether it must be
    there."""

    @property
    def key(self) -> str: ...
    @property
    def heading(self) -> str: ...
    @property
    def required(self) -> bool: ...


H = TypeVar("H", bound=Heading)


def match_headings(
    headings: Sequence[str],
    *,
    known: Mapping[str, H],
    columns: Sequence[H],
    name: str,
    heading_key: Callable[[str], str],
) -> tuple[list[H | None], list[str]]:
    """The first row's headings matched to the import's columns (`known`, by `heading_key` of a
    heading): each cell's column or None, and the headings nobody knows (ignored, and said so).
    A column named twice, or a required column missing, refuses the file."""
    matched: list[H | None] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for heading in headings:
        column = known.get(heading_key(heading))
        if column is not None and column.key in seen:
            raise ValidationError(
                f"The column “{column.heading}” appears twice in the first row. Keep one of them.",
                code="repeated_column",
            )
        if column is not None:
            seen.add(column.key)
        elif heading.strip():
            ignored.append(heading.strip())
        matched.append(column)
    missing = [c.heading for c in columns if c.required and c.key not in seen]
    if missing:
        named = ", ".join(f"“{m}”" for m in missing)
        raise ValidationError(
            f"The first row of “{name}” must name the columns, and it has no {named} column. "
            "Download the template to see the headings.",
            code="missing_column",
        )
    return matched, ignored
