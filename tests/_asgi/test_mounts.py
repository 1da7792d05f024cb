"""Composition: app.mount (ASGI and WSGI apps under a prefix, lifespan forwarded) and app.include."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path, socket
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient


@path("/")
class MainApi(Controller):
    @get("/hello")
    async def hello(self, req: Request) -> Response:
        return req.response.json({"app": "main", "path": req.path})


@path("/users")
class UsersApi(Controller):
    @get("/<int:user_id>")
    async def one(self, req: Request, user_id: int) -> Response:
        return req.response.json({"id": user_id, "url": req.app.url_for("UsersApi.one", user_id=user_id)})


@path("/")
class ChildApi(Controller):
    @get("/where")
    async def where(self, req: Request) -> Response:
        return req.response.json({"path": req.path, "root_path": req.scope["root_path"], "url": req.url})

    @get("/started")
    async def started(self, req: Request) -> Response:
        return req.response.json({"started": req.app.state.get("started", False)})

    @socket("/ws")
    async def ws(self, req: Request) -> None:
        await req.accept()
        await req.send_text(f"child {req.path}")
        await req.close()


def _surge(*controllers: type[Controller]) -> Surge:
    application = Surge(configs=BaseConfig(DEBUG=False, ACCESS_LOG=False))
    for controller in controllers:
        application.register_controller(controller)
    return application


def _starlette(events: list[str]) -> Starlette:
    async def where(request: StarletteRequest) -> JSONResponse:
        return JSONResponse(
            {
                "path": request.url.path,
                "root_path": request.scope["root_path"],
                "url_for": str(request.url_for("where")),
                "state": request.state.value,
            }
        )

    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("starlette " + await websocket.receive_text())
        await websocket.close()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        events.append("starlette started")
        yield {"value": "from lifespan"}
        events.append("starlette stopped")

    return Starlette(
        routes=[Route("/where", where, name="where"), WebSocketRoute("/ws", echo)],
        lifespan=lifespan,
    )


async def test_a_mounted_starlette_app_gets_root_path_and_its_lifespan_state() -> None:
    events: list[str] = []
    main = _surge(MainApi)
    main.mount("/legacy", _starlette(events))
    async with TestClient(main) as client:
        assert events == ["starlette started"]
        res = await client.get("/legacy/where")
        assert res.status_code == 200
        assert res.json() == {
            "path": "/legacy/where",
            "root_path": "/legacy",
            "url_for": "http://testserver/legacy/where",
            "state": "from lifespan",
        }
        assert (await client.get("/hello")).json() == {"app": "main", "path": "/hello"}
        assert (await client.get("/legacyx/where")).status_code == 404
        async with client.websocket_connect("/legacy/ws") as ws:
            await ws.send_text("hi")
            assert await ws.receive_text() == "starlette hi"
    assert events == ["starlette started", "starlette stopped"]


async def test_a_mounted_surge_app_routes_by_the_stripped_path_and_starts_with_the_parent() -> None:
    main, child = _surge(MainApi), _surge(ChildApi)

    async def mark_started() -> None:
        child.state["started"] = True

    child.add_on_startup_method(mark_started)
    main.mount("/v1/child/", child)
    async with TestClient(main) as client:
        res = await client.get("/v1/child/where?x=1")
        assert res.json() == {"path": "/where", "root_path": "/v1/child", "url": "http://testserver/v1/child/where?x=1"}
        assert (await client.get("/v1/child/started")).json() == {"started": True}
        assert (await client.get("/v1/child/missing")).status_code == 404
        async with client.websocket_connect("/v1/child/ws") as ws:
            assert await ws.receive_text() == "child /ws"
    assert child._http is None  # the parent's shutdown stopped it


async def test_a_mounted_wsgi_app_runs_through_a2wsgi() -> None:
    def wsgi_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        body = f"{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}|{environ['QUERY_STRING']}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    main = _surge(MainApi)
    main.mount_wsgi("/old", wsgi_app)
    async with TestClient(main) as client:
        res = await client.get("/old/page?a=1")
        assert res.status_code == 200
        assert res.text == "/old|/page|a=1"
        assert (await client.get("/hello")).status_code == 200


async def test_a_failing_mounted_lifespan_fails_the_parents_startup() -> None:
    @asynccontextmanager
    async def broken(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("no database")
        yield

    main = _surge(MainApi)
    main.mount("/legacy", Starlette(lifespan=broken))
    with pytest.raises(Exception, match="no database"):
        async with TestClient(main):
            pass


async def test_an_app_without_lifespan_support_is_still_served() -> None:
    async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise RuntimeError("only http")
        await send({"type": "http.response.start", "status": 203, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    main = _surge(MainApi)
    main.mount("/bare", bare, strip_path=True)
    async with TestClient(main) as client:
        res = await client.get("/bare")
        assert (res.status_code, res.text) == (203, "/")


async def test_include_registers_controllers_under_a_prefix() -> None:
    main = _surge(MainApi)
    main.include(UsersApi, prefix="/v2")
    async with TestClient(main) as client:
        res = await client.get("/v2/users/7")
        assert res.json() == {"id": 7, "url": "/v2/users/7"}
        assert (await client.get("/users/7")).status_code == 404


def test_a_route_under_a_mount_prefix_fails_at_startup() -> None:
    @path("/legacy")
    class Shadowed(Controller):
        @get("/<int:item_id>")
        async def item(self, req: Request, item_id: int) -> Response:
            return req.response.json({})

    main = _surge(MainApi, Shadowed)
    main.mount("/legacy", _starlette([]))
    with pytest.raises(ImproperlyConfigured, match=r"GET /legacy/\{item_id\} \(Shadowed.item\) is under the app mounted at '/legacy'"):
        main.compile()


def test_bad_mounts_and_includes_fail_at_setup() -> None:
    main = _surge(MainApi)
    with pytest.raises(ImproperlyConfigured, match="static path"):
        main.mount("/", _surge())
    with pytest.raises(ImproperlyConfigured, match="static path"):
        main.mount("/items/<id>", _surge())
    main.mount("/a", _surge())
    with pytest.raises(ImproperlyConfigured, match="already mounted"):
        main.mount("/a/", _surge())
    with pytest.raises(ImproperlyConfigured, match="must subclass"):
        main.include(object, prefix="/v2")  # type: ignore[arg-type]
    main.compile()
    with pytest.raises(RuntimeError, match="after the application has started"):
        main.mount("/b", _surge())
