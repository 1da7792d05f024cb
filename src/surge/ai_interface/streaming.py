"""``ChatStream``: the tokens of one streamed chat completion (``AiInterface.stream_chat``).

The upstream request starts on first use: ``await stream`` opens it (so a provider that is
down raises :class:`~surge.ai_interface.AiProviderUnavailable` before a response starts), or
iteration opens it lazily. Closing the stream (``aclose``, the end of ``async with``, a
cancelled consumer, or ``req.response.sse`` seeing the browser go away) closes the upstream
HTTP response, so the provider stops generating.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator
from typing import Any

__all__ = ["ChatStream"]

_Opener = Callable[[], Awaitable[Any]]
_Finisher = Callable[[str], Awaitable[None]]
_ErrorMapper = Callable[[BaseException], BaseException | None]


class ChatStream:
    """Async iterator of the reply's text pieces (``str``), as the provider streams them.

    Attributes:
        text: what has been received so far (the whole reply once the stream ended).
        finish_reason: the provider's ``finish_reason`` once the stream ended (``"stop"``, ...).
    """

    __slots__ = ("_chunks", "_closed", "_finish", "_map_error", "_open", "_parts", "_upstream", "finish_reason")

    def __init__(self, opener: _Opener, map_error: _ErrorMapper, on_finish: _Finisher | None = None) -> None:
        self._open = opener
        self._map_error = map_error
        self._finish = on_finish
        self._upstream: Any = None
        self._chunks: Any = None
        self._parts: list[str] = []
        self._closed = False
        self.finish_reason: str | None = None

    @property
    def text(self) -> str:
        """The reply received so far."""
        return "".join(self._parts)

    async def open(self) -> ChatStream:
        """Send the request now (once); returns the stream.

        Raises:
            AiProviderUnavailable: the provider cannot be reached or is failing (503).
            RuntimeError: the stream was already closed.
        """
        if self._closed:
            raise RuntimeError("the chat stream is closed")
        if self._upstream is None:
            self._upstream = await self._open()
            self._chunks = aiter(self._upstream)
        return self

    def __await__(self) -> Generator[Any, None, ChatStream]:
        return self.open().__await__()

    def __aiter__(self) -> ChatStream:
        return self

    async def __anext__(self) -> str:
        if self._closed:
            raise StopAsyncIteration
        try:
            await self.open()
            while True:
                try:
                    chunk = await anext(self._chunks)
                except StopAsyncIteration:
                    break
                token = self._token_of(chunk)
                if token:
                    self._parts.append(token)
                    return token
        except (Exception, asyncio.CancelledError) as exc:
            await self.aclose()
            mapped = self._map_error(exc) if isinstance(exc, Exception) else None
            if mapped is not None:
                raise mapped from exc
            raise
        await self.aclose()
        if self._finish is not None:
            await self._finish(self.text)
        raise StopAsyncIteration

    def _token_of(self, chunk: Any) -> str:
        pieces: list[str] = []
        for choice in getattr(chunk, "choices", None) or ():
            if choice.finish_reason is not None:
                self.finish_reason = choice.finish_reason
            content = getattr(choice.delta, "content", None) if choice.delta is not None else None
            if content:
                pieces.append(content)
        return "".join(pieces)

    async def aclose(self) -> None:
        """Close the upstream response (idempotent); the provider sees the connection end."""
        if self._closed:
            return
        self._closed = True
        upstream, self._upstream = self._upstream, None
        if upstream is not None:
            await upstream.close()

    async def __aenter__(self) -> ChatStream:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
