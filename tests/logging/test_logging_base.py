"""Custom sinks (LOGGERS + LoggerBase), writing real files."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.exceptions import ImproperlyConfigured
from surge.logging import LoggerBase
from surge.testing import TestClient


@path("/work")
class WorkApi(Controller):
    @get("/")
    async def work(self, req: Request) -> Response:
        self.app.logger.info("PERFORMANCE step took 3ms")
        self.app.logger.debug("a detail nobody needs")
        self.app.logger.warning("disk almost full")
        return req.response.json({"ok": True})


class FileLogger(LoggerBase):
    """Configured by FILE_LOGGER."""


class PerformanceLogger(LoggerBase):
    """Only PERFORMANCE messages, in its own format (the seed's get_filter/get_format example)."""

    def get_format(self) -> str:
        return self.get_conf_value("FORMAT", "PERF {level} {message}")

    def get_filter(self) -> Any:
        def _filter(record: dict[str, Any]) -> bool:
            return "PERFORMANCE" in record["message"]

        return _filter


def make(**settings: Any) -> Surge:
    settings.setdefault("DEBUG", False)
    settings.setdefault("APP_NAME", "Logging app")
    settings.setdefault("SILENCED_DEPLOY_CHECKS", ["*"])  # exact log contents below; see test_deploy_checks
    application = Surge(__name__, configs=BaseConfig(**settings))
    application.register_controller(WorkApi)
    return application


async def test_file_logger_writes_what_the_app_logs(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "file.log"
    application = make(
        LOGGERS=[f"{__name__}:FileLogger"],
        FILE_LOGGER={"SINK": str(log_file), "LEVEL": "INFO", "FORMAT": "{extra[logger_name]} | {message}"},
    )
    async with TestClient(application) as client:
        assert (await client.get("/work")).status_code == 200
    assert log_file.read_text(encoding="utf-8").splitlines() == [
        "Logging app | PERFORMANCE step took 3ms",
        "Logging app | disk almost full",
    ]


async def test_get_filter_and_get_format_overrides(tmp_path: Path) -> None:
    log_file = tmp_path / "perf.log"
    application = make(LOGGERS=[f"{__name__}:PerformanceLogger"], PERFORMANCE_LOGGER={"SINK": log_file})
    async with TestClient(application) as client:
        await client.get("/work")
    assert log_file.read_text().splitlines() == ["PERF INFO PERFORMANCE step took 3ms"]


async def test_serialize_writes_json_lines(tmp_path: Path) -> None:
    log_file = tmp_path / "file.jsonl"
    application = make(LOGGERS=[f"{__name__}:FileLogger"], FILE_LOGGER={"SINK": str(log_file), "SERIALIZE": True})
    async with TestClient(application) as client:
        await client.get("/work")
    records = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [r["record"]["message"] for r in records] == [
        "PERFORMANCE step took 3ms",
        "a detail nobody needs",
        "disk almost full",
    ]
    assert records[0]["record"]["extra"]["logger_name"] == "Logging app"


async def test_rotation_retention_and_compression(tmp_path: Path) -> None:
    log_file = tmp_path / "rotating.log"
    application = make(
        LOGGERS=[f"{__name__}:FileLogger"],
        FILE_LOGGER={
            "SINK": str(log_file),
            "FORMAT": "{message}",
            "ROTATION": "300 B",
            "RETENTION": "2 files",  # the seed's spelling
            "COMPRESSION": "zip",
        },
    )
    async with TestClient(application):
        for number in range(40):
            application.logger.info(f"line {number:03d} " + "x" * 40)
    archives = sorted(tmp_path.glob("rotating*.zip"))
    assert 1 <= len(archives) <= 2
    assert log_file.exists()
    assert "line 039" in log_file.read_text()


async def test_sinks_are_removed_at_shutdown_and_restored_at_restart(tmp_path: Path) -> None:
    log_file = tmp_path / "file.log"
    application = make(
        LOGGERS=[f"{__name__}:FileLogger"], FILE_LOGGER={"SINK": str(log_file), "FORMAT": "{message}", "MODE": "a"}
    )
    async with TestClient(application):
        application.logger.info("first run")
    application.logger.info("while stopped")
    assert application.loggers[0].sink_id is None
    async with TestClient(application):
        application.logger.info("second run")
    assert log_file.read_text().splitlines() == ["first run", "second run"]


def test_bad_custom_logger_config_names_its_section() -> None:
    with pytest.raises(ImproperlyConfigured, match="FILE_LOGGER.ROTATE"):
        make(LOGGERS=[f"{__name__}:FileLogger"], FILE_LOGGER={"ROTATE": "1 MB"})
    with pytest.raises(ImproperlyConfigured, match="FILE_LOGGER must be a dict"):
        make(LOGGERS=[f"{__name__}:FileLogger"], FILE_LOGGER="file.log")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (local: ``conftest`` is ambiguous across test folders)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ENQUEUE_APP = '''
from surge import BaseConfig, Surge, app
from surge.controller import Controller, get, path
from surge.logging import LoggerBase


class FileLogger(LoggerBase):
    pass


@path("/")
class Ping(Controller):
    @get("/ping")
    async def ping(self, req):
        self.app.logger.info("pong sent")
        return req.response.text("pong")


class Config(BaseConfig):
    DEBUG: bool = True
    CONTROLLERS: list[str] = ["enqueue_app:Ping"]
    LOGGERS: list[str] = ["enqueue_app:FileLogger"]
    FILE_LOGGER: dict = {"SINK": "queued.log", "ENQUEUE": True, "FORMAT": "{message}"}


@app(__name__, configs=Config)
class Application(Surge):
    pass
'''


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_enqueue_sink_under_a_real_server_leaks_nothing(tmp_path: Path, server: str) -> None:
    (tmp_path / "enqueue_app.py").write_text(ENQUEUE_APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "surge", "run", "enqueue_app:Application", "--server", server, "--no-reload",
         "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1).text == "pong"
                break
            except httpx.HTTPError:
                assert process.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "leaked semaphore" not in output
    lines = (tmp_path / "queued.log").read_text().splitlines()
    assert "pong sent" in lines
    assert any(line.startswith("GET /ping 200 ") for line in lines)  # the access log reached the queued sink
