"""Response caching: ``cache = Cache()``, then ``@cache.cache(duration=60)`` on GET endpoints."""

from surge.caching.backends import (
    BaseCacheBackend,
    MemoryCacheBackend,
    RedisCacheBackend,
    SqliteCacheBackend,
)
from surge.caching.config import CacheConfig
from surge.caching.extension import Cache
from surge.caching.keys import make_key

__all__ = [
    "BaseCacheBackend",
    "Cache",
    "CacheConfig",
    "MemoryCacheBackend",
    "RedisCacheBackend",
    "SqliteCacheBackend",
    "make_key",
]
