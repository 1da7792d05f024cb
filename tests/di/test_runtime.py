"""Scopes and teardown: app values live from startup to shutdown, request values for one
request (torn down after the response is sent, also when the handler raises), transient
values once per consumer."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import pytest

from surge import Depends, Request, Response
from surge.controller import Controller, get, path, socket
from surge.di import provider
from surge.exceptions import NotFound
from surge.testing import TestClient

from surge_testkit import make_app

EVENTS: list[str] = []
COUNTER = itertools.count(1)


@pytest.fixture(autouse=True)
def _reset_events() -> None:
    EVENTS.clear()


class Pool:
    def __init__(self) -> None:
        self.id = next(COUNTER)


class Session:
    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.id = next(COUNTER)


class Audit:
    """Request-scoped, depends on Session: shares the request's Session."""

    def __init__(self, session: Session) -> None:
        self.session = session


class Stamp:
    """Transient: a new one for every consumer."""

    def __init__(self) -> None:
        self.id = next(COUNTER)


@provider(scope="app")
async def open_pool() -> AsyncIterator[Pool]:
    pool = Pool()
    EVENTS.append(f"pool {pool.id} open")
    yield pool
    EVENTS.append(f"pool {pool.id} closed")


async def open_session(pool: Pool) -> AsyncIterator[Session]:
    session = Session(pool)
    EVENTS.append("session open")
    try:
        yield session
    except Exception as exc:
        EVENTS.append(f"session rollback ({type(exc).__name__})")
        raise
    else:
        EVENTS.append("session commit")
    finally:
        EVENTS.append("session closed")


def make_audit(session: Session) -> Iterator[Audit]:
    EVENTS.append("audit open")
    yield Audit(session)
    EVENTS.append("audit closed")


@provider(scope="transient")
def make_stamp() -> Stamp:
    return Stamp()


class Clock:
    """Request-scoped, from an ``async def`` provider with no teardown."""

    def __init__(self) -> None:
        self.id = next(COUNTER)


async def read_clock() -> Clock:
    return Clock()


def failing_provider(session: Session) -> int:
    raise RuntimeError("provider broke")


@path("/scopes")
class ScopesController(Controller):
    @get("/pool")
    async def pool(self, req: Request, pool: Pool) -> dict[str, Any]:
        return {"pool": pool.id}

    @get("/session")
    async def session(self, req: Request, session: Session, audit: Audit) -> dict[str, Any]:
        EVENTS.append("handler")
        return {"session": session.id, "audit_session": audit.session.id, "pool": session.pool.id}

    @get("/stamps")
    async def stamps(self, req: Request, first: Stamp, second: Stamp) -> dict[str, Any]:
        return {"first": first.id, "second": second.id}

    @get("/missing/<int:item>")
    async def missing(self, req: Request, item: int, session: Session, audit: Audit) -> Response:
        EVENTS.append("handler")
        raise NotFound(f"No item {item}")

    @get("/clock")
    async def clock(self, req: Request, clock: Clock, stamp: Stamp) -> dict[str, Any]:
        return {"clock": clock.id, "stamp": stamp.id}

    @get("/crash")
    async def crash(self, req: Request, session: Session) -> Response:
        EVENTS.append("handler")
        raise ValueError("handler broke")

    @get("/provider-fails")
    async def provider_fails(
        self, req: Request, session: Session, broken: Annotated[int, Depends(failing_provider)]
    ) -> Response:
        raise AssertionError("not reached")

    @get("/sync")
    def sync_handler(self, req: Request, session: Session) -> dict[str, Any]:
        EVENTS.append("sync handler")
        return {"session": session.id}

    @get("/stream")
    async def stream(self, req: Request, session: Session) -> AsyncIterator[str]:
        EVENTS.append("stream start")
        yield f"session {session.id};"
        EVENTS.append("stream end")


@path("/ws")
class SocketController(Controller):
    @socket("/echo")
    async def echo(self, req: Request, session: Session) -> None:
        await req.accept()
        message = await req.receive()
        await req.send_text(f"{message.get('text')} via session {session.id}")
        EVENTS.append("socket handler done")


def build(**settings: Any) -> Any:
    app = make_app(ScopesController, SocketController, **settings)
    for func in (open_pool, open_session, make_audit, make_stamp, read_clock):
        app.add_dependency(func)
    return app


async def test_app_scoped_value_is_created_at_startup_shared_and_closed_at_shutdown() -> None:
    app = build()
    async with TestClient(app) as client:
        assert len(EVENTS) == 1 and EVENTS[0].endswith(" open")  # created before any request
        opened = EVENTS[0]
        first = (await client.get("/scopes/pool")).json()
        second = (await client.get("/scopes/pool")).json()
        assert first == second
        assert opened == f"pool {first['pool']} open"
    assert EVENTS[-1] == f"pool {first['pool']} closed"


async def test_request_scoped_value_is_one_per_request_and_shared_within_it() -> None:
    app = build()
    async with TestClient(app) as client:
        one = (await client.get("/scopes/session")).json()
        two = (await client.get("/scopes/session")).json()
    assert one["session"] == one["audit_session"]  # Audit got this request's Session
    assert one["session"] != two["session"]
    assert one["pool"] == two["pool"]


async def test_teardown_runs_after_the_response_is_sent_in_reverse_order() -> None:
    app = build()
    await app.startup()
    try:
        EVENTS.clear()
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                EVENTS.append("response sent")

        scope = {
            "type": "http",
            "method": "GET",
            "path": "/scopes/session",
            "query_string": b"",
            "headers": [],
            "client": ("127.0.0.1", 1),
            "server": ("testserver", 80),
        }
        await app(scope, receive, send)
    finally:
        await app.shutdown()
    assert messages[0]["status"] == 200
    teardown = EVENTS[EVENTS.index("response sent") + 1 :]
    assert EVENTS[: EVENTS.index("response sent")] == ["session open", "audit open", "handler"]
    # last opened, first closed; no exception reached the session
    assert teardown[:4] == ["audit closed", "session commit", "session closed", teardown[3]]
    assert teardown[3].startswith("pool") and teardown[3].endswith("closed")


async def test_teardown_sees_the_handler_http_error_and_the_error_response_is_sent() -> None:
    app = build()
    async with TestClient(app) as client:
        EVENTS.clear()
        response = await client.get("/scopes/missing/7")
        assert response.status_code == 404
        assert response.json()["message"] == "No item 7"
        # the error is raised at each provider's yield (newest first): make_audit has no
        # try/finally, so its closing line is skipped, exactly like a contextlib manager's
        assert EVENTS == ["session open", "audit open", "handler", "session rollback (NotFound)", "session closed"]


async def test_teardown_runs_when_the_handler_crashes() -> None:
    app = build()
    async with TestClient(app) as client:
        EVENTS.clear()
        response = await client.get("/scopes/crash")
        assert response.status_code == 500
        assert EVENTS == ["session open", "handler", "session rollback (ValueError)", "session closed"]


async def test_teardown_runs_when_the_handler_crashes_in_debug_mode() -> None:
    app = build(DEBUG=True)
    async with TestClient(app) as client:
        EVENTS.clear()
        with pytest.raises(ValueError, match="handler broke"):
            await client.get("/scopes/crash")
        assert EVENTS == ["session open", "handler", "session rollback (ValueError)", "session closed"]


async def test_teardown_runs_when_a_later_provider_fails() -> None:
    app = build()
    async with TestClient(app) as client:
        EVENTS.clear()
        response = await client.get("/scopes/provider-fails")
        assert response.status_code == 500
        assert EVENTS == ["session open", "session rollback (RuntimeError)", "session closed"]


async def test_awaited_provider_without_teardown_reaches_the_handler() -> None:
    async with TestClient(build()) as client:
        res = await client.get("/scopes/clock")
    assert res.status_code == 200
    body = res.json()
    assert isinstance(body["clock"], int) and isinstance(body["stamp"], int) and body["clock"] != body["stamp"]


async def test_transient_value_is_new_for_every_consumer() -> None:
    app = build()
    async with TestClient(app) as client:
        body = (await client.get("/scopes/stamps")).json()
        again = (await client.get("/scopes/stamps")).json()
    assert body["first"] != body["second"]
    assert len({body["first"], body["second"], again["first"], again["second"]}) == 4


async def test_sync_handler_gets_its_values_and_teardown() -> None:
    app = build()
    async with TestClient(app) as client:
        EVENTS.clear()
        response = await client.get("/scopes/sync")
        assert response.status_code == 200
        assert isinstance(response.json()["session"], int)
        assert EVENTS == ["session open", "sync handler", "session commit", "session closed"]


async def test_streaming_handler_is_torn_down_after_the_stream_ends() -> None:
    app = build()
    async with TestClient(app) as client:
        EVENTS.clear()
        response = await client.get("/scopes/stream")
        assert response.status_code == 200
        assert response.text.startswith("session ")
        assert EVENTS == ["session open", "stream start", "stream end", "session commit", "session closed"]


async def test_websocket_handler_values_are_torn_down_when_the_handler_ends() -> None:
    app = build()
    async with TestClient(app) as client:
        EVENTS.clear()
        async with client.websocket_connect("/ws/echo") as ws:
            await ws.send_text("hello")
            reply = await ws.receive_text()
        assert reply.startswith("hello via session ")
        assert EVENTS == ["session open", "socket handler done", "session commit", "session closed"]


async def test_app_values_are_recreated_when_the_app_starts_again() -> None:
    app = build()
    async with TestClient(app) as client:
        first = (await client.get("/scopes/pool")).json()["pool"]
    async with TestClient(app) as client:
        second = (await client.get("/scopes/pool")).json()["pool"]
    assert first != second
    assert EVENTS == [f"pool {first} open", f"pool {first} closed", f"pool {second} open", f"pool {second} closed"]
