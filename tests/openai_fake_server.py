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

__all__ = ["FakeOpenAI", "RecordedRequest", "RecordedStream", "fake_embeddings", "fake_vector", "tool_call"]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}


def fake_vector(text: str, dimensions: int = 16) -> list[float]:
    """A bag-of-words vector: texts sharing words point the same way (what /v1/embeddings returns)."""
    vector = [0.0] * dimensions
    for word in text.lower().split():
        vector[sum(word.encode()) % dimensions] += 1.0
    return vector


def fake_embeddings(body: dict[str, Any]) -> dict[str, Any]:
    texts = body.get("input", [])
    texts = [texts] if isinstance(texts, str) else texts
    dimensions = int(body.get("dimensions") or 16)
    return {
        "object": "list",
        "model": body.get("model", "unknown"),
        "data": [
            {"object": "embedding", "index": index, "embedding": fake_vector(text, dimensions)}
            for index, text in reversed(list(enumerate(texts)))  # out of order: clients must sort by index
        ],
        "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
    }


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
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _StreamReply:
    tokens: list[str]
    delay: float = 0.0


@dataclass
class RecordedStream:
    """One streamed completion: how many token chunks went out, and whether the client hung up."""

    tokens: list[str]
    sent: int = 0
    completed: bool = False
    closed_by_client: asyncio.Event = field(default_factory=asyncio.Event)


def _chunk(index: int, delta: dict[str, Any], finish_reason: str | None, model: str) -> bytes:
    payload = {
        "id": "chatcmpl-stream",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }
    return _chunked(f"data: {json.dumps(payload)}\n\n".encode())


def _chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def tool_call(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """A tool call as an assistant message carries it."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


@dataclass
class FakeOpenAI:
    """``async with FakeOpenAI() as server:`` serves on ``server.base_url`` until the block ends."""

    requests: list[RecordedRequest] = field(default_factory=list)
    streams: list[RecordedStream] = field(default_factory=list)
    _replies: deque[_Reply | _StreamReply] = field(default_factory=deque)
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
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue the answer to the next completion request (``headers``: extra response headers)."""
        if status != 200:
            payload: Any = {"error": {"message": error or "failure", "type": "server_error", "code": None}}
        else:
            message: dict[str, Any] = {"role": "assistant", "content": content}
            if tool_calls:
                message["tool_calls"] = tool_calls
            payload = {"message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}
        self._replies.append(_Reply(status, payload, delay, dict(headers or {})))

    def reply_stream(self, tokens: list[str], *, delay: float = 0.0) -> None:
        """Queue a streamed answer (``stream: true`` requests): one SSE chunk per token, ``delay`` apart."""
        self._replies.append(_StreamReply(list(tokens), delay))

    async def _stream_completion(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: dict[str, Any], reply: Any
    ) -> None:
        """Send SSE ``data:`` chunks then ``[DONE]``; note when the client closes the connection."""
        if not isinstance(reply, _StreamReply):
            last = next((m for m in reversed(body.get("messages", [])) if m.get("role") == "user"), {})
            reply = _StreamReply(["echo", ": ", str(last.get("content"))])
        record = RecordedStream(reply.tokens)
        self.streams.append(record)
        model = body.get("model", "unknown")
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
            b"connection: close\r\n\r\n" + _chunk(0, {"role": "assistant", "content": ""}, None, model)
        )
        hangup = asyncio.ensure_future(reader.read(1))  # b"" (EOF) once the client closes
        try:
            for token in reply.tokens:
                if hangup.done():
                    break
                writer.write(_chunk(0, {"content": token}, None, model))
                await writer.drain()
                record.sent += 1
                if reply.delay:
                    await asyncio.wait({hangup}, timeout=reply.delay)
            else:
                writer.write(_chunk(0, {}, "stop", model) + _chunked(b"data: [DONE]\n\n") + b"0\r\n\r\n")
                await writer.drain()
                record.completed = True
                return
            record.closed_by_client.set()
        except ConnectionError:
            record.closed_by_client.set()
        finally:
            hangup.cancel()

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

    @property
    def embedding_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/embeddings"]

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
                queued_next = self._replies[0] if self._replies and target == "/v1/chat/completions" else None
                extra = queued_next.headers if isinstance(queued_next, _Reply) else {}
                if method == "POST" and target == "/v1/chat/completions" and (body or {}).get("stream"):
                    queued = self._replies.popleft() if self._replies else None
                    if not isinstance(queued, _Reply) or queued.status == 200:
                        await self._stream_completion(reader, writer, body, queued)
                        break
                    status, payload, delay = self._completion(body, queued)
                elif method == "POST" and target == "/v1/chat/completions":
                    reply = self._replies.popleft() if self._replies else None
                    assert not isinstance(reply, _StreamReply), "a streamed reply queued for a plain request"
                    status, payload, delay = self._completion(body or {}, reply)
                elif method == "POST" and target == "/v1/embeddings":
                    status, payload, delay = 200, fake_embeddings(body or {}), 0.0
                else:
                    status, payload, delay = 404, {"error": {"message": f"no route {target}"}}, 0.0
                if delay:
                    await asyncio.sleep(delay)
                data = json.dumps(payload).encode()
                writer.write(
                    f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\ncontent-type: application/json\r\n"
                    f"content-length: {len(data)}\r\n".encode()
                    + "".join(f"{key}: {value}\r\n" for key, value in extra.items()).encode()
                    + b"\r\n"
                    + data
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()
