"""Backends on their own: LRU and TTL in memory, WAL and namespaces in SQLite, Redis layout."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid

import orjson
import pytest

from surge.caching import MemoryCacheBackend, RedisCacheBackend, SqliteCacheBackend


async def test_memory_evicts_least_recently_used():
    backend = MemoryCacheBackend(max_entries=2)
    await backend.set("a", {"v": "a"}, 60)
    await backend.set("b", {"v": "b"}, 60)
    assert await backend.get("a") == {"v": "a"}  # "b" is now the least recently used
    await backend.set("c", {"v": "c"}, 60)
    assert await backend.get("b") is None
    assert await backend.get("a") == {"v": "a"}
    assert await backend.get("c") == {"v": "c"}
    assert len(backend) == 2


async def test_memory_ttl():
    backend = MemoryCacheBackend()
    await backend.set("a", {"v": 1}, 1)
    await backend.set("forever", {"v": 2}, None)
    await asyncio.sleep(1.1)
    assert await backend.get("a") is None
    assert await backend.get("forever") == {"v": 2}


async def test_sqlite_uses_wal_and_checkpoints_every_n_writes(tmp_path):
    path = tmp_path / "cache.db"
    backend = SqliteCacheBackend(str(path), checkpoint_mode="TRUNCATE", checkpoint_every=3)
    await backend.connect()
    try:
        with sqlite3.connect(path) as probe:
            assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        wal = tmp_path / "cache.db-wal"
        await backend.set("a", {"v": 1}, 60)
        await backend.set("b", {"v": 2}, 60)
        assert wal.stat().st_size > 0
        await backend.set("c", {"v": 3}, 60)  # third write: TRUNCATE checkpoint empties the WAL
        assert wal.stat().st_size == 0
        await backend.set("d", {"v": 4}, 60)
        assert wal.stat().st_size > 0
    finally:
        await backend.disconnect()


async def test_sqlite_survives_a_restart_and_namespaces_clear(tmp_path):
    path = str(tmp_path / "shared.db")
    first = SqliteCacheBackend(path, key_prefix="one:")
    other = SqliteCacheBackend(path, key_prefix="two:")
    await first.connect()
    await other.connect()
    await first.set("k", {"body": b"\xff"}, 60)
    await other.set("k", {"v": "other"}, 60)
    await first.disconnect()

    reopened = SqliteCacheBackend(path, key_prefix="one:")
    await reopened.connect()
    assert await reopened.get("k") == {"body": b"\xff"}
    await reopened.clear()
    assert await reopened.get("k") is None
    assert await other.get("k") == {"v": "other"}
    await reopened.disconnect()
    await other.disconnect()


async def test_sqlite_expired_rows_are_misses(tmp_path):
    backend = SqliteCacheBackend(str(tmp_path / "c.db"))
    await backend.connect()
    await backend.set("k", {"v": 1}, 1)
    await asyncio.sleep(1.1)
    assert await backend.get("k") is None
    await backend.disconnect()


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


def test_sqlite_file_is_created_in_missing_folders(tmp_path):
    path = tmp_path / "deep" / "er" / "cache.db"

    async def run() -> None:
        backend = SqliteCacheBackend(str(path))
        await backend.connect()
        await backend.disconnect()

    asyncio.run(run())
    assert os.path.exists(path)


def test_memory_rejects_a_zero_size():
    with pytest.raises(ValueError):
        MemoryCacheBackend(max_entries=0)
