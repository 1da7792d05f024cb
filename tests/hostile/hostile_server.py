"""The demo app on a real granian server, and a raw-socket client that survives any answer (or none).

``demo_server`` starts ``examples/demo/run.py`` (granian) on a free port with a temporary SQLite
database and upload folder, and a real SMTP server (aiosmtpd, in-process) for the contact form,
so every backing service is up: any 5xx the corpus meets is a bug, not an outage.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from surge_testkit import free_port, wait_until_up

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
SECRET_KEY = "hostile-corpus-secret-key-0123456789abcdef"
MAX_CONTENT_LENGTH = 1024 * 1024  # small, so that "over the limit" costs little to send
OWNER = "owner@localhost"


@dataclass
class SmtpSink:
    """Every envelope the demo sent, as (recipients, raw message)."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or b"")))
        return "250 OK"


@dataclass
class DemoServer:
    port: int
    root: Path
    upload_dir: Path
    smtp: SmtpSink
    process: subprocess.Popen[str]
    log_path: Path
    new_demo_files: set[Path] = field(default_factory=set)  # files the corpus made appear under examples/demo

    def log(self) -> str:
        """What the server printed so far (tracebacks of 500s land here)."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def demo_server(root: Path, **env: str) -> Iterator[DemoServer]:
    """The demo on granian at 127.0.0.1:<free port>, with its services; stopped on exit."""
    from aiosmtpd.controller import Controller as SmtpController

    sink = SmtpSink()
    smtp_port = free_port()
    smtp = SmtpController(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = free_port()
    upload_dir = root / "uploads"
    environment = dict(os.environ)
    environment.update(
        SQL_DATABASE=json.dumps({"DATABASE_URI": f"sqlite+aiosqlite:///{root / 'demo.db'}", "CREATE_ALL": True}),
        UPLOAD_DIR=str(upload_dir),
        SECRET_KEY=SECRET_KEY,
        MAX_CONTENT_LENGTH=str(MAX_CONTENT_LENGTH),
        CONTACT_TO=OWNER,
        EMAIL_CLIENT=json.dumps(
            {"SENDER_NAME_OR_ADDRESS": "Surge demo <demo@localhost>", "SMTP_SERVER": "127.0.0.1",
             "SMTP_PORT": smtp_port, "USE_TLS": False, "TIMEOUT": 5}
        ),
    )
    environment.update(env)
    log_path = root / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(DEMO / "run.py"), "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=environment, text=True,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", process)
        yield DemoServer(port, root, upload_dir, sink, process, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        smtp.stop()


# -- raw HTTP over a socket ------------------------------------------------------------------------


@dataclass
class Answer:
    """What came back for one raw request: the final status (None: closed unanswered), in how long."""

    status: int | None
    headers: list[tuple[str, str]]
    body: bytes
    elapsed: float
    note: str = ""

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)


def _parse(data: bytes) -> tuple[int | None, list[tuple[str, str]], bytes, bool]:
    """(status, headers, body, complete) of the first final response in ``data``."""
    while True:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return None, [], b"", False
        head, rest = data[:end].decode("latin-1"), data[end + 4:]
        lines = head.split("\r\n")
        parts = lines[0].split(" ", 2)
        try:
            status = int(parts[1])
        except (IndexError, ValueError):
            return None, [], b"", True  # not HTTP at all: treat as an unanswered close
        headers = [(k.strip().lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:])]
        if 100 <= status < 200:  # 100 Continue and friends: the final answer follows
            data = rest
            continue
        values = dict(headers)
        if "content-length" in values:
            length = int(values["content-length"])
            return status, headers, rest[:length], len(rest) >= length
        if "chunked" in values.get("transfer-encoding", ""):
            return status, headers, rest, rest.endswith(b"0\r\n\r\n")
        return status, headers, rest, False  # the body runs until the connection closes


def send_raw(port: int, request: bytes | list[bytes], *, half_close: bool = False, limit: float = 6.0) -> Answer:
    """Send ``request`` (pieces are sent one after the other) and read the answer, whatever happens."""
    started = time.monotonic()
    pieces = [request] if isinstance(request, bytes) else request
    note = ""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=limit) as sock:
        try:
            for piece in pieces:
                sock.sendall(piece)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError as exc:  # the server answered (and closed) before taking everything: fine
            note = f"send stopped: {exc.__class__.__name__}"
        while True:
            remaining = limit - (time.monotonic() - started)
            if remaining <= 0:
                note = "timed out"
                break
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                note = "timed out"
                break
            except OSError as exc:
                note = note or f"recv: {exc.__class__.__name__}"
                break
            if not chunk:
                break
            data += chunk
            if _parse(data)[3]:
                break
    status, headers, body, _ = _parse(data)
    return Answer(status, headers, body, time.monotonic() - started, note)
