"""SyncTestClient: the TestClient's API in a synchronous test, lifespan and websockets included."""

from __future__ import annotations

import threading

import pytest

from surge import BaseConfig, Request, Response, Surge, app, on_shutdown, on_startup
from surge.controller import Controller, get, path, post, socket
from surge.testing import LifespanFailed, SyncTestClient, WebSocketDisconnect

from surge_testkit import make_app

EVENTS: list[str] = []


@path("/items")
class Items(Controller):
    @get("/<int:item_id>")
    async def read(self, req: Request, item_id: int) -> Response:
        return req.response.json({"id": item_id, "q": req.query_params.get("q")})

    @post("/")
    async def create(self, req: Request) -> Response:
        return req.response.json(await req.json()).status(201)

    @get("/visit")
    async def visit(self, req: Request) -> Response:
        count = int(req.cookies.get("visits", "0")) + 1
        return req.response.json({"visits": count}).set_cookie("visits", str(count))

    @get("/boom")
    async def boom(self, req: Request) -> Response:
        raise RuntimeError("boom")

    @socket("/ws")
    async def echo(self, req: Request) -> None:
        await req.accept()
        while True:
            message = await req.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") == "bye":
                await req.res.send({"type": "websocket.close", "code": 4001, "reason": "bye"})
                return
            await req.send_json({"echo": message.get("text")})


def lifecycle_app(tmp_path, fail: bool = False) -> Surge:
    class Config(BaseConfig):
        BASE_PATH: str = str(tmp_path)

    @app(__name__, configs=Config)
    class Application(Surge):
        @on_startup
        async def started(self) -> None:
            if fail:
                raise RuntimeError("database unreachable")
            EVENTS.append("startup")

        @on_shutdown
        async def stopped(self) -> None:
            EVENTS.append("shutdown")

    application = Application()
    application.register_controller(Items)
    return application


def test_requests_like_the_async_client() -> None:
    with SyncTestClient(make_app(Items)) as client:
        res = client.get("/items/7", params={"q": "x"})
        assert (res.status_code, res.json()) == (200, {"id": 7, "q": "x"})
        created = client.post("/items/", json={"name": "pen"})
        assert (created.status_code, created.json()) == (201, {"name": "pen"})
        assert client.get("/items/nope").status_code == 404
        assert client.delete("/items/7").status_code == 405


def test_cookies_persist_between_requests() -> None:
    with SyncTestClient(make_app(Items)) as client:
        assert client.get("/items/visit").json() == {"visits": 1}
        assert client.get("/items/visit").json() == {"visits": 2}
        assert client.cookies["visits"] == "2"


def test_lifespan_runs_in_the_with_block(tmp_path) -> None:
    EVENTS.clear()
    with SyncTestClient(lifecycle_app(tmp_path)) as client:
        assert EVENTS == ["startup"]
        assert client.get("/items/1").status_code == 200
    assert EVENTS == ["startup", "shutdown"]


def test_failing_startup_raises_at_enter(tmp_path) -> None:
    threads = threading.active_count()
    with pytest.raises(LifespanFailed, match="database unreachable"), SyncTestClient(lifecycle_app(tmp_path, fail=True)):
        pass
    assert threading.active_count() == threads  # the loop thread is gone


def test_without_with_the_first_request_starts_the_app_and_close_stops_it(tmp_path) -> None:
    EVENTS.clear()
    client = SyncTestClient(lifecycle_app(tmp_path))  # FastAPI's docs style
    assert EVENTS == []
    assert client.get("/items/3").json()["id"] == 3
    assert EVENTS == ["startup"]
    client.close()
    assert EVENTS == ["startup", "shutdown"]


def test_debug_exceptions_reach_the_test() -> None:
    with SyncTestClient(make_app(Items, DEBUG=True)) as client, pytest.raises(RuntimeError, match="boom"):
        client.get("/items/boom")
    with SyncTestClient(make_app(Items)) as client:
        assert client.get("/items/boom").status_code == 500


def test_websocket_roundtrip() -> None:
    with SyncTestClient(make_app(Items)) as client, client.websocket_connect("/items/ws") as ws:
        ws.send_text("hi")
        assert ws.receive_json() == {"echo": "hi"}
        ws.send_json({"a": 1})
        assert ws.receive_json() == {"echo": '{"a":1}'}


def test_websocket_close_from_the_app_raises_disconnect() -> None:
    with SyncTestClient(make_app(Items)) as client, client.websocket_connect("/items/ws") as ws:
        ws.send_text("bye")
        with pytest.raises(WebSocketDisconnect) as caught:
            ws.receive_text()
        assert (caught.value.code, caught.value.reason) == (4001, "bye")


def test_websocket_to_an_unknown_path_is_refused() -> None:
    with SyncTestClient(make_app(Items)) as client, pytest.raises(WebSocketDisconnect):  # noqa: SIM117
        with client.websocket_connect("/nowhere"):
            pass
