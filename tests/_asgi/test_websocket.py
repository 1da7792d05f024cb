"""Websocket handlers: accept, receive, send, close, guards, unknown paths."""

import pytest

from surge import Request
from surge.controller import Controller, path, socket
from surge.controller.spec import add_controller_guard
from surge.exceptions import Forbidden
from surge.testing import TestClient
from surge.testing.client import WebSocketDisconnect

from surge_testkit import make_app


@path("/api/v1/users", tags=["Users"])
class UsersApi(Controller):
    @socket("/ws")
    async def socket_handler(self, req: Request) -> None:
        """The seed's echo handler."""
        await req.accept()
        while True:
            data = await req.receive()
            if data["type"] == "websocket.disconnect":
                break
            if data["type"] == "websocket.receive":
                await req.res.send({"type": "websocket.send", "text": "Hello from server. Echo: " + data.get("text", "")})

    @socket("/rooms/<int:room>")
    async def room(self, req: Request, room: int) -> None:
        await req.accept()
        await req.send_json({"room": room, "cookie": req.cookies.get("sid")})
        await req.close(code=4000, reason="bye")


async def require_token(req: Request) -> None:
    if req.headers.get("x-token") != "secret":
        raise Forbidden("token required")


@path("/guarded")
class Guarded(Controller):
    @socket("/ws")
    async def guarded(self, req: Request) -> None:
        await req.accept()
        await req.send_text("welcome")


add_controller_guard(Guarded, require_token)


@pytest.fixture
async def client():
    async with TestClient(make_app(UsersApi, Guarded)) as c:
        yield c


async def test_echo(client) -> None:
    async with client.websocket_connect("/api/v1/users/ws") as ws:
        await ws.send_text("one")
        assert await ws.receive_text() == "Hello from server. Echo: one"
        await ws.send_text("two")
        assert await ws.receive_text() == "Hello from server. Echo: two"


async def test_route_params_cookies_and_close(client) -> None:
    client.cookies.set("sid", "abc")
    async with client.websocket_connect("/api/v1/users/rooms/7") as ws:
        assert await ws.receive_json() == {"room": 7, "cookie": "abc"}
        with pytest.raises(WebSocketDisconnect) as info:
            await ws.receive()
        assert (info.value.code, info.value.reason) == (4000, "bye")


async def test_unknown_socket_path_is_refused(client) -> None:
    with pytest.raises(WebSocketDisconnect) as info:
        async with client.websocket_connect("/nope"):
            pass
    assert info.value.code == 1008


async def test_class_guard_protects_sockets(client) -> None:
    with pytest.raises(WebSocketDisconnect) as info:
        async with client.websocket_connect("/guarded/ws"):
            pass
    assert info.value.code == 1008
    async with client.websocket_connect("/guarded/ws", headers={"x-token": "secret"}) as ws:
        assert await ws.receive_text() == "welcome"
