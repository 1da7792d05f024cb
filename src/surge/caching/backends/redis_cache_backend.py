"""``surge.caching.backends.redis_cache_backend``: PyJolt's module path for :class:`RedisCacheBackend`."""

from surge.caching.backends.redis import RedisCacheBackend

__all__ = ["RedisCacheBackend"]
