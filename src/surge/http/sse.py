"""Server-Sent Events: ``req.response.sse(events)`` sends ``text/event-stream`` with keep-alive pings.

Each item of the source becomes one event: a ``str`` is its data, a ``dict``/``list`` is sent
as JSON data, a :class:`ServerSentEvent` sets the data, event name, id and retry. While the
source is quiet a comment line (``: ping``) goes out every ``ping`` seconds, so proxies keep
the connection open; when the client goes away (``http.disconnect``) the source is cancelled
and closed, so its ``finally`` blocks run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Any

from surge.http.json_codec import dumps
from surge.types import Receive, Send

__all__ = ["DEFAULT_PING_SECONDS", "EventStream", "ServerSentEvent", "encode_event"]

DEFAULT_PING_SECONDS = 15.0
_PING = b": ping\n\n"


@dataclass(slots=True)
class ServerSentEvent:
    """One event: ``data`` (str, or anything JSON can carry), and the optional fields of the format."""

    data: Any = None
    event: str | None = None
    id: str | int | None = None
    retry: int | None = None
    comment: str | None = None


def _field(name: str, value: str) -> str:
    if "\n" in value or "\r" in value or "\0" in value:
        raise ValueError(f"The SSE {name} cannot hold line breaks or NUL: {value!r}")
    return f"{name}: {value}\n"


def _data_lines(data: Any) -> str:
    text = data if isinstance(data, str) else dumps(data).decode("utf-8")
    return "".join(f"data: {line}\n" for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def encode_event(item: ServerSentEvent | str | Any) -> bytes:
    """The wire form of one event (str/bytes data, JSON for anything else), ending in a blank line.

    Raises:
        ValueError: an event name or id holds a line break (it would forge fields).
    """
    if isinstance(item, bytes):
        item = item.decode("utf-8")
    if not isinstance(item, ServerSentEvent):
        return (_data_lines(item) + "\n").encode("utf-8")
    parts: list[str] = []
    if item.comment is not None:
        parts.extend(f": {line}\n" for line in item.comment.splitlines() or [""])
    if item.event is not None:
        parts.append(_field("event", item.event))
    if item.id is not None:
        parts.append(_field("id", str(item.id)))
    if item.retry is not None:
        parts.append(f"retry: {int(item.retry)}\n")
    if item.data is not None:
        parts.append(_data_lines(item.data))
    return ("".join(parts) + "\n").encode("utf-8")


async def _until_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _next(iterator: AsyncIterator[Any]) -> Any:
    return await anext(iterator)


class EventStream:
    """The body of an SSE response: sent by :meth:`run`, once the response has started."""

    __slots__ = ("ping", "receive", "source")

    def __init__(self, source: AsyncIterable[Any], ping: float | None, receive: Receive | None) -> None:
        self.source = source
        self.ping = ping
        self.receive = receive

    def __aiter__(self) -> AsyncIterator[bytes]:
        """The encoded events (no pings, no disconnect watch): for code that reads a stream's chunks."""
        return (encode_event(item) async for item in self.source)

    async def run(self, send: Send) -> None:
        """Send events and pings until the source ends or the client disconnects."""
        iterator = aiter(self.source)
        watch = asyncio.ensure_future(_until_disconnect(self.receive)) if self.receive is not None else None
        pending: asyncio.Future[Any] | None = None
        try:
            while True:
                pending = asyncio.ensure_future(_next(iterator))
                waiting: set[asyncio.Future[Any]] = {pending} if watch is None else {pending, watch}
                while not pending.done():
                    done, _ = await asyncio.wait(
                        waiting, timeout=self.ping, return_when=asyncio.FIRST_COMPLETED
                    )
                    if watch is not None and watch in done:
                        return  # the client went away: the finally block cancels and closes the source
                    if not done:
                        await send({"type": "http.response.body", "body": _PING, "more_body": True})
                try:
                    item = pending.result()
                except StopAsyncIteration:
                    break
                pending = None
                await send({"type": "http.response.body", "body": encode_event(item), "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await _stop(pending, watch, iterator)


async def _stop(
    pending: asyncio.Future[Any] | None, watch: asyncio.Future[Any] | None, iterator: Any
) -> None:
    """Cancel what is still running and close the source (its ``finally`` blocks run)."""
    for task in (pending, watch):
        if task is not None and not task.done():
            task.cancel()
            await asyncio.wait({task})  # not ``await task``: that would swallow our own cancellation
        if task is not None and task.done() and not task.cancelled():
            task.exception()  # retrieved: a failed source is not logged again by the loop
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        with contextlib.suppress(Exception):
            await aclose()
