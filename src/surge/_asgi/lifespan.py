"""The ASGI lifespan protocol, and starting an app exactly once when the server sends none."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

from surge.types import Receive, Send

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["Lifespan", "StartGate", "run_lifespan"]


class Lifespan(Protocol):
    """What the lifespan protocol drives."""

    @property
    def logger(self) -> Logger: ...

    @property
    def shutdown_timeout(self) -> float: ...

    async def startup(self) -> None: ...

    async def drain(self) -> int: ...

    async def shutdown(self) -> None: ...


class StartGate:
    """Runs ``start`` once, however many first requests arrive together.

    Without a lifespan the first request starts the app; requests that arrive while it is
    starting wait for it instead of running against a half-started app.
    """

    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None

    async def run_once(self, started: Callable[[], bool], start: Callable[[], Awaitable[None]]) -> None:
        """Await ``start()`` unless ``started()``; concurrent callers wait for the one that starts."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if not started():
                await start()

    def reset(self) -> None:
        """Forget the lock (an app shut down may start again on another event loop)."""
        self._lock = None


async def run_lifespan(app: Lifespan, receive: Receive, send: Send) -> None:
    """Answer the server's lifespan messages; a failing startup is reported, not raised.

    On shutdown, in-flight requests get up to ``SHUTDOWN_TIMEOUT`` to finish before the
    shutdown hooks close what they use.
    """
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
                left = await app.drain()
                if left:
                    app.logger.warning(
                        f"Shutting down with {left} request(s) still in flight after SHUTDOWN_TIMEOUT="
                        f"{app.shutdown_timeout:g}s"
                    )
                await app.shutdown()
            except Exception as exc:
                await send({"type": "lifespan.shutdown.failed", "message": f"{type(exc).__name__}: {exc}"})
                return
            await send({"type": "lifespan.shutdown.complete"})
            return
