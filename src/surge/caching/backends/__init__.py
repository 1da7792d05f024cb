"""Cache backends: in memory (default), SQLite, Redis, or your own ``BaseCacheBackend``."""

from surge.caching.backends._codec import decode_value, encode_value
from surge.caching.backends.base import BaseCacheBackend
from surge.caching.backends.memory import MemoryCacheBackend
from surge.caching.backends.redis import RedisCacheBackend
from surge.caching.backends.sqlite import SqliteCacheBackend

__all__ = [
    "BaseCacheBackend",
    "MemoryCacheBackend",
    "RedisCacheBackend",
    "SqliteCacheBackend",
    "decode_value",
    "encode_value",
]
