"""Swagger UI in headless Chromium: "Authorize" takes a token and "Try it out" on a protected endpoint answers 200.

Chromium is driven over the DevTools protocol (its websocket), clicking the UI's own buttons.
Skips when Chromium is not installed, fails instead under SURGE_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from surge_testkit import free_port, wait_until_up

APP_SOURCE = '''
from typing import Any
from surge import BaseConfig, Request, Response, Surge, app
from surge.auth import Authentication, login_required
from surge.controller import Controller, get, path


class TokenAuth(Authentication):
    async def user_loader(self, req: Request) -> Any:
        return {"name": "ada"} if req.headers.get("authorization") == "Bearer good-token" else None


auth = TokenAuth()


@path("/api", tags=["Private"])
class PrivateApi(Controller):
    @get("/me")
    @login_required
    async def me(self, req: Request) -> Response:
        """Who am I"""
        return req.response.json({"user": req.user["name"]})


class Config(BaseConfig):
    APP_NAME: str = "Private"
    DEBUG: bool = True
    SECRET_KEY: str = "swagger-test-secret-0123456789abcdefghij"
    EXTENSIONS: list[str] = ["swagger_app:auth"]
    CONTROLLERS: list[str] = ["swagger_app:PrivateApi"]


@app(__name__, configs=Config)
class Application(Surge):
    pass
'''

# Clicks through Swagger UI like a user; returns the status the UI shows for the call.
SCRIPT = r"""
(async () => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const find = async (selector, root = document) => {
    for (let i = 0; i < 200; i++) { const el = root.querySelector(selector); if (el) return el; await sleep(50); }
    throw new Error("not found: " + selector);
  };
  const type = (input, value) => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
    setter.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  (await find("button.btn.authorize")).click();
  const modal = await find(".modal-ux");
  type(await find("input", modal), "good-token");
  (await find("button.modal-btn.auth.authorize", modal)).click();
  await find("button.btn-done, button.modal-btn.auth.btn-done", modal);
  (modal.querySelector("button.btn-done") || modal.querySelector(".close-modal")).click();
  const summary = (await find('[data-path="/api/me"]')).closest(".opblock-summary");
  (summary.querySelector("button.opblock-summary-control") || summary).click();
  (await find("button.try-out__btn")).click();
  (await find("button.execute")).click();
  const status = await find(".live-responses-table .response .response-col_status");
  const body = await find(".live-responses-table .response-col_description pre");
  return JSON.stringify({ status: status.textContent.trim(), body: body.textContent });
})()
"""


def _chromium() -> str:
    from test_docs_browser import _chromium as find_chromium

    return find_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("swagger_app")
    (folder / "swagger_app.py").write_text(APP_SOURCE)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "surge", "run", "swagger_app:Application", "--no-reload", "--port", str(port)],
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
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _page_socket(devtools_port: int, url: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list", timeout=2) as res:
                targets = json.load(res)
            for target in targets:
                if target.get("type") == "page" and target.get("url", "").startswith(url):
                    return str(target["webSocketDebuggerUrl"])
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("Chromium's DevTools endpoint did not come up")


def _evaluate(ws: ClientConnection, expression: str, ids: Iterator[int]) -> Any:
    call_id = next(ids)
    params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
    ws.send(json.dumps({"id": call_id, "method": "Runtime.evaluate", "params": params}))
    while True:
        message = json.loads(ws.recv(timeout=60))
        if message.get("id") == call_id:
            assert "result" in message, message
            result = message["result"]
            assert "exceptionDetails" not in result, result["exceptionDetails"]
            return result["result"].get("value")


def _wait_loaded(ws: ClientConnection, ids: Iterator[int]) -> None:
    """Wait until the docs page has loaded (evaluations during its navigation are cut off)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        call_id = next(ids)
        ready = "document.readyState === 'complete' && !!document.querySelector('button.btn.authorize')"
        params = {"expression": ready, "returnByValue": True}
        ws.send(json.dumps({"id": call_id, "method": "Runtime.evaluate", "params": params}))
        message = json.loads(ws.recv(timeout=30))
        while message.get("id") != call_id:
            message = json.loads(ws.recv(timeout=30))
        if message.get("result", {}).get("result", {}).get("value") is True:
            return
        time.sleep(0.2)
    raise AssertionError("the docs page did not load")


def test_authorize_then_try_it_out_on_a_protected_endpoint(server: str, tmp_path: Path) -> None:
    devtools_port = free_port()
    docs = server + "/openapi/docs"
    browser = subprocess.Popen(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--remote-debugging-port={devtools_port}",
            "--remote-allow-origins=*",
            docs,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        with connect(_page_socket(devtools_port, docs), max_size=None) as ws:
            ids = itertools.count(1)
            _wait_loaded(ws, ids)
            outcome = json.loads(_evaluate(ws, SCRIPT, ids))
    finally:
        os.killpg(browser.pid, signal.SIGTERM)
        browser.wait(timeout=20)
    assert outcome["status"] == "200", outcome
    assert json.loads(outcome["body"]) == {"user": "ada"}
