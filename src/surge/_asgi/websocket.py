"""Websockets: route a connection to its ``@socket`` handler, and register it with ``app.websockets``."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

from surge.exceptions.http import BaseHttpException, NotFound
from surge.http.request import Request, RequestApp
from surge.routing.router import Router
from surge.types import Message, Receive, Scope, Send
from surge.websocket_registry import CLIENT_ID_KEY

if TYPE_CHECKING:
    from surge.events import EventBus
    from surge.websocket_registry import WebsocketRegistry

__all__ = ["WebsocketApp", "WebsocketServer"]


class WebsocketApp(RequestApp, Protocol):
    """What serving websockets needs of the app: the request's needs, the registry, the event bus."""

    @property
    def websockets(self) -> WebsocketRegistry: ...

    @property
    def events(self) -> EventBus: ...


class WebsocketServer:
    """Serves websocket connections of a started app.

    An unknown path or a refusal by a guard (an HTTP exception) closes with 1008; a crash is
    logged and closes with 1011. Once the handler accepts the connection it is in
    ``app.websockets`` under a new client id, and the ``websocket_connected(req, client_id)``
    event has run (before ``accept()`` returns); when the handler ends,
    ``websocket_disconnected(req, client_id)`` runs.
    """

    __slots__ = ("app", "events", "registry", "request_class", "router")

    def __init__(self, app: WebsocketApp, router: Router, request_class: type[Request]) -> None:
        self.app = app
        self.router = router
        self.request_class = request_class
        self.registry = app.websockets
        self.events = app.events

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI ``websocket`` scope handler."""
        connect = await receive()
        if connect["type"] != "websocket.connect":
            return
        client_id = uuid.uuid4().hex
        registry, events = self.registry, self.events
        req: Request | None = None

        async def send_registering(message: Message) -> None:
            await send(message)
            if message["type"] == "websocket.accept" and CLIENT_ID_KEY not in scope:
                registry.attach(client_id, scope, send)
                await events.emit("websocket_connected", req, client_id)

        req = self.request_class(scope, receive, send_registering, self.app)
        try:
            await self._route(req, scope, send)
        finally:
            if scope.get(CLIENT_ID_KEY) == client_id:
                registry.detach(client_id)
                await events.emit("websocket_disconnected", req, client_id)

    async def _route(self, req: Request, scope: Scope, send: Send) -> None:
        try:
            route, params = self.router.match("WEBSOCKET", scope["path"])
        except NotFound:  # MethodNotAllowed is a NotFound too
            await send({"type": "websocket.close", "code": 1008, "reason": "No websocket route"})
            return
        req.route_parameters = params
        req.endpoint = route
        try:
            await route.handler(req)
        except BaseHttpException as exc:
            await send({"type": "websocket.close", "code": 1008, "reason": exc.message[:120]})
        except Exception as exc:
            self.app.logger.opt(exception=exc).error(f"Unhandled exception in websocket {scope['path']}")
            await send({"type": "websocket.close", "code": 1011, "reason": "Internal error"})

