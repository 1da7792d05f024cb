"""``AiInterface.stream_chat``: tokens from the provider's SSE stream, sent to the browser with
``req.response.sse``; a browser that goes away closes the upstream request (real granian server)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from served_ai_chat import ai, create_app

from surge.ai_interface import AiProviderUnavailable, MemoryChatHistory
from surge.testing import TestClient

from openai_fake_server import FakeOpenAI
from surge_testkit import free_port, wait_until_up

HERE = Path(__file__).resolve().parent


def data_lines(body: str) -> list[str]:
    return [line[len("data: "):] for line in body.split("\n") if line.startswith("data: ")]


async def test_tokens_are_sent_as_server_sent_events():
    async with FakeOpenAI() as server, TestClient(create_app(server.base_url)) as client:
        server.reply_stream(["Hel", "lo", " world"])
        res = await client.get("/stream", params={"q": "greet"})
        assert res.status_code == 200 and res.headers["content-type"] == "text/event-stream"
        assert data_lines(res.text) == ["Hel", "lo", " world"]
        res = await client.get("/lazy")
        assert data_lines(res.text) == ["echo", ": ", "lazy"]
    request = server.completions[0].body
    assert request["stream"] is True and request["messages"] == [{"role": "user", "content": "greet"}]
    assert "response_format" not in request and "tools" not in request
    assert server.streams[0].completed and server.streams[0].sent == 3


async def test_stream_chat_in_code_keeps_the_history_and_closes():
    history = MemoryChatHistory()
    async with FakeOpenAI() as server, TestClient(create_app(server.base_url)):
        server.reply_stream(["4", "2"])
        stream = ai.stream_chat([{"role": "user", "content": "6 * 7?"}], history=history, conversation_id="c")
        assert [token async for token in stream] == ["4", "2"]
        assert stream.text == "42" and stream.finish_reason == "stop"
        server.reply_stream(["again"])
        async with ai.stream_chat([{"role": "user", "content": "more"}], history=history, conversation_id="c") as s:
            assert [token async for token in s] == ["again"]
        server.reply_stream(["never", "stored"], delay=0.05)
        async with ai.stream_chat([{"role": "user", "content": "cut"}], history=history, conversation_id="c") as s:
            assert await anext(s) == "never"  # left early: the turn is not stored
        await asyncio.wait_for(server.streams[2].closed_by_client.wait(), 5)
    assert await history.load("c") == [
        {"role": "user", "content": "6 * 7?"},
        {"role": "assistant", "content": "42"},
        {"role": "user", "content": "more"},
        {"role": "assistant", "content": "again"},
    ]
    assert server.completions[1].body["messages"][:2] == [
        {"role": "user", "content": "6 * 7?"},
        {"role": "assistant", "content": "42"},
    ]


async def test_a_provider_that_is_down_is_503_before_the_stream_starts():
    async with TestClient(create_app(f"http://127.0.0.1:{free_port()}/v1")) as client:
        res = await client.get("/stream", params={"q": "x"})
        assert res.status_code == 503 and res.headers["retry-after"] == "5"
        assert res.json() == {"status": "error", "message": "The AI provider is unavailable, retry later"}
        with pytest.raises(AiProviderUnavailable):
            await ai.stream_chat([{"role": "user", "content": "x"}])


async def test_a_browser_that_disconnects_cancels_the_upstream_call():
    async with FakeOpenAI() as server:
        server.reply_stream([f"t{n} " for n in range(400)], delay=0.05)
        port = free_port()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "SURGE_TEST_AI_BASE_URL": server.base_url}
        command = [sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--working-dir", str(HERE), "--factory", "--log-level", "warning", "served_ai_chat:create_app"]
        process = await asyncio.to_thread(
            subprocess.Popen,
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            await asyncio.to_thread(wait_until_up, url + "/missing", process)
            async with httpx.AsyncClient(timeout=10) as client, client.stream("GET", url + "/stream?q=go") as res:
                assert res.headers["content-type"] == "text/event-stream"
                received: list[str] = []
                async for line in res.aiter_lines():
                    if line.startswith("data: "):
                        received.append(line[len("data: "):])
                    if len(received) == 3:
                        break
            assert received == ["t0 ", "t1 ", "t2 "]
            stream = server.streams[0]
            await asyncio.wait_for(stream.closed_by_client.wait(), 5)  # the provider saw the connection close
            assert not stream.completed and stream.sent < 100
        finally:
            os.killpg(process.pid, 15)
            try:
                await asyncio.to_thread(process.wait, 15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait(timeout=5)
