"""The docs UIs render in a real headless Chromium against a real server, with no internet.

Skips when Chromium is not installed, fails instead under SURGE_REQUIRE_SERVICES=1 (CI installs
Debian's ``chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from surge_testkit import REQUIRE_SERVICES, free_port, wait_until_up

APP_SOURCE = '''
from pydantic import BaseModel
from surge import BaseConfig, Request, Response, Surge, app
from surge.controller import Controller, consumes, get, path, post


class Book(BaseModel):
    title: str
    pages: int


@path("/api/books", tags=["Books"])
class BooksApi(Controller):
    """The library's books."""

    @get("/<int:book_id>")
    async def get_book(self, req: Request, book_id: int) -> Response[Book]:
        """Read one book"""
        return req.response.json({"title": "Dune", "pages": 412})

    @post("/")
    @consumes("application/json")
    async def add_book(self, req: Request, book: Book) -> Response[Book]:
        """Add a book to the shelf"""
        return req.response.json(book).status(201)


class Config(BaseConfig):
    APP_NAME: str = "Library"
    DEBUG: bool = True
    CONTROLLERS: list[str] = ["docs_app:BooksApi"]


@app(__name__, configs=Config)
class Application(Surge):
    pass
'''


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if REQUIRE_SERVICES:
        pytest.fail("Chromium is not installed (SURGE_REQUIRE_SERVICES=1): apt-get install chromium")
    pytest.skip("Chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def docs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample app under ``surge run`` (granian) on a free port; yields its base URL."""
    folder = tmp_path_factory.mktemp("docs_app")
    (folder / "docs_app.py").write_text(APP_SOURCE)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "surge", "run", "docs_app:Application", "--no-reload", "--port", str(port)],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/openapi/specs.json", process)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def render(url: str, profile: Path) -> str:
    """The DOM of ``url`` after its scripts ran, as headless Chromium sees it."""
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--virtual-time-budget=20000",
        "--dump-dom",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_swagger_ui_lists_the_operations(docs_server: str, tmp_path: Path) -> None:
    dom = render(docs_server + "/openapi/docs", tmp_path / "profile")
    paths = set(re.findall(r'data-path="([^"]+)"', dom))
    assert paths == {"/api/books/{book_id}", "/api/books"}
    methods = re.findall(r'opblock-summary-method">([A-Z]+)<', dom)
    assert sorted(methods) == ["GET", "POST"]
    assert "Read one book" in dom and "Add a book to the shelf" in dom


def test_redoc_lists_the_operations(docs_server: str, tmp_path: Path) -> None:
    dom = render(docs_server + "/openapi/redoc", tmp_path / "profile")
    assert "Read one book" in dom
    assert "Add a book to the shelf" in dom
    assert "/api/books/{book_id}" in dom
