"""What the private-files tests share: sample files built from their real formats, two owner
kinds registered the way an app would, and a fake clamd that speaks the real INSTREAM protocol on
a local socket (the edge of the world: the real daemon is not installed where the suite runs)."""

import contextlib
import io
import socket
import struct
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from academy.files.models import StoredFile
from academy.files.registry import register_file_owner
from academy.files.services import file_store
from academy.models import Organisation, User
from academy.scope import Scope
from academy.selectors import organisation_scope_ids

# --- Owner kinds, registered as an app would from its AppConfig.ready() -----------------------
UPLOADER_ONLY = "test.uploader_only"
ORGANISATION_WIDE = "test.organisation_wide"


def _uploader_only(scope: Scope, stored_file: StoredFile) -> bool:
    return stored_file.uploaded_by_id == scope.user.pk


def _organisation_wide(scope: Scope, stored_file: StoredFile) -> bool:
    """Anyone acting for the file's organisation, or for a partnership above it."""
    if scope.organisation is None:
        return False
    return stored_file.organisation_id in organisation_scope_ids(organisation=scope.organisation)


register_file_owner(UPLOADER_ONLY, can_read=_uploader_only)
register_file_owner(ORGANISATION_WIDE, can_read=_organisation_wide)


# --- Sample files -------------------------------------------------------------------------------
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32) + b"\xff\xd9"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x00\x01\x02\x03"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(52) + b"PE\x00\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)

_OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml"),
}


def office_file(kind: str = "docx", *, macros: bool = False) -> bytes:
    part, family = _OOXML[kind]
    main = {"docx": "document.main+xml", "xlsx": "sheet.main+xml"}[kind]
    content_type = "application/vnd.ms-word.document.macroEnabled.main+xml" if macros else f"{family}.{main}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(part, "<document>Reflective log, week 6</document>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return buffer.getvalue()


def odt_file(*, macros: str = "", manifest: bool = True) -> bytes:
    """An OpenDocument text; `macros` names the folder a macro is kept in (Basic/, Scripts/)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        if manifest:
            archive.writestr(
                "META-INF/manifest.xml",
                '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>',
            )
        if macros:
            archive.writestr(f"{macros}Standard/Module1.xml", "<script:module>Shell(...)</script:module>")
    return buffer.getvalue()


def mimetype_only_zip() -> bytes:
    """A ZIP that claims to be an OpenDocument text and holds nothing else of one."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("payload.exe", b"MZ\x90\x00")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "a note")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An upload as Django hands it to a form: the browser's name and claimed type are the
    uploader's to choose, so tests set them to anything."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def store(
    *,
    actor: User,
    organisation: Organisation,
    name: str = "Supervision notes.pdf",
    content: bytes = PDF,
    owner_kind: str = UPLOADER_ONLY,
    owner_id: object = "record-1",
) -> StoredFile:
    return file_store(
        actor=actor,
        organisation=organisation,
        upload=upload(name, content),
        owner_kind=owner_kind,
        owner_id=owner_id,
    )


# --- A fake clamd -------------------------------------------------------------------------------
INFECTED_MARKER = b"ACADEMY-TEST-SIGNATURE"


def clamd_verdict(received: bytes) -> bytes:
    """What a real clamd says: OK, or the signature it found."""
    if INFECTED_MARKER in received:
        return b"stream: Academy.Test.Signature FOUND"
    return b"stream: OK"


@dataclass
class FakeClamd:
    """Accepts connections in a thread and answers INSTREAM as clamd does. `reply` may be
    replaced to answer wrongly, or `silent` set to never answer at all."""

    reply: Callable[[bytes], bytes] = clamd_verdict
    silent: bool = False
    unix_path: str = ""
    commands: list[bytes] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)
    chunk_counts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.unix_path:
            self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._server.bind(self.unix_path)
        else:
            self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._server.bind(("127.0.0.1", 0))
        self._server.listen(4)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        if self.unix_path:
            return f"unix://{self.unix_path}"
        host, port = self._server.getsockname()
        return f"tcp://{host}:{port}"

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        self._server.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    self._answer(conn)
                except OSError:
                    continue

    def _read_exactly(self, conn: socket.socket, count: int) -> bytes:
        data = b""
        while len(data) < count:
            more = conn.recv(count - len(data))
            if not more:
                raise ConnectionError("client hung up")
            data += more
        return data

    def _answer(self, conn: socket.socket) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self._read_exactly(conn, 1)
        self.commands.append(command)
        body, chunks = b"", 0
        while length := struct.unpack("!I", self._read_exactly(conn, 4))[0]:
            body += self._read_exactly(conn, length)
            chunks += 1
        self.received.append(body)
        self.chunk_counts.append(chunks)
        if self.silent:
            self._stop.wait(10)
            return
        conn.sendall(self.reply(body) + b"\0")


def unused_tcp_url() -> str:
    """A local port with nothing listening: a scanner that is configured but down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        host, port = probe.getsockname()
    return f"tcp://{host}:{port}"
