"""What the admin's browser tests need: the demo on granian with its services, Chromium, PNG checks.

(A uniquely named module, importable as ``from admin_browser_kit import ...``.)

``demo_with_admin`` starts ``examples/demo/run.py`` (granian) on a free port with a temporary
SQLite database already holding ``GUESTBOOK_ROWS`` guestbook entries (one ``executemany`` before
the server starts), a temporary upload folder (the admin's file explorer) and a real SMTP server
(aiosmtpd, in this process) that keeps every mail. ``launch_chromium`` drives Debian's Chromium
through Playwright: never a downloaded browser.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from surge_testkit import REQUIRE_SERVICES, free_port, wait_until_up

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GUESTBOOK_ROWS = 10_000
SECRET_KEY = "admin-browser-secret-key-0123456789abcdef"

# Runs in a fresh interpreter inside the demo folder: the demo's own model makes the table, so the
# seed never drifts from it; the server's CREATE_ALL then adds the other tables.
_SEED = """
import sys
from datetime import UTC, datetime, timedelta
from sqlalchemy import create_engine
from app.database import GuestbookEntry
engine = create_engine("sqlite:///" + sys.argv[1])
GuestbookEntry.metadata.create_all(engine, tables=[GuestbookEntry.__table__])
start = datetime(2024, 1, 1, tzinfo=UTC)
rows = [{"name": f"Visitor {i:05d}", "message": f"Signature number {i}", "created_at": start + timedelta(minutes=i)}
        for i in range(1, int(sys.argv[2]) + 1)]
with engine.begin() as connection:
    connection.execute(GuestbookEntry.__table__.insert(), rows)
engine.dispose()
"""


def skip_without(what: str, hint: str) -> None:
    """Skip the test when ``what`` is missing, or fail when SURGE_REQUIRE_SERVICES=1."""
    message = f"{what} is not available ({hint})"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (SURGE_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@dataclass
class MailSink:
    """Every envelope the demo sent, as (recipients, raw message)."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or b"")))
        return "250 OK"


@dataclass
class DemoAdmin:
    base: str
    upload_dir: Path
    mail: MailSink
    log_path: Path

    def log(self) -> str:
        """What the server printed (a traceback lands here)."""
        return self.log_path.read_text(errors="replace")


def seed_guestbook(database: Path, rows: int) -> None:
    """Create the guestbook table with ``rows`` entries in one executemany."""
    subprocess.run([sys.executable, "-c", _SEED, str(database), str(rows)], cwd=DEMO, check=True, timeout=60)


@contextmanager
def demo_with_admin(root: Path) -> Iterator[DemoAdmin]:
    """The seeded demo on granian at 127.0.0.1:<free port>, with its SMTP server; stopped on exit."""
    from aiosmtpd.controller import Controller as SmtpController

    database = root / "demo.db"
    seed_guestbook(database, GUESTBOOK_ROWS)
    sink = MailSink()
    smtp_port = free_port()
    smtp = SmtpController(sink, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    port = free_port()
    environment = dict(os.environ)
    environment.update(
        SQL_DATABASE=json.dumps({"DATABASE_URI": f"sqlite+aiosqlite:///{database}", "CREATE_ALL": True}),
        UPLOAD_DIR=str(root / "uploads"),
        SECRET_KEY=SECRET_KEY,
        NOTE_SEARCH="false",  # the embedding model is not what these tests are about
        EMAIL_CLIENT=json.dumps(
            {"SENDER_NAME_OR_ADDRESS": "Surge demo <demo@localhost>", "SMTP_SERVER": "127.0.0.1",
             "SMTP_PORT": smtp_port, "USE_TLS": False, "TIMEOUT": 5}
        ),
    )
    log_path = root / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(DEMO / "run.py"), "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=environment, text=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", process)
        yield DemoAdmin(base, root / "uploads", sink, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        smtp.stop()


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's headless Chromium under Playwright (a fresh temporary profile); yields the browser."""
    if not os.path.exists(CHROMIUM):
        skip_without("Chromium", "apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_without("Playwright", 'pip install -e ".[dev]"')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# -- screenshots ----------------------------------------------------------------------------------


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, decompressed scanlines) of a non-interlaced PNG, read with the stdlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, width, height, chunks = 8, 0, 0, []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks.append(body)
        position += length + 12
    return width, height, zlib.decompress(b"".join(chunks))


def assert_rendered(path: Path, width: int = 1280, height: int = 800) -> None:
    """``path`` is a real render: a PNG of the viewport's size, not tiny, not a single colour.

    A blank page compresses to almost nothing and its scanlines hold a handful of byte values;
    a page with text and anti-aliasing holds many. With Pillow installed, the colours are
    counted exactly as well.
    """
    data = path.read_bytes()
    assert len(data) > 8_000, f"{path.name}: {len(data)} bytes, an empty render"
    got_width, got_height, raw = png_pixels(data)
    assert (got_width, got_height) == (width, height), f"{path.name}: {got_width}x{got_height}"
    assert len(set(raw)) > 64, f"{path.name}: {len(set(raw))} distinct byte values, a blank page"
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 16, f"{path.name}: {len(colours)} colours"


def publish_screenshots(shots: dict[str, Path]) -> None:
    """Copy the screenshots to docs/images/admin when SURGE_ADMIN_SCREENSHOTS=1 (for the docs)."""
    if os.environ.get("SURGE_ADMIN_SCREENSHOTS") != "1":
        return
    target = DEMO.parents[1] / "docs" / "images" / "admin"
    target.mkdir(parents=True, exist_ok=True)
    for name, source in shots.items():
        shutil.copyfile(source, target / f"{name}.png")
