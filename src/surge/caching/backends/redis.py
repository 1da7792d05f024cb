"""Cache in Redis: shared by every worker on every machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from surge.caching.backends._codec import decode_value, encode_value
from surge.caching.backends.base import BaseCacheBackend
from surge.exceptions.config import ImproperlyConfigured
from surge.extension import require

if TYPE_CHECKING:
    from surge.app import Surge

__all__ = ["DEFAULT_KEY_PREFIX", "RedisCacheBackend"]

DEFAULT_KEY_PREFIX = "surge:cache:"
_CLEAR_BATCH = 500
_POOL_SIZE = 100  # Redis connections per process
_POOL_WAIT = 5.0  # seconds a call waits for a free connection before it fails (a miss for the Cache)
_TAGS = "__tags__:"
# Tagging and invalidation are scripts so that a tag set is never emptied while another worker adds to it.
_TAG_SCRIPT = """
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl <= 0 then
  redis.call('PERSIST', KEYS[1])
else
  local current = redis.call('TTL', KEYS[1])
  if existed == 0 or (current >= 0 and current < ttl) then
    redis.call('EXPIRE', KEYS[1], ttl)
  end
end
return 1
"""
_INVALIDATE_SCRIPT = """
local dropped = 0
for _, tag in ipairs(KEYS) do
  local members = redis.call('SMEMBERS', tag)
  for _, key in ipairs(members) do
    dropped = dropped + redis.call('DEL', key)
  end
  redis.call('DEL', tag)
end
return dropped
"""


class RedisCacheBackend(BaseCacheBackend):
    """Entries as Redis strings with a TTL, under ``KEY_PREFIX`` (default ``surge:cache:``).

    ``clear()`` deletes only the keys under the prefix (SCAN + DEL), never the whole database,
    so several apps can share one Redis. Values are JSON, never pickle.
    """

    def __init__(
        self,
        url: str,
        password: str | None = None,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        socket_timeout: float = 1.0,
    ) -> None:
        self.url = url
        self.password = password
        self.key_prefix = key_prefix
        self.socket_timeout = socket_timeout
        self._client: Any = None

    @classmethod
    def configure_from_app(cls, app: Surge, variable_prefix: str) -> RedisCacheBackend:
        """Read ``REDIS_URL`` (required), ``REDIS_PASSWORD``, ``KEY_PREFIX``.

        Raises:
            ImproperlyConfigured: ``REDIS_URL`` is missing.
            MissingDependency: the ``redis`` package is not installed.
        """
        from surge.caching.config import load_cache_config

        require("redis.asyncio", "cache")
        config = load_cache_config(app, variable_prefix)
        if not config.REDIS_URL:
            raise ImproperlyConfigured(f"{variable_prefix}.REDIS_URL is required by RedisCacheBackend")
        prefix = DEFAULT_KEY_PREFIX if config.KEY_PREFIX is None else config.KEY_PREFIX
        return cls(config.REDIS_URL, config.REDIS_PASSWORD, prefix, config.REDIS_SOCKET_TIMEOUT)

    async def connect(self) -> None:
        """Create the client and ping the server (raises when Redis is down)."""
        if self._client is None:
            redis = require("redis.asyncio", "cache")
            # A burst past the pool's size waits for a free connection: redis-py's plain pool
            # raises MaxConnectionsError at once, a miss (or a 503) with a healthy server.
            pool = redis.BlockingConnectionPool.from_url(
                self.url,
                max_connections=_POOL_SIZE,
                timeout=_POOL_WAIT,
                password=self.password,
                socket_timeout=self.socket_timeout,
                socket_connect_timeout=self.socket_timeout,
            )
            self._client = redis.Redis.from_pool(pool)
        await self._client.ping()

    async def disconnect(self) -> None:
        """Close the connection pool."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    @property
    def client(self) -> Any:
        """The ``redis.asyncio.Redis`` client.

        Raises:
            RuntimeError: ``connect()`` has not run.
        """
        if self._client is None:
            raise RuntimeError("RedisCacheBackend is not connected")
        return self._client

    async def get(self, key: str) -> dict[str, Any] | None:
        """The entry under ``key`` (Redis drops expired ones)."""
        data = await self.client.get(self.key_prefix + key)
        return None if data is None else decode_value(data)

    async def get_many(self, keys: Sequence[str]) -> list[dict[str, Any] | None]:
        """The entries under ``keys`` in one ``MGET``."""
        if not keys:
            return []
        prefix = self.key_prefix
        found = await self.client.mget([prefix + key for key in keys])
        return [None if data is None else decode_value(data) for data in found]

    async def set(self, key: str, value: dict[str, Any], duration: int | None = None) -> None:
        """Store ``value`` with a TTL of ``duration`` seconds."""
        await self.client.set(self.key_prefix + key, encode_value(value), ex=duration or None)

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        await self.client.delete(self.key_prefix + key)

    async def add_tags(self, key: str, tags: Sequence[str], duration: int | None = None) -> None:
        """Add ``key`` to one Redis set per tag; the set lives as long as its longest entry."""
        for tag in tags:
            await self.client.eval(_TAG_SCRIPT, 1, self.key_prefix + _TAGS + tag, self.key_prefix + key, duration or 0)

    async def invalidate_tags(self, tags: Sequence[str]) -> int:
        """Delete every entry in the tags' sets and the sets, atomically (one script)."""
        if not tags:
            return 0
        names = [self.key_prefix + _TAGS + tag for tag in tags]
        return int(await self.client.eval(_INVALIDATE_SCRIPT, len(names), *names))

    async def clear(self) -> None:
        """Delete every key under the prefix."""
        client = self.client
        pattern = _escape_glob(self.key_prefix) + "*"
        batch: list[Any] = []
        async for name in client.scan_iter(match=pattern, count=_CLEAR_BATCH):
            batch.append(name)
            if len(batch) >= _CLEAR_BATCH:
                await client.delete(*batch)
                batch.clear()
        if batch:
            await client.delete(*batch)


def _escape_glob(text: str) -> str:
    """Escape Redis glob metacharacters so the prefix matches literally."""
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)
