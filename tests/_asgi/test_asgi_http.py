"""The access log: one line per request (method, path, status, duration), on by default in DEBUG."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path
from surge.testing import TestClient

LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d)ms$")


@path("/shop")
class ShopApi(Controller):
    @get("/items/<int:item_id>")
    async def item(self, req: Request, item_id: int) -> Response:
        return req.response.json({"id": item_id})

    @get("/broken")
    async def broken(self, req: Request) -> Response:
        raise RuntimeError("broken on purpose")


async def access_lines(**settings: Any) -> list[re.Match[str]]:
    lines: list[str] = []
    settings["DEFAULT_LOGGER"] = {"SINK": lines.append, "FORMAT": "{message}", "LEVEL": "INFO"}
    application = Surge(__name__, configs=BaseConfig(**settings))
    application.register_controller(ShopApi)
    transport = httpx.ASGITransport(app=application, raise_app_exceptions=False)
    async with TestClient(application), httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/shop/items/5?x=1")).status_code == 200
        assert (await client.get("/shop/nothing")).status_code == 404
        assert (await client.post("/shop/items/5")).status_code == 405
        assert (await client.get("/shop/broken")).status_code == 500
    return [match for line in lines if (match := LINE.match(line.rstrip("\n")))]


async def test_debug_logs_one_line_per_request() -> None:
    matches = await access_lines(DEBUG=True)
    assert [(m["method"], m["path"], m["status"]) for m in matches] == [
        ("GET", "/shop/items/5", "200"),
        ("GET", "/shop/nothing", "404"),
        ("POST", "/shop/items/5", "405"),
        ("GET", "/shop/broken", "500"),  # the DEBUG error page is logged too
    ]
    assert all(float(m["ms"]) >= 0 for m in matches)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"DEBUG": False}, 0),
        ({"DEBUG": False, "ACCESS_LOG": True}, 4),
        ({"DEBUG": True, "ACCESS_LOG": False}, 0),
    ],
)
async def test_access_log_is_configurable(settings: dict[str, Any], expected: int) -> None:
    assert len(await access_lines(**settings)) == expected
