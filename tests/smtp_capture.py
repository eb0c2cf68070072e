"""A small SMTP server for the outbox's fault tests: the edge of the world, real sockets and
real `smtplib` on the other side, so Django's SMTP backend is exercised as in production.

It speaks just enough SMTP for `smtplib` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and
records every message it accepts. With `stall_next()` it holds its reply to the next DATA
until `release()`: the message has reached the server, the sender has not heard back — the
moment a crash would leave a message sent but not marked."""

import email
import email.message
import email.policy
import socket
import socketserver
import threading
from collections import Counter
from typing import Any


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        capture = self.server.capture
        try:
            self._reply("220 capture.test ESMTP ready")
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                verb = line.decode("ascii", "replace").strip()[:4].upper()
                if verb == "EHLO":
                    self.wfile.write(b"250-capture.test\r\n250 8BITMIME\r\n")
                    self.wfile.flush()
                elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                    self._reply("250 OK")
                elif verb == "DATA":
                    self._reply("354 End data with <CR><LF>.<CR><LF>")
                    capture.received(self._read_data())
                    capture.hold_if_stalling()
                    self._reply("250 OK: queued")
                elif verb == "QUIT":
                    self._reply("221 Bye")
                    return
                else:
                    self._reply("502 Command not implemented")
        except (ConnectionError, OSError):
            return  # the sender went away (killed mid-send): nothing to answer

    def _read_data(self) -> bytes:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line in {b".\r\n", b".\n"}:
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    capture: "SmtpCapture"


class SmtpCapture:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()
        self._stall_next = False
        self._release = threading.Event()
        self.stalled = threading.Event()  # set while a DATA reply is being held
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- running ------------------------------------------------------------------------------

    def start(self) -> "SmtpCapture":
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.capture = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="smtp-capture", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "SmtpCapture":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- stalling -----------------------------------------------------------------------------

    def stall_next(self) -> None:
        self._release.clear()
        self._stall_next = True

    def hold_if_stalling(self) -> None:
        with self._lock:
            stall, self._stall_next = self._stall_next, False
        if stall:
            self.stalled.set()
            self._release.wait(timeout=120)

    def release(self) -> None:
        self._release.set()

    # --- what arrived -------------------------------------------------------------------------

    def received(self, data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]

    def outbox_ids(self) -> Counter[str]:
        """How many times each outbox row arrived, by its X-Academy-Outbox-Id header."""
        with self._lock:
            return Counter(str(m["X-Academy-Outbox-Id"]) for m in self.messages)
