"""Driving an app's ASGI lifespan from a test client."""

from __future__ import annotations

import asyncio

from surge.exceptions.base import SurgeError
from surge.types import ASGIApp, Message

__all__ = ["LifespanDriver", "LifespanFailed"]


class LifespanFailed(SurgeError, RuntimeError):
    """The app reported ``lifespan.startup.failed`` (or shutdown failed); the message says why."""


class LifespanDriver:
    """Drives the app's ASGI lifespan protocol, reporting a failed startup at once.

    (asgi-lifespan waits for its timeout when an app answers ``lifespan.startup.failed``.)
    """

    def __init__(self, app: ASGIApp, timeout: float = 30) -> None:
        self.app = app
        self.timeout = timeout
        self._to_app: asyncio.Queue[Message] = asyncio.Queue()
        self._from_app: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

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
        """Send ``lifespan.startup`` and wait for the app's answer."""
        self.task = asyncio.create_task(self._run())
        try:
            await self._exchange("startup")
        except BaseException:
            await asyncio.gather(self.task, return_exceptions=True)
            raise

    async def shutdown(self) -> None:
        """Send ``lifespan.shutdown``, wait for the answer and for the app's lifespan task."""
        try:
            await self._exchange("shutdown")
        finally:
            if self.task is not None:
                await asyncio.gather(self.task, return_exceptions=True)
