"""Tags (``@cache.cache(tags=...)`` + ``invalidate_tags``) and plain values, on every backend."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from surge import Request
from surge.caching import BaseCacheBackend, Cache, MemoryCacheBackend
from surge.controller import Controller, get, path
from surge.testing import TestClient

from surge_testkit import make_app

cache = Cache()
calls: dict[str, int] = {}


def count(name: str) -> int:
    calls[name] = calls.get(name, 0) + 1
    return calls[name]


@path("/shop")
class Shop(Controller):
    @get("/books")
    @cache.cache(60, tags=["books"])
    async def books(self, req: Request) -> dict[str, Any]:
        return {"call": count("books")}

    @get("/books/<int:book_id>")
    @cache.cache(60, tags=["books", "book-detail"])
    async def book(self, req: Request, book_id: int) -> dict[str, Any]:
        return {"id": book_id, "call": count("book")}

    @get("/films")
    @cache.cache(60, tags=["films"])
    async def films(self, req: Request) -> dict[str, Any]:
        return {"call": count("films")}


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def client(request: pytest.FixtureRequest, tmp_path: Any):
    settings: dict[str, Any] = {}
    if request.param == "sqlite":
        settings = {"BACKEND": "surge.caching:SqliteCacheBackend", "SQLITE_PATH": str(tmp_path / "c.db")}
    elif request.param == "redis":
        settings = {
            "BACKEND": "surge.caching:RedisCacheBackend",
            "REDIS_URL": request.getfixturevalue("redis_url"),
            "KEY_PREFIX": f"test:{uuid.uuid4().hex}:",
        }
    calls.clear()
    app = make_app(Shop, CACHE=settings)
    app.add_extension(cache)
    async with TestClient(app) as c:
        yield c
        await cache.clear()


async def test_invalidate_tags_drops_every_variant_and_only_that_tag(client):
    for query in ("", "?page=2", "?page=3&sort=title"):
        assert (await client.get(f"/shop/books{query}")).json()["call"] >= 1
    await client.get("/shop/books/7")
    await client.get("/shop/films")
    assert calls == {"books": 3, "book": 1, "films": 1}
    assert (await client.get("/shop/books?page=2")).json()["call"] == 2  # cached

    dropped = await cache.invalidate_tags("books")
    assert dropped == 4

    assert (await client.get("/shop/books?page=2")).json()["call"] == 4
    assert (await client.get("/shop/books")).json()["call"] == 5
    assert (await client.get("/shop/books/7")).json()["call"] == 2
    assert (await client.get("/shop/films")).json()["call"] == 1  # another tag: still cached
    # the re-cached entries are tagged again
    assert await cache.invalidate_tags("book-detail", "films") == 2
    assert (await client.get("/shop/books/7")).json()["call"] == 3
    assert (await client.get("/shop/books")).json()["call"] == 5


async def test_plain_values_round_trip(client):
    await cache.set("k", "bar")
    assert await cache.get("k") == "bar"
    for value in (0, 3.5, True, None, [1, "two", {"three": 3}], {"nested": {"raw": b"\x00"}}):
        await cache.set("v", value)
        assert await cache.get("v") == value
    await cache.set("t", (1, 2))
    assert await cache.get("t") == [1, 2]
    with pytest.raises(TypeError):
        await cache.set("bad", object())


async def test_get_many_returns_values_in_order_with_none_for_misses(client):
    await cache.set("m:1", {"id": 1})
    await cache.set("m:2", "two")
    await cache.set("m:gone", [3], duration=1)
    await cache.delete("m:gone")
    assert await cache.get_many(["m:2", "m:missing", "m:1", "m:gone", "m:2"]) == ["two", None, {"id": 1}, None, "two"]
    assert await cache.get_many([]) == []


async def test_set_with_tags_and_unknown_tags(client):
    await cache.set("a", "x", tags=["grp"])
    await cache.set("b", {"y": 1}, tags=["grp", "other"])
    await cache.set("c", "z")
    assert await cache.invalidate_tags("nothing-here") == 0
    assert await cache.invalidate_tags("grp") == 2
    assert await cache.get("a") is None and await cache.get("b") is None
    assert await cache.get("c") == "z"
    assert await cache.invalidate_tags() == 0


def test_tags_must_be_a_list():
    with pytest.raises(TypeError, match="tags"):
        cache.cache(10, tags="books")


class DictBackend(BaseCacheBackend):
    """A custom backend that implements only the abstract methods: tags use the generic index."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}

    @classmethod
    def configure_from_app(cls, app: Any, variable_prefix: str) -> DictBackend:
        return cls()

    async def connect(self) -> None:
        pass

    async def disconnect(self) -> None:
        pass

    async def get(self, key: str) -> dict[str, Any] | None:
        return self.data.get(key)

    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None:
        self.data[key] = value

    async def delete(self, key: str) -> None:
        self.data.pop(key, None)

    async def clear(self) -> None:
        self.data.clear()


async def test_a_custom_backend_gets_tags_for_free():
    calls.clear()
    app = make_app(Shop, CACHE={"BACKEND": DictBackend})
    app.add_extension(cache)
    async with TestClient(app) as c:
        await c.get("/shop/books")
        await c.get("/shop/books?page=2")
        await c.get("/shop/films")
        assert await cache.invalidate_tags("books") == 2
        assert (await c.get("/shop/books")).json()["call"] == 3
        assert (await c.get("/shop/films")).json()["call"] == 1


async def test_a_custom_backend_answers_get_many_through_get():
    app = make_app(Shop, CACHE={"BACKEND": DictBackend})
    app.add_extension(cache)
    async with TestClient(app):
        await cache.set("a", 1)
        await cache.set("b", {"x": [2]})
        assert await cache.get_many(["b", "nope", "a"]) == [{"x": [2]}, None, 1]


class BrokenMemoryBackend(MemoryCacheBackend):
    """An in-process backend whose reads fail: the Cache must still answer misses, not raise."""

    broken = True

    async def get(self, key: str) -> dict[str, Any] | None:
        if self.broken:
            raise OSError("memory went away")
        return await super().get(key)

    async def get_many(self, keys: Any) -> list[dict[str, Any] | None]:
        if self.broken:
            raise OSError("memory went away")
        return await super().get_many(keys)


async def test_a_failing_in_process_backend_is_a_miss_and_logged_once():
    from loguru import logger

    messages: list[str] = []
    sink = logger.add(lambda m: messages.append(str(m)), level="INFO")
    app = make_app(Shop, CACHE={"BACKEND": BrokenMemoryBackend})
    app.add_extension(cache)
    async with TestClient(app):
        await cache.set("k", "v")
        assert await cache.get("k") is None
        assert await cache.get_many(["k", "j"]) == [None, None]
        BrokenMemoryBackend.broken = False
        try:
            assert await cache.get_many(["k", "j"]) == ["v", None]
            assert await cache.get("k") == "v"
        finally:
            BrokenMemoryBackend.broken = True
            logger.remove(sink)
    assert sum("failed on get" in m for m in messages) == 1, messages
    assert sum("is back" in m for m in messages) == 1, messages


async def test_memory_eviction_forgets_tag_membership():
    backend = MemoryCacheBackend(max_entries=1)
    await backend.set("a", {"v": 1}, 60)
    await backend.add_tags("a", ["t"], 60)
    await backend.set("b", {"v": 2}, 60)  # evicts "a"
    await backend.add_tags("b", ["t"], 60)
    assert await backend.invalidate_tags(["t"]) == 1
    assert len(backend) == 0
