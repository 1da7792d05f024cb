"""``surge.caching.cache``: PyJolt's module path for :class:`Cache` and its config model."""

from surge.caching.config import CacheConfig
from surge.caching.extension import Cache

__all__ = ["Cache", "CacheConfig"]
