"""Streamed bodies: any iterable becomes an async iterable, sync ones iterated in a worker thread."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from typing import TypeVar

import anyio.to_thread

from surge.types import Send

__all__ = ["StreamContent", "as_async_iterable", "iterate_in_thread", "prepend", "send_chunks"]

T = TypeVar("T")

StreamContent = AsyncIterable[bytes | str] | Iterable[bytes | str]
"""What ``Response.stream()`` takes: an async iterable, or a sync one (a generator, a file, a list)."""

_DONE = object()


def _next(iterator: Iterator[T]) -> object:
    return next(iterator, _DONE)


async def iterate_in_thread(iterable: Iterable[T]) -> AsyncIterator[T]:
    """Iterate ``iterable`` one item at a time in a worker thread, so a blocking generator
    (a file read, a database cursor, a ``time.sleep``) never stalls the event loop.

    A generator is closed (its ``finally`` blocks run) when the stream stops early, e.g. when
    the client goes away.
    """
    iterator = iter(iterable)
    try:
        while True:
            item = await anyio.to_thread.run_sync(_next, iterator)
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            await anyio.to_thread.run_sync(close)


async def prepend(first: T, rest: AsyncIterator[T]) -> AsyncIterator[T]:
    """``first``, then the items of ``rest`` (which is closed when the stream stops early)."""
    try:
        yield first
        async for item in rest:
            yield item
    finally:
        aclose = getattr(rest, "aclose", None)
        if aclose is not None:
            await aclose()


async def _single(chunk: bytes | str) -> AsyncIterator[bytes | str]:
    yield chunk


def as_async_iterable(content: StreamContent) -> AsyncIterable[bytes | str]:
    """``content`` as an async iterable: as it is, one chunk (str/bytes), or iterated in a thread.

    Raises:
        TypeError: ``content`` is not iterable at all.
    """
    if isinstance(content, AsyncIterable):
        return content
    if isinstance(content, (str, bytes, bytearray, memoryview)):
        return _single(bytes(content) if not isinstance(content, str) else content)
    if not isinstance(content, Iterable):
        raise TypeError(
            f"stream() takes an iterable or async iterable of str/bytes, got {type(content).__name__}"
        )
    return iterate_in_thread(content)


async def send_chunks(iterator: AsyncIterator[bytes | str], first: bytes | str | None, send: Send) -> None:
    """Send ``first`` (when given) and the rest of ``iterator`` as body messages, then end the body.

    The iterator is closed however the sending ends (a client gone, an error), so an async
    generator's ``finally`` blocks run now rather than whenever it is garbage-collected.
    """
    try:
        if first:
            await send(
                {
                    "type": "http.response.body",
                    "body": first.encode() if isinstance(first, str) else first,
                    "more_body": True,
                }
            )
        async for chunk in iterator:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if data:
                await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        aclose = getattr(iterator, "aclose", None)
        if aclose is not None:
            await aclose()
