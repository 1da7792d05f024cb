"""Dead letters: jobs that failed their last retry, kept for a person to look at or re-enqueue."""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import orjson

from surge.extension import require

__all__ = ["DeadLetter", "DeadLetterStore", "MemoryDeadLetters", "RedisDeadLetters"]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One job that failed every attempt."""

    job_id: str
    task_name: str
    args: list[Any]
    kwargs: dict[str, Any]
    error: str
    """``ExceptionType: message`` of the last failure."""
    attempts: int
    failed_at: float
    """Unix time of the last failure."""


class DeadLetterStore(Protocol):
    """Where dead letters are kept (newest first)."""

    async def add(self, letter: DeadLetter) -> None: ...

    async def list(self, limit: int) -> list[DeadLetter]: ...

    async def clear(self) -> None: ...


class MemoryDeadLetters:
    """Dead letters in this process (the memory broker's)."""

    def __init__(self, limit: int) -> None:
        self._letters: deque[DeadLetter] = deque(maxlen=limit)

    async def add(self, letter: DeadLetter) -> None:
        self._letters.appendleft(letter)

    async def list(self, limit: int) -> list[DeadLetter]:
        return list(self._letters)[:limit]

    async def clear(self) -> None:
        self._letters.clear()


class RedisDeadLetters:
    """Dead letters in a Redis list beside the results (``surge:dead:<QUEUE_NAME>``)."""

    def __init__(self, url: str, queue_name: str, limit: int) -> None:
        redis = require("redis.asyncio", "jobs", "redis")
        self._redis = redis.Redis.from_url(url)
        self.key = f"surge:dead:{queue_name}"
        self._limit = limit

    async def add(self, letter: DeadLetter) -> None:
        data = orjson.dumps(asdict(letter), default=repr)
        async with self._redis.pipeline(transaction=True) as pipe:
            await pipe.lpush(self.key, data).ltrim(self.key, 0, self._limit - 1).execute()

    async def list(self, limit: int) -> list[DeadLetter]:
        raw = await self._redis.lrange(self.key, 0, limit - 1)
        return [DeadLetter(**orjson.loads(item)) for item in raw]

    async def clear(self) -> None:
        await self._redis.delete(self.key)

    async def close(self) -> None:
        await self._redis.aclose()
