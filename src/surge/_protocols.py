"""The ASGI websocket and lifespan protocols, as the app speaks them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from surge.exceptions.http import BaseHttpException, NotFound

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["run_lifespan", "serve_websocket"]


async def serve_websocket(app: Surge, scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Route a websocket connection to its ``@socket`` handler.

    An unknown path or a refusal by a guard (an HTTP exception) closes with 1008; a crash is
    logged and closes with 1011.
    """
    if app._entry is None:
        await app.startup()
    connect = await receive()
    if connect["type"] != "websocket.connect":
        return
    req = app.request_class(scope, receive, send, app)
    try:
        route, params = app.ws_router.match("WEBSOCKET", scope["path"])
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
        app.logger.opt(exception=exc).error(f"Unhandled exception in websocket {scope['path']}")
        await send({"type": "websocket.close", "code": 1011, "reason": "Internal error"})


async def run_lifespan(app: Surge, receive: Any, send: Any) -> None:
    """Answer the server's lifespan messages; a failing startup is reported, not raised."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await app.startup()
            except Exception as exc:
                app.logger.opt(exception=exc).error("Application startup failed")
                await send({"type": "lifespan.startup.failed", "message": f"{type(exc).__name__}: {exc}"})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            try:
                await app.shutdown()
            except Exception as exc:
                await send({"type": "lifespan.shutdown.failed", "message": f"{type(exc).__name__}: {exc}"})
                return
            await send({"type": "lifespan.shutdown.complete"})
            return
