"""A websocket connection to an app, driven from a test."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from surge.exceptions.base import SurgeError
from surge.types import ASGIApp, Message, Scope

__all__ = ["WebSocketDisconnect", "WebSocketTestSession"]


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
        text: str = (await self.receive())["text"]
        return text

    async def receive_bytes(self) -> bytes:
        """The next binary frame."""
        data: bytes = (await self.receive())["bytes"]
        return data

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
