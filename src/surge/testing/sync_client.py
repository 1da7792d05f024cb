"""SyncTestClient: the TestClient for synchronous tests, as FastAPI and Starlette users write them.

The app runs on an event loop in a background thread that the client owns; every call hands a
coroutine to that loop and waits for its result, so the app, its lifespan and its websockets
live on one loop for the client's whole life.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
from collections.abc import Awaitable, Callable, Iterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from surge.app import Surge
from surge.testing._websocket import WebSocketTestSession
from surge.testing.client import TestClient
from surge.types import Message

__all__ = ["SyncTestClient", "SyncWebSocketSession"]

T = TypeVar("T")
_URL = httpx.URL | str


class _LoopThread:
    """An asyncio event loop running in a daemon thread (it never holds up interpreter exit)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="surge-test-client", daemon=True)
        self._thread.start()

    def call(self, fn: Callable[[], Awaitable[T]]) -> T:
        async def run() -> T:
            return await fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result()

    def stop(self) -> None:
        async def cancel_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        self.call(cancel_rest)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join()
        self.loop.close()


class SyncWebSocketSession:
    """A websocket connection driven from a synchronous test (the methods of WebSocketTestSession)."""

    def __init__(self, loop: _LoopThread, session: WebSocketTestSession) -> None:
        self._loop = loop
        self._session = session

    @property
    def accepted_subprotocol(self) -> str | None:
        """The subprotocol the app accepted, if any."""
        return self._session.accepted_subprotocol

    def send_text(self, text: str) -> None:
        """Send a text frame."""
        self._loop.call(lambda: self._session.send_text(text))

    def send_bytes(self, data: bytes) -> None:
        """Send a binary frame."""
        self._loop.call(lambda: self._session.send_bytes(data))

    def send_json(self, data: Any) -> None:
        """Send a JSON text frame."""
        self._loop.call(lambda: self._session.send_json(data))

    def receive(self) -> Message:
        """The next message from the app (raises WebSocketDisconnect once the app closed)."""
        return self._loop.call(self._session.receive)

    def receive_text(self) -> str:
        """The next text frame."""
        return self._loop.call(self._session.receive_text)

    def receive_bytes(self) -> bytes:
        """The next binary frame."""
        return self._loop.call(self._session.receive_bytes)

    def receive_json(self) -> Any:
        """The next text frame, parsed as JSON."""
        return self._loop.call(self._session.receive_json)

    def close(self, code: int = 1000) -> None:
        """Disconnect and wait for the handler to finish."""
        self._loop.call(lambda: self._session.close(code))


class SyncTestClient:
    """The synchronous twin of :class:`~surge.testing.TestClient`: ``with SyncTestClient(app) as client``.

    Entering runs the app's lifespan startup, leaving runs shutdown. Used without ``with``
    (``client = SyncTestClient(app)`` at module level, as FastAPI's docs do), the first request
    starts the app the same way and :meth:`close` shuts it down.
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
        self.app = app
        self._client = TestClient(
            app, base_url=base_url, lifespan=lifespan, dependency_overrides=dependency_overrides, **kwargs
        )
        self._loop: _LoopThread | None = None
        self._lock = threading.Lock()

    @property
    def cookies(self) -> httpx.Cookies:
        """The cookie jar, kept across requests like a browser's."""
        return self._client.cookies

    @property
    def headers(self) -> httpx.Headers:
        """Headers sent with every request."""
        return self._client.headers

    @property
    def base_url(self) -> httpx.URL:
        """The URL requests are relative to."""
        return self._client.base_url

    def _open(self) -> _LoopThread:
        with self._lock:
            if self._loop is None:
                loop = _LoopThread()
                try:
                    loop.call(self._client.__aenter__)
                except BaseException:
                    loop.stop()
                    raise
                self._loop = loop
            return self._loop

    def __enter__(self) -> SyncTestClient:
        self._open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            try:
                loop.call(lambda: self._client.__aexit__(exc_type, exc, tb))
            finally:
                loop.stop()

    def close(self) -> None:
        """Shut the app down (lifespan shutdown) and stop the client's event loop."""
        self.__exit__()

    def request(self, method: str, url: _URL, **kwargs: Any) -> httpx.Response:
        """Send a request and return its response (httpx's keyword arguments)."""
        client = self._client
        return self._open().call(lambda: client.request(method, url, **kwargs))

    def get(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """GET ``url``."""
        return self.request("GET", url, **kwargs)

    def options(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """OPTIONS ``url``."""
        return self.request("OPTIONS", url, **kwargs)

    def head(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """HEAD ``url``."""
        return self.request("HEAD", url, **kwargs)

    def post(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """POST to ``url`` (``json=``, ``data=``, ``files=``, ``content=``)."""
        return self.request("POST", url, **kwargs)

    def put(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """PUT to ``url``."""
        return self.request("PUT", url, **kwargs)

    def patch(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """PATCH ``url``."""
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: _URL, **kwargs: Any) -> httpx.Response:
        """DELETE ``url``."""
        return self.request("DELETE", url, **kwargs)

    @contextlib.contextmanager
    def websocket_connect(
        self, url: str, headers: dict[str, str] | None = None, subprotocols: list[str] | None = None
    ) -> Iterator[SyncWebSocketSession]:
        """Open a websocket to ``url``; the client's cookies are sent with the handshake."""
        loop = self._open()
        manager = self._client.websocket_connect(url, headers=headers, subprotocols=subprotocols)
        session = loop.call(manager.__aenter__)
        try:
            yield SyncWebSocketSession(loop, session)
        except BaseException as exc:
            if not loop.call(functools.partial(manager.__aexit__, type(exc), exc, exc.__traceback__)):
                raise
        else:
            loop.call(lambda: manager.__aexit__(None, None, None))
