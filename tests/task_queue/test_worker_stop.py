"""A worker run in-process (``await queue.run_worker(stop=event)``) returns once its stop is set.

Two rounds per broker in one process, as the benchmark runs them: each round starts a worker,
runs a batch of jobs, sets the stop while one job is still running, and expects the worker
back within a few seconds with that job finished and its result saved.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from conftest import broker_url, drop_queue
from surge import BaseConfig, Surge
from surge.task_queue import TaskQueue

from surge_testkit import REDIS_URL

KINDS = ["redis", "amqp", "nats"]


async def one_round(kind: str, url: str, batch: int) -> None:
    queue = TaskQueue()
    finished: list[int] = []
    started = asyncio.Event()

    @queue.task
    async def work(i: int, hold: float = 0.0) -> int:
        if hold:
            started.set()
            await asyncio.sleep(hold)
        finished.append(i)
        return i

    name = f"stop{uuid.uuid4().hex[:10]}"
    section = {"BROKER": url, "QUEUE_NAME": name, "CONCURRENCY": 50, "RESULT_BACKEND": REDIS_URL}
    app = Surge(__name__, configs=BaseConfig(DEBUG=False, TASK_QUEUE=section))  # type: ignore[call-arg]
    app.add_extension(queue)
    await app.startup()
    stop = asyncio.Event()
    worker = asyncio.create_task(queue.run_worker(stop=stop))
    await asyncio.sleep(0.3)  # the worker starts the broker before this process sends on it
    try:
        await asyncio.gather(*(work.enqueue(i) for i in range(batch)))
        deadline = time.monotonic() + 30
        while len(finished) < batch:
            assert time.monotonic() < deadline, f"{len(finished)} of {batch} jobs ran"
            await asyncio.sleep(0.02)
        last = await work.enqueue(batch, 0.7)
        await asyncio.wait_for(started.wait(), 10)
        stop.set()
        stopped_at = time.monotonic()
        await asyncio.wait_for(asyncio.shield(worker), 5)
        assert time.monotonic() - stopped_at < 5
        assert batch in finished, "the running job was finished before the worker returned"
        assert await last.status() == "succeeded"
        assert await last.result(timeout=1) == batch
    finally:
        if not worker.done():
            worker.cancel()
        await app.shutdown()
        await drop_queue(kind, url, name)
        await drop_queue("redis", REDIS_URL, name)


@pytest.mark.parametrize("kind", KINDS)
async def test_an_in_process_worker_returns_after_its_stop_is_set(kind: str) -> None:
    url = broker_url(kind)
    broker_url("redis")  # the result backend
    for _ in range(2):
        await one_round(kind, url, batch=300)



async def test_a_redis_worker_stops_when_the_client_swallows_the_cancellation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load redis-py was seen to finish a blocking XREADGROUP normally after its task was
    cancelled; the worker stopped taking jobs but never returned. Force that here."""
    import redis.asyncio as redis

    url = broker_url("redis")
    for name in ("xreadgroup", "xautoclaim"):
        original = getattr(redis.Redis, name)

        async def swallowing(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            try:
                return await _original(self, *args, **kwargs)
            except asyncio.CancelledError:
                return [] if _original.__name__ == "xreadgroup" else [b"0-0", [], []]

        monkeypatch.setattr(redis.Redis, name, swallowing)
    await one_round("redis", url, batch=50)


async def test_a_nats_worker_survives_a_plain_fetch_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """nats-py raises a plain TimeoutError when a fetch's deadline runs out between its two pull
    requests (under load); taskiq-nats let it end the worker process with exit code 1."""
    from nats.js.client import JetStreamContext

    url = broker_url("nats")
    broker_url("redis")
    original = JetStreamContext.PullSubscription.fetch
    raised: list[int] = []

    async def timing_out(self: Any, *args: Any, **kwargs: Any) -> Any:
        if len(raised) < 3:
            raised.append(1)
            await asyncio.sleep(0.05)
            raise TimeoutError
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(JetStreamContext.PullSubscription, "fetch", timing_out)
    await one_round("nats", url, batch=20)
    assert len(raised) == 3
