"""Access-log lines: what the client sends in the path cannot forge a log line."""

from __future__ import annotations

from typing import Any

from surge import BaseConfig, Request, Surge
from surge.controller import Controller, get, path
from surge.logging import access_line, escape_control
from surge.testing import TestClient


@path("/files")
class Files(Controller):
    @get("/<path:name>")
    async def show(self, req: Request, name: str) -> dict[str, Any]:
        return {"name": name}


def test_escape_control_keeps_clean_text_and_escapes_breaks() -> None:
    assert escape_control("/café/a b") == "/café/a b"
    assert escape_control("/a\r\nb\x1b[31m\x00\x85\u2028\u2029\\") == "/a\\r\\nb\\x1b[31m\\x00\\x85\\u2028\\u2029\\\\"
    assert access_line("GET", "/x\ny", 200, 1.25) == "GET /x\\ny 200 1.2ms"


async def test_a_percent_encoded_newline_stays_on_one_log_line() -> None:
    lines: list[str] = []
    config = BaseConfig(
        DEBUG=False, ACCESS_LOG=True, DEFAULT_LOGGER={"SINK": lines.append, "FORMAT": "{message}", "LEVEL": "INFO"}
    )
    application = Surge(__name__, configs=config)
    application.register_controller(Files)
    async with TestClient(application) as client:
        forged = "/files/a%0a12:00:00 | INFO | admin logged in%0d%1b[2J"
        status = (await client.get(forged)).status_code
    access = [line for line in lines if line.startswith("GET ")]
    assert len(access) == 1
    assert access[0].startswith(f"GET /files/a\\n12:00:00 | INFO | admin logged in\\r\\x1b[2J {status} ")
    assert all(line.count("\n") == 1 for line in lines)  # each record is one line
