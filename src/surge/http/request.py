"""The Request: one per HTTP request or websocket, with lazily parsed, cached attributes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any, Protocol
from urllib.parse import parse_qsl

import orjson

from surge.exceptions.http import BadRequest, PayloadTooLarge
from surge.http._args import RequestArgs
from surge.http._body_watch import BodyRead, raise_if_timed_out, reading_task, receive_by, start_read
from surge.http._forms import parse_multipart, parse_urlencoded
from surge.http.datastructures import MultiDict, State
from surge.http.negotiation import best_match
from surge.http.response import Response
from surge.http.uploads import UploadedFile
from surge.types import AppContext, Message, Receive, Scope, Send

__all__ = ["AFTER_RESPONSE", "Request", "RequestApp"]

_UNSET: Any = object()
_monotonic = time.monotonic

AFTER_RESPONSE = "surge.after_response"
"""Scope key of the coroutine functions the app awaits once the response is sent."""

class RequestApp(AppContext, Protocol):
    """What a request needs of its app (the application class satisfies it)."""

    @property
    def response_class(self) -> type[Response]: ...

    @property
    def body_timeout(self) -> float: ...


class Request(RequestArgs):  # req.args, await req.all_args() (surge.http._args)
    """An incoming request (or websocket connection).

    Headers, query parameters, cookies and the body are parsed on first access, once.
    ``req.response`` (alias ``req.res``) is the response the handler fills in.
    """

    __slots__ = (
        "_body",
        "_cookies",
        "_form",
        "_headers",
        "_json",
        "_query",
        "_receive",
        "_response",
        "_send",
        "_state",
        "app",
        "endpoint",
        "route_parameters",
        "scope",
        "session_data",
        "user",
    )

    def __init__(self, scope: Scope, receive: Receive, send: Send, app: RequestApp) -> None:
        self.scope = scope
        self._receive = receive
        self._send = send
        self.app = app
        self.route_parameters: dict[str, Any] = {}
        self.endpoint: Any = None
        self.user: Any = None
        self.session_data: Any = None
        self._headers: dict[str, str] | None = None
        self._query: MultiDict | None = None
        self._cookies: dict[str, str] | None = None
        self._body: bytes | None = None
        self._json: Any = _UNSET
        self._form: MultiDict | None = None
        self._response: Response | None = None
        self._state: State | None = None

    # -- request line -------------------------------------------------------------------------
    @property
    def method(self) -> str:
        """The HTTP method, uppercase (``"GET"``); ``"WEBSOCKET"`` for websockets."""
        return self.scope.get("method", "WEBSOCKET")

    @property
    def path(self) -> str:
        """The request path, without the query string."""
        return self.scope["path"]

    @property
    def query_string(self) -> str:
        """Everything after ``?`` in the URL."""
        return self.scope.get("query_string", b"").decode("latin-1")

    @property
    def url(self) -> str:
        """The full URL the client asked for."""
        scheme = self.scope.get("scheme", "http")
        host = self.headers.get("host")
        if host is None:
            server = self.scope.get("server") or ("localhost", None)
            host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
        url = f"{scheme}://{host}{self.scope.get('root_path', '')}{self.path}"
        query = self.query_string
        return f"{url}?{query}" if query else url

    @property
    def client(self) -> tuple[str, int] | None:
        """``(host, port)`` of the peer, as the server reports it."""
        client = self.scope.get("client")
        return tuple(client) if client else None

    @property
    def is_websocket(self) -> bool:
        """True for a websocket connection."""
        return self.scope["type"] == "websocket"

    # -- headers, query, cookies ----------------------------------------------------------------
    @property
    def headers(self) -> dict[str, str]:
        """Request headers with lowercase names; repeated headers are joined with ``", "``."""
        headers = self._headers
        if headers is None:
            headers = {}
            for raw_name, raw_value in self.scope["headers"]:
                name = raw_name.decode("latin-1").lower()
                value = raw_value.decode("latin-1")
                if name in headers:
                    headers[name] = f"{headers[name]}{'; ' if name == 'cookie' else ', '}{value}"
                else:
                    headers[name] = value
            self._headers = headers
        return headers

    def header(self, name: bytes | str) -> str | None:
        """One header's value (``name`` in lowercase), without parsing all of them."""
        headers = self._headers
        if headers is not None:
            return headers.get(name if isinstance(name, str) else name.decode("latin-1"))
        # PERF: a scan of the raw list is cheaper than building the dict for one lookup (and
        # than dict() of the list: measured, even for the four lookups of a JSON POST).
        wanted = name.encode("latin-1") if isinstance(name, str) else name
        for raw_name, raw_value in self.scope["headers"]:
            if raw_name == wanted:
                return raw_value.decode("latin-1")
        return None

    @property
    def query_params(self) -> MultiDict:
        """Query parameters: ``q["page"]`` is the first value, ``q.getlist("tag")`` all of them."""
        query = self._query
        if query is None:
            query = self._query = MultiDict(parse_qsl(self.query_string, keep_blank_values=True))
        return query

    @property
    def cookies(self) -> dict[str, str]:
        """Request cookies by name."""
        cookies = self._cookies
        if cookies is None:
            cookies = {}
            raw = self.headers.get("cookie")
            if raw:
                parsed: SimpleCookie = SimpleCookie()
                try:
                    parsed.load(raw)
                except Exception:  # a malformed cookie header must not fail the request
                    parsed = SimpleCookie()
                cookies = {key: morsel.value for key, morsel in parsed.items()}
            self._cookies = cookies
        return cookies

    @property
    def content_type(self) -> str:
        """The media type of the body, without parameters (``""`` when absent)."""
        value = self.header(b"content-type")
        return value.split(";", 1)[0].strip().lower() if value else ""

    def accepts(self, *types: str) -> str | None:
        """Which of ``types`` the client's ``Accept`` prefers by q-value (None: none is acceptable)."""
        return best_match(self.header(b"accept"), types)

    @property
    def state(self) -> State:
        """Free-form per-request state for middleware and hooks."""
        state = self._state
        if state is None:
            state = self._state = State()
        return state

    @property
    def session(self) -> Any:
        """The client's session (a dict that persists across requests).

        Raises:
            RuntimeError: no session was loaded: the Sessions extension is not in EXTENSIONS.
        """
        session = self.session_data
        if session is None:
            raise RuntimeError("req.session needs the surge.security.Sessions extension listed in EXTENSIONS")
        return session

    @property
    def response(self) -> Response:
        """The response for this request (created on first access)."""
        response = self._response
        if response is None:
            response = self._response = self.app.response_class(self)
        return response

    res = response  # the alias PyJolt code uses

    def call_after_response(self, callback: Callable[[], Awaitable[Any]]) -> None:
        """Await ``callback()`` once the response has been sent (also after an error response).

        For background work and teardown that must not delay the client; callbacks run in the
        order they were added. An exception in one is raised to the server after the response.
        """
        self.scope.setdefault(AFTER_RESPONSE, []).append(callback)

    # -- body -------------------------------------------------------------------------------
    def _max_length(self) -> int:
        return self.app.max_content_length

    def _start_read(self) -> BodyRead:
        return start_read(self.app.body_timeout)

    async def stream(self) -> AsyncIterator[bytes]:
        """Yield the body in chunks as they arrive, enforcing ``MAX_CONTENT_LENGTH``.

        Raises:
            PayloadTooLarge: the declared or the actual length is over the limit.
        """
        if self._body is not None:
            yield self._body
            return
        limit = self._max_length()
        declared = self.header(b"content-length")
        if declared is not None:
            self._check_declared_length(declared, limit)
        received = 0
        read = self._start_read()
        while True:
            message = await receive_by(self._receive, read)
            chunk = message.get("body", b"")
            if chunk:
                received += len(chunk)
                if received > limit:
                    raise PayloadTooLarge(f"Request body is larger than the limit of {limit} bytes")
                yield chunk
            if not message.get("more_body", False):
                break

    async def body(self) -> bytes:
        """The whole body as bytes (read once, then cached).

        Raises:
            PayloadTooLarge: the body is over ``MAX_CONTENT_LENGTH``.
            BaseHttpException: 408, the body did not arrive within ``BODY_TIMEOUT``.
        """
        if self._body is None:
            # PERF: most bodies arrive in one message; skip the async generator for them.
            limit = self._max_length()
            declared = self.header(b"content-length")
            if declared is not None:
                self._check_declared_length(declared, limit)
            watch, task = reading_task()
            reads = watch.reads
            reads[task] = _monotonic() + self.app.body_timeout  # the whole read is timed
            if watch.watcher is None:
                watch.start()
            try:
                message = await self._receive()
                if message["type"] == "http.disconnect":
                    raise BadRequest("Client disconnected before the body was read")
                body: bytes = message.get("body", b"")
                if message.get("more_body", False):
                    body = await self._read_rest(body, limit)
                elif len(body) > limit:
                    raise PayloadTooLarge(f"Request body is larger than the limit of {limit} bytes")
            except asyncio.CancelledError:
                raise_if_timed_out(watch, task)
                raise
            finally:
                del reads[task]
                if watch.expired:
                    watch.expired.discard(task)
            self._body = body
        return self._body

    async def _read_rest(self, first: bytes, limit: int) -> bytes:
        """The messages after the first of a body that came in several."""
        chunks = [first]
        received = len(first)
        while True:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                raise BadRequest("Client disconnected before the body was read")
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                raise PayloadTooLarge(f"Request body is larger than the limit of {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _check_declared_length(self, declared: str, limit: int) -> None:
        """Refuse a bad or too large ``Content-Length``, and one sent with ``Transfer-Encoding``.

        Both framings at once is the request-smuggling shape (RFC 9112 6.3): a proxy in front
        and the server may each pick a different one. Only bodies that declare a length pay
        for the second header lookup.
        """
        if self.header(b"transfer-encoding") is not None:
            raise BadRequest(
                "Content-Length and Transfer-Encoding together are not accepted", headers={"Connection": "close"}
            )
        try:
            declared_length = int(declared)
        except ValueError:
            raise BadRequest("Invalid Content-Length header") from None
        if declared_length > limit:
            raise PayloadTooLarge(f"Request body is larger than the limit of {limit} bytes")

    async def text(self) -> str:
        """The body decoded as UTF-8."""
        return (await self.body()).decode("utf-8", errors="replace")

    async def json(self) -> Any:
        """The body parsed as JSON (``None`` for an empty body).

        Raises:
            BadRequest: the body is not valid JSON.
        """
        if self._json is _UNSET:
            body = await self.body()
            if not body:
                self._json = None
            else:
                try:
                    self._json = orjson.loads(body)
                except orjson.JSONDecodeError as exc:
                    raise BadRequest(f"Malformed JSON body: {exc}") from None
        return self._json

    async def form(self) -> MultiDict:
        """Form fields (and files) of an urlencoded or multipart body."""
        if self._form is None:
            content_type = self.headers.get("content-type", "")
            if content_type.lower().startswith("multipart/form-data"):
                self._form = await parse_multipart(content_type, self.stream())
            else:
                self._form = parse_urlencoded(await self.body())
        return self._form

    async def files(self) -> dict[str, UploadedFile]:
        """Uploaded files of a multipart body, by field name (first file per field)."""
        form = await self.form()
        return {key: value for key, value in form.items() if isinstance(value, UploadedFile)}

    # -- websocket --------------------------------------------------------------------------
    async def accept(self, subprotocol: str | None = None, headers: dict[str, str] | None = None) -> None:
        """Accept a websocket connection."""
        message: dict[str, Any] = {"type": "websocket.accept"}
        if subprotocol is not None:
            message["subprotocol"] = subprotocol
        if headers:
            message["headers"] = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        await self._send(message)

    async def receive(self) -> Message:
        """Receive the next ASGI message (``websocket.receive`` or ``websocket.disconnect``)."""
        return await self._receive()

    async def send(self, message: Message) -> None:
        """Send a raw ASGI message."""
        await self._send(message)

    async def send_text(self, text: str) -> None:
        """Send a text frame."""
        await self._send({"type": "websocket.send", "text": text})

    async def send_json(self, data: Any) -> None:
        """Send a JSON text frame."""
        await self._send({"type": "websocket.send", "text": orjson.dumps(data).decode()})

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the websocket."""
        await self._send({"type": "websocket.close", "code": code, "reason": reason})

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.path}>"
