"""@cache.cache end to end through the TestClient, on the memory, SQLite and Redis backends."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from loguru import logger
from pydantic import BaseModel

from surge import Request, Response
from surge.caching import Cache
from surge.controller import Controller, before_request, get, path, post, produces
from surge.controller.spec import add_controller_guard
from surge.exceptions import ImproperlyConfigured
from surge.testing import TestClient

from surge_testkit import make_app

cache = Cache()
calls: dict[str, int] = {}
gate: dict[str, Any] = {}


def count(name: str) -> int:
    calls[name] = calls.get(name, 0) + 1
    return calls[name]


class PublicItem(BaseModel):
    id: int
    name: str


async def load_user(req: Request) -> None:
    """A stand-in for an auth guard: the user comes from a header."""
    user_id = req.headers.get("x-user")
    if user_id is not None:
        req.user = {"id": user_id}


@path("/api")
class ItemsApi(Controller):
    @before_request
    async def arrived(self, req: Request) -> None:
        gate["arrived"] = gate.get("arrived", 0) + 1

    @get("/items/<int:item_id>")
    @produces("application/json")
    @cache.cache(duration=60)
    async def get_item(self, req: Request, item_id: int) -> Response:
        n = count("get_item")
        return req.response.json({"id": item_id, "call": n, "q": dict(req.query_params)}).set_header("x-version", "7")

    @get("/plain", status_code=203)
    @cache.cache()
    async def plain(self, req: Request) -> dict[str, Any]:
        return {"call": count("plain")}

    @get("/model")
    @cache.cache()
    async def model(self, req: Request) -> Response[PublicItem]:
        return req.response.json({"id": 1, "name": "n", "secret": f"s{count('model')}"})

    @get("/text")
    @cache.cache()
    def text(self, req: Request) -> Response:
        return req.response.text(f"call {count('text')}")

    @get("/me")
    @cache.cache()
    async def me(self, req: Request) -> dict[str, Any]:
        return {"user": req.user["id"] if req.user else None, "call": count("me")}

    @get("/cookie")
    @cache.cache()
    async def cookie(self, req: Request) -> Response:
        return req.response.json({"call": count("cookie")}).set_cookie("sid", "x")

    @get("/missing")
    @cache.cache()
    async def missing(self, req: Request) -> Response:
        return req.response.json({"call": count("missing")}).status(404)

    @get("/boom")
    @cache.cache()
    async def boom(self, req: Request) -> dict[str, Any]:
        count("boom")
        raise RuntimeError("handler failed")

    @post("/items/<int:item_id>")
    @cache.cache()
    async def post_item(self, req: Request, item_id: int) -> dict[str, Any]:
        return {"call": count("post_item")}

    @get("/link")
    @cache.cache()
    async def link(self, req: Request) -> dict[str, Any]:
        # a page that builds a link from the Host header, as password-reset pages do
        return {"link": f"http://{req.header('host')}/reset", "call": count("link")}

    @get("/slow")
    @cache.cache()
    async def slow(self, req: Request) -> dict[str, Any]:
        n = count("slow")
        await gate["release"].wait()
        return {"call": n}


add_controller_guard(ItemsApi, load_user)


@pytest.fixture(params=["memory", "sqlite", "redis"])
def cache_settings(request: pytest.FixtureRequest, tmp_path) -> dict[str, Any]:
    """The CACHE section for each backend; Redis runs against the real server on 127.0.0.1."""
    prefix = f"test:{uuid.uuid4().hex}:"
    if request.param == "memory":
        return {}
    if request.param == "sqlite":
        return {"BACKEND": "surge.caching:SqliteCacheBackend", "SQLITE_PATH": str(tmp_path / "cache.db")}
    redis_url = request.getfixturevalue("redis_url")
    return {"BACKEND": "surge.caching:RedisCacheBackend", "REDIS_URL": redis_url, "KEY_PREFIX": prefix}


@pytest.fixture
async def client(cache_settings):
    calls.clear()
    gate.clear()
    app = make_app(ItemsApi, CACHE=cache_settings)
    app.add_extension(cache)
    async with TestClient(app) as c:
        yield c
        await cache.clear()


async def test_second_request_is_served_from_the_cache(client):
    first = await client.get("/api/items/1")
    second = await client.get("/api/items/1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == {"id": 1, "call": 1, "q": {}}
    assert second.headers["x-version"] == "7"
    assert second.headers["content-type"] == "application/json"
    assert calls["get_item"] == 1


async def test_key_covers_route_params_and_query(client):
    await client.get("/api/items/1")
    assert (await client.get("/api/items/2")).json()["call"] == 2
    assert (await client.get("/api/items/1?a=1&b=2")).json()["call"] == 3
    assert (await client.get("/api/items/1?b=2&a=1")).json()["call"] == 3
    assert (await client.get("/api/items/1?a=9")).json()["call"] == 4
    assert (await client.get("/api/items/1")).json()["call"] == 1


async def test_plain_values_keep_status_and_response_models_filter(client):
    for _ in range(2):
        response = await client.get("/api/plain")
        assert response.status_code == 203
        assert response.json() == {"call": 1}
    for _ in range(2):
        assert (await client.get("/api/model")).json() == {"id": 1, "name": "n"}
    assert calls["model"] == 1


async def test_sync_handler_text_body(client):
    assert (await client.get("/api/text")).text == "call 1"
    response = await client.get("/api/text")
    assert response.text == "call 1"
    assert response.headers["content-type"].startswith("text/plain")


async def test_entries_are_per_user_when_a_user_is_set(client):
    assert (await client.get("/api/me", headers={"x-user": "alice"})).json() == {"user": "alice", "call": 1}
    assert (await client.get("/api/me", headers={"x-user": "bob"})).json() == {"user": "bob", "call": 2}
    assert (await client.get("/api/me")).json() == {"user": None, "call": 3}
    assert (await client.get("/api/me", headers={"x-user": "alice"})).json() == {"user": "alice", "call": 1}
    assert (await client.get("/api/me")).json() == {"user": None, "call": 3}


async def test_uncacheable_responses_are_recomputed(client):
    for expected in (1, 2):
        response = await client.get("/api/cookie")
        assert response.json() == {"call": expected}
        assert "sid=x" in response.headers["set-cookie"]
    for expected in (1, 2):
        response = await client.get("/api/missing")
        assert response.status_code == 404
        assert response.json() == {"call": expected}
    for expected in (1, 2):
        assert (await client.get("/api/boom")).status_code == 500
        assert calls["boom"] == expected


async def test_only_get_is_cached(client):
    assert (await client.post("/api/items/1")).json() == {"call": 1}
    assert (await client.post("/api/items/1")).json() == {"call": 2}


async def test_concurrent_misses_compute_once(client):
    gate["release"] = asyncio.Event()
    requests = asyncio.gather(*(client.get("/api/slow") for _ in range(8)))
    task = asyncio.ensure_future(requests)
    async with asyncio.timeout(20):
        while gate.get("arrived", 0) < 8:  # noqa: ASYNC110 - polling state changed by other tasks
            await asyncio.sleep(0.01)
    gate["release"].set()
    responses = await task
    assert [r.json() for r in responses] == [{"call": 1}] * 8
    assert calls["slow"] == 1


async def test_key_value_api_and_endpoint_key(client):
    await cache.set("greeting", {"text": "hi", "raw": b"\x00\x01"}, duration=30)
    assert await cache.get("greeting") == {"text": "hi", "raw": b"\x00\x01"}
    await cache.delete("greeting")
    assert await cache.get("greeting") is None

    await client.get("/api/items/5?x=1")
    key = cache.endpoint_key("ItemsApi.get_item", {"item_id": 5}, "x=1", host="testserver")
    stored = await cache.get(key)
    assert stored is not None and stored["status_code"] == 200
    await cache.delete(key)
    assert (await client.get("/api/items/5?x=1")).json()["call"] == 2

    await cache.clear()
    assert (await client.get("/api/items/5?x=1")).json()["call"] == 3


async def test_set_stores_a_response(client):
    response = Response().json({"a": 1}).status(201).set_header("x-k", "v")
    await cache.set("resp", response)
    stored = await cache.get("resp")
    assert stored == {"status_code": 201, "headers": {"x-k": "v"}, "media_type": "application/json", "body": b'{"a":1}'}


async def test_entries_expire(client):
    await cache.set("short", {"v": 1}, duration=1)
    assert await cache.get("short") == {"v": 1}
    await asyncio.sleep(1.2)
    assert await cache.get("short") is None


@pytest.fixture
def warnings_logged():
    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="WARNING")
    yield messages
    logger.remove(sink)


async def test_redis_down_degrades_to_a_miss(warnings_logged):
    from surge_testkit import free_port

    calls.clear()
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = make_app(ItemsApi, CACHE={"BACKEND": "surge.caching:RedisCacheBackend", "REDIS_URL": dead})
    app.add_extension(cache)
    async with TestClient(app) as client:
        assert (await client.get("/api/items/1")).json()["call"] == 1
        assert (await client.get("/api/items/1")).json()["call"] == 2
        assert await cache.get("anything") is None
        await cache.set("anything", {"v": 1})
    assert any("RedisCacheBackend failed" in m for m in warnings_logged)


async def test_a_forged_host_cannot_poison_the_cache(client):
    poisoned = await client.get("/api/link", headers={"host": "evil.example"})
    assert poisoned.json() == {"link": "http://evil.example/reset", "call": 1}
    honest = await client.get("/api/link")
    assert honest.json() == {"link": "http://testserver/reset", "call": 2}
    assert (await client.get("/api/link")).json()["call"] == 2  # still cached per host


async def test_endpoint_key_uses_server_name_or_asks_for_host():
    calls.clear()
    app = make_app(ItemsApi, SERVER_NAME="testserver")
    app.add_extension(cache)
    async with TestClient(app) as c:
        await c.get("/api/items/3")
        assert await cache.get(cache.endpoint_key("ItemsApi.get_item", {"item_id": 3})) is not None
        await cache.clear()
    app = make_app(ItemsApi)
    app.add_extension(cache)
    async with TestClient(app):
        with pytest.raises(ImproperlyConfigured, match="SERVER_NAME"):
            cache.endpoint_key("ItemsApi.get_item", {"item_id": 3})
