"""Reading a CSV file a person keeps of their CPD: the file as a whole (size, kind, encoding,
headings, number of rows). Each row's values are checked by `services.cpd_import_check`.

Spreadsheets save CSV in more than one way: UTF-8 with or without a byte order mark (Excel's
"CSV UTF-8"), the Windows encoding (Excel's plain "CSV", where £ is one byte) and UTF-16 with a
byte order mark ("Unicode text"). All of these are read. A file that is not text at all (a
workbook, a PDF, a picture) is refused with what it seems to be and how to save it as CSV."""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from academy.spreadsheet_text import decode_spreadsheet_text, match_headings, size_words

from .columns import COLUMNS, Column

MAX_BYTES = 1024 * 1024
MAX_ROWS = 1000

SAVE_AS_CSV = "In your spreadsheet choose Save as, pick “CSV UTF-8”, and upload that file."

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "a workbook or another zipped document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Excel or Office file"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a picture"),
    (b"\xff\xd8\xff", "a picture"),
    (b"MZ", "a program"),
    (b"\x7fELF", "a program"),
]
_SPACES = re.compile(r"\s+")
# A spreadsheet that opens the portal's export may keep the apostrophe that stops a cell starting
# with = + - or @ being read as a formula (see the export); it is not part of the text.
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@\t\r])")


@dataclass(frozen=True)
class RawRow:
    """One row of the file: its row number in the spreadsheet (the headings are row 1) and its
    text by column key. Blank cells and missing columns are empty strings."""

    number: int
    values: dict[str, str]


@dataclass
class ReadFile:
    name: str
    rows: list[RawRow] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _heading_key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


_BY_HEADING: dict[str, Column] = {}
for _column in COLUMNS:
    _BY_HEADING[_heading_key(_column.heading)] = _column
    _BY_HEADING[_heading_key(_column.key)] = _column
    _BY_HEADING[_heading_key(_column.key.replace("_", " "))] = _column


def _decode(data: bytes, name: str) -> str:
    return decode_spreadsheet_text(
        data,
        name=name,
        refused=_SIGNATURES,
        expected="a CSV file",
        advice=SAVE_AS_CSV,
        refused_code="not_csv",
    )


def read_csv(data: bytes, *, name: str, size: int | None = None) -> ReadFile:
    """The file's rows, or a ValidationError that says what is wrong with the file as a whole.
    `size` is the upload's size when `data` was not read because it is too large."""
    size = len(data) if size is None else size
    if size == 0:
        raise ValidationError(
            f"“{name}” is empty. Download the template, fill it in and upload it.", code="empty"
        )
    if size > MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {size_words(size)}; the limit is {size_words(MAX_BYTES)}. "
            "Split it into smaller files and import them one after another.",
            code="too_big",
        )
    text = _decode(data, name)
    reader = csv.reader(io.StringIO(text, newline=""))
    result = ReadFile(name=name)
    try:
        columns, result.ignored = match_headings(
            next(reader, []), known=_BY_HEADING, columns=COLUMNS, name=name, heading_key=_heading_key
        )
        for number, cells in enumerate(reader, start=2):  # the headings are row 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(result.rows) == MAX_ROWS:
                raise ValidationError(
                    f"“{name}” has more than {MAX_ROWS} records; the most one import takes is {MAX_ROWS}. "
                    "Split it into smaller files and import them one after another.",
                    code="too_many_rows",
                )
            values = {c.key: "" for c in COLUMNS}
            for column, cell in zip(columns, cells, strict=False):
                if column is not None:
                    values[column.key] = _FORMULA_GUARD.sub("", cell.strip())
            result.rows.append(RawRow(number=number, values=values))
    except csv.Error as error:
        raise ValidationError(
            f"Line {reader.line_num} of “{name}” cannot be read as CSV ({error}). {SAVE_AS_CSV}", code="csv"
        ) from error
    if not result.rows:
        raise ValidationError(
            f"“{name}” has the headings but no records under them. Add one record a row.", code="no_rows"
        )
    return result
