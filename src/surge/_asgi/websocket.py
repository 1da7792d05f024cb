"""Websockets: route a connection to its ``@socket`` handler."""

from __future__ import annotations

from surge.exceptions.http import BaseHttpException, NotFound
from surge.http.request import Request, RequestApp
from surge.routing.router import Router
from surge.types import Receive, Scope, Send

__all__ = ["WebsocketServer"]


class WebsocketServer:
    """Serves websocket connections of a started app.

    An unknown path or a refusal by a guard (an HTTP exception) closes with 1008; a crash is
    logged and closes with 1011.
    """

    __slots__ = ("app", "request_class", "router")

    def __init__(self, app: RequestApp, router: Router, request_class: type[Request]) -> None:
        self.app = app
        self.router = router
        self.request_class = request_class

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI ``websocket`` scope handler."""
        connect = await receive()
        if connect["type"] != "websocket.connect":
            return
        req = self.request_class(scope, receive, send, self.app)
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
