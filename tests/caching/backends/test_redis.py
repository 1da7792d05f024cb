"""RedisCacheBackend on its own: JSON values with a TTL, clear() only under its prefix."""

from __future__ import annotations

import uuid

import orjson

from surge.caching import RedisCacheBackend


async def test_redis_stores_json_with_ttl_and_clears_only_its_prefix(redis_url):
    import redis.asyncio as redis

    prefix = f"test:{uuid.uuid4().hex}:"
    backend = RedisCacheBackend(redis_url, key_prefix=prefix)
    await backend.connect()
    raw = redis.Redis.from_url(redis_url)
    try:
        await raw.set(f"{prefix[:-1]}-neighbour", b"keep")
        await backend.set("k*", {"body": b"abc"}, 30)
        stored = await raw.get(prefix + "k*")
        assert orjson.loads(stored) == {"body": {"__bytes__": "YWJj"}}
        assert 0 < await raw.ttl(prefix + "k*") <= 30
        assert await backend.get("k*") == {"body": b"abc"}
        await backend.clear()
        assert await backend.get("k*") is None
        assert await raw.get(f"{prefix[:-1]}-neighbour") == b"keep"
    finally:
        await raw.delete(f"{prefix[:-1]}-neighbour")
        await raw.aclose()
        await backend.disconnect()


async def test_redis_serves_300_concurrent_gets_past_its_pool_size(redis_url):
    """More concurrent calls than pooled connections wait for one instead of failing."""
    import asyncio

    prefix = f"test:{uuid.uuid4().hex}:"
    backend = RedisCacheBackend(redis_url, key_prefix=prefix)
    await backend.connect()
    try:
        await backend.set("row", {"id": 7}, 30)
        results = await asyncio.gather(*(backend.get("row") for _ in range(300)))
        assert results == [{"id": 7}] * 300
    finally:
        await backend.clear()
        await backend.disconnect()
