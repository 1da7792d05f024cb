"""Failing before the first byte, slow bodies, draining on shutdown, shaped error bodies."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path, post
from surge.exceptions import ExceptionHandler, ImproperlyConfigured, RequestTimeout, handles
from surge.middleware import MiddlewareBase
from surge.security import SecurityHeaders
from surge.testing import TestClient

from surge_testkit import make_app


class Opaque:
    """Something JSON cannot carry."""


@path("/")
class Api(Controller):
    @get("/huge-int")
    async def huge_int(self, req: Request) -> dict:
        return {"n": 2**64}

    @get("/opaque")
    async def opaque(self, req: Request) -> Response:
        return req.response.json({"thing": Opaque()})

    @post("/echo")
    async def echo(self, req: Request) -> Response:
        return req.response.json({"size": len(await req.body())})

    @post("/chunks")
    async def chunks(self, req: Request) -> Response:
        size = 0
        async for chunk in req.stream():
            size += len(chunk)
        return req.response.json({"size": size})

    @get("/slow")
    async def slow(self, req: Request) -> dict:
        await asyncio.sleep(0.3)
        return {"done": True}

    @get("/teapot")
    async def teapot(self, req: Request) -> dict:
        raise Teapot("short and stout")


class Teapot(Exception):
    pass


class Problem(BaseModel):
    status: str = "error"
    message: str
    code: int


class ShapingHandler(ExceptionHandler):
    @handles(Teapot)
    async def teapot(self, req: Request, exc: Teapot) -> Response[Problem]:
        return req.response.json({"message": str(exc), "code": 418, "secret": "internal"}).status(418)


class Replaces(MiddlewareBase):
    """A middleware that answers with a body JSON cannot carry."""

    async def middleware(self, req: Request) -> Response:
        if req.headers.get("x-replace"):
            return req.response.json({"thing": Opaque()})
        return await self.next(req)


def _app(**settings: Any) -> Any:
    app = make_app(Api, **settings)
    app.add_extension(SecurityHeaders())
    app.add_middleware(Replaces)
    app.add_exception_handler(ShapingHandler)
    return app


@pytest.mark.parametrize("url", ["/huge-int", "/opaque"])
async def test_a_body_that_cannot_be_encoded_is_the_500_error_shape_with_security_headers(url: str) -> None:
    async with TestClient(_app()) as client:
        res = await client.get(url)
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}
    assert res.headers["x-content-type-options"] == "nosniff"


async def test_a_middleware_response_that_cannot_be_encoded_is_a_500_too() -> None:
    async with TestClient(_app()) as client:
        res = await client.get("/huge-int", headers={"x-replace": "1"})
    assert res.status_code == 500
    assert res.json() == {"status": "error", "message": "Internal server error"}


async def test_an_exception_handler_returning_response_of_model_shapes_the_body() -> None:
    async with TestClient(_app()) as client:
        res = await client.get("/teapot")
    assert res.status_code == 418
    assert res.json() == {"status": "error", "message": "short and stout", "code": 418}


class Trickle:
    """An ASGI exchange whose body arrives in pieces, then stops arriving."""

    def __init__(self, pieces: list[bytes], *, stall: bool) -> None:
        self.pieces = list(pieces)
        self.stall = stall
        self.sent: list[dict[str, Any]] = []

    async def receive(self) -> dict[str, Any]:
        if self.pieces:
            await asyncio.sleep(0.01)
            body = self.pieces.pop(0)
            return {"type": "http.request", "body": body, "more_body": bool(self.pieces) or self.stall}
        await asyncio.sleep(3600)  # a client that never finishes its body
        raise AssertionError("unreachable")

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.sent if m["type"] == "http.response.start"))

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")


def _scope(path: str, method: str = "POST") -> dict[str, Any]:
    headers = [(b"content-type", b"application/octet-stream")]
    return {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": headers,
        "asgi": {"version": "3.0"},
    }


@pytest.mark.parametrize("url", ["/echo", "/chunks"])
async def test_a_body_that_stops_arriving_is_408_after_body_timeout(url: str) -> None:
    app = _app(BODY_TIMEOUT=0.3)
    exchange = Trickle([b"a", b"b"], stall=True)
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(app(_scope(url), exchange.receive, exchange.send), 5)
    elapsed = asyncio.get_running_loop().time() - started
    assert exchange.status == 408
    assert b'"Request body not received in time"' in exchange.body
    assert 0.25 < elapsed < 2


class SlowBodyHandler(ExceptionHandler):
    @handles(RequestTimeout)
    async def slow_body(self, req: Request, exc: RequestTimeout) -> Response:
        return req.response.json({"late": exc.message}).status(exc.status_code)


async def test_a_late_body_raises_the_named_request_timeout_that_a_handler_can_catch() -> None:
    app = make_app(Api, BODY_TIMEOUT=0.2)
    app.add_exception_handler(SlowBodyHandler)
    exchange = Trickle([b"a"], stall=True)
    await asyncio.wait_for(app(_scope("/echo"), exchange.receive, exchange.send), 5)
    assert (exchange.status, exchange.body) == (408, b'{"late":"Request body not received in time"}')


async def test_a_body_that_arrives_in_time_is_read_whole() -> None:
    app = _app(BODY_TIMEOUT=0.3)
    exchange = Trickle([b"ab", b"cd", b"e"], stall=False)
    await app(_scope("/chunks"), exchange.receive, exchange.send)
    assert (exchange.status, exchange.body) == (200, b'{"size":5}')


@pytest.mark.parametrize("key", ["BODY_TIMEOUT", "SHUTDOWN_TIMEOUT"])
def test_a_negative_timeout_fails_at_startup_naming_the_key(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(key, "-1")
    with pytest.raises(ImproperlyConfigured, match=key):
        Surge(configs=BaseConfig)


class Lifespan:
    """Drives the ASGI lifespan of an app by hand."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive(self) -> dict[str, Any]:
        return await self.inbox.get()

    async def send(self, message: dict[str, Any]) -> None:
        await self.outbox.put(message)


async def _serve_one(app: Any, path: str) -> Trickle:
    exchange = Trickle([], stall=False)
    await app({**_scope(path, "GET"), "headers": []}, exchange.receive, exchange.send)
    return exchange


@pytest.mark.parametrize(("limit", "drained"), [(5.0, True), (0.05, False)])
async def test_shutdown_waits_up_to_shutdown_timeout_for_in_flight_requests(
    limit: float, drained: bool
) -> None:
    app = _app(SHUTDOWN_TIMEOUT=limit)
    closed_while_serving: list[bool] = []

    async def close_pools() -> None:
        closed_while_serving.append(not request.done())

    app.add_on_shutdown_method(close_pools)
    life = Lifespan()
    lifespan = asyncio.create_task(app({"type": "lifespan"}, life.receive, life.send))
    await life.inbox.put({"type": "lifespan.startup"})
    assert (await life.outbox.get())["type"] == "lifespan.startup.complete"
    request = asyncio.create_task(_serve_one(app, "/slow"))
    await asyncio.sleep(0.05)  # the request is in flight
    await life.inbox.put({"type": "lifespan.shutdown"})
    assert (await asyncio.wait_for(life.outbox.get(), 5))["type"] == "lifespan.shutdown.complete"
    await lifespan
    exchange = await request
    assert exchange.status == 200
    assert closed_while_serving == [not drained]
