"""How a rate limit counts: fixed window, sliding window or GCRA, in memory or atomically in Redis.

- ``fixed-window``: a counter per window that starts at the first hit; cheap, but a client
  can pass twice the amount across a window boundary.
- ``sliding-window`` (the default): the hits of the last ``window`` seconds, exactly (a log of
  the accepted hits' times); never more than ``amount`` in any window of that length.
- ``gcra``: the generic cell rate algorithm: a burst of ``amount``, then one hit every
  ``window / amount`` seconds; constant memory per key.

In Redis each check is one Lua script (one round trip, atomic, timed by the Redis server's
clock), so any number of processes sharing a key count exactly; refused hits are not
recorded, so hammering a closed limit does not push its reopening back.
"""

from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass
from typing import Literal

from surge.security.limits import Limit
from surge.security.stores import RedisStore, SecurityStore

__all__ = [
    "FixedWindowCounter",
    "GcraCounter",
    "LimitCounter",
    "SlidingWindowCounter",
    "Strategy",
    "Verdict",
    "create_counter",
]

Strategy = Literal["fixed-window", "sliding-window", "gcra"]
"""The counting strategies ``RATE_LIMITER.STRATEGY`` accepts."""

_PURGE_EVERY = 1024  # memory counters: drop idle keys after this many hits


@dataclass(frozen=True, slots=True)
class Verdict:
    """One hit, counted.

    Attributes:
        allowed: the hit is within the limit.
        remaining: hits still allowed now.
        reset: seconds until one more hit is allowed (until the window resets, for fixed windows).
    """

    allowed: bool
    remaining: int
    reset: int


def _seconds(microseconds: float) -> int:
    return max(1, int(-(-microseconds // 1_000_000)))


class LimitCounter(ABC):
    """Counts hits of keys against limits."""

    @abstractmethod
    async def hit(self, key: str, limit: Limit) -> Verdict:
        """Count one hit of ``key`` against ``limit`` (a refused hit is not counted).

        Raises:
            StoreUnavailable: the shared store cannot be reached (503).
        """


class FixedWindowCounter(LimitCounter):
    """A counter per window, in the store (``SecurityStore.hit``)."""

    def __init__(self, store: SecurityStore) -> None:
        self.store = store

    async def hit(self, key: str, limit: Limit) -> Verdict:
        count, reset = await self.store.hit(key, limit.window)
        return Verdict(count <= limit.amount, max(0, limit.amount - count), reset)


# KEYS[1]: the log (a sorted set of hit times, microseconds); ARGV: amount, window (s), member.
_SLIDING_SCRIPT = """
if redis.replicate_commands then redis.replicate_commands() end
local amount = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000000
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < amount then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  count = count + 1
  allowed = 1
end
redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
local reset = window
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, amount - count, reset}
"""

# KEYS[1]: the theoretical arrival time (microseconds); ARGV: amount, window (s).
_GCRA_SCRIPT = """
if redis.replicate_commands then redis.replicate_commands() end
local amount = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000000
local interval = window / amount
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
if new_tat - window > now then
  return {0, 0, math.floor(new_tat - window - now)}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, math.floor((now + window - new_tat) / interval), math.floor(interval)}
"""


class SlidingWindowCounter(LimitCounter):
    """The accepted hits of the last ``window`` seconds: Redis sorted sets, or deques in memory."""

    def __init__(self, store: SecurityStore) -> None:
        self.store = store
        self._logs: dict[str, deque[float]] = {}
        self._hits = 0

    async def hit(self, key: str, limit: Limit) -> Verdict:
        if isinstance(self.store, RedisStore):
            member = os.urandom(8).hex()  # unique even when two hits share a microsecond
            allowed, remaining, reset = await self.store.run_script(
                _SLIDING_SCRIPT, key, [limit.amount, limit.window, member]
            )
            return Verdict(bool(allowed), max(0, int(remaining)), _seconds(float(reset)))
        return self._hit_in_memory(key, limit, time.monotonic())

    def _hit_in_memory(self, key: str, limit: Limit, now: float) -> Verdict:
        log = self._logs.setdefault(key, deque())
        while log and log[0] <= now - limit.window:
            log.popleft()
        allowed = len(log) < limit.amount
        if allowed:
            log.append(now)
        self._purge(now, limit.window)
        reset = (log[0] + limit.window - now) if log else limit.window
        return Verdict(allowed, limit.amount - len(log), _seconds(reset * 1_000_000))

    def _purge(self, now: float, window: int) -> None:
        self._hits += 1
        if self._hits % _PURGE_EVERY == 0:
            for stale in [key for key, log in self._logs.items() if not log or log[-1] <= now - window]:
                del self._logs[stale]


class GcraCounter(LimitCounter):
    """The generic cell rate algorithm: one timestamp per key, in Redis or in memory."""

    def __init__(self, store: SecurityStore) -> None:
        self.store = store
        self._tats: dict[str, float] = {}
        self._hits = 0

    async def hit(self, key: str, limit: Limit) -> Verdict:
        if isinstance(self.store, RedisStore):
            allowed, remaining, reset = await self.store.run_script(_GCRA_SCRIPT, key, [limit.amount, limit.window])
            return Verdict(bool(allowed), max(0, int(remaining)), _seconds(float(reset)))
        return self._hit_in_memory(key, limit, time.monotonic())

    def _hit_in_memory(self, key: str, limit: Limit, now: float) -> Verdict:
        interval = limit.window / limit.amount
        tat = max(self._tats.get(key, now), now)
        new_tat = tat + interval
        self._hits += 1
        if self._hits % _PURGE_EVERY == 0:
            self._tats = {k: v for k, v in self._tats.items() if v > now}
        if new_tat - limit.window > now:
            return Verdict(False, 0, _seconds((new_tat - limit.window - now) * 1_000_000))
        self._tats[key] = new_tat
        remaining = int((now + limit.window - new_tat) / interval)
        return Verdict(True, remaining, _seconds(interval * 1_000_000))


def create_counter(strategy: Strategy, store: SecurityStore) -> LimitCounter:
    """The counter of ``strategy`` over ``store``."""
    if strategy == "fixed-window":
        return FixedWindowCounter(store)
    if strategy == "gcra":
        return GcraCounter(store)
    return SlidingWindowCounter(store)
