"""In-process cache: bounded, least-recently-used eviction, per-entry TTL."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from surge.caching.backends.base import BaseCacheBackend

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["DEFAULT_MAX_ENTRIES", "MemoryCacheBackend"]

DEFAULT_MAX_ENTRIES = 1024


class MemoryCacheBackend(BaseCacheBackend):
    """The default backend: a dict in this process.

    Holds at most ``MEMORY_MAX_ENTRIES`` entries; adding one more evicts the least recently
    used. Expired entries are dropped when read. Each worker process has its own copy, so use
    :class:`~surge.caching.RedisCacheBackend` when several workers must share the cache.
    """

    in_process: ClassVar[bool] = True

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float | None, dict[str, Any]]] = OrderedDict()
        self._tags: dict[str, set[str]] = {}
        self._key_tags: dict[str, set[str]] = {}

    @classmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> MemoryCacheBackend:
        """Read ``MEMORY_MAX_ENTRIES`` from the section."""
        from surge.caching.config import load_cache_config

        return cls(load_cache_config(app, variable_prefix).MEMORY_MAX_ENTRIES)

    async def connect(self) -> None:
        """Nothing to connect to."""

    async def disconnect(self) -> None:
        """Drop every entry: the memory goes with the app."""
        await self.clear()

    def _forget(self, key: str) -> None:
        """Drop ``key`` and its tag memberships (so tag sets never outgrow the entries)."""
        self._entries.pop(key, None)
        for tag in self._key_tags.pop(key, ()):
            members = self._tags.get(tag)
            if members is not None:
                members.discard(key)
                if not members:
                    del self._tags[tag]

    async def get(self, key: str) -> dict[str, Any] | None:
        """The live entry under ``key``, marked as most recently used."""
        return self._get(key, time.monotonic())

    async def get_many(self, keys: Sequence[str]) -> list[dict[str, Any] | None]:
        """The live entries under ``keys``, in order (one clock read for the batch)."""
        now = time.monotonic()
        entries = self._entries
        found: list[dict[str, Any] | None] = []
        for key in keys:  # PERF: _get inlined; a batch of 20 is a hot path (/cached-queries)
            entry = entries.get(key)
            if entry is not None:
                if entry[0] is None or entry[0] > now:
                    entries.move_to_end(key)
                    found.append(entry[1])
                    continue
                self._forget(key)
            found.append(None)
        return found

    def _get(self, key: str, now: float) -> dict[str, Any] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, value = entry
        if expires_at is not None and expires_at <= now:
            self._forget(key)
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None:
        """Store ``value``; evict the least recently used entry when full."""
        expires_at = time.monotonic() + duration if duration else None
        entries = self._entries
        entries[key] = (expires_at, value)
        entries.move_to_end(key)
        while len(entries) > self.max_entries:
            self._forget(next(iter(entries)))

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        self._forget(key)

    async def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
        self._tags.clear()
        self._key_tags.clear()

    async def add_tags(self, key: str, tags: Sequence[str], duration: int | None = None) -> None:
        """Tag the live entry ``key`` (an evicted or missing one is not tagged)."""
        if key not in self._entries:
            return
        for tag in tags:
            self._tags.setdefault(tag, set()).add(key)
        self._key_tags.setdefault(key, set()).update(tags)

    async def invalidate_tags(self, tags: Sequence[str]) -> int:
        """Drop every entry carrying any of ``tags``."""
        keys: set[str] = set()
        for tag in tags:
            keys |= self._tags.get(tag, set())
        for key in keys:
            self._forget(key)
        return len(keys)

    def __len__(self) -> int:
        return len(self._entries)
