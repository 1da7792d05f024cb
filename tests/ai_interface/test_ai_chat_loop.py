"""``AiInterface.chat``: the tool loop (MAX_TOOL_STEPS, tool errors sent back to the model), chat
history kept in memory, SQLite and PostgreSQL and trimmed to HISTORY_MAX_TOKENS, and a provider
that is down answered with 503 + Retry-After, all through real requests to the local fake provider."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from loguru import logger
from pydantic import BaseModel

from surge import Request, Response
from surge.ai_interface import (
    AiInterface,
    ChatHistory,
    MemoryChatHistory,
    SqlChatHistory,
    tool,
)
from surge.ai_interface.history import estimate_tokens, trim_messages
from surge.controller import Controller, path, post
from surge.database.sql import SqlDatabase
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient

from openai_fake_server import FakeOpenAI, tool_call
from sql_targets import SqlTarget, postgres_schema_target, sqlite_target
from surge_testkit import free_port, make_app

chat_db = SqlDatabase(db_name="chat_loop_db", configs_name="CHAT_LOOP_DB")


class LoopInterface(AiInterface):
    @tool
    def add(self, a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    @tool
    async def boom(self) -> str:
        """Always fails."""
        raise ValueError("secret internals")


ai = LoopInterface()
HISTORY: dict[str, ChatHistory] = {"current": MemoryChatHistory()}


class Ask(BaseModel):
    message: str


@path("/chat")
class ChatApi(Controller):
    @post("/<conversation>")
    async def ask(self, req: Request, conversation: str) -> Response:
        """Asks the model, keeping the conversation."""
        prompt = Ask.model_validate(await req.json())
        reply = await ai.chat(
            [{"role": "user", "content": prompt.message}],
            system="You are brief.",
            history=HISTORY["current"],
            conversation_id=conversation,
        )
        return req.response.json({"answer": reply.content, "steps": reply.tool_steps})


def chat_app(base_url: str, target: SqlTarget | None = None, **section: Any) -> Any:
    settings: dict[str, Any] = {"AI_INTERFACE": {"API_KEY": "sk-test", "API_BASE_URL": base_url, **section}}
    if target is not None:
        settings["CHAT_LOOP_DB"] = target.section()
    app = make_app(ChatApi, **settings)
    if target is not None:
        app.add_extension(chat_db)
    app.add_extension(ai)
    return app


@contextlib.contextmanager
def warnings_logged() -> Iterator[list[Any]]:
    records: list[Any] = []
    sink = logger.add(lambda message: records.append(message.record), level="WARNING")
    try:
        yield records
    finally:
        logger.remove(sink)


def tool_results(body: dict[str, Any]) -> dict[str, Any]:
    return {m["tool_call_id"]: m["content"] for m in body["messages"] if m["role"] == "tool"}


# -- the tool loop ------------------------------------------------------------------------------------
async def test_the_loop_runs_the_tools_then_answers():
    HISTORY["current"] = MemoryChatHistory()
    async with FakeOpenAI() as server, TestClient(chat_app(server.base_url, RESPONSE_FORMAT=None)) as client:
        server.reply(tool_calls=[tool_call("c1", "add", {"a": 2, "b": "40"})])
        server.reply("2 + 40 = 42")
        res = await client.post("/chat/t1", json={"message": "2 + 40?"})
        assert res.status_code == 200 and res.json() == {"answer": "2 + 40 = 42", "steps": 1}
    first, second = server.completions
    assert first.body["tool_choice"] == "auto" and {t["function"]["name"] for t in first.body["tools"]} == {"add", "boom"}
    assert first.body["messages"] == [
        {"role": "system", "content": "You are brief."},
        {"role": "user", "content": "2 + 40?"},
    ]
    assert second.body["messages"][-2]["tool_calls"][0]["id"] == "c1"
    assert tool_results(second.body) == {"c1": "42"}


async def test_tool_errors_go_back_to_the_model_as_tool_messages():
    HISTORY["current"] = MemoryChatHistory()
    async with FakeOpenAI() as server, TestClient(chat_app(server.base_url)) as client:
        server.reply(tool_calls=[
            tool_call("bad", "add", {"a": 1, "c": 2}),
            {"id": "json", "type": "function", "function": {"name": "add", "arguments": "{oops"}},
            tool_call("unknown", "nope", {}),
            tool_call("raises", "boom", {}),
        ])
        server.reply("I could not add those.")
        with warnings_logged() as records:
            res = await client.post("/chat/t2", json={"message": "add"})
        assert res.status_code == 200 and res.json() == {"answer": "I could not add those.", "steps": 1}
    results = {key: json.loads(value)["error"] for key, value in tool_results(server.completions[1].body).items()}
    assert results["bad"] == "invalid arguments for 'add': b: Field required; c: Extra inputs are not permitted"
    assert results["json"] == "the arguments of 'add' are not valid JSON"
    assert results["unknown"] == "unknown tool 'nope'; the tools are: add, boom"
    assert results["raises"] == "the tool 'boom' failed (ValueError)"  # never the exception's text
    assert [r["message"] for r in records] == ["AI tool 'boom' failed"]
    assert records[0]["exception"].type is ValueError


async def test_the_loop_stops_after_max_tool_steps_with_502():
    history = HISTORY["current"] = MemoryChatHistory()
    async with FakeOpenAI() as server, TestClient(chat_app(server.base_url, MAX_TOOL_STEPS=2)) as client:
        for n in range(5):
            server.reply(tool_calls=[tool_call(f"c{n}", "add", {"a": n, "b": 1})])
        res = await client.post("/chat/t3", json={"message": "loop forever"})
        assert res.status_code == 502
        assert res.json() == {
            "status": "error",
            "message": "The assistant did not finish within the allowed tool steps",
            "data": {"tool_steps": 2},
        }
    assert len(server.completions) == 3  # two rounds of tools ran, the third request's calls did not
    assert tool_results(server.completions[2].body) == {"c0": "1", "c1": "2"}
    assert await history.load("t3") == []  # a failed turn is not stored


def test_bad_tool_steps_config_fails_at_startup():
    with pytest.raises(ImproperlyConfigured, match="AI_INTERFACE.MAX_TOOL_STEPS: Input should be greater"):
        chat_app("http://127.0.0.1:9/v1", MAX_TOOL_STEPS=0)


# -- history ------------------------------------------------------------------------------------------
@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def history_target(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SqlTarget | None]:
    if request.param == "memory":
        yield None
    elif request.param == "sqlite":
        yield sqlite_target(tmp_path)
    else:
        with postgres_schema_target(request.getfixturevalue("postgres_url"), "surge_chat") as target:
            yield target


async def test_history_keeps_each_conversation(history_target: SqlTarget | None):
    history = HISTORY["current"] = MemoryChatHistory() if history_target is None else SqlChatHistory(chat_db)
    async with FakeOpenAI() as server, TestClient(chat_app(server.base_url, history_target)) as client:
        server.reply("Hi Ana")
        assert (await client.post("/chat/ana", json={"message": "I am Ana"})).json()["answer"] == "Hi Ana"
        server.reply(tool_calls=[tool_call("c1", "add", {"a": 1, "b": 1})])
        server.reply("You are Ana")
        assert (await client.post("/chat/ana", json={"message": "Who am I?"})).json()["answer"] == "You are Ana"
        assert (await client.post("/chat/bob", json={"message": "Who am I?"})).json()["answer"] == "echo: Who am I?"
        stored = await history.load("ana")
    assert server.completions[1].body["messages"] == [
        {"role": "system", "content": "You are brief."},  # sent every turn, never stored
        {"role": "user", "content": "I am Ana"},
        {"role": "assistant", "content": "Hi Ana"},
        {"role": "user", "content": "Who am I?"},
    ]
    assert [m["role"] for m in server.completions[3].body["messages"]] == ["system", "user"]  # bob's own
    assert [(m["role"], m.get("content")) for m in stored] == [
        ("user", "I am Ana"), ("assistant", "Hi Ana"), ("user", "Who am I?"),
        ("assistant", None), ("tool", "2"), ("assistant", "You are Ana"),
    ]
    assert stored[3]["tool_calls"][0]["function"] == {"name": "add", "arguments": '{"a": 1, "b": 1}'}
    if history_target is not None:  # the rows, read with the raw driver
        rows = await history_target.fetch("SELECT conversation_id, message FROM ai_chat_messages ORDER BY id")
        assert [(cid, json.loads(text)["role"]) for cid, text in rows][:3] == [
            ("ana", "user"), ("ana", "assistant"), ("ana", "user")
        ]
        assert len(rows) == 8 and rows[-1][0] == "bob"


async def test_history_is_trimmed_to_the_token_budget():
    history = HISTORY["current"] = MemoryChatHistory()
    old = [{"role": "tool", "tool_call_id": "orphan", "content": "x" * 40}]
    old += [{"role": "user" if n % 2 else "assistant", "content": f"turn {n} " + "y" * 36} for n in range(10)]
    await history.append("long", old)
    async with FakeOpenAI() as server, TestClient(chat_app(server.base_url, HISTORY_MAX_TOKENS=60)) as client:
        res = await client.post("/chat/long", json={"message": "z" * 100})
        assert res.status_code == 200
    sent = server.completions[0].body["messages"]
    assert sent[0]["role"] == "system" and sent[-1] == {"role": "user", "content": "z" * 100}
    # 60 tokens: system (8) + the new message (29) + the newest turns that fit (15 each)
    assert [m["content"][:6] for m in sent[1:-1]] == ["turn 9"]
    assert sum(estimate_tokens(m) for m in sent) <= 60
    assert len(await history.load("long")) == 13  # everything is kept; only what is sent is trimmed


def test_trim_keeps_system_and_the_question_and_drops_orphan_tool_results():
    messages = [
        {"role": "system", "content": "s"},
        {"role": "assistant", "tool_calls": [{"id": "1", "function": {"name": "add", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "1", "content": "a" * 400},
        {"role": "tool", "tool_call_id": "2", "content": "b"},
        {"role": "user", "content": "q" * 400},
    ]
    kept = trim_messages(messages, 20)
    assert kept == [messages[0], messages[4]]  # the question stays even past the budget
    assert trim_messages(messages, 10_000) == messages
    assert trim_messages(messages[:1] + messages[3:], 10_000) == [messages[0], messages[4]]  # orphan at the head


# -- the provider is down -----------------------------------------------------------------------------
async def test_a_provider_that_is_down_is_503_with_retry_after_and_one_log_record():
    HISTORY["current"] = MemoryChatHistory()
    closed = f"http://127.0.0.1:{free_port()}/v1"
    async with TestClient(chat_app(closed, UNAVAILABLE_RETRY_AFTER=9, MAX_RETRIES=1)) as client:
        with warnings_logged() as records:
            res = await client.post("/chat/down", json={"message": "hello"})
    assert res.status_code == 503 and res.headers["retry-after"] == "9"
    assert res.json() == {"status": "error", "message": "The AI provider is unavailable, retry later"}
    assert [r["message"] for r in records] == [f"AI provider {closed} unavailable (cannot connect); answering 503"]
    assert records[0]["exception"] is None  # no traceback per request


async def test_provider_errors_timeouts_and_retries():
    HISTORY["current"] = MemoryChatHistory()
    async with FakeOpenAI() as server:
        async with TestClient(chat_app(server.base_url)) as client:
            server.reply(status=503, error="overloaded", headers={"retry-after": "7"})
            res = await client.post("/chat/a", json={"message": "x"})
            assert res.status_code == 503 and res.headers["retry-after"] == "7"  # the provider's own
            server.reply(status=429, error="slow down")
            assert (await client.post("/chat/a", json={"message": "x"})).status_code == 503
            server.reply(status=400, error="bad request")
            assert (await client.post("/chat/a", json={"message": "x"})).status_code == 500  # not an outage
        async with TestClient(chat_app(server.base_url, TIMEOUT=0.3)) as client:
            server.reply("too late", delay=1.5)
            with warnings_logged() as records:
                res = await client.post("/chat/b", json={"message": "x"})
            assert res.status_code == 503 and res.headers["retry-after"] == "5"
            assert [r["message"] for r in records] == [
                f"AI provider {server.base_url} unavailable (timed out); answering 503"
            ]
        async with TestClient(chat_app(server.base_url, MAX_RETRIES=2)) as client:
            before = len(server.completions)
            server.reply(status=500, error="blip", headers={"retry-after-ms": "10"})
            server.reply(status=502, error="blip", headers={"retry-after-ms": "10"})
            res = await client.post("/chat/c", json={"message": "third time"})
            assert res.status_code == 200 and res.json()["answer"] == "echo: third time"
            assert len(server.completions) - before == 3
