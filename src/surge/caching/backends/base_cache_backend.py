"""``surge.caching.backends.base_cache_backend``: PyJolt's module path for :class:`BaseCacheBackend`."""

from surge.caching.backends.base import BaseCacheBackend

__all__ = ["BaseCacheBackend"]
