"""HTTP: route a request, run its endpoint through the middleware chain, send the response.

Built once, when the app starts; the per-request path is :meth:`AsgiApplication.__call__`
and :meth:`Dispatch.__call__`.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from surge._asgi.errors import ErrorResponder, UnhandledInDebug, guarded
from surge._asgi.lifespan import Lifespan, StartGate, run_lifespan
from surge._asgi.websocket import WebsocketServer
from surge.http.request import AFTER_RESPONSE, Request, RequestApp
from surge.http.response import Response
from surge.logging.access import access_line
from surge.middleware.base import MiddlewareBase, Next
from surge.middleware.cors import CorsPolicy, preflight_response
from surge.routing.router import PathMethodNotAllowed, Router
from surge.types import Receive, Scope, Send

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["AsgiApplication", "Dispatch", "HttpChain", "build_chain"]

_UNSENDABLE = {"status": "error", "message": "Internal server error"}


class Dispatch:
    """The innermost link of the chain: match the route, run the compiled endpoint.

    Exceptions become responses here (through the app's one error responder). A CORS
    preflight reads the policy the compiler stored on the route it asks about, so it costs
    the one router match that found the path.
    """

    __slots__ = ("cors", "respond", "response_class", "router")

    def __init__(
        self, router: Router, respond: ErrorResponder, response_class: type[Response], cors: CorsPolicy | None
    ) -> None:
        self.router = router
        self.respond = respond
        self.response_class = response_class
        self.cors = cors

    async def __call__(self, req: Request) -> Response:
        scope = req.scope
        try:
            route, params = self.router.match(scope["method"], scope["path"])
            req.route_parameters = params
            req.endpoint = route
            response: Response = await route.handler(req)
            if response.encode():  # a body that cannot be encoded fails here, inside the middleware
                await response.render()
            return response
        except PathMethodNotAllowed as exc:
            if scope["method"] == "OPTIONS":
                return self.options(req, exc)
            return await self.respond(req, exc)
        except Exception as exc:
            return await self.respond(req, exc)

    def options(self, req: Request, exc: PathMethodNotAllowed) -> Response:
        """Automatic OPTIONS: a CORS preflight when asked for, else 204 with ``Allow``."""
        response = self.response_class(req)
        origin = req.header(b"origin")
        requested = req.header(b"access-control-request-method")
        if origin is not None and requested is not None:
            method = requested.upper()
            route = exc.routes.get(method) or (exc.routes.get("GET") if method == "HEAD" else None)
            policy = self.cors if route is None else route.cors
            if isinstance(policy, CorsPolicy):
                asked_headers = req.header(b"access-control-request-headers")
                return preflight_response(response, policy, origin, method, asked_headers)
        response.headers["Allow"] = ", ".join(exc.allowed)
        return response.no_content()


def build_chain(
    app: RequestApp,
    dispatch: Next,
    middleware: Sequence[type[MiddlewareBase] | MiddlewareBase],
    respond: ErrorResponder,
) -> Next:
    """Link the middleware in front of ``dispatch`` (the first listed is the outermost).

    A middleware with ``sees_error_responses`` gets a ``next`` guarded by ``respond``, so an
    exception raised further in reaches it as the response the exception handlers made.
    """
    entry = dispatch
    for item in reversed(middleware):
        instance = item if isinstance(item, MiddlewareBase) else item(app, entry)
        entry = instance.chain(guarded(entry, respond) if instance.sees_error_responses else entry)
    return entry


class HttpChain:
    """What serving HTTP needs once the app has started: the chain's entry, the error path, the access log."""

    __slots__ = ("_entry", "access_log", "dispatch", "respond", "router")

    def __init__(self, entry: Next, respond: ErrorResponder, access_log: Logger | None) -> None:
        self.entry = entry
        self.respond = respond
        self.access_log = access_log

    @property
    def entry(self) -> Next:
        """The chain's first link (replaced at startup when request events have listeners)."""
        return self._entry

    @entry.setter
    def entry(self, entry: Next) -> None:
        self._entry = entry
        # No middleware, mount or request event in front of Dispatch: the app does its work
        # inline, one coroutine less per request. None: the entry serves every request.
        self.dispatch = entry if isinstance(entry, Dispatch) else None
        self.router = self.dispatch.router if self.dispatch is not None else None

    async def failed(self, req: Request, exc: Exception) -> Response:
        """The response for an exception that reached the app (encoded, ready to send)."""
        dispatch = self.dispatch
        if dispatch is not None and isinstance(exc, PathMethodNotAllowed) and req.scope["method"] == "OPTIONS":
            return dispatch.options(req, exc)
        return await _error_response(self, req, exc)


class AsgiApplication(ABC):
    """The ASGI callable of the application.

    HTTP is served right here: one coroutine stands between the server and the middleware
    chain. A first request or connection without a lifespan starts the app once
    (:class:`StartGate`); websockets and the lifespan go to their own modules.
    """

    request_class: type[Request]
    shutdown_timeout: float = 30.0  # SHUTDOWN_TIMEOUT: how long drain() waits
    _http: HttpChain | None  # set once startup has finished
    _websocket: WebsocketServer | None
    _gate: StartGate
    _inflight: int = 0  # HTTP requests being served (and their after-response callbacks)
    _idle: asyncio.Event | None = None  # set when _inflight drops to 0 while draining

    @abstractmethod
    async def startup(self) -> None:
        """Compile, start the extensions, then set ``_http`` and ``_websocket``."""

    @abstractmethod
    async def shutdown(self) -> None:
        """Stop the extensions; clear ``_http`` and ``_websocket``."""

    async def drain(self) -> int:
        """Wait up to ``shutdown_timeout`` seconds for in-flight HTTP requests to finish.

        The lifespan shutdown awaits this before running the shutdown hooks, so requests
        being served still have their database pools and clients. Returns how many are left.
        """
        if self._inflight:
            self._idle = idle = asyncio.Event()
            try:
                await asyncio.wait_for(idle.wait(), self.shutdown_timeout)
            except TimeoutError:
                pass
            finally:
                self._idle = None
        return self._inflight

    async def _start_once(self) -> None:
        await self._gate.run_once(lambda: self._http is not None, self.startup)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        if scope["type"] != "http":
            return await self._serve_other(scope, receive, send)
        http = self._http
        if http is None:
            await self._start_once()
            http = self._http
            assert http is not None
        app: RequestApp = self  # type: ignore[assignment]  # PERF: the application is one; cast() costs a call
        req = self.request_class(scope, receive, send, app)
        access_log = http.access_log
        started = time.perf_counter() if access_log is not None else 0.0
        self._inflight += 1
        try:
            try:
                try:
                    router = http.router
                    if router is not None:  # PERF: Dispatch's work, inline (no middleware in front of it)
                        route, req.route_parameters = router.match(scope["method"], scope["path"])
                        req.endpoint = route
                        response = await route.handler(req)
                    else:
                        response = await http._entry(req)
                    if response.encode():  # a body that cannot be encoded fails here, as an error response
                        await response.render()
                except Exception as exc:  # raised in the endpoint, or in a middleware and not answered further in
                    response = await http.failed(req, exc)
            except UnhandledInDebug as unhandled:  # DEBUG: show the page, then let the server log the error
                await unhandled.response(send, scope["method"] == "HEAD", req)
                if access_log is not None:
                    _log_access(access_log, req, 500, started)
                raise unhandled.error from None
            await response(send, scope["method"] == "HEAD", req)
        finally:
            try:
                if AFTER_RESPONSE in scope:  # req.call_after_response(): DI teardown, background tasks
                    for callback in scope.pop(AFTER_RESPONSE):
                        await callback()
            finally:
                self._inflight -= 1
                if self._idle is not None and not self._inflight:
                    self._idle.set()
                req._response = None  # PERF: the request and its response refer to each other; freed now, not by the GC
        if access_log is not None:
            _log_access(access_log, req, response.status_code, started)

    async def _serve_other(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            if self._websocket is None:
                await self._start_once()
            assert self._websocket is not None
            await self._websocket.serve(scope, receive, send)
        elif scope["type"] == "lifespan":
            await run_lifespan(cast("Lifespan", self), receive, send)


async def _error_response(http: HttpChain, req: Request, exc: Exception) -> Response:
    """The error path's response for ``exc``, encoded; nothing has been sent yet.

    Should the error response itself fail to encode (a handler's data JSON cannot carry), the
    client still gets the 500 of the error shape, never a broken response.
    """
    response = await http.respond(req, exc)
    try:
        if response.encode():
            await response.render()
    except Exception as error:
        respond = http.respond
        respond.logger.opt(exception=error).critical(f"Error response of {req.method} {req.path} cannot be sent")
        response = respond.response_class(req).json(_UNSENDABLE).status(500)
        response.encode()
    return response


def _log_access(logger: Logger, req: Request, status: int, started: float) -> None:
    elapsed = (time.perf_counter() - started) * 1000
    logger.info(access_line(req.method, req.path, status, elapsed))  # escaped: a %0a must not forge a line
