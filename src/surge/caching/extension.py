"""The ``Cache`` extension: response caching for endpoints, plus a small key-value API."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from surge.caching.backends._codec import decode_value, encode_value
from surge.caching.backends.base import BaseCacheBackend
from surge.caching.backends.memory import MemoryCacheBackend
from surge.caching.config import CacheConfig
from surge.caching.keys import make_key, user_identity
from surge.caching.payload import from_payload, to_payload
from surge.controller.spec import CallNext, add_endpoint_wrapper
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import BaseExtension
from surge.http.response import Response
from surge.roles import ReadinessProbe
from surge.types import HandlerKwargs

if TYPE_CHECKING:
    from surge.app import Surge
    from surge.controller.context import CompileContext
    from surge.http.request import Request

__all__ = ["Cache", "CacheValue"]

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")
_CACHED_METHODS = frozenset({"GET", "HEAD"})
# A value that is not a dict is stored wrapped, so backends (which store dicts) keep one format.
_VALUE = "__surge_value__"

CacheValue = dict[str, Any] | list[Any] | str | int | float | bool | None
"""What ``cache.get`` returns: any JSON value (bytes allowed inside dicts and lists)."""


def _unwrap(stored: dict[str, Any] | None) -> CacheValue:
    if stored is not None and len(stored) == 1 and _VALUE in stored:
        return cast(CacheValue, stored[_VALUE])
    return stored


class Cache(BaseExtension[CacheConfig], ReadinessProbe):
    """Caches endpoint responses in a pluggable backend (memory by default).

    ``@cache.cache(duration=...)`` stores the full response (status, headers, body) of a GET
    endpoint, keyed by endpoint, route parameters, query string and, when a user is set on
    the request, the user. Concurrent misses for one key in one process share a single
    computation. A backend that fails is treated as a miss and logged once per outage; it
    never turns a request into a 500.

    Args:
        configs_name: the config section (default ``CACHE``).
        variable_prefix: prefix for the default section name, to run several caches
            (``Cache(variable_prefix="MY_")`` reads ``MY_CACHE``).
    """

    config_model = CacheConfig

    _backend: BaseCacheBackend  # built by configure

    def __init__(self, configs_name: str | None = None, variable_prefix: str = "") -> None:
        super().__init__(configs_name or f"{variable_prefix}CACHE")
        self._variable_prefix = variable_prefix
        self._duration = 300
        self._timeout = 5.0
        self._inflight: dict[str, asyncio.Future[dict[str, Any] | None]] = {}
        self._degraded = False

    # -- setup ------------------------------------------------------------------------------------
    def configure(self, app: Surge, config: CacheConfig) -> None:
        """Build the backend.

        Raises:
            ImproperlyConfigured: a key the backend reads is missing (the message names ``CACHE.KEY``).
            MissingDependency: the backend needs a package that is not installed.
        """
        self._duration = config.DURATION
        self._timeout = config.TIMEOUT
        backend_class = config.BACKEND or MemoryCacheBackend
        self._backend = backend_class.configure_from_app(app, self.configs_name)
        self._inflight = {}
        self._degraded = False

    async def startup(self) -> None:
        """Connect the backend; a backend that is down is logged and served around."""
        try:
            await self.backend.connect()
        except Exception as exc:
            self._failed("connect", exc)

    async def check_ready(self) -> None:
        """One read of the backend (a Redis round trip; instant in memory) for ``/readyz``; raises when it fails."""
        await self.backend.get("surge:readiness")

    async def shutdown(self) -> None:
        """Disconnect the backend."""
        try:
            await self.backend.disconnect()
        except Exception as exc:
            self.app.logger.warning(f"Cache backend {type(self.backend).__name__} failed to disconnect: {exc!r}")

    @property
    def variable_prefix(self) -> str:
        """The prefix given at construction."""
        return self._variable_prefix

    @property
    def backend(self) -> BaseCacheBackend:
        """The configured backend."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return self._backend

    @property
    def duration(self) -> int:
        """The default time to live (``DURATION``), in seconds."""
        return self._duration

    # -- degraded backend -------------------------------------------------------------------------
    def _failed(self, operation: str, exc: BaseException) -> None:
        if not self._degraded:
            self._degraded = True
            name = type(self.backend).__name__
            self.app.logger.warning(
                f"Cache backend {name} failed on {operation} ({exc!r}); serving without the cache until it recovers"
            )

    def _recovered(self) -> None:
        if self._degraded:
            self._degraded = False
            self.app.logger.info(f"Cache backend {type(self.backend).__name__} is back")

    async def _attempt(self, operation: str, call: Callable[[], Awaitable[_T]], fallback: _T) -> _T:
        try:
            async with asyncio.timeout(self._timeout):
                result = await call()
        except Exception as exc:  # any backend failure degrades to a miss, never a 500
            self._failed(operation, exc)
            return fallback
        self._recovered()
        return result

    # -- key-value API ----------------------------------------------------------------------------
    async def _read(self, operation: str, call: Callable[[], Awaitable[_T]], fallback: _T) -> _T:
        """:meth:`_attempt` for reads; an in-process backend is called without the timer."""
        if not self._backend.in_process:
            return await self._attempt(operation, call, fallback)
        try:
            result = await call()
        except Exception as exc:
            self._failed(operation, exc)
            return fallback
        if self._degraded:
            self._recovered()
        return result

    async def get(self, key: str) -> Any:  # a JSON value, as json.loads returns: Any keeps dict callers typed
        """The value stored under ``key`` (a response is a dict with ``status_code``,
        ``headers``, ``media_type`` and ``body``), or None on a miss or a backend failure."""
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        return _unwrap(await self._read("get", lambda: self._backend.get(key), None))

    async def get_many(self, keys: Sequence[str]) -> list[Any]:
        """The values under ``keys``, in order, each as :meth:`get` returns it (None for a miss).

        One backend call for the batch (one ``MGET`` on Redis); every key is a miss when the
        backend fails.
        """
        self.app  # noqa: B018 - the "bound to an app" check: raises before init_app
        keys = list(keys)
        misses: list[dict[str, Any] | None] = [None] * len(keys)
        found = await self._read("get", lambda: self._backend.get_many(keys), misses)
        return [
            stored[_VALUE] if stored is not None and len(stored) == 1 and _VALUE in stored else stored
            for stored in found  # PERF: _unwrap inlined
        ]

    async def set(
        self,
        key: str,
        value: Response | CacheValue,
        duration: int | None = None,
        tags: Sequence[str] = (),
    ) -> None:
        """Store ``value`` (a Response or any JSON-able value) for ``duration`` seconds.

        Every backend stores JSON, so ``get`` returns what JSON round-trips (a tuple comes
        back as a list), whichever backend is configured.

        Raises:
            ValueError: ``value`` is a response that cannot be cached (stream, file, cookies,
                error status).
            TypeError: ``value`` is not JSON-able.
        """
        if isinstance(value, Response):
            payload = await to_payload(value)
            if payload is None:
                raise ValueError("This response cannot be cached (stream, file, cookies or error status)")
            stored = payload
        else:
            # raises TypeError here, not as a backend failure; the copy is what other backends return
            stored = decode_value(encode_value(value if isinstance(value, dict) else {_VALUE: value}))
        await self._store(key, stored, duration, tags)

    async def _store(self, key: str, stored: dict[str, Any], duration: int | None, tags: Sequence[str]) -> None:
        ttl = duration or self._duration

        async def write() -> None:
            await self.backend.set(key, stored, ttl)
            if tags:
                await self.backend.add_tags(key, tags, ttl)

        await self._attempt("set", write, None)

    async def invalidate_tags(self, *tags: str) -> int:
        """Drop every entry stored with any of ``tags`` (every query-string and user variant).

        Returns how many entries were dropped (0 when the backend is down: logged, never raised).
        """
        if not tags:
            return 0
        return await self._attempt("invalidate_tags", lambda: self.backend.invalidate_tags(tags), 0)

    async def delete(self, key: str) -> None:
        """Remove the entry under ``key``."""
        await self._attempt("delete", lambda: self.backend.delete(key), None)

    async def clear(self) -> None:
        """Remove every entry of this cache's namespace."""
        await self._attempt("clear", self.backend.clear, None)

    def endpoint_key(
        self,
        endpoint: str,
        route_params: dict[str, Any] | None = None,
        query_string: str = "",
        user: Any = None,
        host: str | None = None,
    ) -> str:
        """The key ``@cache.cache`` uses for a GET of ``endpoint`` (``"Controller.method"``),
        so a handler that changes data can ``await cache.delete(cache.endpoint_key(...))``.

        Keys include the request's host: pass ``host=req.header("host")``, or leave it out to
        use the app's ``SERVER_NAME``.

        Raises:
            ImproperlyConfigured: no ``host`` given and ``SERVER_NAME`` is not set.
        """
        if host is None:
            host = self.app.get_conf("SERVER_NAME", None)
            if not host:
                raise ImproperlyConfigured(
                    "cache.endpoint_key() needs host=... (the request's Host) when SERVER_NAME is not set"
                )
        identity = None if user is None else user_identity(user)
        return make_key(endpoint, "GET", route_params, query_string, identity, host)

    # -- the endpoint decorator -------------------------------------------------------------------
    def cache(self, duration: int | None = None, tags: Sequence[str] = ()) -> Callable[[_F], _F]:
        """Cache the responses of a GET endpoint for ``duration`` seconds (default ``DURATION``).

        ``tags`` name groups that ``await cache.invalidate_tags(...)`` drops at once. Put it
        below the authentication decorators, so the user is known when the key is made.
        """
        if duration is not None and duration <= 0:
            raise ValueError("duration must be a positive number of seconds")
        if isinstance(tags, str):
            raise TypeError("tags must be a list of names, e.g. tags=['books']")
        tag_names = tuple(tags)

        def decorator(func: _F) -> _F:
            add_endpoint_wrapper(func, _CachedEndpoint(self, func, duration, tag_names))
            return func

        return decorator

    async def _serve(
        self,
        req: Request,
        key: str,
        duration: int | None,
        compute: Callable[[], Awaitable[Response]],
        tags: tuple[str, ...] = (),
    ) -> Response:
        """Serve ``key`` from the cache, or compute it once for every concurrent request."""
        leader = self._inflight.get(key)
        if leader is not None:
            payload = await asyncio.shield(leader)
            if payload is not None:
                return from_payload(req, payload)
            return await compute()  # the leader failed or could not cache
        future: asyncio.Future[dict[str, Any] | None] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        payload = None
        try:
            payload = await self._attempt("get", lambda: self.backend.get(key), None)
            if payload is not None:
                return from_payload(req, payload)
            user_before = req.user
            response = await compute()
            if req.user is user_before:  # a user loaded below the cache would make the key wrong
                payload = await to_payload(response)
                if payload is not None:
                    await self._store(key, payload, duration, tags)
            return response
        finally:
            if self._inflight.get(key) is future:
                del self._inflight[key]
            future.set_result(payload)


class _CachedEndpoint:
    """The pipeline step ``@cache.cache`` attaches to an endpoint."""

    provides: tuple[str, ...] = ()

    def __init__(self, cache: Cache, func: Callable[..., Any], duration: int | None, tags: tuple[str, ...]) -> None:
        self.cache = cache
        self.func = func
        self.duration = duration
        self.tags = tags

    def wrap(self, ctx: CompileContext, call_next: CallNext) -> CallNext:
        """The step's per-request callable (built once, at startup).

        Raises:
            ImproperlyConfigured: the Cache object is not an extension of this app.
        """
        cache = self.cache
        duration = self.duration
        tags = self.tags
        endpoint = self.func.__qualname__
        ctx.require_extension(cache, f"{endpoint} via @{cache.configs_name.lower()}.cache")

        async def cached(req: Request, kwargs: HandlerKwargs) -> Any:
            if req.method not in _CACHED_METHODS:
                return await call_next(req, kwargs)
            user = req.user
            identity = None
            if user is not None:
                identity = user_identity(user)
                if identity is None:  # a user we cannot tell apart from others: never share
                    return await call_next(req, kwargs)
            key = make_key(endpoint, req.method, req.route_parameters, req.query_string, identity, req.header(b"host"))
            return await cache._serve(req, key, duration, lambda: call_next(req, kwargs), tags)

        return cached
