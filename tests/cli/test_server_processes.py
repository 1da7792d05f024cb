"""``surge run`` as a user starts it: a real process, a real port.

A busy port fails with "address already in use" (granian's workers share ports with
``SO_REUSEPORT``, so without the check a second server would split the first one's traffic),
and ``--reload`` restarts from the import string, so a changed config module is served.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from surge_testkit import free_port, wait_until_up

SURGE = str(Path(sys.executable).with_name("surge"))

APP = """
from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path

import settings


class Config(BaseConfig):
    SECRET_KEY: str = "x" * 40
    VALUE: str = settings.VALUE


@path("/")
class Api(Controller):
    @get("/value")
    async def value(self, req: Request) -> Response:
        return req.response.json({"value": req.app.get_conf("VALUE"), "pid": __import__("os").getpid()})


application = Surge(__name__, configs=Config)
application.register_controller(Api)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    (tmp_path / "settings.py").write_text('VALUE = "one"\n')
    return tmp_path


def start(project: Path, port: int, *flags: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [SURGE, "run", "app:application", "--host", "127.0.0.1", "--port", str(port), *flags],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # so the whole server (parent and workers) can be stopped at once
    )


def stop(process: subprocess.Popen[str]) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.stdout.read() if process.stdout else ""


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        stop(process)


def test_a_second_server_on_a_busy_port_fails(project: Path, servers: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    first = start(project, port, "--no-reload", "--workers", "2")
    servers.append(first)
    wait_until_up(f"http://127.0.0.1:{port}/value", first)

    second = start(project, port, "--no-reload")
    servers.append(second)
    try:
        code = second.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the second server started on a busy port")
    output = second.stdout.read() if second.stdout else ""
    assert code != 0
    assert f"address already in use: 127.0.0.1:{port}" in output
    assert first.poll() is None  # the first server keeps serving
    assert httpx.get(f"http://127.0.0.1:{port}/value").json()["value"] == "one"


def test_reload_serves_changed_config(project: Path, servers: list[subprocess.Popen[str]]) -> None:
    port = free_port()
    process = start(project, port, "--reload")
    servers.append(process)
    url = f"http://127.0.0.1:{port}/value"
    wait_until_up(url, process)
    assert httpx.get(url).json()["value"] == "one"

    time.sleep(0.5)  # let the watcher settle before the change
    (project / "settings.py").write_text('VALUE = "two"\n')
    deadline = time.monotonic() + 30
    seen = None
    while time.monotonic() < deadline:
        try:
            seen = httpx.get(url, timeout=1).json()["value"]
        except httpx.HTTPError:
            seen = None
        if seen == "two":
            break
        time.sleep(0.2)
    assert seen == "two", stop(process)
