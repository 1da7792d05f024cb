"""The demo's response cache (config section CACHE in configs.py; memory by default)."""

from surge.caching import Cache

cache = Cache()
