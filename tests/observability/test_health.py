"""``/healthz`` and ``/readyz``: liveness, and readiness of every extension's backend (with outages)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import pytest
from observability_kit import TcpProxy, obs_app
from sqlalchemy.engine import make_url

from surge.caching import Cache, RedisCacheBackend
from surge.database.sql import SqlDatabase
from surge.exceptions import ImproperlyConfigured
from surge.extension import BaseExtension
from surge.observability import Observability, ReadinessProbe
from surge.security import Sessions
from surge.task_manager import TaskManager, schedule_job
from surge.testing import TestClient

HEALTH = {"HEALTH": True}


async def test_everything_is_off_by_default() -> None:
    app = obs_app(Observability())
    async with TestClient(app) as client:
        assert (await client.get("/healthz")).status_code == 404
        assert (await client.get("/readyz")).status_code == 404
        assert (await client.get("/metrics")).status_code == 404
        res = await client.get("/api/items/1")
    assert res.status_code == 200
    assert "x-request-id" not in res.headers
    assert app.get_conf("OBSERVABILITY", None) is None


async def test_liveness_and_readiness_without_backends() -> None:
    async with TestClient(obs_app(Observability(), OBSERVABILITY=HEALTH)) as client:
        live = await client.get("/healthz")
        ready = await client.get("/readyz")
        head = await client.head("/healthz")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "checks": {}})
    assert head.status_code == 200 and head.content == b""


async def test_probe_paths_are_configurable_and_other_methods_pass_on() -> None:
    config = {"HEALTH": True, "HEALTH_PATH": "/-/live", "READY_PATH": "/-/ready"}
    async with TestClient(obs_app(Observability(), OBSERVABILITY=config)) as client:
        assert (await client.get("/-/live")).status_code == 200
        assert (await client.get("/-/ready")).status_code == 200
        assert (await client.get("/healthz")).status_code == 404
        assert (await client.post("/-/live")).status_code == 404


async def test_ready_when_sqlite_and_memory_cache_answer(tmp_path: Any) -> None:
    db = SqlDatabase()
    app = obs_app(
        Observability(),
        db,
        Cache(),
        OBSERVABILITY=HEALTH,
        SQL_DATABASE={"DATABASE_URI": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"},
    )
    async with TestClient(app) as client:
        res = await client.get("/readyz")
    assert res.status_code == 200
    assert res.json() == {"status": "ready", "checks": {"sql_database": "ok", "cache": "ok"}}


async def test_postgres_outage_makes_readyz_503_naming_the_database(postgres_url: str) -> None:
    url = make_url(postgres_url)
    proxy = await TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = obs_app(Observability(), SqlDatabase(), OBSERVABILITY=HEALTH, SQL_DATABASE={"DATABASE_URI": proxied})
    try:
        async with TestClient(app) as client:
            assert (await client.get("/readyz")).status_code == 200
            await proxy.cut()
            res = await client.get("/readyz")
            live = await client.get("/healthz")
    finally:
        await proxy.cut()
    assert res.status_code == 503
    assert res.headers["retry-after"] == "5"
    body = res.json()
    assert body["status"] == "error"
    assert body["message"] == "Not ready: sql_database"
    assert set(body["data"]["failing"]) == {"sql_database"}
    assert live.status_code == 200  # liveness never depends on a backend


async def test_redis_cache_outage_makes_readyz_503_naming_the_cache(redis_url: str) -> None:
    target = urlsplit(redis_url)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    cache_section = {
        "BACKEND": RedisCacheBackend,
        "REDIS_URL": f"redis://127.0.0.1:{proxy.port}{target.path}",
        "REDIS_SOCKET_TIMEOUT": 0.5,
    }
    app = obs_app(Observability(), Cache(), OBSERVABILITY=HEALTH, CACHE=cache_section)
    try:
        async with TestClient(app) as client:
            ok = await client.get("/readyz")
            await proxy.cut()
            res = await client.get("/readyz")
    finally:
        await proxy.cut()
    assert ok.status_code == 200 and ok.json()["checks"] == {"cache": "ok"}
    assert res.status_code == 503
    assert res.json()["data"]["failing"].keys() == {"cache"}


class Stuck(BaseExtension, ReadinessProbe):  # type: ignore[type-arg]
    """A backend that never answers."""

    async def check_ready(self) -> None:
        await asyncio.sleep(30)


class Healthy(BaseExtension, ReadinessProbe):  # type: ignore[type-arg]
    async def check_ready(self) -> None:
        return None


async def test_a_probe_that_hangs_fails_after_the_timeout_and_others_are_reported_ok() -> None:
    config = {"HEALTH": True, "READY_TIMEOUT": 0.2}
    app = obs_app(Observability(), Stuck(), Healthy(), OBSERVABILITY=config)
    async with TestClient(app) as client:
        started = asyncio.get_running_loop().time()
        res = await client.get("/readyz")
        elapsed = asyncio.get_running_loop().time() - started
    assert res.status_code == 503
    assert res.json()["data"]["failing"] == {"stuck": "no answer within 0.2s"}
    assert elapsed < 5


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ({"HEALTH": True, "HEALTH_PATH": "healthz"}, "OBSERVABILITY.HEALTH_PATH"),
        ({"HEALTH": True, "READY_PATH": "/healthz"}, "OBSERVABILITY.READY_PATH"),
        ({"HEALTH": True, "READY_TIMEOUT": 0}, "OBSERVABILITY.READY_TIMEOUT"),
        ({"HEALTHZ": True}, "OBSERVABILITY.HEALTHZ"),
        ({"REQUEST_ID_HEADER": "X Bad"}, "OBSERVABILITY.REQUEST_ID_HEADER"),
    ],
)
def test_a_bad_key_fails_at_startup_naming_it(section: dict[str, Any], key: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=key.replace(".", r"\.")):
        obs_app(Observability(), OBSERVABILITY=section)


async def test_redis_session_store_outage_makes_readyz_503_naming_the_sessions(redis_url: str) -> None:
    target = urlsplit(redis_url)
    proxy = await TcpProxy(target.hostname or "127.0.0.1", target.port or 6379).start()
    section = {"BACKEND": "redis", "REDIS_URL": f"redis://127.0.0.1:{proxy.port}{target.path}", "KEY_PREFIX": "surge-test:readyz:"}
    app = obs_app(Observability(), Sessions(), OBSERVABILITY=HEALTH, SESSIONS=section, SECRET_KEY="s" * 32)
    try:
        async with TestClient(app) as client:
            ok = await client.get("/readyz")
            await proxy.cut()
            res = await client.get("/readyz")
    finally:
        await proxy.cut()
    assert ok.status_code == 200 and ok.json()["checks"] == {"sessions": "ok"}
    assert res.status_code == 503 and res.headers["retry-after"].isdigit()
    assert res.json()["data"]["failing"] == {"sessions": "StoreUnavailable"}


async def test_cookie_sessions_are_always_ready() -> None:
    app = obs_app(Observability(), Sessions(), OBSERVABILITY=HEALTH, SECRET_KEY="s" * 32)
    async with TestClient(app) as client:
        res = await client.get("/readyz")
    assert res.status_code == 200 and res.json()["checks"] == {"sessions": "ok"}


class Jobs(TaskManager):
    @schedule_job("interval", hours=1, id="nightly")
    async def nightly(self) -> None:
        return None


async def test_a_stopped_scheduler_makes_readyz_503_naming_the_task_manager() -> None:
    jobs = Jobs()
    app = obs_app(Observability(), jobs, OBSERVABILITY=HEALTH)
    async with TestClient(app) as client:
        ok = await client.get("/readyz")
        jobs.scheduler.shutdown(wait=False)
        res = await client.get("/readyz")
    assert ok.status_code == 200 and ok.json()["checks"] == {"task_manager": "ok"}
    assert res.status_code == 503
    assert res.json()["data"]["failing"] == {"task_manager": "SurgeError"}
