"""``surge.caching.backends.memory_cache_backend``: PyJolt's module path for :class:`MemoryCacheBackend`."""

from surge.caching.backends.memory import MemoryCacheBackend

__all__ = ["MemoryCacheBackend"]
