"""Redis down under the redis session backend: 503 + Retry-After for requests using the session only.

A TCP proxy owned by the test stands in front of the real Redis; cutting it is the outage.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from loguru import logger
from surge_tcp_proxy import TcpProxy

from surge import Request, Response
from surge.auth import SessionAuthentication
from surge.controller import Controller, get, path, post
from surge.security import Sessions
from surge.testing import TestClient

HTTPS = "https://testserver"


@path("/")
class Site(Controller):
    @get("/public")
    async def public(self, req: Request) -> Response:
        return req.response.json({"ok": True})

    @post("/count")
    async def count(self, req: Request) -> Response:
        req.session["n"] = req.session.get("n", 0) + 1
        return req.response.json({"n": req.session["n"]})

    @get("/peek")
    async def peek(self, req: Request) -> Response:
        return req.response.json({"n": req.session.get("n")})

    @post("/login")
    async def login(self, req: Request) -> Response:
        auth: SessionAuthentication = req.app.extensions["authentication"]  # type: ignore[assignment]
        auth.login(req, 7)
        return req.response.json({"ok": True})

    @get("/me")
    async def me(self, req: Request) -> Response:
        auth: SessionAuthentication = req.app.extensions["authentication"]  # type: ignore[assignment]
        return req.response.json({"user": await auth.user_loader(req)})


@pytest.fixture
async def proxy(redis_url: str) -> AsyncIterator[TcpProxy]:
    server = TcpProxy("127.0.0.1", 6379)
    await server.start()
    yield server
    await server.cut()


@pytest.fixture
def log_lines() -> Any:
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="WARNING")
    yield lines
    logger.remove(sink)


def outage_logs(lines: list[str]) -> tuple[list[str], list[str]]:
    return [x for x in lines if "store unreachable" in x], [x for x in lines if "reachable again" in x]


async def test_redis_outage_answers_503_only_where_the_session_is_used(
    make_app: Any, proxy: TcpProxy, redis_prefix: str, log_lines: list[str]
) -> None:
    section = {"BACKEND": "redis", "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0", "KEY_PREFIX": redis_prefix}
    app = make_app(extensions=[Sessions(), SessionAuthentication()], controllers=[Site], SESSIONS=section)
    async with TestClient(app, base_url=HTTPS) as client:
        assert (await client.post("/count")).json() == {"n": 1}
        assert (await client.post("/login")).status_code == 200
        assert (await client.post("/count")).json() == {"n": 2}

        await proxy.cut()
        for _ in range(3):
            public = await client.get("/public")  # sends the session cookie, never reads the session
            assert public.status_code == 200 and public.json() == {"ok": True}
            for res in (await client.post("/count"), await client.get("/peek"), await client.get("/me")):
                assert res.status_code == 503, res.text
                assert res.headers["retry-after"].isdigit()
                assert res.json()["message"].startswith("Session store unavailable")
        client.cookies.clear()
        assert (await client.get("/peek")).json() == {"n": None}  # no cookie: a new session, no store
        assert (await client.post("/count")).status_code == 503  # ...until it must be saved
        started, ended = outage_logs(log_lines)
        assert len(started) == 1 and "SESSIONS" in started[0] and not ended

        await proxy.restore()
        await asyncio.sleep(1.1)  # the store is tried again once a second during an outage
        assert (await client.post("/count")).json() == {"n": 1}
        assert (await client.post("/count")).json() == {"n": 2}
        started, ended = outage_logs(log_lines)
        assert len(started) == 1 and len(ended) == 1


async def test_session_written_before_the_outage_survives_it(
    make_app: Any, proxy: TcpProxy, redis_prefix: str, log_lines: list[str]
) -> None:
    section = {"BACKEND": "redis", "REDIS_URL": f"redis://127.0.0.1:{proxy.port}/0", "KEY_PREFIX": redis_prefix}
    app = make_app(extensions=[Sessions(), SessionAuthentication()], controllers=[Site], SESSIONS=section)
    async with TestClient(app, base_url=HTTPS) as client:
        await client.post("/login")
        assert (await client.get("/me")).json() == {"user": 7}
        await proxy.cut()
        assert (await client.get("/me")).status_code == 503
        await proxy.restore()
        await asyncio.sleep(1.1)
        assert (await client.get("/me")).json() == {"user": 7}
        assert len(outage_logs(log_lines)[1]) == 1
