"""Response caching of REST resources, with invalidation on writes.

Entries are keyed by a *generation* of the resource, itself kept in the cache: a write
replaces the generation, so every entry of the resource becomes unreachable at once, in
every process sharing the backend, without listing or deleting keys. Old entries expire by
their TTL. The backend is the app's :class:`surge.caching.Cache` extension when there is
one (Redis or SQLite shared by workers; a failing backend is a miss, never a 500), else a
private in-memory cache for this process.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlencode

from surge.caching.keys import normalize_host
from surge.caching.payload import from_payload, to_payload

if TYPE_CHECKING:
    from surge.http.request import Request
    from surge.http.response import Response

__all__ = ["CacheStore", "ResponseCache"]

_GENERATION_TTL = 30 * 24 * 3600


class CacheStore(Protocol):
    """What the Cache extension and a cache backend share: ``get`` and ``set`` of JSON-able dicts."""

    async def get(self, key: str) -> dict[str, Any] | None: ...

    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None: ...


class ResponseCache:
    """Get, store and invalidate cached responses of resources."""

    def __init__(self, store: CacheStore | None = None) -> None:
        if store is None:
            from surge.caching.backends.memory import MemoryCacheBackend

            store = MemoryCacheBackend()
        self._cache = store

    async def _get(self, key: str) -> dict[str, Any] | None:
        return await self._cache.get(key)

    async def _set(self, key: str, value: dict[str, Any], ttl: int) -> None:
        await self._cache.set(key, value, ttl)

    async def _generation(self, resource: str) -> str:
        key = f"surge:rest:{resource}:generation"
        found = await self._get(key)
        if found is not None and isinstance(found.get("g"), str):
            return str(found["g"])
        generation = uuid.uuid4().hex
        await self._set(key, {"g": generation}, _GENERATION_TTL)
        return generation

    async def key(self, resource: str, request: Request, user: str | None) -> str:
        """The entry key of a GET of ``resource`` (query order does not matter).

        The Host is part of it: a forged Host must not fill the entry other clients get.
        """
        generation = await self._generation(resource)
        query = urlencode(sorted(parse_qsl(request.query_string, keep_blank_values=True)))
        host = normalize_host(request.header(b"host"))
        return f"surge:rest:{resource}:{generation}:{host}{request.path}?{query}:{user or ''}"

    async def lookup(self, key: str, request: Request) -> Response | None:
        """The cached response under ``key``, rebuilt for ``request``, or None."""
        payload = await self._get(key)
        return None if payload is None else from_payload(request, payload)

    async def store(self, key: str, response: Response, ttl: int) -> None:
        """Keep a successful response for ``ttl`` seconds (not streams, files or cookies)."""
        payload = await to_payload(response)
        if payload is None:
            return
        payload["headers"] = {k: v for k, v in payload["headers"].items() if k.lower() != "x-cache"}
        await self._set(key, payload, ttl)

    async def invalidate(self, resource: str) -> None:
        """Make every cached response of ``resource`` unreachable."""
        await self._set(f"surge:rest:{resource}:generation", {"g": uuid.uuid4().hex}, _GENERATION_TTL)
