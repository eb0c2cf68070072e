"""Reading an uploaded spreadsheet export (a CSV file) as text, for every import in the portal:
the CPD ledger's earlier records (cpd/transfer/) and a cohort of NQSWs (asye/cohorts/).

A file that is plainly something else (a PDF, a picture, a program: each import lists what it
refuses) is named for what it is. Text is tried as UTF-16 when it says so, then UTF-8 (with or
without the byte-order mark Excel writes) and Windows-1252, the encodings spreadsheets save in
here; text holding control characters is not a spreadsheet's."""

import codecs
import re
from collections.abc import Sequence

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
