"""``surge.caching.backends.sqlite_cache_backend``: PyJolt's module path and names for the SQLite cache backend."""

from surge.caching.backends.sqlite import SqliteCacheBackend
from surge.caching.config import CacheConfig

SQLiteCacheBackend = SqliteCacheBackend
"""PyJolt's spelling of :class:`SqliteCacheBackend`."""

SQLiteCacheConfig = CacheConfig
"""The model of the keys the SQLite backend reads (``SQLITE_PATH``, ``SQLITE_TABLE``, ...): the ``CACHE`` section's."""

__all__ = ["SQLiteCacheBackend", "SQLiteCacheConfig"]
