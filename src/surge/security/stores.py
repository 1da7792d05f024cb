"""Key-value stores shared by sessions, rate limits and one-time tokens: memory or Redis.

The memory store is for one process (tests, development); every process behind a load
balancer must share a Redis store, or sessions and limits differ from process to process.
When Redis cannot be reached, store calls raise :class:`StoreUnavailable` (503 with
``Retry-After``); the outage is logged once when it starts and once when it ends.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from surge.exceptions.config import ImproperlyConfigured
from surge.exceptions.http import BaseHttpException
from surge.extension import require
from surge.http.status import HttpStatus

if TYPE_CHECKING:
    from loguru import Logger

__all__ = ["MemoryStore", "RedisStore", "SecurityStore", "StoreOutage", "StoreUnavailable", "create_store"]

_T = TypeVar("_T")

_RETRY_AFTER = 5
_POOL_SIZE = 100  # Redis connections per process and store
_POOL_WAIT = 5.0  # seconds a call waits for a free one before the store counts as unavailable
"""Seconds a client is told to wait (``Retry-After``) while the store is unreachable."""


class StoreUnavailable(BaseHttpException):
    """The shared store (Redis) cannot be reached: 503 with ``Retry-After``, never a 500."""

    status_code = HttpStatus.SERVICE_UNAVAILABLE
    default_message = "Service temporarily unavailable, try again shortly"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(_RETRY_AFTER)})


class StoreOutage:
    """Whether a store is down: logs once when an outage starts and once when it ends.

    During an outage, calls fail at once for ``probe_interval`` seconds after each failed
    try, so a dead server does not make every request wait for a connection timeout.
    """

    def __init__(self, name: str, logger: Logger | None, probe_interval: float = 1.0) -> None:
        self.name = name
        self.logger = logger
        self.probe_interval = probe_interval
        self.since: float | None = None  # monotonic start of the current outage
        self._next_probe = 0.0

    def check(self) -> None:
        """Fail fast while the last failed try is recent.

        Raises:
            StoreUnavailable: the store is down and it is not time to try again.
        """
        if self.since is not None and time.monotonic() < self._next_probe:
            raise StoreUnavailable()

    def failed(self, error: BaseException) -> StoreUnavailable:
        """Record a failed call; the exception to raise."""
        now = time.monotonic()
        self._next_probe = now + self.probe_interval
        if self.since is None:
            self.since = now
            if self.logger is not None:
                self.logger.error(f"{self.name}: store unreachable, answering 503 until it is back ({error!r})")
        return StoreUnavailable()

    def succeeded(self) -> None:
        """Record a successful call (ends an outage)."""
        if self.since is not None:
            seconds = time.monotonic() - self.since
            self.since = None
            if self.logger is not None:
                self.logger.warning(f"{self.name}: store reachable again after {seconds:.1f}s")


class SecurityStore(ABC):
    """The operations the security features need, each atomic."""

    @abstractmethod
    async def get(self, key: str) -> bytes | None:
        """The value of ``key``, or None when absent or expired."""

    @abstractmethod
    async def set(self, key: str, value: bytes, ttl: int) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds."""

    @abstractmethod
    async def add(self, key: str, value: bytes, ttl: int) -> bool:
        """Store ``value`` only if ``key`` is absent; True when stored."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove ``key`` (no error when absent)."""

    @abstractmethod
    async def hit(self, key: str, window: int) -> tuple[int, int]:
        """Count one hit in the fixed window of ``key``.

        Returns:
            The number of hits in the current window (this one included) and the seconds
            left until the window resets.
        """

    async def close(self) -> None:  # noqa: B027 - a no-op default, not an abstract step
        """Release connections (the memory store has none)."""


class MemoryStore(SecurityStore):
    """A dict with expiry, for a single process. Expired keys are purged as writes go on."""

    _PURGE_EVERY = 1024

    def __init__(self) -> None:
        self._data: dict[str, tuple[bytes | int, float]] = {}  # value (a counter for hit()), expiry
        self._writes = 0

    def _live(self, key: str, now: float) -> bytes | int | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] <= now:
            del self._data[key]
            return None
        return item[0]

    def _write(self, key: str, value: bytes | int, expires_at: float, now: float) -> None:
        self._data[key] = (value, expires_at)
        self._writes += 1
        if self._writes % self._PURGE_EVERY == 0:
            for stale in [k for k, (_, exp) in self._data.items() if exp <= now]:
                del self._data[stale]

    async def get(self, key: str) -> bytes | None:
        value = self._live(key, time.monotonic())
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: int) -> None:
        now = time.monotonic()
        self._write(key, value, now + ttl, now)

    async def add(self, key: str, value: bytes, ttl: int) -> bool:
        now = time.monotonic()
        if self._live(key, now) is not None:
            return False
        self._write(key, value, now + ttl, now)
        return True

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def hit(self, key: str, window: int) -> tuple[int, int]:
        now = time.monotonic()
        item = self._data.get(key)
        if item is None or item[1] <= now:
            self._write(key, 1, now + window, now)
            return 1, window
        count = int(item[0]) + 1
        self._data[key] = (count, item[1])
        return count, max(1, int(item[1] - now + 0.999))


# INCR and EXPIRE in one script, so concurrent processes never see a counter without expiry.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class RedisStore(SecurityStore):
    """A Redis-backed store (redis-py asyncio); the client is created on first use."""

    def __init__(self, url: str, prefix: str = "surge:", outage: StoreOutage | None = None) -> None:
        self._redis = require("redis.asyncio", "redis")
        errors = require("redis.exceptions", "redis")
        self._errors: tuple[type[BaseException], ...] = (errors.ConnectionError, errors.TimeoutError, OSError)
        self.url = url
        self.prefix = prefix
        self.outage = outage or StoreOutage("redis store", None)
        self._client: Any = None
        self._hit_script: Any = None
        self._scripts: dict[str, Any] = {}  # source -> redis-py Script (EVALSHA, reloaded on NOSCRIPT)

    def _connection(self) -> Any:
        client = self._client
        if client is None:
            # A burst past the pool's size waits for a free connection (redis-py's plain pool
            # raises MaxConnectionsError at once, which would answer 503 to a healthy server).
            pool = self._redis.BlockingConnectionPool.from_url(self.url, max_connections=_POOL_SIZE, timeout=_POOL_WAIT)
            client = self._client = self._redis.Redis.from_pool(pool)
            self._hit_script = client.register_script(_HIT_SCRIPT)
        return client

    async def _call(self, operation: Callable[[Any], Awaitable[_T]]) -> _T:
        """Run ``operation(client)``, turning a lost server into :class:`StoreUnavailable`."""
        outage = self.outage
        outage.check()
        try:
            result = await operation(self._connection())
        except self._errors as exc:
            raise outage.failed(exc) from exc
        if outage.since is not None:
            outage.succeeded()
        return result

    async def get(self, key: str) -> bytes | None:
        result: bytes | None = await self._call(lambda client: client.get(self.prefix + key))
        return result

    async def set(self, key: str, value: bytes, ttl: int) -> None:
        await self._call(lambda client: client.set(self.prefix + key, value, ex=max(1, ttl)))

    async def add(self, key: str, value: bytes, ttl: int) -> bool:
        return bool(await self._call(lambda client: client.set(self.prefix + key, value, ex=max(1, ttl), nx=True)))

    async def delete(self, key: str) -> None:
        await self._call(lambda client: client.delete(self.prefix + key))

    async def hit(self, key: str, window: int) -> tuple[int, int]:
        count, ttl = await self._call(lambda client: self._hit_script(keys=[self.prefix + key], args=[window]))
        return int(count), max(1, int(ttl))

    async def run_script(self, script: str, key: str, args: list[str | int]) -> Any:
        """Run the Lua ``script`` on ``key`` (prefixed) in one round trip (EVALSHA, loaded once).

        Raises:
            StoreUnavailable: Redis cannot be reached.
        """
        scripts = self._scripts
        if script not in scripts:
            scripts[script] = self._connection().register_script(script)
        runner = scripts[script]
        return await self._call(lambda client: runner(keys=[self.prefix + key], args=args, client=client))

    async def close(self) -> None:
        client, self._client = self._client, None
        self._scripts.clear()
        if client is not None:
            await client.aclose()


def create_store(
    section: str, backend: str, redis_url: str | None, prefix: str, logger: Logger | None = None
) -> SecurityStore:
    """The store a config section asks for (``logger`` reports Redis outages, once each way).

    Raises:
        ImproperlyConfigured: ``redis`` without ``REDIS_URL`` (the message names ``SECTION.REDIS_URL``).
    """
    if backend == "redis":
        if not redis_url:
            raise ImproperlyConfigured(f"{section}.REDIS_URL is required when {section}.BACKEND is 'redis'")
        return RedisStore(redis_url, prefix, StoreOutage(section, logger))
    return MemoryStore()
