"""The words inside an attachment, and the scan of an attachment with its name.

Everything runs here, on the server: no file or text is sent anywhere. An attachment comes from
the person who uploaded it, so the work is bounded (bytes read, pages, characters, seconds) and
every failure becomes an `Extraction` that says plainly why the words could not be checked,
rather than an exception.

* Word (.docx): the text of `word/document.xml` and of the headers, footers, footnotes, endnotes
  and comments, read from the ZIP with the standard library. The XML is not parsed: the text runs
  (`<w:t>`) are picked out with one linear regular expression, so no entity tricks apply.
* PDF: `pypdf` (BSD licence, pure Python), page by page up to MAX_PDF_PAGES and MAX_SECONDS.
* Plain text and CSV: UTF-8 (with or without a byte order mark), else Windows-1252.
"""

import html
import io
import logging
import re
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from .flags import Flag, resolve_overlaps
from .scan import MAX_SCAN_CHARACTERS, scan_text

logger = logging.getLogger(__name__)

MAX_INPUT_BYTES = 50 * 1024 * 1024
MAX_CHARACTERS = MAX_SCAN_CHARACTERS
MAX_PDF_PAGES = 200
MAX_SECONDS = 10.0
MAX_DOCX_PART_BYTES = 20 * 1024 * 1024  # uncompressed, per part: a ZIP bomb stops here

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TEXT_TYPES = ("text/plain", "text/csv")
READABLE_TYPES = (DOCX, PDF, *TEXT_TYPES)

_DOCX_PARTS = re.compile(r"^word/(?:document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$")
_DOCX_TOKENS = re.compile(
    r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>|<w:t\s*/>|(</w:p>)|<w:(tab|br|cr)\b[^>]*/>",
)


@dataclass(frozen=True)
class Extraction:
    """The words of a file. `readable` is False when they could not be read at all, and then
    `problem` says why, for the person who attached it; `truncated` is True when only the first
    part was read (more than MAX_CHARACTERS, MAX_PDF_PAGES or MAX_SECONDS)."""

    text: str
    readable: bool = True
    problem: str = ""
    truncated: bool = False


def _could_not_read(problem: str) -> Extraction:
    return Extraction(text="", readable=False, problem=problem)


def _bounded(text: str, *, truncated: bool = False) -> Extraction:
    if len(text) > MAX_CHARACTERS:
        return Extraction(text=text[:MAX_CHARACTERS], truncated=True)
    return Extraction(text=text, truncated=truncated)


def _docx(data: bytes) -> Extraction:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = sorted(
                (info for info in archive.infolist() if _DOCX_PARTS.match(info.filename)),
                key=lambda info: (info.filename != "word/document.xml", info.filename),
            )
            if not parts or parts[0].filename != "word/document.xml":
                return _could_not_read("This Word document has no text part we can read.")
            pieces: list[str] = []
            size = 0
            truncated = False
            for info in parts:
                with archive.open(info) as part:
                    xml = part.read(MAX_DOCX_PART_BYTES + 1)
                if len(xml) > MAX_DOCX_PART_BYTES:
                    truncated = True
                    xml = xml[:MAX_DOCX_PART_BYTES]
                pieces.append(_docx_text(xml.decode("utf-8", "replace")))
                size += len(pieces[-1])
                if size > MAX_CHARACTERS:
                    break
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        return _could_not_read("This Word document is damaged or protected, so its words could not be read.")
    return _bounded("\n".join(piece for piece in pieces if piece), truncated=truncated)


def _docx_text(xml: str) -> str:
    out: list[str] = []
    for match in _DOCX_TOKENS.finditer(xml):
        run, paragraph_end, control = match.groups()
        if run is not None:
            out.append(html.unescape(run))
        elif paragraph_end:
            out.append("\n")
        elif control == "tab":
            out.append("\t")
        elif control in ("br", "cr"):
            out.append("\n")
    return "".join(out).strip()


def _pdf(data: bytes) -> Extraction:
    # Imported here: only PDF attachments pay for loading pypdf.
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    started = time.monotonic()
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return _could_not_read("This PDF has a password, so its words could not be read.")
        pages: list[str] = []
        size = 0
        truncated = len(reader.pages) > MAX_PDF_PAGES
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or time.monotonic() - started > MAX_SECONDS or size > MAX_CHARACTERS:
                truncated = True
                break
            pages.append(page.extract_text() or "")
            size += len(pages[-1])
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError,
            RecursionError, NotImplementedError, AssertionError, ZeroDivisionError) as error:  # fmt: skip
        # pypdf raises many kinds of error on damaged files; each means "cannot read it".
        logger.info("PDF could not be read: %s", type(error).__name__)
        return _could_not_read(
            "This PDF is damaged or in a form we cannot read, so its words were not checked."
        )
    text = "\n".join(pages)
    if not text.strip():
        return _could_not_read(
            "This PDF has no text we can read (it may be a scan or a photo), so check it yourself."
        )
    return _bounded(text, truncated=truncated)


def _plain(data: bytes) -> Extraction:
    limit = MAX_CHARACTERS * 4  # no UTF-8 character is longer than four bytes
    cut = len(data) > limit
    data = data[:limit]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if cut and error.reason == "unexpected end of data":  # a character the limit cut in two
            text = data[: error.start].decode("utf-8-sig")
        else:
            text = data.decode("cp1252", "replace")
    return _bounded(text, truncated=cut)


def extract_text(data: bytes, content_type: str) -> Extraction:
    """The words inside an attachment of `content_type` (as the core's upload check detected it).
    Never raises for what is inside the file; see `Extraction`."""
    content_type = content_type.split(";")[0].strip().lower()
    if content_type not in READABLE_TYPES:
        return _could_not_read(
            "The guard cannot read the words in this kind of file (for example a picture or a "
            "spreadsheet), so check it yourself before you submit."
        )
    if len(data) > MAX_INPUT_BYTES:
        return _could_not_read("This file is too large for its words to be checked, so check it yourself.")
    if content_type == DOCX:
        return _docx(data)
    if content_type == PDF:
        return _pdf(data)
    return _plain(data)


# Separators in a file name read as spaces, so "Sarah_Jones-visit.docx" shows its name.
_NAME_SEPARATORS = str.maketrans({"_": " ", "-": " ", ".": " ", "+": " "})


@dataclass(frozen=True)
class DocumentScan:
    """Flags in an attachment's name (offsets into `filename`) and in its words (offsets into
    `extraction.text`)."""

    filename: str
    filename_flags: list[Flag]
    extraction: Extraction
    text_flags: list[Flag] = field(default_factory=list)

    @property
    def flags_count(self) -> int:
        return len(self.filename_flags) + len(self.text_flags)


def scan_filename(filename: str, *, case_reference_patterns: Sequence[str] = ()) -> list[Flag]:
    """Flags in a file name, its extension left out; offsets (and each flag's text) are those of
    the name as given."""
    stem, dot, _extension = filename.rpartition(".")
    if not dot or not stem:
        stem = filename
    # As written (dates such as 12.03.1980 keep their dots) and with separators as spaces.
    flags = [
        *scan_text(stem, case_reference_patterns=case_reference_patterns),
        *scan_text(stem.translate(_NAME_SEPARATORS), case_reference_patterns=case_reference_patterns),
    ]
    return [
        Flag(flag.start, flag.end, flag.kind, filename[flag.start : flag.end], flag.reason)
        for flag in resolve_overlaps(flags)
    ]


def scan_document(
    data: bytes,
    content_type: str,
    *,
    filename: str,
    case_reference_patterns: Sequence[str] = (),
) -> DocumentScan:
    """Extract an attachment's words and scan them and its file name."""
    extraction = extract_text(data, content_type)
    return DocumentScan(
        filename=filename,
        filename_flags=scan_filename(filename, case_reference_patterns=case_reference_patterns),
        extraction=extraction,
        text_flags=scan_text(extraction.text, case_reference_patterns=case_reference_patterns)
        if extraction.text
        else [],
    )
