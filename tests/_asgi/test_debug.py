"""The DEBUG error page: HTML for browsers, JSON for API clients, never in production."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.testing import TestClient


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (local: ``conftest`` is ambiguous across test folders)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


class LedgerError(RuntimeError):
    pass


@path("/ledger")
class LedgerApi(Controller):
    @get("/<int:entry_id>")
    async def explode(self, req: Request, entry_id: int) -> Response:
        raise LedgerError(f"entry {entry_id} is <corrupt>")

    @get("/fine")
    async def fine(self, req: Request) -> Response:
        return req.response.json({"ok": True})


def make(debug: bool) -> Surge:
    application = Surge(__name__, configs=BaseConfig(DEBUG=debug))
    application.register_controller(LedgerApi)
    return application


def client_for(application: Surge) -> httpx.AsyncClient:
    """A client that receives the 500 response instead of the re-raised exception."""
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_browser_gets_an_html_page_with_traceback_and_request() -> None:
    async with client_for(make(debug=True)) as client:
        res = await client.get(
            "/ledger/7?view=full", headers={**BROWSER, "authorization": "Bearer s3cr3t", "x-trace": "abc"}
        )
    assert res.status_code == 500
    assert res.headers["content-type"].startswith("text/html")
    page = res.text
    assert "LedgerError in GET /ledger/7" in page
    assert "entry 7 is &lt;corrupt&gt;" in page  # escaped, never raw HTML
    assert "<corrupt>" not in page
    assert "explode" in page and "test_debug.py" in page  # the frame of the handler
    assert "view=full" in page and "LedgerApi.explode" in page
    assert "abc" in page
    assert "s3cr3t" not in page  # credentials are masked


async def test_api_client_gets_json_details() -> None:
    async with client_for(make(debug=True)) as client:
        res = await client.get("/ledger/3", headers={"accept": "application/json"})
    assert res.status_code == 500
    body = res.json()
    assert body["status"] == "error"
    assert body["exception"] == "LedgerError"
    assert body["detail"] == "entry 3 is <corrupt>"
    assert any("raise LedgerError" in line for line in body["traceback"])
    assert body["request"]["endpoint"] == "LedgerApi.explode"


@pytest.mark.parametrize("accept", [BROWSER["accept"], "application/json"])
async def test_production_never_shows_details(accept: str) -> None:
    async with client_for(make(debug=False)) as client:
        res = await client.get("/ledger/3", headers={"accept": accept})
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}
    assert "corrupt" not in res.text


async def test_test_client_still_sees_the_exception_in_debug() -> None:
    async with TestClient(make(debug=True)) as client:
        with pytest.raises(LedgerError):
            await client.get("/ledger/1")
        assert (await client.get("/ledger/fine")).json() == {"ok": True}


def test_debug_page_under_a_real_server(tmp_path: Path) -> None:
    (tmp_path / "broken_app.py").write_text(
        "from surge import BaseConfig, Surge, app\n"
        "from surge.controller import Controller, get, path\n\n"
        "@path('/')\nclass Broken(Controller):\n"
        "    @get('/boom')\n    async def boom(self, req):\n        raise KeyError('missing-key')\n\n"
        "class Config(BaseConfig):\n    DEBUG: bool = True\n    CONTROLLERS: list[str] = ['broken_app:Broken']\n\n"
        "@app(__name__, configs=Config)\nclass Application(Surge):\n    pass\n"
    )
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "surge", "run", "broken_app:Application", "--server", "uvicorn", "--no-reload",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                res = httpx.get(f"http://127.0.0.1:{port}/boom", headers=BROWSER, timeout=2)
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        assert res.status_code == 500
        assert "KeyError in GET /boom" in res.text
        api = httpx.get(f"http://127.0.0.1:{port}/boom", timeout=2)
        assert api.json()["exception"] == "KeyError"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert "KeyError: 'missing-key'" in output  # the server still logged the traceback
