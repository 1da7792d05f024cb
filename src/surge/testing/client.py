"""The TestClient: httpx over ASGI with lifespan, cookies and websockets."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Coroutine
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from surge.app import Surge
from surge.testing._lifespan import LifespanDriver, LifespanFailed
from surge.testing._pending import ClientNotOpen, NotAwaited, PendingRequest
from surge.testing._websocket import WebSocketDisconnect, WebSocketTestSession

__all__ = [
    "ClientNotOpen",
    "LifespanFailed",
    "NotAwaited",
    "TestClient",
    "WebSocketDisconnect",
    "WebSocketTestSession",
]

_NOT_SET: Any = object()
_URL = httpx.URL | str


class TestClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` bound to an app: ``async with TestClient(app) as client``.

    Entering runs the app's lifespan startup, leaving runs shutdown. Cookies persist across
    requests like in a browser. Unhandled exceptions propagate to the test when the app is in
    DEBUG mode (as they would crash a debug server). A request made outside the ``async with``
    block raises :class:`ClientNotOpen`; one used without ``await`` raises :class:`NotAwaited`.
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
        self._manager: LifespanDriver | None = None
        self._overrides = dict(dependency_overrides or {})  # applied while the client is open
        self._saved_overrides: dict[Any, Any] = {}
        self._open = False
        self._dropped: list[str] = []  # requests garbage-collected without being awaited

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
            manager = LifespanDriver(self.app)
            try:
                await manager.startup()
            except BaseException:
                if self._overrides:
                    self._swap_overrides(apply=False)
                raise
            self._manager = manager
        await super().__aenter__()
        self._open = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        self._open = False
        await super().__aexit__(exc_type, exc, tb)
        if self._manager is not None:
            manager, self._manager = self._manager, None
            await manager.shutdown()
        if self._overrides:
            self._swap_overrides(apply=False)
        dropped, self._dropped = self._dropped, []
        if dropped and exc_type is None:
            raise NotAwaited(f"{len(dropped)} request(s) were never awaited: " + ", ".join(dropped))

    # -- requests: each one checks the client is open and must be awaited ----------------------
    def _guard(self, label: str, coro: Coroutine[Any, Any, httpx.Response]) -> PendingRequest[httpx.Response]:
        if not self._open:
            coro.close()
            raise ClientNotOpen(
                f"TestClient is not open ({label}): use `async with TestClient(app) as client:` "
                "and `await client.get(...)`, or SyncTestClient(app) in a synchronous test"
            )
        return PendingRequest(coro, label, self._dropped.append)

    def request(self, method: str, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"request({method!r}, {str(url)!r})", super().request(method, url, **kwargs))

    def get(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"get({str(url)!r})", super().get(url, **kwargs))

    def options(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"options({str(url)!r})", super().options(url, **kwargs))

    def head(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"head({str(url)!r})", super().head(url, **kwargs))

    def post(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"post({str(url)!r})", super().post(url, **kwargs))

    def put(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"put({str(url)!r})", super().put(url, **kwargs))

    def patch(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"patch({str(url)!r})", super().patch(url, **kwargs))

    def delete(self, url: _URL, **kwargs: Any) -> PendingRequest[httpx.Response]:
        return self._guard(f"delete({str(url)!r})", super().delete(url, **kwargs))

    @contextlib.asynccontextmanager
    async def websocket_connect(
        self, url: str, headers: dict[str, str] | None = None, subprotocols: list[str] | None = None
    ) -> AsyncIterator[WebSocketTestSession]:
        """Open a websocket to ``url``; the client's cookies are sent with the handshake."""
        if not self._open:
            raise ClientNotOpen("TestClient is not open: use `async with TestClient(app) as client:` first")
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
