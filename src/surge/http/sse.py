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
        """Send events and pings until the source ends or the client disconnects.

        One task pumps the source into ``send``; this coroutine only wakes for a ping or a
        disconnect. PERF: waiting per event (a task and a timer each) cost 8x more per event.
        """
        loop = asyncio.get_running_loop()
        iterator = aiter(self.source)
        lock = asyncio.Lock()  # the pump and the pings never send at the same time
        last_sent = [loop.time()]

        async def pump() -> None:
            async for item in iterator:
                data = encode_event(item)
                async with lock:
                    await send({"type": "http.response.body", "body": data, "more_body": True})
                last_sent[0] = loop.time()
            async with lock:
                await send({"type": "http.response.body", "body": b""})

        pumping = asyncio.ensure_future(pump())
        watch = asyncio.ensure_future(_until_disconnect(self.receive)) if self.receive is not None else None
        waiting: set[asyncio.Future[Any]] = {pumping} if watch is None else {pumping, watch}
        try:
            while True:
                timeout = None if self.ping is None else max(0.0, last_sent[0] + self.ping - loop.time())
                done, _ = await asyncio.wait(waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                if pumping in done:
                    pumping.result()  # the source's own error, if it failed
                    return
                if watch is not None and watch in done:
                    return  # the client went away: the finally block cancels the pump
                if self.ping is not None and loop.time() - last_sent[0] >= self.ping:
                    async with lock:
                        await send({"type": "http.response.body", "body": _PING, "more_body": True})
                    last_sent[0] = loop.time()
        finally:
            await _stop(pumping, watch, iterator)


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
