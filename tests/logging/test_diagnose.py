"""Local variable values reach the logs only with DEBUG on (loguru's ``diagnose``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from surge import BaseConfig, Request, Surge
from surge.controller import Controller, get, path
from surge.logging import LoggerBase
from surge.testing import TestClient

SECRET = "sk-live-" + "7f3a9c"  # built at run time, so only a local variable's value shows it


@path("/")
class Payments(Controller):
    @get("/charge")
    async def charge(self, req: Request) -> dict[str, int]:
        api_key = SECRET.upper().lower()
        return {"per_char": len(api_key) // 0}

    @get("/logged")
    async def logged(self, req: Request) -> dict[str, bool]:
        api_key = SECRET.upper().lower()
        try:
            _ = len(api_key) // 0
        except ZeroDivisionError as exc:
            self.app.logger.opt(exception=exc).error("charge failed")
        return {"logged": True}


class FileLogger(LoggerBase):
    """Configured by FILE_LOGGER."""


def make(tmp_path: Path, debug: bool) -> tuple[Surge, list[str], Path]:
    lines: list[str] = []
    log_file = tmp_path / "app.log"
    settings: dict[str, Any] = {
        "DEBUG": debug,
        "APP_NAME": "Payments",
        "SILENCED_DEPLOY_CHECKS": ["*"],
        "DEFAULT_LOGGER": {"SINK": lines.append, "FORMAT": "{message}", "LEVEL": "INFO"},
        "LOGGERS": [f"{__name__}:FileLogger"],
        "FILE_LOGGER": {"SINK": str(log_file), "LEVEL": "INFO", "DIAGNOSE": True, "BACKTRACE": True},
    }
    application = Surge(__name__, configs=BaseConfig(**settings))
    application.register_controller(Payments)
    return application, lines, log_file


async def test_an_unhandled_error_logs_its_traceback_but_no_local_values_with_debug_off(tmp_path: Path) -> None:
    application, lines, log_file = make(tmp_path, debug=False)
    async with TestClient(application) as client:
        res = await client.get("/charge")
    assert res.status_code == 500
    for text in ("".join(lines), log_file.read_text()):
        assert "Unhandled exception in GET /charge" in text
        assert "Traceback" in text and "ZeroDivisionError" in text and "len(api_key) // 0" in text
        assert SECRET not in text


@pytest.mark.parametrize(("debug", "shown"), [(False, False), (True, True)])
async def test_local_values_in_a_logged_traceback_only_with_debug_on(
    tmp_path: Path, debug: bool, shown: bool
) -> None:
    application, lines, log_file = make(tmp_path, debug=debug)
    async with TestClient(application) as client:
        assert (await client.get("/logged")).json() == {"logged": True}
    for text in ("".join(lines), log_file.read_text()):
        assert "charge failed" in text and "ZeroDivisionError" in text
        assert (SECRET in text) is shown
