"""What an upload is, decided by its content: the allow-list, the size limit and the display name.

The name a person's computer gave a file says nothing about what is inside it: a program renamed
`report.pdf` is still a program. So the type comes from the bytes (a PDF starts `%PDF-`, a Word
document is a ZIP whose `[Content_Types].xml` names a Word main part, text decodes as UTF-8 with
no control characters), and the name only has to agree with it. Both the form field and
`file_store` call `inspect_upload`, so a form shows the reason on the field and a service can
never store what the form would have refused.
"""

import codecs
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

HEAD_BYTES = 8192
CHUNK_BYTES = 64 * 1024
MEGABYTE = 1024 * 1024
MAX_NAME_LENGTH = 150
# ZIP entries read to tell Office and OpenDocument files apart; anything larger is not one.
MAX_MANIFEST_BYTES = 1_000_000
MAX_ZIP_ENTRIES = 20_000


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str  # with its article, to fit a sentence: "a PDF", "an Excel spreadsheet (.xlsx)"
    extensions: tuple[str, ...]  # the first is added to a name that has none

    @property
    def primary_extension(self) -> str:
        return self.extensions[0]


_TYPES = [
    FileType("application/pdf", "a PDF", (".pdf",)),
    FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "a Word document (.docx)",
        (".docx",),
    ),
    FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "an Excel spreadsheet (.xlsx)",
        (".xlsx",),
    ),
    FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "a PowerPoint presentation (.pptx)",
        (".pptx",),
    ),
    FileType("application/vnd.oasis.opendocument.text", "an OpenDocument text (.odt)", (".odt",)),
    FileType(
        "application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet (.ods)", (".ods",)
    ),
    FileType(
        "application/vnd.oasis.opendocument.presentation", "an OpenDocument presentation (.odp)", (".odp",)
    ),
    FileType("image/png", "a PNG image", (".png",)),
    FileType("image/jpeg", "a JPEG image", (".jpg", ".jpeg")),
    FileType("text/plain", "a plain text file", (".txt", ".text", ".md")),
    FileType("text/csv", "a CSV file", (".csv",)),
]
KNOWN_TYPES: dict[str, FileType] = {t.content_type: t for t in _TYPES}

# The main part [Content_Types].xml names in each Office Open XML format we accept.
_OOXML_MAIN_PARTS = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
}
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}

# Programs and scripts, named for the person whose upload is refused.
_PROGRAM_SIGNATURES: list[tuple[bytes, str]] = [
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xfe\xed\xfa\xce", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"\xce\xfa\xed\xfe", "a macOS program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"#!", "a script"),
]
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt and password-protected Office files
# Control characters other than tab, line feed, form feed and carriage return never occur in text.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_WINDOWS_RESERVED = (
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)
_NAME_FORBIDDEN = set('<>:"|?*')


@dataclass(frozen=True)
class Inspection:
    """What `inspect_upload` found: the type, the cleaned name to show, the size and the hash."""

    file_type: FileType
    display_name: str
    size: int
    sha256: str


class FileRefused(ValidationError):
    """An upload the portal will not keep, with the reason in words for the person."""


def allowed_types() -> list[FileType]:
    configured = settings.PRIVATE_FILES_ALLOWED_TYPES
    if not configured:
        return list(_TYPES)
    return [KNOWN_TYPES[name] for name in configured if name in KNOWN_TYPES]


def allowed_types_sentence() -> str:
    labels = [t.label for t in allowed_types()]
    if len(labels) < 2:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def accept_attribute() -> str:
    """The `accept` hint for a file input: the extensions of the allowed types."""
    return ",".join(ext for t in allowed_types() for ext in t.extensions)


def max_upload_bytes() -> int:
    return int(settings.PRIVATE_FILES_MAX_MB * MEGABYTE)


def _megabytes(size: float) -> str:
    if size < MEGABYTE / 10:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / MEGABYTE:.1f}".removesuffix(".0") + " MB"


def clean_display_name(name: str | None) -> str:
    """The uploader's file name made safe to show and to offer on download: the last path
    segment only, no control or formatting characters (bidirectional overrides included), no
    characters Windows forbids, no leading dots, at most MAX_NAME_LENGTH characters. Never used
    to build a storage path."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[\\/]", text)[-1]
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(
        ch for ch in text if not unicodedata.category(ch).startswith("C") and ch not in _NAME_FORBIDDEN
    )
    text = " ".join(text.split()).strip(" .")
    stem, dot, extension = text.rpartition(".")
    if not dot:
        stem, extension = text, ""
    extension = extension[:10]
    stem = stem.strip(" .")[: MAX_NAME_LENGTH - len(extension) - 1].strip(" .") or "file"
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"{stem}-file"
    return f"{stem}.{extension}" if extension else stem


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def _chunks(upload: IO[bytes]) -> Iterator[bytes]:
    upload.seek(0)
    while chunk := upload.read(CHUNK_BYTES):
        yield chunk


def _refuse(message: str, code: str) -> FileRefused:
    return FileRefused(message, code=code)


# Where OpenDocument keeps macros: StarBasic libraries, and scripts in other languages.
_ODF_MACRO_FOLDERS = ("basic/", "scripts/")


def _odf_type(declared: str, entries: dict[str, zipfile.ZipInfo], name: str, damaged: FileRefused) -> str:
    """An OpenDocument file is its `mimetype` entry plus a manifest of its parts; a `mimetype`
    entry alone makes any ZIP look like a document. One that carries macros is refused."""
    if "META-INF/manifest.xml" not in entries:
        raise damaged
    if any(entry.lower().startswith(_ODF_MACRO_FOLDERS) for entry in entries):
        raise _refuse(
            f"“{name}” contains macros, which could run on the reader's computer. "
            "Save it without macros (as .odt, .ods or .odp) or as a PDF.",
            "macros",
        )
    return declared


def _zip_type(upload: IO[bytes], name: str) -> str:
    """The content type of an Office Open XML or OpenDocument file, or a refusal."""
    upload.seek(0)
    damaged = _refuse(f"“{name}” is damaged or is not a document we can open.", "damaged")
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            if len(entries) > MAX_ZIP_ENTRIES:
                raise damaged
            mimetype = entries.get("mimetype")
            if mimetype is not None and mimetype.file_size <= 100:
                declared = archive.read(mimetype).decode("ascii", "replace").strip()
                if declared in _ODF_MIMETYPES:
                    return _odf_type(declared, entries, name, damaged)
            manifest = entries.get("[Content_Types].xml")
            if manifest is not None and manifest.file_size <= MAX_MANIFEST_BYTES:
                content_types = archive.read(manifest)
                macros = b"macroEnabled" in content_types or any(
                    entry.lower().endswith("vbaproject.bin") for entry in entries
                )
                if macros:
                    raise _refuse(
                        f"“{name}” contains macros, which could run on the reader's computer. "
                        "Save it without macros (as .docx, .xlsx or .pptx) or as a PDF.",
                        "macros",
                    )
                for marker, content_type in _OOXML_MAIN_PARTS.items():
                    if marker in content_types:
                        return content_type
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
        raise damaged from None
    raise _refuse(f"“{name}” is a ZIP archive, not a document. Upload the documents themselves.", "archive")


def _decodes_as(upload: IO[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        for chunk in _chunks(upload):
            if _NOT_TEXT.search(chunk):
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_text(upload: IO[bytes]) -> bool:
    """UTF-8, or the Windows encoding spreadsheets still save CSV in (a £ sign is one byte)."""
    return _decodes_as(upload, "utf-8-sig") or _decodes_as(upload, "cp1252")


def _detect(upload: IO[bytes], head: bytes, name: str) -> str:
    """The content type the bytes show, or a refusal that says what they are instead."""
    for signature, what in _PROGRAM_SIGNATURES:
        if head.startswith(signature):
            raise _refuse(f"“{name}” is {what}, not a document, so it cannot be uploaded.", "program")
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(upload, name)
    if head.startswith(_OLE2):
        raise _refuse(
            f"“{name}” is in an older Office format or has a password. Save it as .docx, .xlsx or "
            ".pptx without a password, or as a PDF, then upload it again.",
            "legacy_office",
        )
    if _is_text(upload):
        return "text/csv" if _extension(name) == ".csv" else "text/plain"
    raise _refuse(
        f"“{name}” is not a type of file the portal accepts. Upload {allowed_types_sentence()}.",
        "type",
    )


def inspect_upload(upload: IO[bytes], *, name: str | None = None) -> Inspection:
    """Check an upload against the size limit and the allow-list, by its content. Raises
    FileRefused (a ValidationError) with the reason; leaves the file at position 0."""
    display_name = clean_display_name(name if name is not None else getattr(upload, "name", ""))
    upload.seek(0, 2)
    size = upload.tell()
    if size == 0:
        raise _refuse(f"“{display_name}” is empty.", "empty_file")
    limit = max_upload_bytes()
    if size > limit:
        shown = _megabytes(size)
        if shown == _megabytes(limit):
            shown = f"just over {shown}"
        raise _refuse(f"The file is {shown}; the limit is {_megabytes(limit)}.", "too_big")

    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    content_type = _detect(upload, head, display_name)
    file_type = KNOWN_TYPES[content_type]
    if file_type not in allowed_types():
        raise _refuse(
            f"“{display_name}” is {file_type.label}, which is not accepted here. "
            f"Upload {allowed_types_sentence()}.",
            "type",
        )
    extension = _extension(display_name)
    if not extension:
        display_name = f"{display_name}{file_type.primary_extension}"
    elif extension not in file_type.extensions:
        raise _refuse(
            f"“{display_name}” holds {file_type.label}, but its name ends in {extension}. "
            f"Rename it to end in {file_type.primary_extension} and upload it again.",
            "name_mismatch",
        )

    digest = hashlib.sha256()
    for chunk in _chunks(upload):
        digest.update(chunk)
    upload.seek(0)
    return Inspection(file_type=file_type, display_name=display_name, size=size, sha256=digest.hexdigest())
