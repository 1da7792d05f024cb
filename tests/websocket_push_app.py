"""An app that pushes to its websockets (``app.websockets``), for the test client and for granian."""

from __future__ import annotations

import asyncio
from typing import Any

from surge import BaseConfig, Request, Response, Surge
from surge.controller import Controller, get, path, post, socket


@path("/")
class Chat(Controller):
    @socket("/ws/<room>")
    async def chat(self, req: Request, room: str) -> None:
        await req.accept()  # registered, and websocket_connected has run, once this returns
        client_id = self.app.websockets.client_id(req)
        await self.app.websockets.join(client_id, room)
        await req.send_json({"hello": client_id})
        while True:
            message = await req.receive()
            if message["type"] == "websocket.disconnect":
                break
            if message.get("text") == "leave":
                await self.app.websockets.leave(client_id, room)
                await req.send_text("left")

    @post("/push/<client_id>")
    async def push(self, req: Request, client_id: str) -> Response:
        await self.app.websockets.send(client_id, await req.text())
        return req.response.json({"sent": True})

    @post("/broadcast/<room>")
    async def broadcast(self, req: Request, room: str) -> Response:
        await self.app.websockets.broadcast({"room": room, "says": await req.text()}, group=room)
        return req.response.json({"sent": True})

    @post("/broadcast")
    async def broadcast_all(self, req: Request) -> Response:
        await self.app.websockets.broadcast(await req.body())
        return req.response.json({"sent": True})

    @post("/threaded/<client_id>")
    async def threaded(self, req: Request, client_id: str) -> Response:
        def work() -> None:  # code in a thread: it has no event loop, so it uses the thread-safe call
            self.app.websockets.send_threadsafe(client_id, "from a thread").result(timeout=5)

        await asyncio.to_thread(work)
        return req.response.json({"sent": True})

    @get("/state")
    async def state(self, req: Request) -> Response:
        registry = self.app.websockets
        return req.response.json(
            {"clients": len(registry.clients), "events": self.app.state["ws_events"], "lobby": len(registry.members("lobby"))}
        )


class PushApp(Surge):
    pass


def create_app() -> PushApp:
    application = PushApp(__name__, configs=BaseConfig(DEBUG=False, BASE_PATH="."))
    application.register_controller(Chat)
    application.state["ws_events"] = []

    @application.on("websocket_connected", "websocket_disconnected")
    async def record(req: Any, client_id: str) -> None:
        kind = "connected" if application.websockets.client_id(req) in application.websockets.clients else "disconnected"
        application.state["ws_events"].append([kind, req.path])

    return application
