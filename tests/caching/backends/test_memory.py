"""MemoryCacheBackend on its own: LRU eviction, TTL, size."""

from __future__ import annotations

import asyncio

import pytest

from surge.caching import MemoryCacheBackend


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


def test_memory_rejects_a_zero_size():
    with pytest.raises(ValueError):
        MemoryCacheBackend(max_entries=0)
