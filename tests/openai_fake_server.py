"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 for the AI interface tests (no network).

It speaks plain HTTP/1.1 with keep-alive on the test's own event loop, records every request
(method, path, headers, JSON body) and answers ``POST /v1/chat/completions`` with the replies
queued by the test (``server.reply(...)``), else with an echo of the last user message.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeOpenAI", "RecordedRequest", "tool_call"]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class _Reply:
    status: int
    payload: Any
    delay: float = 0.0


def tool_call(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A tool call as an assistant message carries it."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


@dataclass
class FakeOpenAI:
    """``async with FakeOpenAI() as server:`` serves on ``server.base_url`` until the block ends."""

    requests: list[RecordedRequest] = field(default_factory=list)
    _replies: deque[_Reply] = field(default_factory=deque)
    _server: asyncio.Server | None = None
    _writers: set[asyncio.StreamWriter] = field(default_factory=set)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def completions(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/chat/completions"]

    def reply(
        self,
        content: str | None = None,
        *,
        tool_calls: list[dict[str, Any]] | None = None,
        status: int = 200,
        error: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Queue the answer to the next completion request."""
        if status != 200:
            payload: Any = {"error": {"message": error or "failure", "type": "server_error", "code": None}}
        else:
            message: dict[str, Any] = {"role": "assistant", "content": content}
            if tool_calls:
                message["tool_calls"] = tool_calls
            payload = {"message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}
        self._replies.append(_Reply(status, payload, delay))

    async def __aenter__(self) -> FakeOpenAI:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await asyncio.wait_for(self._server.wait_closed(), 5)

    def _completion(self, body: dict[str, Any], reply: _Reply | None) -> tuple[int, Any, float]:
        if reply is not None and reply.status != 200:
            return reply.status, reply.payload, reply.delay
        if reply is None:
            last = next((m for m in reversed(body.get("messages", [])) if m.get("role") == "user"), {})
            reply = _Reply(200, {"message": {"role": "assistant", "content": f"echo: {last.get('content')}"},
                                 "finish_reason": "stop"})
        choice = {"index": 0, "logprobs": None, **reply.payload}
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": body.get("model", "unknown"),
            "choices": [choice],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        }, reply.delay

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            while True:
                line = await asyncio.wait_for(reader.readline(), 10)
                if not line.strip():
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    header = await asyncio.wait_for(reader.readline(), 10)
                    if header in (b"\r\n", b"\n", b""):
                        break
                    key, _, value = header.decode("latin-1").partition(":")
                    headers[key.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0"))
                raw = await asyncio.wait_for(reader.readexactly(length), 10) if length else b""
                body = json.loads(raw) if raw else None
                self.requests.append(RecordedRequest(method, target, headers, body))
                if method == "POST" and target == "/v1/chat/completions":
                    reply = self._replies.popleft() if self._replies else None
                    status, payload, delay = self._completion(body or {}, reply)
                else:
                    status, payload, delay = 404, {"error": {"message": f"no route {target}"}}, 0.0
                if delay:
                    await asyncio.sleep(delay)
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(data)}\r\n\r\n".encode()
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
