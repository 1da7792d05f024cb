"""The TestClient: httpx over ASGI with lifespan, cookies and websockets."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from surge.app import Surge
from surge.exceptions.base import SurgeError
from surge.types import ASGIApp, Message, Scope

__all__ = ["LifespanFailed", "TestClient", "WebSocketDisconnect", "WebSocketTestSession"]

_NOT_SET: Any = object()


class LifespanFailed(SurgeError, RuntimeError):
    """The app reported ``lifespan.startup.failed`` (or shutdown failed); the message says why."""


class _Lifespan:
    """Drives the app's ASGI lifespan protocol, reporting a failed startup at once.

    (asgi-lifespan waits for its timeout when an app answers ``lifespan.startup.failed``.)
    """

    def __init__(self, app: ASGIApp, timeout: float = 30) -> None:
        self.app = app
        self.timeout = timeout
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        try:
            await self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, self._to_app.get,
                           self._from_app.put)
        except BaseException as exc:  # the app crashed instead of answering
            await self._from_app.put({"type": "crashed", "message": f"{type(exc).__name__}: {exc}"})
            raise

    async def _exchange(self, kind: str) -> None:
        await self._to_app.put({"type": f"lifespan.{kind}"})
        message = await asyncio.wait_for(self._from_app.get(), timeout=self.timeout)
        if message["type"] != f"lifespan.{kind}.complete":
            raise LifespanFailed(f"Application {kind} failed: {message.get('message', '')}")

    async def startup(self) -> None:
        self._task = asyncio.create_task(self._run())
        await self._exchange("startup")

    async def shutdown(self) -> None:
        try:
            await self._exchange("shutdown")
        finally:
            if self._task is not None:
                await asyncio.gather(self._task, return_exceptions=True)


class WebSocketDisconnect(SurgeError):
    """The server closed the websocket; ``code`` and ``reason`` say how."""

    def __init__(self, code: int = 1000, reason: str = "") -> None:
        super().__init__(f"websocket closed with code {code}: {reason}")
        self.code = code
        self.reason = reason


class WebSocketTestSession:
    """One websocket connection to the app, driven from a test."""

    def __init__(self, app: ASGIApp, scope: Scope) -> None:
        self._app = app
        self._scope = scope
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.accepted_subprotocol: str | None = None

    async def _run(self) -> None:
        try:
            await self._app(self._scope, self._to_app.get, self._from_app.put)
        finally:
            await self._from_app.put({"type": "websocket.close", "code": 1006, "reason": "handler ended"})

    async def connect(self) -> None:
        """Send the handshake and wait for accept.

        Raises:
            WebSocketDisconnect: the app refused or closed the connection.
        """
        self._task = asyncio.create_task(self._run())
        await self._to_app.put({"type": "websocket.connect"})
        message = await self._next()
        if message["type"] != "websocket.accept":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason", ""))
        self.accepted_subprotocol = message.get("subprotocol")

    async def _next(self) -> Message:
        return await asyncio.wait_for(self._from_app.get(), timeout=10)

    async def send_text(self, text: str) -> None:
        """Send a text frame."""
        await self._to_app.put({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        await self._to_app.put({"type": "websocket.receive", "bytes": data})

    async def send_json(self, data: Any) -> None:
        """Send a JSON text frame."""
        await self.send_text(orjson.dumps(data).decode())

    async def receive(self) -> Message:
        """The next message from the app.

        Raises:
            WebSocketDisconnect: the app closed the connection.
        """
        message = await self._next()
        if message["type"] == "websocket.close":
            raise WebSocketDisconnect(message.get("code", 1000), message.get("reason", ""))
        return message

    async def receive_text(self) -> str:
        """The next text frame."""
        return (await self.receive())["text"]

    async def receive_bytes(self) -> bytes:
        """The next binary frame."""
        return (await self.receive())["bytes"]

    async def receive_json(self) -> Any:
        """The next text frame, parsed as JSON."""
        return orjson.loads(await self.receive_text())

    async def close(self, code: int = 1000) -> None:
        """Disconnect and wait for the handler to finish."""
        await self._to_app.put({"type": "websocket.disconnect", "code": code})
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=10)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()


class TestClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` bound to an app: ``async with TestClient(app) as client``.

    Entering runs the app's lifespan startup, leaving runs shutdown. Cookies persist across
    requests like in a browser. Unhandled exceptions propagate to the test when the app is in
    DEBUG mode (as they would crash a debug server).
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        app: Surge,
        base_url: str = "http://testserver",
        lifespan: bool = True,
        dependency_overrides: dict[Any, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        super().__init__(transport=transport, base_url=base_url, **kwargs)
        self.app = app
        self._lifespan = lifespan
        self._manager: _Lifespan | None = None
        self._overrides = dict(dependency_overrides or {})  # applied while the client is open
        self._saved_overrides: dict[Any, Any] = {}

    def _swap_overrides(self, apply: bool) -> None:
        """Apply ``dependency_overrides`` to the app on enter; put the previous ones back on exit."""
        overrides = self.app.dependency_overrides
        if apply:
            self._saved_overrides = {key: overrides.get(key, _NOT_SET) for key in self._overrides}
            overrides.update(self._overrides)
            return
        saved, self._saved_overrides = self._saved_overrides, {}
        for key, value in saved.items():
            if value is _NOT_SET:
                overrides.pop(key, None)
            else:
                overrides[key] = value

    async def __aenter__(self) -> TestClient:
        if self._overrides:
            self._swap_overrides(apply=True)
        if self._lifespan:
            manager = _Lifespan(self.app)
            try:
                await manager.startup()
            except BaseException:
                await asyncio.gather(*(t for t in [manager._task] if t is not None), return_exceptions=True)
                if self._overrides:
                    self._swap_overrides(apply=False)
                raise
            self._manager = manager
        await super().__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        await super().__aexit__(exc_type, exc, tb)
        if self._manager is not None:
            manager, self._manager = self._manager, None
            await manager.shutdown()
        if self._overrides:
            self._swap_overrides(apply=False)

    @contextlib.asynccontextmanager
    async def websocket_connect(
        self, url: str, headers: dict[str, str] | None = None, subprotocols: list[str] | None = None
    ) -> AsyncIterator[WebSocketTestSession]:
        """Open a websocket to ``url``; the client's cookies are sent with the handshake."""
        parts = urlsplit(url)
        raw_headers = [(b"host", b"testserver")]
        cookie_header = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if cookie_header:
            raw_headers.append((b"cookie", cookie_header.encode("latin-1")))
        for key, value in (headers or {}).items():
            raw_headers.append((key.lower().encode("latin-1"), value.encode("latin-1")))
        scope = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "scheme": "ws",
            "path": parts.path or "/",
            "raw_path": (parts.path or "/").encode(),
            "query_string": parts.query.encode(),
            "root_path": "",
            "headers": raw_headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "subprotocols": subprotocols or [],
        }
        session = WebSocketTestSession(self.app, scope)
        await session.connect()
        try:
            yield session
        finally:
            await session.close()
