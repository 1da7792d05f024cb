"""Meta.cache: GET responses cached for ttl seconds, every write invalidates the resource."""

from __future__ import annotations

import uuid

from surge.caching import Cache as CacheExtension
from surge.rest import Authentication, Cache, Field, JWTAuthentication, RestEndpoint
from surge.testing import TestClient

from rest_testkit import Target, rest_app


class CachedProductEndpoint(RestEndpoint):
    name: str = Field(min_length=1)
    price: float = Field(ge=0)

    class Meta:
        cache = Cache(ttl=60)


class UncachedEndpoint(RestEndpoint):
    name: str = Field(min_length=1)


async def test_gets_are_cached_and_writes_invalidate(target: Target) -> None:
    async with TestClient(rest_app(target, {"/products": CachedProductEndpoint})) as client:
        await client.post("/products", json={"name": "a", "price": 1})
        first = await client.get("/products")
        assert first.headers["x-cache"] == "MISS"
        await target.execute("UPDATE cachedproductendpoints SET name = 'changed behind the api'")
        second = await client.get("/products")
        assert second.headers["x-cache"] == "HIT" and second.json() == first.json()  # served from the cache
        assert (await client.get("/products?page_hint=1")).headers["x-cache"] == "MISS"  # another query, another entry
        detail = await client.get("/products/1")
        assert detail.headers["x-cache"] == "MISS" and detail.json()["name"] == "changed behind the api"
        assert (await client.get("/products/1")).headers["x-cache"] == "HIT"

        updated = await client.patch("/products/1", json={"price": 2, "version": 1})
        assert updated.status_code == 200 and "x-cache" not in updated.headers
        after = await client.get("/products")
        assert after.headers["x-cache"] == "MISS" and after.json()["results"][0]["price"] == 2
        assert (await client.get("/products/1")).json()["version"] == 2

        refused = await client.patch("/products/1", json={"price": 3, "version": 1})  # 409: nothing changed
        assert refused.status_code == 409
        assert (await client.get("/products")).headers["x-cache"] == "HIT"
        assert (await client.get("/products/99")).status_code == 404
        assert (await client.get("/products/99")).headers.get("x-cache") is None  # errors are never cached
        await client.delete("/products/1")
        assert (await client.get("/products")).json() == {"results": []}


async def test_resources_without_meta_cache_are_not_cached(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/plain": UncachedEndpoint})) as client:
        await client.post("/plain", json={"name": "a"})
        assert "x-cache" not in (await client.get("/plain")).headers


async def test_a_forged_host_gets_its_own_entry(sqlite_target: Target) -> None:
    async with TestClient(rest_app(sqlite_target, {"/products": CachedProductEndpoint})) as client:
        await client.post("/products", json={"name": "a", "price": 1})
        assert (await client.get("/products", headers={"host": "evil.example"})).headers["x-cache"] == "MISS"
        assert (await client.get("/products")).headers["x-cache"] == "MISS"  # not the forged host's entry
        assert (await client.get("/products")).headers["x-cache"] == "HIT"


class PrivateEndpoint(RestEndpoint):
    name: str = Field(min_length=1)

    class Meta:
        cache = Cache(ttl=60)
        authentication = Authentication(backend=JWTAuthentication)

    def queryset(self, request: object) -> object:
        from sqlalchemy import select

        model = type(self)._model_class
        return select(model).where(model.name == request.user["sub"])  # type: ignore[attr-defined]


async def test_cached_entries_are_per_user(sqlite_target: Target) -> None:
    app = rest_app(sqlite_target, {"/private": PrivateEndpoint}, REST_API={"JWT_SECRET": "k" * 32})
    rest = app.extensions["rest_api"]
    async with TestClient(app) as client:
        alice = {"Authorization": f"Bearer {rest.create_token({'sub': 'alice'})}"}
        bob = {"Authorization": f"Bearer {rest.create_token({'sub': 'bob'})}"}
        await client.post("/private", json={"name": "alice"}, headers=alice)
        await client.post("/private", json={"name": "bob"}, headers=bob)
        assert [r["name"] for r in (await client.get("/private", headers=alice)).json()["results"]] == ["alice"]
        bobs = await client.get("/private", headers=bob)
        assert bobs.headers["x-cache"] == "MISS" and [r["name"] for r in bobs.json()["results"]] == ["bob"]
        assert (await client.get("/private")).status_code == 401  # never served from someone's cache entry


async def test_a_shared_redis_cache_invalidates_across_apps(sqlite_target: Target, redis_url: str) -> None:
    """Two processes sharing Redis: a write through one is seen by the other's next GET."""
    section = {"BACKEND": "surge.caching:RedisCacheBackend", "REDIS_URL": redis_url, "KEY_PREFIX": f"t{uuid.uuid4().hex}:"}
    apps = [
        rest_app(sqlite_target, {"/products": CachedProductEndpoint}, extensions=(CacheExtension(),), CACHE=section)
        for _ in range(2)
    ]
    async with TestClient(apps[0]) as one, TestClient(apps[1]) as two:
        await one.post("/products", json={"name": "a", "price": 1})
        assert (await one.get("/products")).headers["x-cache"] == "MISS"
        assert (await two.get("/products")).headers["x-cache"] == "HIT"  # the entry is shared
        await two.patch("/products/1", json={"price": 5, "version": 1})
        fresh = await one.get("/products")
        assert fresh.headers["x-cache"] == "MISS" and fresh.json()["results"][0]["price"] == 5


async def test_an_unreachable_cache_is_skipped(sqlite_target: Target) -> None:
    section = {"BACKEND": "surge.caching:RedisCacheBackend", "REDIS_URL": "redis://127.0.0.1:1/0", "TIMEOUT": 0.5}
    app = rest_app(sqlite_target, {"/products": CachedProductEndpoint}, extensions=(CacheExtension(),), CACHE=section)
    async with TestClient(app) as client:
        assert (await client.post("/products", json={"name": "a", "price": 1})).status_code == 201
        listed = await client.get("/products")
        assert listed.status_code == 200 and listed.json()["results"][0]["name"] == "a"
