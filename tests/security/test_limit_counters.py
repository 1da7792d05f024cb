"""Rate limit strategies (sliding window, GCRA, fixed window), in memory and atomically in Redis."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from surge import Request
from surge.controller import Controller, get, path
from surge.exceptions import ImproperlyConfigured
from surge.security import RateLimiter, rate_limit
from surge.security.limit_counters import (
    FixedWindowCounter,
    GcraCounter,
    LimitCounter,
    SlidingWindowCounter,
    create_counter,
)
from surge.security.limits import parse_limit
from surge.security.stores import MemoryStore, RedisStore
from surge.testing import TestClient

STRATEGIES = ["sliding-window", "gcra", "fixed-window"]


@path("/")
class Api(Controller):
    @get("/three")
    @rate_limit("3/minute")
    async def three(self, req: Request) -> dict[str, bool]:
        return {"ok": True}


@pytest.fixture(params=["memory", "redis"])
def store_kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    return str(request.param)


def _store(kind: str, prefix: str) -> Any:
    return MemoryStore() if kind == "memory" else RedisStore("redis://127.0.0.1:6379/0", prefix)


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_every_strategy_refuses_the_fourth_of_three(make_app: Any, store_kind: str, strategy: str) -> None:
    section: dict[str, Any] = {"STRATEGY": strategy, "BACKEND": store_kind}
    if store_kind == "redis":
        section.update(REDIS_URL="redis://127.0.0.1:6379/0", KEY_PREFIX=f"surge-test:{uuid.uuid4().hex}:")
    application = make_app(extensions=[RateLimiter()], controllers=[Api], RATE_LIMITER=section)
    async with TestClient(application) as client:
        answers = [await client.get("/three") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["RateLimit-Remaining"] for answer in answers[:3]] == ["2", "1", "0"]
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert answers[3].json() == {"status": "error", "message": "Too many requests"}


@pytest.mark.parametrize("strategy", STRATEGIES)
async def test_four_processes_hammering_one_key_count_exactly(redis_url: str, strategy: str) -> None:
    """Four stores (four connection pools, as four workers have) share one key: exactly 100 of 400 pass."""
    prefix = f"surge-test:{uuid.uuid4().hex}:"
    counters = [create_counter(strategy, RedisStore(redis_url, prefix)) for _ in range(4)]  # type: ignore[arg-type]
    limit = parse_limit("100/hour")  # GCRA adds one hit per 36 s: none during the test
    verdicts = await asyncio.gather(*(counters[i % 4].hit("hammered", limit) for i in range(400)))
    assert sum(verdict.allowed for verdict in verdicts) == 100
    for counter in counters:
        await counter.store.close()  # type: ignore[attr-defined]


async def test_sliding_window_reopens_one_slot_at_a_time(store_kind: str) -> None:
    counter = SlidingWindowCounter(_store(store_kind, f"surge-test:{uuid.uuid4().hex}:"))
    limit = parse_limit("2/second")
    first = await counter.hit("k", limit)
    await asyncio.sleep(0.5)
    second = await counter.hit("k", limit)
    assert first.allowed and second.allowed
    assert not (await counter.hit("k", limit)).allowed
    await asyncio.sleep(0.6)  # the first hit left the window, the second has not
    assert (await counter.hit("k", limit)).allowed
    assert not (await counter.hit("k", limit)).allowed  # a fixed window would have let two through
    await counter.store.close()


async def test_gcra_allows_a_burst_then_a_steady_rate(store_kind: str) -> None:
    counter = GcraCounter(_store(store_kind, f"surge-test:{uuid.uuid4().hex}:"))
    limit = parse_limit("4/second")  # a burst of 4, then one every 0.25 s
    burst = [(await counter.hit("k", limit)).allowed for _ in range(5)]
    assert burst == [True, True, True, True, False]
    await asyncio.sleep(0.3)
    assert [(await counter.hit("k", limit)).allowed for _ in range(2)] == [True, False]
    await counter.store.close()


async def test_a_refused_hit_does_not_push_the_reopening_back(store_kind: str) -> None:
    counter = SlidingWindowCounter(_store(store_kind, f"surge-test:{uuid.uuid4().hex}:"))
    limit = parse_limit("1/second")
    assert (await counter.hit("k", limit)).allowed
    start = time.monotonic()
    while time.monotonic() - start < 0.8:  # hammering the closed limit
        assert not (await counter.hit("k", limit)).allowed
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert (await counter.hit("k", limit)).allowed
    await counter.store.close()


def test_the_strategy_is_chosen_by_config() -> None:
    store = MemoryStore()
    kinds: dict[str, type[LimitCounter]] = {
        "sliding-window": SlidingWindowCounter,
        "gcra": GcraCounter,
        "fixed-window": FixedWindowCounter,
    }
    for name, kind in kinds.items():
        assert type(create_counter(name, store)) is kind  # type: ignore[arg-type]


def test_an_unknown_strategy_names_the_key(make_app: Any) -> None:
    with pytest.raises(ImproperlyConfigured, match="RATE_LIMITER.STRATEGY"):
        make_app(extensions=[RateLimiter()], RATE_LIMITER={"STRATEGY": "leaky"})
