"""The virus-scanner hook: off unless CLAMD_URL names a clamd daemon.

We speak clamd's INSTREAM command ourselves (it is four lines of protocol): send `zINSTREAM\\0`,
then the file in chunks, each prefixed by its length as a 4-byte big-endian number, then a zero
length; clamd answers `stream: OK` or `stream: <signature> FOUND`, ended by a NUL byte. A scanner
that is configured but does not answer properly is an error, never a pass: the upload is refused.
"""

import socket
import struct
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CLAMD_DEFAULT_PORT = 3310
CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(Exception):
    """The scanner is configured but could not give a verdict."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


@dataclass(frozen=True)
class ClamdAddress:
    unix_path: str = ""
    host: str = ""
    port: int = CLAMD_DEFAULT_PORT


def parse_clamd_url(url: str) -> ClamdAddress:
    """`tcp://host:port`, `host:port`, `host` or `unix:///path/to/clamd.sock`."""
    if "://" not in url:
        url = f"tcp://{url}"
    parts = urlsplit(url)
    if parts.scheme == "unix" and parts.path:
        return ClamdAddress(unix_path=parts.path)
    try:
        port = parts.port or CLAMD_DEFAULT_PORT
    except ValueError:
        port = None
    if parts.scheme == "tcp" and parts.hostname and port:
        return ClamdAddress(host=parts.hostname, port=port)
    raise ImproperlyConfigured(
        f"CLAMD_URL must look like tcp://clamav:3310 or unix:///run/clamav/clamd.ctl, not {url!r}."
    )


def scanner_configured() -> bool:
    return bool(settings.CLAMD_URL)


def _connect(address: ClamdAddress, timeout: float) -> socket.socket:
    if address.unix_path:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address.unix_path)
        except OSError:
            sock.close()
            raise
        return sock
    return socket.create_connection((address.host, address.port), timeout=timeout)


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
        data = sock.recv(1024)
        if not data:
            break
        reply += data
    return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def clamd_scan(stream: IO[bytes], *, url: str, timeout: float) -> ScanResult:
    """Send `stream` to clamd at `url` and return its verdict. Raises ScannerUnavailable when
    clamd cannot be reached, times out or answers anything but a verdict."""
    address = parse_clamd_url(url)
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            stream.seek(0)
            while chunk := stream.read(CHUNK_BYTES):
                sock.sendall(struct.pack("!I", len(chunk)) + chunk)
            sock.sendall(struct.pack("!I", 0))
            reply = _read_reply(sock)
    except OSError as exc:
        raise ScannerUnavailable(f"clamd at {url} did not answer: {exc}") from exc
    finally:
        stream.seek(0)
    verdict = reply.removeprefix("stream:").strip()
    if verdict == "OK":
        return ScanResult(clean=True)
    if verdict.endswith(" FOUND"):
        return ScanResult(clean=False, signature=verdict.removesuffix(" FOUND").strip())
    raise ScannerUnavailable(f"clamd at {url} answered {reply!r}")


def scan(stream: IO[bytes]) -> ScanResult | None:
    """The configured scanner's verdict, or None when no scanner is configured."""
    if not scanner_configured():
        return None
    return clamd_scan(stream, url=settings.CLAMD_URL, timeout=settings.CLAMD_TIMEOUT)
