"""Reading a cohort's file, CSV or Excel workbook (XLSX, what councils' HR systems export): the
file as a whole (size, kind, encoding, headings, number of rows). Each row's values are checked
by `services.cohort_import_check`.

CSV is read as UTF-8 with or without a byte order mark, UTF-16 with one, or the Windows
encoding (Excel's plain "CSV"), as the CPD import reads it (cpd/transfer/reading.py). A workbook
is read with openpyxl, first sheet only, formulas as written (never their results: a formula
is refused by the row check, so nothing a spreadsheet would run reaches the portal)."""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError

from academy.spreadsheet_text import decode_spreadsheet_text, match_headings, size_words

MAX_BYTES = 8 * 1024 * 1024
MAX_ROWS = 1000
# Larger files are checked and imported by Celery tasks with progress (asye/cohorts/jobs.py).
MAX_BACKGROUND_ROWS = 10_000

SAVE_AS = "Save it from your spreadsheet as “CSV UTF-8” or as an Excel workbook (.xlsx), and upload that."


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    example: str
    required: bool = True
    # Other headings HR systems use for the same thing.
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("full_name", "Name", "Ama Mensah", aliases=("full name",)),
    Column("email", "Email", "ama.mensah@example.gov.uk", aliases=("email address", "work email")),
    Column("start_date", "Start date", "01/09/2026"),
    Column("fte", "FTE", "1.0", aliases=("contracted fte", "hours (fte)")),
    Column("team", "Team", "Adults North", required=False),
    Column("service_area", "Service area", "Adult services"),
    Column("programme_type", "Programme type", "Adult services ASYE", aliases=("programme",)),
    Column("date_qualified", "Date qualified", "30/06/2026", required=False),
    Column(
        "swe_number", "SWE number", "SW123456", aliases=("social work england number", "swe registration")
    ),
    Column("assessor_email", "Assessor email", "assessor@example.gov.uk"),
    Column("manager_email", "Manager email", "manager@example.gov.uk", aliases=("line manager email",)),
)
HEADINGS = [column.heading for column in COLUMNS]

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Excel (.xls) or Office file"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a picture"),
    (b"\xff\xd8\xff", "a picture"),
    (b"MZ", "a program"),
]
_SPACES = re.compile(r"\s+")
# The apostrophe a spreadsheet keeps to stop a cell being read as a formula is not part of the text.
_FORMULA_GUARD = re.compile(r"^'(?=[=+\-@])")


@dataclass(frozen=True)
class RawRow:
    """One row: its number in the spreadsheet (headings are row 1) and its text by column key."""

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
    for _name in (_column.heading, _column.key, _column.key.replace("_", " "), *_column.aliases):
        _BY_HEADING[_heading_key(_name)] = _column


def _decode(data: bytes, name: str) -> str:
    return decode_spreadsheet_text(
        data,
        name=name,
        refused=_SIGNATURES,
        expected="a CSV file or workbook",
        advice=SAVE_AS,
        refused_code="kind",
    )


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


def _csv_lines(data: bytes, name: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(_decode(data, name), newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise ValidationError(
            f"Line {reader.line_num} of “{name}” cannot be read as CSV ({error}). {SAVE_AS}", code="csv"
        ) from error


def _xlsx_lines(data: bytes, name: str) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(
            f"“{name}” is not an Excel workbook the portal can read. {SAVE_AS}", code="xlsx"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in cells]
    finally:
        workbook.close()


def read_upload(data: bytes, *, name: str, size: int | None = None, max_rows: int = MAX_ROWS) -> ReadFile:
    """The file's rows, or a ValidationError saying what is wrong with the file as a whole."""
    size = len(data) if size is None else size
    if size == 0:
        raise ValidationError(
            f"“{name}” is empty. Download the template, fill it in and upload it.", code="empty"
        )
    if size > MAX_BYTES:
        raise ValidationError(
            f"“{name}” is {size_words(size)}; the limit is {size_words(MAX_BYTES)}. "
            "Split it into smaller files.",
            code="too_big",
        )
    lines = _xlsx_lines(data, name) if data.startswith(b"PK\x03\x04") else _csv_lines(data, name)
    result = ReadFile(name=name)
    columns, result.ignored = match_headings(
        next(lines, []), known=_BY_HEADING, columns=COLUMNS, name=name, heading_key=_heading_key
    )
    for number, cells in enumerate(lines, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(result.rows) == max_rows:
            raise ValidationError(
                f"“{name}” has more than {max_rows} people; the most one import takes is {max_rows}. "
                "Split it into smaller files and import them one after another.",
                code="too_many_rows",
            )
        values = {c.key: "" for c in COLUMNS}
        for column, cell in zip(columns, cells, strict=False):
            if column is not None:
                values[column.key] = _FORMULA_GUARD.sub("", cell.strip())
        result.rows.append(RawRow(number=number, values=values))
    if not result.rows:
        raise ValidationError(
            f"“{name}” has the headings but no people under them. Add one a row.", code="no_rows"
        )
    return result
