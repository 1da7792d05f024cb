"""Request ids: taken from ``X-Request-ID`` when safe, else generated; echoed, logged, in error bodies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from loguru import logger
from observability_kit import obs_app

from surge.observability import Observability
from surge.testing import TestClient

ON = {"REQUEST_ID": True}
GENERATED = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def records() -> Iterator[list[dict[str, Any]]]:
    """Every loguru record written during the test."""
    found: list[dict[str, Any]] = []
    sink = logger.add(lambda message: found.append(message.record), level="DEBUG")
    yield found
    logger.remove(sink)


async def test_an_id_is_generated_echoed_and_on_the_request() -> None:
    async with TestClient(obs_app(Observability(), OBSERVABILITY=ON)) as client:
        first = await client.get("/api/items/1")
        second = await client.get("/api/items/1")
    assert GENERATED.match(first.headers["x-request-id"])
    assert first.json()["request_id"] == first.headers["x-request-id"]
    assert second.headers["x-request-id"] != first.headers["x-request-id"]


async def test_a_safe_client_id_is_kept() -> None:
    async with TestClient(obs_app(Observability(), OBSERVABILITY=ON)) as client:
        res = await client.get("/api/items/1", headers={"X-Request-ID": "edge-7f3a:42.b_c"})
    assert res.headers["x-request-id"] == "edge-7f3a:42.b_c"
    assert res.json()["request_id"] == "edge-7f3a:42.b_c"


@pytest.mark.parametrize("given", ["x" * 129, "has space", "<script>", "", "a\tb", "é"])
async def test_an_unsafe_client_id_is_replaced(given: str) -> None:
    async with TestClient(obs_app(Observability(), OBSERVABILITY=ON)) as client:
        res = await client.get("/api/items/1", headers={"X-Request-ID": given.encode("utf-8")})
    assert GENERATED.match(res.headers["x-request-id"])


async def test_the_header_name_is_configurable() -> None:
    config = {"REQUEST_ID": True, "REQUEST_ID_HEADER": "X-Correlation-ID"}
    async with TestClient(obs_app(Observability(), OBSERVABILITY=config)) as client:
        res = await client.get("/api/items/1", headers={"X-Correlation-ID": "abc123"})
    assert res.headers["x-correlation-id"] == "abc123"
    assert "x-request-id" not in res.headers


@pytest.mark.parametrize(("url", "status"), [("/api/items/404", 404), ("/nowhere", 404), ("/api/items/x", 404),
                                             ("/api/items/500", 500)])
async def test_error_bodies_and_headers_carry_the_id(url: str, status: int) -> None:
    async with TestClient(obs_app(Observability(), OBSERVABILITY=ON)) as client:
        res = await client.get(url, headers={"X-Request-ID": "req-1"})
    assert res.status_code == status
    assert res.headers["x-request-id"] == "req-1"
    body = res.json()
    assert body["status"] == "error"
    assert body["request_id"] == "req-1"


async def test_error_bodies_have_no_id_when_request_ids_are_off() -> None:
    async with TestClient(obs_app(Observability())) as client:
        res = await client.get("/api/items/404", headers={"X-Request-ID": "req-1"})
    assert res.status_code == 404
    assert res.json() == {"status": "error", "message": "No such item"}
    assert "x-request-id" not in res.headers


async def test_access_log_and_error_log_records_carry_the_id(records: list[dict[str, Any]]) -> None:
    app = obs_app(Observability(), OBSERVABILITY=ON, ACCESS_LOG=True)
    async with TestClient(app) as client:
        await client.get("/api/items/1", headers={"X-Request-ID": "ok-1"})
        await client.get("/api/items/500", headers={"X-Request-ID": "boom-2"})
    access = [r for r in records if "GET /api/items/1 200" in r["message"]]
    errors = [r for r in records if r["level"].name == "CRITICAL"]
    assert [r["extra"]["request_id"] for r in access] == ["ok-1"]
    assert [r["extra"]["request_id"] for r in errors] == ["boom-2"]
    failed_access = [r for r in records if "GET /api/items/500 500" in r["message"]]
    assert [r["extra"]["request_id"] for r in failed_access] == ["boom-2"]
