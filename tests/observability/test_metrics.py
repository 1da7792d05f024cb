"""Prometheus metrics through ``/metrics``: by route template and status, latency, in-flight, SQL pool."""

from __future__ import annotations

from typing import Any

from observability_kit import Items, obs_app
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from surge import Request, Response
from surge.controller import Controller, get, path
from surge.database.sql import SqlDatabase
from surge.observability import Observability
from surge.testing import TestClient

ON = {"METRICS": True}


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``{(sample name, sorted labels): value}`` of a scrape."""
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def requests(found: dict[Any, float], route: str, status: str, method: str = "GET") -> float:
    key = ("surge_http_requests_total", (("method", method), ("route", route), ("status", status)))
    return found.get(key, 0.0)


async def test_requests_are_counted_by_route_template_and_status() -> None:
    async with TestClient(obs_app(Observability(), OBSERVABILITY=ON)) as client:
        for item in (1, 2, 3, 404):
            await client.get(f"/api/items/{item}")
        await client.get("/not/a/route")
        await client.get("/another/missing/path")
        scrape = await client.get("/metrics")
    assert scrape.status_code == 200
    assert scrape.headers["content-type"].startswith("text/plain; version=")
    found = samples(scrape.text)
    assert requests(found, "/api/items/<int:item_id>", "200") == 3
    assert requests(found, "/api/items/<int:item_id>", "404") == 1
    assert requests(found, "<unmatched>", "404") == 2
    assert not any("/api/items/1" in str(labels) for _, labels in found)  # never the raw path
    duration = ("surge_http_request_duration_seconds_count", (("method", "GET"), ("route", "/api/items/<int:item_id>")))
    assert found[duration] == 4
    assert found[("surge_http_requests_in_flight", ())] == 0
    assert requests(found, "/metrics", "200") == 0  # scrapes are not requests of the app


@path("/slow")
class Watcher(Controller):
    @get("/")
    async def watch(self, req: Request) -> Response:
        """Reports the in-flight gauge while this request is being answered."""
        scrape = samples(self.app.extensions["observability"].metrics.exposition().decode())
        return req.response.json({"in_flight": scrape[("surge_http_requests_in_flight", ())]})


async def test_in_flight_counts_the_request_being_served() -> None:
    app = obs_app(Observability(), controllers=(Watcher,), OBSERVABILITY=ON)
    async with TestClient(app) as client:
        res = await client.get("/slow")
    assert res.json() == {"in_flight": 1}


db = SqlDatabase()


@path("/db")
class Pool(Controller):
    @get("/")
    async def hold(self, req: Request) -> Response:
        """Holds a pooled connection while reading the pool gauge."""
        async with db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            scrape = samples(self.app.extensions["observability"].metrics.exposition().decode())
        return req.response.json({"checked_out": scrape[("surge_db_pool_checked_out", (("database", "sql_database"),))]})


async def test_sql_pool_use_and_size(tmp_path: Any) -> None:
    app = obs_app(
        Observability(),
        db,
        controllers=(Pool, Items),
        OBSERVABILITY=ON,
        SQL_DATABASE={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}", "POOL_SIZE": 3},
    )
    async with TestClient(app) as client:
        during = await client.get("/db")
        found = samples((await client.get("/metrics")).text)
    assert during.json() == {"checked_out": 1}
    assert found[("surge_db_pool_checked_out", (("database", "sql_database"),))] == 0
    assert found[("surge_db_pool_size", (("database", "sql_database"),))] == 3


async def test_two_apps_keep_their_own_counts() -> None:
    first, second = obs_app(Observability(), OBSERVABILITY=ON), obs_app(Observability(), OBSERVABILITY=ON)
    async with TestClient(first) as one, TestClient(second) as two:
        await one.get("/api/items/1")
        await one.get("/api/items/1")
        await two.get("/api/items/1")
        assert requests(samples((await one.get("/metrics")).text), "/api/items/<int:item_id>", "200") == 2
        assert requests(samples((await two.get("/metrics")).text), "/api/items/<int:item_id>", "200") == 1
